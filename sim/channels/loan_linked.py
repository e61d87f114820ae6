"""Loan-linked channel: BRI's KUR micro-loans, where a borrower enrols before disbursement.

``loans_per_month`` loans (one figure, or twelve for the disbursement season, January first) are
paid out evenly over each month's days in whole loans. Of a day's ``L`` borrowers, a share
``already_member_share`` are members already; of the others a share ``enrollment_rate`` enrol
before their loan is paid. Enrolments are therefore Binomial(L, (1 − a)·e): the rule thins the
loan flow binomially. ``opens_on`` holds disbursement back until the season opens (KUR opened on
8 January in 2024, but only in April in 2023).
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field, field_validator

from sim.channels.base import ChannelBase, ChannelContext, FloatArray, start_common
from sim.scenario.distributions import Distribution
from sim.scenario.fields import Date, NonNegative, Probability


class LoanLinked(ChannelBase):
    """Borrowers who must be members before their loan is disbursed."""

    SWITCHABLE: ClassVar[tuple[str, ...]] = ("enrollment_rate",)

    kind: Literal["loan_linked"]
    loans_per_month: NonNegative | list[NonNegative] = Field(
        description="loans disbursed a month: one figure, or 12 (January first) for seasonality"
    )
    enrollment_rate: Probability = Field(description="share of borrowers not yet members who enrol before disbursement")
    opens_on: Date | None = Field(default=None, description="no disbursement before this date")

    @field_validator("loans_per_month")
    @classmethod
    def _one_or_twelve(cls, value: Distribution | list[Distribution]) -> Distribution | list[Distribution]:
        if isinstance(value, list) and len(value) != 12:
            raise ValueError(f"give one figure or 12 monthly figures (January first), got {len(value)}")
        return value

    def monthly_loans(self) -> list[Distribution]:
        """Loans a month for each calendar month, January first."""
        if isinstance(self.loans_per_month, list):
            return list(self.loans_per_month)
        return [self.loans_per_month] * 12


def enrol_probability(new_share: FloatArray, enrollment_rate: FloatArray) -> FloatArray:
    """Chance that one borrower becomes a new member: ``(1 − already_member_share) × e``."""
    return new_share * enrollment_rate


def start(ctx: ChannelContext, channel: LoanLinked) -> None:
    """Draw the season's loan volumes and the day disbursement opens; loans are paid out daily."""
    start_common(ctx, channel)
    months = channel.monthly_loans()
    if all(m is months[0] for m in months):
        volume = ctx.draw(months[0])
        ctx.loans = [volume] * 12
    else:
        ctx.loans = [ctx.draw(m) for m in months]
    ctx.opens = ctx.horizon.day_of(channel.opens_on) if channel.opens_on else 0
