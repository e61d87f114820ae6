"""The progress bar: drawn on a terminal once a run takes a while, never in pipes or with --quiet/--json."""

from __future__ import annotations

import io
import time

from rich.console import Console

from conftest import SCENARIOS, run_cli
from sim.experiment.progress import progress_bar, wanted


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_wanted_only_on_terminals_and_when_not_quiet() -> None:
    tty, pipe = Tty(), io.StringIO()
    assert wanted(False, False, (tty, tty))
    assert not wanted(True, False, (tty, tty))
    assert not wanted(False, True, (tty, tty))
    assert not wanted(False, False, (tty, pipe))


def test_bar_shows_replications_done_and_rate() -> None:
    buf = io.StringIO()
    console = Console(file=buf, force_terminal=True, width=120)
    with progress_bar(1000, True, console=console, delay=0) as progress:
        time.sleep(0.2)  # let the timer start the bar
        progress(500)
        progress(500)
    text = buf.getvalue()
    assert "1,000/1,000 replications" in text
    assert "/s" in text


def test_bar_appears_before_the_first_block_is_done() -> None:
    buf = io.StringIO()
    console = Console(file=buf, force_terminal=True, width=120)
    with progress_bar(1000, True, console=console, delay=0.05):
        time.sleep(0.5)
    assert "0/1,000 replications" in buf.getvalue()


def test_bar_waits_for_its_delay() -> None:
    buf = io.StringIO()
    console = Console(file=buf, force_terminal=True, width=120)
    with progress_bar(1000, True, console=console, delay=60) as progress:
        progress(1000)
    assert buf.getvalue() == ""


def test_disabled_bar_is_silent() -> None:
    with progress_bar(10, False) as progress:
        progress(10)


def test_cli_draws_no_bar_into_pipes(tmp_path) -> None:
    done = run_cli("run", str(SCENARIOS / "bali-2025.yaml"), "--reps", "3000", "--out", str(tmp_path / "r"))
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
