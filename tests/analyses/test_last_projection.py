"""Scoring an earlier run's folder against what happened since: PIT from stored percentiles, bands, interval scores."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from sim.analyses.history.scoring import STORED_LEVELS, interval_score, pit_from_quantiles
from sim.i18n.language import Lang
from sim.report.write import build
from tests.cli_inproc import sim_cli
from tests.conftest import SCENARIOS
from tests.report_fixtures import small_run

HEADER = "date,metric,value,segment,channel,region,source,weight,sd,note\n"


def test_interval_scores_are_width_plus_two_over_alpha_times_the_miss() -> None:
    assert interval_score(10, 20, 15, 0.1) == 10  # inside: the width alone
    assert interval_score(10, 20, 25, 0.1) == 10 + 20 * 5  # 5 above a 90% band
    assert interval_score(10, 20, 5, 0.5) == 10 + 4 * 5  # 5 below a 50% band


def test_pit_is_linear_between_stored_percentiles_and_normal_beyond() -> None:
    values = (90.0, 95.0, 100.0, 110.0, 120.0)
    assert pit_from_quantiles(values, 95.0, 100, 10) == 0.25
    assert pit_from_quantiles(values, 105.0, 100, 10) == pytest.approx(0.625)
    assert pit_from_quantiles(values, 120.0, 100, 10) == 0.95
    # a normal projection stored exactly: the tails give Φ(z) itself
    normal = tuple(100 + 10 * stats.norm.ppf(q) for q in STORED_LEVELS)
    assert pit_from_quantiles(normal, 70.0, 100, 10) == pytest.approx(stats.norm.cdf(-3))
    assert pit_from_quantiles(normal, 125.0, 100, 10) == pytest.approx(stats.norm.cdf(2.5))
    assert 0 < pit_from_quantiles(values, 89.0, 100, 10) < 0.05 < 0.95 < pit_from_quantiles(values, 121.0, 100, 10) < 1


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return small_run(tmp_path_factory.mktemp("earlier"))


def monthly_row(run: Path, day: str, series: str) -> dict[str, float]:
    import csv

    with (run / "monthly.csv").open() as f:
        row = next(r for r in csv.DictReader(f) if r["date"] == day and r["series"] == series)
    return {k: float(v) for k, v in row.items() if k not in ("date", "series")}


def test_an_earlier_run_is_scored_from_its_folder_and_reported(
    run_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sept = monthly_row(run_dir, "2025-09-30", "active")
    dec = monthly_row(run_dir, "2025-12-31", "active")
    history = tmp_path / "history.csv"
    history.write_text(
        HEADER
        + "2025-03,active,30000,,,,before,1,,\n"  # before the start (2025-04-01)
        + f"2025-09,active,{sept['p50']},,,,on the median,1,,\n"
        + f"2025-12,active,{dec['p05'] - 1000},,,,below the band,1,,\n"
        + "2025-12,registered,5,pu,,,not stored,1,,\n"
    )
    done = sim_cli(capsys, "backtest", str(run_dir), "--actuals", str(history))
    assert done.returncode == 0, done.stderr
    assert "2 later observations scored" in done.stdout
    assert "not scored, before the projection's start: 2025-03-31 active" in done.stdout
    assert "the folder holds no registered[pu] on 2025-12-31" in done.stdout
    [folder] = (run_dir / "scored").iterdir()
    data = json.loads((folder / "scores.json").read_text())
    on_median, below = data["scores"]
    assert on_median["pit"] == pytest.approx(0.5) and on_median["inside50"] and on_median["inside90"]
    assert on_median["interval_score90"] == pytest.approx(sept["p95"] - sept["p05"])
    assert not below["inside90"] and below["pit"] < 0.05
    assert below["interval_score90"] == pytest.approx(dec["p95"] - dec["p05"] + 20 * 1000)
    assert below["interval_score50"] == pytest.approx(dec["p75"] - dec["p25"] + 4 * (dec["p25"] - dec["p05"] + 1000))
    assert data["summary"]["inside90_share"] == 0.5
    assert json.loads((folder / "run.json").read_text())["format"] == 1
    for code, title in (("en", "How our last projection did"), ("id", "Bagaimana proyeksi ini terbukti")):
        report = build(run_dir, Lang(code))
        section = next(s for s in report.sections if s.key == "last_projection")
        assert section.title == title
        assert [row[2] for row in section.tables[0].rows] == [sept["p50"], dec["p05"] - 1000]


def test_a_folder_is_scored_as_it_was_made(run_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    history = tmp_path / "history.csv"
    history.write_text(HEADER + "2025-12,active,30000,,,,x,1,,\n")
    done = sim_cli(capsys, "backtest", str(run_dir), "--actuals", str(history), "--reps", "10")
    assert done.returncode == 2
    assert "--reps" in done.stderr and "is a result folder" in done.stderr
    history.write_text(HEADER + "2024-12,active,30000,,,,x,1,,\n")
    done = sim_cli(capsys, "backtest", str(run_dir), "--actuals", str(history), "--out", str(tmp_path / "s"))
    assert done.returncode == 2 and "no observation falls on a stored date" in done.stderr
    assert not (tmp_path / "s").exists()


def test_bali_2025_scored_against_december_2025_lies_inside_its_90_band(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The shipped seed and replications, as the planners ran it in mid-2025.
    run = tmp_path / "bali-2025"
    assert sim_cli(capsys, "run", str(SCENARIOS / "bali-2025.yaml"), "--out", str(run), "--quiet").returncode == 0
    done = sim_cli(capsys, "backtest", str(run), "--actuals", str(SCENARIOS / "data" / "bali-history.csv"), "--json")
    assert done.returncode == 0, done.stderr
    scores = {s["series"]: s for s in json.loads(done.stdout)["scores"]}
    active = scores["active"]
    assert (active["date"], active["observed"]) == ("2025-12-31", 922307)
    assert active["p05"] < 922307 < active["p25"] and active["inside90"] and not active["inside50"]
    assert 0.05 < active["pit"] < 0.25
    assert np.isclose(scores["coverage"]["observed"], 0.5388) and scores["coverage"]["inside90"]
