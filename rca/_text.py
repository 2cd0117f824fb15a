"""Untrusted text (alarm messages, ids from operator exports) made safe to show."""

from __future__ import annotations

import math

import pandas as pd

__all__ = ["plural", "text", "terminal_safe"]


def text(value: object) -> str:
    """``str(value)``, or ``""`` for a missing value (None, NaN, NA).

    Examples
    --------
    >>> text(None), text(float("nan")), text("R7")
    ('', '', 'R7')
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    return str(value)


def terminal_safe(value: object, *, limit: int | None = None) -> str:
    """Untrusted text for a terminal: control characters (ANSI escapes...) shown as ``\\xNN``.

    Examples
    --------
    >>> terminal_safe("R7\\x1b[31m")
    'R7\\\\x1b[31m'
    """
    s = text(value)
    if limit is not None and len(s) > limit:
        s = s[: max(0, limit - 1)] + "…"
    if s.isprintable():
        return s
    return "".join(
        ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in s
    )


def plural(n: int, noun: str, many: str | None = None) -> str:
    """``n`` and ``noun``, in the plural unless ``n`` is 1 (``many`` for irregular ones).

    Examples
    --------
    >>> plural(1, "element"), plural(3, "alarm type"), plural(0, "edge")
    ('1 element', '3 alarm types', '0 edges')
    >>> plural(2, "anomalous KPI"), plural(2, "entity", "entities")
    ('2 anomalous KPIs', '2 entities')
    """
    return f"{n} {noun if n == 1 else many or noun + 's'}"
