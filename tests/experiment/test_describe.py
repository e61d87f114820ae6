"""monthly.csv's figures described on the local pool's workers are the parent's own, bit for bit."""

from __future__ import annotations

import json
import os
from itertools import pairwise
from pathlib import Path

import pytest

from conftest import SCENARIOS
from sim.experiment import describe
from sim.experiment.blocks import run_scenario
from sim.experiment.pool import local_pool
from sim.experiment.runner import project
from sim.results.folder import scenario_text, table_header, table_rows, table_text
from sim.results.money import summary_data
from sim.results.projections import monthly_table
from sim.results.table import Table
from sim.scenario.loader import load_scenario

SHM = Path("/dev/shm")


def _mine() -> list[str]:
    return [p.name for p in SHM.iterdir() if p.name.startswith(f"sim-result-{os.getpid()}-")] if SHM.is_dir() else []


@pytest.mark.parametrize("name", ["bali-2025.yaml", "banuspa-2026.yaml"])
def test_figures_in_parts_are_the_figures_at_once(name: str) -> None:
    r = run_scenario(load_scenario(SCENARIOS / name).scenario, replications=700, seed=5)
    whole = r.monthly_rows()
    n = r.series_count()
    assert n == len({row["series"] for row in whole})
    for cuts in ([0, n], [0, 1, n], [0, n // 3, n // 2 + 1, n], [0, 0, n, n]):
        parts = [r.monthly_figures(a, b) for a, b in pairwise(cuts)]
        table = monthly_table(r.record_dates(), parts)
        assert table.names == whole.names and table.columns == whole.columns


@pytest.mark.skipif(not SHM.is_dir(), reason="no shared memory folder")
@pytest.mark.parametrize("name", ["bali-2025.yaml", "banuspa-2026.yaml"])
def test_figures_described_on_the_workers_are_the_parents(name: str) -> None:
    s = load_scenario(SCENARIOS / name).scenario
    here = run_scenario(s, replications=1300, seed=2)
    with local_pool(2) as pool:
        pooled = run_scenario(s, replications=1300, seed=2, workers=2, executor=pool, keep_files=True)
        files = describe.files_of(pooled)
        assert files is not None and all(Path(path).exists() for path, _ in files.values())
        table = describe.described(pooled, pool, 2).monthly
    assert _mine() == []  # the pool removed the kept files when it ended
    whole = here.monthly_rows()
    assert table.names == whole.names and table.columns == whole.columns
    # The workers wrote the rows' CSV text too: the text the parent would write of the table.
    assert whole.text is None and table.text is not None
    assert table.text == table_text(whole) and table.text.count("\n") == len(whole) + 1


@pytest.mark.skipif(not SHM.is_dir(), reason="no shared memory folder")
@pytest.mark.parametrize("name", ["bali-2025.yaml", "banuspa-2026.yaml"])
def test_the_summary_and_scenario_text_written_on_the_workers_are_the_parents(name: str) -> None:
    s = load_scenario(SCENARIOS / name).scenario
    here = run_scenario(s, replications=1300, seed=3)
    warned = ("a warning",)
    with local_pool(2) as pool:
        pooled = run_scenario(s, replications=1300, seed=3, workers=2, executor=pool, keep_files=True)
        done = describe.described(pooled, pool, 2, warned)
    assert done.scenario_text is not None and done.scenario_text == scenario_text(s)
    # Byte for byte as summary.json holds it: money (bali-2025) and regions (banuspa-2026) included.
    mine = summary_data(here, warned)
    assert json.dumps(done.summary, indent=2) == json.dumps(mine, indent=2)
    assert done.summary["warnings"] == ["a warning"] and ("money" in mine) == (name == "bali-2025.yaml")
    # In one process the parent describes the run itself, and the folder writer writes the text.
    alone = describe.described(here, None, 2, warned)
    assert alone.scenario_text is None and alone.summary == mine


def test_the_rows_of_a_table_in_parts_are_the_parts_rows_joined() -> None:
    table = Table(("date", "series", "mean"), (["2025-06-30"] * 3, ["a", 'b,"c"', "d"], [1.5, float("nan"), 2.0]))
    parts = [Table(table.names, tuple(c[a:b] for c in table.columns)) for a, b in ((0, 1), (1, 3))]
    assert table_header(table.names) + "".join(map(table_rows, parts)) == table_text(table)
    assert table_text(Table(table.names, table.columns, text="given\n")) == "given\n"


def test_without_kept_files_the_parent_describes() -> None:
    s = load_scenario(SCENARIOS / "bali-2025.yaml").scenario
    with local_pool(2) as pool:
        pooled = run_scenario(s, replications=1100, seed=2, workers=2, executor=pool)
        assert describe.files_of(pooled) is None  # the names went at the end of the run
    assert describe.files_of(run_scenario(s, replications=1100, seed=2, workers=2, keep_files=True)) is None
    assert describe.files_of(run_scenario(s, replications=200, seed=2)) is None


def test_a_pooled_run_writes_the_same_monthly_rows_as_one_here() -> None:
    s = load_scenario(SCENARIOS / "bali-2025.yaml").scenario
    pooled = project(s, reps=4500, seed=1, workers=2)
    assert pooled.facts["workers"] == 2
    here = project(s, reps=4500, seed=1, workers=1)
    assert pooled.monthly.columns == here.monthly.columns == here.results.monthly_rows().columns
