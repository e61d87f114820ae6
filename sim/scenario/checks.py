"""How the fields of a scenario fit together, and what looks valid but suspicious.

Each check yields a :class:`Problem` holding the field path it concerns, so that the loader can
point at the YAML line. Problems stop a run; :func:`warnings` only print a warning.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass
from datetime import date

from sim.channels.agent_network import AgentNetwork
from sim.channels.base import ChannelBase
from sim.channels.funded_batch import FundedBatch
from sim.channels.loan_linked import LoanLinked
from sim.scenario.fields import Segment
from sim.scenario.schema import Region, Scenario

Path = tuple[Hashable, ...]

MAX_HORIZON_DAYS = 366 * 30


@dataclass(frozen=True)
class Problem:
    """Something wrong (or suspicious) at a field path."""

    path: Path
    message: str


def problems(s: Scenario) -> list[Problem]:
    """Every way the scenario's fields contradict each other, in file order."""
    if s.regions:
        return [*_horizon(s), *_regions(s)]
    return [*_horizon(s), *_segments(s), *_channels(s, s)]


def _names(area: Scenario | Region) -> tuple[str, ...]:
    return area.segments if isinstance(area, Region) else area.groups


def _per(area: Scenario | Region) -> Callable[[int | dict[Segment, int]], list[int]]:
    return area.per_segment if isinstance(area, Region) else area.per_group


def _regions(s: Scenario) -> Iterator[Problem]:
    seen: set[str] = set()
    for i, region in enumerate(s.regions):
        at: Path = ("regions", i)
        if region.name in seen or "/" in region.name:
            yield Problem((*at, "name"), f"region name {region.name!r} must be unique and without '/'")
        seen.add(region.name)
        yield from _segments(region, at)
        yield from _channels(s, region, at)
        if region.target is not None:
            yield from _within(s, region.target.by, (*at, "target", "by"), "target.by")


def _within(s: Scenario, when: date, path: Path, what: str) -> Iterator[Problem]:
    if not s.start <= when <= s.end:
        yield Problem(path, f"{what} {when} is outside the horizon {s.start} to {s.end}")


def _horizon(s: Scenario) -> Iterator[Problem]:
    if s.end <= s.start:
        yield Problem(("end",), f"end {s.end} must come after start {s.start}")
        return
    if (s.end - s.start).days > MAX_HORIZON_DAYS:
        yield Problem(("end",), "the horizon is limited to 30 years")
    yield from _within(s, s.target.by, ("target", "by"), "target.by")


def _segments(area: Scenario | Region, at: Path = ()) -> Iterator[Problem]:
    groups = _names(area)
    per = _per(area)
    shape_problems = False
    for field in ("active", "inactive"):
        value = getattr(area.baseline, field)
        if area.segmented and not isinstance(value, dict) and not (field == "inactive" and value == 0):
            shape_problems = True
            yield Problem(
                (*at, "baseline", field),
                f"population is split by segment ({', '.join(groups)}); give baseline.{field} per segment too",
            )
        if not area.segmented and isinstance(value, dict):
            shape_problems = True
            yield Problem(
                (*at, "baseline", field),
                "population.workers is one figure; give baseline."
                f"{field} as one figure too, or split population.workers by segment",
            )
        if isinstance(value, dict):
            for seg in value:
                if seg not in groups:
                    shape_problems = True
                    yield Problem(
                        (*at, "baseline", field, seg),
                        f"segment {seg!r} is not in population.workers; allowed: {', '.join(groups)}",
                    )
    if shape_problems:
        return
    stated = area.population.total
    split = sum(per(area.population.workers))
    if stated is not None and split != stated:
        yield Problem(
            (*at, "population", "total"),
            f"population.workers adds up to {split:,}, not the stated total {stated:,}; "
            "make the segments add up to population.total, or leave total out",
        )
    if isinstance(area.lapse, dict):
        for seg in area.lapse:
            if seg not in groups:
                yield Problem(
                    (*at, "lapse", seg), f"segment {seg!r} is not in population.workers; allowed: {', '.join(groups)}"
                )
    workers = per(area.population.workers)
    active = per(area.baseline.active)
    inactive = per(area.baseline.inactive)
    for g, name in enumerate(groups):
        if active[g] + inactive[g] > workers[g]:
            where = "" if name == "all" else f" in segment {name}"
            yield Problem(
                (*at, "baseline", "active"),
                f"baseline members{where} ({active[g] + inactive[g]:,}) exceed the working population ({workers[g]:,})",
            )


def _channels(s: Scenario, area: Scenario | Region, at: Path = ()) -> Iterator[Problem]:
    groups = _names(area)
    seen: dict[str, int] = {}
    for i, ch in enumerate(area.channels):
        here: Path = (*at, "channels", i)
        if ch.name in seen:
            yield Problem(
                (*here, "name"),
                f"duplicate channel name {ch.name!r} (also channel {seen[ch.name] + 1}); names must be unique",
            )
        seen.setdefault(ch.name, i)
        if area.segmented and ch.segment is None:
            yield Problem(
                (*here, "segment"),
                f"population is split by segment; give this channel a segment: {', '.join(groups)}",
            )
        elif ch.segment is not None and ch.segment not in groups:
            allowed = ", ".join(groups) if area.segmented else "none (population is not split by segment)"
            yield Problem(
                (*here, "segment"), f"segment {ch.segment!r} is not in population.workers; allowed: {allowed}"
            )
        for j, switch in enumerate(ch.policy):
            yield from _within(s, switch.on, (*here, "policy", j, "on"), "policy date")
        yield from _kind_checks(s, ch, here)


def _kind_checks(s: Scenario, ch: ChannelBase, here: Path) -> Iterator[Problem]:
    if isinstance(ch, AgentNetwork):
        if ch.agents_max is not None and ch.agents > ch.agents_max:
            yield Problem((*here, "agents"), f"agents {ch.agents} exceeds agents_max {ch.agents_max}")
        previous: date | None = None
        for j, step in enumerate(ch.rollout):
            yield from _within(s, step.on, (*here, "rollout", j, "on"), "rollout date")
            if previous is not None and step.on <= previous:
                yield Problem((*here, "rollout", j, "on"), "rollout dates must increase")
            previous = step.on
            if ch.agents_max is not None and step.agents > ch.agents_max:
                yield Problem(
                    (*here, "rollout", j, "agents"),
                    f"rollout to {step.agents} agents exceeds agents_max {ch.agents_max}",
                )
    if isinstance(ch, FundedBatch):
        for j, batch in enumerate(ch.batches):
            yield from _within(s, batch.on, (*here, "batches", j, "on"), "batch date")
    if isinstance(ch, LoanLinked) and ch.opens_on is not None and ch.opens_on > s.end:
        yield Problem((*here, "opens_on"), f"opens_on {ch.opens_on} is after the horizon ends ({s.end})")
    yield from _cost_kind(ch, here)


def _cost_kind(ch: ChannelBase, here: Path) -> Iterator[Problem]:
    """Onboarding is a cost of partners, enforcement one of a loan scheme's enrolment rule."""
    c = ch.costs
    if c is None:
        return
    if not isinstance(ch, AgentNetwork):
        for name in ("onboarding_per_new_partner", "partners_onboarded"):
            if getattr(c, name):
                yield Problem((*here, "costs", name), f"{name} applies to agent_network channels only")
    if not isinstance(ch, LoanLinked):
        for name in ("enforcement_per_month", "enforcement_from"):
            if getattr(c, name):
                yield Problem((*here, "costs", name), f"{name} applies to loan_linked channels only")


def warnings(s: Scenario) -> list[Problem]:
    """Valid but suspicious choices, worth a second look before a meeting."""
    out: list[Problem] = []
    placed: list[tuple[Path, ChannelBase]] = (
        [(("regions", r, "channels", i), ch) for r, area in enumerate(s.regions) for i, ch in enumerate(area.channels)]
        if s.regions
        else [(("channels", i), ch) for i, ch in enumerate(s.channels)]
    )
    for here, ch in placed:
        for field in ("conversion_rate", "enrollment_rate"):
            dist = getattr(ch, field, None)
            if dist is not None and dist.mean > 0.9:
                out.append(
                    Problem(
                        (*here, field),
                        f"{field} averages {dist.mean:.0%}; conversion that high is rarely seen, check the figure",
                    )
                )
    total = sum(s.per_group(s.baseline.active))
    if s.target.metric == "registered":
        total += sum(s.per_group(s.baseline.inactive))
    if total >= s.target.members:
        out.append(
            Problem(
                ("target", "members"),
                f"the target ({s.target.members:,}) is already reached at the start ({total:,} {s.target.metric})",
            )
        )
    return out
