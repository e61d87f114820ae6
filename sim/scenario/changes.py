"""What a variant changes, as rows a person reads: lists of dated steps split into one row per step.

``sim diff`` lists a changed ``batches``, ``rollout`` or ``policy`` as one value, since a variant
sets such a list as a whole. Shown like that it is a blob of JSON; :func:`readable_rows` turns it
into one row per step (``channels[X].batches[0]``), leaving out steps both sides share, and a
channel or region only one side has into one row per field it sets. :func:`step_text` says a step
in words: ``on 2025-08-01, 13,200 members, 12 funded months``.
"""

from __future__ import annotations

from typing import Any

MISSING = "—"
DISTRIBUTIONS = ("beta", "uniform", "triangular", "lognormal")
# Fields said as "<value> <noun>"; any other field is said as "<field> <value>".
NOUNS = {"members": "members", "agents": "agents", "funded_months": "funded months"}


def is_step(value: Any) -> bool:
    """A dated step of a ``batches``, ``rollout`` or ``policy`` list: a mapping with ``on``."""
    return isinstance(value, dict) and "on" in value


def _is_steps(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(is_step(v) for v in value)


def _is_branch(value: Any) -> bool:
    """A block of fields (a channel, a region), not a distribution or a step."""
    return (
        isinstance(value, dict) and not is_step(value) and not (len(value) == 1 and next(iter(value)) in DISTRIBUTIONS)
    )


def missing(value: Any) -> bool:
    """The side of a row that does not have the path (also once read back from JSON)."""
    return isinstance(value, str) and value == MISSING


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str | list | dict) and not value)


def readable_rows(rows: list[tuple[str, Any, Any]]) -> list[tuple[str, Any, Any]]:
    """``(path, base, variant)`` rows with step lists and one-sided blocks split into rows."""
    out: list[tuple[str, Any, Any]] = []
    for path, a, b in rows:
        out += _split(path, a, b)
    return out


def _split(path: str, a: Any, b: Any) -> list[tuple[str, Any, Any]]:
    if _is_steps(a) or _is_steps(b):
        xs = a if isinstance(a, list) else []
        ys = b if isinstance(b, list) else []
        pairs = [
            (xs[i] if i < len(xs) else MISSING, ys[i] if i < len(ys) else MISSING) for i in range(max(len(xs), len(ys)))
        ]
        return [(f"{path}[{i}]", x, y) for i, (x, y) in enumerate(pairs) if x != y]
    one_sided = missing(a) != missing(b)
    whole = b if missing(a) else a
    if one_sided and _is_branch(whole):
        rows: list[tuple[str, Any, Any]] = []
        # What it is first, where it comes from last, as a reader asks.
        for key, value in sorted(whole.items(), key=lambda kv: (kv[0] != "kind", kv[0] == "source")):
            if key != "name" and not _empty(value):
                sub = (MISSING, value) if missing(a) else (value, MISSING)
                rows += _split(f"{path}.{key}", *sub)
        return rows
    return [(path, a, b)]


def number_text(x: float) -> str:
    """``13200.0`` → ``13,200``; ``0.3`` → ``0.3``."""
    return f"{int(x):,}" if float(x).is_integer() else f"{x:,.6g}"


def value_text(value: Any) -> str:
    """A number, a distribution or a step in words; anything else as it is."""
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, int | float):
        return number_text(value)
    if is_step(value):
        return step_text(value)
    if isinstance(value, dict) and len(value) == 1 and next(iter(value)) in DISTRIBUTIONS:
        ((kind, args),) = value.items()
        return _distribution_text(kind, args)
    if isinstance(value, dict):
        return ", ".join(f"{k} {value_text(v)}" for k, v in value.items() if not _empty(v))
    if isinstance(value, list):
        return "[" + "; ".join(value_text(v) for v in value) + "]"
    return str(value).strip()


def _distribution_text(kind: str, args: Any) -> str:
    if kind == "uniform":
        return f"uniform {number_text(args[0])}–{number_text(args[1])}"
    if kind == "triangular":
        return f"triangular {number_text(args[0])}–{number_text(args[2])} (mode {number_text(args[1])})"
    if kind == "lognormal":
        return f"lognormal mean {number_text(args['mean'])}, sd {number_text(args['sd'])}"
    return f"{kind}({', '.join(number_text(a) for a in args)})"


def step_text(step: dict[str, Any]) -> str:
    """``{on: 2025-08-01, members: 13200, funded_months: 12}`` → ``on 2025-08-01, 13,200 members, 12 funded months``."""
    parts = [f"on {step['on']}"]
    for key, value in step.items():
        if key == "on" or _empty(value):
            continue
        if key in NOUNS:
            parts.append(f"{value_text(value)} {NOUNS[key]}")
        else:
            parts.append(f"{key.replace('_', ' ')} {value_text(value)}")
    return ", ".join(parts)
