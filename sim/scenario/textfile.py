"""Reading a hand-written text file safely: the one gate every input file passes through.

Scenario YAML and history CSV files come from planners' machines, spreadsheets and e-mail. Before
either is parsed, :func:`read_text` makes sure it is a regular file of at most :data:`MAX_BYTES`
bytes of UTF-8 text, and says in one line what to do when it is not: a folder, a device or a
pipe is refused without opening it; a file larger than the limit is refused without reading it
(and at most ``MAX_BYTES + 1`` bytes are ever read, since some files report a size of 0); a
UTF-16 file (what some editors save as "Unicode") or a binary file is named as such; a byte
that is not UTF-8 is reported with its line.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sim.errors import Location, ScenarioError

MAX_BYTES = 1_000_000


@dataclass(frozen=True)
class TextKind:
    """What a file should hold, in the words the messages use: e.g. a ``scenario`` ``.yaml`` file of ``YAML``."""

    noun: str
    suffix: str
    language: str


def read_text(file: Path, kind: TextKind) -> str:
    """The text of ``file``, or a :class:`~sim.errors.ScenarioError` naming it (and the line, for a bad byte)."""
    where = Location(file)
    wanted = f"give a {kind.noun} {kind.suffix} file"
    if not file.exists():
        raise ScenarioError("no such file", where=where)
    if file.is_dir():
        raise ScenarioError(f"is a directory; {wanted}", where=where)
    if not file.is_file():
        raise ScenarioError(f"is not a regular file (a device or a pipe?); {wanted}", where=where)
    size = file.stat().st_size
    limit = f"{kind.noun} files are limited to {MAX_BYTES:,}"
    if size > MAX_BYTES:
        raise ScenarioError(f"file is {size:,} bytes; {limit}", where=where)
    try:
        with file.open("rb") as f:
            raw = f.read(MAX_BYTES + 1)
    except OSError as exc:
        raise ScenarioError(f"cannot read: {exc.strerror or exc}", where=where) from None
    if len(raw) > MAX_BYTES:
        raise ScenarioError(f"file is over {MAX_BYTES:,} bytes; {limit}", where=where)
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or _utf16_without_mark(raw):
        raise ScenarioError("file is saved as UTF-16; save it as UTF-8 (plain text)", where=where)
    if b"\x00" in raw:
        raise ScenarioError(f"file is binary, not {kind.language} text", where=where)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ScenarioError(
            f"byte 0x{raw[exc.start]:02x} is not UTF-8; save the file as UTF-8", where=Location(file, line)
        ) from None
    return text.removeprefix("\ufeff")  # a UTF-8 byte order mark, as Windows editors write


def _utf16_without_mark(raw: bytes) -> bool:
    """Whether ``raw`` starts like UTF-16 text with no byte order mark: plain letters each beside a zero byte."""
    head = raw[: min(len(raw), 200) // 2 * 2]
    if len(head) < 4:
        return False
    even, odd = head[0::2], head[1::2]
    return (not any(odd) and all(even)) or (not any(even) and all(odd))
