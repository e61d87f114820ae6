"""Golden outputs: shipped scenarios run at a fixed seed, compared byte for byte with stored folders.

Each case in :data:`CASES` runs ``sim run SCENARIO --reps N --seed S --workers 1 --out DIR --quiet``
through the real command line (in this process), so the files compared are exactly the files a user
gets. Its ``summary.json``, ``monthly.csv``, ``channels.csv``, ``semesters.csv`` and ``scenario.yaml``
must equal, byte for byte, those stored in ``tests/golden/<case>/``. Nothing is excluded: two runs
of the same code give identical bytes for these five files (only ``run.json`` and ``COMPLETE``
hold the time, and they are not compared). ``summary.json`` carries the package version, so a
version bump needs a regeneration too.

When a change to the outputs is meant (a model fix, a new column), regenerate and review:

    pytest tests/golden --regenerate-golden
    git diff --stat tests/golden

With ``--regenerate-golden`` each case rewrites its folder instead of comparing (and is reported as
skipped, so nothing passes unchecked); folders of cases no longer in :data:`CASES` are removed.

Cases run from the repository root with relative scenario paths, so the ``Read from:`` header of
``scenario.yaml`` is the same on every machine. The stored bytes depend on NumPy's generators
(``Generator.binomial`` and friends may change between NumPy versions) and on the platform's
floating point; regenerate after such an upgrade, once the change is understood.

To change which scenarios are covered, edit :data:`CASES` and regenerate; a case's folder is named
by its ``name``.
"""

from __future__ import annotations

import contextlib
import csv
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from cli_inproc import sim_cli
from conftest import ROOT
from sim.model import streams

GOLDEN = Path(__file__).resolve().parent
FILES = ("summary.json", "monthly.csv", "channels.csv", "semesters.csv", "scenario.yaml")
REGENERATE = "pytest tests/golden --regenerate-golden"

pytestmark = pytest.mark.golden


@dataclass(frozen=True)
class Case:
    """A scenario run at a fixed seed and replication count; its stored files are ``tests/golden/<name>/``."""

    name: str
    scenario: str  # relative to the repository root
    reps: int
    seed: int = 7

    @property
    def stored(self) -> Path:
        return GOLDEN / self.name

    def __str__(self) -> str:
        return f"{self.name} ({self.scenario}, {self.reps} replications, seed {self.seed})"


# 700 replications span two blocks of 500 with a partial last one, so block seeding is covered. The
# regional case is banuspa-2026: nine provinces, small enough to run in a couple of seconds.
CASES = (
    Case("bali-2025", "scenarios/bali-2025.yaml", reps=700),
    Case("bali-2025-all-levers", "scenarios/bali-2025-all-levers.yaml", reps=700),
    Case("banuspa-2026", "scenarios/banuspa-2026.yaml", reps=300),
)


def run_case(case: Case, out: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """``sim run`` for ``case`` into ``out``, from the repository root; returns the result folder."""
    args = ["--reps", str(case.reps), "--seed", str(case.seed), "--workers", "1", "--out", str(out), "--quiet"]
    with contextlib.chdir(ROOT):
        done = sim_cli(capsys, "run", case.scenario, *args)
    assert done.returncode == 0, f"sim run {case.scenario} failed: {done.stderr}"
    return out


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _step(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    if not key.isidentifier():
        return f"{path}[{key!r}]"
    return f"{path}.{key}" if path else key


def first_json_difference(stored: Any, now: Any, path: str = "") -> str | None:
    """Where two parsed JSON documents first differ, as ``key.path[i]: stored X, now Y``."""
    where = path or "(top level)"
    if isinstance(stored, dict) and isinstance(now, dict):
        for key in stored:
            if key not in now:
                return f"{_step(path, key)}: stored {_show(stored[key])}, now missing"
            found = first_json_difference(stored[key], now[key], _step(path, key))
            if found:
                return found
        added = [k for k in now if k not in stored]
        if added:
            return f"{_step(path, added[0])}: not stored, now {_show(now[added[0]])}"
        if list(stored) != list(now):
            return f"{where}: keys in another order, now {_show(list(now))}"
        return None
    if isinstance(stored, list) and isinstance(now, list):
        for i, (a, b) in enumerate(zip(stored, now, strict=False)):
            found = first_json_difference(a, b, _step(path, i))
            if found:
                return found
        if len(stored) != len(now):
            return f"{where}: stored {len(stored)} items, now {len(now)}"
        return None
    if type(stored) is not type(now) or repr(stored) != repr(now):
        return f"{where}: stored {_show(stored)}, now {_show(now)}"
    return None


def first_line_difference(name: str, stored: str, now: str) -> str:
    """The first line where two texts differ; for CSV, the column and the row's first cell too."""
    old, new = stored.splitlines(), now.splitlines()
    for i, (a, b) in enumerate(zip(old, new, strict=False)):
        if a == b:
            continue
        if name.endswith(".csv"):
            header = next(csv.reader([old[0]]))
            cells_a, cells_b = next(csv.reader([a])), next(csv.reader([b]))
            for j, (x, y) in enumerate(zip(cells_a, cells_b, strict=False)):
                if x != y:
                    column = header[j] if j < len(header) else f"#{j + 1}"
                    row = ",".join(cells_a[:2])
                    return f"line {i + 1} ({row}...), column {column!r}: stored {_show(x)}, now {_show(y)}"
        return f"line {i + 1}: stored {_show(a)}, now {_show(b)}"
    if len(old) != len(new):
        return f"stored {len(old)} lines, now {len(new)}"
    return "same lines, different bytes (line endings or a final newline)"


def describe(name: str, stored: bytes, now: bytes) -> str:
    """One line saying where ``now`` first departs from ``stored``."""
    text_stored, text_now = stored.decode("utf-8", "replace"), now.decode("utf-8", "replace")
    if name.endswith(".json"):
        with contextlib.suppress(ValueError):
            found = first_json_difference(json.loads(text_stored), json.loads(text_now))
            if found:
                return f"first difference at {found}"
    return first_line_difference(name, text_stored, text_now)


def differences(stored: Path, now: Path) -> list[str]:
    """Each compared file of ``now`` that is not byte for byte the one in ``stored``, with where."""
    found = []
    for name in FILES:
        if not (stored / name).is_file():
            found.append(f"{name}: not stored")
        elif not (now / name).is_file():
            found.append(f"{name}: not written by the run")
        elif (a := (stored / name).read_bytes()) != (b := (now / name).read_bytes()):
            found.append(f"{name}: {describe(name, a, b)}")
    return found


def check(case: Case, now: Path) -> None:
    """Fail, saying which files differ, where, and how to regenerate, unless ``now`` matches the stored files."""
    found = differences(case.stored, now)
    if found:
        lines = [f"golden outputs of {case} differ from {case.stored.relative_to(ROOT)}/:"]
        lines += [f"  {line}" for line in found]
        lines += [f"If the change is meant, regenerate with `{REGENERATE}` and review `git diff tests/golden`."]
        pytest.fail("\n".join(lines), pytrace=False)


def regenerate(case: Case, now: Path) -> None:
    """Replace the stored files of ``case`` with those of ``now``."""
    if case.stored.exists():
        shutil.rmtree(case.stored)
    case.stored.mkdir(parents=True)
    for name in FILES:
        shutil.copyfile(now / name, case.stored / name)


@pytest.fixture
def regenerating(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--regenerate-golden"))


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_golden(case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str], regenerating: bool) -> None:
    now = run_case(case, tmp_path / "run", capsys)
    if regenerating:
        regenerate(case, now)
        pytest.skip(f"regenerated {case.stored.relative_to(ROOT)}/ from {case}")
    check(case, now)


def test_no_stored_folder_without_a_case(regenerating: bool) -> None:
    known = {c.name for c in CASES}
    orphans = sorted(p for p in GOLDEN.iterdir() if p.is_dir() and p.name not in known and p.name != "__pycache__")
    if regenerating:
        for folder in orphans:
            shutil.rmtree(folder)
        return
    names = ", ".join(str(p.relative_to(ROOT)) for p in orphans)
    assert not orphans, f"stored golden folders without a case in CASES: {names}; `{REGENERATE}` removes them"


def test_renamed_stream_fails_the_golden_comparison(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, regenerating: bool
) -> None:
    """The comparison can fail: give one channel's daily stream another name and bali-2025 must differ."""
    if regenerating:
        pytest.skip("compares with the stored files, which --regenerate-golden is rewriting")
    renamed, original_key = "channel:BRI KUR", streams._key
    drawn: list[str] = []

    def key(name: str) -> int:
        drawn.append(name)
        return original_key(f"{name} (renamed)" if name == renamed else name)

    monkeypatch.setattr(streams, "_key", key)
    case = CASES[0]
    now = run_case(case, tmp_path / "run", capsys)
    assert renamed in drawn, f"no stream named {renamed!r} was drawn; pick a stream {case.scenario} uses"
    with pytest.raises(pytest.fail.Exception) as failed:
        check(case, now)
    message = str(failed.value)
    for name in ("summary.json", "monthly.csv", "channels.csv"):
        assert f"  {name}: " in message, message
    assert "scenario.yaml" not in message, message
    assert REGENERATE in message
