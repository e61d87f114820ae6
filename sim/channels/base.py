"""What every channel kind shares: its common fields and the context its SimPy process runs in.

A channel kind is one module (see :mod:`sim.channels`) holding

* a frozen parameter model deriving from :class:`ChannelBase`,
* pure rate functions, and
* ``start(ctx)``, which draws the channel's rates into the :class:`ChannelContext` it is given
  and registers thin SimPy processes for its calendar (policy switches, rollouts, batches).

Daily recruiting is not a process per channel: the model draws every channel's recruits of a
day at once, one call per kind of draw (:mod:`sim.model.recruiting`), from the rates the context
holds and the kinds' pure rate functions. The stocks a channel writes to are hidden behind
:class:`MemberStocks`, which never lets the uncovered pool be overdrawn.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Protocol

import numpy as np
from pydantic import Field, TypeAdapter, ValidationError, field_serializer, field_validator

from sim.scenario.calendar import Horizon
from sim.scenario.costs import ChannelCosts
from sim.scenario.distributions import Distribution
from sim.scenario.fields import Date, Frozen, Probability, Segment

if TYPE_CHECKING:
    import simpy

FloatArray = np.ndarray[Any, np.dtype[np.float64]]
IntArray = np.ndarray[Any, np.dtype[np.int64]]

# Within a day, calendar events (a partner joining, a batch starting, a policy switch) happen
# first, then lapse, then recruiting (so nobody lapses on the day they join), then the end-of-day
# record. Fractional times make that order explicit instead of depending on the order SimPy
# happened to schedule things in.
EVENT_PHASE = 0.0
LAPSE_PHASE = 0.25
FLOW_PHASE = 0.5
RECORD_PHASE = 0.75


class PolicySwitch(Frozen):
    """From ``on``, the listed rates of this channel take new values (drawn per replication)."""

    on: Date
    set: dict[str, Any] = Field(min_length=1)

    @field_serializer("set")
    def _dump_set(self, value: dict[str, Any]) -> dict[str, Any]:
        return {k: v.to_data() if hasattr(v, "to_data") else v for k, v in value.items()}


class ChannelBase(Frozen):
    """Fields every channel has."""

    SWITCHABLE: ClassVar[tuple[str, ...]] = ()

    name: str = Field(min_length=1, description="unique name, used in tables and --set paths")
    segment: Segment | None = Field(
        default=None, description="the population segment it recruits from; omit when unsegmented"
    )
    already_member_share: Probability | None = Field(
        default=None,
        description="share of the people it reaches who are already members; "
        "when omitted, the uncovered share of the segment",
    )
    policy: list[PolicySwitch] = Field(default_factory=list, description="dated rate changes")
    costs: ChannelCosts | None = Field(default=None, description="rupiah: commission, fixed and funding costs")
    source: str = Field(default="", description="where the figures come from, or 'assumption: why'")

    @field_validator("policy")
    @classmethod
    def _parse_policy(cls, switches: list[PolicySwitch]) -> list[PolicySwitch]:
        allowed = (*cls.SWITCHABLE, "already_member_share")
        parsed = []
        for i, switch in enumerate(switches):
            values: dict[str, Any] = {}
            for name, raw in switch.set.items():
                if name not in allowed:
                    close = difflib.get_close_matches(name, allowed, n=1)
                    hint = f"; did you mean {close[0]!r}?" if close else ""
                    raise ValueError(
                        f"policy[{i}].set: {name!r} cannot be switched{hint} (allowed: {', '.join(allowed)})"
                    )
                info = cls.model_fields[name]
                # A field's type rebuilt at run time: mypy (2.x) cannot type a computed Annotated form.
                field_type: Any = Annotated[(info.annotation, *info.metadata)]
                adapter: TypeAdapter[Any] = TypeAdapter(field_type)
                try:
                    values[name] = adapter.validate_python(raw)
                except ValidationError as exc:
                    msg = exc.errors()[0]["msg"].removeprefix("Value error, ")
                    raise ValueError(f"policy[{i}].set.{name}: {msg}") from None
            parsed.append(switch.model_copy(update={"set": values}))
        return parsed

    def rate_fields(self) -> dict[str, Distribution]:
        """The uncertain rates this channel draws once per replication, by field name."""
        out: dict[str, Distribution] = {}
        for name in self.SWITCHABLE:
            value = getattr(self, name, None)
            if value is not None and not isinstance(value, list):
                out[name] = value
        if self.already_member_share is not None:
            out["already_member_share"] = self.already_member_share
        return out


class MemberStocks(Protocol):
    """What a channel's processes may do to the stocks (the model's :class:`~sim.model.state.Stocks`).

    A protocol rather than an import, so that channel kinds sit below the model that runs them.
    """

    @property
    def reps(self) -> int: ...

    def enrol_funded(self, channel: int, group: int, candidates: IntArray, now: float) -> IntArray: ...

    def end_funding(self, group: int, members: IntArray, keep_paying: IntArray) -> None: ...


class RandomStream(Protocol):
    """A named random stream as a channel draws from it (the model's :class:`~sim.model.streams.Stream`).

    Its values are arrays with one column per replication; the replications may be several blocks
    side by side, each drawing its columns from its own generator.
    """

    def sample(self, draw: Callable[[np.random.Generator, int], FloatArray]) -> FloatArray:
        """``draw(generator, n)`` for the ``n`` replications of each block, side by side."""
        ...

    def binomial(self, n: IntArray, p: FloatArray) -> IntArray:
        """Binomial(n, p), one draw per replication."""
        ...

    @property
    def alone(self) -> np.random.Generator | None:
        """The generator of a stream of one block (every column), else None."""
        ...

    @property
    def parts(self) -> tuple[tuple[np.random.Generator, slice], ...]:
        """Each block's generator and its columns."""
        ...

    def exact(self, method: Callable[..., Any], out: Any, where: Any, *params: Any) -> None:
        """``out[where] = method(generator, *params[where])``, each block's columns from its own generator."""
        ...


@dataclass
class Revision:
    """Counts changes to any channel's rates in a block, so that stacked copies know to refresh."""

    value: int = 0

    def bump(self) -> None:
        self.value += 1


@dataclass
class ChannelContext:
    """Everything a channel's processes need, for one block of replications.

    Besides its rates, a channel leaves here what its daily recruiting reads: ``partners`` (an
    agent network's), ``loans`` (a loan-linked channel's per calendar month) and ``opens`` (the
    first day it recruits).
    """

    env: simpy.Environment
    stocks: MemberStocks
    horizon: Horizon
    index: int
    group: int
    params_rng: RandomStream
    flow_rng: RandomStream
    rates: dict[str, FloatArray] = field(default_factory=dict)
    revision: Revision = field(default_factory=Revision)
    partners: Any = None
    loans: list[FloatArray] | None = None
    opens: int = 0

    @property
    def reps(self) -> int:
        return self.stocks.reps

    def draw(self, dist: Distribution) -> FloatArray:
        """One value per replication, from this channel's parameter stream."""
        return self.params_rng.sample(dist.sample)

    def at(self, day: int, phase: float) -> simpy.Timeout:
        """A timeout that fires at ``phase`` of ``day``."""
        return self.env.timeout(max(0.0, day + phase - self.env.now))


def policy_process(ctx: ChannelContext, switch: PolicySwitch) -> Generator[Any, Any, None]:
    """A policy switch: on its date, the named rates take values drawn for each replication.

    The draws are made at the start of the run, so that a switch does not shift the parameter
    stream of anything drawn after it.
    """
    drawn = {name: ctx.draw(dist) for name, dist in switch.set.items()}
    yield ctx.at(ctx.horizon.day_of(switch.on), EVENT_PHASE)
    ctx.rates.update(drawn)
    ctx.revision.bump()


def start_common(ctx: ChannelContext, channel: ChannelBase) -> None:
    """Draw the channel's rates for every replication and schedule its policy switches."""
    ctx.rates.update({name: ctx.draw(dist) for name, dist in channel.rate_fields().items()})
    for switch in channel.policy:
        ctx.env.process(policy_process(ctx, switch))
