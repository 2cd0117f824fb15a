"""Telemetry rules: change points of many series at once agree with one series at a time."""

from __future__ import annotations

import numpy as np

from rca._telemetry import change_point, change_points


def _one_by_one(v: np.ndarray, min_size: int = 3) -> int | None:
    """The statistic written out for a single series, split by split."""
    n = len(v)
    best, where = -np.inf, None
    for k in range(min_size, n - min_size + 1):
        stat = (v[k:].mean() - v[:k].mean()) * np.sqrt(k * (n - k) / n)
        if stat > best:
            best, where = stat, k
    return where


def test_a_step_is_found_where_it_happens():
    assert change_point(np.array([2.0, 2.1, 1.9, 2.0, 2.0, 9.0, 9.2, 8.8])) == 5
    assert change_point(np.array([1.0, 5.0, 5.0, 5.0, 5.0])) is None  # too short for two sides of 3


def test_many_series_at_once_match_each_series_alone():
    rng = np.random.default_rng(7)
    lengths = rng.integers(0, 30, size=60)
    lengths[:3] = (5, 6, 0)
    series = [
        rng.normal(size=n) + np.where(np.arange(n) >= n // 2, rng.uniform(-3, 3), 0.0)
        for n in lengths
    ]
    series = [s for s in series if len(s)]
    v = np.concatenate(series)
    group = np.repeat(np.arange(len(series)), [len(s) for s in series])
    start = np.r_[0, np.cumsum([len(s) for s in series])[:-1]]
    for sign in (1.0, -1.0):
        got = change_points(group, start, v, sign)
        for g, s in enumerate(series):
            want = _one_by_one(sign * s)
            assert (got[g] - start[g] + 1 if got[g] >= 0 else None) == want, (g, sign)
