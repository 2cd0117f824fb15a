"""Shared row-level checks for the event tables (alarms, metrics)."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from ._csv import LINE
from ._time import parse_timestamps
from .errors import InputError
from .validation import ValidationReport

__all__ = ["clean_text", "frame_input", "report_unknown", "drop_bad_rows", "parse_time_column", "row_lines", "sort_and_dedupe"]


def row_lines(frame: pd.DataFrame, mask: np.ndarray) -> list[int]:
    """Line numbers of the masked rows (frame rows count from line 2)."""
    if LINE in frame.columns:
        values = frame.loc[mask, LINE]
        return [int(x) for x in values.tolist() if not pd.isna(x)]
    return [int(i) + 2 for i in np.flatnonzero(mask)]


def frame_input(frame: pd.DataFrame, required: tuple[str, ...], source: str) -> pd.DataFrame:
    """A copy of a user's frame, ``time`` accepted for ``timestamp``, required columns checked."""
    from .errors import SchemaError

    frame = frame.copy()
    if "timestamp" not in frame.columns and "time" in frame.columns:
        frame = frame.rename(columns={"time": "timestamp"})
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise SchemaError(f"missing required column(s) {missing}; columns are {list(frame.columns)}",
                          file=source, column=missing[0])
    return frame.reset_index(drop=True)


def report_unknown(
    frame: pd.DataFrame, column: str, known: set[str], *, kind: str, what: str, consequence: str,
    file: str | None, report: ValidationReport, logger: logging.Logger,
) -> None:
    """Report (and keep) rows whose ``column`` names an id the topology lacks.

    Empty cells are not reported: an alarm without a link_id is normal.
    """
    values = frame[column]
    unknown = values.notna().to_numpy() & ~values.isin(known).to_numpy()
    if not unknown.any():
        return
    names = sorted(set(values[unknown]))
    listed = ", ".join(names[:5]) + ("..." if len(names) > 5 else "")
    report.add(kind, f"{what} {len(names)} id(s) not in the topology ({listed}); {consequence}",
               file=file, lines=row_lines(frame, unknown), count=int(unknown.sum()), action="kept", logger=logger)


def clean_text(series: pd.Series) -> pd.Series:
    """Strip strings; missing values and empty strings become ``None``."""
    def one(v: object) -> object:
        if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)):
            return None
        text = str(v).strip()
        return text or None
    return series.astype(object).map(one).astype(object)


def drop_bad_rows(
    frame: pd.DataFrame, bad: np.ndarray, *, kind: str, message: str, file: str | None,
    report: ValidationReport, logger: logging.Logger,
) -> pd.DataFrame:
    """Drop the rows in ``bad`` and record them in the report."""
    if not bad.any():
        return frame
    report.add(kind, message, file=file, lines=row_lines(frame, bad), count=int(bad.sum()),
               action="dropped", logger=logger)
    return frame.loc[~bad]


def parse_time_column(
    frame: pd.DataFrame, column: str, *, file: str | None, report: ValidationReport,
    logger: logging.Logger,
) -> pd.DataFrame:
    """Replace the raw time column by ``time`` (epoch seconds); report unparsable rows."""
    seconds, ok = parse_timestamps(frame[column])
    frame = frame.assign(time=seconds)
    if len(frame) and not ok.any():
        first = frame[column].iloc[0]
        line = row_lines(frame, np.arange(len(frame)) == 0)[0]
        raise InputError(
            f"no timestamp could be parsed (first value {first!r}); expected ISO 8601 or epoch seconds",
            file=file, line=line, column=column,
        )
    bad = ~ok
    if bad.any():
        example = frame.loc[bad, column].iloc[0]
        frame = drop_bad_rows(
            frame, bad, kind="bad_timestamp",
            message=f"timestamps that are neither ISO 8601 nor epoch seconds (e.g. {example!r}) in column {column!r}",
            file=file, report=report, logger=logger,
        )
    if column != "time":
        frame = frame.drop(columns=[column])
    return frame


def sort_and_dedupe(
    frame: pd.DataFrame, key: list[str], *, file: str | None, report: ValidationReport,
    logger: logging.Logger,
) -> pd.DataFrame:
    """Drop exact duplicate records and sort by time, reporting both."""
    dup = frame.duplicated(subset=key, keep="first").to_numpy()
    if dup.any():
        report.add(
            "duplicate_row", "exact duplicates of an earlier row (same " + ", ".join(key) + ")",
            file=file, lines=row_lines(frame, dup), count=int(dup.sum()), action="dropped",
            logger=logger, level=logging.INFO,
        )
        frame = frame.loc[~dup]
    times = frame["time"].to_numpy()
    late = np.zeros(len(times), dtype=bool)
    if len(times) > 1:
        late[1:] = times[1:] < np.maximum.accumulate(times)[:-1]
    if late.any():
        report.add(
            "out_of_order", "rows earlier than a row above them (delivery order differs from event time); sorted by time",
            file=file, lines=row_lines(frame, late), count=int(late.sum()), action="reordered",
            logger=logger, level=logging.INFO,
        )
        frame = frame.sort_values("time", kind="stable")
    return frame.reset_index(drop=True)
