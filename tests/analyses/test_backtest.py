"""Backtests: a scenario scored against its own replications is calibrated; a wrong one is not."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from sim.analyses.history.backtest import apportion, backtest, reanchor_overrides, summary
from sim.analyses.history.observations import Observation
from sim.errors import ScenarioError
from sim.experiment.blocks import run_scenario
from sim.scenario.loader import load_scenario
from sim.scenario.paths import Override
from tests.conftest import ROOT, run_cli

TINY = ROOT / "tests" / "data" / "tiny-growth.yaml"
DATES = (date(2024, 3, 31), date(2024, 6, 30), date(2024, 9, 30), date(2024, 12, 31))
UNCERTAIN = (
    Override("channels[Walk-in].per_month", {"triangular": [1500, 2000, 2500]}),
    Override("lapse.monthly_rate", {"beta": [4, 196]}),
)


def actuals_from(overrides: tuple[Override, ...], paths: int, seed: int) -> tuple[Observation, ...]:
    """One observation per replication of the tiny scenario: path i observed on DATES[i % 4]."""
    truth = run_scenario(load_scenario(TINY, overrides).scenario, replications=paths, seed=seed, marks=DATES)
    rows = [truth.record_dates().index(d) for d in DATES]
    return tuple(
        Observation(DATES[i % 4], "active", float(truth.active.row(rows[i % 4])[:, i].sum()), line=i + 2)
        for i in range(paths)
    )


def test_a_scenario_scored_against_its_own_replications_is_calibrated() -> None:
    # 300 independent paths, each scored once. PIT uniform: KS p > 0.001 (false alarm 0.1%). Band coverage
    # ~ Binomial(300, p)/300: within 3.3 sd of nominal (0.5 ± 0.095, 0.9 ± 0.057), each false alarm ~0.1%.
    actuals = actuals_from(UNCERTAIN, 300, seed=101)
    scores = backtest(load_scenario(TINY, UNCERTAIN).scenario, actuals, replications=1000, seed=202).scores
    pits = np.array([s.pit for s in scores])
    assert stats.kstest(pits, "uniform").pvalue > 0.001
    overall = summary(scores)
    assert overall["inside50_share"] == pytest.approx(0.5, abs=3.3 * np.sqrt(0.25 / 300))
    assert overall["inside90_share"] == pytest.approx(0.9, abs=3.3 * np.sqrt(0.09 / 300))


def test_a_projection_with_the_wrong_inflow_scores_badly() -> None:
    truth = (Override("channels[Walk-in].per_month", 3000),)
    actuals = actuals_from(truth, 40, seed=5)
    scores = backtest(load_scenario(TINY, UNCERTAIN).scenario, actuals, replications=500, seed=6).scores
    overall = summary(scores)
    assert overall["mean_pit"] > 0.8
    assert overall["inside90_share"] < 0.5
    right = summary(backtest(load_scenario(TINY, truth).scenario, actuals, replications=500, seed=6).scores)
    assert right["by_series"]["active"]["mean_crps"] < overall["by_series"]["active"]["mean_crps"]


def test_apportion_keeps_proportions_and_the_total() -> None:
    assert apportion(100, [1, 1, 1]) == [34, 33, 33]
    assert apportion(897_832, [577_573, 320_259]) == [577_573, 320_259]
    assert sum(apportion(935_079, [577_573, 320_259])) == 935_079
    assert apportion(10, [0, 0]) == [5, 5]


def test_reanchoring_uses_segments_when_given_and_apportions_a_total_otherwise() -> None:
    s = load_scenario(ROOT / "scenarios" / "bali-calibration-2023.yaml").scenario
    total = (Observation(date(2025, 3, 31), "active", 935_079),)
    start, active = reanchor_overrides(s, total, date(2025, 3, 31))
    assert start == Override("start", "2025-04-01")
    assert active.value == dict(zip(("pu", "bpu"), apportion(935_079, [538_504, 298_595]), strict=True))
    parts = (
        Observation(date(2024, 1, 31), "active", 540_000, segment="pu"),
        Observation(date(2024, 1, 31), "active", 300_000, segment="bpu"),
    )
    assert reanchor_overrides(s, parts, date(2024, 1, 31))[1].value == {"pu": 540_000, "bpu": 300_000}
    with pytest.raises(ScenarioError, match=r"--reanchor: no active-member observation on 2025-05-31; dated: 2025-03"):
        reanchor_overrides(s, total, date(2025, 5, 31))


def test_cli_backtest_reanchored_prints_and_writes_the_scores(tmp_path: Path) -> None:
    history = tmp_path / "actuals.csv"
    history.write_text(
        "date,metric,value,source\n2024-03,active,44000,a\n2024-06,active,47500,b\n"
        "2024-09,active,50000,c\n2024-12,active,52000,d\n"
    )
    out = tmp_path / "bt"
    result = run_cli(
        "backtest", str(TINY), "--actuals", str(history), "--reanchor", "2024-06", "--reps", "200", "--out", str(out)
    )
    assert result.returncode == 0, result.stderr
    assert "projected from 2024-07-01, 2 observations scored" in result.stdout
    assert "mean PIT" in result.stdout
    facts = json.loads((out / "scores.json").read_text())
    assert facts["start"] == "2024-07-01"
    assert [row["date"] for row in facts["scores"]] == ["2024-09-30", "2024-12-31"]
    assert (out / "scores.csv").read_text().splitlines()[0].startswith("line,date,series,observed,mean,median")
    assert "active: 47500" in (out / "scenario.yaml").read_text()
    assert (out / "backtest.png").stat().st_size > 0
    bad = run_cli(
        "backtest", str(TINY), "--actuals", str(history), "--reanchor", "2024-05", "--out", str(tmp_path / "bad")
    )
    assert bad.returncode == 2
    assert bad.stderr.startswith("error: --reanchor: no active-member observation on 2024-05-31")


NATIONAL_BACKTEST = ROOT / "scenarios" / "national-backtest-2025.yaml"
NATIONAL_HISTORY = ROOT / "scenarios" / "data" / "national-history.csv"


def test_the_national_backtest_starts_from_the_published_february_split() -> None:
    from sim.model.layout import layout_of

    s = load_scenario(NATIONAL_BACKTEST).scenario
    layout = layout_of(s)
    assert s.start == date(2025, 3, 1) and len(layout.groups) == 114
    # national.active_by_segment["2025-02"], summed over the provinces.
    for segment, february in (("pu", 26_260_000), ("bpu", 9_580_000), ("jakon", 5_530_000)):
        total = sum(a for g, a in zip(layout.groups, layout.active, strict=True) if g.endswith("/" + segment))
        assert total == february
        assert {layout.lapse_draws[i] for i, g in enumerate(layout.groups) if g.endswith("/" + segment)} == {
            "/" + segment
        }
    # The first half's fitted lapse: pu 1.70%, bpu 7.81%, jakon 23.9% a month (the header's calibration).
    rates = {seg: s.regions[0].lapse_for(seg).monthly_rate.mean for seg in ("pu", "bpu", "jakon")}
    assert rates == pytest.approx({"pu": 0.0170, "bpu": 0.0781, "jakon": 0.239}, abs=5e-4)


@pytest.mark.slow
def test_the_national_backtest_holds_june_2025_as_published() -> None:
    # 200 replications, about 10 s. June's 39.35M rebounded by 300,000 on May while the fitted rates
    # keep falling: as a published figure (the model plus the fit's 1.31% figure noise) it lies inside
    # the 90% band; the Bali-based rates put it at 43.6M, far outside.
    from sim.analyses.history.observations import read_observations, simulated
    from sim.analyses.history.rolling import with_figure_noise
    from sim.analyses.history.scoring import central_band

    s = load_scenario(NATIONAL_BACKTEST).scenario
    observations = read_observations(NATIONAL_HISTORY)
    done = backtest(s, observations, replications=200)
    june = next(o for o in observations if o.when == date(2025, 6, 30) and o.series == "active")
    assert june.value == 39_350_000
    draws = simulated(done.results, june)
    assert s.target.figure_noise is not None
    published = with_figure_noise(draws, june, s.target.figure_noise, np.random.default_rng(1))
    lo, hi = central_band(published, 0.9)
    assert lo <= june.value <= hi
    # The model itself is within 2.5% of every published total and segment it is scored on.
    for score in done.scores:
        assert score.median == pytest.approx(score.observation.value, rel=0.025), score.observation.label
