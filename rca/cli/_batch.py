"""What the batch commands share: exit codes, errors on stderr, SIGTERM as an exception.

``rca analyze`` and ``rca report`` run a transaction per incident
(:mod:`rca._transaction`); this module is their command-line side.
"""

from __future__ import annotations

import logging
import signal
from typing import Callable

import click

from .._text import terminal_safe
from .._transaction import describe, expected

__all__ = ["EXIT_FAILED", "EXIT_SIGINT", "EXIT_SIGTERM", "Terminated", "report_error", "sigterm_raises"]

logger = logging.getLogger(__name__)

#: Exit codes: some incident failed (or had no candidates); interrupted by SIGINT / SIGTERM (128 + signal).
EXIT_FAILED, EXIT_SIGINT, EXIT_SIGTERM = 1, 130, 143


class Terminated(BaseException):
    """Raised in the main loop when SIGTERM arrives (a BaseException: no incident may catch it)."""


def report_error(where: object, exc: BaseException) -> None:
    """``error: WHERE: message`` on stderr, terminal-safe; a bug's traceback goes to the debug log."""
    cause = getattr(exc, "cause", None) or exc
    # the message can quote alarm text: no terminal control sequences
    click.echo(terminal_safe(f"error: {where}: {describe(exc)}"), err=True)
    if not expected(cause):
        logger.debug("traceback of the failure of %s", where, exc_info=cause)


class sigterm_raises:
    """Within the block, SIGTERM raises :class:`Terminated` (so outputs are closed properly)."""

    def __enter__(self) -> "sigterm_raises":
        self.previous: Callable | int | None = None
        try:
            self.previous = signal.signal(signal.SIGTERM, self._raise)
        except ValueError:  # not the main thread: leave signals alone
            self.previous = None
        return self

    @staticmethod
    def _raise(signum: int, frame: object) -> None:
        raise Terminated()

    def __exit__(self, *exc: object) -> None:
        if self.previous is not None:
            signal.signal(signal.SIGTERM, self.previous)
