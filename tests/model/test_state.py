"""The stocks' bookkeeping: recruiting channels summed by group."""

from __future__ import annotations

import numpy as np

from sim.model.state import ChannelGroups


def test_channel_groups_total_each_groups_rows_in_row_order() -> None:
    rng = np.random.default_rng(0)
    for _ in range(50):
        present = np.sort(rng.choice(40, rng.integers(1, 12), replace=False))
        rows = np.repeat(present, rng.integers(1, 5, present.size))
        groups = ChannelGroups.of(rows)
        candidates = rng.integers(0, 1000, (rows.size, 7))
        assert np.array_equal(groups.totals(candidates), np.add.reduceat(candidates, groups.starts, axis=0))
        assert np.array_equal(groups.groups, present)
