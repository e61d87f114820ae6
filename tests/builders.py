"""Small scenarios for tests, built from plain data and validated like any scenario file."""

from __future__ import annotations

from typing import Any

from sim.scenario.schema import Scenario


def scenario(channels: list[dict[str, Any]], **fields: Any) -> Scenario:
    """A one-group scenario over July–December 2025 with no lapse unless ``fields`` say otherwise."""
    data: dict[str, Any] = {
        "name": "test",
        "start": "2025-07-01",
        "end": "2025-12-31",
        "seed": 1,
        "replications": 100,
        "population": {"workers": 1_000_000},
        "baseline": {"active": 100_000},
        "target": {"members": 150_000, "by": "2025-12-31"},
        "lapse": {"monthly_rate": 0.0},
        "channels": channels,
    }
    data.update(fields)
    return Scenario.model_validate(data, strict=False)


def organic(per_month: Any, **fields: Any) -> dict[str, Any]:
    return {"name": "Walk-in", "kind": "organic", "per_month": per_month, "already_member_share": 0, **fields}
