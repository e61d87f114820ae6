"""The scenario's assumptions: every figure it sets, with the source its block cites.

A scenario block (population, baseline, target, each lapse group, each channel) carries a
``source`` naming keys of the published figures; a block without one is an assumption.
"""

from __future__ import annotations

from typing import Any

from sim.i18n.language import Lang
from sim.report.document import Column, Section, Table

SKIP = {"name", "kind", "source", "description"}
DISTRIBUTIONS = {"beta", "uniform", "triangular", "lognormal"}


def value_text(lang: Lang, value: Any) -> str:
    """A scenario value in the report's number style; ``;`` separates, as ``,`` is a decimal mark."""
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, int | float):
        return lang.short(value, 6)
    if isinstance(value, dict) and len(value) == 1 and next(iter(value)) in DISTRIBUTIONS:
        ((kind, args),) = value.items()
        inner = args.values() if isinstance(args, dict) else args
        return f"{kind}({'; '.join(value_text(lang, a) for a in inner)})"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {value_text(lang, v)}" for k, v in value.items() if v not in ("", [], {}, None))
    if isinstance(value, list):
        return "[" + "; ".join(value_text(lang, v) for v in value) + "]"
    return str(value)


def _blocks(scenario: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    out: list[tuple[str, dict[str, Any]]] = []
    for key in ("population", "baseline", "target"):
        if isinstance(scenario.get(key), dict):
            out.append((key, scenario[key]))
    lapse = scenario.get("lapse")
    if isinstance(lapse, dict) and "monthly_rate" in lapse:
        out.append(("lapse", lapse))
    elif isinstance(lapse, dict):
        out += [(f"lapse.{seg}", rates) for seg, rates in lapse.items() if isinstance(rates, dict)]
    out += [(f"channels[{ch.get('name')}]", ch) for ch in scenario.get("channels", []) if isinstance(ch, dict)]
    return out


def rows(lang: Lang, scenario: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(item path, value, source) for every figure the scenario sets."""
    out = []
    for prefix, block in _blocks(scenario):
        source = str(block.get("source") or "").strip() or lang.t("assumption")
        for key, value in block.items():
            if key not in SKIP and value not in ("", [], {}, None):
                out.append((f"{prefix}.{key}", value_text(lang, value), source))
    return out


def assumptions_section(lang: Lang, scenario: dict[str, Any]) -> Section:
    """The assumptions table with its note."""
    table = Table(
        "Asumsi" if lang.code == "id" else "Assumptions",
        lang.t("assumptions"),
        (Column(lang.t("item"), "text"), Column(lang.t("value"), "text"), Column(lang.t("source"), "text")),
        tuple(rows(lang, scenario)),
    )
    return Section("assumptions", lang.t("assumptions"), (lang.t("assumptions_note"),), tables=(table,))
