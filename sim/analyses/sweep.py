"""Sweeps: the same scenario over a grid of values for one or more field paths.

Every point runs with the same seed and replications, so neighbouring points share their random
numbers and the curve between them is smooth rather than noisy. Each point reports P(target) with
its Wilson 95% interval and the final target metric (mean and 5–95% range).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sim.experiment.evaluation import Evaluation


def plain(value: Any) -> Any:
    """A value as JSON and CSV take it (dates as ISO text)."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def point(values: dict[str, Any], ev: Evaluation) -> dict[str, Any]:
    """One grid point of ``sweep.json``."""
    t, f = ev.summary["target"], ev.summary["final"]
    return {
        "values": {p: plain(v) for p, v in values.items()},
        "probability": t["probability"],
        "probability_ci95": t["probability_ci95"],
        "final": {"mean": f["mean"], "p05": f["p05"], "p95": f["p95"]},
        "target": t["members"],
        "summary": ev.summary,
    }


def point_row(p: dict[str, Any]) -> dict[str, Any]:
    """One row of ``sweep.csv``."""
    row = {path: (v if isinstance(v, int | float | str) else str(v)) for path, v in p["values"].items()}
    row.update(
        {
            "probability": p["probability"],
            "probability_ci95_lo": p["probability_ci95"][0],
            "probability_ci95_hi": p["probability_ci95"][1],
            "final_mean": p["final"]["mean"],
            "final_p05": p["final"]["p05"],
            "final_p95": p["final"]["p95"],
        }
    )
    for c in p["summary"].get("money", {}).get("channels", []):
        row[f"cost_per_net_member[{c['name']}]"] = c["cost_per_net_member"]
    return row
