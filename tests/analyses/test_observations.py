"""History CSVs: what is read, and one-line errors naming file, line and column."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from sim.analyses.history.observations import check_against, parse_date, read_observations
from sim.errors import ScenarioError
from sim.scenario.loader import load_scenario
from tests.conftest import ROOT, run_cli

TINY = ROOT / "tests" / "data" / "tiny-growth.yaml"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "history.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_rows_are_read_with_month_dates_as_month_ends_and_comments_skipped(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "# a note\ndate,metric,value,segment,channel,sd,weight,source\n"
        '2024-02,active,"41,000",,,500,,press\n2024-03-15,enrolled,12,,Walk-in,,0.5,\n',
    )
    first, second = read_observations(path)
    assert (first.when, first.series, first.value, first.sd, first.weight, first.line) == (
        date(2024, 2, 29),
        "active",
        41000.0,
        500.0,
        1.0,
        3,
    )
    assert (second.when, second.series, second.sd, second.weight) == (date(2024, 3, 15), "enrolled[Walk-in]", None, 0.5)
    assert parse_date("2023-11") == date(2023, 11, 30)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("date,value\n2024-01-31,5\n", ":1: metric: missing column 'metric'"),
        ("date,metric,value\n2024-01-31,active,5\n31/01/2024,active,5\n", ":3: date: expected a date"),
        ("date,metric,value\n2024-01-31,members,5\n", ":2: metric: unknown metric 'members'; allowed: active"),
        ("date,metric,value\n2024-01-31,active,lots\n", ":2: value: expected a number, got 'lots'"),
        ("date,metric,value\n2024-01-31,coverage,52\n", ":2: value: coverage is a share in [0, 1]"),
        ("date,metric,value,sd\n2024-01-31,active,5,0\n", ":2: sd: must be a finite number > 0"),
        ("date,metric,value\n2024-01-31,enrolled,5\n", ":2: channel: metric enrolled needs the channel's name"),
        ("date,metric,value,colour\n2024-01-31,active,5,red\n", ":1: colour: unknown column 'colour'"),
    ],
)
def test_bad_rows_are_one_line_errors_naming_file_line_and_column(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ScenarioError) as err:
        read_observations(path)
    assert str(err.value).startswith(str(path))
    assert expected in str(err.value)


def test_rows_naming_what_the_scenario_lacks_are_refused(tmp_path: Path) -> None:
    scenario = load_scenario(TINY).scenario
    path = write(tmp_path, "date,metric,value,segment\n2024-01-31,active,5,pu\n")
    with pytest.raises(ScenarioError, match=r":2: segment: segment 'pu' is not in the scenario"):
        check_against(read_observations(path), scenario, path)
    path = write(tmp_path, "date,metric,value,channel\n2024-01-31,enrolled,5,Agents\n")
    with pytest.raises(ScenarioError, match=r":2: channel: no channel named 'Agents'; channels: Walk-in"):
        check_against(read_observations(path), scenario, path)


@pytest.mark.parametrize("command", ["calibrate", "backtest"])
def test_cli_reports_a_bad_csv_in_one_line_with_exit_2_and_writes_nothing(tmp_path: Path, command: str) -> None:
    path = write(tmp_path, "date,metric,value\n2024-01-31,active,5\n2024-13-01,active,6\n")
    option = (
        ["--observed", str(path), "--fit", "channels[Walk-in].per_month"]
        if command == "calibrate"
        else ["--actuals", str(path)]
    )
    out = tmp_path / "out"
    result = run_cli(command, str(TINY), *option, "--out", str(out))
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert result.stderr.startswith(f"error: {path}:3: date: expected a date")
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_shipped_history_has_a_source_on_every_row_and_keeps_both_2025_figures() -> None:
    rows = read_observations(ROOT / "scenarios" / "data" / "bali-history.csv")
    assert all(o.source for o in rows)
    totals = {o.when: o.value for o in rows if o.series == "active"}
    assert totals[date(2025, 3, 31)] == 935079
    assert totals[date(2025, 6, 30)] == 897832
    check_against(rows, load_scenario(ROOT / "scenarios" / "bali-calibration-2023.yaml").scenario, Path("x"))


def test_each_metric_reads_its_own_series_from_the_results() -> None:
    from sim.analyses.history.observations import Observation, simulated
    from sim.experiment.blocks import run_scenario

    s = load_scenario(ROOT / "scenarios" / "bali-2025.yaml").scenario
    results = run_scenario(s, replications=20, seed=3)
    when = date(2025, 9, 30)
    row = results.record_dates().index(when)
    series = results.series()
    for o, expected in [
        (Observation(when, "active", 0), series["active"][row]),
        (Observation(when, "active", 0, segment="bpu"), series["active[bpu]"][row]),
        (Observation(when, "registered", 0, segment="pu"), series["active[pu]"][row] + series["inactive[pu]"][row]),
        (Observation(when, "coverage", 0), series["coverage"][row]),
        (Observation(when, "coverage", 0, segment="pu"), series["active[pu]"][row] / results.workers[row, 0]),
        (Observation(when, "enrolled", 0, channel="BRI KUR"), series["enrolled[BRI KUR]"][row]),
    ]:
        assert simulated(results, o) == pytest.approx(expected), o.series


def test_a_segment_of_a_national_scenario_is_the_sum_over_its_regions(regional_file: Path) -> None:
    from sim.analyses.history.observations import Observation, segment_groups, simulated
    from sim.experiment.blocks import run_scenario

    s = load_scenario(regional_file).scenario
    assert segment_groups(s, "bpu") == [1]  # only North has segments
    assert segment_groups(s, "North/pu") == [0]
    assert segment_groups(s, "jakon") == []
    results = run_scenario(s, replications=20, seed=3)
    when = date(2025, 9, 30)
    row = results.record_dates().index(when)
    series = results.series()
    assert simulated(results, Observation(when, "active", 0, segment="pu")) == pytest.approx(
        series["active[North/pu]"][row]
    )
    south = Observation(when, "registered", 0, segment="all")
    assert simulated(results, south) == pytest.approx(
        series["active[South/all]"][row] + series["inactive[South/all]"][row]
    )


def test_a_national_history_may_name_segments_without_a_region(tmp_path: Path) -> None:
    scenario = load_scenario(ROOT / "scenarios" / "national-backtest-2025.yaml").scenario
    path = write(tmp_path, "date,metric,value,segment\n2025-03,active,5,jakon\n2025-03,active,5,Bali/pu\n")
    check_against(read_observations(path), scenario, path)
    path = write(tmp_path, "date,metric,value,segment\n2025-03,active,5,migrant\n")
    with pytest.raises(ScenarioError, match=r":2: segment: segment 'migrant' is not in the scenario"):
        check_against(read_observations(path), scenario, path)
