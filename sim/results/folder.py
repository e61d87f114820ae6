"""Result folders: self-describing, written atomically, never over an earlier run.

A run is written into a hidden temporary folder beside its destination and renamed into place
only when every file is complete; the last file written is the marker :data:`COMPLETE`. A folder
without the marker is never read as a result, and a temporary folder left by a killed run is
removed by the next run that writes beside it.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import io
import json
import os
import platform
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import simpy
import yaml

from sim import __version__
from sim.errors import Location, ScenarioError
from sim.results.table import Table, float_texts
from sim.scenario.schema import Scenario, scenario_data

COMPLETE = "COMPLETE"
# The layout of result folders: which files there are and what their JSON holds. Raise it whenever
# a reader of this version could misread a folder written the new way (see sim.results.files).
FORMAT = 1
TMP_PREFIX = ".tmp-"
STALE_SECONDS = 24 * 3600

Writer = Callable[[Path], None]


def slug(name: str) -> str:
    """A folder-safe form of a scenario name: ``Bali 2025, current`` → ``bali-2025-current``."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "scenario"


def default_destination(results_root: Path, scenario: Scenario, now: datetime | None = None) -> Path:
    """``results/<scenario-name>/<timestamp>/``, with a suffix if that folder exists."""
    stamp = (now or datetime.now()).strftime("%Y%m%dT%H%M%S")
    base = results_root / slug(scenario.name) / stamp
    candidate, n = base, 1
    while candidate.exists():
        n += 1
        candidate = base.with_name(f"{stamp}-{n}")
    _AUTO_NAMED.add(candidate)
    return candidate


# Destinations chosen by default_destination: if another run (started in the same second) takes
# one first, this run moves on to the next free suffix instead of failing after all its work.
_AUTO_NAMED: set[Path] = set()


def _next_free(dest: Path) -> Path:
    """The next ``<stamp>-N`` beside an automatically named destination that is taken."""
    stamp = re.sub(r"-\d+$", "", dest.name)
    n = 2
    while (candidate := dest.with_name(f"{stamp}-{n}")).exists():
        n += 1
    _AUTO_NAMED.add(candidate)
    return candidate


def _move_into_place(tmp: Path, dest: Path) -> Path:
    """Rename the finished ``tmp`` to ``dest``, never over anything; returns where it went."""
    while True:
        try:
            if dest.exists():
                dest.rmdir()  # only an empty folder can go; anything in it makes this fail
            tmp.rename(dest)
            return dest
        except OSError as exc:
            if dest not in _AUTO_NAMED or exc.errno not in (errno.ENOTEMPTY, errno.EEXIST):
                raise
            dest = _next_free(dest)


def is_complete(folder: Path) -> bool:
    """Whether ``folder`` holds a finished result."""
    return (folder / COMPLETE).is_file()


def _clean_stale(parent: Path) -> None:
    """Remove temporary folders that runs killed long ago left behind."""
    if not parent.is_dir():
        return
    for tmp in parent.glob(f"{TMP_PREFIX}*"):
        pid = tmp.name.rsplit("-", 1)[-1]
        alive = pid.isdigit() and pid_alive(int(pid))
        try:
            old = time.time() - tmp.stat().st_mtime > STALE_SECONDS
        except FileNotFoundError:  # another run cleaned it first
            continue
        if not alive or old:
            shutil.rmtree(tmp, ignore_errors=True)


def pid_alive(pid: int) -> bool:
    """Whether process ``pid`` exists (ours included: it may be writing beside us right now)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # it exists, under another user
    return True


def check_destination(dest: Path) -> None:
    """Refuse a destination that holds anything, or whose parent cannot be written."""
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise ScenarioError(
            "already exists and is not empty; results are never overwritten, choose another --out",
            where=Location(dest),
            field="--out",
        )
    parent = dest.parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        raise ScenarioError("is a file, not a folder; choose another --out", where=Location(parent), field="--out")
    # os.access says yes to root even on a read-only file system, so try for real.
    try:
        probe = tempfile.mkdtemp(prefix=TMP_PREFIX + "probe-", suffix=f"-{os.getpid()}", dir=parent)
    except OSError as exc:
        raise ScenarioError(
            f"cannot write here ({exc.strerror or exc}); choose a writable --out", where=Location(parent), field="--out"
        ) from None
    with contextlib.suppress(FileNotFoundError):
        os.rmdir(probe)


def write_atomically(dest: Path, writer: Writer) -> Path:
    """Let ``writer`` fill a temporary folder, mark it complete, then rename it to ``dest``.

    Returns the folder written: ``dest``, or for an automatically named destination that another
    run took meanwhile, the next free name beside it.
    """
    if dest in _AUTO_NAMED and dest.exists():
        dest = _next_free(dest)
    check_destination(dest)
    tmp: Path | None = None
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        _clean_stale(dest.parent)
        # Unique even for two writes in one process; the process id comes last, for _clean_stale.
        tmp = Path(tempfile.mkdtemp(prefix=f"{TMP_PREFIX}{dest.name}-", suffix=f"-{os.getpid()}", dir=dest.parent))
        writer(tmp)
        _sync(tmp)
        (tmp / COMPLETE).write_text(datetime.now().isoformat() + "\n", encoding="utf-8")
        _sync(tmp, [tmp / COMPLETE])  # the rest are on disk already
        dest = _move_into_place(tmp, dest)
    except OSError as exc:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
        raise ScenarioError(
            f"could not write results ({exc.strerror or exc}); nothing was kept of this run, "
            "earlier result folders are untouched",
            where=Location(dest),
            field="--out",
        ) from None
    except BaseException:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
        raise
    return dest


def _sync(folder: Path, files: list[Path] | None = None) -> None:
    """Flush a folder's files (or only ``files``) to disk, so the marker is never on disk before what it vouches for."""
    for path in folder.iterdir() if files is None else files:
        with path.open("rb") as f:
            os.fsync(f.fileno())
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_json(path: Path, data: Any) -> None:
    """Pretty JSON, UTF-8, with a final newline."""
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def write_csv(path: Path, rows: Sequence[dict[str, Any]]) -> None:
    """Rows of dicts as CSV; floats with enough digits to round-trip, no locale formatting.

    A :class:`~sim.results.table.Table` is written column by column, to the same text.
    """
    if not rows:
        path.write_text("", encoding="utf-8")
        return
    if isinstance(rows, Table):
        path.write_text(table_text(rows), encoding="utf-8", newline="")
        return
    fields = list(rows[0])
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(fields)
        out.writerows(_cells(row, fields) for row in rows)


def table_text(table: Table) -> str:
    """The CSV text :func:`write_csv` writes of ``table``'s rows as dicts, built a column at a time.

    Each distinct cell that is not a float is written by :mod:`csv` itself (so quoted exactly as a
    row of them would be), floats as ``repr``; the rows are then the cells joined by commas. A
    table whose text was written already (``table.text``) is not written again.
    """
    if table.text is not None:
        return table.text
    return table_header(table.names) + table_rows(table)


def table_header(names: Sequence[str]) -> str:
    """The header line of a CSV table with fields ``names``, as :func:`table_text` writes it."""
    return ",".join(_csv_cells(list(names))) + "\n"


def table_rows(table: Table) -> str:
    """The lines of ``table``'s rows, as :func:`table_text` writes them after the header.

    Every cell is written on its own, so the rows of a table cut in parts are the parts' rows joined.
    """
    columns = [float_texts(column) or _csv_cells(column) for column in table.columns]
    return "".join(line + "\n" for line in map(",".join, zip(*columns, strict=True)))


def _csv_cells(values: list[Any]) -> list[str]:
    """Each value as the text :mod:`csv` writes for it as a cell (quoted where it must be; floats as ``repr``)."""
    buffer = io.StringIO()
    out = csv.writer(buffer, lineterminator="\n")

    def text(value: Any) -> str:
        # Beside an empty cell: a row of one empty cell alone is written '""'.
        out.writerow([value, ""])
        written = buffer.getvalue()[:-2]
        buffer.seek(0)
        buffer.truncate()
        return written

    texts: dict[str, str] = {}
    cells = []
    for value in values:
        if isinstance(value, float):
            cells.append(repr(value))  # never quoted
        elif type(value) is str:  # equal strings are written alike; 1 == 1.0 == True are not
            cells.append(texts[value] if value in texts else texts.setdefault(value, text(value)))
        else:
            cells.append(text(value))
    return cells


def _cells(row: dict[str, Any], fields: list[str]) -> list[Any]:
    """A row's cells in the order of ``fields``, as :class:`csv.DictWriter` takes them, floats as ``repr``."""
    if list(row) != fields:  # rows are written as the first row's keys, "" where one is missing
        extra = row.keys() - fields
        if extra:
            raise ValueError(f"dict contains fields not in fieldnames: {', '.join(map(repr, extra))}")
        row = {k: row.get(k, "") for k in fields}
    return [repr(v) if isinstance(v, float) else v for v in row.values()]


def write_scenario(folder: Path, scenario: Scenario, header: str, text: str | None = None) -> None:
    """``scenario.yaml``: the resolved scenario below the comment ``header``.

    ``text`` is :func:`scenario_text` of ``scenario`` when it is known already (a worker wrote it).
    """
    body = scenario_text(scenario) if text is None else text
    (folder / "scenario.yaml").write_text(header + body, encoding="utf-8")


def yaml_text(data: Any) -> str:
    """``data`` as PyYAML's ``safe_dump`` writes it (keys in order, Unicode as is, lines of 100).

    libyaml's C emitter writes it about 5 times as fast (national-2026's resolved scenario: 17 ms,
    not 83 ms), and byte for byte the same whenever :func:`emits_alike` says so; otherwise the pure
    Python emitter writes it.
    """
    dumper = yaml.CSafeDumper if getattr(yaml, "__with_libyaml__", False) and emits_alike(data) else yaml.SafeDumper
    return yaml.dump(data, Dumper=dumper, sort_keys=False, allow_unicode=True, width=100)


# The text whose YAML libyaml and PyYAML write alike. They differ on (1) scalars that need double
# quotes (tabs, control, BOM and astral characters, line breaks other than \n, a space beside a
# \n), which they fold differently, and (2) keys near 128 characters, which libyaml counts in UTF-8
# bytes and PyYAML in characters.
_PLAIN_TEXT = re.compile("[\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]*")
_PLAIN_KEY = re.compile("[\x20-\x7e]{1,99}")


def emits_alike(data: Any) -> bool:
    """Whether libyaml writes ``data`` exactly as PyYAML does: every text plain, every key short ASCII."""
    if isinstance(data, str):
        return _PLAIN_TEXT.fullmatch(data) is not None and " \n" not in data and "\n " not in data
    if isinstance(data, dict):
        return all(isinstance(k, str) and _PLAIN_KEY.fullmatch(k) and emits_alike(v) for k, v in data.items())
    if isinstance(data, list | tuple):
        return all(emits_alike(v) for v in data)
    return True


# The facts every run.json holds, whatever the command: null where a command has no such fact (a
# comparison has no one scenario file, a calibration no workers).
RUN_FACTS = (
    "seed",
    "replications",
    "workers",
    "scheduler",
    "scenario_file",
    "extends_chain",
    "overrides",
    "reanchored_on",
)


def run_info(**facts: Any) -> dict[str, Any]:
    """What ``run.json`` says about every result: its format, what wrote it, how and when, and :data:`RUN_FACTS`.

    Every folder's ``run.json`` has the same keys.
    """
    unknown = sorted(set(facts) - set(RUN_FACTS))
    if unknown:
        raise ValueError(f"run.json has no fact {unknown[0]!r}; add it to RUN_FACTS")
    return {
        "format": FORMAT,
        "version": __version__,
        "command": ["sim", *sys.argv[1:]],
        "written": datetime.now().isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "numpy": np.__version__,  # the imported modules' own: reading the installed metadata took ~1 ms each
        "simpy": simpy.__version__,
        **{name: facts.get(name) for name in RUN_FACTS},
    }


def write_result(dest: Path, writer: Writer, facts: dict[str, Any] | None = None) -> Path:
    """The one writer of result folders: ``writer``'s files and ``run.json`` (:func:`run_info` with ``facts``).

    Written atomically (:func:`write_atomically`); returns the folder written.
    """
    info = run_info(**(facts or {}))

    def fill(folder: Path) -> None:
        writer(folder)
        write_json(folder / "run.json", info)

    return write_atomically(dest, fill)


def scenario_text(scenario: Scenario) -> str:
    """The resolved scenario as ``scenario.yaml`` holds it, below its header."""
    return yaml_text(scenario_data(scenario))


def write_run(
    dest: Path,
    summary: dict[str, Any],
    monthly: Sequence[dict[str, Any]],
    scenario: Scenario,
    chain: tuple[Path, ...],
    facts: dict[str, Any],
    text: str | None = None,
) -> Path:
    """Write a run's folder: resolved scenario, summary, tables, and ``run.json`` with ``facts``.

    ``text`` is :func:`scenario_text` of ``scenario`` when it is known already (a worker wrote it).
    """
    header = "# Resolved scenario, as run. Read from: " + " <- ".join(str(p) for p in chain) + "\n"

    def fill(folder: Path) -> None:
        write_scenario(folder, scenario, header, text)
        write_json(folder / "summary.json", summary)
        write_csv(folder / "monthly.csv", monthly)
        write_csv(folder / "channels.csv", summary["channels"])
        write_csv(folder / "semesters.csv", semester_rows(summary["semesters"]))

    return write_result(dest, fill, facts)


def semester_rows(semesters: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Semester entries with per-channel enrolments spread into their own columns."""
    rows = []
    for sem in semesters:
        row = {k: v for k, v in sem.items() if k != "enrolled_by_channel"}
        row.update({f"enrolled[{name}]": v for name, v in sem["enrolled_by_channel"].items()})
        rows.append(row)
    return rows


def require_complete(folder: Path) -> Path:
    """``folder``, if it is a finished result folder; otherwise a one-line error saying why not.

    Every reader of result folders goes through here (through :func:`sim.results.files.open_result`),
    so that a folder a killed or interrupted run left behind is never mistaken for a result.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ScenarioError("is not a result folder", where=Location(folder))
    if not is_complete(folder):
        raise ScenarioError(
            f"has no {COMPLETE} marker: the run that wrote it did not finish, so it is not read as a result",
            where=Location(folder),
        )
    return folder


def complete_results(root: Path) -> list[Path]:
    """Every finished result folder under ``root``, oldest name first; temporary ones are skipped."""
    root = Path(root)
    if not root.is_dir():
        return []
    found = {marker.parent for marker in root.rglob(COMPLETE) if marker.is_file()}
    return sorted(p for p in found if not any(part.startswith(TMP_PREFIX) for part in p.relative_to(root).parts))
