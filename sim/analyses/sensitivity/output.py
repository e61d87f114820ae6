"""A sensitivity run's folder: tornado.png, sensitivity.csv, sensitivity.json and run.json, written atomically."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sim.results.folder import write_csv, write_json, write_result, write_scenario
from sim.scenario.schema import Scenario


def table_rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    """One CSV row per parameter: its tornado line and its Sobol' indices (blank when not run)."""
    sobol = report.get("sobol") or {}
    by_name = {(kind, r["parameter"]): r for kind in ("final", "probability") for r in (sobol.get(kind) or [])}
    rows = []
    for t in report["tornado"]:
        row = {k: v for k, v in t.items() if not k.endswith("_ci95")}
        row["final_swing_ci95_low"], row["final_swing_ci95_high"] = t["final_swing_ci95"]
        for kind in ("final", "probability"):
            s = by_name.get((kind, t["parameter"]), {})
            row[f"sobol_S1_{kind}"] = s.get("S1", "")
            row[f"sobol_ST_{kind}"] = s.get("ST", "")
        rows.append(row)
    return rows


Draw = Callable[[list[dict[str, Any]], Path, str], None]


def write(dest: Path, report: dict[str, Any], scenario: Scenario, chain: tuple[Path, ...], draw: Draw) -> Path:
    """Write the folder, with the resolved scenario beside the figures as for a run.

    ``draw`` is :func:`sim.figures.sensitivity.draw`, passed in because charts sit above analyses.
    """
    header = "# Resolved scenario, as analysed. Read from: " + " <- ".join(str(p) for p in chain) + "\n"

    def fill(folder: Path) -> None:
        write_scenario(folder, scenario, header)
        write_json(folder / "sensitivity.json", report)
        write_csv(folder / "sensitivity.csv", table_rows(report))
        draw(report["tornado"], folder / "tornado.png", f"{report['scenario']}: what the projection depends on")

    return write_result(dest, fill, {"seed": report["seed"], "scenario_file": report.get("file")})
