"""Property tests (hypothesis): random scenarios written as YAML files, and random damage to them.

* The loader turns any file -- valid, mangled, or not text at all -- into a scenario or a
  :class:`~sim.errors.ScenarioError`; nothing else escapes.
* Runs of random valid scenarios keep the books: no negative counts; active + inactive + uncovered
  = workers in every group; channel enrolments add up to the total; registered members only leave
  through the stated exits (in this model there are none: lapse moves members between active and
  inactive), so registered = baseline + enrolled at every record date.
* More partners, or a higher conversion or enrolment rate, never lowers mean enrolments, checked
  on common random numbers (same seed, same channel names).
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.errors import ScenarioError
from sim.experiment.blocks import plan_blocks, run_block, run_scenario
from sim.model.block import workforce
from sim.scenario.loader import load_scenario
from sim.scenario.paths import Override

pytestmark = pytest.mark.property

SEGMENTS = ("pu", "bpu", "jakon")
FILE_SETTINGS = settings(
    deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)


def _rate(draw: Any, lo: float, hi: float) -> Any:
    """A number, or a distribution within [lo, hi]."""
    a = draw(st.floats(lo, hi))
    b = draw(st.floats(lo, hi))
    a, b = min(a, b), max(a, b)
    form = draw(st.sampled_from(["number", "uniform", "triangular", "beta"] if hi <= 1 else ["number", "uniform"]))
    if form == "uniform" and b > a:
        return {"uniform": [a, b]}
    if form == "triangular" and b > a:
        return {"triangular": [a, (a + b) / 2, b]}
    if form == "beta":
        return {"beta": [draw(st.floats(0.5, 20)), draw(st.floats(0.5, 20))]}
    return a


def _day(draw: Any, start: date, days: int) -> date:
    return start + timedelta(days=draw(st.integers(0, days)))


@st.composite
def channel(draw: Any, name: str, segment: str | None, start: date, days: int) -> dict[str, Any]:
    kind = draw(st.sampled_from(["organic", "loan_linked", "agent_network", "funded_batch"]))
    ch: dict[str, Any] = {"name": name, "kind": kind}
    if segment is not None:
        ch["segment"] = segment
    if draw(st.booleans()):
        ch["already_member_share"] = _rate(draw, 0, 1)
    if kind == "organic":
        ch["per_month"] = _rate(draw, 0, 3000)
        if draw(st.booleans()):
            ch["seasonality"] = draw(st.lists(st.floats(0, 2), min_size=12, max_size=12))
        if draw(st.booleans()):
            ch["policy"] = [{"on": _day(draw, start, days), "set": {"per_month": _rate(draw, 0, 3000)}}]
    elif kind == "loan_linked":
        ch["loans_per_month"] = draw(st.integers(0, 3000)) if draw(st.booleans()) else _rate(draw, 0, 3000)
        ch["enrollment_rate"] = _rate(draw, 0, 1)
        if draw(st.booleans()):
            ch["opens_on"] = _day(draw, start, days)
    elif kind == "agent_network":
        most = draw(st.integers(0, 40))
        ch.update(agents=draw(st.integers(0, most)), agents_max=most)
        steps = sorted(set(draw(st.lists(st.integers(0, days), max_size=3))))
        ch["rollout"] = [{"on": start + timedelta(days=d), "agents": draw(st.integers(0, most))} for d in steps]
        if draw(st.booleans()):
            ch["enrollments_per_agent_per_month"] = _rate(draw, 0, 30)
        else:
            ch.update(contacts_per_agent_per_month=_rate(draw, 0, 100), conversion_rate=_rate(draw, 0, 1))
        ch["ramp_up_months"] = draw(st.floats(0, 3))
        ch["heterogeneity_cv"] = draw(st.sampled_from([0.0, 0.3, 1.2]))
    else:
        ch["continue_share"] = _rate(draw, 0, 1)
        ch["batches"] = [
            {
                "on": _day(draw, start, days),
                "members": draw(st.integers(0, 5000)),
                "funded_months": draw(st.integers(1, 3)),
            }
            for _ in range(draw(st.integers(1, 2)))
        ]
    return ch


@st.composite
def scenario_data(draw: Any) -> dict[str, Any]:
    start = date(2024, 1, 1) + timedelta(days=draw(st.integers(0, 700)))
    days = draw(st.integers(20, 100))
    groups: list[str | None]
    segmented = draw(st.booleans())
    groups = (
        list(draw(st.lists(st.sampled_from(SEGMENTS), min_size=1, max_size=3, unique=True))) if segmented else [None]
    )
    workers = {g: draw(st.integers(50, 20_000)) for g in groups}
    active = {g: draw(st.integers(0, workers[g] // 2)) for g in groups}
    inactive = {g: draw(st.integers(0, workers[g] // 4)) for g in groups}

    def per(values: dict[Any, Any]) -> Any:
        return values if segmented else values[None]

    def lapse() -> dict[str, Any]:
        return {"monthly_rate": _rate(draw, 0, 0.3), "reactivation_monthly_rate": _rate(draw, 0, 0.3)}

    n = draw(st.integers(1, 4))
    return {
        "name": "random",
        "start": start,
        "end": start + timedelta(days=days),
        "seed": draw(st.integers(0, 2**32 - 1)),
        "replications": 7,
        "population": {"workers": per(workers), "growth_per_year": draw(st.floats(0, 0.1))},
        "baseline": {"active": per(active), "inactive": per(inactive)},
        "target": {"members": draw(st.integers(1, 50_000)), "by": _day(draw, start, days)},
        "lapse": per({g: lapse() for g in groups}) if draw(st.booleans()) else lapse(),
        "channels": [draw(channel(f"ch {i}", draw(st.sampled_from(groups)), start, days)) for i in range(n)],
    }


def _write(tmp_path: Path, data: dict[str, Any]) -> Path:
    file = tmp_path / "random.yaml"
    file.write_text(yaml.safe_dump(data, sort_keys=False))
    return file


@settings(FILE_SETTINGS, max_examples=60)
@given(data=scenario_data())
def test_random_valid_scenarios_load_and_keep_the_books(tmp_path: Path, data: dict[str, Any]) -> None:
    s = load_scenario(_write(tmp_path, data)).scenario
    r = run_scenario(s, workers=1)
    for name in ("active", "inactive", "enrolled", "lapsed", "reactivated"):
        assert (getattr(r, name).whole() >= 0).all(), name
    workers = workforce(s, r.horizon.days)[list(r.horizon.record_days)]  # (records, groups)
    registered = r.active.whole() + r.inactive.whole()  # (records, groups, reps); active includes funded members
    uncovered = workers[:, :, None] - registered
    assert (uncovered > -1).all()  # active + inactive + uncovered = workers, uncovered >= 0
    enrolled_by_group = np.zeros_like(registered)
    for i, ch in enumerate(s.channels):
        enrolled_by_group[:, s.group_of(ch.segment)] += r.enrolled.whole()[:, i]
    assert enrolled_by_group.sum(axis=1).tolist() == r.enrolled.total().tolist()  # channel sums = total
    base_active = np.asarray(s.per_group(s.baseline.active))[None, :, None]
    base_inactive = np.asarray(s.per_group(s.baseline.inactive))[None, :, None]
    # Registered members never leave: registered = baseline + enrolled, at every record date.
    assert (registered == base_active + base_inactive + enrolled_by_group).all()
    # And the only ways between active and inactive are lapse and reactivation: in each group of the
    # first block (a run keeps lapses summed over groups), and in the run's totals.
    first = run_block(s, r.seed, plan_blocks(r.replications)[0])
    n = first.active.shape[2]
    assert (first.active == base_active + enrolled_by_group[..., :n] - first.lapsed + first.reactivated).all()
    flows = enrolled_by_group.sum(axis=1) - r.lapsed.total() + r.reactivated.total()
    assert (r.active.total() == base_active.sum() + flows).all()


MUTATION_ALPHABET = st.sampled_from(
    [*":-[]{}&*!|>#%@`'\"\t\n ,?0.5e9x", "\u00e9", "\u200b", "~", "!!python/object:os.system"]
)


@st.composite
def mangled(draw: Any) -> bytes:
    text = yaml.safe_dump(draw(scenario_data()), sort_keys=False)
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["delete", "insert", "duplicate-line", "swap-lines", "truncate", "replace-value"]))
        lines = text.splitlines(keepends=True)
        at = draw(st.integers(0, max(len(text) - 1, 0)))
        if op == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 20)) :]
        elif op == "insert":
            text = text[:at] + "".join(draw(st.lists(MUTATION_ALPHABET, min_size=1, max_size=6))) + text[at:]
        elif op == "duplicate-line" and lines:
            i = draw(st.integers(0, len(lines) - 1))
            text = "".join([*lines[: i + 1], lines[i], *lines[i + 1 :]])
        elif op == "swap-lines" and len(lines) > 1:
            i = draw(st.integers(0, len(lines) - 2))
            lines[i], lines[i + 1] = lines[i + 1], lines[i]
            text = "".join(lines)
        elif op == "truncate":
            text = text[:at]
        elif op == "replace-value" and lines:
            i = draw(st.integers(0, len(lines) - 1))
            if ": " in lines[i]:
                key = lines[i].split(": ", 1)[0]
                value = draw(
                    st.sampled_from(
                        ["-1", "1.5", "'12'", "true", ".nan", ".inf", "[]", "{}", "null", "2025-02-30", "x"]
                    )
                )
                lines[i] = f"{key}: {value}\n"
                text = "".join(lines)
    raw = text.encode("utf-8")
    if draw(st.booleans()):
        at = draw(st.integers(0, len(raw)))
        raw = raw[:at] + draw(st.binary(min_size=1, max_size=4)) + raw[at:]
    return raw


@settings(FILE_SETTINGS, max_examples=200)
@given(raw=mangled())
def test_the_loader_raises_nothing_but_scenario_error(tmp_path: Path, raw: bytes) -> None:
    file = tmp_path / "mangled.yaml"
    file.write_bytes(raw)
    message = str(file)
    try:
        load_scenario(file)
    except ScenarioError as exc:
        message = str(exc)
    assert "\n" not in message
    assert message.startswith(str(file))


@settings(FILE_SETTINGS, max_examples=60)
@given(path=st.text(min_size=1, max_size=30), value=st.text(max_size=20))
def test_overrides_raise_nothing_but_scenario_error(path: str, value: str) -> None:
    from conftest import SCENARIOS

    try:
        parsed = yaml.safe_load(value)
    except yaml.YAMLError:
        parsed = value
    message = ""
    try:
        load_scenario(SCENARIOS / "bali-2025.yaml", [Override(path, parsed)])
    except ScenarioError as exc:
        message = str(exc)
    assert "\n" not in message


# --- monotonicity in expectation, on common random numbers --------------------------------------

REPS = 300


def _mean_enrolled(data: dict[str, Any], tmp_path: Path) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    s = load_scenario(_write(tmp_path, data)).scenario
    r = run_scenario(s, replications=REPS, seed=data["seed"], workers=1)
    return r.enrolled.row(-1).sum(axis=0).astype(float), r.enrolled.row(-1).astype(float)


def _not_lower(low: np.ndarray[Any, Any], high: np.ndarray[Any, Any]) -> None:
    """Mean of ``high`` is not below the mean of ``low``, beyond 4.5 standard errors of the paired difference."""
    diff = high - low
    se = float(np.std(diff, ddof=1)) / math.sqrt(diff.size) if diff.size > 1 else 0.0
    assert float(diff.mean()) >= -4.5 * se - 1e-9, (float(diff.mean()), se)


def _with_probe(data: dict[str, Any], probe: dict[str, Any]) -> int:
    """Add ``probe`` to the scenario's channels, in its first group; returns its index."""
    workers = data["population"]["workers"]
    if isinstance(workers, dict):
        probe["segment"] = next(iter(workers))
    data["channels"].append(probe)
    return len(data["channels"]) - 1


@settings(FILE_SETTINGS, max_examples=12)
@given(
    data=scenario_data(),
    agents=st.integers(0, 10),
    extra=st.integers(1, 20),
    rate=st.floats(0.5, 30),
    cv=st.sampled_from([0.0, 0.7]),
)
def test_more_partners_never_lower_mean_enrolments(
    tmp_path: Path, data: dict[str, Any], agents: int, extra: int, rate: float, cv: float
) -> None:
    probe = {
        "name": "probe",
        "kind": "agent_network",
        "agents": agents,
        "agents_max": agents + extra,
        "enrollments_per_agent_per_month": rate,
        "heterogeneity_cv": cv,
    }
    i = _with_probe(data, probe)
    before_total, before = _mean_enrolled(data, tmp_path)
    data["channels"][i]["agents"] = agents + extra
    after_total, after = _mean_enrolled(data, tmp_path)
    _not_lower(before_total, after_total)
    _not_lower(before[i], after[i])


@settings(FILE_SETTINGS, max_examples=12)
@given(
    data=scenario_data(),
    kind=st.sampled_from(["loan_linked", "agent_network"]),
    rate=st.floats(0, 0.9),
    lift=st.floats(0.05, 0.5),
)
def test_higher_conversion_never_lowers_mean_enrolments(
    tmp_path: Path, data: dict[str, Any], kind: str, rate: float, lift: float
) -> None:
    if kind == "loan_linked":
        probe = {"name": "probe", "kind": kind, "loans_per_month": 2000, "enrollment_rate": rate}
        field = "enrollment_rate"
    else:
        probe = {
            "name": "probe",
            "kind": kind,
            "agents": 5,
            "contacts_per_agent_per_month": 80,
            "conversion_rate": rate,
        }
        field = "conversion_rate"
    i = _with_probe(data, probe)
    before_total, before = _mean_enrolled(data, tmp_path)
    data["channels"][i][field] = min(1.0, rate + lift)
    after_total, after = _mean_enrolled(data, tmp_path)
    _not_lower(before_total, after_total)
    _not_lower(before[i], after[i])
