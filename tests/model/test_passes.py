"""Blocks run side by side in one lock-step pass give each the outcome it has alone, bit for bit."""

from __future__ import annotations

from dataclasses import fields

import numpy as np
import pytest

from conftest import SCENARIOS
from sim.model.block import BlockOutcome, simulate_block, simulate_blocks
from sim.model.reference import simulate_block_numpy, simulate_blocks_numpy
from sim.model.streams import Blocks, block_seed, stream
from sim.scenario.loader import load_scenario
from sim.scenario.schema import Scenario


def _same(a: BlockOutcome, b: BlockOutcome) -> None:
    for f in fields(BlockOutcome):
        x, y = getattr(a, f.name), getattr(b, f.name)
        assert x.dtype == y.dtype and np.array_equal(x, y), f.name


def _pass(s: Scenario, widths: tuple[int, ...], seed: int = 11) -> Blocks:
    return Blocks(tuple(block_seed(seed, b) for b in range(len(widths))), widths)


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.yaml")), ids=lambda p: p.stem)
def test_a_pass_gives_each_block_its_own_outcome(path: object) -> None:
    s = load_scenario(path).scenario  # type: ignore[arg-type]
    widths = (3, 1, 4) if s.regions else (40, 7, 25)
    blocks = _pass(s, widths)
    together = simulate_blocks(s, blocks)
    assert len(together) == len(widths)
    for seed, width, out in zip(blocks.seeds, widths, together, strict=True):
        _same(out, simulate_block(s, seed, width))


def test_a_pass_in_exact_mode_and_in_the_yardstick() -> None:
    s = load_scenario(SCENARIOS / "bali-2025.yaml").scenario
    for variant in (s, s.model_copy(update={"draws": "exact"})):
        blocks = _pass(variant, (30, 50))
        for seed, width, model, yardstick in zip(
            blocks.seeds,
            blocks.widths,
            simulate_blocks(variant, blocks),
            simulate_blocks_numpy(variant, blocks),
            strict=True,
        ):
            alone = simulate_block_numpy(variant, seed, width)
            _same(yardstick, alone)
            _same(model, alone)


def test_a_stream_draws_each_block_from_its_own_generator() -> None:
    blocks = _pass(load_scenario(SCENARIOS / "bali-2025.yaml").scenario, (5, 3))
    named = stream(blocks, "x")
    out = np.empty((4, 2, 8), dtype=np.float32)
    named.standard_normal(out)
    for seed, cols in zip(blocks.seeds, blocks.columns, strict=True):
        alone = stream(Blocks.one(seed, cols.stop - cols.start), "x")
        part = np.empty((4, 2, cols.stop - cols.start), dtype=np.float32)
        alone.standard_normal(part)
        assert np.array_equal(out[..., cols], part)
    n, p = np.full(8, 1000), np.linspace(0.01, 0.5, 8)
    where = np.array([True, False, True, False, False, True, True, False])
    got = np.full(8, -1)
    stream(blocks, "y").exact(np.random.Generator.binomial, got, where, n, p)
    assert (got[~where] == -1).all()
    for seed, cols in zip(blocks.seeds, blocks.columns, strict=True):
        mask = where[cols]
        expected = stream(Blocks.one(seed, 1), "y").generators[0].binomial(n[cols][mask], p[cols][mask])
        assert np.array_equal(got[cols][mask], expected)
