"""The engine's view of a scenario: flat groups and channels, whether it has regions or not.

The model works on group indices. A single-region scenario's groups are its segments (``pu``,
``bpu``, or ``all``) and its channels keep their names, so their random streams are exactly those
of earlier versions. A national scenario's groups are ``region/segment`` and its channels are
``region/channel``: every region keeps its own pool of workers, its own lapse and its own random
streams, and a :class:`RegionSlice` says which groups and channels belong to which region. The one
exception is a national lapse (set once at the top, :mod:`sim.scenario.schema`): it is one uncertain
national figure, so every region draws it from the same stream (``/segment``, a name no group can
have) and shares its value in each replication, rather than 38 independent draws averaging its
uncertainty away in the national total.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.channels import Channel
from sim.scenario.schema import Area, LapseRates, Scenario, Target


@dataclass(frozen=True)
class Placed:
    """A channel, the group it recruits from, and the name its random streams are keyed by."""

    channel: Channel
    group: int
    stream: str


@dataclass(frozen=True)
class RegionSlice:
    """Which groups and channels of the flat layout belong to one region."""

    name: str
    groups: tuple[int, ...]
    channels: tuple[int, ...]
    target: Target | None


@dataclass(frozen=True)
class Layout:
    """Groups (one per region × segment) with their figures, and channels in run order."""

    groups: tuple[str, ...]
    workers: tuple[int, ...]
    growth: tuple[float, ...]
    active: tuple[int, ...]
    inactive: tuple[int, ...]
    lapse: tuple[LapseRates, ...]
    lapse_draws: tuple[str, ...]  # the name each group's lapse rates are drawn under
    channels: tuple[Placed, ...]
    regions: tuple[RegionSlice, ...] = ()


def _area(
    area: Area | Scenario, prefix: str, first_group: int, first_channel: int, national: bool = False
) -> tuple[Layout, RegionSlice]:
    segments = area.segments if isinstance(area, Area) else area.groups
    per = area.per_segment if isinstance(area, Area) else area.per_group
    workers = per(area.population.workers)
    channels = tuple(
        Placed(ch, first_group + (0 if ch.segment is None else segments.index(ch.segment)), prefix + ch.name)
        for ch in area.channels
    )
    layout = Layout(
        groups=tuple(prefix + g for g in segments),
        workers=tuple(workers),
        growth=(area.population.growth_per_year,) * len(segments),
        active=tuple(per(area.baseline.active)),
        inactive=tuple(per(area.baseline.inactive)),
        lapse=tuple(area.lapse_for(g) for g in segments),
        lapse_draws=tuple(("/" if national else prefix) + g for g in segments),
        channels=channels,
    )
    span = RegionSlice(
        prefix.rstrip("/"),
        tuple(range(first_group, first_group + len(segments))),
        tuple(range(first_channel, first_channel + len(channels))),
        None,
    )
    return layout, span


# The layouts of the last few scenarios, by identity: a run asks for its scenario's layout several
# times (block sizes, the shared counts' shapes, the results), and a scenario is frozen.
_KEPT: dict[int, tuple[Scenario, Layout]] = {}
KEEP = 16


def layout_of(s: Scenario) -> Layout:
    """The flat groups and channels the model runs, for a single-region or a national scenario."""
    kept = _KEPT.get(id(s))
    if kept is not None and kept[0] is s:
        return kept[1]
    layout = _layout(s)
    if len(_KEPT) >= KEEP:
        del _KEPT[next(iter(_KEPT))]
    _KEPT[id(s)] = (s, layout)
    return layout


def _layout(s: Scenario) -> Layout:
    if not s.regions:
        return _area(s, "", 0, 0)[0]
    parts: list[Layout] = []
    slices: list[RegionSlice] = []
    g = c = 0
    for region in s.regions:
        national = "lapse" in s.model_fields_set and region.lapse == s.lapse
        part, span = _area(region, f"{region.name}/", g, c, national)
        parts.append(part)
        slices.append(RegionSlice(region.name, span.groups, span.channels, region.target))
        g, c = g + len(part.groups), c + len(part.channels)
    return Layout(
        groups=tuple(x for p in parts for x in p.groups),
        workers=tuple(x for p in parts for x in p.workers),
        growth=tuple(x for p in parts for x in p.growth),
        active=tuple(x for p in parts for x in p.active),
        inactive=tuple(x for p in parts for x in p.inactive),
        lapse=tuple(x for p in parts for x in p.lapse),
        lapse_draws=tuple(x for p in parts for x in p.lapse_draws),
        channels=tuple(x for p in parts for x in p.channels),
        regions=tuple(slices),
    )
