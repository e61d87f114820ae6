"""The report of one run: verdict, fan chart, semesters, waterfall, coverage, money, assumptions."""

from __future__ import annotations

from datetime import date
from typing import Any

from sim.figures import projection
from sim.i18n.language import Lang
from sim.report.assumptions import assumptions_section
from sim.report.document import Chart, Column, Report, Section, Table
from sim.report.folder import Folder
from sim.report.verdict import by_gap
from sim.results.files import Outlook, RegionFigures, SummaryFile


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


def semester_tables(lang: Lang, summary: SummaryFile) -> tuple[Table, Table]:
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


def waterfall_steps(lang: Lang, summary: SummaryFile) -> list[tuple[str, float]]:
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


def waterfall_section(lang: Lang, summary: SummaryFile) -> Section:
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


def fan_section(lang: Lang, folder: Folder, summary: SummaryFile) -> Section:
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


def coverage_section(lang: Lang, folder: Folder, summary: SummaryFile) -> Section:
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


def promised_section(lang: Lang, summary: SummaryFile) -> Section | None:
    """Coverage and members reached with 80% and with 50% probability: what a meeting can promise."""
    promised = summary.promised
    if promised is None:
        return None
    cov, members = promised.coverage, promised.members
    metric = lang.t(f"metric.{promised.metric}")
    text = lang.t(
        "promised_text",
        by=lang.date(promised.by),
        p80=lang.percent(cov.p80),
        p50=lang.percent(cov.p50),
        m80=lang.number(members.p80),
        m50=lang.number(members.p50),
        metric=metric,
    )
    table = Table(
        "Janji" if lang.code == "id" else "Promised",
        lang.t("promised"),
        (
            Column(f"{lang.t('share')}, {lang.t('with_80')}", "pct"),
            Column(f"{lang.t('share')}, {lang.t('with_50')}", "pct"),
            Column(f"{lang.t('members_metric', metric=metric)}, {lang.t('with_80')}"),
            Column(f"{lang.t('members_metric', metric=metric)}, {lang.t('with_50')}"),
        ),
        ((cov.p80, cov.p50, members.p80, members.p50),),
    )
    paragraphs: tuple[str, ...] = (text, lang.t("promised_note"))
    if summary.published is not None:
        f = summary.published.final
        paragraphs += (
            lang.t(
                "published_text",
                noise=lang.percent(summary.published.figure_noise, 1),
                p05=lang.number(f.p05),
                p95=lang.number(f.p95),
                p=lang.percent(summary.published.probability),
            ),
        )
    return Section("promised", lang.t("promised"), paragraphs, tables=(table,))


def regions_section(lang: Lang, summary: SummaryFile) -> Section | None:
    """The regions of a regional scenario, ranked by their gap to their own target."""
    if not summary.regions:
        return None

    def gap(r: RegionFigures) -> float | None:
        return None if r.target is None else r.target.gap_mean

    rows = tuple(
        (
            r.name,
            r.baseline,
            r.final.mean,
            r.final.p05,
            r.final.p95,
            r.promised.coverage.p80 if r.promised else None,
            r.target.members if r.target else None,
            gap(r),
            r.target.probability if r.target else None,
            lang.t(f"verdict.{r.target.verdict}") if r.target else None,
        )
        for r in by_gap(summary.regions, gap)
    )
    table = Table(
        "Wilayah" if lang.code == "id" else "Regions",
        lang.t("regions"),
        (
            Column(lang.t("region"), "text"),
            Column(lang.t("baseline")),
            Column(lang.t("projected")),
            Column("P5"),
            Column("P95"),
            Column(lang.t("coverage_80"), "pct"),
            Column(lang.t("target")),
            Column(lang.t("gap")),
            Column(lang.t("probability"), "pct"),
            Column(lang.t("headline"), "text"),
        ),
        rows,
    )
    return Section("regions", lang.t("regions"), (lang.t("regions_note"),), tables=(table,))


def last_projection_section(lang: Lang, folder: Folder) -> Section | None:
    """How the run's projection did against what happened since, when ``sim backtest`` scored the folder."""
    scored = folder.last_scores()
    if scored is None:
        return None
    overall = scored.summary

    def count(share: float) -> str:
        return lang.number(round(share * overall.observations))

    text = lang.t(
        "last_projection_text",
        n=lang.number(overall.observations),
        k90=count(overall.inside90_share),
        k50=count(overall.inside50_share),
        pit=lang.number(overall.mean_pit, 2),
    )
    table = Table(
        "Proyeksi lalu" if lang.code == "id" else "Last projection",
        lang.t("last_projection"),
        (
            Column(lang.t("date"), "text"),
            Column(lang.t("series"), "text"),
            Column(lang.t("observed"), "num"),
            Column(lang.t("mean"), "num"),
            Column("P5", "num"),
            Column("P95", "num"),
            Column("PIT", "num"),
            Column(lang.t("inside50"), "text"),
            Column(lang.t("inside90"), "text"),
            Column(lang.t("interval_score90"), "num"),
        ),
        tuple(
            (
                lang.date(x.date),
                x.series,
                x.observed,
                x.mean,
                x.p05,
                x.p95,
                round(x.pit, 2),
                lang.t("yes" if x.inside50 else "no"),
                lang.t("yes" if x.inside90 else "no"),
                x.interval_score90,
            )
            for x in scored.scores
        ),
    )
    return Section(
        "last_projection", lang.t("last_projection"), (text, lang.t("last_projection_note")), tables=(table,)
    )


def money_section(lang: Lang, summary: SummaryFile) -> Section:
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


def channels_section(lang: Lang, summary: SummaryFile) -> Section:
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
        sections=tuple(
            section
            for section in (
                last_projection_section(lang, folder),
                fan_section(lang, folder, summary),
                promised_section(lang, summary),
                regions_section(lang, summary),
                Section("semesters", lang.t("semesters"), (lang.t("semester_note"),), tables=(achievement, additions)),
                waterfall_section(lang, summary),
                coverage_section(lang, folder, summary),
                money_section(lang, summary),
                channels_section(lang, summary),
                assumptions_section(lang, folder.scenario()),
            )
            if section is not None
        ),
    )
