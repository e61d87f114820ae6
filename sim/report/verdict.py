"""The verdict a planner reads in the terminal after ``sim run``.

:func:`render` prints the verdict on the target, the channel and semester tables and the money;
:func:`render_scale` adds what national scenarios and adaptive runs need: a table of the regions,
each with its projection and, where it has a target of its own, its chance of reaching it, and how
precisely ``--precision`` pinned P(target) down.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from rich.console import Console
from rich.table import Table

R = TypeVar("R")


def whole(x: float) -> str:
    """A count or amount in whole units with thousands separators: ``1,300,000``."""
    return f"{x:,.0f}"


def console() -> Console:
    """A console for the verdict: the terminal's width, or 120 columns when output is piped."""
    return Console(width=None if sys.stdout.isatty() else 120, soft_wrap=True, highlight=False)


def render(summary: dict[str, Any], console: Console, written: Path | None = None) -> None:
    """Print the verdict, the channel table and the semester table."""
    t = summary["target"]
    f = summary["final"]
    cov = summary["coverage"]
    lo, hi = t["probability_ci95"]
    console.print(
        f"[bold]{summary['scenario']}[/bold]  ·  {summary['replications']:,} replications, "
        f"seed {summary['seed']}  ·  {summary['start']} to {summary['end']}"
    )
    console.print(f"Target: {whole(t['members'])} {t['metric']} members by {t['by']}")
    console.print(
        f"Projected {t['metric']} on {t['by']}: mean {whole(f['mean'])} (5–95%: {whole(f['p05'])} – {whole(f['p95'])})"
    )
    console.print(f"Coverage of the working population: {cov['mean']:.2%} (5–95%: {cov['p05']:.2%} – {cov['p95']:.2%})")
    if "promised" in summary:
        console.print(promise_line(summary["promised"]))
    console.print(
        f"[bold]Probability of reaching the target: {t['probability']:.1%}[/bold] "
        f"(95% CI {lo:.1%} – {hi:.1%}) — [bold]{t['verdict']}[/bold]"
    )
    if "published" in summary:
        console.print(published_line(summary["published"], t["by"]))
    console.print(
        f"Gap: {whole(t['gap_mean'])}; net additions needed {whole(t['needed_per_month'])}/month "
        f"against {whole(t['projected_per_month'])}/month projected"
    )
    crossed = t["first_crossed"]
    if crossed["share"] > 0:
        console.print(
            f"Target first crossed in {crossed['share']:.1%} of replications: median "
            f"{crossed['p50']} (5–95%: {crossed['p05']} – {crossed['p95']})"
        )
    else:
        console.print("Target not crossed within the horizon in any replication")
    console.print(_channels(summary["channels"]))
    if "money" in summary:
        _money(summary["money"], console)
    console.print(_semesters(summary["semesters"]))
    for w in summary.get("warnings", []):
        console.print(f"[yellow]warning:[/yellow] {w}")
    if written is not None:
        console.print(f"Results written to {written}")


def _table(title: str, text_columns: tuple[str, ...], number_columns: tuple[str, ...], rows: list[list[str]]) -> Table:
    """A table whose first columns are text (left) and the rest figures (right-aligned)."""
    table = Table(title=title)
    for col in text_columns:
        table.add_column(col)
    for col in number_columns:
        table.add_column(col, justify="right")
    for row in rows:
        table.add_row(*row)
    return table


def _channels(channels: list[dict[str, Any]]) -> Table:
    rows = [
        [
            c["name"],
            c["kind"],
            c["segment"],
            whole(c["enrolled_mean"]),
            whole(c["enrolled_p05"]),
            whole(c["enrolled_p95"]),
            f"{c['share_of_enrolments']:.1%}",
        ]
        for c in channels
    ]
    return _table("Enrolments by channel", ("Channel", "Kind", "Segment"), ("Mean", "5%", "95%", "Share"), rows)


def _semesters(semesters: list[dict[str, Any]]) -> Table:
    keys = (
        "opening_active_mean",
        "enrolled_mean",
        "lapsed_mean",
        "reactivated_mean",
        "net_change_mean",
        "closing_active_mean",
        "closing_active_p05",
        "closing_active_p95",
    )
    rows = [[s["semester"], *(whole(s[k]) for k in keys)] for s in semesters]
    columns = ("Opening", "Enrolled", "Lapsed", "Reactivated", "Net", "Closing", "5%", "95%")
    return _table("Semesters (active members: means; closing also 5–95%)", ("Semester",), columns, rows)


def _money(money: dict[str, Any], console: Console) -> None:
    """Contributions collected and each costed channel's cost per net new member."""
    contrib = money["contributions"]
    if contrib is not None:
        console.print(
            f"Contributions collected over the horizon: {money['currency']} {whole(contrib['mean'])} "
            f"(5–95%: {whole(contrib['p05'])} – {whole(contrib['p95'])})"
        )
    if not money["channels"]:
        return
    rows = [
        [
            c["name"],
            whole(c["cost_mean"]),
            whole(c["net_new_active_mean"]),
            "—" if c["cost_per_net_member"] is None else whole(c["cost_per_net_member"]),
        ]
        for c in money["channels"]
    ]
    columns = ("Cost", "Net new active", "Cost per net member")
    console.print(_table(f"Channel costs ({money['currency']})", ("Channel",), columns, rows))


def promise_line(promised: dict[str, Any]) -> str:
    """What a meeting can promise: coverage (and members) reached with 80% and with 50% probability."""
    cov, members = promised["coverage"], promised["members"]
    return (
        f"Promised on {promised['by']}: coverage {cov['p80']:.2%} with 80% probability, {cov['p50']:.2%} with 50% "
        f"({whole(members['p80'])} and {whole(members['p50'])} {promised['metric']} members; "
        f"each the figure at least that share of replications reach)"
    )


def published_line(published: dict[str, Any], by: str) -> str:
    """The band and P(target) of the figure that will be published, with its noise."""
    f = published["final"]
    return (
        f"As published on {by} (figures vary by {published['figure_noise']:.1%} around the count): "
        f"5–95% {whole(f['p05'])} – {whole(f['p95'])}; "
        f"P(target) {published['probability']:.1%} — {published['verdict']}"
    )


def region_gap(region: dict[str, Any]) -> float | None:
    """A region's mean gap to its own target (0 when reached on average), or None without one."""
    t = region["target"]
    if not t:
        return None
    return float(t.get("gap_mean", max(0.0, t["members"] - region["final"]["mean"])))


def by_gap(regions: Sequence[R], gap: Callable[[R], float | None]) -> list[R]:
    """Regions with a target of their own, largest gap first; then the others in scenario order."""
    with_target = [r for r in regions if gap(r) is not None]
    without = [r for r in regions if gap(r) is None]
    return sorted(with_target, key=lambda r: -(gap(r) or 0.0)) + without


def regions_table(regions: list[dict[str, Any]]) -> Table:
    """One row per region, ranked by gap: baseline, projection, promised coverage, target, gap and verdict."""
    table = Table(title="Regions, ranked by their gap to their own target (largest first)")
    table.add_column("Region")
    for col in ("Baseline", "Projected", "5%", "95%", "Cov. 80%", "Target", "Gap", "P(target)"):
        table.add_column(col, justify="right")
    table.add_column("Verdict")
    for r in by_gap(regions, region_gap):
        t, f = r["target"] or {}, r["final"]
        figures = [whole(x) for x in (r["baseline"], f["mean"], f["p05"], f["p95"])]
        promised = r.get("promised")
        figures.append(f"{promised['coverage']['p80']:.2%}" if promised else "–")
        gap = region_gap(r)
        goal = [whole(t["members"]), whole(gap or 0.0), f"{t['probability']:.1%}", t["verdict"]] if t else ["–"] * 4
        table.add_row(r["name"], *figures, *goal)
    return table


def precision_line(p: dict[str, Any]) -> str:
    """``Precision ±0.01 reached: ±0.0098 after 9,500 replications`` (or where it stopped)."""
    word = "reached" if p["reached"] else f"NOT reached (stopped at --max-reps {p['max_replications']:,})"
    return f"Precision ±{p['asked']:g} {word}: ±{p['half_width']:.4f} after {p['replications']:,} replications"


def render_scale(summary: dict[str, Any], console: Console) -> None:
    """Print the regions table and the precision line, when the summary has them."""
    if summary.get("regions"):
        console.print(regions_table(summary["regions"]))
    if "precision" in summary:
        console.print(precision_line(summary["precision"]), highlight=False)
