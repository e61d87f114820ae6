"""Organic channel: walk-ins, digital sign-ups and employer registrations.

People arrive on their own at ``per_month`` a month, optionally shaped by ``seasonality`` (twelve
multipliers, January first). Arrivals on a day are Poisson with mean
``per_month × seasonality[month] / days_in_month``, thinned by the chance that an arrival is not
yet a member, so a constant flow over ``t`` months enrols Poisson(λt) people when nobody is.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field, field_validator

from sim.channels.base import ChannelBase, ChannelContext, FloatArray, start_common
from sim.scenario.fields import NonNegative


class Organic(ChannelBase):
    """Walk-ins, digital and employer registrations at a steady monthly rate."""

    SWITCHABLE: ClassVar[tuple[str, ...]] = ("per_month",)

    kind: Literal["organic"]
    per_month: NonNegative = Field(description="people reached a month")
    seasonality: list[float] | None = Field(
        default=None, description="12 monthly multipliers, January first, averaging about 1"
    )

    @field_validator("seasonality")
    @classmethod
    def _twelve_non_negative(cls, value: list[float] | None) -> list[float] | None:
        if value is not None and (len(value) != 12 or min(value) < 0):
            raise ValueError(f"needs 12 multipliers >= 0 (January first), got {len(value)} values")
        return value


def daily_mean(per_month: FloatArray, multiplier: float | FloatArray, days: int) -> FloatArray:
    """Expected arrivals on one day: ``per_month × multiplier / days_in_month``."""
    return per_month * (multiplier / days)


def start(ctx: ChannelContext, channel: Organic) -> None:
    """Draw the channel's rates; its daily recruiting is drawn with every channel's."""
    start_common(ctx, channel)


def multipliers(seasonality: list[float] | None) -> list[float]:
    """The twelve monthly multipliers, January first: the seasonality, or all 1."""
    return list(seasonality) if seasonality else [1.0] * 12
