"""Nothing lost: result folders appear whole or not at all, and interruptions are clean.

Real signals are sent to a real ``sim run`` in a subprocess; a killed writer is a subprocess that
SIGKILLs itself half-way through writing; a full disk is a tiny tmpfs when the machine lets us
mount one, and an ``OSError(ENOSPC)`` from the writer in any case.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT, SCENARIOS
from sim.cli import INTERRUPTED, main
from sim.errors import ScenarioError
from sim.results import folder as output
from sim.results.files import read_json
from sim.results.folder import COMPLETE, TMP_PREFIX, Writer, complete_results, require_complete, write_atomically

BALI = str(SCENARIOS / "bali-2025.yaml")
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    with pytest.raises(SystemExit) as info:
        main(args)
    code = info.value.code
    return int(code) if isinstance(code, int) else 0, capsys.readouterr().err


def _earlier_result(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, dict[str, bytes]]:
    earlier = root / "earlier"
    code, err = _run(["run", BALI, "--reps", "20", "--workers", "1", "--out", str(earlier), "--quiet"], capsys)
    assert code == 0, err
    return earlier, {p.name: p.read_bytes() for p in earlier.iterdir()}


def open_result(folder: Path) -> Any:
    """The summary.json of a finished folder, as every reader reaches it: only once the folder is complete."""
    return read_json(require_complete(folder) / "summary.json")


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(c) for c in path.read_text().split()] if path.exists() else []


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split(")")[-1].split()[0] == "Z")


def test_open_result_reads_only_complete_folders(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    earlier, _ = _earlier_result(tmp_path, capsys)
    assert open_result(earlier)["replications"] == 20
    half = tmp_path / f"{TMP_PREFIX}half-123"
    half.mkdir()
    (half / "summary.json").write_text(json.dumps({"replications": 5}))
    with pytest.raises(ScenarioError, match=f"has no {COMPLETE} marker"):
        open_result(half)
    unmarked = tmp_path / "copied-by-hand"
    unmarked.mkdir()
    (unmarked / "summary.json").write_text(json.dumps({"replications": 5}))
    with pytest.raises(ScenarioError, match="did not finish"):
        open_result(unmarked)
    with pytest.raises(ScenarioError, match="is not a result folder"):
        open_result(tmp_path / "nowhere")
    assert complete_results(tmp_path) == [earlier]
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "summary.json").write_text("{not json")
    (broken / COMPLETE).write_text("")
    with pytest.raises(ScenarioError, match=r"summary\.json:1: not valid JSON"):
        open_result(broken)


def test_an_earlier_run_is_never_overwritten(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    earlier, before = _earlier_result(tmp_path, capsys)
    code, err = _run(["run", BALI, "--reps", "20", "--workers", "1", "--out", str(earlier)], capsys)
    assert code == 2
    assert "already exists and is not empty; results are never overwritten" in err
    assert {p.name: p.read_bytes() for p in earlier.iterdir()} == before
    # Two default destinations in the same second get distinct folders.
    for _ in range(2):
        code, err = _run(["run", BALI, "--reps", "20", "--workers", "1", "--results-dir", str(tmp_path / "r")], capsys)
        assert code == 0, err
    assert len(complete_results(tmp_path / "r")) == 2


def test_disk_full_while_writing_keeps_nothing_and_earlier_results(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    earlier, before = _earlier_result(tmp_path, capsys)

    def full_disk(path: Path, rows: object) -> None:
        path.write_text("date,series\n")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr(output, "write_csv", full_disk)
    code, err = _run(["run", BALI, "--reps", "20", "--workers", "1", "--out", str(tmp_path / "new")], capsys)
    assert code == 2
    (line,) = err.splitlines()
    assert line.startswith(f"error: {tmp_path / 'new'}: --out: could not write results (No space left on device)")
    assert "earlier result folders are untouched" in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["earlier"]
    assert {p.name: p.read_bytes() for p in earlier.iterdir()} == before


def test_a_real_full_disk(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    disk = tmp_path / "disk"
    disk.mkdir()
    mount = ["mount", "-t", "tmpfs", "-o", "size=8k", "tmpfs", str(disk)]
    mounted = subprocess.run(mount, capture_output=True, check=False)
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        small = disk / "earlier"
        write_atomically(small, lambda folder: (folder / "summary.json").write_text("{}"))
        code, err = _run(["run", BALI, "--reps", "20", "--workers", "1", "--out", str(disk / "new")], capsys)
        assert code == 2
        assert "could not write results (No space left on device)" in err
        assert sorted(p.name for p in disk.iterdir()) == ["earlier"]
        assert open_result(small) == {}
    finally:
        subprocess.run(["umount", str(disk)], check=False)


def _start_long_run(results: Path, workers: int) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sim",
            "run",
            BALI,
            "--reps",
            "200000",
            "--workers",
            str(workers),
            "--results-dir",
            str(results),
        ],
        env=ENV,
        stderr=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    deadline = time.monotonic() + 60
    # Wait until the simulation itself runs: the workers exist, or the process has spent more CPU
    # time than starting up takes (about 1 s), so the signal lands mid-run, not mid-import.
    while time.monotonic() < deadline and proc.poll() is None:
        if len(_children(proc.pid)) >= workers if workers > 1 else _cpu_seconds(proc.pid) > 2.5:
            break
        time.sleep(0.05)
    time.sleep(0.3)
    assert proc.poll() is None, proc.communicate()
    return proc


@pytest.mark.parametrize(("sig", "workers"), [(signal.SIGTERM, 2), (signal.SIGINT, 2), (signal.SIGTERM, 1)])
def test_signal_stops_a_long_run_promptly_and_keeps_nothing_half_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], sig: signal.Signals, workers: int
) -> None:
    earlier, before = _earlier_result(tmp_path / "results" / "bali-2025-current-channels", capsys)
    proc = _start_long_run(tmp_path / "results", workers)
    children = _children(proc.pid)
    sent = time.monotonic()
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    took = time.monotonic() - sent
    assert proc.returncode == 128 + sig
    assert err.strip().splitlines()[-1] == INTERRUPTED
    assert "Traceback" not in err
    # A 200,000-replication run takes minutes on this machine; stopping must not wait for it.
    assert took < 10, took
    time.sleep(0.2)
    assert [c for c in children if _alive(c)] == []
    assert complete_results(tmp_path / "results") == [earlier]
    assert {p.name: p.read_bytes() for p in earlier.iterdir()} == before
    leftovers = [p for p in (tmp_path / "results").rglob("*") if p.name.startswith(TMP_PREFIX)]
    assert leftovers == []


KILLED_WRITER = """
import os, sys
from pathlib import Path
from sim.results.folder import write_atomically

def writer(folder):
    (folder / "summary.json").write_text("{}")
    os.kill(os.getpid(), 9)

write_atomically(Path(sys.argv[1]), writer)
"""


def test_kill_9_while_writing_leaves_a_temporary_folder_the_next_run_cleans(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "results"
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_WRITER, str(root / "killed")], env=ENV, capture_output=True, check=False
    )
    assert killed.returncode == -signal.SIGKILL
    (tmp,) = root.iterdir()
    assert tmp.name.startswith(TMP_PREFIX)
    assert not (root / "killed").exists()
    assert complete_results(root) == []
    with pytest.raises(ScenarioError, match="did not finish"):
        open_result(tmp)
    code, err = _run(["run", BALI, "--reps", "20", "--workers", "1", "--out", str(root / "next")], capsys)
    assert code == 0, err
    assert sorted(p.name for p in root.iterdir()) == ["next"]
    assert complete_results(root) == [root / "next"]


def test_kill_9_while_simulating_writes_nothing(tmp_path: Path) -> None:
    proc = _start_long_run(tmp_path / "results", 2)
    children = _children(proc.pid)
    proc.kill()
    proc.wait(timeout=30)
    for child in children:  # orphaned workers finish their block and find no parent; don't wait for that
        if _alive(child):
            os.kill(child, signal.SIGKILL)
    proc.communicate(timeout=30)
    assert not (tmp_path / "results").exists() or complete_results(tmp_path / "results") == []


def test_a_default_folder_taken_meanwhile_moves_to_the_next_name(tmp_path: Path) -> None:
    from datetime import datetime

    from sim.results.folder import default_destination
    from sim.scenario.loader import load_scenario

    s = load_scenario(BALI).scenario
    when = datetime(2025, 7, 1, 9, 30, 0)
    mine = default_destination(tmp_path, s, when)
    # Another run started in the same second finishes first and takes the name, complete.
    write_atomically(mine, lambda folder: (folder / "summary.json").write_text('{"other": 1}'))
    written = write_atomically(mine, lambda folder: (folder / "summary.json").write_text('{"mine": 1}'))
    assert written == mine.with_name("20250701T093000-2")
    assert open_result(mine) == {"other": 1}
    assert open_result(written) == {"mine": 1}

    # The same race at the last moment: the other run renames its folder in while this one writes.
    def other_run_finishes_meanwhile(target: Path) -> Writer:
        def fill(folder: Path) -> None:
            (folder / "summary.json").write_text('{"late": 1}')
            write_atomically(target, lambda other: (other / "summary.json").write_text('{"other": 2}'))

        return fill

    later = default_destination(tmp_path, s, datetime(2025, 7, 1, 10, 0, 0))
    assert write_atomically(later, other_run_finishes_meanwhile(later)) == later.with_name("20250701T100000-2")
    assert open_result(later) == {"other": 2}
    # A destination the planner named is never renamed, and never written over: the run fails.
    named = tmp_path / "named"
    with pytest.raises(ScenarioError, match="could not write results"):
        write_atomically(named, other_run_finishes_meanwhile(named))
    assert open_result(named) == {"other": 2}
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(TMP_PREFIX)] == []


def test_runs_started_together_both_keep_their_results(tmp_path: Path) -> None:
    args = [sys.executable, "-m", "sim", "run", BALI, "--reps", "20", "--workers", "1", "--quiet"]
    procs = [
        subprocess.Popen(
            [*args, "--seed", str(seed), "--results-dir", str(tmp_path)],
            env=ENV,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for seed in (1, 2, 3)
    ]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], outs
    written = sorted(Path(out.strip()) for out, _ in outs)
    assert complete_results(tmp_path) == written
    assert sorted(open_result(w)["seed"] for w in written) == [1, 2, 3]


def test_every_file_is_flushed_before_the_marker_is_written_and_the_marker_last(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[str] = []
    fsync = os.fsync

    def recording(fd: int) -> None:
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        fsync(fd)

    def writer(folder: Path) -> None:
        for name in ("a.json", "b.csv"):
            (folder / name).write_text(name)
        assert not synced  # nothing is flushed while the writer writes

    monkeypatch.setattr(output.os, "fsync", recording)
    dest = write_atomically(tmp_path / "run", writer)
    tmp = Path(synced[0]).parent
    names = [Path(p).name if Path(p).parent == tmp else "<folder>" for p in synced]
    assert sorted(names[:2]) == ["a.json", "b.csv"] and names[2:] == ["<folder>", COMPLETE, "<folder>"]
    assert sorted(p.name for p in dest.iterdir()) == [COMPLETE, "a.json", "b.csv"]
