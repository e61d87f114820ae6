"""Nothing wrong, part one: the same seed gives byte-identical figures, however the run is spread.

``summary.json`` and the CSVs hold no timestamps (``run.json`` and ``COMPLETE`` may), so whole
files are compared byte for byte across repeated runs and ``--workers`` 1, 2 and 4. The
replication count spans several blocks with a partial last one, so block seeding is exercised.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import SCENARIOS, run_cli
from sim.experiment.blocks import BLOCK_SIZE

FIGURES = ("summary.json", "monthly.csv", "channels.csv", "semesters.csv", "scenario.yaml")
# Enough replications that --workers 2 and 4 use the local pool (a smaller run stays in one process).
REPS = str(8 * BLOCK_SIZE + 37)
TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}|\d{8}T\d{6}")


def _run(out: Path, *extra: str) -> dict[str, bytes]:
    result = run_cli("run", str(SCENARIOS / "bali-2025.yaml"), "--reps", REPS, "--out", str(out), "--quiet", *extra)
    assert result.returncode == 0, result.stderr
    asked = extra[extra.index("--workers") + 1] if "--workers" in extra else None
    if asked is not None:
        assert json.loads((out / "run.json").read_text())["workers"] == int(asked)
    return {name: (out / name).read_bytes() for name in FIGURES}


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, bytes]]:
    root = tmp_path_factory.mktemp("determinism")
    return {
        "workers 1": _run(root / "w1", "--workers", "1"),
        "workers 1 again": _run(root / "w1-again", "--workers", "1"),
        "workers 2": _run(root / "w2", "--workers", "2"),
        "workers 4": _run(root / "w4", "--workers", "4"),
    }


@pytest.mark.slow
@pytest.mark.parametrize("variant", ["workers 1 again", "workers 2", "workers 4"])
def test_same_seed_same_bytes(runs: dict[str, dict[str, bytes]], variant: str) -> None:
    for name in FIGURES:
        assert runs[variant][name] == runs["workers 1"][name], f"{name} differs between workers 1 and {variant}"


@pytest.mark.slow
def test_figures_hold_no_timestamps(runs: dict[str, dict[str, bytes]]) -> None:
    for name in FIGURES:
        assert not TIMESTAMP.search(runs["workers 1"][name].decode()), name


@pytest.mark.slow
def test_another_seed_changes_the_figures(tmp_path: Path, runs: dict[str, dict[str, bytes]]) -> None:
    other = _run(tmp_path / "seed", "--workers", "1", "--seed", "7")
    assert other["summary.json"] != runs["workers 1"]["summary.json"]
    assert other["monthly.csv"] != runs["workers 1"]["monthly.csv"]


def test_in_process_runs_repeat_exactly() -> None:
    """The cheap, always-run form: run_scenario twice and across workers, arrays equal."""
    import numpy as np

    from sim.experiment.blocks import run_scenario
    from sim.scenario.loader import load_scenario

    s = load_scenario(SCENARIOS / "bali-2025.yaml").scenario
    a = run_scenario(s, replications=BLOCK_SIZE + 3, seed=11, workers=1)
    b = run_scenario(s, replications=BLOCK_SIZE + 3, seed=11, workers=2)
    for field in ("active", "inactive", "enrolled", "lapsed", "reactivated"):
        np.testing.assert_array_equal(getattr(a, field).whole(), getattr(b, field).whole())
    for field in ("at_target", "crossed_on"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field))
    assert a.summary("v") == b.summary("v")
