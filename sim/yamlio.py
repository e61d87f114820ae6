"""Safe YAML reading that remembers where every value came from.

Scenario files are written by hand, so an error must point at the file and line a planner has to
edit. :func:`read_yaml` reads the file through :func:`sim.textfile.read_text` (size and encoding
checks), composes the YAML node tree with PyYAML's *safe* loader and builds plain
containers (:class:`MarkedDict`, :class:`MarkedList`) that carry, for each key or item, the
:class:`~sim.errors.Location` it was written at. Merging (``extends``) keeps those locations.

Nothing in a scenario is ever turned into a Python object or evaluated: only YAML's standard
scalar types are constructed. Alias bombs, very deep nesting and very large files are refused
before they can use much memory or time.
"""

from __future__ import annotations

from collections.abc import Hashable
from pathlib import Path
from typing import Any

import yaml

from sim.errors import Location, ScenarioError
from sim.textfile import TextKind, read_text

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

    def __init__(self, file: Path) -> None:
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
            raise ScenarioError(f"nesting deeper than {MAX_DEPTH} levels is not allowed", where=self.where(node))
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


_EventLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _too_big(where: Location) -> ScenarioError:
    return ScenarioError(
        f"the document expands to more than {MAX_NODES:,} values (an alias bomb?); "
        "write the values out or use fewer aliases",
        where=where,
    )


def check_shape(text: str, file: Path) -> None:
    """Refuse deep nesting and documents that expand past :data:`MAX_NODES`, before composing.

    PyYAML composes recursively and expands aliases as it goes, so a 10 kB file of ``[[[[...`` or
    of nested aliases could exhaust the stack or the memory. This pass reads the event stream
    (with libyaml when installed), keeping only a depth and the expanded size of each anchor.
    A syntax error ends the pass quietly: the full parse that follows reports it properly.
    """
    depth, total = 0, 0
    open_nodes: list[tuple[str | None, int]] = []
    sizes: dict[str, int] = {}
    try:
        for event in yaml.parse(text, Loader=_EventLoader):
            where = Location(file, event.start_mark.line + 1) if event.start_mark else Location(file)
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise ScenarioError(f"nesting deeper than {MAX_DEPTH} levels is not allowed", where=where)
                open_nodes.append((event.anchor, total))
                total += 1
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
                anchor, start = open_nodes.pop()
                if anchor is not None:
                    sizes[anchor] = total - start
            elif isinstance(event, yaml.ScalarEvent):
                total += 1
                if event.anchor is not None:
                    sizes[event.anchor] = 1
            elif isinstance(event, yaml.AliasEvent):
                total += sizes.get(event.anchor or "", 1)
            if total > MAX_NODES:
                raise _too_big(where)
    except yaml.YAMLError:
        return


def parse_yaml(text: str, file: Path) -> Any:
    """Parse one YAML document from ``text`` into marked containers."""
    check_shape(text, file)
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
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
    if node is None:
        return None
    return _Builder(file).build(node)


def read_yaml(file: Path) -> MarkedDict:
    """Read a scenario file: a YAML mapping in a UTF-8 file of at most :data:`~sim.textfile.MAX_BYTES` bytes."""
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
