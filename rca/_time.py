"""Timestamps: ISO 8601 (zone optional, UTC assumed) or epoch numbers.

An epoch number is read in the unit (seconds, milliseconds, microseconds or
nanoseconds) that puts it between 1990 and 2100 (:data:`rca.limits.EARLIEST`,
:data:`rca.limits.LATEST`); the ranges of the four units do not overlap, so
at most one fits. A number that fits none, a non-finite number and an ISO
date outside the range are refused, each with its reason, never read as a
date thousands of years away.

One exception keeps relative time logs readable (simulations, data sets
that count seconds from the start of a recording): when *every* value of a
column is a number in ``[0, EARLIEST)`` and none is a date, the numbers are
seconds from an unspecified start (unit ``"relative"``), which the readers
report. A column is either dates or relative seconds, never both: in a
column of dates a small number is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .limits import EARLIEST, LATEST

__all__ = ["TimeParse", "parse_timestamps", "read_timestamps", "to_iso", "UNITS"]

#: Epoch units tried, with their size in seconds, smallest factor first.
UNITS: tuple[tuple[str, float], ...] = (("s", 1.0), ("ms", 1e3), ("us", 1e6), ("ns", 1e9))

UNIT_NAMES = {"s": "seconds", "ms": "milliseconds", "us": "microseconds", "ns": "nanoseconds"}

#: Why a value was refused (``TimeParse.reason``).
REASONS = {
    "unparsable": "neither ISO 8601 nor an epoch number",
    "non_finite": "not a finite number",
    "out_of_range": "outside 1990-2100 in every epoch unit (s, ms, us, ns)",
    "out_of_range_iso": "a date outside 1990-2100",
    "unrepresentable": "too large to be a time in seconds",
}

# pandas' Timestamp range, in seconds: times given as seconds (relative
# times, the ``time`` column of a frame) must stay inside it
_PANDAS_MIN, _PANDAS_MAX = -9.2e9, 9.2e9


@dataclass(frozen=True)
class TimeParse:
    """The outcome of :func:`read_timestamps`, one entry per value.

    Attributes
    ----------
    seconds : numpy.ndarray of float64
        Epoch seconds (UTC); NaN where refused.
    unit : numpy.ndarray of str
        ``"s"``, ``"ms"``, ``"us"``, ``"ns"`` for epoch numbers,
        ``"relative"`` for seconds from an unspecified start, ``"iso"``
        for dates, ``""`` where refused.
    reason : numpy.ndarray of str
        ``""`` where read, else a key of :data:`REASONS`.
    """

    seconds: np.ndarray
    unit: np.ndarray
    reason: np.ndarray

    @property
    def ok(self) -> np.ndarray:
        """Whether each value was read."""
        return self.reason == ""


def read_timestamps(values: pd.Series, *, relative: bool = False) -> TimeParse:
    """Parse a column of timestamps, saying for each value how or why not.

    Parameters
    ----------
    values : pandas.Series
        Text or numbers.
    relative : bool, default False
        Take numbers as seconds as they are (relative times, or the
        ``time`` column of a frame, already in seconds): they need only be
        finite and within pandas' range of dates. ISO dates are still held
        to 1990-2100.

    Returns
    -------
    TimeParse

    Examples
    --------
    >>> import pandas as pd
    >>> p = read_timestamps(pd.Series(["1772359200", "1772359200000", "1772359200000000000",
    ...                                "2026-03-01T10:00:00Z", "1e308", "inf", "nope"]))
    >>> p.seconds[:4].tolist()
    [1772359200.0, 1772359200.0, 1772359200.0, 1772359200.0]
    >>> p.unit.tolist()[:4], p.reason.tolist()[4:]
    (['s', 'ms', 'ns', 'iso'], ['out_of_range', 'non_finite', 'unparsable'])
    >>> read_timestamps(pd.Series(["0", "12.5"])).unit.tolist()
    ['relative', 'relative']
    >>> read_timestamps(pd.Series(["5", "1772359200"])).reason.tolist()
    ['out_of_range', '']
    """
    text = values.astype(object).map(
        lambda v: (
            ""
            if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v))
            else str(v).strip()
        )
    )
    n = len(text)
    seconds = np.full(n, np.nan)
    unit = np.full(n, "", dtype=object)
    reason = np.full(n, "unparsable", dtype=object)
    numeric = pd.to_numeric(text.where(text != "", None), errors="coerce").to_numpy(dtype="float64")
    lowered = text.str.lower().to_numpy(dtype=object)
    nan_words = np.isin(lowered, ["nan", "+nan", "-nan"])
    is_num = ~np.isnan(numeric)
    finite = is_num & np.isfinite(numeric)
    reason[(is_num & ~finite) | nan_words] = "non_finite"
    if relative:
        fits = finite & (numeric >= _PANDAS_MIN) & (numeric <= _PANDAS_MAX)
        seconds[fits], unit[fits], reason[fits] = numeric[fits], "s", ""
        reason[finite & ~fits] = "unrepresentable"
    else:
        reason[finite] = "out_of_range"
        for name, factor in UNITS:
            scaled = numeric / factor
            fits = finite & (reason == "out_of_range") & (scaled >= EARLIEST) & (scaled < LATEST)
            seconds[fits], unit[fits], reason[fits] = scaled[fits], name, ""
    todo = ~is_num & ~nan_words & (text != "").to_numpy()
    if todo.any():
        parsed = pd.to_datetime(text[todo], utc=True, errors="coerce", format="ISO8601")
        secs = ((parsed - pd.Timestamp("1970-01-01", tz="UTC")) / pd.Timedelta(seconds=1)).to_numpy(
            dtype="float64", na_value=np.nan
        )
        idx = np.flatnonzero(todo)
        good = ~np.isnan(secs)
        inside = good & (secs >= EARLIEST) & (secs < LATEST)
        seconds[idx[inside]], unit[idx[inside]], reason[idx[inside]] = secs[inside], "iso", ""
        reason[idx[good & ~inside]] = "out_of_range_iso"
    if not relative:
        small = finite & (numeric >= 0) & (numeric < EARLIEST)
        if small.any() and not (unit != "").any() and not (finite & ~small).any():
            seconds[small], unit[small], reason[small] = numeric[small], "relative", ""
    return TimeParse(seconds, unit.astype(str), reason.astype(str))


def parse_timestamps(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Parse a column of timestamps to epoch seconds (float64, UTC).

    Numbers are epoch seconds, milliseconds, microseconds or nanoseconds,
    whichever puts them in 1990-2100; text is ISO 8601, with or without a
    zone (no zone means UTC). :func:`read_timestamps` says why a value was
    refused.

    Returns
    -------
    seconds : numpy.ndarray of float64
        NaN where a value could not be read.
    ok : numpy.ndarray of bool
        Whether each value was read.

    Examples
    --------
    >>> import pandas as pd
    >>> s, ok = parse_timestamps(pd.Series(["2026-03-01T10:00:00Z", "1772359200", "nope"]))
    >>> s[:2].tolist(), ok.tolist()
    ([1772359200.0, 1772359200.0], [True, True, False])
    """
    parsed = read_timestamps(values)
    return parsed.seconds, parsed.ok


def to_iso(seconds: float) -> str:
    """Epoch seconds as an ISO 8601 UTC string (millisecond precision).

    A value that is no representable time (NaN, infinite, beyond pandas'
    range of dates) gives ``"invalid time (<value>)"`` instead of raising,
    so that a report or a message can always be written.

    Examples
    --------
    >>> to_iso(1772359200.0), to_iso(float("inf"))
    ('2026-03-01T10:00:00Z', 'invalid time (inf)')
    """
    value = float(seconds)
    if not np.isfinite(value) or not _PANDAS_MIN <= value <= _PANDAS_MAX:
        return f"invalid time ({value!r})"
    ts = pd.Timestamp(value, unit="s", tz="UTC")
    text = ts.isoformat(timespec="milliseconds")
    return text.replace("+00:00", "Z").replace(".000Z", "Z")
