"""What ``sim run`` adds to the verdict for national scenarios and adaptive runs.

A national scenario gets a table of its regions, each with its projection and, where it has a
target, the probability of reaching it; an adaptive run (``--precision``) says how many
replications it took and whether the interval got as narrow as asked.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table


def _n(x: float) -> str:
    return f"{x:,.0f}"


def regions_table(regions: list[dict[str, Any]]) -> Table:
    """One row per region: baseline, projection (mean, 5%, 95%), target and its verdict."""
    table = Table(title="Regions")
    for col in ("Region", "Baseline", "Projected", "5%", "95%", "Target", "P(target)", "Verdict"):
        table.add_column(col, justify="left" if col in ("Region", "Verdict") else "right")
    for r in regions:
        t, f = r["target"], r["final"]
        table.add_row(
            r["name"],
            _n(r["baseline"]),
            _n(f["mean"]),
            _n(f["p05"]),
            _n(f["p95"]),
            _n(t["members"]) if t else "–",
            f"{t['probability']:.1%}" if t else "–",
            t["verdict"] if t else "–",
        )
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
