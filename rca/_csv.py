"""Reading operator CSV exports with the line number of every record.

pandas loses track of physical line numbers when a quoted field spans lines;
error messages must name the line a person sees in an editor, so tables are
read with :mod:`csv` and each record remembers the line it starts on.
"""

from __future__ import annotations

import csv
import logging
from pathlib import Path

import pandas as pd

from .errors import InputError, SchemaError
from .validation import ValidationReport

__all__ = ["read_table", "LINE"]

#: Column holding the 1-based line number of each record (header is line 1).
LINE = "line"

logger = logging.getLogger(__name__)


def read_table(
    path: str | Path,
    *,
    required: tuple[str, ...],
    report: ValidationReport,
) -> pd.DataFrame:
    """Read a CSV file into a frame of strings, with a ``line`` column.

    Empty cells become ``""``. Records with too many fields keep the first
    ones and are reported; records with too few are padded with ``""`` and
    reported. Blank lines are skipped silently (they carry nothing).

    Parameters
    ----------
    path : str or Path
        The CSV file.
    required : tuple of str
        Columns that must be present in the header.
    report : ValidationReport
        Receives the recoverable problems.

    Returns
    -------
    pandas.DataFrame
        One column per header field (strings) plus ``line`` (int).

    Raises
    ------
    InputError
        If the file is missing, empty or not text.
    SchemaError
        If a required column is absent or the header repeats a column.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError("file not found", file=path)
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as exc:  # pragma: no cover - permissions etc.
        raise InputError(f"cannot open: {exc}", file=path) from exc
    with handle:
        reader = csv.reader(handle)
        try:
            header = next(reader, None)
            if header is None:
                raise InputError("empty file: expected a header row", file=path)
            header = [h.strip() for h in header]
            _check_header(header, required, path)
            width = len(header)
            rows: list[list[str]] = []
            lines: list[int] = []
            too_long: list[int] = []
            too_short: list[int] = []
            start = reader.line_num + 1
            for record in reader:
                if not record or (len(record) == 1 and not record[0].strip()):
                    start = reader.line_num + 1
                    continue
                if len(record) > width:
                    if any(v.strip() for v in record[width:]):
                        too_long.append(start)
                    record = record[:width]
                elif len(record) < width:
                    too_short.append(start)
                    record = record + [""] * (width - len(record))
                rows.append([v.strip() for v in record])
                lines.append(start)
                start = reader.line_num + 1
        except UnicodeDecodeError as exc:
            raise InputError(f"not UTF-8 text ({exc.reason})", file=path) from exc
        except csv.Error as exc:
            raise InputError(f"malformed CSV: {exc}", file=path, line=reader.line_num) from exc
    if too_long:
        report.add(
            "extra_fields",
            f"more fields than the {width} header columns; the extra fields were ignored",
            file=str(path), lines=too_long, count=len(too_long), action="repaired",
            logger=logger,
        )
    if too_short:
        report.add(
            "missing_fields",
            f"fewer fields than the {width} header columns; the missing ones were left empty",
            file=str(path), lines=too_short, count=len(too_short), action="repaired",
            logger=logger,
        )
    frame = pd.DataFrame(rows, columns=header, dtype=object)
    frame[LINE] = pd.array(lines, dtype="int64")
    return frame


def _check_header(header: list[str], required: tuple[str, ...], path: Path) -> None:
    seen: set[str] = set()
    for name in header:
        if name in seen:
            raise SchemaError(f"the header names column {name!r} twice", file=path, line=1, column=name)
        seen.add(name)
    missing = [c for c in required if c not in seen]
    if missing:
        near = {
            m: [h for h in header if h.lower() == m.lower() or h.lower().replace(" ", "_") == m]
            for m in missing
        }
        hint = "; ".join(f"found {v[0]!r}, column names are case-sensitive" for v in near.values() if v)
        raise SchemaError(
            f"missing required column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(repr(m) for m in missing)}; the header has {header}"
            + (f" ({hint})" if hint else ""),
            file=path,
            line=1,
            column=missing[0],
        )
