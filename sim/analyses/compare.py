"""Comparing strategies: each variant against the base, replication by replication.

Every scenario runs with the same seed and the same number of replications, so channels and
segments present in both draw the same random numbers (:mod:`sim.model.streams`) and each variant's
figures are paired with the base's (:mod:`sim.analyses.paired`). A channel present on one side only counts
as zero enrolments on the other.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sim.analyses.paired import beats, paired_difference, ratio_difference
from sim.experiment import workload
from sim.experiment.blocks import Request
from sim.experiment.evaluation import Evaluation, Evaluator
from sim.results.folder import write_csv, write_json
from sim.scenario.diff import scenario_diff
from sim.scenario.loader import Loaded, load_scenario
from sim.scenario.paths import Override
from sim.scenario.schema import Scenario, scenario_data

Array = np.ndarray[Any, Any]


def _enrolled(ev: Evaluation, name: str) -> Array:
    names = ev.channel_names
    if name in names:
        row: Array = ev.enrolled[names.index(name)]
        return row
    return np.zeros(ev.final.shape[0], dtype=np.int64)


def channel_differences(base: Evaluation, variant: Evaluation) -> list[dict[str, Any]]:
    """Paired difference in enrolments for every channel of either scenario."""
    names = base.channel_names + [n for n in variant.channel_names if n not in base.channel_names]
    out = []
    for name in names:
        side = (
            "both"
            if name in base.channel_names and name in variant.channel_names
            else ("base" if name in base.channel_names else "variant")
        )
        out.append({"name": name, **paired_difference(_enrolled(base, name), _enrolled(variant, name)), "in": side})
    return out


def cost_differences(base: Evaluation, variant: Evaluation, seed: int) -> list[dict[str, Any]]:
    """Paired difference in cost per net new member for channels with costs in both scenarios."""
    out = []
    for name in base.costed:
        if name not in variant.costed:
            continue
        i, j = base.channel_names.index(name), variant.channel_names.index(name)
        diff = ratio_difference(base.cost[i], base.net_new_active[i], variant.cost[j], variant.net_new_active[j], seed)
        if diff is not None:
            out.append({"name": name, **diff})
    return out


def paired(base: Evaluation, variant: Evaluation, seed: int = 0) -> dict[str, Any]:
    """Every paired figure of ``variant`` against ``base``."""
    if base.final.shape != variant.final.shape:
        raise ValueError("base and variant must have the same replications to be paired")
    prob = paired_difference(base.reached.astype(np.float64), variant.reached.astype(np.float64))
    return {
        "final": paired_difference(base.final, variant.final),
        "probability": {"diff": prob["mean_diff"], "ci95": prob["ci95"]},
        "channels": channel_differences(base, variant),
        "cost_per_net_member": cost_differences(base, variant, seed),
    }


def comparison(
    base: tuple[str, Evaluation], variants: list[tuple[str, Evaluation, list[dict[str, Any]]]], seed: int
) -> dict[str, Any]:
    """``compare.json``: the base and each variant with its changes, paired figures and P(beats base)."""
    base_file, base_ev = base
    return {
        "kind": "compare",
        "replications": int(base_ev.final.shape[0]),
        "seed": seed,
        "base": {"name": base_ev.summary["scenario"], "file": base_file, "summary": base_ev.summary},
        "variants": [
            {
                "name": ev.summary["scenario"],
                "file": file,
                "summary": ev.summary,
                "changes": changes,
                "paired": paired(base_ev, ev, seed),
                "p_beats_base": beats(base_ev.final, ev.final),
            }
            for file, ev, changes in variants
        ],
    }


def unchanged_probability(data: dict[str, Any]) -> float | None:
    """The base's P(target) if no variant changes whether a single replication reaches it, else None.

    Then every paired difference in P(target) is exactly 0 with a 95% interval of [0, 0] (in
    practice P is 0% or 100% everywhere), and a column of such differences tells the reader nothing.
    """
    if not data["variants"]:
        return None
    for v in data["variants"]:
        p = v["paired"]["probability"]
        if p["diff"] != 0 or list(p["ci95"]) != [0, 0]:
            return None
    return float(data["base"]["summary"]["target"]["probability"])


def rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    """``compare.csv``: one row per variant and measure."""
    out: list[dict[str, Any]] = []
    base = data["base"]["summary"]
    for v in data["variants"]:
        s, p = v["summary"], v["paired"]

        def row(measure: str, b: float | None, x: float | None, d: float, ci: list[float], v: Any = v) -> None:
            out.append(
                {
                    "variant": v["name"],
                    "measure": measure,
                    "base": b,
                    "variant_value": x,
                    "diff": d,
                    "ci95_lo": ci[0],
                    "ci95_hi": ci[1],
                }
            )

        row("final", base["final"]["mean"], s["final"]["mean"], p["final"]["mean_diff"], p["final"]["ci95"])
        row(
            "probability",
            base["target"]["probability"],
            s["target"]["probability"],
            p["probability"]["diff"],
            p["probability"]["ci95"],
        )
        enrolled_b = {c["name"]: c["enrolled_mean"] for c in base["channels"]}
        enrolled_v = {c["name"]: c["enrolled_mean"] for c in s["channels"]}
        for c in p["channels"]:
            row(
                f"enrolled[{c['name']}]",
                enrolled_b.get(c["name"], 0.0),
                enrolled_v.get(c["name"], 0.0),
                c["mean_diff"],
                c["ci95"],
            )
        cost_b = {c["name"]: c["cost_per_net_member"] for c in base.get("money", {}).get("channels", [])}
        cost_v = {c["name"]: c["cost_per_net_member"] for c in s.get("money", {}).get("channels", [])}
        for c in p["cost_per_net_member"]:
            row(
                f"cost_per_net_member[{c['name']}]",
                cost_b.get(c["name"]),
                cost_v.get(c["name"]),
                c["mean_diff"],
                c["ci95"],
            )
        out.append(
            {
                "variant": v["name"],
                "measure": "p_beats_base",
                "base": None,
                "variant_value": v["p_beats_base"],
                "diff": None,
                "ci95_lo": None,
                "ci95_hi": None,
            }
        )
    return out


def changes_of(base: Path, variant: Path) -> list[dict[str, Any]]:
    """What ``variant`` changes against ``base``, as ``sim diff`` shows it."""
    return [{"path": p, "base": b, "variant": v} for p, b, v in scenario_diff(base, variant)]


@dataclass(frozen=True)
class ComparePlan:
    """``sim compare`` planned: the base and variants loaded, with their changes, replications and seed."""

    base: Path
    variants: list[Path]
    loaded: list[Loaded]
    changes: list[list[dict[str, Any]]]
    replications: int
    seed: int
    kind: str = "compare"

    @classmethod
    def plan(
        cls, base: Path, variants: list[Path], reps: int | None, seed: int | None, fixed: Sequence[Override] = ()
    ) -> ComparePlan:
        """Load every scenario and what each variant changes; the base decides replications and seed.

        ``fixed`` overrides (``--region``) apply to every scenario.
        """
        loaded = [load_scenario(f, fixed) for f in (base, *variants)]
        changes = [changes_of(base, v) for v in variants]
        first = loaded[0].scenario
        n = reps if reps is not None else first.replications
        return cls(base, variants, loaded, changes, n, seed if seed is not None else first.seed)

    @property
    def scenario(self) -> Scenario:
        """The base scenario (it names the default result folder)."""
        return self.loaded[0].scenario

    def work(self, workers: int) -> workload.Work:
        """What the comparison will cost, for the planner to approve."""
        n = self.replications
        return workload.evaluations(
            [(workload.shape_of(x.scenario), n) for x in self.loaded],
            workers,
            f"{self.scenario.name} and {len(self.variants)} variants, {n:,} replications each",
            "--reps",
            "ask for fewer --reps, or compare fewer variants at a time",
        )

    def prepare(self) -> None:
        """Nothing more to check: every scenario was loaded by :meth:`plan`."""

    def identity(self) -> dict[str, Any]:
        """Everything that decides the figures, for the checkpoint."""
        scenarios = [scenario_data(x.scenario) for x in self.loaded]
        return {"kind": "compare", "scenarios": scenarios, "replications": self.replications, "seed": self.seed}

    def run(self, evaluate: Evaluator, note: Callable[[str], None]) -> dict[str, Any]:
        """``compare.json``: every scenario evaluated together on common random numbers."""
        note(f"{len(self.loaded)} scenarios of {self.replications:,} replications")
        evaluations = evaluate.many(
            [Request(x.scenario, self.replications, self.seed, warnings=x.warnings) for x in self.loaded],
            lambda i: note(f"done: {self.loaded[i].scenario.name}"),
        )
        variants = zip(self.variants, evaluations[1:], self.changes, strict=True)
        return comparison((str(self.base), evaluations[0]), [(str(f), ev, c) for f, ev, c in variants], self.seed)

    def write(self, folder: Path, data: dict[str, Any]) -> None:
        """``compare.json`` and ``compare.csv`` (the chart is drawn by the caller)."""
        write_json(folder / "compare.json", data)
        write_csv(folder / "compare.csv", rows(data))
