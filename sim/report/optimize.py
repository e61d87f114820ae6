"""Reports of an optimisation folder (``sim optimize``): the best allocation of a budget.

The headline gives the objective at the best allocation with its 95% interval, its spend
against the budget (and the 95th percentile, so the room sees the risk of overrunning) and the
paired gain over the scenario as written; or says the budget is too small for any change. Then
the honest edges (levers at an end of their range, an objective the same everywhere), the
allocation lever by lever, the finalists against the best, the marginal effect of each lever and
the chart of spend against the objective from nothing to the budget.
"""

from __future__ import annotations

from sim.figures.base import png
from sim.figures.optimize import FrontierWords, frontier_figure
from sim.i18n.language import Lang
from sim.report.document import Chart, Column, Kind, Report, Section, Table
from sim.report.folder import Folder
from sim.results.files import Allocation, OptimizeFile


def _shown(lang: Lang, objective: str, value: float) -> str:
    return lang.number(value) if objective == "members" else lang.percent(value)


def _diff(lang: Lang, objective: str, value: float) -> str:
    return lang.signed(value) if objective == "members" else lang.cell(value, "pp")


def headline(lang: Lang, data: OptimizeFile) -> str:
    """The answer in one sentence, or why there is none."""
    best, o = data.best, data.objective
    if best is None:
        least = lang.number(data.least_spend) if data.least_spend is not None else "–"
        return lang.t("optimize_too_small", budget=lang.number(data.budget), least=least)
    gain = best.gain
    glo, ghi = gain.ci95 if gain is not None else (0.0, 0.0)
    return lang.t(
        "optimize_headline",
        objective=lang.t(f"objective.{o}"),
        value=_shown(lang, o, best.objective),
        lo=_shown(lang, o, best.ci95[0]),
        hi=_shown(lang, o, best.ci95[1]),
        spend=lang.number(best.spend),
        budget=lang.number(data.budget),
        p95=lang.number(best.spend_p95),
        gain=_diff(lang, o, gain.mean_diff if gain is not None else 0.0),
        glo=_diff(lang, o, glo),
        ghi=_diff(lang, o, ghi),
    )


def edges(lang: Lang, data: OptimizeFile, hint: str = "optimize_flat_probability") -> tuple[str, ...]:
    """Levers at an end of their range, and an objective the same everywhere (``hint``: which to use instead)."""
    out = [lang.t("optimize_at_bound", lever=path) for path in (data.best.at_bound if data.best else [])]
    if data.flat:
        out.append(lang.t("optimize_flat", objective=lang.t(f"objective.{data.objective}")).capitalize())
        if data.objective == "probability":
            out.append(lang.t(hint))
    return tuple(out)


def allocation_table(lang: Lang, data: OptimizeFile, best: Allocation) -> Table:
    """Each lever's value at the best allocation, as written, and its spend."""
    title = lang.t("optimize_allocation")
    return Table(
        title[:31],
        title,
        (
            Column(lang.t("solve_lever"), "text"),
            Column(lang.t("value"), "num"),
            Column(lang.t("optimize_written").capitalize(), "num"),
            Column(lang.t("optimize_spend")),
        ),
        tuple(
            (lv.path, best.values[lv.path], data.base.values[lv.path], best.spend_by_lever[lv.path])
            for lv in data.levers
        ),
    )


def _finalists_table(lang: Lang, data: OptimizeFile) -> Table:
    title = lang.t("optimize_finalists")
    kind: Kind = "int" if data.objective == "members" else "pct"
    diff: Kind = "signed" if data.objective == "members" else "pp"
    paths = [lv.path for lv in data.levers]
    return Table(
        title[:31],
        title,
        (
            *(Column(p, "num") for p in paths),
            Column(lang.t("optimize_spend")),
            Column(lang.t(f"objective.{data.objective}").capitalize(), kind),
            Column(lang.t("optimize_vs_best"), diff),
            Column(lang.t("ci_low"), diff),
            Column(lang.t("ci_high"), diff),
        ),
        tuple(
            (
                *(f.values[p] for p in paths),
                f.spend,
                f.objective,
                *((None, None, None) if f.versus_best is None else (f.versus_best.mean_diff, *f.versus_best.ci95)),
            )
            for f in data.finalists
        ),
    )


def _marginal_table(lang: Lang, data: OptimizeFile) -> Table:
    title = lang.t("optimize_marginal")
    return Table(
        title[:31],
        title,
        (
            Column(lang.t("solve_lever"), "text"),
            Column(lang.t("optimize_moved_to"), "num"),
            Column(lang.t("optimize_extra_spend"), "signed"),
            Column(lang.t("optimize_extra_members"), "signed"),
            Column(lang.t("optimize_per_billion"), "signed"),
            Column(lang.t("ci_low"), "signed"),
            Column(lang.t("ci_high"), "signed"),
        ),
        tuple(
            (m.lever, m.to, m.extra_spend, m.extra_members, m.per_billion, *(m.per_billion_ci95 or (None, None)))
            for m in data.marginal
        ),
    )


def optimize_report(lang: Lang, folder: Folder) -> Report:
    """The answer, its edges, the finalists, the marginal effects and the frontier chart."""
    data = folder.optimize()
    s = data.search
    search = lang.t(
        "optimize_search",
        method=s.method,
        allocations=lang.number(s.allocations),
        search_reps=lang.number(s.search_reps),
        refined=lang.number(s.refined),
        reps=lang.number(s.reps),
        evaluations=lang.number(s.evaluations),
    )
    chart = png(frontier_figure(data.model_dump(), FrontierWords.of(lang)))
    tables = (allocation_table(lang, data, data.best),) if data.best is not None else ()
    return Report(
        lang=lang.code,
        title=f"{lang.t('title_optimize')}: {data.scenario}",
        subtitle=lang.t(
            "optimize_subtitle", budget=lang.number(data.budget), objective=lang.t(f"objective.{data.objective}")
        ),
        headline=headline(lang, data),
        sections=(
            Section(
                "allocation",
                lang.t("optimize_allocation"),
                paragraphs=(*edges(lang, data), search),
                tables=tables,
            ),
            Section("finalists", lang.t("optimize_finalists"), tables=(_finalists_table(lang, data),)),
            Section("marginal", lang.t("optimize_marginal"), tables=(_marginal_table(lang, data),)),
            Section(
                "frontier",
                lang.t("optimize_frontier_title"),
                charts=(Chart("optimize.png", lang.t("optimize_frontier_title"), chart),),
            ),
        ),
    )
