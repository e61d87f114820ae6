"""The channel kinds, one module each, and the registry that maps a ``kind`` to its module.

Adding a kind is one new module with a parameter model and ``start(ctx, channel)``, plus one line
in :data:`REGISTRY` and one member in :data:`Channel`. Channel kinds are built from the scenario's
vocabulary (:mod:`sim.scenario.fields` and its neighbours) and the foundation, and may import
nothing above them: the stocks a channel enrols into are typed by :class:`~sim.channels.base.MemberStocks`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from pydantic import Field

from sim.channels import agent_network, funded_batch, loan_linked, organic
from sim.channels.agent_network import AgentNetwork
from sim.channels.base import ChannelBase, ChannelContext
from sim.channels.funded_batch import FundedBatch
from sim.channels.loan_linked import LoanLinked
from sim.channels.organic import Organic

Starter = Callable[[ChannelContext, Any], None]

REGISTRY: dict[str, tuple[type[ChannelBase], Starter]] = {
    "loan_linked": (LoanLinked, loan_linked.start),
    "agent_network": (AgentNetwork, agent_network.start),
    "funded_batch": (FundedBatch, funded_batch.start),
    "organic": (Organic, organic.start),
}

Channel = Annotated[LoanLinked | AgentNetwork | FundedBatch | Organic, Field(discriminator="kind")]
"""Any channel, told apart by its ``kind``."""


def start_channel(ctx: ChannelContext, channel: ChannelBase) -> None:
    """Register the SimPy processes of ``channel`` in ``ctx``."""
    kind: str = getattr(channel, "kind")  # noqa: B009 - every registered kind has one
    REGISTRY[kind][1](ctx, channel)


__all__ = ["REGISTRY", "Channel", "ChannelBase", "ChannelContext", "start_channel"]
