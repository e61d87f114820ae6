"""Interrupted sweeps, comparisons and searches resume to exactly the uninterrupted result.

Each test starts the real CLI in a subprocess, sends it a real signal part way through, checks
that it stopped promptly, said what it kept and left no result folder that looks complete, then
resumes it with ``--resume`` and compares every file byte for byte with an uninterrupted run
(``run.json`` holds the time of writing and the command, so it is left out).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sim.results.folder import COMPLETE
from tests.analyses.test_solve import AGENTS_TO_80
from tests.analyses.test_solve import KNOWN as SOLVE_KNOWN
from tests.conftest import ROOT

BALI = str(ROOT / "scenarios" / "bali-2025.yaml")

# Six months and a higher target than test_solve's, so the search takes long enough to interrupt.
KNOWN = SOLVE_KNOWN.replace("2025-03-31", "2025-06-30").replace("105900", "111800")


def start(args: list[str]) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200"}
    return subprocess.Popen(
        [sys.executable, "-m", "sim", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def interrupt_after(args: list[str], trigger: str, sig: signal.Signals) -> tuple[int, str, float]:
    """Run until ``trigger`` appears on stderr, send ``sig``; returns exit code, stderr, seconds to stop."""
    proc = start(args)
    assert proc.stderr is not None
    seen = []
    while True:
        line = proc.stderr.readline()
        assert line, f"finished before {trigger!r}: {''.join(seen)}"
        seen.append(line)
        if trigger in line:
            break
    sent = time.monotonic()
    proc.send_signal(sig)
    _, rest = proc.communicate(timeout=60)
    return proc.returncode, "".join(seen) + rest, time.monotonic() - sent


def finished(args: list[str]) -> subprocess.CompletedProcess[str]:
    proc = start(args)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    return subprocess.CompletedProcess(args, proc.returncode, out, err)


def result_folders(root: Path) -> list[Path]:
    return sorted(p.parent for p in root.rglob(COMPLETE))


def same_files(a: Path, b: Path) -> None:
    names = sorted(p.name for p in a.iterdir())
    assert names == sorted(p.name for p in b.iterdir())
    for name in names:
        if name not in ("run.json", COMPLETE):
            assert (a / name).read_bytes() == (b / name).read_bytes(), name


CASES = {
    "sweep-SIGTERM": (
        ["sweep", BALI, "--set", "channels[BPR agents].agents=22,40,60,90,128", "--reps", "1000", "--workers", "1"],
        "point 3/5",
        signal.SIGTERM,
    ),
    "compare-SIGINT-2-workers": (
        ["compare", BALI, "{more}", "{batch}", "--reps", "2000", "--workers", "2"],
        "done: Bali 2025, current channels",
        signal.SIGINT,
    ),
    "solve-SIGTERM": (
        ["solve", "{known}", *AGENTS_TO_80],
        "agents=50:",
        signal.SIGTERM,
    ),
}


@pytest.mark.slow
@pytest.mark.parametrize("case", list(CASES))
def test_interrupted_run_resumes_to_the_uninterrupted_result(tmp_path: Path, case: str) -> None:
    more = tmp_path / "more.yaml"
    more.write_text(f"extends: {BALI}\nname: more\nchannels:\n  - name: BPR agents\n    agents: 60\n")
    batch = tmp_path / "batch.yaml"
    batch.write_text(
        f"extends: {BALI}\nname: batch\nchannels:\n  - name: Gianyar funded workers\n    continue_share: 0.5\n"
    )
    known = tmp_path / "known.yaml"
    known.write_text(KNOWN)
    template, trigger, sig = CASES[case]
    args = [a.format(more=more, batch=batch, known=known) for a in template]
    first, second = tmp_path / "interrupted", tmp_path / "uninterrupted"

    code, err, seconds = interrupt_after([*args, "--results-dir", str(first)], trigger, sig)
    assert code == 130, err
    assert seconds < 10
    assert "interrupted:" in err
    assert "kept in" in err
    assert "--resume" in err
    assert "Traceback" not in err
    assert result_folders(first) == []
    partial = next(first.rglob(".partial-*"))
    kept = len(list(partial.glob("*.npz")))
    assert kept >= 2

    resumed = finished([*args, "--results-dir", str(first), "--resume"])
    assert f"resuming: {kept} finished blocks" in resumed.stderr
    assert "blocks read back" in resumed.stderr
    assert not partial.exists()
    finished([*args, "--results-dir", str(second)])
    [a], [b] = result_folders(first), result_folders(second)
    same_files(a, b)


@pytest.mark.slow
def test_kill_9_leaves_only_a_partial_folder_that_resume_uses(tmp_path: Path) -> None:
    args = ["sweep", BALI, "--set", "channels[BPR agents].agents=22,60,128", "--reps", "1000", "--workers", "1"]
    code, _, _ = interrupt_after([*args, "--results-dir", str(tmp_path / "a")], "point 2/3", signal.SIGKILL)
    assert code == -signal.SIGKILL
    assert result_folders(tmp_path / "a") == []
    finished([*args, "--results-dir", str(tmp_path / "a"), "--resume"])
    finished([*args, "--results-dir", str(tmp_path / "b")])
    [a], [b] = result_folders(tmp_path / "a"), result_folders(tmp_path / "b")
    same_files(a, b)


def test_without_resume_an_old_partial_folder_is_replaced(tmp_path: Path) -> None:
    from sim.experiment.checkpoint import Checkpoint

    cp, kept = Checkpoint.open(tmp_path, "sweep", {"a": 1}, resume=False)
    (cp.folder / "x-0-500.npz").write_bytes(b"old")
    again, kept = Checkpoint.open(tmp_path, "sweep", {"a": 1}, resume=True)
    assert (again.folder, kept) == (cp.folder, 1)
    fresh, kept = Checkpoint.open(tmp_path, "sweep", {"a": 1}, resume=False)
    assert (fresh.folder, kept, fresh.discarded) == (cp.folder, 0, 1)
    other, _ = Checkpoint.open(tmp_path, "sweep", {"a": 2}, resume=True)
    assert other.folder != cp.folder
