"""Goal-seeking: the smallest (or largest) lever value at which P(target) reaches a goal.

The lever is assumed monotone: more of it never lowers the chance of reaching the target
(``--maximize`` looks for the largest value of a lever that works the other way, such as a lapse
rate). The search is a stochastic bisection:

1. Every evaluation uses the same seed, so two lever values differ only through the lever: common
   random numbers make the comparison between neighbouring values far sharper than independent
   runs would.
2. At each value tried, replications double (from ``start_reps`` up to ``max_reps``) until the
   Wilson 95% interval of P(target) lies wholly above or wholly below the goal. A value whose
   interval still straddles the goal at ``max_reps`` is decided by its estimate and flagged unsure.
3. The bracket halves, on a grid of steps from the range's ends, until it is one step wide: 1
   for whole-number levers such as agents, the stated ``precision`` for rates.

The answer is the lever value on the good side of the final bracket, with P(target) and its
interval there and at the neighbouring value on the other side. If the target cannot be reached
anywhere in the range, the best probability found and where are reported instead.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from sim.rates import wilson_interval

Hits = Callable[[float, int], int]
"""``hits(value, reps)``: replications reaching the target out of ``reps`` at lever ``value``."""


@dataclass(frozen=True)
class Lever:
    """A field path searched over ``[lo, hi]`` in steps of ``step`` (1 for whole numbers)."""

    path: str
    lo: float
    hi: float
    integer: bool
    step: float

    def __post_init__(self) -> None:
        if not self.lo < self.hi:
            raise ValueError(f'"range" of {self.path} must have low < high, got {self.lo}:{self.hi}.')
        if self.step <= 0:
            raise ValueError('"precision" must be > 0.')

    def shown(self, value: float) -> float | int:
        """A lever value as planners read it: whole, or rounded to the precision."""
        if self.integer:
            return round(value)
        decimals = max(0, -math.floor(math.log10(self.step)))
        return round(value, decimals)

    def midpoint(self, a: float, b: float) -> float:
        """A value half way from ``a`` to ``b`` on the grid of steps from ``a`` (either direction)."""
        steps = max(1, int((abs(b - a) / self.step + 1e-9) // 2))
        return a + math.copysign(steps * self.step, b - a)


@dataclass(frozen=True)
class Probe:
    """One decided lever value: P(target) there and on which side of the goal it lies."""

    value: float | int
    reps: int
    hits: int
    probability: float
    ci95: tuple[float, float]
    reaches: bool
    sure: bool


@dataclass
class Answer:
    """The result of a search."""

    lever: str
    goal: float
    maximize: bool
    value: float | int | None
    at_answer: Probe | None
    neighbour: Probe | None
    best: Probe
    probes: list[Probe] = field(default_factory=list)

    @property
    def reached(self) -> bool:
        return self.value is not None

    def uncertain_between(self) -> tuple[float | int, float | int] | None:
        """Range of values whose side of the goal Monte Carlo error left open (and the answer)."""
        unsure = [p.value for p in self.probes if not p.sure]
        if not unsure:
            return None
        values = [*unsure, *([self.value] if self.value is not None else [])]
        return (min(values), max(values))

    def to_data(self) -> dict[str, Any]:
        def probe(p: Probe | None) -> dict[str, Any] | None:
            return None if p is None else {**asdict(p), "ci95": list(p.ci95)}

        return {
            "lever": self.lever,
            "goal": self.goal,
            "maximize": self.maximize,
            "reached": self.reached,
            "value": self.value,
            "at_answer": probe(self.at_answer),
            "neighbour": probe(self.neighbour),
            "best": probe(self.best),
            "uncertain_between": list(u) if (u := self.uncertain_between()) is not None else None,
            "probes": [probe(p) for p in self.probes],
        }


def decide(hits: Hits, lever: Lever, value: float, goal: float, start_reps: int, max_reps: int) -> Probe:
    """P(target) at ``value``, with replications doubled until its side of ``goal`` is clear."""
    reps = start_reps
    while True:
        k = hits(lever.shown(value), reps)
        lo, hi = wilson_interval(k, reps)
        p = k / reps
        sure = lo >= goal or hi < goal
        if sure or reps >= max_reps:
            return Probe(lever.shown(value), reps, k, p, (lo, hi), p >= goal if not sure else lo >= goal, sure)
        reps = min(2 * reps, max_reps)


def solve(
    hits: Hits, lever: Lever, goal: float, *, maximize: bool = False, start_reps: int = 500, max_reps: int = 4000
) -> Answer:
    """Bisection for the smallest (``maximize``: largest) lever value with P(target) ≥ ``goal``."""
    if not 0 < goal <= 1:
        raise ValueError('"probability" must be in (0, 1].')
    probes: list[Probe] = []

    def at(value: float) -> Probe:
        probe = decide(hits, lever, value, goal, start_reps, max_reps)
        probes.append(probe)
        return probe

    good, bad = (lever.lo, lever.hi) if maximize else (lever.hi, lever.lo)
    good_probe = at(good)
    if not good_probe.reaches:
        best = max(probes, key=lambda p: p.probability)
        return Answer(lever.path, goal, maximize, None, None, None, best, probes)
    bad_probe = at(bad)
    if bad_probe.reaches:
        return Answer(lever.path, goal, maximize, lever.shown(bad), bad_probe, None, bad_probe, probes)
    while abs(good - bad) > lever.step * (1 + 1e-9):
        mid = lever.midpoint(bad, good)
        probe = at(mid)
        if probe.reaches:
            good, good_probe = mid, probe
        else:
            bad, bad_probe = mid, probe
    best = max(probes, key=lambda p: p.probability)
    return Answer(lever.path, goal, maximize, lever.shown(good), good_probe, bad_probe, best, probes)


def max_probes(lever: Lever) -> int:
    """The most lever values :func:`solve` decides: both ends, then one per halving down to a step."""
    return 2 + math.ceil(math.log2(max(1.0, (lever.hi - lever.lo) / lever.step)))


def grid_values(lever: Lever, steps: int) -> list[float | int]:
    """``steps`` values from low to high (whole numbers without repeats for integer levers)."""
    if steps < 2:
        return [lever.shown(lever.lo)]
    raw = [lever.lo + (lever.hi - lever.lo) * i / (steps - 1) for i in range(steps)]
    return list(dict.fromkeys(lever.shown(v) for v in raw))
