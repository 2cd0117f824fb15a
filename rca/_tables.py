"""Shared row-level checks for the event tables (alarms, metrics)."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from ._csv import LINE
from ._time import REASONS, UNIT_NAMES, UNITS, read_timestamps
from .errors import InputError
from .validation import ValidationReport

__all__ = [
    "clean_text",
    "frame_input",
    "report_unknown",
    "drop_bad_rows",
    "parse_time_column",
    "row_lines",
    "sort_and_dedupe",
    "canonical_order",
]


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
        raise SchemaError(
            f"missing required column(s) {missing}; columns are {list(frame.columns)}",
            file=source,
            column=missing[0],
        )
    return frame.reset_index(drop=True)


def report_unknown(
    frame: pd.DataFrame,
    column: str,
    known: set[str],
    *,
    kind: str,
    what: str,
    consequence: str,
    file: str | None,
    report: ValidationReport,
    logger: logging.Logger,
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
    report.add(
        kind,
        f"{what} {len(names)} id(s) not in the topology ({listed}); {consequence}",
        file=file,
        lines=row_lines(frame, unknown),
        count=int(unknown.sum()),
        action="kept",
        logger=logger,
    )


def clean_text(series: pd.Series) -> pd.Series:
    """Strip strings; missing values and empty strings become ``None``."""

    def one(v: object) -> object:
        if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)):
            return None
        text = str(v).strip()
        return text or None

    return series.astype(object).map(one).astype(object)


def drop_bad_rows(
    frame: pd.DataFrame,
    bad: np.ndarray,
    *,
    kind: str,
    message: str,
    file: str | None,
    report: ValidationReport,
    logger: logging.Logger,
) -> pd.DataFrame:
    """Drop the rows in ``bad`` and record them in the report."""
    if not bad.any():
        return frame
    report.add(
        kind,
        message,
        file=file,
        lines=row_lines(frame, bad),
        count=int(bad.sum()),
        action="dropped",
        logger=logger,
    )
    return frame.loc[~bad]


def parse_time_column(
    frame: pd.DataFrame,
    column: str,
    *,
    file: str | None,
    report: ValidationReport,
    logger: logging.Logger,
    relative: bool = False,
) -> pd.DataFrame:
    """Replace the raw time column by ``time`` (epoch seconds); report what was refused or inferred.

    Epoch numbers in milliseconds, microseconds or nanoseconds are read in
    that unit and reported (``epoch_unit``); refused values (not a date,
    not finite, outside 1990-2100) drop their row, reported as
    ``bad_timestamp`` with the reason and an example of each kind.
    ``relative`` takes numbers as seconds as they are (see
    :func:`rca._time.read_timestamps`).

    Raises
    ------
    InputError
        When no value of a non-empty column can be read.
    """
    parsed = read_timestamps(frame[column], relative=relative)
    frame = frame.assign(time=parsed.seconds)
    ok = parsed.ok
    if len(frame) and not ok.any():
        first = frame[column].iloc[0]
        line = row_lines(frame, np.arange(len(frame)) == 0)[0]
        raise InputError(
            f"no timestamp could be read (first value {first!r}: {REASONS[parsed.reason[0]]}); expected "
            "ISO 8601 or an epoch number (seconds, or ms/us/ns) between 1990 and 2100",
            file=file,
            line=line,
            column=column,
        )
    for unit, _ in UNITS[1:]:
        mask = parsed.unit == unit
        if mask.any():
            example = frame.loc[mask, column].iloc[0]
            report.add(
                "epoch_unit",
                f"epoch timestamps in {UNIT_NAMES[unit]} (e.g. {example!r}) in column {column!r}, read as "
                f"{UNIT_NAMES[unit]}: only that unit puts them between 1990 and 2100 (the format says seconds)",
                file=file,
                lines=row_lines(frame, mask),
                count=int(mask.sum()),
                action="repaired",
                logger=logger,
            )
    relative_rows = parsed.unit == "relative"
    if relative_rows.any():
        report.add(
            "relative_time",
            f"every timestamp in column {column!r} is a number before 1990 (e.g. {frame[column].iloc[0]!r}): read as "
            "seconds from an unspecified start, not as dates",
            file=file,
            lines=row_lines(frame, relative_rows)[:1],
            count=int(relative_rows.sum()),
            action="kept",
            logger=logger,
            level=logging.INFO,
        )
    bad = ~ok
    if bad.any():
        parts = []
        for why in dict.fromkeys(parsed.reason[bad].tolist()):
            mask = parsed.reason == why
            parts.append(
                f"{int(mask.sum())} {REASONS[why]} (e.g. {frame.loc[mask, column].iloc[0]!r})"
            )
        frame = drop_bad_rows(
            frame,
            bad,
            kind="bad_timestamp",
            message=f"timestamps refused in column {column!r}: " + "; ".join(parts),
            file=file,
            report=report,
            logger=logger,
        )
    if column != "time":
        frame = frame.drop(columns=[column])
    return frame


def sort_and_dedupe(
    frame: pd.DataFrame,
    key: list[str],
    *,
    file: str | None,
    report: ValidationReport,
    logger: logging.Logger,
) -> pd.DataFrame:
    """Put the rows in canonical order and drop duplicate records, reporting both.

    The canonical order is by ``key`` (time first), then by every other
    column, then by line: the same rows in any file order give the same
    frame (but for ``line``), so row order never reaches the rankers. Of
    rows with equal ``key``, the first in that order is kept.
    """
    times = frame["time"].to_numpy()
    late = np.zeros(len(times), dtype=bool)
    if len(times) > 1:
        late[1:] = times[1:] < np.maximum.accumulate(times)[:-1]
    if late.any():
        report.add(
            "out_of_order",
            "rows earlier than a row above them (delivery order differs from event time); sorted by time",
            file=file,
            lines=row_lines(frame, late),
            count=int(late.sum()),
            action="reordered",
            logger=logger,
            level=logging.INFO,
        )
    frame = canonical_order(frame, key)
    dup = frame.duplicated(subset=key, keep="first").to_numpy()
    if dup.any():
        report.add(
            "duplicate_row",
            "duplicates of another row (same " + ", ".join(key) + "); one was kept",
            file=file,
            lines=sorted(row_lines(frame, dup)),
            count=int(dup.sum()),
            action="dropped",
            logger=logger,
            level=logging.INFO,
        )
        frame = frame.loc[~dup]
    return frame.reset_index(drop=True)


def canonical_order(frame: pd.DataFrame, key: list[str]) -> pd.DataFrame:
    """``frame`` sorted by ``key``, then its other columns, then ``line`` (stable, total).

    Text columns compare as text whatever their cells hold (a missing cell
    first), numeric columns as numbers (NaN first).

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"time": [2.0, 1.0, 1.0], "device": ["a", "b", None], "line": [2, 3, 4]})
    >>> canonical_order(f, ["time", "device"])["line"].tolist()
    [4, 3, 2]
    """
    if len(frame) < 2:
        return frame
    rest = [c for c in frame.columns if c not in key and c != LINE]
    by = list(key) + rest + ([LINE] if LINE in frame.columns else [])
    return frame.sort_values(by=by, key=_sort_key, kind="stable", na_position="first")


def _sort_key(series: pd.Series) -> pd.Series:
    if pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_bool_dtype(series.dtype):
        return series
    # a missing cell sorts before any text; every present value gets the same prefix
    return series.astype(object).map(
        lambda v: (
            ""
            if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v))
            else "~" + str(v)
        )
    )
