"""Metric series analysis shared by the explain ranker and the GNN features.

Both read telemetry the same way, so one definition of each rule lives here:

- :func:`change_points` / :func:`change_point`: where a series' level moves
  most (CUSUM-style), so that the baseline comes from the series itself and
  not from the alarm storm's onset (a congestion often builds long before
  the storm);
- :func:`sampling_period`: the export's polling period;
- :func:`stopped_reporting`: a series that reported before the onset and
  then went quiet (a dead or cut-off element);
- :func:`full_scale`: whether a series is in fractions or percent;
- :func:`is_share`: whether a metric measures a share of capacity;
- :func:`segment_medians`: medians of many series at once.
"""

from __future__ import annotations

import re

import numpy as np

__all__ = [
    "change_point",
    "change_points",
    "full_scale",
    "is_share",
    "sampling_period",
    "segment_medians",
    "stopped_reporting",
]

# Metric names that measure a share of capacity (utilisation, CPU, memory), not a rate.
_SHARE_NAME = re.compile(r"util|usage|occupan|percent|pct|ratio|load|cpu|mem|processor")


def change_points(
    group: np.ndarray, start: np.ndarray, v: np.ndarray, sign: float, min_size: int = 3
) -> np.ndarray:
    """Per series: the last sample before the point where its mean moves most in direction ``sign``.

    ``v`` is sorted by series then time; ``group`` numbers its series and
    ``start`` is where each begins. The CUSUM-style statistic ``(mean after -
    mean before) * sqrt(k (n - k) / n)`` is evaluated at every split ``k`` of
    every series at once; a series shorter than ``2 min_size`` gets -1.
    """
    n_total = len(v)
    lengths = np.diff(np.r_[start, n_total])
    k = np.arange(n_total) - start[group] + 1.0  # samples before the split
    size = lengths[group].astype(np.float64)
    csum = np.cumsum(v)
    before_sum = csum - np.r_[0.0, csum][start][group]
    total = before_sum[start + lengths - 1][group]
    after_n = size - k
    valid = (k >= min_size) & (after_n >= min_size)
    with np.errstate(divide="ignore", invalid="ignore"):
        stat = (
            sign * ((total - before_sum) / after_n - before_sum / k) * np.sqrt(k * after_n / size)
        )
    stat = np.where(valid, stat, -np.inf)
    order = np.lexsort(
        (np.arange(n_total), -stat, group)
    )  # best split first in each series, earliest on ties
    best = order[np.r_[0, np.cumsum(lengths)[:-1]]]
    return np.where(valid[best], best, -1)


def change_point(v: np.ndarray, min_size: int = 3) -> int | None:
    """Where one series' level rises the most: the number of samples before the rise.

    Examples
    --------
    >>> change_point(np.array([1.0, 1.0, 1.0, 1.0, 5.0, 5.0, 5.0]))
    4
    """
    v = np.asarray(v, dtype=np.float64)
    if len(v) < 2 * min_size:
        return None
    best = change_points(
        np.zeros(len(v), dtype=np.int64), np.zeros(1, dtype=np.int64), v, 1.0, min_size
    )
    return int(best[0]) + 1 if best[0] >= 0 else None


def sampling_period(key: np.ndarray, t: np.ndarray, default: float = 60.0) -> float:
    """Median gap between consecutive samples of the same series (``key``, ``t`` sorted by series then time)."""
    gaps = np.diff(t)[key[1:] == key[:-1]]
    return float(np.median(gaps)) if len(gaps) else default


def stopped_reporting(n_before, last, t_end: float, period: float, onset: float):
    """True where a series reported before the onset (two samples or more) and then stopped.

    Its last sample lies well before the end of the export (2.5 polling
    periods) and not long before the onset (3 periods): it went quiet with
    the incident, not hours earlier. Works on scalars and arrays alike.
    """
    return (n_before >= 2) & (last < t_end - 2.5 * period) & (last >= onset - 3 * period)


def is_share(names, peaks) -> np.ndarray:
    """Per series: its metric name says share of capacity and its values fit in [0, 100].

    Only such a series can be saturated: a utilisation or CPU in fractions or
    percent, not a rate in bps or packets.
    """
    named = np.asarray([bool(_SHARE_NAME.search(str(m).lower())) for m in names], dtype=bool)
    return named & (np.asarray(peaks, dtype=np.float64) <= 100.0)


def segment_medians(sorted_values: np.ndarray, start: np.ndarray, count: np.ndarray) -> np.ndarray:
    """Medians of segments ``[start, start + count)`` of values sorted within each segment."""
    return (sorted_values[start + (count - 1) // 2] + sorted_values[start + count // 2]) / 2


def full_scale(peak):
    """1.0 for series in fractions (never above 1), 100.0 for percentages."""
    return np.where(np.asarray(peak) <= 1.0, 1.0, 100.0)
