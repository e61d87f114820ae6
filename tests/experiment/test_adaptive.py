"""--precision: blocks are added until the 95% interval of P(target) is within ±precision."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from conftest import SCENARIOS, run_cli
from sim.experiment.blocks import BLOCK_SIZE, KeptBlocks, run_scenario
from sim.experiment.precision import FIRST_BLOCKS, half_width, needed, run_to_precision
from sim.results.counts import Spill
from sim.scenario.loader import load_scenario
from sim.scenario.paths import Override
from sim.scenario.schema import Scenario

# The target set near the projected mean, so P(target) is near one half and needs many replications.
NEAR_HALF = [Override("target.members", 934500)]


@pytest.fixture(scope="module")
def coin() -> Scenario:
    return load_scenario(SCENARIOS / "bali-2025.yaml", NEAR_HALF).scenario


def test_half_width_is_the_wilson_closed_form() -> None:
    # p = 1/2, n = 100: Wilson half-width = z·sqrt(1/4n + z²/4n²)/(1 + z²/n) = 0.0962 (z = 1.96).
    assert half_width(50, 100) == pytest.approx(0.0962, abs=1e-4)
    # The fewest whole blocks on top of the 100 done: 2,600 reaches ±0.0192, 2,100 only ±0.0214.
    assert needed(50, 100, 0.02, 100_000, 500) == 2600
    assert half_width(1300, 2600) <= 0.02 < half_width(1050, 2100)
    assert needed(50, 100, 0.02, 1000, 500) == 1000
    # In blocks of 100 (a large scenario's): 2,400 reaches ±0.0200 already.
    assert needed(50, 100, 0.02, 100_000, 100) == 2400


def test_stops_when_precise_enough_with_the_fixed_run_results(coin: Scenario) -> None:
    run = run_to_precision(coin, 0.02, max_replications=20_000, seed=3)
    n = run.results.replications
    assert run.reached
    assert run.half_width <= 0.02
    assert n % BLOCK_SIZE == 0
    assert FIRST_BLOCKS * BLOCK_SIZE < n <= 4000  # p ≈ 0.5 needs about 2,400
    fixed = run_scenario(coin, replications=n, seed=3)
    assert np.array_equal(run.results.at_target, fixed.at_target)
    assert np.array_equal(run.results.active.whole(), fixed.active.whole())


def test_rounds_keep_their_blocks_in_a_temporary_file_above_the_spill_size(
    coin: Scenario, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sim.experiment.blocks as blocks

    stores: list[tuple[KeptBlocks, bool]] = []  # each run's store, and whether it had a file open at the end
    real_close = KeptBlocks.close

    def close(self: KeptBlocks) -> None:
        stores.append((self, self.file is not None))
        real_close(self)

    monkeypatch.setattr(blocks.KeptBlocks, "close", close)
    spilled = run_to_precision(coin, 0.02, max_replications=20_000, seed=3, spill=Spill(0, tmp_path))
    held = run_to_precision(coin, 0.02, max_replications=20_000, seed=3)
    (to_file, had_file), (in_memory, _) = stores
    assert had_file and to_file.file is None  # every block went to the file, freed at the end
    assert to_file.held == 0 and all(isinstance(v, tuple) for v in to_file.kept.values())
    assert in_memory.held > 0 and in_memory.file is None
    assert spilled.results.replications == held.results.replications
    assert np.array_equal(spilled.results.at_target, held.results.at_target)
    assert np.array_equal(spilled.results.active.whole(), held.results.active.whole())
    assert list(tmp_path.iterdir()) == []  # unnamed files: nothing left behind


def test_stops_at_the_maximum(coin: Scenario) -> None:
    run = run_to_precision(coin, 0.001, max_replications=1200, seed=3)
    assert run.results.replications == 1200
    assert not run.reached
    assert run.half_width > 0.001


def test_bad_precision_is_refused(coin: Scenario) -> None:
    with pytest.raises(ValueError, match=r'"precision" must be between 0 and 0\.5'):
        run_to_precision(coin, 0.7)


def test_cli_reports_how_many_replications_it_took(tmp_path: Path) -> None:
    file = tmp_path / "near-half.yaml"
    file.write_text(f"extends: {SCENARIOS / 'bali-2025.yaml'}\ntarget: {{members: 934500}}\n", encoding="utf-8")
    out = tmp_path / "p"
    done = run_cli("run", str(file), "--precision", "0.03", "--out", str(out))
    assert done.returncode == 0, done.stderr
    summary = json.loads((out / "summary.json").read_text())
    n = summary["replications"]
    assert summary["precision"]["replications"] == n
    assert summary["precision"]["reached"] is True
    assert "Precision ±0.03 reached" in done.stdout
    assert f"after {n:,} replications" in done.stdout
    both = run_cli("run", str(file), "--reps", "100", "--precision", "0.03", "--out", str(tmp_path / "x"))
    assert both.returncode == 2
    assert "give --reps or --precision, not both" in both.stderr
