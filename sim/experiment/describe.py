"""What a run's folder is written from, worked out on the local pool's workers: monthly.csv, summary, scenario.

Describing every series at every record date (mean, sd, percentiles over replications) is the
largest step left to the parent once the blocks are joined: 16 ms of bali-2025's 10,000
replications, 100 ms of national-2026's 1,000, against a serial budget of 2% of the model time.
When the workers wrote the counts into shared memory (:mod:`sim.experiment.columns`), each of them
maps the files again, read-only, and describes a run of consecutive series; the parent only joins
their figures in order (:func:`~sim.results.projections.monthly_table`). A row's figures do not
depend on which rows are described with it, so the table is the same, bit for bit, as the parent's
own :meth:`~sim.results.projections.Results.monthly_rows`, which is what every other run uses
(in this process, on Dask, or counts held or spilled here). The workers also write their rows'
CSV text (:func:`~sim.results.folder.table_rows`: 40 ms of a national run's 1,000 replications,
the largest part of writing its folder), and the parent joins those too (``Table.text``).

Two more jobs go to the workers beside the series (:func:`described`): ``summary.json``'s data,
money included (national-2026's 1,000 replications: 20-38 ms), worked out from the same files and
the target figures the parent sends; and the resolved scenario's YAML text (60-75 ms of it: PyYAML
builds its nodes in Python even with libyaml's emitter). Both are the functions the parent would
call, on the same numbers, so ``summary.json`` and ``scenario.yaml`` are the same, byte for byte.
Jobs are dealt out one task per worker, so that each task ships the scenario once.
"""

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import dataclass, replace
from itertools import pairwise
from typing import Any

import numpy as np

from sim.experiment.blocks import COUNTS
from sim.experiment.columns import read
from sim.experiment.pool import SharedPool
from sim.results.counts import HeldCounts
from sim.results.folder import scenario_text, table_header, table_rows
from sim.results.money import summary_data
from sim.results.projections import Results, monthly_table
from sim.results.table import Table
from sim.scenario.calendar import Horizon
from sim.scenario.schema import Scenario

Files = dict[str, tuple[str, tuple[int, int, int]]]  # count: (file, shape)


@dataclass(frozen=True)
class Described:
    """What a run's folder is written from, besides the scenario and the run facts."""

    monthly: Table  # monthly.csv's rows (and their CSV text, when the workers wrote it)
    summary: dict[str, Any]  # summary.json's data, money included
    scenario_text: str | None = None  # scenario.yaml's text (without its header), when a worker wrote it


def described(results: Results, pool: Executor | None, workers: int, warnings: tuple[str, ...] = ()) -> Described:
    """The monthly table, summary and scenario text of ``results``: on the workers of ``pool`` when it can.

    That is, when ``pool`` is the local pool and the counts are on files; else here, and the folder
    writer writes the scenario's text itself.
    """
    files = files_of(results)
    count = results.series_count()
    tasks = min(workers, count)
    if not isinstance(pool, SharedPool) or files is None or tasks <= 1:
        return Described(results.monthly_rows(), summary_data(results, warnings))
    bounds = np.linspace(0, count, tasks + 1).round().astype(int).tolist()
    jobs: list[Job] = [("summary", results.at_target, results.crossed_on, warnings), ("scenario",)]
    jobs += [("series", a, b) for a, b in pairwise(bounds)]
    run = (results.scenario, results.seed, results.horizon, results.replications, files)
    futures = [pool.submit(_describe, *run, jobs[i::tasks]) for i in range(tasks)]
    done: dict[Job, Any] = {}
    for i, future in enumerate(futures):
        done.update(zip((_key(job) for job in jobs[i::tasks]), future.result(), strict=True))
    series = [done[("series", a, b)] for a, b in pairwise(bounds)]
    table = monthly_table(results.record_dates(), [figures for figures, _ in series])
    monthly = replace(table, text=table_header(table.names) + "".join(rows for _, rows in series))
    return Described(monthly, done[("summary",)], done[("scenario",)])


def files_of(results: Results) -> Files | None:
    """The shared-memory file and shape of each kind of count, or None unless every one is on a file."""
    files: Files = {}
    for name in COUNTS:
        counts: Any = getattr(results, name)
        if not isinstance(counts, HeldCounts) or counts.file is None:
            return None
        files[name] = (counts.file, counts.shape)
    return files


# A job for a worker: ("series", start, stop), ("summary", at_target, crossed_on, warnings) or ("scenario",).
Job = tuple[Any, ...]


def _key(job: Job) -> Job:
    """A job's name and bounds, without the arrays it carries."""
    return job[:3] if job[0] == "series" else job[:1]


def _describe(
    scenario: Scenario, seed: int, horizon: Horizon, replications: int, files: Files, jobs: list[Job]
) -> list[Any]:
    """In a worker: each job's answer, for a run on ``files``.

    A run of series gives their figures and CSV rows, the summary ``summary.json``'s data, and the
    scenario its YAML text.
    """
    counts = {name: HeldCounts(read(path, shape)) for name, (path, shape) in files.items()}
    unread = np.broadcast_to(np.int64(0), (replications,))  # the target figures: monthly.csv reads none
    run = Results(scenario=scenario, seed=seed, horizon=horizon, **counts, at_target=unread, crossed_on=unread)
    out: list[Any] = []
    for job in jobs:
        if job[0] == "series":
            figures = run.monthly_figures(job[1], job[2])
            out.append((figures, table_rows(monthly_table(run.record_dates(), [figures]))))
        elif job[0] == "summary":
            out.append(summary_data(replace(run, at_target=job[1], crossed_on=job[2]), job[3]))
        else:
            out.append(scenario_text(scenario))
    return out
