"""Rolling-origin backtest: refit up to each observed count, project the months after it, score."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from sim.analyses.history.observations import Observation
from sim.analyses.history.rolling import months_after, origins, with_figure_noise
from sim.experiment.blocks import run_scenario
from sim.scenario.loader import load_scenario
from tests.cli_inproc import sim_cli
from tests.conftest import ROOT, SCENARIOS

TINY = ROOT / "tests" / "data" / "tiny-growth.yaml"
QUARTERS = (date(2024, 3, 31), date(2024, 6, 30), date(2024, 9, 30), date(2024, 12, 31))
WALK_IN = "channels[Walk-in].per_month"


def test_a_projection_from_a_date_runs_to_the_end_of_the_month_months_later() -> None:
    assert months_after(date(2025, 6, 30), 6) == date(2025, 12, 31)
    assert months_after(date(2025, 3, 31), 6) == date(2025, 9, 30)
    assert months_after(date(2025, 11, 30), 3) == date(2026, 2, 28)


def test_origins_need_a_count_to_restart_from_history_before_and_a_figure_after() -> None:
    s = load_scenario(TINY).scenario
    obs = (
        Observation(date(2024, 2, 29), "coverage", 0.2),  # no count: not an origin
        Observation(date(2024, 3, 31), "active", 41000),
        Observation(date(2024, 6, 30), "active", 42000),
        Observation(date(2024, 12, 31), "active", 45000),  # nothing after it
    )
    assert origins(s, obs, 3, 1) == [date(2024, 3, 31)]  # June's next figure is six months on
    assert origins(s, obs, 6, 1) == [date(2024, 3, 31), date(2024, 6, 30)]
    assert origins(s, obs, 6, 3) == [date(2024, 6, 30)]  # three figures to fit three rates


def test_figure_noise_has_the_fitted_relative_sd_or_the_rows_own() -> None:
    rng = np.random.default_rng(3)
    draws = np.full(40000, 1000.0)
    noisy = with_figure_noise(draws, Observation(date(2024, 1, 31), "active", 1.0, weight=0.25), 0.05, rng)
    # sd = c·|x|/√w = 0.05 · 1000 / 0.5 = 100; the sample sd of 40,000 draws is within 2% (4.5 of its ses)
    assert noisy.std() == pytest.approx(100, rel=0.02)
    given = with_figure_noise(draws, Observation(date(2024, 1, 31), "active", 1.0, sd=7.0), 0.05, rng)
    assert given.std() == pytest.approx(7, rel=0.02)


def test_cli_rolling_backtest_of_a_tiny_history(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    truth = run_scenario(load_scenario(TINY).scenario, replications=1, seed=99, marks=QUARTERS)
    rows = [truth.record_dates().index(d) for d in QUARTERS]
    history = tmp_path / "history.csv"
    history.write_text(
        "date,metric,value,segment,channel,region,source,weight,sd,note\n"
        + "".join(
            f"{d.isoformat()},active,{truth.active.row(r).sum()},,,,path,1,500,\n"
            for d, r in zip(QUARTERS, rows, strict=True)
        )
    )
    args = ("backtest", str(TINY), "--actuals", str(history), "--rolling", "3", "--reps", "300")
    done = sim_cli(capsys, *args, "--fit", WALK_IN, "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["rolling"]["origins"] == ["2024-03-31", "2024-06-30", "2024-09-30"]
    scores = data["scores"]
    assert [(r["origin"], r["date"], r["scored_as"]) for r in scores[:2]] == [
        ("2024-03-31", "2024-06-30", "model"),
        ("2024-03-31", "2024-06-30", "figure"),
    ]
    for model, figure in zip(scores[::2], scores[1::2], strict=True):
        # each figure's own sd of 500 widens the band: √(model² + (2·1.645·500)²)
        model_width, figure_width = model["p95"] - model["p05"], figure["p95"] - figure["p05"]
        assert figure_width == pytest.approx(np.hypot(model_width, 2 * 1.645 * 500), rel=0.15)
        low, high = model["fitted"][WALK_IN][1:]
        assert low < 2000 * 3 and high > 2000 / 3  # each refit lands near the true 2,000 a month
    model = data["summary"]["model"]
    assert model["observations"] == 3
    assert model["inside90_share"] == sum(r["inside90"] for r in scores[::2]) / 3
    assert model["mean_crps"]["active"] == pytest.approx(np.mean([r["crps"] for r in scores[::2]]))

    refused = sim_cli(capsys, *args, "--fit", WALK_IN, "--reanchor", "2024-03")
    assert refused.returncode == 2 and "--reanchor" in refused.stderr
    assert "--fit" in sim_cli(capsys, *args).stderr


@pytest.mark.slow
def test_bali_rolling_origin_coverage_as_reported_in_the_readme(capsys: pytest.CaptureFixture[str]) -> None:
    done = sim_cli(
        capsys,
        "backtest",
        str(SCENARIOS / "bali-calibration-2025.yaml"),
        "--actuals",
        str(SCENARIOS / "data" / "bali-history.csv"),
        "--rolling",
        "6",
        "--fit",
        "channels[Walk-in and digital].per_month",
        "--json",
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["rolling"]["origins"] == ["2025-03-31", "2025-06-30"]
    assert data["summary"]["model"]["inside90_share"] == 0.4
    assert data["summary"]["figure"]["inside90_share"] == 1.0
