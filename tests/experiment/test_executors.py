"""Blocks run anywhere give the same results: here, in a local pool, or on a Dask cluster."""

from __future__ import annotations

import json
import pickle
from collections.abc import Callable
from concurrent.futures import Executor, Future
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from conftest import SCENARIOS, run_cli
from sim.experiment import workload
from sim.experiment.blocks import (
    BLOCK_SIZE,
    MIN_TASK_REPS,
    TASK_STEPS,
    TASKS_PER_WORKER,
    plan_blocks,
    run_scenario,
    tasks_of,
)
from sim.experiment.executors import batches, make_executor
from sim.results.folder import scenario_text
from sim.results.money import summary_data
from sim.results.projections import Results
from sim.scenario.loader import load_scenario

REPS = 3 * BLOCK_SIZE + 123


def _same(a: Results, b: Results) -> None:
    for name in ("active", "inactive", "enrolled", "lapsed", "reactivated"):
        assert np.array_equal(getattr(a, name).whole(), getattr(b, name).whole()), name
    for name in ("at_target", "crossed_on"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name


def test_batches_keep_order_and_cover_everything() -> None:
    assert batches(list(range(7)), 3) == [[0, 1, 2], [3, 4], [5, 6]]
    assert batches(list(range(2)), 5) == [[0], [1]]
    assert batches([], 4) == []
    with pytest.raises(ValueError, match='"tasks" must be > 0'):
        batches([1], 0)


def test_tasks_carry_enough_replications_but_feed_every_worker() -> None:
    blocks = plan_blocks(20 * BLOCK_SIZE)
    tasks = tasks_of(blocks)
    assert [b for t in tasks for b in t] == blocks
    assert all(sum(b.reps for b in t) >= MIN_TASK_REPS for t in tasks)
    assert len(tasks_of(plan_blocks(2 * BLOCK_SIZE), workers=2)) == 2


def test_tasks_are_few_and_wide_but_never_more_than_a_pass() -> None:
    blocks = plan_blocks(20 * BLOCK_SIZE)
    assert len(tasks_of(blocks, workers=2, steps=1288)) == 2 * TASKS_PER_WORKER
    assert len(tasks_of(blocks, workers=16, steps=1288)) == 16  # one a worker while there are blocks enough
    national = plan_blocks(100_000, 100)  # national-2026: 270 processes × 549 days, 5 blocks of 100 to a task
    tasks = tasks_of(national, workers=2, block_size=100, steps=270 * 549)
    assert [b for t in tasks for b in t] == national
    assert all(len(t) * 100 * 270 * 549 <= TASK_STEPS for t in tasks) and len(tasks) == 200
    assert len(tasks_of(plan_blocks(1000, 100), workers=2, block_size=100, steps=270 * 549)) == 2


def test_unknown_executor_is_refused() -> None:
    with pytest.raises(ValueError, match='"executor" must be one of local, dask'), make_executor(2, None, "spark"):
        pass


def test_dask_local_cluster_matches_the_local_pool() -> None:
    distributed = pytest.importorskip("distributed")
    s = load_scenario(SCENARIOS / "bali-2025.yaml").scenario
    here = run_scenario(s, replications=REPS, seed=5)
    with make_executor(2) as pool:
        pooled = run_scenario(s, replications=REPS, seed=5, workers=2, executor=pool)
    with (
        distributed.LocalCluster(n_workers=2, processes=False, threads_per_worker=1, dashboard_address=None) as cluster,
        distributed.Client(cluster) as client,
    ):
        on_dask = run_scenario(s, replications=REPS, seed=5, workers=2, executor=client.get_executor())
    _same(here, pooled)
    _same(here, on_dask)


class Recording(Executor):
    """An executor that keeps every future it hands out, to weigh the results its tasks sent back."""

    def __init__(self, inner: Executor) -> None:
        self.inner, self.futures = inner, []

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future = self.inner.submit(fn, *args, **kwargs)
        self.futures.append(future)
        return future

    def bytes_back(self) -> int:
        return sum(len(pickle.dumps(f.result(), protocol=5)) for f in self.futures)


def test_a_dask_run_ships_no_more_a_replication_than_the_local_pool() -> None:
    distributed = pytest.importorskip("distributed")
    s = load_scenario(SCENARIOS / "bali-2025.yaml").scenario
    with make_executor(2) as pool:
        assert pool is not None
        local = Recording(pool)
        run_scenario(s, replications=REPS, seed=5, workers=2, executor=local)
    with (
        distributed.LocalCluster(n_workers=2, processes=False, threads_per_worker=1, dashboard_address=None) as cluster,
        distributed.Client(cluster) as client,
    ):
        dask = Recording(client.get_executor())
        run_scenario(s, replications=REPS, seed=5, workers=2, executor=dask)
    counts = workload.shape_of(s).held_bytes - 16  # the month-end counts as int32 ...
    assert local.bytes_back() / REPS == pytest.approx(counts + 16, rel=0.02)  # ... and the 2 int64 facts
    assert dask.bytes_back() <= local.bytes_back()


@pytest.mark.slow
def test_cli_scheduler_option_runs_on_a_running_cluster(tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=1, processes=False, threads_per_worker=2, protocol="tcp", dashboard_address=None
    ) as cluster:
        out = tmp_path / "dask"
        file = str(SCENARIOS / "bali-2025.yaml")
        address = cluster.scheduler_address
        done = run_cli("run", file, "--reps", "2500", "--scheduler", address, "--out", str(out), "--json")
        assert done.returncode == 0, done.stderr
    local = run_cli("run", file, "--reps", "2500", "--workers", "2", "--out", str(tmp_path / "local"), "--json")
    assert json.loads(done.stdout)["final"] == json.loads(local.stdout)["final"]
    assert json.loads((out / "run.json").read_text())["scheduler"] == cluster.scheduler_address


def test_cli_refuses_an_unknown_executor(tmp_path: Path) -> None:
    done = run_cli("run", str(SCENARIOS / "bali-2025.yaml"), "--executor", "spark", "--out", str(tmp_path / "x"))
    assert done.returncode == 2
    assert done.stderr == "error: --executor: choose one of local, dask, got 'spark'\n"
    assert not (tmp_path / "x").exists()


def test_project_stays_in_process_while_a_pool_would_not_pay_and_pools_larger_runs() -> None:
    from sim.experiment.runner import project

    s = load_scenario(SCENARIOS / "bali-2025.yaml").scenario
    small = project(s, reps=2000, workers=2)
    assert small.facts == {"workers": 1, "scheduler": "local"}
    large = project(s, reps=8 * BLOCK_SIZE + 1, workers=2, seed=4)
    assert large.facts == {"workers": 2, "scheduler": "local"}
    here = run_scenario(s, replications=8 * BLOCK_SIZE + 1, seed=4)
    _same(large.results, here)
    # Each describes its run: the parent itself in one process, the workers on the pool.
    assert small.summary == summary_data(small.results) and small.scenario_text is None
    assert large.summary == summary_data(here) and large.scenario_text == scenario_text(s)
