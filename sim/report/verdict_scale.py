"""What ``sim run`` adds to the verdict for national scenarios and adaptive runs.

A national scenario gets a table of its regions, each with its projection and, where it has a
target, the probability of reaching it; an adaptive run (``--precision``) says how many
replications it took and whether the interval got as narrow as asked.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from sim.report.verdict import whole


def regions_table(regions: list[dict[str, Any]]) -> Table:
    """One row per region: baseline, projection (mean, 5%, 95%), target and its verdict."""
    table = Table(title="Regions")
    table.add_column("Region")
    for col in ("Baseline", "Projected", "5%", "95%", "Target", "P(target)"):
        table.add_column(col, justify="right")
    table.add_column("Verdict")
    for r in regions:
        t, f = r["target"] or {}, r["final"]
        figures = [whole(x) for x in (r["baseline"], f["mean"], f["p05"], f["p95"])]
        goal = [whole(t["members"]), f"{t['probability']:.1%}", t["verdict"]] if t else ["–"] * 3
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
