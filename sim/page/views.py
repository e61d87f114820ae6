"""What the page shows, as HTML: the verdict, the paired difference, A and B, the tables and the fan chart.

The figures are those of ``sim run`` (its ``summary.json``), written in the page's language through
the reports' catalogue; the semester and channel tables are the report's own tables
(:mod:`sim.report.run`), and the fan chart is the report's chart (:func:`sim.figures.projection.fan`).
"""

from __future__ import annotations

import base64
import threading
from datetime import date
from html import escape
from typing import Any

from htmltools import HTML, Tag, TagAttrValue, TagList, tags

from sim.figures import projection
from sim.i18n.language import Lang
from sim.report.html import table as html_table
from sim.report.optimize import allocation_table, edges, headline
from sim.report.run import channels_section, regions_section, semester_tables
from sim.results.files import OptimizeFile, SummaryFile

# matplotlib's pyplot keeps global state: charts are drawn one at a time.
_DRAWING = threading.Lock()


def _testid(name: str) -> dict[str, TagAttrValue]:
    return {"data-testid": name}


def verdict(lang: Lang, summary: dict[str, Any]) -> Tag:
    """The verdict as ``sim run`` gives it: P(target) with its interval, the projection, coverage, needs."""
    t, f, cov = summary["target"], summary["final"], summary["coverage"]
    lo, hi = t["probability_ci95"]
    metric = lang.t(f"metric.{t['metric']}")
    word = lang.t(f"verdict.{t['verdict']}")
    return tags.div(
        tags.div(
            lang.t("page.target_line", target=lang.number(t["members"]), metric=metric, by=lang.date(t["by"])),
            class_="text-muted small",
        ),
        tags.div(
            tags.span(word, class_=f"badge verdict-badge verdict-{t['verdict'].replace(' ', '-')}"), class_="my-1"
        ),
        tags.div(
            _figure(
                lang.t("page.probability"),
                tags.span(lang.percent(t["probability"]), _testid("probability")),
                lang.t("page.ci", lo=lang.percent(lo), hi=lang.percent(hi)),
            ),
            _figure(
                lang.t("page.final", metric=metric, by=lang.date(t["by"])),
                tags.span(lang.number(f["mean"]), _testid("final-mean")),
                lang.t("page.range90", lo=lang.number(f["p05"]), hi=lang.number(f["p95"])),
            ),
            _figure(
                lang.t("coverage"),
                tags.span(lang.percent(cov["mean"]), _testid("coverage")),
                lang.t("page.range90", lo=lang.percent(cov["p05"]), hi=lang.percent(cov["p95"])),
            ),
            _figure(
                lang.t("page.needed"),
                tags.span(lang.number(t["needed_per_month"]), _testid("needed")),
                lang.t("page.projected", x=lang.number(t["projected_per_month"])),
            ),
            class_="figures",
        ),
    )


def _figure(label: str, value: Tag, note: str) -> Tag:
    return tags.div(
        tags.div(label, class_="figure-label"),
        tags.div(value, class_="figure-value"),
        tags.div(note, class_="figure-note"),
    )


def progress(lang: Lang, done: int, total: int, status: str, seed: int, failure: str = "") -> Tag:
    """The run's state: a bar while it runs, what it rests on when done, or why it failed."""
    if status == "error":
        return tags.div(
            lang.t("page.failed", why=failure),
            {"data-status": "error"},
            _testid("run-status"),
            class_="alert alert-danger py-1 my-1",
        )
    share = 100.0 if status == "success" else (100 * done / total if total else 0)
    if status == "success":
        text = lang.t("page.done", total=lang.number(total), seed=str(seed))
    elif done:
        text = lang.t("page.preview", done=lang.number(done), total=lang.number(total))
    else:
        text = lang.t("page.waiting")
    bar = tags.div(
        tags.div(
            class_="progress-bar" + ("" if status == "success" else " progress-bar-striped progress-bar-animated"),
            style=f"width: {share:.0f}%",
        ),
        class_="progress",
        style="height: 6px",
    )
    return tags.div(
        bar,
        tags.div(text, class_="small text-muted"),
        {"data-status": status, "data-done": str(done)},
        _testid("run-status"),
    )


def _interval(lang: Lang, diff: float, ci: list[float], kind: str) -> Tag:
    text = lang.cell(diff, kind)
    band = lang.t("page.ci", lo=lang.cell(ci[0], kind), hi=lang.cell(ci[1], kind))
    return tags.span(tags.strong(text), " ", tags.span(f"({band})", class_="text-muted"))


def difference(lang: Lang, paired: dict[str, Any] | None, title: str = "") -> Tag:
    """The paired difference in final members and in P(target), each with its 95% interval."""
    heading = tags.div(title, class_="diff-title") if title else None
    if paired is None:
        return tags.div(heading, tags.div(lang.t("page.unchanged"), class_="text-muted"))
    final, prob = paired["final"], paired["probability"]
    return tags.div(
        heading,
        tags.div(
            tags.div(lang.t("page.diff_final"), class_="figure-label"),
            tags.div(
                _interval(lang, final["mean_diff"], final["ci95"], "signed"), _testid("diff-final"), class_="diff-value"
            ),
        ),
        tags.div(
            tags.div(lang.t("page.diff_p"), class_="figure-label"),
            tags.div(
                _interval(lang, prob["diff"], prob["ci95"], "pp"), _testid("diff-probability"), class_="diff-value"
            ),
        ),
    )


def settings(lang: Lang, sets: tuple[str, ...]) -> Tag:
    """The lever settings of a strategy, or "as written"."""
    if not sets:
        return tags.div(lang.t("page.as_written"), class_="text-muted small")
    return tags.ul(*(tags.li(tags.code(s)) for s in sets), class_="small mb-1 settings")


def strategies(
    lang: Lang,
    a: tuple[tuple[str, ...], dict[str, Any]],
    b: tuple[tuple[str, ...], dict[str, Any]],
    paired: dict[str, Any],
) -> Tag:
    """A and B side by side, and B − A paired on the same random numbers."""

    def column(title: str, sets: tuple[str, ...], summary: dict[str, Any], testid: str) -> Tag:
        t, f = summary["target"], summary["final"]
        return tags.div(
            tags.h6(title),
            settings(lang, sets),
            tags.div(lang.t("page.probability"), ": ", tags.strong(lang.percent(t["probability"]))),
            tags.div(lang.t("final_mean"), ": ", tags.strong(lang.number(f["mean"]))),
            _testid(testid),
            class_="col",
        )

    return tags.div(
        column(lang.t("page.a"), a[0], a[1], "strategy-a"),
        column(lang.t("page.b"), b[0], b[1], "strategy-b"),
        tags.div(difference(lang, paired, lang.t("page.b_minus_a")), _testid("a-b"), class_="col"),
        class_="row",
    )


def optimised(lang: Lang, data: dict[str, Any]) -> Tag:
    """``sim optimize``'s answer as its report gives it: the headline, the flags and the best allocation."""
    model = OptimizeFile.model_validate(data)
    flags = [tags.li(text) for text in edges(lang, model, "page.optimise_flat_probability")]
    if model.best is None:
        return tags.div(
            tags.div(headline(lang, model), class_="alert alert-warning py-1 mb-0", **_testid("optimise-too-small")),
            tags.ul(*flags, class_="small optimise-flags") if flags else None,
        )
    return tags.div(
        tags.div(headline(lang, model), class_="optimise-headline"),
        tags.ul(*flags, class_="small optimise-flags", **_testid("optimise-flags")) if flags else None,
        HTML(html_table(lang, allocation_table(lang, model, model.best))),
    )


def tables(lang: Lang, summary: dict[str, Any]) -> TagList:
    """The report's semester and channel tables."""
    model = SummaryFile.model_validate(summary)
    additions, achievement = semester_tables(lang, model)
    (channels,) = channels_section(lang, model).tables
    return TagList(*(HTML(html_table(lang, t)) for t in (achievement, additions, channels)))


def regions(lang: Lang, summary: dict[str, Any], selected: str) -> Tag | None:
    """The report's region table, ranked by gap to each region's own target; the selected region marked."""
    section = regions_section(lang, SummaryFile.model_validate(summary))
    if section is None:
        return None
    (table,) = section.tables
    html = html_table(lang, table)
    if selected:
        html = html.replace(
            f"<tr><td>{escape(selected)}</td>", f'<tr class="table-primary"><td>{escape(selected)}</td>', 1
        )
    return tags.div(HTML(html), _testid("regions"))


def fan_chart(lang: Lang, summary: dict[str, Any], monthly: tuple[dict[str, Any], ...]) -> Tag:
    """The report's fan chart of the target metric, as an image."""
    t = summary["target"]
    rows = [r for r in monthly if r["series"] == t["metric"]]
    bands = {k: [float(r[k]) for r in rows] for k in ("p05", "p25", "p50", "p75", "p95")}
    with _DRAWING:
        png = projection.fan(
            lang,
            [date.fromisoformat(r["date"]) for r in rows],
            bands,
            date.fromisoformat(summary["start"]),
            t["baseline"],
            t["members"],
            date.fromisoformat(t["by"]),
        )
    source = "data:image/png;base64," + base64.b64encode(png).decode()
    return tags.img(src=source, alt=lang.t("fan"), class_="fan", **_testid("fan-chart"))
