"""The NumPy reference (the benchmark's yardstick) is the same model as the SimPy engine.

Compared in distribution on independent seeds: a two-sample Kolmogorov–Smirnov test on members
at the target date (alpha = 0.001, so a correct pair fails one run in a thousand) and means within
4 standard errors of their difference (false alarm ~6e-5). The seeds are fixed, so each verdict is
reproducible.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from conftest import SCENARIOS
from sim.model.block import BlockOutcome, simulate_block
from sim.model.reference import simulate_block_numpy
from sim.model.streams import block_seed
from sim.scenario.loader import load_scenario


def _finals(simulate: object, scenario: object, seed: int, blocks: int) -> np.ndarray:
    outs: list[BlockOutcome] = [simulate(scenario, block_seed(seed, b), 500) for b in range(blocks)]  # type: ignore[operator]
    return np.concatenate([o.at_target for o in outs])


def _agree(a: np.ndarray, b: np.ndarray) -> None:
    assert stats.ks_2samp(a, b).pvalue > 0.001
    se = np.sqrt(a.var(ddof=1) / a.size + b.var(ddof=1) / b.size)
    assert abs(a.mean() - b.mean()) < 4 * se


@pytest.mark.parametrize("name", ["bali-2025.yaml"])
def test_reference_agrees_in_distribution(name: str) -> None:
    s = load_scenario(SCENARIOS / name).scenario
    _agree(_finals(simulate_block, s, 1, 2), _finals(simulate_block_numpy, s, 2, 2))


def test_reference_agrees_on_a_regional_scenario(regional_file: object) -> None:
    s = load_scenario(regional_file).scenario  # type: ignore[arg-type]
    _agree(_finals(simulate_block, s, 3, 2), _finals(simulate_block_numpy, s, 4, 2))


def test_reference_draws_the_same_streams_in_the_same_order() -> None:
    # Not required of a yardstick, but it holds today and pins any drift between the two.
    s = load_scenario(SCENARIOS / "bali-2025.yaml").scenario
    a = simulate_block(s, block_seed(7, 0), 200)
    b = simulate_block_numpy(s, block_seed(7, 0), 200)
    assert np.array_equal(a.active, b.active)
    assert np.array_equal(a.enrolled, b.enrolled)
    assert np.array_equal(a.crossed_on, b.crossed_on)


def test_reference_differs_when_the_model_differs() -> None:
    # The comparison above can fail: a scenario with double the walk-ins is told apart.
    s = load_scenario(SCENARIOS / "bali-2025.yaml").scenario
    from sim.scenario.paths import Override

    more = load_scenario(
        SCENARIOS / "bali-2025.yaml", [Override("channels[Walk-in and digital].per_month", 20000)]
    ).scenario
    a, b = _finals(simulate_block, s, 1, 1), _finals(simulate_block_numpy, more, 2, 1)
    assert stats.ks_2samp(a, b).pvalue < 0.001
