"""How the fields of a scenario fit together, and what looks valid but suspicious.

Each check yields a :class:`Problem` holding the field path it concerns, so that the loader can
point at the YAML line. Problems stop a run; :func:`warnings` only print a warning.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from dataclasses import dataclass
from datetime import date

from sim.channels.agent_network import AgentNetwork
from sim.channels.base import ChannelBase
from sim.channels.funded_batch import FundedBatch
from sim.channels.loan_linked import LoanLinked
from sim.scenario import Scenario

Path = tuple[Hashable, ...]

MAX_HORIZON_DAYS = 366 * 30


@dataclass(frozen=True)
class Problem:
    """Something wrong (or suspicious) at a field path."""

    path: Path
    message: str


def problems(s: Scenario) -> list[Problem]:
    """Every way the scenario's fields contradict each other, in file order."""
    return [*_horizon(s), *_segments(s), *_channels(s)]


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


def _segments(s: Scenario) -> Iterator[Problem]:
    groups = s.groups
    shape_problems = False
    for field in ("active", "inactive"):
        value = getattr(s.baseline, field)
        if s.segmented and not isinstance(value, dict) and not (field == "inactive" and value == 0):
            shape_problems = True
            yield Problem(
                ("baseline", field),
                f"population is split by segment ({', '.join(groups)}); give baseline.{field} per segment too",
            )
        if not s.segmented and isinstance(value, dict):
            shape_problems = True
            yield Problem(
                ("baseline", field),
                "population.workers is one figure; give baseline."
                f"{field} as one figure too, or split population.workers by segment",
            )
        if isinstance(value, dict):
            for seg in value:
                if seg not in groups:
                    shape_problems = True
                    yield Problem(
                        ("baseline", field, seg),
                        f"segment {seg!r} is not in population.workers; allowed: {', '.join(groups)}",
                    )
    if shape_problems:
        return
    stated = s.population.total
    split = sum(s.per_group(s.population.workers))
    if stated is not None and split != stated:
        yield Problem(
            ("population", "total"),
            f"population.workers adds up to {split:,}, not the stated total {stated:,}; "
            "make the segments add up to population.total, or leave total out",
        )
    if isinstance(s.lapse, dict):
        for seg in s.lapse:
            if seg not in groups:
                yield Problem(
                    ("lapse", seg), f"segment {seg!r} is not in population.workers; allowed: {', '.join(groups)}"
                )
    workers = s.per_group(s.population.workers)
    active = s.per_group(s.baseline.active)
    inactive = s.per_group(s.baseline.inactive)
    for g, name in enumerate(groups):
        if active[g] + inactive[g] > workers[g]:
            where = "" if name == "all" else f" in segment {name}"
            yield Problem(
                ("baseline", "active"),
                f"baseline members{where} ({active[g] + inactive[g]:,}) exceed the working population ({workers[g]:,})",
            )


def _channels(s: Scenario) -> Iterator[Problem]:
    seen: dict[str, int] = {}
    for i, ch in enumerate(s.channels):
        here: Path = ("channels", i)
        if ch.name in seen:
            yield Problem(
                (*here, "name"),
                f"duplicate channel name {ch.name!r} (also channel {seen[ch.name] + 1}); names must be unique",
            )
        seen.setdefault(ch.name, i)
        if s.segmented and ch.segment is None:
            yield Problem(
                (*here, "segment"),
                f"population is split by segment; give this channel a segment: {', '.join(s.groups)}",
            )
        elif ch.segment is not None and ch.segment not in s.groups:
            allowed = ", ".join(s.groups) if s.segmented else "none (population is not split by segment)"
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


def warnings(s: Scenario) -> list[Problem]:
    """Valid but suspicious choices, worth a second look before a meeting."""
    out: list[Problem] = []
    for i, ch in enumerate(s.channels):
        for field in ("conversion_rate", "enrollment_rate"):
            dist = getattr(ch, field, None)
            if dist is not None and dist.mean > 0.9:
                out.append(
                    Problem(
                        ("channels", i, field),
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
