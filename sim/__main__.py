"""``python -m sim`` runs the same CLI as the ``sim`` command."""

from sim.cli import main

main()
