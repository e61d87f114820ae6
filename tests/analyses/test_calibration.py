"""Calibration: fitted rates recover the truth, intervals cover it, contradictions show as residuals."""

from __future__ import annotations

import json
import math
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from sim.analyses.history.calibration import Estimate, FittedRate, calibrate, parameter
from sim.analyses.history.observations import Observation
from sim.analyses.history.writeback import as_distribution
from sim.errors import ScenarioError
from sim.experiment.blocks import run_scenario
from sim.scenario.distributions import Beta, Lognormal
from sim.scenario.loader import load_scenario
from sim.scenario.paths import Override
from tests.conftest import ROOT, run_cli

TINY = ROOT / "tests" / "data" / "tiny-growth.yaml"
DATES = (date(2024, 2, 29), date(2024, 4, 30), date(2024, 6, 30), date(2024, 8, 31))
# Eight months are enough to separate inflow from lapse and keep each fit around a second.
SHORT = (Override("end", "2024-08-31"), Override("target.by", "2024-08-31"))
TRUTH = {"channels[Walk-in].per_month": 2000.0, "lapse.monthly_rate": 0.02}


def observed_path(seed: int, sd: float) -> tuple[Observation, ...]:
    """One replication of the tiny scenario (its true rates) on DATES, plus N(0, sd²) reporting noise."""
    loaded = load_scenario(TINY, SHORT)
    truth = run_scenario(loaded.scenario, replications=1, seed=10_000 + seed, marks=DATES)
    rng = np.random.default_rng(seed)
    rows = [truth.record_dates().index(d) for d in DATES]
    return tuple(
        Observation(d, "active", float(truth.active.row(r).sum()) + rng.normal(0, sd), sd=sd, line=i + 2)
        for i, (d, r) in enumerate(zip(DATES, rows, strict=True))
    )


def fit(paths: list[str], observations: tuple[Observation, ...], seed: int = 1, reps: int = 60):  # type: ignore[no-untyped-def]
    loaded = load_scenario(TINY, SHORT)
    return calibrate(loaded.raw, loaded.file, loaded.scenario, paths, observations, reps, seed)


def test_one_rate_is_recovered_inside_its_interval() -> None:
    result = fit(["channels[Walk-in].per_month"], observed_path(0, 300))
    (e,) = result.estimates
    lo, hi = e.interval
    assert lo < 2000 < hi
    assert lo < e.value < hi
    assert hi / lo < 1.5  # 4 figures ±300 pin a monthly inflow of 2,000 to well within ±25%
    assert [r.flag for r in result.residuals] == ["", "", "", ""]


@pytest.mark.slow
def test_intervals_cover_the_true_rates_at_their_nominal_rate_over_seeds() -> None:
    # 16 independent data sets, each fitted for both rates (40 replications per evaluation).
    # Nominal 90%: covers ~ Binomial(16, 0.9); P(covers <= 11) = 1.7%, so requiring >= 12 of 16 for each
    # rate falsely fails at most 3.4% of the time; an interval half as wide as it should be covers about
    # 59%, and passes with probability P(Binomial(16, 0.59) >= 12) = 15%.
    covered = dict.fromkeys(TRUTH, 0)
    for seed in range(16):
        result = fit(list(TRUTH), observed_path(seed, 300), seed=seed, reps=40)
        for e in result.estimates:
            lo, hi = e.interval
            covered[e.parameter.path] += lo <= TRUTH[e.parameter.path] <= hi
    assert stats.binom.cdf(11, 16, 0.9) < 0.02
    assert all(n >= 12 for n in covered.values()), covered


def test_contradictory_figures_fit_with_visible_residuals() -> None:
    observations = (
        Observation(date(2024, 4, 30), "active", 45_000, line=2),
        Observation(date(2024, 6, 30), "active", 62_000, line=3),
        Observation(date(2024, 6, 30), "active", 42_000, line=4),
        Observation(date(2024, 8, 31), "active", 49_500, line=5),
    )
    result = fit(["channels[Walk-in].per_month"], observations)
    z = {r.observation.line: r.z for r in result.residuals}
    assert result.noise_estimated
    assert result.noise_level > 0.05
    assert z[3] > 1.2
    assert z[4] < -0.5
    assert abs(z[3]) > max(abs(z[2]), abs(z[5]))
    assert math.isfinite(result.estimates[0].value)


def test_only_rates_can_be_fitted() -> None:
    loaded = load_scenario(TINY)
    with pytest.raises(ScenarioError, match="only a rate"):
        parameter(loaded.scenario, loaded.raw, "target.members")
    with pytest.raises(ScenarioError, match="no channel named 'Walkin'"):
        parameter(loaded.scenario, loaded.raw, "channels[Walkin].per_month")
    share = parameter(loaded.scenario, loaded.raw, "lapse.monthly_rate")
    assert share.share
    assert not parameter(loaded.scenario, loaded.raw, "channels[Walk-in].per_month").share


def test_fitted_distributions_carry_the_interval() -> None:
    count = Estimate(FittedRate("x", share=False, start=1.0), x=math.log(2000), se=0.1, quantile=1.6449)
    dist = as_distribution(count)
    assert isinstance(dist, Lognormal)
    lo, hi = count.interval
    assert dist.ppf(0.05) == pytest.approx(lo, rel=1e-3)
    assert dist.ppf(0.95) == pytest.approx(hi, rel=1e-3)
    share = Estimate(FittedRate("p", share=True, start=0.5), x=math.log(0.02 / 0.98), se=0.2, quantile=1.6449)
    beta = as_distribution(share)
    assert isinstance(beta, Beta)
    draws = 1 / (1 + np.exp(-(share.x + 0.2 * np.random.default_rng(3).standard_normal(200_000))))
    # Moments matched: the Beta's mean and sd equal the logit-normal's to Monte Carlo error (sd/√n ≈ 1e-5).
    assert beta.mean == pytest.approx(draws.mean(), abs=1e-4)
    assert math.sqrt(beta.variance) == pytest.approx(draws.std(), rel=0.01)


def test_cli_writes_fit_residuals_plot_and_a_calibrated_scenario_that_runs(tmp_path: Path) -> None:
    history = tmp_path / "history.csv"
    history.write_text(
        "date,metric,value,sd,source\n2023-12,active,40000,,before the start\n"
        "2024-06,active,47000,300,a\n2024-12,active,53000,300,b\n2024-12,active,60000,300,c\n"
    )
    out, written = tmp_path / "fit", tmp_path / "calibrated.yaml"
    result = run_cli(
        "calibrate",
        str(TINY),
        "--observed",
        str(history),
        "--fit",
        "channels[Walk-in].per_month",
        "--reps",
        "50",
        "--out",
        str(out),
        "--scenario-out",
        str(written),
    )
    assert result.returncode == 0, result.stderr
    assert {p.name for p in out.iterdir()} == {
        "COMPLETE",
        "calibrated.yaml",
        "fit.json",
        "fit.png",
        "residuals.csv",
        "run.json",
    }
    facts = json.loads((out / "fit.json").read_text())
    assert facts["observations_used"] == 3
    assert facts["observations_outside_horizon"] == 1
    assert "lognormal" in facts["parameters"][0]["distribution"]
    residuals = (out / "residuals.csv").read_text()
    assert "outlier" in residuals
    assert "outside horizon" in residuals
    text = written.read_text()
    assert "\nextends: " in text  # --scenario-out extends the fitted scenario; the result folder holds it whole
    assert "extends" not in (out / "calibrated.yaml").read_text()
    assert load_scenario(written).scenario == load_scenario(out / "calibrated.yaml").scenario
    assert "# Calibrated by: sim calibrate" in text
    assert "history.csv" in text
    calibrated = load_scenario(written).scenario
    assert calibrated.channels[0].source == "per_month fitted to history.csv by sim calibrate"
    assert run_cli("run", str(written), "--reps", "50", "--out", str(tmp_path / "run")).returncode == 0


def test_shipped_calibrated_scenario_names_its_data_and_command() -> None:
    path = ROOT / "scenarios" / "bali-2025-calibrated.yaml"
    text = path.read_text()
    assert "# Calibrated by: sim calibrate scenarios/bali-calibration-2023.yaml" in text
    assert "--observed scenarios/data/bali-history.csv" in text
    loaded = load_scenario(path)
    walk_in = next(ch for ch in loaded.scenario.channels if ch.name == "Walk-in and digital")
    assert "per_month fitted to bali-history.csv" in walk_in.source
    assert isinstance(walk_in.rate_fields()["per_month"], Lognormal)
    assert walk_in.rate_fields()["per_month"].variance > 0
    assert text.count("\nextends: bali-2025.yaml\n") == 1
    base = load_scenario(ROOT / "scenarios" / "bali-2025.yaml").scenario
    assert loaded.scenario.model_copy(update={"channels": base.channels, "name": base.name}) == base
    assert loaded.scenario.start == date(2025, 7, 1)


def test_a_fit_is_reproducible_and_records_irregular_dates_exactly() -> None:
    observations = (
        Observation(date(2024, 3, 17), "active", 43_400, sd=300),
        Observation(date(2024, 7, 2), "active", 47_600, sd=300),
    )
    first = fit(["channels[Walk-in].per_month"], observations)
    again = fit(["channels[Walk-in].per_month"], observations)
    assert first.estimates == again.estimates
    assert [r.mean for r in first.residuals] == [r.mean for r in again.residuals]
    loaded = load_scenario(TINY, SHORT)
    results = run_scenario(loaded.scenario, replications=5, seed=1, marks=(date(2024, 3, 17),))
    assert date(2024, 3, 17) in results.record_dates()
    assert date(2024, 3, 31) in results.record_dates()


def test_extends_replaces_a_distribution_whole(tmp_path: Path) -> None:
    tiny = TINY.read_text().replace("per_month: 2000", "per_month: {triangular: [1500, 2000, 2500]}")
    (tmp_path / "parent.yaml").write_text(tiny)
    (tmp_path / "child2.yaml").write_text(
        "extends: parent.yaml\nchannels:\n  - name: Walk-in\n    per_month: {lognormal: {mean: 2100, sd: 300}}\n"
    )
    child = load_scenario(tmp_path / "child2.yaml").scenario
    assert child.channels[0].rate_fields()["per_month"] == Lognormal(2100, 300)


@pytest.mark.parametrize("case", ["missing-folder", "existing-file"])
def test_a_bad_scenario_out_is_refused_before_the_fit(tmp_path: Path, case: str) -> None:
    history = tmp_path / "history.csv"
    history.write_text("date,metric,value,sd,source\n2024-06,active,47000,300,a\n")
    written = tmp_path / "no-such-folder" / "calibrated.yaml"
    if case == "existing-file":
        written = tmp_path / "calibrated.yaml"
        written.write_text("# an earlier file\n")
    out = tmp_path / "fit"
    result = run_cli(
        "calibrate", str(TINY), "--observed", str(history), "--fit", "channels[Walk-in].per_month",
        "--reps", "50", "--out", str(out), "--scenario-out", str(written),
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "--scenario-out" in result.stderr
    assert not out.exists()
    if case == "existing-file":
        assert written.read_text() == "# an earlier file\n"
