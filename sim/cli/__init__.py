"""The ``sim`` command line: one module per command, all built on :func:`sim.experiment.blocks.run_scenario`.

:func:`main` is the console entry point. It turns every input problem into one line on stderr
and exit code 2 (no traceback unless ``--debug`` is given), and Ctrl-C or SIGTERM into a prompt
stop that says what was kept (exit code 130 or 143).
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import cast

import click
import typer

from sim.errors import ScenarioError
from sim.experiment.interrupts import received, stop_on_signals

# Command name -> (module in sim.cli, function). A command's module is imported only when that
# command runs (or for --help), so `sim run` does not pay for matplotlib, SALib or scipy.stats.
COMMANDS: dict[str, tuple[str, str]] = {
    "run": ("run", "run"),
    "validate": ("validate", "validate"),
    "schema": ("schema", "schema"),
    "diff": ("diff", "diff"),
    "compare": ("compare", "compare"),
    "sweep": ("sweep", "sweep"),
    "solve": ("solve", "solve_cmd"),
    "sensitivity": ("sensitivity", "sensitivity"),
    "report": ("report", "report"),
    "calibrate": ("calibrate", "calibrate_command"),
    "backtest": ("backtest", "backtest_command"),
    "bench": ("bench", "bench"),
}


def build_app(args: list[str] | None = None) -> typer.Typer:
    """The CLI with every command, or only the one ``args`` names (it must come first)."""
    app = typer.Typer(
        name="sim",
        help="Membership-growth simulator for BPJS Ketenagakerjaan planners.",
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
        add_completion=False,
    )
    app.callback()(_root)
    wanted = [a for a in (args or []) if not a.startswith("-")][:1]
    names = wanted if wanted and wanted[0] in COMMANDS else list(COMMANDS)
    for name in names:
        module, function = COMMANDS[name]
        app.command(name)(getattr(importlib.import_module(f"sim.cli.{module}"), function))
    return app


def _root(
    debug: bool = typer.Option(False, "--debug", help="show tracebacks for errors"),
) -> None:
    """Run scenario YAML files through a SimPy Monte Carlo model of membership growth."""


# Typer ships its own copy of click, whose exceptions do not derive from the installed click's.
_CLICK_ERRORS: tuple[type[click.ClickException], ...] = (
    click.ClickException,
    *(cast("type[click.ClickException]", c) for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException"),
)


INTERRUPTED = (
    "interrupted: the run in progress was discarded and no result folder was written for it; "
    "earlier result folders are untouched"
)

INTERRUPT_CODE = 130


def main(argv: list[str] | None = None) -> None:
    """Console entry point: ``sim ...``; Ctrl-C and SIGTERM stop at once (see :mod:`sim.experiment.interrupts`)."""
    with stop_on_signals():
        _main(argv)


def _main(argv: list[str] | None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    try:
        code = build_app(args)(args=args, prog_name="sim", standalone_mode=False)
    except ScenarioError as exc:
        if debug:
            raise
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
    except _CLICK_ERRORS as exc:
        if debug:
            raise
        print(f"error: {exc.format_message()} (see 'sim --help')", file=sys.stderr)
        sys.exit(2)
    except (KeyboardInterrupt, click.exceptions.Abort, typer.Abort):
        code = INTERRUPT_CODE
    sig = received()
    if sig is not None or code == INTERRUPT_CODE:
        # Typer turns KeyboardInterrupt into a silent exit code 130; say what happened instead.
        print(INTERRUPTED, file=sys.stderr)
        sys.stdout.flush()
        sys.stderr.flush()
        # Leave at once: a worker killed while sending its result can leave the executor's thread
        # waiting forever on a half-written message, and a normal exit would join that thread.
        # Nothing is left to clean up: a result folder is renamed into place only when complete.
        os._exit(128 + sig if sig is not None else INTERRUPT_CODE)
    sys.exit(code if isinstance(code, int) else 0)
