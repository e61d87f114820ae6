"""The bad-input corpus for history CSVs (``--observed``, ``--actuals``), beside the scenario one.

Each file under ``tests/bad_histories`` is one way a planner's history file goes wrong, and
:data:`CASES` holds the line the error must name (``None`` when the problem is the file as a
whole), the column and the message. Every case is also given to ``sim calibrate`` and
``sim backtest``: exit code 2, one line on stderr, no traceback, nothing written. Files too big
or too odd to keep in the repository (2 GB, a pipe, a device) are made by the tests, and given
to the scenario reader too: both go through the one :func:`sim.scenario.textfile.read_text`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cli_inproc import sim_cli
from conftest import ROOT, run_cli
from sim.analyses.history.observations import read_observations
from sim.errors import ScenarioError
from sim.scenario.loader import load_scenario

CORPUS = ROOT / "tests" / "bad_histories"
TINY = ROOT / "tests" / "data" / "tiny-growth.yaml"

# (file stem, line or None, column, what is wrong and what is allowed)
CASES: list[tuple[str, int | None, str, str]] = [
    ("01-spreadsheet-not-csv", None, "", "file is binary, not CSV text"),
    ("02-utf16-with-byte-order-mark", None, "", "file is saved as UTF-16; save it as UTF-8 (plain text)"),
    ("03-utf16-without-byte-order-mark", None, "", "file is saved as UTF-16; save it as UTF-8 (plain text)"),
    ("04-non-utf8-byte", 3, "", "byte 0xe9 is not UTF-8; save the file as UTF-8"),
    ("05-empty", None, "", "file is empty; a history has a header line (date,metric,value,...) and one row per figure"),
    ("06-comments-only", None, "", "no header line; expected columns date,metric,value"),
    ("07-header-only", 1, "", "no observations after the header"),
    ("08-missing-value-column", 2, "value", "missing column 'value'; required: date, metric, value"),
    (
        "09-semicolon-separated",
        2,
        "",
        "the columns are separated by ';'; separate them with commas: date,metric,value,...",
    ),
    ("10-unknown-column", 2, "sumber", "unknown column 'sumber'; allowed: date, metric, value, segment, channel"),
    ("11-unknown-metric", 4, "metric", "unknown metric 'members'; allowed: active, registered, coverage, enrolled"),
    ("12-day-first-date", 4, "date", "expected a date YYYY-MM-DD or YYYY-MM, got '30/06/2024'"),
    ("13-impossible-date", 4, "date", "expected a date YYYY-MM-DD or YYYY-MM, got '2024-06-31'"),
    ("14-non-numeric-value", 4, "value", "expected a number, got '44.5 ribu'"),
    ("15-negative-value", 5, "value", "must be a finite number >= 0, got '-11800'"),
    ("16-nan-value", 4, "value", "must be a finite number >= 0, got 'nan'"),
    ("17-coverage-as-percent", 4, "value", "coverage is a share in [0, 1], got 22"),
    ("18-zero-sd", 3, "sd", "must be a finite number > 0, got '0'"),
    ("19-negative-weight", 5, "weight", "must be a finite number > 0, got '-1'"),
    ("20-enrolled-without-channel", 5, "channel", "metric enrolled needs the channel's name"),
    ("21-channel-on-active", 4, "channel", "channel is only for metric enrolled, not active"),
    (
        "22-unquoted-thousands-separator",
        4,
        "line",
        '6 cells but the header has 5 columns; put quotes around a value that holds a comma, e.g. "44,500"',
    ),
    ("23-empty-value", 4, "value", "expected a number, got ''"),
]


def test_corpus_has_a_message_for_every_file() -> None:
    assert {p.stem for p in CORPUS.glob("*.csv")} == {c[0] for c in CASES}


@pytest.mark.parametrize(("stem", "line", "field", "message"), CASES, ids=[c[0] for c in CASES])
def test_reader_names_file_line_column_and_problem(stem: str, line: int | None, field: str, message: str) -> None:
    file = CORPUS / f"{stem}.csv"
    with pytest.raises(ScenarioError) as info:
        read_observations(file)
    err = info.value
    assert (err.where.file, err.where.line, err.field) == (file, line, field)
    assert message in err.message
    assert "\n" not in str(err)


def _command(command: str, history: Path, out: Path) -> list[str]:
    if command == "calibrate":
        option = ["--observed", str(history), "--fit", "channels[Walk-in].per_month"]
    else:
        option = ["--actuals", str(history)]
    return [command, str(TINY), *option, "--out", str(out)]


def _one_line_exit_2(done: Any, expected: str) -> None:
    assert done.returncode == 2
    assert done.stderr == f"error: {expected}\n"
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("command", ["calibrate", "backtest"])
@pytest.mark.parametrize(("stem", "message"), [(c[0], c[3]) for c in CASES], ids=[c[0] for c in CASES])
def test_calibrate_and_backtest_exit_2_with_one_line_and_write_nothing(
    command: str, stem: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    file = CORPUS / f"{stem}.csv"
    with pytest.raises(ScenarioError) as info:
        read_observations(file)
    out = tmp_path / "out"
    done = sim_cli(capsys, *_command(command, file, out))
    _one_line_exit_2(done, str(info.value))
    assert message in done.stderr
    assert not out.exists()


READERS: dict[str, Callable[[Path], Any]] = {"scenario": load_scenario, "history": read_observations}


def _odd_file(kind: str, tmp_path: Path) -> tuple[Path, str]:
    """Files no repository should hold: what each is, and the message it gets."""
    path = tmp_path / kind
    if kind == "sparse-2-GB":
        with path.open("wb") as f:
            f.truncate(2_000_000_000)  # sparse: costs no disk
        return path, "file is 2,000,000,000 bytes; {noun} files are limited to 1,000,000"
    if kind == "one-byte-over":
        path.write_bytes(b"# " + b"x" * 999_997 + b"\n\n")
        return path, "file is 1,000,001 bytes; {noun} files are limited to 1,000,000"
    if kind == "directory":
        path.mkdir()
        return path, "is a directory; give a {noun} {suffix} file"
    if kind == "pipe":
        os.mkfifo(path)  # opening it would wait forever for a writer
        return path, "is not a regular file (a device or a pipe?); give a {noun} {suffix} file"
    if kind == "device":
        return Path("/dev/zero"), "is not a regular file (a device or a pipe?); give a {noun} {suffix} file"
    return path, "no such file"


ODD = ["sparse-2-GB", "one-byte-over", "directory", "pipe", "device", "missing"]
SUFFIX = {"scenario": ".yaml", "history": ".csv"}


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("kind", ODD)
def test_scenario_and_history_files_get_the_same_file_checks(reader: str, kind: str, tmp_path: Path) -> None:
    path, message = _odd_file(kind, tmp_path)
    with pytest.raises(ScenarioError) as info:
        READERS[reader](path)
    assert str(info.value) == f"{path}: {message.format(noun=reader, suffix=SUFFIX[reader])}"


@pytest.mark.parametrize("command", ["calibrate", "backtest"])
@pytest.mark.parametrize("kind", ODD)
def test_odd_history_files_are_one_line_from_the_cli(
    command: str, kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, message = _odd_file(kind, tmp_path)
    out = tmp_path / "out"
    done = sim_cli(capsys, *_command(command, path, out))
    _one_line_exit_2(done, f"{path}: {message.format(noun='history', suffix='.csv')}")
    assert not out.exists()


def test_a_field_too_long_for_the_csv_module_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "history.csv"
    path.write_text("date,metric,value,source\n2024-03,active,42000,ok\n2024-06,active,44500," + "x" * 200_000 + "\n")
    with pytest.raises(ScenarioError) as info:
        read_observations(path)
    assert str(info.value).startswith(f"{path}:3: line: cannot read this line as CSV: field larger than field limit")


def test_a_byte_order_mark_and_windows_line_ends_are_fine(tmp_path: Path) -> None:
    text = "date,metric,value\r\n2024-03,active,42000\r\n"
    path = tmp_path / "history.csv"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    (row,) = read_observations(path)
    assert (row.series, row.value, row.line) == ("active", 42000.0, 2)


@pytest.mark.parametrize("reader", READERS)
def test_a_file_that_cannot_be_opened_is_one_line(reader: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "unreadable"
    path.write_text("date,metric,value\n2024-03,active,42000\n")

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise PermissionError(13, "Permission denied")  # what chmod 000 gives a user who is not root

    monkeypatch.setattr(Path, "open", refuse)
    with pytest.raises(ScenarioError) as info:
        READERS[reader](path)
    assert str(info.value) == f"{path}: cannot read: Permission denied"


@pytest.mark.parametrize("command", ["calibrate", "backtest"])
@pytest.mark.parametrize("stem", ["01-spreadsheet-not-csv", "02-utf16-with-byte-order-mark"])
def test_binary_and_utf16_histories_fail_in_a_fresh_interpreter_without_traceback(
    command: str, stem: str, tmp_path: Path
) -> None:
    file = CORPUS / f"{stem}.csv"
    out = tmp_path / "out"
    proc = run_cli(*_command(command, file, out))
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith(f"error: {file}: file is ")
    assert proc.stderr.count("\n") == 1
    assert not out.exists()
