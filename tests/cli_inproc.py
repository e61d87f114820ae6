"""Run the ``sim`` CLI inside the test process (fast), capturing its exit code and output."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from sim.cli import main


@dataclass(frozen=True)
class Done:
    returncode: int
    stdout: str
    stderr: str


def sim_cli(capsys: pytest.CaptureFixture[str], *args: str) -> Done:
    """``sim ARGS`` in process; the exit code is what the console entry point would return."""
    with pytest.raises(SystemExit) as exited:
        main(list(args))
    out, err = capsys.readouterr()
    code = exited.value.code
    return Done(code if isinstance(code, int) else 0, out, err)
