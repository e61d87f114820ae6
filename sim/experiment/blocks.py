"""Monte Carlo experiments: replications in fixed-size blocks, each with its own spawned seed.

:func:`run_scenarios` is the one way scenarios are run: plain runs, adaptive precision, the
checkpointed evaluations of compare, sweep and solve, calibration, backtests and sensitivity all
hand it :class:`Request` s. :func:`run_scenario` is its one-scenario form, the public entry point.
A run of ``n`` replications is cut into blocks of :func:`block_size_of` its scenario (:data:`BLOCK_SIZE`
unless the scenario is large); block ``b`` always draws from ``SeedSequence(seed, spawn_key=(b,))``,
so the results are identical whether the blocks run one after another or on any number of workers,
and whether they were run now or read back from a checkpoint (:class:`BlockStore`).
"""

from __future__ import annotations

import os
import pickle
import tempfile
from collections import Counter
from collections.abc import Callable, Generator, Sequence
from concurrent.futures import Executor, as_completed
from contextlib import nullcontext
from dataclasses import dataclass, field, fields
from datetime import date
from pathlib import Path
from typing import IO, Any, Protocol, TypeVar

import numpy as np

from sim.experiment.columns import SharedColumns, bytes_of, written
from sim.experiment.executors import batches, make_executor
from sim.experiment.interrupts import check_interrupt
from sim.experiment.pool import SharedPool
from sim.model.block import BlockOutcome, horizon_of, simulate_blocks
from sim.model.layout import layout_of
from sim.model.streams import Blocks, block_seed
from sim.results.counts import Counts, HeldCounts, Spill, SpilledCounts
from sim.results.projections import Results
from sim.scenario.schema import Scenario

BLOCK_SIZE = 500  # replications a block holds, unless its scenario is large
MIN_BLOCK_SIZE = 100
# Replication × (group + channel) × day steps a block holds at most, about 1 s of model time on the
# team's 2-core machine (0.7-1.0 × 10⁻⁷ s a step, sim.experiment.workload): a larger scenario gets
# smaller blocks, so that a first answer is one quick block and a few hundred replications still
# spread over the workers. national-2026 (270 units, 549 days) gets 100; every Bali and Banuspa
# scenario keeps 500.
BLOCK_STEPS = 10_000_000
# Steps a lock-step pass holds at most: the blocks of a task run side by side in one pass
# (sim.model.streams), which spreads each day's calls over more replications (bali-2025's 10,000
# replications take 30% less model time in passes of 7,500 and 2,500 than in 20 blocks run one
# after another). As much as a block may hold: a block of national-2026 (14.8 million steps) runs
# alone, since wider arrays of its 270 rows outgrow the cache and it gained nothing side by side.
PASS_STEPS = BLOCK_STEPS
TASK_STEPS = 8 * BLOCK_STEPS  # steps a task holds at most (national-2026: 5 blocks, about 8 s)
MAX_REPLICATIONS = 10_000_000  # as for a scenario's own ``replications``
MAX_WORKERS = 64  # each worker holds its own numpy and scipy; more would only exhaust memory

Progress = Callable[[int], None]
OUTCOME = tuple(f.name for f in fields(BlockOutcome))  # every array of a block's outcome
COUNTS = tuple(name for name in OUTCOME if name not in ("at_target", "crossed_on"))  # month-end
# Counts every figure reads only summed over groups: kept as that sum, (records, 1, reps).
SUMMED = ("lapsed", "reactivated")
INT32 = np.iinfo(np.int32)
IntArray = np.ndarray[Any, np.dtype[np.signedinteger[Any]]]
T = TypeVar("T")


@dataclass(frozen=True)
class Block:
    """One block of replications: its index (which fixes its seed) and its size."""

    index: int
    reps: int


def plan_blocks(replications: int, block_size: int = BLOCK_SIZE) -> list[Block]:
    """Cut ``replications`` into blocks of ``block_size`` (the last one may be smaller)."""
    if replications <= 0:
        raise ValueError('"replications" must be > 0.')
    full, rest = divmod(replications, block_size)
    return [Block(i, block_size) for i in range(full)] + ([Block(full, rest)] if rest else [])


def block_size_for(units: int, days: int) -> int:
    """Replications per block for a replication of ``units`` processes over ``days``: at most :data:`BLOCK_STEPS` steps.

    A multiple of :data:`MIN_BLOCK_SIZE` between it and :data:`BLOCK_SIZE`.
    """
    fits = BLOCK_STEPS // max(1, units * days)
    return max(MIN_BLOCK_SIZE, min(BLOCK_SIZE, fits - fits % MIN_BLOCK_SIZE))


def _units_and_days(scenario: Scenario) -> tuple[int, int]:
    layout = layout_of(scenario)
    return len(layout.groups) + len(layout.channels), horizon_of(scenario).days


def rep_steps(scenario: Scenario) -> int:
    """A replication's steps: its groups and channels, times the days of the horizon."""
    units, days = _units_and_days(scenario)
    return units * days


def block_size_of(scenario: Scenario) -> int:
    """The block size of ``scenario``'s runs (:func:`block_size_for` its groups, channels and days)."""
    return block_size_for(*_units_and_days(scenario))


def side_by_side(seed: int, blocks: Sequence[Block]) -> Blocks:
    """``blocks`` of a run of ``seed`` as one lock-step pass: their seeds and sizes."""
    return Blocks(tuple(block_seed(seed, b.index) for b in blocks), tuple(b.reps for b in blocks))


def run_blocks(
    scenario: Scenario, seed: int, blocks: Sequence[Block], marks: tuple[date, ...] = ()
) -> list[BlockOutcome]:
    """Simulate ``blocks`` side by side in one lock-step pass; each block's outcome is the one it has alone."""
    return simulate_blocks(scenario, side_by_side(seed, blocks), marks)


def run_block(scenario: Scenario, seed: int, block: Block, marks: tuple[date, ...] = ()) -> BlockOutcome:
    """Simulate one block alone."""
    return run_blocks(scenario, seed, [block], marks)[0]


def default_workers() -> int:
    """One worker per core this process may use."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


# A task carries at least this many replications (~0.1 s of work), so that a Dask scheduler's
# ~1.5 ms a task stays about 1% of the run.
MIN_TASK_REPS = 1000
TASKS_PER_WORKER = 2  # enough to even out a slow worker, few enough for passes wide and cheap


@dataclass(frozen=True)
class Request:
    """One scenario to run: its replications and seed, extra record dates, and how its blocks are cut.

    ``warnings`` are the loader's, carried to the run's summary. A request's blocks are
    :func:`plan_blocks` of its replications in blocks of ``block_size`` (by default
    :func:`block_size_of` the scenario), numbered from ``first_block`` (the number fixes a block's
    seed): a Sobol' chunk is block ``i`` of its study.
    ``finals_only`` keeps of each replication only its target figures (``at_target``,
    ``crossed_on``), not its month-end counts: all that sensitivity reads, and 16 bytes to ship.
    """

    scenario: Scenario
    replications: int
    seed: int
    marks: tuple[date, ...] = ()
    warnings: tuple[str, ...] = ()
    block_size: int | None = None
    first_block: int = 0
    finals_only: bool = False

    def blocks(self) -> list[Block]:
        """The blocks this request is run in, in order."""
        size = self.block_size if self.block_size is not None else block_size_of(self.scenario)
        blocks = plan_blocks(self.replications, size)
        return [Block(b.index + self.first_block, b.reps) for b in blocks] if self.first_block else blocks


class BlockStore(Protocol):
    """Where finished blocks are kept between runs (a checkpoint on disk, or the rounds of one run)."""

    def load_block(self, request: Request, block: Block) -> BlockOutcome | None: ...

    def save_block(self, request: Request, block: Block, outcome: BlockOutcome) -> None: ...


@dataclass
class KeptBlocks:
    """A :class:`BlockStore` for the rounds of one run (adaptive precision): the blocks done so far.

    They are held in memory up to ``spill.over_bytes``; the blocks after that are appended to an
    unnamed temporary file and read back when asked for, so that a run of many rounds holds no
    more than that besides its joined results (which spill on their own). :meth:`close` frees the
    file at once; it also goes when the store is let go.
    """

    spill: Spill = field(default_factory=Spill)
    kept: dict[tuple[int, int, int, int], BlockOutcome | tuple[int, int]] = field(default_factory=dict)
    held: int = 0
    file: IO[bytes] | None = None

    @staticmethod
    def _key(request: Request, block: Block) -> tuple[int, int, int, int]:
        return (id(request.scenario), request.seed, block.index, block.reps)

    def load_block(self, request: Request, block: Block) -> BlockOutcome | None:
        kept = self.kept.get(self._key(request, block))
        if not isinstance(kept, tuple):
            return kept
        assert self.file is not None  # a block was written to it
        self.file.seek(kept[0])
        outcome: BlockOutcome = pickle.loads(self.file.read(kept[1]))  # this store wrote it (save_block)
        return outcome

    def save_block(self, request: Request, block: Block, outcome: BlockOutcome) -> None:
        size = sum(getattr(outcome, name).nbytes for name in OUTCOME)
        if self.held + size <= self.spill.over_bytes:
            self.kept[self._key(request, block)] = outcome
            self.held += size
            return
        if self.file is None:
            self.file = tempfile.TemporaryFile(prefix="sim-blocks-", dir=self.spill.folder)  # noqa: SIM115
        at = self.file.seek(0, os.SEEK_END)
        pickle.dump(outcome, self.file, protocol=pickle.HIGHEST_PROTOCOL)
        self.kept[self._key(request, block)] = (at, self.file.tell() - at)

    def close(self) -> None:
        """Free the temporary file now."""
        if self.file is not None:
            self.file.close()
            self.file = None


Job = tuple[int, Block]  # a block of request ``i``


def passes_of(requests: Sequence[Request], jobs: Sequence[Job]) -> list[list[Job]]:
    """``jobs`` in order, cut into lock-step passes: consecutive blocks of one request, :data:`PASS_STEPS` at most."""
    per_rep = {i: rep_steps(requests[i].scenario) for i in {i for i, _ in jobs}}
    out: list[list[Job]] = []
    steps = 0
    for job in jobs:
        i, block = job
        need = block.reps * per_rep[i]
        if out and out[-1][0][0] == i and steps + need <= PASS_STEPS:
            out[-1].append(job)
            steps += need
        else:
            out.append([job])
            steps = need
    return out


def passes(request: Request) -> list[Blocks]:
    """The lock-step passes a run of ``request`` makes in one process."""
    runs = passes_of([request], [(0, b) for b in request.blocks()])
    return [side_by_side(request.seed, [b for _, b in run]) for run in runs]


def run_jobs(
    requests: Sequence[Request], jobs: list[Job], into: Sequence[SharedColumns | None] = ()
) -> list[BlockOutcome]:
    """Simulate several blocks in one task (one round trip to a worker), pass by pass; a top-level function to ship.

    A request with :class:`~sim.experiment.columns.SharedColumns` in ``into`` gets its blocks'
    counts written there, and only their target figures back.
    """
    out: list[BlockOutcome] = []
    offsets: dict[int, dict[int, int]] = {}  # each request's block columns, worked out once
    for run in passes_of(requests, jobs):
        i = run[0][0]
        outcomes = _run_pass(requests[i], [b for _, b in run])
        shared = into[i] if into else None
        if shared is not None:
            if i not in offsets:
                offsets[i] = offsets_of(requests[i].blocks())
            at = offsets[i]
            outcomes = [shared.write(at[b.index], o) for (_, b), o in zip(run, outcomes, strict=True)]
        out.extend(outcomes)
    return out


def _run_pass(request: Request, blocks: Sequence[Block]) -> list[BlockOutcome]:
    """One lock-step pass of ``blocks`` of ``request``, each outcome kept as the request keeps it."""
    return [kept_of(request, o) for o in run_blocks(request.scenario, request.seed, blocks, request.marks)]


def offsets_of(blocks: Sequence[Block]) -> dict[int, int]:
    """The first column of each block (by index) in a run of ``blocks``, in order."""
    starts = np.cumsum([0] + [b.reps for b in blocks])
    return {b.index: int(s) for b, s in zip(blocks, starts, strict=False)}


def kept_of(request: Request, outcome: BlockOutcome) -> BlockOutcome:
    """What of a block's outcome its request keeps, compact, as a worker ships it back.

    Month-end counts go as int32 whenever they fit (any count up to 2,147,483,647; national-2026's
    totals are about 40 million), halving what every replication ships and what the results hold;
    a block whose counts do not fit keeps int64. Lapses and reactivations are kept summed over
    groups (:data:`SUMMED`), all that any figure reads of them: national-2026 then keeps 28 KB a
    replication instead of 44 KB. The target figures stay int64 (16 bytes a replication).
    Keeping a kept outcome again changes nothing.
    """
    if request.finals_only:
        kept = {name: getattr(outcome, name)[:0] for name in COUNTS}
    else:
        kept = {name: _compact(_summed(name, getattr(outcome, name))) for name in COUNTS}
    return BlockOutcome(**kept, at_target=outcome.at_target, crossed_on=outcome.crossed_on)


def count_shapes(request: Request) -> dict[str, tuple[int, int, int]]:
    """The shape of each kind of month-end count a request's results hold, as :func:`kept_of` keeps them."""
    s = request.scenario
    layout, records = layout_of(s), len(horizon_of(s, request.marks).record_days)
    items = {"active": len(layout.groups), "inactive": len(layout.groups), "enrolled": len(layout.channels)}
    n = request.replications
    return {name: (records, 1 if name in SUMMED else items[name], n) for name in COUNTS}


def _summed(name: str, counts: IntArray) -> IntArray:
    summed: IntArray = counts.sum(axis=1, keepdims=True, dtype=np.int64) if name in SUMMED else counts
    return summed


def _compact(counts: IntArray) -> IntArray:
    small = counts.size == 0 or (int(counts.min()) >= INT32.min and int(counts.max()) <= INT32.max)
    return counts.astype(np.int32) if small else counts


def tasks_of(items: Sequence[T], workers: int = 1, block_size: int = BLOCK_SIZE, steps: int = 1) -> list[list[T]]:
    """Consecutive blocks (or jobs) of ``block_size`` replications of ``steps`` steps each, grouped into tasks.

    A task's blocks run in as few lock-step passes as hold them, so tasks are few and large: at
    least :data:`MIN_TASK_REPS` replications each, and no more than :data:`TASKS_PER_WORKER` a
    worker, but every worker gets one while there are blocks enough, and no task holds more than
    :data:`TASK_STEPS`, so that a very large run still reports progress and loses little to an
    interrupt.
    """
    return batches(items, task_count(len(items), workers, block_size, steps)) if items else []


def task_count(blocks: int, workers: int, block_size: int, steps: int) -> int:
    """How many tasks :func:`tasks_of` cuts ``blocks`` blocks into."""
    per_task = max(1, -(-MIN_TASK_REPS // block_size))
    most = max(1, TASK_STEPS // max(1, block_size * steps))
    return max(workers, min(-(-blocks // per_task), TASKS_PER_WORKER * workers), -(-blocks // most))


def pass_blocks(block_size: int, steps: int) -> int:
    """Blocks of ``block_size`` replications of ``steps`` steps each that a pass holds (at least one)."""
    return max(1, PASS_STEPS // max(1, block_size * steps))


def _outcomes(
    requests: Sequence[Request], jobs: list[Job], workers: int, executor: Executor | None, joined: Sequence[Joined]
) -> Generator[tuple[Job, BlockOutcome], None, None]:
    """Each job with its outcome, as they finish: on ``executor``, a local pool of ``workers``, or here.

    On a local pool (:class:`~sim.experiment.pool.SharedPool`) the workers write the counts
    straight into the ``joined`` arrays where they can (:meth:`Joined.share`).
    """
    if executor is None and (workers <= 1 or len(jobs) <= 1):
        for run in passes_of(requests, jobs):
            yield from zip(run, _run_pass(requests[run[0][0]], [b for _, b in run]), strict=True)
        return
    with make_executor(min(workers, len(jobs))) if executor is None else nullcontext(executor) as pool:
        assert pool is not None  # workers > 1 always gives a pool
        into: list[SharedColumns | None] = [None] * len(joined)
        if isinstance(pool, SharedPool) and pool.folder is not None:
            into = [j.share(pool.folder / pool.prefix) for j in joined]
        # Only the requests a task needs travel with it.
        futures = {}
        steps = max(rep_steps(requests[i].scenario) for i in {i for i, _ in jobs})
        for task in tasks_of(jobs, workers, max(b.reps for _, b in jobs), steps):
            needed = sorted({i for i, _ in task})
            local = [(needed.index(i), b) for i, b in task]
            wanted = [into[i] for i in needed] if any(into[i] for i in needed) else []
            futures[pool.submit(run_jobs, [requests[i] for i in needed], local, wanted)] = task
        for future in as_completed(futures):
            # Let the finished task go at once: a future holds its outcomes for as long as it is referenced.
            yield from zip(futures.pop(future), future.result(), strict=True)


def run_scenarios(
    requests: Sequence[Request],
    *,
    executor: Executor | None = None,
    workers: int = 1,
    checkpoint: BlockStore | None = None,
    progress: Progress | None = None,
    on_done: Callable[[int], None] | None = None,
    spill: Spill = Spill(),
    keep_files: bool = False,
) -> list[Results]:
    """Run every request and return its results: the one way every command runs scenarios.

    The blocks of all requests run together, so workers stay busy even when each request is one
    block: on ``executor`` (any :class:`concurrent.futures.Executor`; ``workers`` then says how
    many tasks at least to cut the blocks into), else in a local pool of ``workers`` processes, else
    here. Blocks found in ``checkpoint`` are read back, not run, and each block run is saved to it.
    ``progress(reps)`` hears each block finish; ``on_done(i)`` is called once every block of request
    ``i`` is finished. Each request's blocks are joined in block order, so the results are the same
    however and wherever they ran. A request whose month-end counts would take more memory than
    ``spill`` allows keeps them in a temporary file instead (:mod:`sim.results.counts`), to the
    same figures. Counts the local pool's workers wrote into shared memory stay on files whose
    names go at the end of the run, unless ``keep_files`` with an ``executor`` the caller holds:
    then the results' counts name their files (:class:`~sim.results.counts.HeldCounts`), for the
    pool's workers to read again (:mod:`sim.experiment.describe`), and the pool removes them when
    it ends.
    """
    check_interrupt()
    plans = [r.blocks() for r in requests]
    joined = [Joined.of(r, blocks, spill) for r, blocks in zip(requests, plans, strict=True)]
    jobs: list[Job] = []
    for i, blocks in enumerate(plans):
        for b in blocks:
            kept = checkpoint.load_block(requests[i], b) if checkpoint is not None else None
            if kept is None:
                jobs.append((i, b))
            else:
                joined[i].place(b, kept_of(requests[i], kept))  # as this version keeps it
    left = Counter(i for i, _ in jobs)
    for i in range(len(requests)):
        if not left[i] and on_done is not None:
            on_done(i)
    finished = _outcomes(requests, jobs, workers, executor, joined)
    try:
        for (i, b), out in finished:
            joined[i].place(b, out)
            if checkpoint is not None:
                checkpoint.save_block(requests[i], b, joined[i].block(b, out))
            if progress is not None:
                progress(b.reps)
            left[i] -= 1
            if not left[i] and on_done is not None:
                on_done(i)
            check_interrupt()
    except BaseException:
        for j in joined:
            j.discard()  # spill files go at once, not when the traceback lets them go
        raise
    finally:
        # On an interrupt, a pool started here must stop its workers now, not when (or if) the
        # generator is garbage collected.
        finished.close()
        for j in joined:
            if not (keep_files and executor is not None):  # a pool started here has removed them
                j.unlink()  # the shared files' names go; what is mapped stays until it is let go
    return [j.results() for j in joined]


@dataclass
class Joined:
    """A request's results being filled in, a block at a time, in place.

    Each block's outcome is copied once, into its columns of arrays made for all the request's
    replications, and can then be let go: the parent never holds a run twice. Blocks may arrive in
    any order; the columns are fixed by the plan, so the results are those of the blocks in order.
    When the first block shows that the request's counts would take more than ``spill.over_bytes``,
    its counts are appended to temporary files instead (:class:`~sim.results.counts.SpilledCounts`),
    and only the target figures are held.
    """

    request: Request
    offsets: dict[int, int]
    spill: Spill = field(default_factory=Spill)
    arrays: dict[str, IntArray] = field(default_factory=dict)
    spilled: dict[str, SpilledCounts] = field(default_factory=dict)
    spilling: bool | None = None  # decided by the first block placed
    shared: SharedColumns | None = None
    mapped: dict[str, IntArray] = field(default_factory=dict)  # the arrays on the shared files
    unlinked: bool = False

    @classmethod
    def of(cls, request: Request, blocks: Sequence[Block], spill: Spill = Spill()) -> Joined:
        return cls(request, offsets_of(blocks), spill)

    def share(self, prefix: Path) -> SharedColumns | None:
        """Hold the counts in shared-memory files named from ``prefix``, for workers to write into.

        Not for a request that keeps no counts, that has counts placed already, or whose int32
        counts would take more than ``spill.over_bytes`` (they spill as the blocks arrive).
        """
        r = self.request
        if r.finals_only or self.arrays or self.spilling is not None:
            return None
        shapes = count_shapes(r)
        if bytes_of(shapes) > self.spill.over_bytes:
            return None
        try:
            self.shared, arrays = SharedColumns.create(prefix, shapes)
        except OSError:  # no room: the blocks ship their counts back
            return None
        self.arrays.update(arrays)
        self.mapped = arrays
        self.spilling = False
        return self.shared

    def unlink(self) -> None:
        """Remove the shared files' names (the arrays on them stay)."""
        if self.shared is not None:
            for _, path, _ in self.shared.files:
                Path(path).unlink(missing_ok=True)
        self.unlinked = True

    def place(self, block: Block, outcome: BlockOutcome) -> None:
        """Copy ``outcome`` into the columns of ``block`` (or append its counts to the spill files).

        Counts a worker wrote in place already (:meth:`share`) are left as they are.
        """
        at = self.offsets[block.index]
        if self.spilling is None:
            counts = sum(getattr(outcome, name).nbytes for name in COUNTS)
            self.spilling = counts * self.request.replications > self.spill.over_bytes * block.reps
        for name in OUTCOME:
            part = getattr(outcome, name)
            if name in COUNTS:
                if written(part, block.reps):
                    continue
                if self.spilling:
                    self._spilled(name, part).put(at, part)
                    continue
            whole = self.arrays.get(name)
            if whole is None:
                whole = np.empty((*part.shape[:-1], self.request.replications), dtype=part.dtype)
            elif not np.can_cast(part.dtype, whole.dtype, "safe"):
                whole = whole.astype(part.dtype)  # a block whose counts did not fit int32
            whole[..., at : at + block.reps] = part
            self.arrays[name] = whole

    def block(self, block: Block, outcome: BlockOutcome) -> BlockOutcome:
        """``block``'s whole outcome once placed, as a checkpoint keeps it: with the counts a worker wrote in place."""
        if not any(written(getattr(outcome, name), block.reps) for name in COUNTS):
            return outcome
        at = self.offsets[block.index]
        return BlockOutcome(**{name: self.arrays[name][..., at : at + block.reps] for name in OUTCOME})

    def _spilled(self, name: str, part: IntArray) -> SpilledCounts:
        if name not in self.spilled:
            records, items = part.shape[:2]
            self.spilled[name] = SpilledCounts.create(records, items, self.request.replications, self.spill.folder)
        return self.spilled[name]

    def discard(self) -> None:
        """Free the spill files now (a run that failed or was interrupted)."""
        for counts in self.spilled.values():
            counts.close()
        self.spilled.clear()

    def counts(self, name: str) -> Counts:
        if name in self.spilled:
            return self.spilled[name]
        array = self.arrays[name]
        # Still the array on the file, unless a block's counts that did not fit int32 widened it.
        on_file = self.shared if self.mapped.get(name) is array and not self.unlinked else None
        return HeldCounts(array, on_file.path_of(name) if on_file is not None else None)

    def results(self) -> Results:
        r, a = self.request, self.arrays
        for spilled in self.spilled.values():
            spilled.flush()  # so that the results hold no counts in memory
        return Results(
            scenario=r.scenario,
            seed=r.seed,
            horizon=horizon_of(r.scenario, r.marks),
            active=self.counts("active"),
            inactive=self.counts("inactive"),
            enrolled=self.counts("enrolled"),
            lapsed=self.counts("lapsed"),
            reactivated=self.counts("reactivated"),
            at_target=a["at_target"],
            crossed_on=a["crossed_on"],
        )


def run_scenario(
    scenario: Scenario,
    *,
    replications: int | None = None,
    seed: int | None = None,
    workers: int = 1,
    executor: Executor | None = None,
    progress: Progress | None = None,
    marks: tuple[date, ...] = (),
    spill: Spill = Spill(),
    keep_files: bool = False,
) -> Results:
    """Run ``scenario`` over Monte Carlo replications and return the projections.

    ``replications`` and ``seed`` default to the scenario's own; ``workers`` > 1 runs blocks in a
    local process pool, and ``executor`` (any :class:`concurrent.futures.Executor`) takes precedence;
    ``workers`` then says how many tasks at least to cut the blocks into.
    ``marks`` are extra dates to record besides month ends (e.g. the dates of observations).
    ``spill`` says above how many bytes of counts they are kept in a temporary file, and where;
    ``keep_files`` is :func:`run_scenarios`'.
    """
    reps = replications if replications is not None else scenario.replications
    root = seed if seed is not None else scenario.seed
    request = Request(scenario, reps, root, marks)
    return run_scenarios(
        [request], executor=executor, workers=workers, progress=progress, spill=spill, keep_files=keep_files
    )[0]
