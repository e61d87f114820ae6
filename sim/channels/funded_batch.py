"""Funded-batch channel: local governments paying contributions for vulnerable workers.

Each batch enrols ``members`` uncovered workers on its date (as many as the pool allows). While
the government pays, for ``funded_months``, those members are active and do not lapse. When the
funding ends, each keeps paying with probability ``continue_share`` (Binomial), and the others
become inactive. A batch may give its own ``continue_share``; otherwise the channel's applies.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any, ClassVar, Literal

import numpy as np
from pydantic import Field

from sim.channels.base import EVENT_PHASE, ChannelBase, ChannelContext, FloatArray, start_common
from sim.scenario.calendar import add_months
from sim.scenario.distributions import Distribution
from sim.scenario.fields import Date, Frozen, NonNegative, PositiveCount, Probability


class Batch(Frozen):
    """One funded enrolment: its date, how many members, and for how long they are paid for."""

    on: Date
    members: NonNegative = Field(description="workers enrolled with funding")
    funded_months: PositiveCount = Field(description="months the government pays")
    continue_share: Probability | None = Field(default=None, description="overrides the channel's")
    source: str = ""


class FundedBatch(ChannelBase):
    """Enrolment paid for by a local government, batch by batch."""

    SWITCHABLE: ClassVar[tuple[str, ...]] = ("continue_share",)

    kind: Literal["funded_batch"]
    batches: list[Batch] = Field(min_length=1)
    continue_share: Probability = Field(description="share who keep paying when funding ends")


def start(ctx: ChannelContext, channel: FundedBatch) -> None:
    """Draw each batch's size and continuation share, and schedule its start and end."""
    start_common(ctx, channel)
    for batch in channel.batches:
        size = np.rint(ctx.draw(batch.members)).astype(np.int64)
        own: Distribution | None = batch.continue_share
        keep = ctx.draw(own) if own is not None else None
        ctx.env.process(_batch(ctx, batch, size, keep))


def _batch(
    ctx: ChannelContext, batch: Batch, size: np.ndarray[Any, Any], keep: FloatArray | None
) -> Generator[Any, Any, None]:
    start = ctx.horizon.day_of(batch.on)
    yield ctx.at(start, EVENT_PHASE)
    members = ctx.stocks.enrol_funded(ctx.index, ctx.group, size, ctx.env.now)
    end = ctx.horizon.day_of(add_months(batch.on, batch.funded_months))
    if end >= ctx.horizon.days:
        return
    yield ctx.at(end, EVENT_PHASE)
    share = keep if keep is not None else ctx.rates["continue_share"]
    ctx.stocks.end_funding(ctx.group, members, ctx.flow_rng.binomial(members, share))
