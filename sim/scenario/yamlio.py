"""Safe YAML reading that remembers where every value came from.

Scenario files are written by hand, so an error must point at the file and line a planner has to
edit. :func:`read_yaml` reads the file through :func:`sim.scenario.textfile.read_text` (size and encoding
checks), composes the YAML node tree from the events of :data:`PARSER` and builds plain
containers (:class:`MarkedDict`, :class:`MarkedList`) that carry, for each key or item, the
:class:`~sim.errors.Location` it was written at. Merging (``extends``) keeps those locations.

Nothing in a scenario is ever turned into a Python object or evaluated: only YAML's standard
scalar types are constructed. Alias bombs, very deep nesting and very large files are refused
before they can use much memory or time, whichever parser is installed: the limits are checked
by the composer as it reads the events (:class:`_GuardedComposer`), not by a parser.
"""

from __future__ import annotations

from collections.abc import Hashable
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.resolver import Resolver

from sim.errors import Location, ScenarioError
from sim.scenario.textfile import TextKind, read_text

SCENARIO_FILE = TextKind("scenario", ".yaml", "YAML")
MAX_DEPTH = 40
MAX_NODES = 50_000

_STANDARD_TAGS = {
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}


class MarkedDict(dict[str, Any]):
    """A mapping that knows the location of each of its keys."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.marks: dict[Hashable, Location] = {}
        self.where = Location()


class MarkedList(list[Any]):
    """A sequence that knows the location of each of its items."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.marks: dict[Hashable, Location] = {}
        self.where = Location()


def location_of(data: Any, path: tuple[Hashable, ...]) -> Location:
    """The location of the deepest part of ``path`` inside ``data`` that has one."""
    best = getattr(data, "where", Location())
    node = data
    for key in path:
        marks = getattr(node, "marks", None)
        if marks is None:
            break
        if key in marks:
            best = marks[key]
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            break
    return best


class _Builder:
    """Turns a composed node tree into marked containers, with limits on size and depth."""

    def __init__(self, file: Path | None) -> None:
        self.file = file
        self.nodes = 0
        self.constructor = yaml.SafeLoader("")

    def where(self, node: yaml.Node) -> Location:
        return Location(self.file, node.start_mark.line + 1)

    def build(self, node: yaml.Node, depth: int = 0, path: str = "") -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _too_big(self.where(node))
        if depth > MAX_DEPTH:
            raise _too_deep(self.where(node))
        if node.tag not in _STANDARD_TAGS:
            raise ScenarioError(
                f"the YAML tag {node.tag!r} is not allowed; scenarios hold plain values only",
                where=self.where(node),
            )
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, depth, path)
        if isinstance(node, yaml.SequenceNode):
            items = MarkedList()
            items.where = self.where(node)
            for i, child in enumerate(node.value):
                items.marks[i] = self.where(child)
                items.append(self.build(child, depth + 1, f"{path}[{i}]"))
            return items
        try:
            return self.constructor.construct_object(node, deep=True)
        except (ValueError, yaml.YAMLError) as exc:
            allowed = "; write an existing date as YYYY-MM-DD" if node.tag.endswith(":timestamp") else ""
            raise ScenarioError(
                f"{node.value!r} is not a valid value: {exc}{allowed}", where=self.where(node), field=path
            ) from None

    def _mapping(self, node: yaml.MappingNode, depth: int, path: str) -> MarkedDict:
        result = MarkedDict()
        result.where = self.where(node)
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise ScenarioError("keys must be plain words", where=self.where(key_node))
            key = str(key_node.value)
            if key in result:
                first = result.marks[key]
                raise ScenarioError(
                    f"duplicate key {key!r} (first given on line {first.line}); give each key once",
                    where=self.where(key_node),
                    field=f"{path}.{key}" if path else key,
                )
            result.marks[key] = self.where(key_node)
            result[key] = self.build(value_node, depth + 1, f"{path}.{key}" if path else key)
        return result


_HINTS = (
    ("'\\t'", "indent with spaces, not tabs"),
    ("mapping values are not allowed", "check the indentation, and quote a value that holds ': '"),
    ("expected <block end>", "check that this line is indented like the lines around it"),
    ("end of stream", "close the quote or bracket that was opened"),
    ("could not find expected ':'", "write key: value, with a space after the colon"),
)


def _hint(problem: str) -> str:
    """What to do about PyYAML's most common complaints, in a planner's words."""
    for fragment, advice in _HINTS:
        if fragment in problem:
            return f"; {advice}"
    return ""


PARSER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""The parser that turns scenario text into events: libyaml's when PyYAML was built with it (several
times faster), else PyYAML's own. Tests switch it to check the guards on both."""


def _too_big(where: Location) -> ScenarioError:
    return ScenarioError(
        f"the document expands to more than {MAX_NODES:,} values (an alias bomb?); "
        "write the values out or use fewer aliases",
        where=where,
    )


def _too_deep(where: Location) -> ScenarioError:
    return ScenarioError(f"nesting deeper than {MAX_DEPTH} levels is not allowed", where=where)


class _GuardedComposer(Composer, Resolver):
    """PyYAML's composer, fed by any parser's events, refusing deep and alias-bomb documents as it goes.

    PyYAML composes recursively, one call per level of nesting, so a 200 kB file of ``[[[[...``
    would run out of stack, and a few lines of nested aliases stand for millions of values. The
    guard therefore sits in :meth:`compose_node` itself, before each node is composed: the
    recursion can never pass :data:`MAX_DEPTH` levels, and the expanded size (each alias counts
    the values its anchor holds) is refused past :data:`MAX_NODES` before anything is expanded.

    Why here rather than in a checking pass before composing: such a pass is a second reading
    that must agree with the first, and once did not. With PyYAML 6.0.4, libyaml gives up on
    nesting deeper than 1,000 levels; the pass (reading libyaml's events) ended on that error and
    PyYAML's own parser then composed ``[[[[...`` until the stack ran out. Here the check and the
    tree are one pass over one event stream, so the limits hold whichever parser produced it, and
    the file is read once: composing libyaml's events this way reads ``national-2026.yaml`` in
    about a quarter of the time the earlier check plus PyYAML's own parser took.
    """

    def __init__(self, parser: Any, file: Path | None) -> None:
        Composer.__init__(self)
        Resolver.__init__(self)
        self.parser = parser
        self.file = file
        self.depth = 0
        self.total = 0
        self.sizes: dict[str, int] = {}

    def check_event(self, *choices: type[yaml.Event]) -> bool:
        return bool(self.parser.check_event(*choices))

    def peek_event(self) -> yaml.Event:
        event: yaml.Event = self.parser.peek_event()
        return event

    def get_event(self) -> yaml.Event:
        event: yaml.Event = self.parser.get_event()
        return event

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        event = self.peek_event()
        where = Location(self.file, event.start_mark.line + 1 if event.start_mark else None)
        anchor = getattr(event, "anchor", None)
        if isinstance(event, yaml.AliasEvent):
            self._count(self.sizes.get(anchor or "", 1), where)
            return super().compose_node(parent, index)
        start = self.total
        self._count(1, where)
        nested = isinstance(event, yaml.CollectionStartEvent)
        if nested:
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise _too_deep(where)
        node = super().compose_node(parent, index)
        if nested:
            self.depth -= 1
        if anchor is not None:
            self.sizes[anchor] = self.total - start
        return node

    def _count(self, values: int, where: Location) -> None:
        self.total += values
        if self.total > MAX_NODES:
            raise _too_big(where)


def _compose(text: str, file: Path | None, parser_class: Any) -> yaml.Node | None:
    """The node tree of the one document in ``text``, read by ``parser_class`` under the guard."""
    parser = parser_class(text)
    try:
        return _GuardedComposer(parser, file).get_single_node()
    finally:
        parser.dispose()


def parse_yaml(text: str, file: Path | None) -> Any:
    """Parse one YAML document from ``text`` (read from ``file``, if from a file) into marked containers.

    When :data:`PARSER` (libyaml) refuses the text, PyYAML's own parser reads it again: its
    messages are the ones the hints below are written for, and where the two parsers disagree
    the file is read as PyYAML reads it. Either way the same guarded composer builds the tree. A
    RecursionError or MemoryError that still got through (a PyYAML release composing differently)
    becomes the same one-line error as any other bad input.
    """
    where = Location(file)
    try:
        try:
            node = _compose(text, file, PARSER)
        except yaml.YAMLError:
            if PARSER is yaml.SafeLoader:
                raise
            node = _compose(text, file, yaml.SafeLoader)
        return None if node is None else _Builder(file).build(node)
    except RecursionError:
        raise ScenarioError(
            f"the document is nested too deeply to read; nest at most {MAX_DEPTH} levels", where=where
        ) from None
    except MemoryError:
        raise ScenarioError("the document is too large to read into memory; write fewer values", where=where) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or exc.context or "not valid YAML"
        if exc.context and exc.context_mark is not None and exc.context_mark.line + 1 != line:
            problem += f" ({exc.context} started on line {exc.context_mark.line + 1})"
        raise ScenarioError(f"YAML syntax error: {problem}{_hint(problem)}", where=Location(file, line)) from None
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        raise ScenarioError(
            f"character #x{exc.character:04x} is not allowed in YAML; remove it or save the file as plain UTF-8 text"
            if isinstance(exc.character, int)
            else f"character {exc.character!r} is not allowed in YAML; remove it",
            where=Location(file, line),
        ) from None
    except yaml.YAMLError as exc:
        raise ScenarioError(f"YAML syntax error: {' '.join(str(exc).split())}", where=Location(file)) from None


def read_yaml(file: Path) -> MarkedDict:
    """Read a scenario file: a YAML mapping in a UTF-8 file of at most :data:`~sim.scenario.textfile.MAX_BYTES`."""
    where = Location(file)
    text = read_text(file, SCENARIO_FILE)
    data = parse_yaml(text, file)
    if data is None:
        raise ScenarioError("file is empty; a scenario is a YAML mapping (name, start, ...)", where=where)
    if not isinstance(data, MarkedDict):
        kind = "a list" if isinstance(data, list) else f"a single {type(data).__name__} value"
        raise ScenarioError(
            f"the file holds {kind}; a scenario is a YAML mapping (name, start, ...)",
            where=Location(file, 1),
        )
    return data
