"""Result folders for report tests: a small real run, and compare/sweep folders in their contract shape."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sim.experiment.blocks import run_scenario
from sim.results.folder import write_json, write_result, write_run
from sim.scenario.loader import load_scenario

SMALL = """\
name: Small town
start: 2025-04-01
end: 2025-12-31
seed: 4
replications: 300
population:
  workers: {pu: 40000, bpu: 60000}
  source: "bali_2025.working_population_june_2025"
baseline:
  active: {pu: 20000, bpu: 10000}
  inactive: {pu: 0, bpu: 0}
  source: "bali_2025.members_june_2025"
target: {members: 36000, by: 2025-12-31, source: bali_2025.target_2025}
lapse:
  pu: {monthly_rate: 0.01}
  bpu: {monthly_rate: 0.03, reactivation_monthly_rate: 0.04}
channels:
  - {name: Employers, kind: organic, segment: pu, per_month: {triangular: [300, 500, 700]}, already_member_share: 0}
  - {name: Walk-in, kind: organic, segment: bpu, per_month: {uniform: [500, 900]}, already_member_share: 0,
     source: "bali_history.bpu_active_nov_2023"}
"""


def small_run(folder: Path, money: dict[str, Any] | None = None) -> Path:
    """Run ``SMALL`` for real and write its result folder (optionally with the money figures)."""
    scenario_file = folder / "small.yaml"
    scenario_file.write_text(SMALL, encoding="utf-8")
    loaded = load_scenario(scenario_file)
    results = run_scenario(loaded.scenario)
    summary = results.summary("test")
    if money is not None:
        summary["money"] = money
    return write_run(folder / "run", summary, results.monthly_rows(), loaded.scenario, loaded.chain, {"seed": 4})


MONEY = {
    "currency": "IDR",
    "contributions": {"mean": 1_234_567_890.0, "p05": 1_100_000_000.0, "p95": 1_300_000_000.0},
    "channels": [
        {"name": "Employers", "cost_mean": 5_000_000.0, "net_new_active_mean": 2500.0, "cost_per_net_member": 2000.0}
    ],
}


def _summary(final_mean: float, probability: float) -> dict[str, Any]:
    return {
        "final": {"mean": final_mean, "p05": final_mean - 500, "p95": final_mean + 500},
        "target": {
            "members": 36000,
            "by": "2025-12-31",
            "metric": "active",
            "probability": probability,
            "verdict": "at risk",
        },
    }


def compare_folder(folder: Path) -> Path:
    """A compare.json folder: variant B beats A, A beats the base."""

    def variant(name: str, diff: float, pdiff: float, beats: float) -> dict[str, Any]:
        return {
            "name": name,
            "file": f"{name}.yaml",
            "summary": _summary(35000 + diff, 0.3 + pdiff),
            "paired": {
                "final": {"mean_diff": diff, "ci95": [diff - 100, diff + 100]},
                "probability": {"diff": pdiff, "ci95": [pdiff - 0.02, pdiff + 0.02]},
                "channels": [],
            },
            "p_beats_base": beats,
            "changes": [
                {"path": "name", "base": "Base", "variant": name},
                {"path": "channels[BPR agents].agents", "base": 22, "variant": 22 + int(diff)},
            ],
        }

    data = {
        "kind": "compare",
        "base": {"name": "Base", "file": "base.yaml", "summary": _summary(35000, 0.3)},
        "variants": [
            variant("More agents", 800.0, 0.1, 0.9),
            variant("KUR push", 2400.0, 0.35, 0.99),
            variant("Cut budget", -600.0, -0.1, 0.05),
        ],
    }
    return write_result(folder, lambda f: write_json(f / "compare.json", data))


def sweep_folder(folder: Path, two: bool = False) -> Path:
    """A sweep.json folder over agents (and, with ``two``, the KUR enrolment rate)."""
    params = ["channels[BPR agents].agents"] + (["channels[BRI KUR].enrollment_rate"] if two else [])
    points = []
    for agents in (22, 60, 128):
        for rate in (0.3, 0.6) if two else (None,):
            p = min(1.0, agents / 150 + (rate or 0))
            values: dict[str, Any] = {params[0]: agents}
            if rate is not None:
                values[params[1]] = rate
            points.append(
                {
                    "values": values,
                    "probability": p,
                    "probability_ci95": [max(0, p - 0.05), min(1, p + 0.05)],
                    "final": {"mean": 30000 + 50 * agents, "p05": 29000 + 50 * agents, "p95": 31000 + 50 * agents},
                }
            )
    return write_result(
        folder, lambda f: write_json(f / "sweep.json", {"kind": "sweep", "parameters": params, "points": points})
    )
