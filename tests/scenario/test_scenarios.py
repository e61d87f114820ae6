"""The shipped scenarios: they validate, rest on their sources, and the baseline is calibrated."""

from __future__ import annotations

import re
from datetime import date

import numpy as np
import pytest

from conftest import ROOT, SCENARIOS
from sim.analyses.history.observations import check_against, read_observations
from sim.channels.funded_batch import FundedBatch
from sim.experiment.blocks import run_scenario
from sim.model.layout import layout_of
from sim.scenario.loader import load_scenario

SHIPPED = sorted(SCENARIOS.glob("*.yaml"))
BALI = SCENARIOS / "bali-2025.yaml"
BALI_2026 = SCENARIOS / "bali-2026.yaml"
JUNE_2025_BASE = 1_711_779  # bali_2025.working_population_june_2025


@pytest.mark.parametrize("file", SHIPPED, ids=lambda p: p.name)
def test_shipped_scenarios_validate_without_warnings(file):
    loaded = load_scenario(file)
    assert loaded.warnings == ()
    assert loaded.scenario.name


@pytest.mark.parametrize("file", [BALI, BALI_2026], ids=lambda p: p.name)
def test_every_bali_value_cites_a_source_or_says_assumption(file):
    text = file.read_text()
    figures = (SCENARIOS.parent.parent / "shared" / "data" / "published-figures.yaml").read_text()
    cited = set(re.findall(r"\b([a-z_0-9]+\.[a-z_0-9]+)\b", text))
    known = {c for c in cited if c.split(".")[0] in figures and c.split(".")[1] in figures}
    assert len(known) >= 10, known
    s = load_scenario(file).scenario
    for ch in s.channels:
        assert ch.source, ch.name
    assert s.population.source and s.baseline.source and s.target.source


def test_bali_baseline_reproduces_the_published_net_growth():
    # +3,196 a month from November 2023 to June 2025 (bali_history -> bali_2025). July to
    # September come before the Gianyar batch, so they should continue that trend. The organic
    # rates carry ±30% uncertainty: the mean (standard error about 20) is checked to 5%, and the
    # spread must cover the trend.
    r = run_scenario(load_scenario(BALI).scenario, replications=2000, seed=1)
    september = r.record_dates().index(__import__("datetime").date(2025, 9, 30))
    net_per_month = (r.series()["active"][september] - 897_832) / 3
    assert abs(net_per_month.mean() - 3196) < 160
    assert np.percentile(net_per_month, 5) < 3196 < np.percentile(net_per_month, 95)


@pytest.mark.parametrize(
    ("base_file", "variant"),
    [
        (BALI, "bali-2025-all-bprs.yaml"),
        (BALI, "bali-2025-kur-enforced.yaml"),
        (BALI, "bali-2025-local-government-push.yaml"),
        (BALI, "bali-2025-all-levers.yaml"),
        (BALI_2026, "bali-2026-all-bprs.yaml"),
        (BALI_2026, "bali-2026-kur-enforced.yaml"),
        (BALI_2026, "bali-2026-province-programme.yaml"),
        (BALI_2026, "bali-2026-all-levers.yaml"),
    ],
    ids=lambda x: x if isinstance(x, str) else "",
)
def test_every_variant_adds_members_on_common_random_numbers(base_file, variant):
    base = run_scenario(load_scenario(base_file).scenario, replications=500, seed=2)
    other = run_scenario(load_scenario(SCENARIOS / variant).scenario, replications=500, seed=2)
    assert (other.at_target - base.at_target).mean() > 0
    assert other.summary()["target"]["probability"] >= base.summary()["target"]["probability"]


def test_readme_lists_every_shipped_scenario_once():
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("\n## Scenarios\n") :]
    section = section[: section.index("\n## ", 1)]
    listed = re.findall(r"^\| `([^`]+\.yaml)` \|", section, flags=re.MULTILINE)
    assert sorted(listed) == sorted(p.name for p in SHIPPED)


def _reenrolled_on_start(s) -> int:
    return sum(
        int(b.members.mean) for ch in s.channels if isinstance(ch, FundedBatch) for b in ch.batches if b.on == s.start
    )


def test_bali_2026_starts_from_december_2025_on_the_june_2025_base():
    # bali_2025.coverage_dec_2025 = 53.88%, read on the June 2025 base; the funded programmes take
    # their members out of the baseline and re-enrol them on the first day, so the day opens at it.
    s = load_scenario(BALI_2026).scenario
    assert s.start == date(2026, 1, 1) and s.end == date(2026, 12, 31)
    assert sum(s.per_group(s.population.workers)) == JUNE_2025_BASE
    opening = sum(s.per_group(s.baseline.active)) + _reenrolled_on_start(s)
    assert opening == round(0.5388 * JUNE_2025_BASE) == 922_307
    assert s.target.members == round(0.7386 * JUNE_2025_BASE)  # bali_2025.coverage_targets["2026"]
    assert s.target.metric == "active" and s.target.by == s.end
    r = run_scenario(s, replications=200, seed=3)
    january = r.series()["active"][r.record_dates().index(date(2026, 1, 31))]
    assert abs(january.mean() - opening) < 0.02 * opening


def test_bali_2026_uses_the_fitted_rate_its_header_names():
    text = BALI_2026.read_text()
    assert "# Calibrated by: sim calibrate scenarios/bali-calibration-2025.yaml" in text
    assert "--observed scenarios/data/bali-history.csv" in text
    low, high = map(float, re.search(r"per_month: 5181\.1 \(90%: ([\d.]+) to ([\d.]+)\)", text).groups())
    walk_in = next(ch for ch in load_scenario(BALI_2026).scenario.channels if ch.name == "Walk-in and digital")
    fitted = walk_in.rate_fields()["per_month"]
    assert fitted.ppf(0.05) == pytest.approx(low, rel=0.01)
    assert fitted.ppf(0.95) == pytest.approx(high, rel=0.01)


def test_history_holds_december_2025_and_the_calibration_horizon_reaches_it():
    rows = read_observations(SCENARIOS / "data" / "bali-history.csv")
    december = {o.series: o for o in rows if o.when == date(2025, 12, 31)}
    assert december["coverage"].value == 0.5388
    assert december["active"].value == round(0.5388 * JUNE_2025_BASE)
    assert all(o.weight == 1 and "bali_2025.coverage_dec_2025" in o.source for o in december.values())
    horizon = load_scenario(SCENARIOS / "bali-calibration-2025.yaml").scenario
    check_against(rows, horizon, SCENARIOS / "data" / "bali-history.csv")
    assert horizon.end == date(2025, 12, 31)
    assert horizon.target.members == 922_307


def test_banuspa_2026_is_the_regional_office_on_its_own_bases():
    s = load_scenario(SCENARIOS / "banuspa-2026.yaml").scenario
    layout = layout_of(s)
    names = [r.name for r in s.regions]
    assert names[:3] == ["Bali", "Nusa Tenggara Barat", "Nusa Tenggara Timur"]
    assert {n for n in names if n.startswith("Papua")} == {
        "Papua",
        "Papua Barat",
        "Papua Barat Daya",
        "Papua Selatan",
        "Papua Tengah",
        "Papua Pegunungan",
    }
    # Small enough for a golden test: 11 groups, 24 channels.
    assert (len(layout.groups), len(layout.channels)) == (11, 24)
    by_name = {r.name: r for r in s.regions}
    workers = {n: sum(r.per_segment(r.population.workers)) for n, r in by_name.items()}
    active = {n: sum(r.per_segment(r.baseline.active)) for n, r in by_name.items()}
    # Published bases and members (bali_2025, provinces_2025.ntb, .papua, .papua_barat).
    assert (workers["Bali"], active["Bali"]) == (JUNE_2025_BASE, 897_832)
    assert (workers["Nusa Tenggara Barat"], active["Nusa Tenggara Barat"]) == (1_808_432, 555_276)
    assert (workers["Papua"], active["Papua"]) == (240_009, 141_984)
    assert (workers["Papua Barat"], active["Papua Barat"]) == (104_508 + 170_616, 73_621 + 77_750)
    # The four provinces without figures share what banuspa_region.active_2024 leaves.
    new = ("Papua Barat Daya", "Papua Selatan", "Papua Tengah", "Papua Pegunungan")
    assert sum(active[n] for n in new) == 2_993_050 - (878_653 + 555_276 + 583_333 + 141_984 + 151_371)
    # Only Bali and NTB publish a 2026 target: 73.86% and 64.94% of their own bases.
    targets = {r.name: r.target.members for r in s.regions if r.target is not None}
    assert targets == {"Bali": round(0.7386 * JUNE_2025_BASE), "Nusa Tenggara Barat": round(0.6494 * 1_808_432)}
    funded = {(r.name, ch.name) for r in s.regions for ch in r.channels if isinstance(ch, FundedBatch)}
    assert ("Nusa Tenggara Timur", "Province vulnerable workers") in funded
    ntt = next(ch for ch in by_name["Nusa Tenggara Timur"].channels if ch.name == "Province vulnerable workers")
    assert sum(b.members.mean for b in ntt.batches) == 100_000
    assert all(b.on == date(2025, 7, 18) for b in ntt.batches)
    r = run_scenario(s, replications=100, seed=4).summary()
    assert [x["name"] for x in r["regions"]] == names
    assert sum(x["final"]["mean"] for x in r["regions"]) == pytest.approx(r["final"]["mean"])
