"""``monthly.csv``'s figures described on the local pool's workers, a part of the series each.

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
"""

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import replace
from itertools import pairwise
from typing import Any

import numpy as np

from sim.experiment.blocks import COUNTS
from sim.experiment.columns import read
from sim.experiment.pool import SharedPool
from sim.results.counts import HeldCounts
from sim.results.folder import table_header, table_rows
from sim.results.projections import Figures, Results, monthly_table
from sim.results.table import Table
from sim.scenario.calendar import Horizon
from sim.scenario.schema import Scenario

Files = dict[str, tuple[str, tuple[int, int, int]]]  # count: (file, shape)


def monthly_rows(results: Results, pool: Executor | None, workers: int) -> Table:
    """``results.monthly_rows()``: on ``pool``'s workers when it is the local pool and the counts are on files."""
    files = files_of(results)
    count = results.series_count()
    parts = min(workers, count)
    if not isinstance(pool, SharedPool) or files is None or parts <= 1:
        return results.monthly_rows()
    bounds = np.linspace(0, count, parts + 1).round().astype(int).tolist()
    dates = results.record_dates()
    futures = [
        pool.submit(_describe, results.scenario, results.seed, results.horizon, results.replications, files, a, b)
        for a, b in pairwise(bounds)
    ]
    described = [f.result() for f in futures]
    table = monthly_table(dates, [figures for figures, _ in described])
    return replace(table, text=table_header(table.names) + "".join(rows for _, rows in described))


def files_of(results: Results) -> Files | None:
    """The shared-memory file and shape of each kind of count, or None unless every one is on a file."""
    files: Files = {}
    for name in COUNTS:
        counts: Any = getattr(results, name)
        if not isinstance(counts, HeldCounts) or counts.file is None:
            return None
        files[name] = (counts.file, counts.shape)
    return files


def _describe(
    scenario: Scenario, seed: int, horizon: Horizon, replications: int, files: Files, start: int, stop: int
) -> tuple[Figures, str]:
    """In a worker: the figures of series ``start`` to ``stop`` of a run on ``files``, and their CSV rows."""
    counts = {name: HeldCounts(read(path, shape)) for name, (path, shape) in files.items()}
    unread = np.broadcast_to(np.int64(0), (replications,))  # the target figures: monthly.csv reads none
    run = Results(scenario=scenario, seed=seed, horizon=horizon, **counts, at_target=unread, crossed_on=unread)
    figures = run.monthly_figures(start, stop)
    return figures, table_rows(monthly_table(run.record_dates(), [figures]))
