"""The page's optimise panel: which levers may be optimised, the budget as typed, and the run itself.

The panel offers the page's own levers (:func:`sim.page.levers.derive_levers`) on channels that
have ``costs`` and that a programme buys (:data:`BOUGHT`: agents, a funded batch's size and months,
the KUR enrolment rate), with the page's ranges; a rate such as enrolments per agent is how the
channel behaves, not something money chooses, so it is not offered. The planner ticks some, narrows
their ranges, types a budget in rupiah and picks an objective. The run is ``sim optimize``'s own library call
(:meth:`sim.analyses.optimize.OptimizePlan.plan` and its ``run``) on the page's worker pool, with
the levers the planner has already moved held fixed. No result folder is written.
"""

from __future__ import annotations

import asyncio
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sim.analyses.optimize import OptimizePlan, check_budget
from sim.errors import ScenarioError
from sim.experiment.evaluation import Evaluator
from sim.page.levers import Lever
from sim.page.runs import Tracked, Workers, failure
from sim.scenario.loader import Loaded

DEFAULT_REPS = 300
DEFAULT_EVALUATIONS = 40
BUDGET_FIELD = "budget"
BOUGHT = frozenset({"agents", "members", "funded_months", "enrollment_rate"})
_MULTIPLIERS = {"": 1.0, "rb": 1e3, "k": 1e3, "jt": 1e6, "m": 1e9, "b": 1e9, "miliar": 1e9, "t": 1e12}


def costed_levers(loaded: Loaded, levers: Sequence[Lever]) -> list[Lever]:
    """The page's levers on a field money buys (:data:`BOUGHT`) of a channel with costs."""
    costed = {ch.name for ch in loaded.scenario.channels if ch.costs is not None}
    return [lv for lv in levers if lv.field in BOUGHT and lv.path.startswith("channels[") and lv.group in costed]


def lever_spec(path: str, low: str, high: str) -> str:
    """A lever for ``sim optimize``: ``channels[BPR agents].agents=22:128``."""
    return f"{path}={low.strip()}:{high.strip()}"


def parse_budget(text: str) -> float:
    """Rupiah as a planner types them: ``5e9``, ``5.000.000.000``, ``5,000,000,000``, ``5 M`` or ``5 miliar``.

    A bad budget is a one-line :class:`ScenarioError` naming the field.
    """
    raw = text.strip().replace("Rp", "").replace("rp", "").strip()
    match = re.fullmatch(r"([0-9][0-9.,_ eE+-]*?)\s*([a-zA-Z]*)", raw)
    number: float | None = None
    if match and match.group(2).lower() in _MULTIPLIERS:
        digits = match.group(1).replace(" ", "").replace("_", "")
        if re.fullmatch(r"\d{1,3}([.,]\d{3})+", digits):  # thousands separators, either kind
            digits = re.sub(r"[.,]", "", digits)
        try:
            number = float(digits.replace(",", ".")) * _MULTIPLIERS[match.group(2).lower()]
        except ValueError:
            number = None
    if number is None:
        raise ScenarioError(f"must be rupiah, e.g. 5e9 or 5.000.000.000, got {text.strip()!r}", field=BUDGET_FIELD)
    try:
        return check_budget(number)
    except ScenarioError:
        raise ScenarioError(f"must be more than 0 rupiah, got {text.strip()!r}", field=BUDGET_FIELD) from None


def lever_values(values: dict[str, float]) -> dict[str, str]:
    """The best allocation as the levers' exact fields show it: ``64``, ``0.75``, never ``6.4e+04``."""
    return {path: str(int(v)) if float(v).is_integer() else f"{float(v):.6f}".rstrip("0") for path, v in values.items()}


@dataclass(frozen=True)
class Optimisation:
    """One optimisation a session asks for."""

    loaded: Loaded
    sets: tuple[str, ...]  # the levers already moved, held fixed
    levers: tuple[str, ...]  # PATH=LOW:HIGH
    budget: float
    objective: str
    reps: int = DEFAULT_REPS
    evaluations: int = DEFAULT_EVALUATIONS


class Stopped(Exception):
    """The optimisation was cancelled between two batches of evaluations."""


def plan_of(asked: Optimisation) -> OptimizePlan:
    """``sim optimize``'s plan for ``asked``; a moved lever that is also optimised is not held fixed."""
    paths = {spec.rpartition("=")[0] for spec in asked.levers}
    fixed = [s for s in asked.sets if s.split("=", 1)[0] not in paths]
    return OptimizePlan.plan(
        asked.loaded.file,
        fixed,
        list(asked.levers),
        asked.budget,
        asked.objective,
        asked.evaluations,
        asked.reps,
        search_reps=max(50, asked.reps // 3),
    )


async def optimise(workers: Workers, asked: Optimisation) -> dict[str, Any]:
    """``sim optimize``'s answer (its ``optimize.json``) for ``asked``, run on the page's pool."""
    plan = plan_of(asked)
    loop = asyncio.get_running_loop()
    pool = workers.pool
    tracked = Tracked(pool)
    stop = threading.Event()

    def note(_: str) -> None:
        if stop.is_set():
            raise Stopped

    def work() -> dict[str, Any]:
        plan.prepare()
        return plan.run(Evaluator(None, tracked, workers.count), note)

    task = loop.run_in_executor(workers.threads, work)
    try:
        return await asyncio.shield(task)
    except asyncio.CancelledError:
        stop.set()
        tracked.cancel_pending()
        task.add_done_callback(lambda t: t.cancelled() or t.exception())  # its Stopped is expected
        raise
    except ScenarioError:
        raise
    except Exception as exc:
        raise failure(workers, pool, exc) from None
