"""Result folders read back through their models: every command's folder carries the format, and reads back.

The damaged folders (cut short, hand-edited, foreign, of another format) are in the bad-input corpus,
``tests/test_bad_input.py``; here the folders are whole, written by the real commands.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from conftest import ROOT, SCENARIOS
from sim.cli import main
from sim.experiment.blocks import run_scenario
from sim.i18n.language import Lang
from sim.report.write import build
from sim.results.files import SummaryFile, json_path, open_result, read_model, read_monthly
from sim.results.folder import FORMAT, write_run
from sim.results.money import with_money
from sim.scenario.loader import load_scenario

TINY = ROOT / "tests" / "data" / "tiny-growth.yaml"


def _main(*args: str) -> None:
    with pytest.raises(SystemExit) as info:
        main(list(args))
    assert info.value.code == 0


def test_json_paths_read_like_field_paths() -> None:
    assert json_path(("semesters", 0, "enrolled_mean")) == "semesters[0].enrolled_mean"
    assert json_path(("answers", 2, "probes", 0, "ci95", 1)) == "answers[2].probes[0].ci95[1]"
    assert json_path(()) == ""


@pytest.mark.parametrize("file", [SCENARIOS / "bali-2025.yaml", SCENARIOS / "banuspa-2019-s2.yaml"], ids=str)
def test_a_run_folder_reads_back_as_written(file: Path, tmp_path: Path) -> None:
    loaded = load_scenario(file)
    results = run_scenario(loaded.scenario, replications=40)
    summary = with_money(results.summary("test", ("a warning",)), results)
    folder = write_run(tmp_path / "run", summary, results.monthly_rows(), loaded.scenario, loaded.chain, {"seed": 1})
    opened = open_result(folder)
    assert (opened.kind, opened.run.format) == ("run", FORMAT)
    model = read_model(folder / "summary.json", SummaryFile)
    assert (model.replications, model.target.probability, model.target.baseline) == (
        40,
        summary["target"]["probability"],
        summary["target"]["baseline"],
    )
    assert [s.first_day for s in model.semesters] == [s["from"] for s in summary["semesters"]]
    assert [c.name for c in model.channels] == [c["name"] for c in summary["channels"]]
    assert (model.money is not None) == ("money" in summary)
    assert len(read_monthly(folder / "monthly.csv")) == len(results.monthly_rows())


def test_a_regional_run_reads_back(regional_file: Path, tmp_path: Path) -> None:
    _main("run", str(regional_file), "--reps", "30", "--workers", "1", "--out", str(tmp_path / "run"), "--quiet")
    assert build(tmp_path / "run", Lang("en")).sections


def test_every_command_writes_run_json_of_this_format(tmp_path: Path) -> None:
    history = tmp_path / "history.csv"
    history.write_text("date,metric,value,sd,source\n2024-06,active,47000,300,a\n2024-12,active,53000,300,b\n")
    variant = tmp_path / "more.yaml"
    variant.write_text(f"extends: {TINY}\nname: More walk-ins\nchannels:\n  - name: Walk-in\n    per_month: 2500\n")
    small = ("--workers", "1")
    commands = {
        "run": ["run", str(TINY), "--reps", "30", *small, "--quiet"],
        "compare": ["compare", str(TINY), str(variant), "--reps", "30", *small],
        "sweep": ["sweep", str(TINY), "--set", "channels[Walk-in].per_month=1000,2000", "--reps", "30", *small],
        "solve": [
            *("solve", str(TINY), "--lever", "channels[Walk-in].per_month", "--range", "0:4000"),
            *("--probability", "0.5", "--precision", "1000", "--reps", "20", "--max-reps", "40", *small),
        ],
        "sensitivity": [
            *("sensitivity", str(TINY), "--param", "channels[Walk-in].per_month=1000:3000", "--no-sobol"),
            *("--tornado-reps", "20", *small),
        ],
        "calibrate": [
            *("calibrate", str(TINY), "--observed", str(history), "--fit", "channels[Walk-in].per_month"),
            *("--reps", "20"),
        ],
        "backtest": ["backtest", str(TINY), "--actuals", str(history), "--reps", "20"],
    }
    keys = {}
    for kind, args in commands.items():
        out = tmp_path / kind
        _main(*args, "--out", str(out))
        opened = open_result(out)
        assert (opened.kind, opened.run.format) == (kind, FORMAT)
        if kind not in ("calibrate", "backtest"):
            assert build(out, Lang("id")).sections, kind
        info = json.loads((out / "run.json").read_text())
        keys[kind] = sorted(info)
        assert isinstance(info["seed"], int), kind
    assert all(k == keys["run"] for k in keys.values()), keys


def test_describe_each_row_gives_numpy_figures_of_that_row_alone_bit_for_bit() -> None:
    from sim.results.projections import QUANTILES, describe_each

    rng = np.random.default_rng(5)
    for reps in (2, 9, 1001):
        counts = rng.integers(0, 40_000_000, size=(4, 3, reps)).astype(np.int32)
        rows = counts[:, 1]  # strided, as a group's series is
        for values in (rows, rows / 3.7, counts.sum(axis=1)):
            for r, got in enumerate(describe_each(values)):
                v = np.asarray(values[r], dtype=np.float64)
                alone = [v.mean(), v.std(ddof=1), *np.percentile(v, QUANTILES)]
                assert list(got.values()) == [float(x) for x in alone]
