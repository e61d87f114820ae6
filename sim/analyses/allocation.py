"""The search for the best allocation: lever values that maximise an objective within a budget.

The search knows nothing of scenarios. It is handed a ``score`` function that turns lever values
into :class:`Trial` s (expected spend and objective, each value estimated on the same random
numbers), and keeps every trial in a :class:`Trials` memo so no allocation is scored twice.

* **One or two levers: a grid.** ``steps`` values per lever, then zoom: a grid of the same size
  two spacings either side of the best affordable point, until the spacing reaches the lever's
  step (1 for whole numbers). Every grid point is scored in one batch, so the pool stays busy.
* **Three or more: differential evolution** (:func:`scipy.optimize.differential_evolution`), which
  needs no gradient, keeps to the bounds and tolerates the Monte Carlo noise that common random
  numbers leave. The budget enters as Deb's feasibility rule written as an energy: an affordable
  allocation scores ``−objective`` (≤ 0, objectives are never negative), one over budget
  ``1 + overrun / budget`` (> 0), so any affordable allocation beats any unaffordable one and of
  two unaffordable ones the cheaper wins; no penalty weight to tune. Each generation is scored as
  one batch through DE's ``workers`` map.

Both end with :func:`polish`, a local search along the budget line. A budget usually binds, and
on the lattice of whole agents the best affordable point is often a step away from where grid or
evolution stopped, in a direction that moves two levers at once (one fewer agent of an expensive
channel pays for 2.5 of a cheaper one). Each round tries every lever one step up and down, and
every exchange: one lever a step down with the money freed spent on another, or a step up paid
for by another, at the spend slopes the single steps measured. It moves to the best affordable
improvement, halves the steps when there is none, and stops at the levers' own steps.

Lever values are rounded as planners read them (whole agents, rates to the lever's step) before
scoring, so the memo also merges points the optimiser cannot tell apart.
"""

from __future__ import annotations

import inspect
import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.optimize import differential_evolution

from sim.analyses.solve import Lever, grid_values

Point = tuple[float | int, ...]

# Spend within this share of the budget counts as within it: a year of calendar months adds up to
# 12 only to rounding, and Rp 600 million must not be refused for a rupiah's millionth.
TOLERANCE = 1e-9
ZOOM_SPACINGS = 2
MAX_ZOOMS = 2
POPULATION_PER_LEVER = 5


@dataclass(frozen=True)
class Trial:
    """An allocation scored: its lever values, expected spend (rupiah) and objective."""

    values: Point
    spend: float
    objective: float


Score = Callable[[list[Point]], list[Trial]]
"""``score(points)``: a :class:`Trial` for each point, in order."""


def affordable(trial: Trial, budget: float) -> bool:
    """Whether the trial's expected spend keeps to ``budget``."""
    return trial.spend <= budget * (1 + TOLERANCE)


@dataclass
class Trials:
    """Every allocation scored so far, in order; a point already scored is not scored again."""

    score: Score
    levers: Sequence[Lever]
    seen: dict[Point, Trial] = field(default_factory=dict)

    def point(self, values: Iterable[float]) -> Point:
        """Values as planners read them, each kept within its lever's range."""
        return tuple(lv.shown(min(max(float(v), lv.lo), lv.hi)) for lv, v in zip(self.levers, values, strict=True))

    def __call__(self, raw: Iterable[Iterable[float]]) -> list[Trial]:
        points = [self.point(v) for v in raw]
        new = list(dict.fromkeys(p for p in points if p not in self.seen))
        if new:
            self.seen.update(zip(new, self.score(new), strict=True))
        return [self.seen[p] for p in points]

    @property
    def all(self) -> list[Trial]:
        return list(self.seen.values())

    def best(self, budget: float) -> Trial | None:
        """The affordable trial with the highest objective (the cheaper one on a tie), or None."""
        ok = [t for t in self.seen.values() if affordable(t, budget)]
        return max(ok, key=lambda t: (t.objective, -t.spend)) if ok else None


def energy(trial: Trial, budget: float) -> float:
    """What differential evolution minimises: ``−objective`` within budget, ``1 + overrun`` beyond."""
    if affordable(trial, budget):
        return -trial.objective
    return 1.0 + (trial.spend - budget) / budget


def method_for(levers: Sequence[Lever]) -> str:
    """``grid`` for one or two levers, ``evolution`` for more."""
    return "grid" if len(levers) <= 2 else "evolution"


def search(trials: Trials, budget: float, *, method: str, steps: int, evaluations: int, seed: int) -> Trial | None:
    """Run the search into ``trials``; the best affordable trial found, or None."""
    if method == "grid":
        grid(trials, budget, steps)
    else:
        evolve(trials, budget, evaluations, seed)
    best = trials.best(budget)
    while best is not None:
        end = polish(trials, budget, best)
        # A polish may pass a better allocation than the one it stopped at; start again from there.
        best = trials.best(budget)
        if best == end:
            break
    return best


def grid(trials: Trials, budget: float, steps: int) -> None:
    """A grid of ``steps`` values per lever, then zooms around the best affordable point."""
    ranges = list(trials.levers)
    for _ in range(MAX_ZOOMS + 1):
        trials(itertools.product(*(grid_values(lv, steps) for lv in ranges)))
        best = trials.best(budget)
        spacings = [(lv.hi - lv.lo) / (steps - 1) for lv in ranges]
        if best is None or all(s <= lv.step * (1 + 1e-9) for s, lv in zip(spacings, ranges, strict=True)):
            return
        ranges = [
            _around(whole, float(v), ZOOM_SPACINGS * s)
            for whole, v, s in zip(trials.levers, best.values, spacings, strict=True)
        ]


def _around(lever: Lever, value: float, reach: float) -> Lever:
    """``lever`` narrowed to ``value ± reach``, within its own range."""
    lo, hi = max(lever.lo, value - reach), min(lever.hi, value + reach)
    if not lo < hi:
        lo, hi = lever.lo, lever.hi
    return Lever(lever.path, lo, hi, lever.integer, lever.step)


def evolve(trials: Trials, budget: float, evaluations: int, seed: int) -> None:
    """Differential evolution with about ``evaluations`` allocations scored, in batches of a generation."""
    n = len(trials.levers)
    population = POPULATION_PER_LEVER * n
    generations = max(1, evaluations // population - 1)

    def one(x: Any) -> float:
        return energy(trials([x])[0], budget)

    def batch(_: Callable[[Any], float], xs: Iterable[Any]) -> list[float]:
        return [energy(t, budget) for t in trials(list(xs))]

    # SciPy 1.15 renamed ``seed`` to ``rng``; both take a Generator.
    rng = "rng" if "rng" in inspect.signature(differential_evolution).parameters else "seed"
    differential_evolution(
        one,
        [(lv.lo, lv.hi) for lv in trials.levers],
        maxiter=generations,
        popsize=POPULATION_PER_LEVER,
        init="latinhypercube",
        polish=False,
        updating="deferred",
        workers=batch,
        tol=0.0,
        **{rng: np.random.default_rng(seed)},
    )


def finalists(trials: Sequence[Trial], budget: float, count: int) -> list[Trial]:
    """The ``count`` affordable trials with the highest objective, best first."""
    ok = [t for t in trials if affordable(t, budget)]
    return sorted(ok, key=lambda t: (-t.objective, t.spend))[:count]


def frontier(trials: Sequence[Trial], budget: float) -> list[Trial]:
    """The best objective found at each spend up to ``budget``: trials no cheaper trial beats."""
    out: list[Trial] = []
    for t in sorted((t for t in trials if affordable(t, budget)), key=lambda t: (t.spend, -t.objective)):
        if not out or t.objective > out[-1].objective:
            out.append(t)
    return out


def polish(trials: Trials, budget: float, start: Trial, first: int = 8) -> Trial:
    """Local search from ``start``: single steps and budget exchanges, steps halving to the levers' own."""
    levers = trials.levers
    sizes = [max(lv.step, (lv.hi - lv.lo) / first) for lv in levers]
    here = start
    for _ in range(MAX_POLISH_ROUNDS):
        singles = [_moved(here.values, {i: sign * sizes[i]}) for i in range(len(levers)) for sign in (1, -1)]
        tried = trials(singles)
        slopes = [_slope(here, tried[2 * i], tried[2 * i + 1], i) for i in range(len(levers))]
        tried += trials(_exchanges(here, levers, sizes, slopes, budget))
        better = [t for t in tried if affordable(t, budget) and t.objective > here.objective]
        if better:
            here = max(better, key=lambda t: (t.objective, -t.spend))
            continue
        if all(size <= lv.step * (1 + 1e-9) for size, lv in zip(sizes, levers, strict=True)):
            return here
        sizes = [max(lv.step, size / 2) for size, lv in zip(sizes, levers, strict=True)]
    return here


MAX_POLISH_ROUNDS = 60


def _moved(values: Point, by: dict[int, float]) -> list[float]:
    return [float(v) + by.get(i, 0.0) for i, v in enumerate(values)]


def _slope(here: Trial, up: Trial, down: Trial, i: int) -> float:
    """Rupiah per unit of lever ``i`` near ``here``, from its steps up and down (one-sided at a bound)."""
    span = float(up.values[i]) - float(down.values[i])
    return (up.spend - down.spend) / span if span else 0.0


def _exchanges(
    here: Trial, levers: Sequence[Lever], sizes: list[float], slopes: list[float], budget: float
) -> list[list[float]]:
    """Lever ``i`` a step down with the money spent on ``j``; or a step up, paid for by ``j``."""
    out = []
    slack = budget - here.spend
    for i, j in itertools.permutations(range(len(levers)), 2):
        if slopes[i] <= 0 or slopes[j] <= 0:
            continue
        step = levers[j].step
        freed = slack + slopes[i] * sizes[i]
        if freed > 0:
            out.append(_moved(here.values, {i: -sizes[i], j: np.floor(freed / slopes[j] / step + 1e-9) * step}))
        needed = slopes[i] * sizes[i] - slack
        if needed > 0:
            out.append(_moved(here.values, {i: sizes[i], j: -np.ceil(needed / slopes[j] / step - 1e-9) * step}))
    return out
