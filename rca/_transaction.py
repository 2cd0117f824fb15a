"""One item's failure is never the batch's: the rule every batch (``rca analyze``, ``rca report``) follows.

Whatever goes wrong with one incident (a library error, a full disk, a bug)
becomes that incident's error, described in one line, and the batch goes
on. Two things are not one incident's fault and stop the batch: a missing
optional dependency (:class:`~rca.errors.MissingExtraError`: every incident
would fail alike) and an interruption (``KeyboardInterrupt`` and other
``BaseException``).
"""

from __future__ import annotations

from typing import Callable, TypeVar

from .errors import MissingExtraError, RCAError

__all__ = ["describe", "expected", "guarded"]

T = TypeVar("T")


def expected(exc: BaseException) -> bool:
    """Whether the failure is the input's or the machine's (not a bug)."""
    return isinstance(exc, (RCAError, OSError))


def describe(exc: BaseException) -> str:
    """One line for an incident's failure; a bug is marked ``internal error (Type)``.

    Examples
    --------
    >>> describe(OSError(28, "No space left on device"))
    '[Errno 28] No space left on device'
    >>> describe(KeyError("x"))
    "internal error (KeyError): 'x'"
    """
    cause = getattr(exc, "cause", None) or exc
    return ("" if expected(cause) else f"internal error ({type(cause).__name__}): ") + str(exc)


def guarded(fn: Callable[..., T], *args: object, **kwargs: object) -> tuple[T | None, Exception | None]:
    """``fn(*args, **kwargs)`` as ``(value, None)``, or ``(None, error)`` when it failed.

    A :class:`~rca.errors.MissingExtraError` and anything that is not an
    ``Exception`` (an interruption) propagate.
    """
    try:
        return fn(*args, **kwargs), None
    except MissingExtraError:
        raise
    except Exception as exc:  # one incident's failure is never the batch's
        return None, exc
