"""How much memory and time Monte Carlo work needs, estimated from the scenario's size before it starts.

A replication costs time for every day of the horizon and every SimPy process stepping through it:
one lapse process per group (region × segment) and one recruiting process per channel, the
"units" below. Replications advance in lock-step, the blocks of a task side by side in one pass,
so a pass also costs a fixed time per unit-day whatever its size (SimPy's event and NumPy's call
overhead)::

    seconds = days × units × (A × replications + B × passes) / processes

Measured on the team's 2-core machine (2026-11-22, load average 0.2–0.9, one process,
``simulate_block`` timed at 50 and 500 replications, median of 3) for bali-2025,
bali-2025-all-levers, bali-calibration-2023, banuspa-2019-s2 and national-2026 (2 to 76 groups, 4
to 153 channels, 184 to 578 days): ``A`` = 0.6–1.14 × 10⁻⁷ s, median 1.0 × 10⁻⁷ s per
replication-unit-day, and ``B`` = 1.6–2.3 × 10⁻⁵ s, median 1.7 × 10⁻⁵ s per block-unit-day.
Together they give national-2026's 1,000 replications in 17.5 s (README "Performance": 16.3 s).

What the parent process does one step at a time was timed on the same scenarios at load average
1.7–2.5 (so perhaps high by up to 2×): loading and validating a scenario, 10–25 ms for the
7-unit ones and 329 ms for national-2026 (:data:`SECONDS_PER_LOAD` and
:data:`SECONDS_PER_LOAD_UNIT`); a run's summary, 1.6–5.7 µs a replication for the small ones and
32 µs for national-2026; its ``monthly.csv``, 174–199 ns per replication, record day and unit,
i.e. 0.7 s for 1,000 national replications.

Memory is what the results keep (:mod:`sim.results.projections`): per replication, record days ×
(4 stocks per group + 1 per channel) counts, 8 bytes each as a block records them and 4 as the
parent keeps them (:func:`sim.experiment.blocks.kept_of`: int32 whenever they fit), plus its final
figure and crossing day (88 KB recorded and 44 KB kept for national-2026, 0.64 and 0.33 KB for
bali-2025). Blocks are copied once into the joined arrays (:class:`sim.experiment.blocks.Joined`);
a summary sums 6 national series at once, and ``monthly.csv`` is described a batch of
:data:`~sim.results.projections.DESCRIBE_BYTES` at a time. Before the counts were kept compact,
peak resident memory (all processes) of ``sim run bali-2025 --workers 1`` was 58, 207 and 499 MB
at 1,000, 100,000 and 300,000 replications and 144 MB for national-2026 at 500, from which
:data:`BASE_BYTES`; with 2 workers, the pool added 73 MB (:data:`WORKER_BYTES` each, and the
blocks they hold).

The estimate is pure: :func:`check` compares it with the machine's memory (:func:`machine_memory`)
and says whether to ask before starting; the CLI asks and prints. :func:`processes` decides from
the same estimate whether a pool pays for itself (:data:`POOL_START_SECONDS`), for every command.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sim.errors import ScenarioError
from sim.experiment.blocks import block_size_for, pass_blocks, task_count
from sim.model.block import horizon_of
from sim.model.layout import layout_of
from sim.results.projections import DESCRIBE_BYTES
from sim.scenario.schema import Scenario

SECONDS_PER_REPLICATION_UNIT_DAY = 1.0e-7
SECONDS_PER_BLOCK_UNIT_DAY = 1.7e-5
SECONDS_PER_SUMMARY_REPLICATION = 4.0e-6  # summary.json of a run or an evaluation ...
SECONDS_PER_SUMMARY_REPLICATION_UNIT = 1.2e-7  # ... and per group and channel
SECONDS_PER_MONTHLY_CELL = 2.0e-7  # monthly.csv of a run, per replication, record day and unit
SECONDS_PER_LOAD = 0.01  # reading and validating a scenario (each sweep point, each lever value) ...
SECONDS_PER_LOAD_UNIT = 1.5e-3  # ... and per group and channel
BASE_BYTES = 60_000_000  # the interpreter with NumPy, SimPy and the scenario
WORKER_BYTES = 40_000_000  # each pool worker's own interpreter
# What a pool costs before it saves anything: on the 2-core machine (2026-11-30, load average 5,
# median of 5), starting a pool of 2 (fork), shipping bali-2025 to both workers and getting one
# 2-replication block back from each took 0.155 s longer than the same blocks in this process;
# starting and stopping the pool alone took 0.026-0.037 s, the rest is each worker's first block
# (cold caches). It agrees with the 2026-11-22 timing of 2,000 bali-2025 replications, 0.28 s here
# and 0.30 s on 2 processes, i.e. a 0.14 s saving short by 0.02 s. Rounded up, so that a run near
# break-even stays in this process, where its time is steadier.
POOL_START_SECONDS = 0.2
CONFIRM_SECONDS = 3600.0  # work estimated to take longer is started only with --yes
NOTE_SECONDS = 60.0  # work estimated to take longer says so before it starts


@dataclass(frozen=True)
class Shape:
    """How big one replication of a scenario is: its groups, channels, days and record days."""

    groups: int
    channels: int
    days: int
    records: int
    regions: int = 0

    @property
    def units(self) -> int:
        """Processes stepping through every day: a lapse process per group, a recruiter per channel."""
        return self.groups + self.channels

    @property
    def recorded_bytes(self) -> int:
        """What the results keep of a replication: 4 stocks per group and 1 per channel each record day, 2 facts."""
        return 8 * (self.records * (4 * self.groups + self.channels) + 2)

    @property
    def held_bytes(self) -> int:
        """What the parent holds of a replication: its counts as int32, the 2 facts as int64.

        The counts are active and inactive members per group, lapses and reactivations summed over
        groups (:func:`sim.experiment.blocks.kept_of`) and enrolments per channel, each record day.
        """
        return 4 * self.records * (2 * self.groups + 2 + self.channels) + 16

    @property
    def series_bytes(self) -> int:
        """The series summed over groups while a run is summarised (6, and 3 per region), per replication."""
        return 8 * self.records * (6 + 3 * self.regions)

    @property
    def kept_bytes(self) -> int:
        """What compare and sweep keep of a replication for paired figures: final, reached, 3 per channel."""
        return 8 + 1 + 3 * 8 * self.channels

    @property
    def block(self) -> int:
        """Replications a block of this scenario holds (:func:`~sim.experiment.blocks.block_size_of`)."""
        return block_size_for(self.units, self.days)

    @property
    def cells(self) -> int:
        """Recorded figures per replication that a summary goes through: record days × units."""
        return self.records * self.units


def shape_of(scenario: Scenario, marks: tuple[date, ...] = ()) -> Shape:
    """The size of one replication of ``scenario`` (recording ``marks`` besides month ends)."""
    layout, horizon = layout_of(scenario), horizon_of(scenario, marks)
    return Shape(len(layout.groups), len(layout.channels), horizon.days, len(horizon.record_days), len(layout.regions))


def blocks_of(shape: Shape, replications: int) -> int:
    """Blocks a run of ``replications`` of a scenario of ``shape`` is cut into."""
    return -(-replications // shape.block)


def model_seconds(shape: Shape, replications: int, workers: int, block: int | None = None) -> float:
    """Wall seconds ``workers`` processes spend simulating ``replications`` in blocks of ``block``.

    ``block`` is the scenario's own block size (:attr:`Shape.block`) unless given. The fixed cost
    is paid once per lock-step pass: as few passes as hold the blocks, and on a pool at least one
    a task (:func:`~sim.experiment.blocks.tasks_of`).
    """
    size = block or shape.block
    blocks = -(-replications // size)
    parallel = max(1, min(workers, blocks))
    steps = shape.units * shape.days
    tasks = task_count(blocks, parallel, size, steps) if parallel > 1 else 1
    passes = max(-(-blocks // pass_blocks(size, steps)), tasks)
    per_unit_day = SECONDS_PER_REPLICATION_UNIT_DAY * replications + SECONDS_PER_BLOCK_UNIT_DAY * passes
    return shape.days * shape.units * per_unit_day / parallel


def load_seconds(shape: Shape) -> float:
    """Seconds to read and validate the scenario once."""
    return SECONDS_PER_LOAD + SECONDS_PER_LOAD_UNIT * shape.units


def summary_seconds(shape: Shape, replications: int) -> float:
    """Seconds to summarise ``replications`` into ``summary.json``'s figures (in this process)."""
    per_replication = SECONDS_PER_SUMMARY_REPLICATION + SECONDS_PER_SUMMARY_REPLICATION_UNIT * shape.units
    return per_replication * replications


def pool_bytes(shape: Shape, workers: int, replications: int) -> int:
    """Memory of a pool of ``workers`` processes, each holding a pass of its task's blocks and their kept copy."""
    if workers <= 1:
        return 0
    held = min(-(-replications // workers), shape.block * pass_blocks(shape.block, shape.units * shape.days))
    return workers * (WORKER_BYTES + held * (shape.recorded_bytes + shape.held_bytes))


def run_bytes(shape: Shape, replications: int, workers: int) -> int:
    """Peak memory of one run: its joined counts, the series summarised at once, a batch of monthly.csv, the pool."""
    summarised = replications * 8 * shape.records * 6  # the national series a summary sums at once
    pool = pool_bytes(shape, workers, replications)
    return BASE_BYTES + replications * shape.held_bytes + summarised + 4 * DESCRIBE_BYTES + pool


@dataclass(frozen=True)
class Work:
    """Monte Carlo work about to start: what it is, its estimated wall time and peak memory, and how to shrink it."""

    what: str
    seconds: float
    memory: int
    field: str
    change: str

    def __str__(self) -> str:
        return f"{self.what}: about {duration(self.seconds)} and {size(self.memory)} of memory"


def run(shape: Shape, name: str, replications: int, workers: int, *, up_to: bool = False) -> Work:
    """``sim run`` (and ``backtest``): one run of ``replications`` (``up_to``: at most, as with --precision)."""
    monthly = SECONDS_PER_MONTHLY_CELL * replications * shape.cells
    seconds = model_seconds(shape, replications, workers) + summary_seconds(shape, replications) + monthly
    return Work(
        f"{name}, {'up to ' if up_to else ''}{replications:,} replications",
        seconds,
        run_bytes(shape, replications, workers),
        "--max-reps" if up_to else "--reps",
        "give a smaller --max-reps or a coarser --precision"
        if up_to
        else "ask for fewer replications, or for --precision (e.g. 0.01) to stop once P(target) is known well enough",
    )


def evaluations(runs: Sequence[tuple[Shape, int]], workers: int, what: str, field: str, change: str) -> Work:
    """``compare`` and ``sweep``: every block of every run is kept until all are done, then joined one run at a time."""
    reps = sum(n for _, n in runs)
    widest = max(runs, key=lambda r: r[0].recorded_bytes)[0]
    # Every run's joined counts are held until all are summarised, one at a time.
    memory = (
        BASE_BYTES
        + sum(n * (shape.held_bytes + shape.kept_bytes) for shape, n in runs)
        + 4 * DESCRIBE_BYTES
        + pool_bytes(widest, workers, max(n for _, n in runs))
    )
    # All runs' blocks go to the pool together, so it stays busy even when each run is one block;
    # loading the scenarios and keeping each summary happen in this process, one after another.
    parallel = max(1, min(workers, sum(blocks_of(shape, n) for shape, n in runs)))
    model = sum(model_seconds(shape, n, 1) for shape, n in runs) / parallel
    serial = sum(load_seconds(shape) + summary_seconds(shape, n) for shape, n in runs)
    seconds = model + serial
    return Work(f"{what} ({reps:,} replications in all)", seconds, memory, field, change)


def solve(shape: Shape, name: str, searches: int, values: int, max_reps: int, workers: int) -> Work:
    """``sim solve`` at worst: every one of ``searches`` bisections tries ``values`` lever values at ``max_reps``."""
    runs = searches * values
    return Work(
        f"{name}, up to {runs:,} evaluations of up to {max_reps:,} replications",
        runs * (load_seconds(shape) + model_seconds(shape, max_reps, workers) + summary_seconds(shape, max_reps)),
        run_bytes(shape, max_reps, workers),
        "--max-reps",
        "give a smaller --max-reps, a coarser --precision, a narrower --range or fewer --steps",
    )


def sensitivity(
    shape: Shape, name: str, parameters: int, tornado_reps: int, points: int, reps: int, workers: int, chunk: int
) -> Work:
    """``sim sensitivity``: 1 + 2 per parameter tornado runs, then ``points`` Sobol' points in chunks of ``chunk``."""
    runs = 1 + 2 * parameters
    tornado = runs * (load_seconds(shape) + model_seconds(shape, tornado_reps, workers))
    per_chunk = max(1, chunk // reps)  # points a chunk runs in one lock-step block
    chunks = -(-points // per_chunk)
    sobol = model_seconds(shape, points * reps, workers, per_chunk * reps) if points else 0.0
    held = max(1, min(workers, chunks)) * (WORKER_BYTES + 2 * per_chunk * reps * shape.recorded_bytes)
    return Work(
        f"{name}, {runs:,} tornado runs of {tornado_reps:,} replications"
        + (f" and {points:,} Sobol' points of {reps:,}" if points else ""),
        tornado + sobol,
        max(run_bytes(shape, tornado_reps, workers), BASE_BYTES + (held if points else 0)),
        "--samples" if points else "--tornado-reps",
        "give fewer --samples, --reps or --tornado-reps, or --no-sobol",
    )


def calibrate(shape: Shape, name: str, runs: int, replications: int, workers: int = 1) -> Work:
    """``sim calibrate`` at worst: ``runs`` runs of ``replications``, one after another, each on ``workers``."""
    return Work(
        f"{name}, up to {runs:,} runs of {replications:,} replications",
        runs * (load_seconds(shape) + model_seconds(shape, replications, workers)),
        run_bytes(shape, replications, workers),
        "--reps",
        "give fewer --reps or fit fewer rates",
    )


def processes(estimate: Callable[[int], Work], workers: int) -> int:
    """Processes to run some work on: ``workers`` if a pool of them pays for itself, else 1 (this one).

    ``estimate(n)`` is the work on ``n`` processes (:func:`run`, :func:`evaluations`, :func:`solve`,
    :func:`sensitivity`, :func:`calibrate`), whose model time is replications × (groups + channels)
    × days (:func:`model_seconds`); the pool pays when it saves more than
    :data:`POOL_START_SECONDS`. So 2,000 replications of bali-2025 (four blocks of 500; 0.17 s
    saved) run here, and 200 of national-2026 (two blocks of 100) on the pool. Every command and
    the page decide this way.
    """
    if workers <= 1:
        return 1
    saved = estimate(1).seconds - estimate(workers).seconds
    return workers if saved > POOL_START_SECONDS else 1


@dataclass(frozen=True)
class Memory:
    """The machine's memory in bytes: free now (available to a new process) and in all."""

    available: int
    total: int


def machine_memory(proc: Path = Path("/proc"), cgroup: Path = Path("/sys/fs/cgroup")) -> Memory:
    """Memory from ``/proc/meminfo`` (or ``os.sysconf``), within a container's or job's cgroup limit."""
    try:
        fields = dict(line.split(":", 1) for line in (proc / "meminfo").read_text().splitlines() if ":" in line)
        total = int(fields["MemTotal"].split()[0]) * 1024
        available = int(fields["MemAvailable"].split()[0]) * 1024
    except (OSError, KeyError, ValueError):
        page = os.sysconf("SC_PAGE_SIZE")
        total, available = page * os.sysconf("SC_PHYS_PAGES"), page * os.sysconf("SC_AVPHYS_PAGES")
    limit, used = (
        _number(cgroup / "memory.max", cgroup / "memory" / "memory.limit_in_bytes"),
        _number(cgroup / "memory.current", cgroup / "memory" / "memory.usage_in_bytes"),
    )
    if limit is not None and limit < total:
        total = limit
        available = min(available, max(0, limit - (used or 0)))
    return Memory(available, total)


def _number(*files: Path) -> int | None:
    """The number in the first of ``files`` that holds one ("max", a missing file: none)."""
    for file in files:
        try:
            return int(file.read_text().strip())
        except (OSError, ValueError):
            continue
    return None


def check(work: Work, memory: Memory) -> bool:
    """Refuse ``work`` that cannot fit in ``memory``; whether it is long enough to ask before starting."""
    if work.memory > memory.available:
        raise ScenarioError(
            f"{work.what} would need about {size(work.memory)} of memory, {work.memory / memory.available:,.1f} times "
            f"the {size(memory.available)} free on this machine ({size(memory.total)} in all), and about "
            f"{duration(work.seconds)}; {work.change}",
            field=work.field,
        )
    return work.seconds > CONFIRM_SECONDS


def duration(seconds: float) -> str:
    """``75`` → ``1 min``; ``5400`` → ``1 h 30 min``; ``400000`` → ``4.6 days``."""
    if seconds < 60:
        return f"{max(1, round(seconds))} s"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    if seconds < 48 * 3600:
        return f"{minutes // 60} h {minutes % 60} min" if minutes % 60 else f"{minutes // 60} h"
    return f"{seconds / 86400:,.1f} days"


def size(n: float) -> str:
    """Bytes in decimal units: ``64_000`` → ``64 KB``, ``1.4e12`` → ``1.4 TB``."""
    for unit, scale in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("KB", 1e3)):
        if n >= scale:
            value = n / scale
            return f"{value:,.1f} {unit}" if value < 10 else f"{value:,.0f} {unit}"
    return f"{math.ceil(n)} bytes"
