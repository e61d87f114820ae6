"""``python -m sim`` runs the same CLI as the ``sim`` command."""

from sim.experiment.interrupts import stop_before_start

# Importing the CLI takes a moment; a signal then finds nothing started and nothing to keep.
stop_before_start()

from sim.cli import console  # noqa: E402 - after the handlers, so an early signal is handled too

console()
