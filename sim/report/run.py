"""The report of one run: verdict, fan chart, semesters, waterfall, coverage, money, assumptions."""

from __future__ import annotations

from datetime import date
from typing import Any

from sim.figures import projection
from sim.i18n.language import Lang
from sim.report.assumptions import assumptions_section
from sim.report.document import Chart, Column, Report, Section, Table
from sim.report.folder import Folder
from sim.results.files import Outlook, Summary


def headline(lang: Lang, summary: Outlook) -> str:
    """The one-sentence verdict."""
    t, f = summary.target, summary.final
    return lang.t(
        "headline_text",
        verdict=lang.t(f"verdict.{t.verdict}"),
        target=lang.number(t.members),
        metric=lang.t(f"metric.{t.metric}"),
        by=lang.date(t.by),
        p=lang.percent(t.probability),
        mean=lang.number(f.mean),
        p05=lang.number(f.p05),
        p95=lang.number(f.p95),
    )


def straight_path_share(start: str, by: str, until: str) -> float:
    """Share of the way from ``start`` to the end of ``by`` that the straight path covers by the end of ``until``.

    Dates are whole days: the end of day ``d`` is ``(d − start) + 1`` days in, capped at the target date.
    """
    s, b, u = date.fromisoformat(start), date.fromisoformat(by), date.fromisoformat(until)
    total = (b - s).days + 1
    return min(max((u - s).days + 1, 0), total) / total


def semester_tables(lang: Lang, summary: Summary) -> tuple[Table, Table]:
    """Additions by segment and channel, and achievement against the straight path."""
    segment_of = {c.name: c.segment for c in summary.channels}
    rows: list[tuple[Any, ...]] = []
    for sem in summary.semesters:
        by_segment: dict[str, list[tuple[str, float]]] = {}
        for name, value in sem.enrolled_by_channel.items():
            by_segment.setdefault(segment_of.get(name, "all"), []).append((name, value))
        for seg, channels in by_segment.items():
            rows += [(sem.semester, seg, name, value) for name, value in channels]
            rows.append((sem.semester, seg, lang.t("subtotal"), sum(v for _, v in channels)))
    additions = Table(
        "Tambahan" if lang.code == "id" else "Additions",
        lang.t("by_channel"),
        (
            Column(lang.t("semester"), "text"),
            Column(lang.t("segment"), "text"),
            Column(lang.t("channel"), "text"),
            Column(lang.t("enrolled")),
        ),
        tuple(rows),
    )
    t = summary.target
    gap = t.members - t.baseline
    achieved = []
    for sem in summary.semesters:
        share = straight_path_share(summary.start, t.by, sem.to)
        before = straight_path_share(summary.start, t.by, _day_before(sem.first_day))
        needed = gap * (share - before)
        ratio = sem.net_change_mean / needed if needed > 0 else None
        achieved.append(
            (
                sem.semester,
                sem.opening_active_mean,
                sem.enrolled_mean,
                sem.lapsed_mean,
                sem.reactivated_mean,
                sem.net_change_mean,
                needed,
                ratio,
                sem.closing_active_mean,
            )
        )
    achievement = Table(
        "Capaian" if lang.code == "id" else "Achievement",
        lang.t("achievement"),
        (
            Column(lang.t("semester"), "text"),
            Column(lang.t("opening")),
            Column(lang.t("enrolled")),
            Column(lang.t("lapsed")),
            Column(lang.t("reactivated")),
            Column(lang.t("net"), "signed"),
            Column(lang.t("needed")),
            Column(lang.t("achievement_pct"), "pct"),
            Column(lang.t("closing")),
        ),
        tuple(achieved),
    )
    return additions, achievement


def _day_before(iso: str) -> str:
    return date.fromordinal(date.fromisoformat(iso).toordinal() - 1).isoformat()


def waterfall_steps(lang: Lang, summary: Summary) -> list[tuple[str, float]]:
    """Baseline, + each channel, − lapse, + reactivation, and any residual, summing to the end."""
    sems = summary.semesters
    baseline = sems[0].opening_active_mean
    end = sems[-1].closing_active_mean
    steps = [(lang.t("baseline"), baseline)]
    steps += [(c.name, c.enrolled_mean) for c in summary.channels]
    steps.append((lang.t("lapsed"), -sum(s.lapsed_mean for s in sems)))
    steps.append((lang.t("reactivated"), sum(s.reactivated_mean for s in sems)))
    residual = end - sum(v for _, v in steps)
    if abs(residual) >= 0.5:
        steps.append((lang.t("other"), residual))
    return steps


def waterfall_section(lang: Lang, summary: Summary) -> Section:
    """The waterfall chart and its table."""
    steps = waterfall_steps(lang, summary)
    png = projection.waterfall(lang, steps, lang.t("baseline"), lang.t("end"))
    rows: list[tuple[str, float | None, float]] = [(steps[0][0], None, steps[0][1])]
    running = steps[0][1]
    for label, change in steps[1:]:
        running += change
        rows.append((label, change, running))
    rows.append((lang.t("end"), None, running))
    table = Table(
        "Waterfall",
        lang.t("waterfall"),
        (Column(lang.t("step"), "text"), Column(lang.t("change"), "signed"), Column(lang.t("running"))),
        tuple(rows),
    )
    return Section(
        "waterfall", lang.t("waterfall"), charts=(Chart("waterfall.png", lang.t("waterfall"), png),), tables=(table,)
    )


def fan_section(lang: Lang, folder: Folder, summary: Summary) -> Section:
    """The fan chart of the target metric."""
    t = summary.target
    rows = folder.monthly(t.metric)
    dates = [date.fromisoformat(r.date) for r in rows]
    bands = {k: [getattr(r, k) for r in rows] for k in ("p05", "p25", "p50", "p75", "p95")}
    png = projection.fan(
        lang,
        dates,
        bands,
        date.fromisoformat(summary.start),
        t.baseline,
        t.members,
        date.fromisoformat(t.by),
    )
    return Section("fan", lang.t("fan"), (lang.t("fan_note"),), (Chart("fan.png", lang.t("fan"), png),))


def coverage_section(lang: Lang, folder: Folder, summary: Summary) -> Section:
    """Coverage at the target date, per segment and in all."""
    cov = summary.coverage
    text = lang.t(
        "coverage_text",
        by=lang.date(summary.target.by),
        mean=lang.percent(cov.mean),
        p05=lang.percent(cov.p05),
        p95=lang.percent(cov.p95),
    )
    workers = folder.scenario().get("population", {}).get("workers")
    rows: list[tuple[Any, ...]] = []
    if isinstance(workers, dict):
        for seg, n in workers.items():
            at_target = [r for r in folder.monthly(f"active[{seg}]") if r.date == summary.target.by]
            if at_target:
                rows.append((seg, float(n), at_target[0].mean, at_target[0].mean / n))
    rows.append((lang.t("all"), summary.workers_at_target, cov.mean * summary.workers_at_target, cov.mean))
    table = Table(
        "Cakupan" if lang.code == "id" else "Coverage",
        lang.t("coverage"),
        (
            Column(lang.t("segment"), "text"),
            Column(lang.t("workers")),
            Column(lang.t("active_end")),
            Column(lang.t("share"), "pct"),
        ),
        tuple(rows),
    )
    return Section("coverage", lang.t("coverage"), (text,), tables=(table,))


def money_section(lang: Lang, summary: Summary) -> Section:
    """Contributions and cost per net member, or "not given"."""
    money = summary.money
    if not money:
        return Section("money", lang.t("money"), (lang.t("not_given"),))
    c = money.contributions
    paragraphs = () if c else (lang.t("no_contribution_rates"),)
    contributions = (
        Table(
            "Iuran" if lang.code == "id" else "Contributions",
            lang.t("contributions", currency=money.currency),
            (Column(lang.t("mean")), Column("P5"), Column("P95")),
            ((c.mean, c.p05, c.p95),),
        )
        if c
        else None
    )
    costs = Table(
        "Biaya" if lang.code == "id" else "Costs",
        lang.t("cost_per_member"),
        (
            Column(lang.t("channel"), "text"),
            Column(lang.t("cost")),
            Column(lang.t("net_new")),
            Column(lang.t("cost_per_member")),
        ),
        tuple((ch.name, ch.cost_mean, ch.net_new_active_mean, ch.cost_per_net_member) for ch in money.channels),
    )
    tables = (contributions, costs) if contributions is not None else (costs,)
    return Section("money", lang.t("money"), paragraphs=paragraphs, tables=tables)


def channels_section(lang: Lang, summary: Summary) -> Section:
    """Enrolments by channel with their spread."""
    rows = tuple(
        (c.name, c.kind, c.segment, c.enrolled_mean, c.enrolled_p05, c.enrolled_p95, c.share_of_enrolments)
        for c in summary.channels
    )
    table = Table(
        "Kanal" if lang.code == "id" else "Channels",
        lang.t("channels"),
        (
            Column(lang.t("channel"), "text"),
            Column(lang.t("kind"), "text"),
            Column(lang.t("segment"), "text"),
            Column(lang.t("mean")),
            Column("P5"),
            Column("P95"),
            Column(lang.t("share_enrol"), "pct"),
        ),
        rows,
    )
    return Section("channels", lang.t("channels"), tables=(table,))


def run_report(lang: Lang, folder: Folder) -> Report:
    """Every section of a run's report, in meeting order."""
    summary = folder.summary()
    additions, achievement = semester_tables(lang, summary)
    facts = lang.t(
        "facts",
        reps=lang.number(summary.replications),
        seed=str(summary.seed),
        start=lang.date(summary.start),
        end=lang.date(summary.end),
        version=summary.version,
    )
    return Report(
        lang=lang.code,
        title=f"{lang.t('title')}: {summary.scenario}",
        subtitle=facts,
        headline=headline(lang, summary),
        sections=(
            fan_section(lang, folder, summary),
            Section("semesters", lang.t("semesters"), (lang.t("semester_note"),), tables=(achievement, additions)),
            waterfall_section(lang, summary),
            coverage_section(lang, folder, summary),
            money_section(lang, summary),
            channels_section(lang, summary),
            assumptions_section(lang, folder.scenario()),
        ),
    )
