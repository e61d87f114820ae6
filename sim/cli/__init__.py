"""The ``sim`` command line: one module per command, options and printing only.

Each command (``<name>_command``) parses its options, calls one library function and prints; the
scenario runs go through :mod:`sim.experiment.runner`. May import every layer.

:func:`main` is the CLI (:func:`console`, the ``sim`` command, calls it). It turns every input
problem into one line on stderr and exit code 2 (no traceback unless ``--debug`` is given), and
Ctrl-C or SIGTERM into a prompt stop that says what was kept (exit code 130 or 143).
"""

from __future__ import annotations

import gc
import importlib
import os
import sys
from typing import Protocol, cast

import typer

from sim import __version__
from sim.errors import ScenarioError
from sim.experiment.interrupts import received, stop_on_signals

# Command name -> (module in sim.cli, function). A command's module is imported only when that
# command runs (or for --help), so `sim run` does not pay for matplotlib, SALib or scipy.stats.
COMMANDS: dict[str, tuple[str, str]] = {
    "run": ("run", "run_command"),
    "validate": ("validate", "validate_command"),
    "schema": ("schema", "schema_command"),
    "diff": ("diff", "diff_command"),
    "compare": ("compare", "compare_command"),
    "sweep": ("sweep", "sweep_command"),
    "solve": ("solve", "solve_command"),
    "optimize": ("optimize", "optimize_command"),
    "sensitivity": ("sensitivity", "sensitivity_command"),
    "report": ("report", "report_command"),
    "calibrate": ("calibrate", "calibrate_command"),
    "backtest": ("backtest", "backtest_command"),
    "bench": ("bench", "bench_command"),
    "serve": ("serve", "serve_command"),
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
    if wanted and wanted[0] in COMMANDS:
        names = wanted
    elif args == ["--version"]:
        names = []
    else:
        names = list(COMMANDS)
    for name in names:
        module, function = COMMANDS[name]
        app.command(name)(getattr(importlib.import_module(f"sim.cli.{module}"), function))
    return app


def _print_version(value: bool) -> None:
    if value:
        print(f"sim {__version__}")
        raise typer.Exit()


def _root(
    debug: bool = typer.Option(False, "--debug", help="show tracebacks for errors"),
    version: bool = typer.Option(
        False, "--version", callback=_print_version, is_eager=True, help="print the version and exit"
    ),
) -> None:
    """Run scenario YAML files through a SimPy Monte Carlo model of membership growth."""


class _UsageError(Protocol):
    def format_message(self) -> str: ...


# Every usage error (bad option, missing argument, unknown command) derives from the ClickException
# of typer's own copy of click (typer no longer installs click). Found through typer, so that the CLI
# imports only what pyproject.toml declares.
_USAGE_ERROR: type[Exception] = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException")


INTERRUPTED = (
    "interrupted: the run in progress was discarded and no result folder was written for it; "
    "earlier result folders are untouched"
)

INTERRUPT_CODE = 130


def console() -> None:
    """The ``sim`` command and ``python -m sim``: :func:`main`, leaving the objects left to the process's end.

    At exit the interpreter garbage-collects every object it tracks: 0.15 s of a national run's 2.5 s
    here. Frozen (``gc.freeze``), they are skipped; every file is written and closed by then. Not in
    :func:`main`, which tests call many times in one process.
    """
    try:
        main()
    finally:
        gc.freeze()


def main(argv: list[str] | None = None) -> None:
    """The CLI on ``argv`` (else the command line's); Ctrl-C and SIGTERM stop it at once (see interrupts)."""
    with stop_on_signals():
        _main(argv)


def _main(argv: list[str] | None) -> None:
    # Bare `sim` is `sim --help` (stdout, exit 0): typer would make it a many-line usage error.
    args = list(sys.argv[1:] if argv is None else argv) or ["--help"]
    debug = "--debug" in args
    try:
        code = build_app(args)(args=args, prog_name="sim", standalone_mode=False)
    except ScenarioError as exc:
        if debug:
            raise
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
    except _USAGE_ERROR as exc:
        if debug:
            raise
        print(f"error: {cast(_UsageError, exc).format_message()} (see 'sim --help')", file=sys.stderr)
        sys.exit(2)
    # Ctrl-C outside typer's own handling; typer.Abort is end of input at a prompt.
    except (KeyboardInterrupt, typer.Abort):
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
