"""Timestamps: ISO 8601 (zone optional, UTC assumed) or epoch seconds."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["parse_timestamps", "to_iso"]


def parse_timestamps(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Parse a column of timestamps to epoch seconds (float64, UTC).

    Numbers are epoch seconds (values above 1e11 are taken as milliseconds);
    text is ISO 8601, with or without a zone (no zone means UTC).

    Returns
    -------
    seconds : numpy.ndarray of float64
        NaN where a value could not be parsed.
    ok : numpy.ndarray of bool
        Whether each value parsed.

    Examples
    --------
    >>> import pandas as pd
    >>> s, ok = parse_timestamps(pd.Series(["2026-03-01T10:00:00Z", "1772359200", "nope"]))
    >>> s[:2].tolist(), ok.tolist()
    ([1772359200.0, 1772359200.0], [True, True, False])
    """
    text = values.astype(object).map(lambda v: "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v).strip())
    numeric = pd.to_numeric(text.where(text != "", None), errors="coerce").to_numpy(dtype="float64")
    out = numeric.copy()
    big = out > 1e11
    out[big] = out[big] / 1000.0
    todo = np.isnan(out) & (text != "").to_numpy()
    if todo.any():
        parsed = pd.to_datetime(text[todo], utc=True, errors="coerce", format="ISO8601")
        secs = (parsed - pd.Timestamp("1970-01-01", tz="UTC")) / pd.Timedelta(seconds=1)
        out[todo] = secs.to_numpy(dtype="float64", na_value=np.nan)
    return out, ~np.isnan(out)


def to_iso(seconds: float) -> str:
    """Epoch seconds as an ISO 8601 UTC string (millisecond precision)."""
    ts = pd.Timestamp(float(seconds), unit="s", tz="UTC")
    text = ts.isoformat(timespec="milliseconds")
    return text.replace("+00:00", "Z").replace(".000Z", "Z")
