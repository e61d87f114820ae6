"""``python -m sim`` runs the same CLI as the ``sim`` command."""

import signal
import sys


def _early_stop(signum: int, frame: object) -> None:
    # Importing the simulator takes a moment; a signal then finds nothing started and nothing to keep.
    print("interrupted before anything started; nothing was written", file=sys.stderr)
    sys.exit(128 + signum)


for _sig in (signal.SIGINT, signal.SIGTERM):
    signal.signal(_sig, _early_stop)

from sim.cli import main  # noqa: E402 - after the handlers, so an early signal is handled too

main()
