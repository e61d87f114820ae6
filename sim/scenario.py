"""The scenario format: frozen, typed models of what a planner writes in YAML.

A scenario names a horizon (``start`` to ``end``), the working population and today's members
(``population``, ``baseline``), how members lapse (``lapse``), the ``channels`` that recruit, and the
``target``. Population, baseline and lapse are either one figure for everyone or one per segment
(``pu`` wage earners, ``bpu`` non-wage informal workers, ``jakon`` construction).

Models here check each field on its own; :mod:`sim.checks` checks how fields fit together, and
:mod:`sim.loader` turns both kinds of problem into one-line errors that point at the YAML line.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from sim.channels import Channel
from sim.distributions import Constant, Distribution
from sim.fields import Count, Date, Frozen, PositiveCount, Probability, Segment

PerSegment = dict[Segment, Count]

NO_LAPSE_DATA = {"monthly_rate": 0.0}


class Population(Frozen):
    """Working people the agency could cover."""

    workers: PositiveCount | dict[Segment, PositiveCount] = Field(
        description="working population, in total or per segment"
    )
    growth_per_year: float = Field(default=0.0, ge=-0.5, le=0.5, description="compound, e.g. 0.02")
    total: PositiveCount | None = Field(
        default=None, description="the published total, when workers are split by segment: the split must add up to it"
    )
    source: str = ""


class Baseline(Frozen):
    """Members on the start date."""

    active: Count | PerSegment = Field(description="paying members, in total or per segment")
    inactive: Count | PerSegment = Field(default=0, description="registered but unpaid past the grace period")
    source: str = ""


class Target(Frozen):
    """The membership goal and the date it is due."""

    members: PositiveCount
    by: Date
    metric: Literal["active", "registered"] = Field(
        default="active", description="active members, or registered = active + inactive"
    )
    source: str = ""


class LapseRates(Frozen):
    """Monthly hazards between paying and lapsed."""

    monthly_rate: Probability = Field(description="monthly hazard of an active member lapsing")
    reactivation_monthly_rate: Probability = Field(
        default=Constant(0.0), description="monthly hazard of an inactive member paying again"
    )
    source: str = ""


class Scenario(Frozen):
    """A complete, validated scenario."""

    name: str = Field(min_length=1)
    description: str = ""
    start: Date
    end: Date
    seed: Count = Field(default=0, description="root of every random stream; --seed overrides")
    replications: PositiveCount = Field(default=1000, le=10_000_000, description="--reps overrides")
    population: Population
    baseline: Baseline
    target: Target
    lapse: LapseRates | dict[Segment, LapseRates] = Field(
        default_factory=lambda: LapseRates.model_validate(NO_LAPSE_DATA), description="in total or per segment"
    )
    channels: list[Channel] = Field(min_length=1)

    @property
    def segmented(self) -> bool:
        return isinstance(self.population.workers, dict)

    @property
    def groups(self) -> tuple[str, ...]:
        """Segment names in population order, or ``("all",)`` when unsegmented."""
        workers = self.population.workers
        return tuple(workers) if isinstance(workers, dict) else ("all",)

    def per_group(self, value: int | dict[Segment, int]) -> list[int]:
        """A total or per-segment figure, as one number per group (absent segments are 0)."""
        if isinstance(value, dict):
            return [value.get(g, 0) for g in self.groups]  # type: ignore[call-overload]
        return [value]

    def lapse_for(self, group: str) -> LapseRates:
        """Lapse rates of a group: its own, or the one set for everyone."""
        if isinstance(self.lapse, dict):
            own = self.lapse.get(group)  # type: ignore[call-overload]
            return own if isinstance(own, LapseRates) else LapseRates.model_validate(NO_LAPSE_DATA)
        return self.lapse

    def group_of(self, channel_segment: str | None) -> int:
        return 0 if channel_segment is None else self.groups.index(channel_segment)

    def uncertain(self) -> dict[str, Distribution]:
        """Every rate drawn per replication, by field path (for reports and sensitivity)."""
        out: dict[str, Distribution] = {}
        for ch in self.channels:
            for field, dist in ch.rate_fields().items():
                out[f"channels[{ch.name}].{field}"] = dist
        for group in self.groups:
            rates = self.lapse_for(group)
            prefix = "lapse" if not isinstance(self.lapse, dict) else f"lapse.{group}"
            out[f"{prefix}.monthly_rate"] = rates.monthly_rate
            out[f"{prefix}.reactivation_monthly_rate"] = rates.reactivation_monthly_rate
        return out
