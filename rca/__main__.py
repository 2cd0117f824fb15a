"""``python -m rca``: the ``rca`` command line, for when the console script is not on PATH."""

from rca.cli import main

main()
