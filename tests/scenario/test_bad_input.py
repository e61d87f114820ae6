"""The bad-input corpus: every malformed scenario under ``tests/bad_scenarios`` and the message it gives.

Each case is one file plus, in :data:`CASES`, the YAML line the error must point at (``None`` when
the problem is the file as a whole), the field path, and the part of the message that says what is
wrong and what is allowed. Every case is also run through ``sim run``: exit code 2, one line on
stderr, no traceback, and nothing written.
"""

from __future__ import annotations

# ruff: noqa: E501 - the table of expected messages reads best one case a line
import json
import os
import re
import shutil
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from cli_inproc import sim_cli
from conftest import ROOT, SCENARIOS, run_cli
from sim.cli import main
from sim.errors import ScenarioError
from sim.figures.solve import probe_line
from sim.i18n.language import Lang
from sim.report.write import build
from sim.results.folder import COMPLETE, Writer, write_json, write_result
from sim.scenario import yamlio
from sim.scenario.loader import load_scenario
from sim.scenario.paths import Override, parse_assignment
from tests.report_fixtures import compare_folder, small_run, sweep_folder

CORPUS = ROOT / "tests" / "bad_scenarios"

# (file stem, line or None, field path, what is wrong and what is allowed)
CASES: list[tuple[str, int | None, str, str]] = [
    (
        "01-yaml-unclosed-bracket",
        33,
        "",
        "YAML syntax error: expected ',' or ']', but got ':' (while parsing a flow sequence started on line 32)",
    ),
    (
        "02-yaml-bad-indentation",
        19,
        "",
        "YAML syntax error: mapping values are not allowed here; check the indentation, and quote a value that holds ': '",
    ),
    (
        "03-yaml-tab-indentation",
        9,
        "",
        "YAML syntax error: found character '\\t' that cannot start any token; indent with spaces, not tabs",
    ),
    (
        "04-yaml-unclosed-quote",
        58,
        "",
        "YAML syntax error: found unexpected end of stream (while scanning a quoted scalar started on line 1); close the quote or bracket that was opened",
    ),
    ("05-duplicate-key-top", 5, "seed", "duplicate key 'seed' (first given on line 4); give each key once"),
    (
        "06-duplicate-key-in-channel",
        31,
        "channels[0].loans_per_month",
        "duplicate key 'loans_per_month' (first given on line 30); give each key once",
    ),
    ("07-non-utf8-byte", 1, "", "byte 0xe9 is not UTF-8; save the file as UTF-8"),
    ("08-binary-junk", None, "", "file is binary, not YAML text"),
    ("09-empty-file", None, "", "file is empty; a scenario is a YAML mapping (name, start, ...)"),
    ("10-comments-only", None, "", "file is empty; a scenario is a YAML mapping (name, start, ...)"),
    ("11-top-level-list", 1, "", "the file holds a list; a scenario is a YAML mapping (name, start, ...)"),
    (
        "12-top-level-scalar",
        1,
        "",
        "the file holds a single str value; a scenario is a YAML mapping (name, start, ...)",
    ),
    (
        "13-alias-bomb",
        5,
        "",
        "the document expands to more than 50,000 values (an alias bomb?); write the values out or use fewer aliases",
    ),
    ("14-deep-nesting", 3, "", "nesting deeper than 40 levels is not allowed"),
    (
        "15-python-object-tag",
        1,
        "",
        "the YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed; scenarios hold plain values only",
    ),
    ("16-custom-include-tag", 7, "", "the YAML tag '!include' is not allowed; scenarios hold plain values only"),
    ("17-non-string-key", 5, "", "keys must be plain words"),
    ("18-unknown-key-top", 5, "replicatons", "unknown key 'replicatons'; did you mean 'replications'?"),
    (
        "19-unknown-key-population",
        7,
        "population.growth_per_yr",
        "unknown key 'growth_per_yr'; did you mean 'growth_per_year'?",
    ),
    ("20-unknown-key-baseline", 14, "baseline.inactiv", "unknown key 'inactiv'; did you mean 'inactive'?"),
    ("21-unknown-key-target", 20, "target.metrc", "unknown key 'metrc'; did you mean 'metric'?"),
    (
        "22-unknown-key-lapse-segment",
        25,
        "lapse.bpu.reactivation_rate",
        "unknown key 'reactivation_rate'; did you mean 'reactivation_monthly_rate'?",
    ),
    ("23-unknown-key-lapse-single", 14, "lapse.montly_rate", "unknown key 'montly_rate'; did you mean 'monthly_rate'?"),
    ("24-unknown-lapse-segment", 23, "lapse.bpuu", "unknown segment 'bpuu'; did you mean 'bpu'?"),
    ("25-unknown-key-channel-loan", 31, "channels[KUR].opens_at", "unknown key 'opens_at'; did you mean 'opens_on'?"),
    (
        "26-unknown-key-channel-agent",
        37,
        "channels[BPR agents].agent_max",
        "unknown key 'agent_max'; did you mean 'agents_max'?",
    ),
    (
        "27-unknown-key-channel-batch",
        50,
        "channels[Gianyar].continuation_share",
        "unknown key 'continuation_share'; did you mean 'continue_share'?",
    ),
    (
        "28-unknown-key-channel-organic",
        54,
        "channels[Walk-in].seasonalty",
        "unknown key 'seasonalty'; did you mean 'seasonality'?",
    ),
    (
        "29-unknown-key-rollout-step",
        40,
        "channels[BPR agents].rollout[0].agent",
        "unknown key 'agent'; did you mean 'agents'?",
    ),
    (
        "30-unknown-key-batch",
        48,
        "channels[Gianyar].batches[0].funded_month",
        "unknown key 'funded_month'; did you mean 'funded_months'?",
    ),
    ("31-unknown-key-policy-switch", 56, "channels[Walk-in].policy[0].sett", "unknown key 'sett'; did you mean 'set'?"),
    (
        "32-unknown-policy-field",
        57,
        "channels[Walk-in].policy[0].set.per_mont",
        "'per_mont' cannot be switched; did you mean 'per_month'?",
    ),
    (
        "33-unknown-distribution",
        31,
        "channels[KUR].enrollment_rate",
        "unknown distribution 'betta'; did you mean 'beta'?",
    ),
    (
        "34-number-as-string",
        18,
        "target.members",
        "expected a whole number, got the text '1200'; write numbers without quotes",
    ),
    ("35-boolean-for-number", 36, "channels[BPR agents].agents", "expected a whole number, got true (a yes/no value)"),
    ("36-nan-rate", 53, "channels[Walk-in].per_month", "expected a finite number, got nan"),
    ("37-inf-rate", 30, "channels[KUR].loans_per_month", "expected a finite number, got inf"),
    ("38-negative-count", 36, "channels[BPR agents].agents", "input should be greater than or equal to 0, got -2"),
    ("39-negative-rate", 53, "channels[Walk-in].per_month", "must be within [0, ∞), got -5"),
    ("40-negative-lapse-rate", 24, "lapse.bpu.monthly_rate", "must be within [0, 1], got -0.03"),
    ("41-probability-above-one", 49, "channels[Gianyar].continue_share", "must be within [0, 1], got 1.3"),
    ("42-integer-as-fraction", 9, "population.workers.bpu", "expected a whole number, got 2000.5"),
    (
        "43-rate-as-percent-text",
        49,
        "channels[Gianyar].continue_share",
        "expected a number or a distribution, got the text '30%'; write numbers without quotes",
    ),
    ("44-list-for-number", 4, "seed", "expected a whole number, got a list"),
    ("45-mapping-for-name", 1, "name", "expected text, got a mapping"),
    ("46-text-for-date", 2, "start", "expected a date written YYYY-MM-DD, got the text 'next july'"),
    ("47-unknown-metric", 20, "target.metric", "input should be 'active' or 'registered', got the text 'paid'"),
    (
        "48-seasonality-wrong-length",
        54,
        "channels[Walk-in].seasonality",
        "needs 12 multipliers >= 0 (January first), got 3 values",
    ),
    (
        "49-loans-eleven-months",
        30,
        "channels[KUR].loans_per_month",
        "give one figure or 12 monthly figures (January first), got 11",
    ),
    ("50-replications-zero", 5, "replications", "input should be greater than 0, got 0"),
    ("51-growth-out-of-range", 7, "population.growth_per_year", "input should be less than or equal to 0.5, got 2"),
    ("52-missing-required-field", 17, "target.members", "'members' is required"),
    ("53-missing-name", 1, "name", "'name' is required"),
    (
        "54-impossible-date",
        2,
        "start",
        "'2025-02-30' is not a valid value: day is out of range for month; write an existing date as YYYY-MM-DD",
    ),
    ("55-end-before-start", 3, "end", "end 2025-06-30 must come after start 2025-07-01"),
    (
        "56-target-by-outside-horizon",
        19,
        "target.by",
        "target.by 2026-03-31 is outside the horizon 2025-07-01 to 2025-12-31",
    ),
    (
        "57-rollout-date-outside-horizon",
        39,
        "channels[BPR agents].rollout[0].on",
        "rollout date 2026-09-01 is outside the horizon 2025-07-01 to 2025-12-31",
    ),
    (
        "58-rollout-above-agents-max",
        40,
        "channels[BPR agents].rollout[0].agents",
        "rollout to 40 agents exceeds agents_max 10",
    ),
    ("59-agents-above-agents-max", 36, "channels[BPR agents].agents", "agents 12 exceeds agents_max 10"),
    ("60-rollout-dates-not-increasing", 41, "channels[BPR agents].rollout[1].on", "rollout dates must increase"),
    (
        "61-batch-date-outside-horizon",
        46,
        "channels[Gianyar].batches[0].on",
        "batch date 2025-06-01 is outside the horizon 2025-07-01 to 2025-12-31",
    ),
    (
        "62-policy-date-outside-horizon",
        55,
        "channels[Walk-in].policy[0].on",
        "policy date 2024-11-01 is outside the horizon 2025-07-01 to 2025-12-31",
    ),
    ("63-horizon-too-long", 3, "end", "the horizon is limited to 30 years"),
    (
        "64-baseline-above-workforce",
        11,
        "baseline.active",
        "baseline members in segment pu (1,400) exceed the working population (1,000)",
    ),
    (
        "65-baseline-above-workforce-one-group",
        9,
        "baseline.active",
        "baseline members (3,500) exceed the working population (3,000)",
    ),
    (
        "66-segments-not-adding-up",
        7,
        "population.total",
        "population.workers adds up to 3,000, not the stated total 3,500; make the segments add up to population.total, or leave total out",
    ),
    (
        "67-baseline-segment-not-in-population",
        14,
        "baseline.active.jakon",
        "segment 'jakon' is not in population.workers; allowed: pu, bpu",
    ),
    (
        "68-baseline-not-split",
        11,
        "baseline.active",
        "population is split by segment (pu, bpu); give baseline.active per segment too",
    ),
    ("69-unknown-segment", 8, "population.workers.informal", "unknown segment 'informal'"),
    (
        "70-duplicate-channel-name",
        50,
        "channels[KUR].name",
        "duplicate channel name 'KUR' (also channel 1); names must be unique",
    ),
    (
        "71-unknown-channel-kind",
        50,
        "channels[Walk-in].kind",
        "unknown channel kind 'walk_in'; allowed: loan_linked, agent_network, funded_batch, organic",
    ),
    (
        "72-missing-channel-kind",
        42,
        "channels[Gianyar].kind",
        "channel has no 'kind'; allowed: loan_linked, agent_network, funded_batch, organic",
    ),
    (
        "73-empty-channel-list",
        26,
        "channels",
        "no channels given; give at least one (kinds: loan_linked, agent_network, funded_batch, organic)",
    ),
    (
        "74-channel-segment-not-in-population",
        52,
        "channels[Walk-in].segment",
        "segment 'jakon' is not in population.workers; allowed: pu, bpu",
    ),
    (
        "75-channel-without-segment",
        27,
        "channels[KUR].segment",
        "population is split by segment; give this channel a segment: pu, bpu",
    ),
    (
        "76-agent-both-productivities",
        33,
        "channels[BPR agents]",
        "give either enrollments_per_agent_per_month, or contacts_per_agent_per_month with conversion_rate",
    ),
    (
        "77-agent-contacts-without-conversion",
        33,
        "channels[BPR agents]",
        "contacts_per_agent_per_month and conversion_rate go together",
    ),
    ("78-policy-unswitchable-field", 57, "channels[Walk-in].policy[0].set.segment", "'segment' cannot be switched"),
    (
        "79-channel-not-a-mapping",
        50,
        "channels[3]",
        "expected a mapping of fields (key: value), got the text 'Walk-in'",
    ),
    ("80-beta-zero-parameter", 31, "channels[KUR].enrollment_rate", "beta: [a, b] needs a > 0 and b > 0, got [0, 1]"),
    ("81-uniform-reversed", 49, "channels[Gianyar].continue_share", "uniform: [lo, hi] needs lo < hi, got [0.5, 0.2]"),
    (
        "82-uniform-beyond-one",
        49,
        "channels[Gianyar].continue_share",
        "{'uniform': [0.5, 1.2]} can take values outside [0, 1]",
    ),
    (
        "83-triangular-mode-outside",
        53,
        "channels[Walk-in].per_month",
        "triangular: [lo, mode, hi] needs lo <= mode <= hi and lo < hi, got [10, 40, 30]",
    ),
    (
        "84-lognormal-negative-sd",
        30,
        "channels[KUR].loans_per_month",
        "lognormal needs mean > 0 and sd > 0, got mean 50, sd -5",
    ),
    ("85-beta-one-parameter", 31, "channels[KUR].enrollment_rate", "expected beta: [a, b]"),
    (
        "86-distribution-two-kinds",
        31,
        "channels[KUR].enrollment_rate",
        "expected a number or one of {beta: ..., uniform: ..., triangular: ..., lognormal: ...}",
    ),
    (
        "87-extends-cycle",
        1,
        "extends",
        "extends makes a cycle: 87-extends-cycle.yaml -> cycle-a.yaml -> cycle-b.yaml -> cycle-a.yaml",
    ),
    ("88-extends-self", 1, "extends", "extends makes a cycle: 88-extends-self.yaml -> 88-extends-self.yaml"),
    ("89-extends-missing-parent", 1, "extends", "parents/no-such-file.yaml does not exist"),
    ("90-extends-not-text", 1, "extends", "extends names a scenario file, e.g. bali-2025.yaml"),
    ("91-extends-child-error", 3, "seed", "input should be greater than or equal to 0, got -1"),
    ("92-control-character", 1, "", "character #x0007 is not allowed in YAML; remove it"),
    (
        "93-unknown-key-lapse-rates-in-dict",
        23,
        "lapse.pu.montly_rate",
        "unknown key 'montly_rate'; did you mean 'monthly_rate'?",
    ),
    ("94-utf16-file", None, "", "file is saved as UTF-16; save it as UTF-8"),
    ("95-deep-block-sequences", 4, "", "nesting deeper than 40 levels is not allowed"),
    ("96-deep-block-mappings-in-sequences", 23, "", "nesting deeper than 40 levels is not allowed"),
    ("97-deep-flow-inside-block", 14, "", "nesting deeper than 40 levels is not allowed"),
    ("98-deep-explicit-keys", 4, "", "nesting deeper than 40 levels is not allowed"),
]

# Where the error is reported when it is not the case's own file.
ELSEWHERE = {"87-extends-cycle": CORPUS / "parents" / "cycle-b.yaml"}


def test_corpus_has_a_message_for_every_file() -> None:
    files = {p.stem for p in CORPUS.glob("*.yaml")}
    assert files == {c[0] for c in CASES}
    assert len(CASES) >= 60


@pytest.mark.parametrize(("stem", "line", "field", "message"), CASES, ids=[c[0] for c in CASES])
def test_loader_names_file_line_field_and_problem(
    stem: str, line: int | None, field: str, message: str, parser: Any
) -> None:
    file = CORPUS / f"{stem}.yaml"
    with pytest.raises(ScenarioError) as info:
        load_scenario(file)
    err = info.value
    assert type(err) is ScenarioError
    assert err.where.file == ELSEWHERE.get(stem, file)
    assert err.where.line == line
    assert err.field == field
    assert message in err.message
    text = str(err)
    assert "\n" not in text
    assert text.startswith(f"{err.where.file}{'' if line is None else f':{line}'}: ")


@pytest.mark.parametrize("stem", [c[0] for c in CASES])
def test_sim_run_exits_2_with_one_line_and_writes_nothing(
    stem: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    results = tmp_path / "results"
    with pytest.raises(SystemExit) as info:
        main(["run", str(CORPUS / f"{stem}.yaml"), "--results-dir", str(results), "--workers", "1"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ")
    assert err.count("\n") == 1
    assert "Traceback" not in err
    assert not results.exists()


def test_subprocess_gives_one_line_and_debug_gives_the_traceback(tmp_path: Path) -> None:
    bad = str(CORPUS / "18-unknown-key-top.yaml")
    plain = run_cli("run", bad, "--results-dir", str(tmp_path / "r"))
    assert plain.returncode == 2
    (line,) = plain.stderr.splitlines()
    assert line.startswith(f"error: {bad}:5: replicatons: unknown key")
    assert "did you mean 'replications'?" in plain.stderr
    debug = run_cli("--debug", "run", bad, "--results-dir", str(tmp_path / "r"))
    assert debug.returncode != 0
    assert "Traceback" in debug.stderr
    assert "ScenarioError" in debug.stderr
    assert not (tmp_path / "r").exists()


# --- very large inputs: refused fast, within bounded memory ----------------------------------


def _refuse(file: Path, *, memory: bool = True) -> tuple[str, float, int]:
    """The message, the CPU seconds taken (the machine may be shared) and the peak memory (0 if not measured)."""
    t0 = time.process_time()
    with pytest.raises(ScenarioError) as info:
        load_scenario(file)
    elapsed = time.process_time() - t0
    if not memory:
        return str(info.value), elapsed, 0
    tracemalloc.start()  # it slows Python down several times, so not while timing
    try:
        with pytest.raises(ScenarioError):
            load_scenario(file)
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return str(info.value), elapsed, peak


def test_huge_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    huge = tmp_path / "huge.yaml"
    with huge.open("wb") as f:
        f.truncate(2_000_000_000)  # sparse: 2 GB that costs no disk
    message, elapsed, peak = _refuse(huge)
    assert "limited to 1,000,000" in message
    assert elapsed < 1.0
    assert peak < 1_000_000


# Both of PyYAML's parsers: its own, and libyaml's when PyYAML was built with it. The guards must
# not depend on which one reads the file (libyaml 0.2.5 gives up on deep nesting by itself).
PARSERS = [
    pytest.param(yaml.SafeLoader, id="pyyaml"),
    pytest.param(
        getattr(yaml, "CSafeLoader", None),
        id="libyaml",
        marks=pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML built without libyaml"),
    ),
]


@pytest.fixture(params=PARSERS)
def parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Read scenario files with one parser for the test."""
    monkeypatch.setattr(yamlio, "PARSER", request.param)
    return request.param


@pytest.mark.parametrize(
    "text",
    ["a:\n" + "- 1\n" * 240_000, "a: [" + "1," * 300_000 + "1]\n"],
    ids=["long-list", "long-flow-list"],
)
def test_long_documents_under_the_size_limit_are_refused_fast(tmp_path: Path, text: str, parser: Any) -> None:
    file = tmp_path / "big.yaml"
    file.write_text(text)
    assert file.stat().st_size <= 1_000_000
    # The composer holds the same nodes whichever parser fed it; tracemalloc would make PyYAML's own
    # parser take 20 s here, so memory is measured with libyaml.
    message, elapsed, peak = _refuse(file, memory=parser is not yaml.SafeLoader)
    assert "expands to more than 50,000 values" in message
    # Measured: 0.3 s and 16 MB with libyaml, 1.3 s and 30 MB with PyYAML's own parser.
    assert elapsed < 5.0
    assert peak < 50_000_000


def _indented(levels: int, item: str) -> str:
    return "".join("  " * i + item + "\n" for i in range(levels)) + "  " * levels + "leaf\n"


# Every way of nesting YAML, each as deep as fits in the 1 MB limit, and the line the error names.
DEEP: dict[str, tuple[str, int]] = {
    "flow-brackets": ("a: " + "[" * 490_000 + "]" * 490_000 + "\n", 1),
    "flow-braces": ("a: " + "{" * 490_000 + "}" * 490_000 + "\n", 1),
    "flow-keyed-braces": ("a: " + "{b: " * 190_000 + "}" * 190_000 + "\n", 1),
    "flow-mixed": ("a: " + "[{b: " * 140_000 + "}]" * 140_000 + "\n", 1),
    "flow-over-lines": ("a:\n" + " [\n" * 160_000 + " ]\n" * 160_000, 41),
    "flow-tagged-anchored": ("a: " + "".join(f"&a{i} !!seq [" for i in range(60_000)) + "]" * 60_000 + "\n", 1),
    "block-mappings": ("".join(" " * i + f"k{i}:\n" for i in range(1300)) + " " * 1300 + "v\n", 41),
    "block-sequences-compact": ("a:\n" + "- " * 490_000 + "leaf\n", 2),
    "block-sequences-indented": (_indented(700, "-"), 41),
    "block-mappings-in-sequences": (_indented(700, "- k:"), 21),
    "explicit-keys": ("? " * 490_000 + "leaf\n", 1),
    "flow-inside-block-sequences": ("a:\n" + "- " * 30 + "[{b: " * 140_000 + "}]" * 140_000 + "\n", 2),
    "block-then-flow-over-lines": (_indented(15, "- k:")[: -len("leaf\n")] + "  " + "[\n" * 400_000, 26),
    "through-aliases": ("a: &a " + "[" * 30 + "]" * 30 + "\nb: " + "[" * 30 + "*a" + "]" * 30 + "\n", 1),
}


def _refusal_cpu_seconds(file: Path) -> tuple[ScenarioError, float]:
    t0 = time.process_time()  # CPU time: the machine running the tests may be shared
    with pytest.raises(ScenarioError) as info:
        load_scenario(file)
    return info.value, time.process_time() - t0


@pytest.mark.parametrize(("text", "line"), DEEP.values(), ids=DEEP.keys())
def test_deep_nesting_of_every_shape_is_refused_within_a_second(
    tmp_path: Path, text: str, line: int, parser: Any
) -> None:
    file = tmp_path / "deep.yaml"
    file.write_text(text)
    assert file.stat().st_size <= 1_000_000
    err, seconds = _refusal_cpu_seconds(file)
    assert str(err) == f"{file}:{line}: nesting deeper than 40 levels is not allowed"
    assert seconds < 1.0


@pytest.mark.parametrize("shape", ["flow-brackets", "block-sequences-compact", "flow-inside-block-sequences"])
def test_sim_validate_refuses_deep_nesting_in_one_line(
    tmp_path: Path, shape: str, parser: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    file = tmp_path / "deep.yaml"
    file.write_text(DEEP[shape][0])
    done = sim_cli(capsys, "validate", str(file))
    assert done.returncode == 2
    assert done.stderr == f"error: {file}:{DEEP[shape][1]}: nesting deeper than 40 levels is not allowed\n"


_WITH_PYYAML = "import sys, yaml, sim.scenario.yamlio; sim.scenario.yamlio.PARSER = yaml.SafeLoader; from sim.cli import main; main()"


@pytest.mark.parametrize("forced", [None, _WITH_PYYAML], ids=["default-parser", "pyyaml"])
def test_every_deep_shape_fails_in_a_fresh_interpreter_without_traceback(tmp_path: Path, forced: str | None) -> None:
    """A real interpreter's stack, as a planner's shell runs it: one line per file, exit 2."""
    files = []
    for name, (text, _) in DEEP.items():
        files.append(tmp_path / f"{name}.yaml")
        files[-1].write_text(text)
    entry = ["-m", "sim"] if forced is None else ["-c", forced]
    proc = subprocess.run(
        [sys.executable, *entry, "validate", *map(str, files)],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.splitlines() == [
        f"error: {file}:{line}: nesting deeper than 40 levels is not allowed"
        for file, (_, line) in zip(files, DEEP.values(), strict=True)
    ]


def test_recursion_past_the_guard_is_still_one_line_naming_the_file(
    tmp_path: Path, parser: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """With the depth guard switched off, PyYAML's recursive composer really runs out of stack."""
    monkeypatch.setattr(yamlio, "MAX_DEPTH", 10**9)
    file = tmp_path / "deep.yaml"
    file.write_text("a: " + "[" * 5000 + "]" * 5000 + "\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(file)
    assert str(info.value).startswith(f"{file}: the document is nested too deeply to read; nest at most")
    done = sim_cli(capsys, "validate", str(file))
    assert (done.returncode, done.stderr.count("\n")) == (2, 1)
    assert "nested too deeply" in done.stderr


def test_running_out_of_memory_while_reading_is_one_line_naming_the_file(
    parser: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def exhausted(*args: Any) -> None:
        raise MemoryError

    monkeypatch.setattr(yamlio._Builder, "build", exhausted)
    done = sim_cli(capsys, "validate", BALI)
    assert done.returncode == 2
    assert done.stderr == f"error: {BALI}: the document is too large to read into memory; write fewer values\n"


def _with_marks(data: Any) -> Any:
    """``data`` with the location of every key and item beside it, to compare two readings whole."""
    if isinstance(data, dict):
        return {k: (data.marks[k], _with_marks(v)) for k, v in data.items()}
    if isinstance(data, list):
        return [(data.marks[i], _with_marks(v)) for i, v in enumerate(data)]
    return data


@pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML built without libyaml")
@pytest.mark.parametrize(
    "file",
    sorted(
        [*SCENARIOS.glob("*.yaml"), *(CORPUS / "parents").glob("*.yaml"), *(ROOT / "tests" / "data").glob("*.yaml")]
    ),
    ids=lambda p: p.name,
)
def test_both_parsers_read_every_shipped_scenario_alike(file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    readings = []
    for chosen in (yaml.CSafeLoader, yaml.SafeLoader):
        monkeypatch.setattr(yamlio, "PARSER", chosen)
        readings.append(_with_marks(yamlio.read_yaml(file)))
    assert readings[0] == readings[1]


def test_set_values_are_read_within_the_same_limits(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    deep = "[" * 60_000 + "1" + "]" * 60_000
    with pytest.raises(ScenarioError, match="is not a valid YAML value: nesting deeper than 40 levels"):
        parse_assignment(f"seed={deep}")
    with pytest.raises(ScenarioError, match=r"the YAML tag 'tag:yaml\.org,2002:binary' is not allowed"):
        parse_assignment("name=!!binary aGVsbG8=")
    results = tmp_path / "r"
    done = sim_cli(capsys, "run", BALI, "--set", f"seed={deep}", "--results-dir", str(results))
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1
    assert "nesting deeper than 40 levels" in done.stderr
    assert not results.exists()


def test_devices_and_pipes_are_refused_without_reading_them(tmp_path: Path) -> None:
    fifo = tmp_path / "scenario.yaml"
    os.mkfifo(fifo)  # opening it would wait forever for a writer
    for file in (fifo, Path("/dev/zero")):
        message, elapsed, _ = _refuse(file)
        assert "is not a regular file" in message
        assert elapsed < 1.0


def test_alias_bomb_is_refused_without_expanding(tmp_path: Path, parser: Any) -> None:
    levels = "".join(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 10) + "]\n" for i in range(1, 10))
    file = tmp_path / "bomb.yaml"
    file.write_text("l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + levels)
    message, elapsed, peak = _refuse(file)
    assert "alias bomb" in message
    assert elapsed < 5.0
    assert peak < 20_000_000


# --- safe loading: nothing from a scenario becomes a Python object or runs -------------------


@pytest.mark.parametrize(
    "tagged",
    [
        "!!python/object/apply:os.system ['touch {marker}']",
        "!!python/object/new:os.system ['touch {marker}']",
        "!!python/name:os.system",
        "!!python/module:os",
        "!!python/object:pathlib.Path {{}}",
        "!!binary aGVsbG8=",
        "!!set {{a, b}}",
        "!!omap [a: 1]",
        "!!pairs [a: 1]",
    ],
)
def test_yaml_never_constructs_python_objects(tmp_path: Path, tagged: str) -> None:
    marker = tmp_path / "ran"
    scenario = (SCENARIOS / "bali-2025.yaml").read_text()
    file = tmp_path / "tagged.yaml"
    file.write_text(scenario.replace("name: Bali 2025, current channels", "name: " + tagged.format(marker=marker)))
    with pytest.raises(ScenarioError, match="is not allowed; scenarios hold plain values only"):
        load_scenario(file)
    assert not marker.exists()


def test_text_that_looks_like_code_stays_text(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    code = f"__import__('os').system('touch {marker}')"
    scenario = (SCENARIOS / "bali-2025.yaml").read_text()
    file = tmp_path / "code.yaml"
    file.write_text(scenario.replace("name: Bali 2025, current channels", f'name: "{code}"'))
    assert load_scenario(file).scenario.name == code
    with pytest.raises(ScenarioError):
        load_scenario(file, [Override("target.members", code)])
    assert not marker.exists()


# --- CLI misuse ---------------------------------------------------------------------------------


def _cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as info:
        main(args)
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ")
    assert err.count("\n") == 1
    assert "Traceback" not in err
    return err


BALI = str(SCENARIOS / "bali-2025.yaml")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["run", "no-such-file.yaml"], "no-such-file.yaml: no such file"),
        (["run", str(SCENARIOS)], "is a directory; give a scenario .yaml file"),
        (["run", BALI, "--reps", "0"], "Invalid value for '--reps': Input should be greater than or equal to 1"),
        (["run", BALI, "--reps", "-5"], "Invalid value for '--reps': Input should be greater than or equal to 1"),
        (["run", BALI, "--seed", "abc"], "Invalid value for '--seed': Input should be a valid integer"),
        (["run", BALI, "--seed", "-1"], "Invalid value for '--seed'"),
        (["run", BALI, "--workers", "-2"], "Invalid value for '--workers'"),
        (["run", BALI, "--workers", "1000"], "Invalid value for '--workers': Input should be less than or equal to 64"),
        (["run", BALI, "--reps", "99999999999"], "Invalid value for '--reps': Input should be less than or equal to"),
        (["run", BALI, "--reps", "1.5"], "Invalid value for '--reps'"),
        (["run", BALI, "--bogus"], "No such option: --bogus"),
        (["run"], "Missing argument"),
        (["runn", BALI], "No such command 'runn'"),
        (["validate"], "Missing argument"),
        (["validate", str(CORPUS / "18-unknown-key-top.yaml")], "did you mean 'replications'?"),
    ],
    ids=[
        "missing-file",
        "directory",
        "reps-0",
        "reps-negative",
        "seed-text",
        "seed-negative",
        "workers-negative",
        "workers-1000",
        "reps-huge",
        "reps-fraction",
        "unknown-option",
        "no-scenario",
        "unknown-command",
        "validate-nothing",
        "validate-bad",
    ],
)
def test_cli_misuse_is_one_line_exit_2_nothing_written(
    args: list[str], expected: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    err = _cli(args, capsys)
    assert expected in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "out",
    ["/proc/sim-results", "{tmp}/a-file/results", "{tmp}/earlier"],
    ids=["proc", "under-a-file", "earlier-run"],
)
def test_unwritable_or_used_out_is_refused_before_running(
    out: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    earlier = tmp_path / "earlier"
    earlier.mkdir()
    (earlier / "summary.json").write_text("{}")
    t0 = time.perf_counter()
    err = _cli(["run", BALI, "--reps", "100000", "--out", out.format(tmp=tmp_path)], capsys)
    assert "--out" in err
    assert time.perf_counter() - t0 < 5  # refused before 100,000 replications could run
    assert (tmp_path / "a-file").read_text() == "not a folder"
    assert [p.name for p in earlier.iterdir()] == ["summary.json"]


def _bali_with(path: str, value: str) -> ScenarioError:
    name, values = parse_assignment(f"{path}={value}")
    with pytest.raises(ScenarioError) as info:
        load_scenario(BALI, [Override(name, values[0])])
    return info.value


def test_set_with_unknown_path_says_what_exists() -> None:
    err = _bali_with("channels[BPR agent].agents", "30")
    assert err.field == "channels[BPR agent].agents"
    assert "no channel named 'BPR agent'; did you mean 'BPR agents'?" in err.message
    err = _bali_with("target.memebrs", "5")
    assert "did you mean 'members'?" in err.message


def test_set_with_wrong_type_names_the_field() -> None:
    err = _bali_with("target.members", "lots")
    assert err.field == "target.members"
    assert "expected a whole number, got the text 'lots'" in err.message
    err = _bali_with("channels[BRI KUR].enrollment_rate", "1.5")
    assert err.field == "channels[BRI KUR].enrollment_rate"
    assert "must be within [0, 1], got 1.5" in err.message
    with pytest.raises(ScenarioError, match="expected PATH=VALUE"):
        parse_assignment("target.members")


def _run_has_set() -> bool:
    help_text = run_cli("run", "--help").stdout
    return "--set" in help_text


@pytest.mark.skipif(not _run_has_set(), reason="sim run --set comes with the sweep work")
@pytest.mark.parametrize(
    ("assignment", "expected"),
    [("channels[Nope].agents=3", "no channel named 'Nope'"), ("target.members=lots", "expected a whole number")],
)
def test_cli_set_misuse(assignment: str, expected: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    err = _cli(["run", BALI, "--set", assignment, "--results-dir", str(tmp_path / "r")], capsys)
    assert expected in err
    assert not (tmp_path / "r").exists()


# --- valid but suspicious: runs, with a clear warning ---------------------------------------


def _variant(tmp_path: Path, old: str, new: str) -> Path:
    text = (CORPUS / "parents" / "valid-base.yaml").read_text()
    assert old in text
    file = tmp_path / "variant.yaml"
    file.write_text(text.replace(old, new))
    return file


@pytest.mark.parametrize(
    ("old", "new", "field", "warning"),
    [
        (
            "      beta: [3, 7]",
            "      beta: [95, 5]",
            "channels[KUR].enrollment_rate",
            "enrollment_rate averages 95%; conversion that high is rarely seen",
        ),
        ("  members: 1200", "  members: 800", "target.members", "the target (800) is already reached at the start"),
    ],
    ids=["conversion-95", "target-already-reached"],
)
def test_suspicious_scenarios_run_with_a_warning(tmp_path: Path, old: str, new: str, field: str, warning: str) -> None:
    file = _variant(tmp_path, old, new)
    loaded = load_scenario(file)
    assert any(f": {field}: {warning}" in w for w in loaded.warnings)
    result = run_cli("run", str(file), "--reps", "20", "--workers", "1", "--results-dir", str(tmp_path / "r"))
    assert result.returncode == 0, result.stderr
    assert warning in result.stderr
    summaries = list((tmp_path / "r").glob("*/*/summary.json"))
    assert len(summaries) == 1
    assert warning in summaries[0].read_text()


def test_parent_outside_the_folder_is_allowed_but_shown(tmp_path: Path) -> None:
    parent = tmp_path / "base.yaml"
    parent.write_text((CORPUS / "parents" / "valid-base.yaml").read_text())
    child = tmp_path / "variants" / "more-agents.yaml"
    child.parent.mkdir()
    child.write_text("extends: ../base.yaml\nname: more agents\n")
    loaded = load_scenario(child)
    assert loaded.scenario.name == "more agents"
    assert any("extends" in w and "outside the scenario's folder" in w and "base.yaml" in w for w in loaded.warnings)
    result = run_cli("validate", str(child))
    assert result.returncode == 0
    assert "outside the scenario's folder" in result.stderr


def test_windows_line_endings_and_byte_order_mark_are_fine(tmp_path: Path) -> None:
    text = (CORPUS / "parents" / "valid-base.yaml").read_text()
    file = tmp_path / "windows.yaml"
    file.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    assert load_scenario(file).scenario == load_scenario(CORPUS / "parents" / "valid-base.yaml").scenario


def test_the_corpus_base_itself_is_valid() -> None:
    loaded = load_scenario(CORPUS / "parents" / "valid-base.yaml")
    assert loaded.warnings == ()


def test_every_case_fails_in_a_fresh_interpreter_without_traceback() -> None:
    """``sim validate`` over the whole corpus in one process: one error line per file, exit 2."""
    files = sorted(str(p) for p in CORPUS.glob("*.yaml"))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-m", "sim", "validate", *files],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 2
    lines = proc.stderr.splitlines()
    assert len([line for line in lines if line.startswith("error: ")]) == len(files)
    assert "Traceback" not in proc.stderr


# --- damaged result folders: `sim report` gives one line naming the file and the field -------------------


def _base_folders(root: Path) -> dict[str, Path]:
    """A result folder of each kind, as this version writes it (run, compare, sweep: the report tests' own)."""
    png = probe_line(Lang("en"), [1, 2], [0.1, 0.2], [0.0, 0.1], [0.2, 0.3], "x")
    probe = {"value": 1000, "reps": 500, "probability": 0.9, "ci95": [0.87, 0.92]}
    answer = {
        **{"lever": "channels[Walk-in].per_month", "goal": 0.8, "maximize": False, "reached": True, "value": 1000},
        **{"at_answer": probe, "neighbour": None, "best": probe, "uncertain_between": None, "probes": [probe]},
    }
    solve = {"kind": "solve", "scenario": "Small town", "goal": 0.8, "answers": [answer]}
    tornado = {
        **{"rank": 1, "parameter": "channels[Walk-in].per_month", "low": 500, "high": 900},
        **{"final_mean_low": 35000.0, "final_mean_high": 37000.0, "final_swing": 2000.0},
        **{"probability_low": 0.4, "probability_high": 0.7},
    }
    sensitivity = {"scenario": "Small town", "seed": 4, "settings": {"samples": 8}, "tornado": [tornado], "sobol": None}

    def files(**contents: object) -> Writer:
        def fill(folder: Path) -> None:
            for name, data in contents.items():
                name = name.replace("_", ".")
                if isinstance(data, bytes):
                    (folder / name).write_bytes(data)
                else:
                    write_json(folder / name, data)

        return fill

    return {
        "run": small_run(root),
        "compare": compare_folder(root / "compare"),
        "sweep": sweep_folder(root / "sweep"),
        "solve": write_result(root / "solve", files(solve_json=solve)),
        "sensitivity": write_result(root / "sensitivity", files(sensitivity_json=sensitivity, tornado_png=png)),
        "calibrate": write_result(root / "calibrate", files(fit_json={"method": "test"})),
    }


@pytest.fixture(scope="module")
def base_folders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return _base_folders(tmp_path_factory.mktemp("folders"))


def _json(name: str, change: Callable[[Any], Any]) -> Callable[[Path], None]:
    def damage(folder: Path) -> None:
        data = json.loads((folder / name).read_text())
        changed = change(data)
        write_json(folder / name, data if changed is None else changed)

    return damage


def _bytes(name: str, content: bytes | Callable[[bytes], bytes]) -> Callable[[Path], None]:
    def damage(folder: Path) -> None:
        old = (folder / name).read_bytes() if (folder / name).exists() else b""
        (folder / name).write_bytes(content(old) if callable(content) else content)

    return damage


def _delete(name: str) -> Callable[[Path], None]:
    return lambda folder: (folder / name).unlink()


def _set(path: str, value: Any) -> Callable[[Any], None]:
    """Set ``a.b[0].c`` in JSON data (``value`` DELETE removes the key)."""

    def change(data: Any) -> None:
        *parents, last = [int(p) if p.isdigit() else p for p in re.findall(r"[^.\[\]]+", path)]
        for p in parents:
            data = data[p]
        if value is DELETE:
            del data[last]
        else:
            data[last] = value

    return change


DELETE = object()
DAMAGED_FOLDERS: list[tuple[str, str, Callable[[Path], None], str]] = [
    # (case, kind of folder, damage, what the one line says after "error: <folder>/")
    (
        "summary-truncated",
        "run",
        _bytes("summary.json", lambda b: b[: len(b) // 2]),
        r"summary\.json:\d+: not valid JSON \(.+, column \d+\); the file was cut short or edited by hand",
    ),
    (
        "summary-probability-text",
        "run",
        _json("summary.json", _set("target.probability", "high")),
        r'summary\.json: target\.probability: expected a number, got "high"',
    ),
    (
        "summary-missing-key",
        "run",
        _json("summary.json", _set("semesters[0].enrolled_mean", DELETE)),
        r"summary\.json: semesters\[0\]\.enrolled_mean: missing",
    ),
    (
        "summary-null-object",
        "run",
        _json("summary.json", _set("final", None)),
        r"summary\.json: final: expected an object, got null",
    ),
    (
        "summary-list",
        "run",
        _json("summary.json", lambda data: [data]),
        r"summary\.json: expected an object, got \[",
    ),
    (
        "summary-binary",
        "run",
        _bytes("summary.json", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
        r"summary\.json: the file is binary, not JSON text",
    ),
    (
        "summary-latin-1",
        "run",
        _bytes("summary.json", '{\n  "scenario": "Denpasar café"\n}\n'.encode("latin-1")),
        r"summary\.json:2: byte 0xe9 is not UTF-8; the file is not JSON text",
    ),
    ("summary-empty", "run", _bytes("summary.json", b""), r"summary\.json: the file is empty; it was cut short"),
    (
        "summary-unknown-verdict",
        "run",
        _json("summary.json", _set("target.verdict", "great")),
        r"summary\.json: target\.verdict: expected 'on track', 'more likely than not', 'at risk' or 'off track', "
        r'got "great"',
    ),
    (
        "summary-bad-date",
        "run",
        _json("summary.json", _set("start", "2025-13-01")),
        r"summary\.json: start: expected a date YYYY-MM-DD, got '2025-13-01'",
    ),
    (
        "summary-no-semesters",
        "run",
        _json("summary.json", _set("semesters", [])),
        r"summary\.json: semesters: expected at least 1 item, got 0",
    ),
    (
        "summary-true-replications",
        "run",
        _json("summary.json", _set("replications", True)),
        r"summary\.json: replications: expected a whole number, got true",
    ),
    (
        "summary-enrolment-text",
        "run",
        _json("summary.json", _set("semesters[1].enrolled_by_channel.Walk-in", "many")),
        r'summary\.json: semesters\[1\]\.enrolled_by_channel\.Walk-in: expected a number, got "many"',
    ),
    (
        "summary-missing",
        "run",
        _delete("summary.json"),
        r"holds none of compare\.json, .*summary\.json: it is not a result folder",
    ),
    (
        "run-json-missing",
        "run",
        _delete("run.json"),
        r"run\.json: missing; every result folder has one; this one was not written by this version of sim",
    ),
    (
        "run-json-other-format",
        "run",
        _json("run.json", _set("format", 2)),
        r"run\.json: format: the folder is in result format 2 \(written by sim [^)]+\); this version reads format 1",
    ),
    (
        "run-json-no-format",
        "run",
        _json("run.json", _set("format", DELETE)),
        r"run\.json: format: missing: the folder was written by sim .+, before result folders carried a format",
    ),
    (
        "run-json-truncated",
        "run",
        _bytes("run.json", lambda b: b[:30]),
        r"run\.json:\d+: not valid JSON",
    ),
    (
        "run-json-command-text",
        "run",
        _json("run.json", _set("command", "sim run")),
        r'run\.json: command: expected a list, got "sim run"',
    ),
    (
        "monthly-missing-column",
        "run",
        _bytes("monthly.csv", lambda b: b.replace(b",p95\n", b"\n", 1)),
        r"monthly\.csv:1: p95: column 'p95' is missing; the table has date, series, mean, sd, p05, p25, p50, p75, p95",
    ),
    (
        "monthly-bad-number",
        "run",
        _bytes("monthly.csv", lambda b: b"\n".join([*b.split(b"\n")[:2], b"2025-05-31,active,abc,1,2,3,4,5,6"])),
        r'monthly\.csv:3: mean: expected a number, got "abc"',
    ),
    ("monthly-missing", "run", _delete("monthly.csv"), r"monthly\.csv: missing"),
    (
        "scenario-broken",
        "run",
        _bytes("scenario.yaml", b"name: [Small town\nstart: 2025-04-01\n"),
        r"scenario\.yaml:\d+: YAML syntax error",
    ),
    (
        "compare-short-interval",
        "compare",
        _json("compare.json", _set("variants[1].paired.final.ci95", [1.0])),
        r"compare\.json: variants\[1\]\.paired\.final\.ci95: expected at least 2 items, got 1",
    ),
    (
        "compare-other-kind",
        "compare",
        _json("compare.json", _set("kind", "sweep")),
        r"compare\.json: kind: expected 'compare', got \"sweep\"",
    ),
    (
        "sweep-point-without-value",
        "sweep",
        _json("sweep.json", lambda data: data["points"][2]["values"].clear()),
        r"sweep\.json: points\[2\]\.values: no value for the parameter 'channels\[BPR agents\]\.agents'",
    ),
    (
        "solve-reached-without-answer",
        "solve",
        _json("solve.json", _set("answers[0].at_answer", None)),
        r"solve\.json: answers\[0\]\.at_answer: null, but reached is true",
    ),
    (
        "sensitivity-rank-text",
        "sensitivity",
        _json("sensitivity.json", _set("tornado[0].rank", "1")),
        r'sensitivity\.json: tornado\[0\]\.rank: expected a whole number, got "1"',
    ),
    ("sensitivity-chart-garbage", "sensitivity", _bytes("tornado.png", b"GIF89a"), r"tornado\.png: not a PNG image"),
    ("sensitivity-chart-missing", "sensitivity", _delete("tornado.png"), r"tornado\.png: missing"),
    (
        "calibrate-folder",
        "calibrate",
        lambda folder: None,
        r"is a calibrate result; sim report reads run, compare, sweep, sensitivity, solve, optimize folders",
    ),
    ("unfinished", "run", _delete(COMPLETE), r"has no COMPLETE marker: the run that wrote it did not finish"),
    (
        "not-a-result-folder",
        "run",
        lambda folder: [p.unlink() for p in folder.iterdir() if p.suffix != ".yaml"],
        r"is not a result folder: it has no COMPLETE marker, no run\.json and none of compare\.json, ",
    ),
]


def test_the_undamaged_folders_make_reports(base_folders: dict[str, Path]) -> None:
    for kind, folder in base_folders.items():
        if kind != "calibrate":
            assert build(folder, Lang("en")).sections, kind


@pytest.mark.parametrize(
    ("kind", "damage", "expected"), [c[1:] for c in DAMAGED_FOLDERS], ids=[c[0] for c in DAMAGED_FOLDERS]
)
def test_a_damaged_result_folder_gives_one_line_naming_file_and_field(
    kind: str,
    damage: Callable[[Path], None],
    expected: str,
    base_folders: dict[str, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder = tmp_path / kind
    shutil.copytree(base_folders[kind], folder)
    damage(folder)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    err = _cli(["report", str(folder), "--lang", "en"], capsys)
    assert re.fullmatch(rf"error: {re.escape(str(folder))}(/|: ){expected}.*\n", err), err
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before  # no report-en/ folder, nothing changed
    assert not (tmp_path / "report-en").exists()


def test_a_damaged_folder_fails_in_a_fresh_interpreter_without_traceback(
    base_folders: dict[str, Path], tmp_path: Path
) -> None:
    folder = tmp_path / "run"
    shutil.copytree(base_folders["run"], folder)
    _bytes("summary.json", lambda b: b[:100])(folder)
    done = subprocess.run(
        [sys.executable, "-m", "sim", "report", str(folder)],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    (line,) = done.stderr.splitlines()
    assert line.startswith(f"error: {folder / 'summary.json'}:")
    assert "Traceback" not in done.stderr
