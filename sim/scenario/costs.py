"""What channels cost and what members pay: the money fields of a scenario.

A channel may carry ``costs`` (all in rupiah, all optional):

* ``commission_per_enrolment``: a fee for each person the channel enrols (BPR agents earn one);
* ``per_partner_per_month``: a fixed cost for each partner, each month (a channel without a
  partner count, such as a loan scheme, counts as one partner);
* ``per_funded_member_per_month``: what a local government pays for each funded member, each
  month it pays (funded batches);
* ``onboarding_per_new_partner``: a one-off cost for each partner beyond the ``partners_onboarded``
  already in place (training and set-up of a new BPR agent); agent networks only;
* ``enforcement_per_month``: what enforcing a loan scheme's enrolment rule costs a month when every
  borrower not yet a member enrols (``enrollment_rate`` 1). It scales linearly from nothing at
  ``enforcement_from``, the rate reached without enforcement, so raising the rate costs money;
  loan-linked channels only.

A scenario may carry ``contributions``: what an active member pays a month, per segment. Wage
earners (``pu``) pay a share of their wage, so ``pu`` may be given as ``pu_wage_share`` of
``pu_wage_per_month`` instead of a figure. :mod:`sim.results.money` turns both into figures after a run.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from sim.scenario.fields import Frozen

Rupiah = float


class ChannelCosts(Frozen):
    """What one channel costs, in rupiah."""

    commission_per_enrolment: Rupiah = Field(default=0.0, ge=0, description="fee per person enrolled")
    per_partner_per_month: Rupiah = Field(default=0.0, ge=0, description="fixed cost per partner per month")
    per_funded_member_per_month: Rupiah = Field(
        default=0.0, ge=0, description="government budget per funded member per funded month"
    )
    onboarding_per_new_partner: Rupiah = Field(
        default=0.0, ge=0, description="one-off cost per partner beyond partners_onboarded (agent networks)"
    )
    partners_onboarded: int = Field(default=0, ge=0, description="partners already in place, onboarded for free")
    enforcement_per_month: Rupiah = Field(
        default=0.0, ge=0, description="monthly cost of enforcing enrolment at enrollment_rate 1 (loan schemes)"
    )
    enforcement_from: float = Field(
        default=0.0, ge=0, lt=1, description="enrollment_rate reached without enforcement, where it costs nothing"
    )
    source: str = ""

    def enforced_share(self, enrollment_rate: float) -> float:
        """How much of full enforcement a mean ``enrollment_rate`` takes: ``max(0, r − r₀) / (1 − r₀)``."""
        return max(0.0, enrollment_rate - self.enforcement_from) / (1.0 - self.enforcement_from)


class Contributions(Frozen):
    """What an active member pays a month, in rupiah, by segment."""

    per_month: Rupiah | None = Field(default=None, ge=0, description="for members of segments not given below")
    pu_per_month: Rupiah | None = Field(default=None, ge=0)
    bpu_per_month: Rupiah | None = Field(default=None, ge=0)
    jakon_per_month: Rupiah | None = Field(default=None, ge=0)
    pu_wage_share: float | None = Field(default=None, ge=0, le=1, description="pu pays this share of its wage")
    pu_wage_per_month: Rupiah | None = Field(default=None, ge=0, description="the wage pu_wage_share applies to")
    source: str = ""

    @model_validator(mode="after")
    def _one_pu_figure(self) -> Contributions:
        if (self.pu_wage_share is None) != (self.pu_wage_per_month is None):
            raise ValueError("pu_wage_share and pu_wage_per_month go together")
        if self.pu_wage_share is not None and self.pu_per_month is not None:
            raise ValueError("give pu_per_month, or pu_wage_share with pu_wage_per_month, not both")
        return self

    def monthly(self, group: str) -> Rupiah:
        """Rupiah a month an active member of ``group`` pays (``all`` when unsegmented)."""
        if group == "pu" and self.pu_wage_share is not None and self.pu_wage_per_month is not None:
            return self.pu_wage_share * self.pu_wage_per_month
        own: Rupiah | None = getattr(self, f"{group}_per_month", None)
        if own is not None:
            return own
        return self.per_month or 0.0
