"""The YAML of result folders: libyaml's fast emitter only where it writes PyYAML's bytes exactly.

:func:`sim.results.folder.yaml_text` hands data to libyaml's C emitter when
:func:`~sim.results.folder.emits_alike` says the two emitters agree, and to PyYAML's pure-Python
one otherwise. Here the two are compared byte for byte: on every shipped scenario as a run folder
writes it, on random data of the kind ``emits_alike`` lets through, and on the texts it holds back.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import SCENARIOS
from sim.results.folder import emits_alike, yaml_text
from sim.scenario.loader import load_scenario
from sim.scenario.schema import scenario_data

needs_libyaml = pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML was built without libyaml")


def pure(data: Any) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def libyaml(data: Any) -> str:
    return yaml.dump(data, Dumper=yaml.CSafeDumper, sort_keys=False, allow_unicode=True, width=100)


@pytest.mark.parametrize("file", sorted(SCENARIOS.glob("*.yaml")), ids=lambda f: f.stem)
def test_every_shipped_scenario_is_written_fast_and_exactly(file: Any) -> None:
    data = scenario_data(load_scenario(file).scenario)
    assert emits_alike(data)  # so that every shipped scenario's folder is written by libyaml
    assert yaml_text(data) == pure(data)


# Printable text of every width around the line length (100) and the simple-key limit (128), with
# non-ASCII letters, YAML's own punctuation, and words that would read back as other types.
_texts = st.one_of(
    st.text(st.characters(codec="utf-8", categories=["L", "N", "P", "S", "Zs"], exclude_characters="\u2028\u2029"))
    .filter(lambda t: all(c < "\U00010000" and c != "\ufeff" for c in t))
    .map(lambda t: t * 3),
    st.text(alphabet=" abc-:#'\"&*!|>%@`?,[]{}", max_size=260),
    st.text(alphabet="ab. \n", max_size=260).filter(lambda t: " \n" not in t and "\n " not in t),
    st.sampled_from(["", "null", "yes", "1.5", "2025-01-01", "- a", ": b", "#c", "~"]),
)
_keys = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1, max_size=99)
_scalars = st.one_of(
    _texts,
    st.integers(),
    st.floats(),
    st.booleans(),
    st.none(),
    st.dates(min_value=datetime.date(1900, 1, 1)),
)
_data = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_keys, inner, max_size=4),
    max_leaves=20,
)


@needs_libyaml
@settings(max_examples=300, deadline=None)
@given(st.dictionaries(_keys, _data, min_size=1, max_size=4))
def test_libyaml_writes_what_pyyaml_does_wherever_it_is_used(data: dict[str, Any]) -> None:
    assert emits_alike(data)
    assert libyaml(data) == pure(data)


@needs_libyaml
@pytest.mark.parametrize(
    "data",
    [
        {"name": "Bali\tnorth " * 12},  # a tab: double quotes, folded differently past 100 characters
        {"name": "line one\n line two " * 10},
        {"notes": "a " * 60 + "\u2028"},
        {"emoji": "\U0001f600"},  # libyaml escapes astral characters
        {"\u00e9" * 50: 1},  # 50 characters but 100 bytes: libyaml's key limit counts bytes
        {"k" * 128: 1},
        {"": 1},
        {1: "a"},
    ],
)
def test_text_the_emitters_write_apart_goes_to_pyyaml(data: dict[Any, Any]) -> None:
    assert not emits_alike(data)
    assert yaml_text(data) == pure(data)


@needs_libyaml
def test_the_emitters_do_differ_on_what_is_held_back() -> None:
    # Without this difference emits_alike would hold back nothing; with it, the test above matters.
    data = {"name": "Bali\tnorth " * 12}
    assert libyaml(data) != pure(data)
