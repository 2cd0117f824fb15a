"""Timestamps read by hand: epoch units at their edges, relative seconds, ISO dates, and why a value is refused.

1990-01-01T00:00:00Z is 631_152_000 s and 2100-01-01T00:00:00Z is
4_102_444_800 s: an epoch number is read in the unit that puts it in
``[1990, 2100)``.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from rca._time import REASONS, UNIT_NAMES, UNITS, parse_timestamps, read_timestamps, to_iso
from rca.limits import EARLIEST, LATEST

Y1990, Y2100 = 631_152_000, 4_102_444_800
T = 1_772_359_200  # 2026-03-01T10:00:00Z
DATE = "2026-03-01T10:00:00Z"


def read(*values, relative=False):
    p = read_timestamps(pd.Series(list(values), dtype=object), relative=relative)
    return p.seconds.tolist(), p.unit.tolist(), p.reason.tolist()


def test_the_limits_are_1990_and_2100():
    assert (EARLIEST, LATEST) == (Y1990, Y2100)
    assert UNITS == (("s", 1.0), ("ms", 1e3), ("us", 1e6), ("ns", 1e9))
    assert set(UNIT_NAMES) == {"s", "ms", "us", "ns"}


@pytest.mark.parametrize(
    ("value", "seconds", "unit"),
    [
        (str(Y1990), Y1990, "s"),  # the first second of 1990 is in
        (str(Y2100 - 1), Y2100 - 1, "s"),  # the last second before 2100
        (str(Y1990 * 1000), Y1990, "ms"),
        (str(T * 1000 + 250), T + 0.25, "ms"),
        (str(T * 10**6), T, "us"),
        (str(T * 10**9), T, "ns"),
        (f" {T} ", T, "s"),  # spaces around
        (f"{T}.5", T + 0.5, "s"),
        (T, T, "s"),  # a number, not text
        (float(T * 1000), T, "ms"),
    ],
)
def test_epoch_units(value, seconds, unit):
    s, u, r = read(value, DATE)
    assert (s[0], u[0], r[0]) == (pytest.approx(seconds), unit, "")


@pytest.mark.parametrize(
    "value",
    [
        str(Y1990 - 1),  # 1989 in seconds; in ms it would be 1970
        str(Y2100),  # 2100 itself is out
        str(10**11),  # year 5138 in s, 1973 in ms: no unit fits
        str(Y2100 * 10**9),  # beyond 2100 even in ns
        "-5",
    ],
)
def test_numbers_that_fit_no_unit_are_refused(value):
    s, u, r = read(value, DATE)
    assert math.isnan(s[0]) and u[0] == "" and r[0] == "out_of_range"
    assert r[1] == "" and s[1] == T  # the date beside it is read


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("nan", "non_finite"),
        ("NaN", "non_finite"),
        ("+nan", "non_finite"),
        ("-NaN", "non_finite"),
        ("inf", "non_finite"),
        ("-inf", "non_finite"),
        ("1e400", "non_finite"),
        ("", "unparsable"),
        (None, "unparsable"),
        (float("nan"), "unparsable"),
        (pd.NA, "unparsable"),
        ("yesterday", "unparsable"),
        ("12:00", "unparsable"),
    ],
)
def test_refusals_say_why(value, reason):
    s, u, r = read(value, DATE)
    assert math.isnan(s[0]) and u[0] == "" and r[0] == reason
    assert reason in REASONS


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("2026-03-01T10:00:00Z", T),
        ("2026-03-01T12:00:00+02:00", T),
        ("2026-03-01 10:00:00", T),  # no zone: UTC
        ("2026-03-01T10:00:00.250Z", T + 0.25),
        ("1990-01-01T00:00:00Z", Y1990),
        ("2099-12-31T23:59:59Z", Y2100 - 1),
    ],
)
def test_iso_dates(value, seconds):
    s, u, r = read(value)
    assert (s[0], u[0], r[0]) == (pytest.approx(seconds), "iso", "")


@pytest.mark.parametrize(
    "value", ["1989-12-31T23:59:59Z", "2100-01-01T00:00:00Z", "0001-01-01T00:00:00Z"]
)
def test_iso_dates_outside_the_range(value):
    s, u, r = read(value)
    assert math.isnan(s[0]) and u[0] == "" and r[0] == "out_of_range_iso"


def test_a_column_of_small_numbers_is_relative_seconds():
    s, u, r = read("0", "12.5", "600")
    assert s == [0.0, 12.5, 600.0] and u == ["relative"] * 3 and r == [""] * 3
    # ... but not beside a date, nor beside a negative number, nor beside a large one
    s, u, r = read("5", DATE)
    assert r == ["out_of_range", ""]
    s, u, r = read("5", "-1")
    assert r == ["out_of_range", "out_of_range"]
    s, u, r = read("5", str(10**11))
    assert r == ["out_of_range", "out_of_range"]
    # refused values beside them do not stop them being relative
    s, u, r = read("5", "nope", "")
    assert (s[0], u[0], r) == (5.0, "relative", ["", "unparsable", "unparsable"])
    # the edge: just below 1990 is still relative in a column of such numbers
    s, u, r = read(str(Y1990 - 1), "1")
    assert u == ["relative", "relative"] and s == [Y1990 - 1, 1.0]


def test_relative_mode_takes_numbers_as_seconds():
    s, u, r = read("5", str(T), "-7.5", "9.2e9", "-9.2e9", relative=True)
    assert s == [5.0, T, -7.5, 9.2e9, -9.2e9] and u == ["s"] * 5 and r == [""] * 5
    s, u, r = read("9.3e9", "-9.3e9", "inf", "x", relative=True)
    assert r == ["unrepresentable", "unrepresentable", "non_finite", "unparsable"]
    assert all(math.isnan(v) for v in s)
    # dates are still held to 1990-2100
    s, u, r = read(DATE, "1980-01-01T00:00:00Z", relative=True)
    assert (s[0], u[0], r) == (T, "iso", ["", "out_of_range_iso"])


def test_parse_timestamps_is_seconds_and_ok():
    seconds, ok = parse_timestamps(pd.Series([DATE, str(T * 1000), "nope"]))
    assert seconds[:2].tolist() == [T, T] and math.isnan(seconds[2])
    assert ok.tolist() == [True, True, False]
    assert read_timestamps(pd.Series([DATE, "x"])).ok.tolist() == [True, False]


def test_types_of_the_outcome():
    p = read_timestamps(pd.Series([DATE]))
    assert p.seconds.dtype == np.float64 and p.unit.dtype.kind == "U" and p.reason.dtype.kind == "U"


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (T, "2026-03-01T10:00:00Z"),
        (T + 0.5, "2026-03-01T10:00:00.500Z"),
        (T + 0.0004, "2026-03-01T10:00:00Z"),  # millisecond precision
        (T + 59.999, "2026-03-01T10:00:59.999Z"),
        (0.0, "1970-01-01T00:00:00Z"),
        (9.2e9, "2261-07-15T11:33:20Z"),  # pandas' range still holds it (datetime agrees)
        (float("nan"), "invalid time (nan)"),
        (float("-inf"), "invalid time (-inf)"),
        (9.3e9, "invalid time (9300000000.0)"),
        (-9.3e9, "invalid time (-9300000000.0)"),
    ],
)
def test_to_iso(seconds, text):
    assert to_iso(seconds) == text
