"""The verdict a planner reads in the terminal after ``sim run``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table


def _n(x: float) -> str:
    return f"{x:,.0f}"


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
    console.print(f"Target: {_n(t['members'])} {t['metric']} members by {t['by']}")
    console.print(
        f"Projected {t['metric']} on {t['by']}: mean {_n(f['mean'])} (5–95%: {_n(f['p05'])} – {_n(f['p95'])})"
    )
    console.print(f"Coverage of the working population: {cov['mean']:.2%} (5–95%: {cov['p05']:.2%} – {cov['p95']:.2%})")
    console.print(
        f"[bold]Probability of reaching the target: {t['probability']:.1%}[/bold] "
        f"(95% CI {lo:.1%} – {hi:.1%}) — [bold]{t['verdict']}[/bold]"
    )
    console.print(
        f"Gap: {_n(t['gap_mean'])}; net additions needed {_n(t['needed_per_month'])}/month "
        f"against {_n(t['projected_per_month'])}/month projected"
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
    console.print(_semesters(summary["semesters"]))
    for w in summary.get("warnings", []):
        console.print(f"[yellow]warning:[/yellow] {w}")
    if written is not None:
        console.print(f"Results written to {written}")


def _channels(channels: list[dict[str, Any]]) -> Table:
    table = Table(title="Enrolments by channel")
    for col in ("Channel", "Kind", "Segment", "Mean", "5%", "95%", "Share"):
        table.add_column(col, justify="left" if col in ("Channel", "Kind", "Segment") else "right")
    for c in channels:
        table.add_row(
            c["name"],
            c["kind"],
            c["segment"],
            _n(c["enrolled_mean"]),
            _n(c["enrolled_p05"]),
            _n(c["enrolled_p95"]),
            f"{c['share_of_enrolments']:.1%}",
        )
    return table


def _semesters(semesters: list[dict[str, Any]]) -> Table:
    table = Table(title="Semesters (active members)")
    for col in (
        "Semester",
        "From",
        "To",
        "Opening",
        "Enrolled",
        "Lapsed",
        "Reactivated",
        "Net",
        "Closing",
        "5%",
        "95%",
    ):
        table.add_column(col, justify="left" if col in ("Semester", "From", "To") else "right")
    for s in semesters:
        table.add_row(
            s["semester"],
            s["from"],
            s["to"],
            _n(s["opening_active_mean"]),
            _n(s["enrolled_mean"]),
            _n(s["lapsed_mean"]),
            _n(s["reactivated_mean"]),
            _n(s["net_change_mean"]),
            _n(s["closing_active_mean"]),
            _n(s["closing_active_p05"]),
            _n(s["closing_active_p95"]),
        )
    return table
