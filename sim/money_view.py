"""The money part of the verdict: contributions collected and what each channel costs per member."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table


def _n(x: float) -> str:
    return f"{x:,.0f}"


def render_money(money: dict[str, Any], console: Console) -> None:
    """Print contributions collected and each costed channel's cost per net new member."""
    contrib = money["contributions"]
    if contrib is not None:
        console.print(
            f"Contributions collected over the horizon: {money['currency']} {_n(contrib['mean'])} "
            f"(5–95%: {_n(contrib['p05'])} – {_n(contrib['p95'])})"
        )
    if not money["channels"]:
        return
    table = Table(title=f"Channel costs ({money['currency']})")
    for col in ("Channel", "Cost", "Net new active", "Cost per net member"):
        table.add_column(col, justify="left" if col == "Channel" else "right")
    for c in money["channels"]:
        per = c["cost_per_net_member"]
        table.add_row(c["name"], _n(c["cost_mean"]), _n(c["net_new_active_mean"]), "—" if per is None else _n(per))
    console.print(table)
