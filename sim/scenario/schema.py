"""The scenario format: frozen, typed models of what a planner writes in YAML.

A scenario names a horizon (``start`` to ``end``), the working population and today's members
(``population``, ``baseline``), how members lapse (``lapse``), the ``channels`` that recruit, and the
``target``. Population, baseline and lapse are either one figure for everyone or one per segment
(``pu`` wage earners, ``bpu`` non-wage informal workers, ``jakon`` construction).

A national scenario gives ``regions`` instead: each region (a province or a regional office) has
its own population, baseline, lapse, channels and optional target, and the top-level ``target`` is
the national total. A top-level ``lapse`` there is every region's that sets none of its own, so one
national rate is written (and fitted, ``lapse.bpu.monthly_rate``) once. The model runs every region's
segments as groups of one run (:mod:`sim.model.layout`); the top-level ``population``, ``baseline``
and ``channels`` of such a scenario are then derived national totals (channels renamed
``region/channel``), for reading only.

Models here check each field on its own; :mod:`sim.scenario.checks` checks how fields fit together, and
:mod:`sim.scenario.loader` turns both kinds of problem into one-line errors that point at the YAML line.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from sim.channels import Channel
from sim.scenario.costs import Contributions
from sim.scenario.distributions import Constant, Distribution
from sim.scenario.fields import Count, Date, Frozen, PositiveCount, Probability, Segment

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
    figure_noise: float | None = Field(
        default=None,
        gt=0.0,
        le=0.5,
        description="relative sd of a published figure around the true count (sim calibrate's noise level); "
        "the verdict then also gives the band and P(target) of the published figure",
    )
    source: str = ""


class LapseRates(Frozen):
    """Monthly hazards between paying and lapsed."""

    monthly_rate: Probability = Field(description="monthly hazard of an active member lapsing")
    reactivation_monthly_rate: Probability = Field(
        default=Constant(0.0), description="monthly hazard of an inactive member paying again"
    )
    source: str = ""


class Area(Frozen):
    """What a single-region scenario and each region of a national one share: groups and their rates."""

    population: Population
    baseline: Baseline
    lapse: LapseRates | dict[Segment, LapseRates]
    channels: list[Channel]

    @property
    def segmented(self) -> bool:
        return isinstance(self.population.workers, dict)

    @property
    def segments(self) -> tuple[str, ...]:
        """Segment names in population order, or ``("all",)`` when unsegmented."""
        workers = self.population.workers
        return tuple(workers) if isinstance(workers, dict) else ("all",)

    def per_segment(self, value: int | dict[Segment, int]) -> list[int]:
        """A total or per-segment figure, as one number per segment (absent segments, and a plain 0, are 0)."""
        return spread(value, self.segments, self.segmented)

    def lapse_for(self, group: str) -> LapseRates:
        """Lapse rates of a segment: its own, or the one set for everyone."""
        return rates_of(self.lapse, group)


def spread(value: int | dict[Segment, int], names: tuple[str, ...], segmented: bool) -> list[int]:
    """One number per segment name from a total or a per-segment mapping."""
    if isinstance(value, dict):
        return [value.get(g, 0) for g in names]  # type: ignore[call-overload]
    return [value] if value or not segmented else [0] * len(names)


def rates_of(lapse: LapseRates | dict[Segment, LapseRates], group: str) -> LapseRates:
    """A group's own lapse rates, the ones set for everyone, or none."""
    if isinstance(lapse, dict):
        own = lapse.get(group)  # type: ignore[call-overload]
        return own if isinstance(own, LapseRates) else LapseRates.model_validate(NO_LAPSE_DATA)
    return lapse


class Region(Area):
    """One province or regional office of a national scenario."""

    name: str = Field(min_length=1, description="unique; prefixes its channels and groups as 'name/...'")
    lapse: LapseRates | dict[Segment, LapseRates] = Field(
        default_factory=lambda: LapseRates.model_validate(NO_LAPSE_DATA), description="in total or per segment"
    )
    channels: list[Channel] = Field(default_factory=list)
    target: Target | None = Field(default=None, description="the region's own goal, if it has one")
    source: str = ""


# Placeholder of the top-level fields a regional scenario derives; typed Any so the fields keep
# their plain types for every reader.
DERIVED: Any = None

REGIONAL_ONLY = ("population", "baseline", "channels")


def _national(regions: list[Region]) -> dict[str, object]:
    """Derived national totals of a regional scenario (reading only; the model runs the regions)."""
    workers = sum(sum(r.per_segment(r.population.workers)) for r in regions)
    growth = sum(sum(r.per_segment(r.population.workers)) * r.population.growth_per_year for r in regions)
    return {
        "population": Population(workers=workers, growth_per_year=growth / workers, source="sum of regions"),
        "baseline": Baseline(
            active=sum(sum(r.per_segment(r.baseline.active)) for r in regions),
            inactive=sum(sum(r.per_segment(r.baseline.inactive)) for r in regions),
            source="sum of regions",
        ),
        "channels": [ch.model_copy(update={"name": f"{r.name}/{ch.name}"}) for r in regions for ch in r.channels],
    }


class Scenario(Frozen):
    """A complete, validated scenario."""

    name: str = Field(min_length=1)
    description: str = ""
    start: Date
    end: Date
    seed: Count = Field(default=0, description="root of every random stream; --seed overrides")
    replications: PositiveCount = Field(default=1000, le=10_000_000, description="--reps overrides")
    draws: Literal["fast", "exact"] = Field(
        default="fast",
        description="fast: normal approximation for draws of variance >= 50 (see README); exact: none; --exact sets it",
    )
    # Required unless ``regions`` is given; then derived (see :func:`_national`).
    population: Population = Field(default=DERIVED)
    baseline: Baseline = Field(default=DERIVED)
    target: Target
    lapse: LapseRates | dict[Segment, LapseRates] = Field(
        default_factory=lambda: LapseRates.model_validate(NO_LAPSE_DATA), description="in total or per segment"
    )
    channels: list[Channel] = Field(default=DERIVED, min_length=1)
    contributions: Contributions | None = Field(default=None, description="rupiah an active member pays a month")
    regions: list[Region] = Field(
        default_factory=list, description="provinces or offices of a national scenario; top-level target = national"
    )

    @field_validator("regions")
    @classmethod
    def _not_both(cls, regions: list[Region], info: ValidationInfo) -> list[Region]:
        given = [f for f in ("population", "baseline", "channels") if info.data.get(f) is not None]
        if regions and given:
            raise ValueError(f"a scenario with regions gives {', '.join(given)} per region, not at the top")
        return regions

    @model_validator(mode="after")
    def _regions_or_one_area(self) -> Scenario:
        if self.regions:
            given = [f for f in REGIONAL_ONLY if f in self.model_fields_set]
            if given:
                raise ValueError(f"a scenario with regions gives {', '.join(given)} per region, not at the top")
            if "lapse" in self.model_fields_set:
                regions = [
                    r if "lapse" in r.model_fields_set else r.model_copy(update={"lapse": self.lapse})
                    for r in self.regions
                ]
                object.__setattr__(self, "regions", regions)
            for key, value in _national(self.regions).items():
                object.__setattr__(self, key, value)  # derived once, then frozen like the rest
            return self
        missing = [f for f in ("population", "baseline", "channels") if getattr(self, f) is None]
        if missing:
            raise ValueError(f"missing {', '.join(missing)} (or give regions)")
        return self

    @property
    def segmented(self) -> bool:
        return isinstance(self.population.workers, dict)

    @property
    def groups(self) -> tuple[str, ...]:
        """Segment names in population order, or ``("all",)`` when unsegmented; ``region/segment`` with regions."""
        if self.regions:
            return tuple(f"{r.name}/{g}" for r in self.regions for g in r.segments)
        workers = self.population.workers
        return tuple(workers) if isinstance(workers, dict) else ("all",)

    def per_group(self, value: int | dict[Segment, int]) -> list[int]:
        """A total or per-segment figure, as one number per group (absent segments, and a plain 0, are 0)."""
        return spread(value, self.groups, self.segmented)

    def lapse_for(self, group: str) -> LapseRates:
        """Lapse rates of a group: its own, or the one set for everyone."""
        return rates_of(self.lapse, group)

    def group_of(self, channel_segment: str | None) -> int:
        return 0 if channel_segment is None else self.groups.index(channel_segment)

    def uncertain(self) -> dict[str, Distribution]:
        """Every rate drawn per replication, by field path (for reports and sensitivity)."""
        if self.regions:
            out: dict[str, Distribution] = {}
            for r in self.regions:
                out.update(_uncertain(r.channels, r.segments, r.lapse, r.lapse_for, f"regions[{r.name}]."))
            return out
        return _uncertain(self.channels, self.groups, self.lapse, self.lapse_for, "")


def _uncertain(
    channels: list[Channel],
    groups: tuple[str, ...],
    lapse: LapseRates | dict[Segment, LapseRates],
    lapse_for: Callable[[str], LapseRates],
    at: str,
) -> dict[str, Distribution]:
    out: dict[str, Distribution] = {}
    for ch in channels:
        for field, dist in ch.rate_fields().items():
            out[f"{at}channels[{ch.name}].{field}"] = dist
    for group in groups:
        rates = lapse_for(group)
        prefix = f"{at}lapse" if not isinstance(lapse, dict) else f"{at}lapse.{group}"
        out[f"{prefix}.monthly_rate"] = rates.monthly_rate
        out[f"{prefix}.reactivation_monthly_rate"] = rates.reactivation_monthly_rate
    return out


def scenario_data(scenario: Scenario) -> dict[str, Any]:
    """The resolved scenario as plain YAML-ready data (a national scenario without its derived totals)."""
    derived = {"population", "baseline", "channels"} if scenario.regions else {"regions"}
    if scenario.regions and "lapse" not in scenario.model_fields_set:
        derived.add("lapse")
    data: dict[str, Any] = scenario.model_dump(mode="json", exclude_none=True, exclude=derived)
    return data
