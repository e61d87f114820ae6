"""Reports of a comparison or a sweep folder: the strategies, ranked.

A comparison ranks variants by their paired mean difference in final members against the base
(then by P(target)); a sweep ranks its grid points by P(target) (then by mean final members).
"""

from __future__ import annotations

from typing import Any

from sim.analyses.compare import unchanged_probability
from sim.figures import strategies as charts
from sim.figures.base import png as png_bytes
from sim.figures.sweep import SweepWords, sweep_figure
from sim.i18n.language import Lang
from sim.report.assumptions import value_text
from sim.report.document import Chart, Column, Report, Section, Table
from sim.report.folder import Folder
from sim.report.run import headline
from sim.results.files import SweepPoint, Variant
from sim.scenario.changes import readable_rows


def compare_report(lang: Lang, folder: Folder) -> Report:
    """Variants ranked against the base, with paired intervals."""
    data = folder.compare()
    unchanged = unchanged_probability(data.model_dump())
    base = data.base
    variants = sorted(
        data.variants,
        key=lambda v: (v.paired.final.mean_diff, v.paired.probability.diff),
        reverse=True,
    )
    rows: list[tuple[Any, ...]] = [
        (
            None,
            f"{base.name} ({lang.t('base')})",
            base.summary.final.mean,
            0.0,
            None,
            None,
            base.summary.target.probability,
            0.0,
            None,
        )
    ]
    for rank, v in enumerate(variants, start=1):
        final, prob = v.paired.final, v.paired.probability
        rows.append(
            (
                rank,
                v.name,
                v.summary.final.mean,
                final.mean_diff,
                final.ci95[0],
                final.ci95[1],
                v.summary.target.probability,
                prob.diff,
                v.p_beats_base,
            )
        )
    columns: tuple[Column, ...] = (
        Column(lang.t("rank")),
        Column(lang.t("strategy"), "text"),
        Column(lang.t("final_mean")),
        Column(lang.t("final_diff"), "signed"),
        Column(lang.t("ci_low"), "signed"),
        Column(lang.t("ci_high"), "signed"),
        Column(lang.t("probability"), "pct"),
        Column(lang.t("prob_diff"), "pp"),
        Column(lang.t("p_beats"), "pct"),
    )
    notes: tuple[str, ...] = ()
    if unchanged is not None:  # the same P everywhere and +0 pp differences: one sentence instead
        keep = [i for i, c in enumerate(columns) if c.label not in (lang.t("probability"), lang.t("prob_diff"))]
        columns = tuple(columns[i] for i in keep)
        rows = [tuple(row[i] for i in keep) for row in rows]
        notes = (lang.t("probability_unchanged", p=lang.percent(unchanged, 0 if unchanged in (0, 1) else 1)),)
    table = Table("Peringkat" if lang.code == "id" else "Ranking", lang.t("ranked"), columns, tuple(rows))
    png = charts.ranked(
        lang,
        [v.name for v in variants],
        [v.paired.final.mean_diff for v in variants],
        [v.paired.final.ci95[0] for v in variants],
        [v.paired.final.ci95[1] for v in variants],
        lang.t("final_diff"),
    )
    if variants:
        best = variants[0]
        final = best.paired.final
        verdict = lang.t(
            "compare_headline",
            best=best.name,
            diff=lang.signed(final.mean_diff),
            base=base.name,
            lo=lang.signed(final.ci95[0]),
            hi=lang.signed(final.ci95[1]),
            p=lang.percent(best.summary.target.probability),
        )
    else:
        verdict = headline(lang, base.summary)
    return Report(
        lang=lang.code,
        title=f"{lang.t('title_compare')}: {base.name}",
        subtitle=headline(lang, base.summary),
        headline=verdict,
        sections=(
            Section(
                "ranked",
                lang.t("ranked"),
                paragraphs=notes,
                charts=(Chart("ranked.png", lang.t("ranked"), png),),
                tables=(table,),
            ),
            changes_section(lang, variants),
        ),
    )


def changes_section(lang: Lang, variants: list[Variant]) -> Section:
    """What each variant changes against the base, as ``sim diff`` shows it (name and description left out)."""
    tables = tuple(
        Table(
            f"{lang.t('changes')} {i}"[:31],
            v.name,
            (Column(lang.t("path"), "text"), Column(lang.t("base"), "text"), Column(lang.t("strategy"), "text")),
            tuple(
                (path, value_text(lang, x), value_text(lang, y))
                for path, x, y in readable_rows([(c.path, c.base, c.variant) for c in v.changes])
                if path not in ("name", "description")
            ),
        )
        for i, v in enumerate(variants, start=1)
    )
    return Section("changes", lang.t("changes"), tables=tables)


def _values_text(lang: Lang, values: dict[str, Any]) -> str:
    return "; ".join(f"{k} = {lang.short(v) if _numeric(v) else v}" for k, v in values.items())


def _numeric(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def sweep_chart(lang: Lang, parameters: list[str], points: list[SweepPoint]) -> bytes:
    """The sweep folder's chart (:mod:`sim.figures.sweep`) in the report's language; else ranked bars."""
    data = {"parameters": parameters, "points": [p.model_dump() for p in points]}
    fig = sweep_figure(data, SweepWords.of(lang))
    if fig is not None:
        return png_bytes(fig)
    return charts.ranked(
        lang,
        [_values_text(lang, p.values) for p in points],
        [p.final.mean for p in points],
        [p.final.p05 for p in points],
        [p.final.p95 for p in points],
        lang.t("final_mean"),
    )


def sweep_report(lang: Lang, folder: Folder) -> Report:
    """Grid points ranked by P(target)."""
    data = folder.sweep()
    parameters = list(data.parameters)
    points = sorted(data.points, key=lambda p: (p.probability, p.final.mean), reverse=True)
    table = Table(
        "Peringkat" if lang.code == "id" else "Ranking",
        lang.t("ranked"),
        (
            Column(lang.t("rank")),
            *(Column(name, "num") for name in parameters),
            Column(lang.t("probability"), "pct"),
            Column(lang.t("ci_low"), "pct"),
            Column(lang.t("ci_high"), "pct"),
            Column(lang.t("final_mean")),
            Column("P5"),
            Column("P95"),
        ),
        tuple(
            (
                rank,
                *(p.values[name] for name in parameters),
                p.probability,
                *p.probability_ci95,
                p.final.mean,
                p.final.p05,
                p.final.p95,
            )
            for rank, p in enumerate(points, start=1)
        ),
    )
    best = points[0]
    verdict = lang.t(
        "sweep_headline",
        p=lang.percent(best.probability),
        values=_values_text(lang, best.values),
        mean=lang.number(best.final.mean),
    )
    png = sweep_chart(lang, parameters, list(data.points))
    return Report(
        lang=lang.code,
        title=f"{lang.t('title_sweep')}: {', '.join(parameters)}",
        subtitle=data.scenario,
        headline=verdict,
        sections=(
            Section(
                "ranked", lang.t("ranked"), charts=(Chart("sweep.png", lang.t("sweep_chart"), png),), tables=(table,)
            ),
        ),
    )
