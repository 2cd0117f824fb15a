"""Reading operator CSV exports with the line number of every record.

pandas loses track of physical line numbers when a quoted field spans lines;
error messages must name the line a person sees in an editor, so tables are
read with :mod:`csv` and each record remembers the line it starts on.

Nothing is guessed silently. A record that is malformed (a quote that is
never closed, a wrong number of fields, a line that is not UTF-8, a field
over the limits of :mod:`rca.limits`) is repaired or skipped, and every
such record is named by its line in the validation report.
"""

from __future__ import annotations

import csv
import io
import itertools
import logging
from collections.abc import Iterator, Mapping
from pathlib import Path

import pandas as pd

from .errors import InputError, SchemaError
from .limits import ID_COLUMNS, MAX_ID_CHARS, MAX_TEXT_CHARS
from .validation import ValidationReport

__all__ = ["read_table", "cap_lengths", "LINE"]

#: Column holding the 1-based line number of each record (header is line 1).
LINE = "line"

logger = logging.getLogger(__name__)


def read_table(
    path: str | Path,
    *,
    required: tuple[str, ...],
    report: ValidationReport,
    limits: Mapping[str, int] | None = None,
) -> pd.DataFrame:
    """Read a CSV file into a frame of strings, with a ``line`` column.

    Empty cells become ``""``. Every record that is not read as written is
    reported by its line (the header is line 1):

    * records with too many fields keep the first ones (``extra_fields``);
      records with too few are padded with ``""`` (``missing_fields``);
    * a quote opened in a record and never closed on its line, where the
      lines after it are well-formed records, is taken as a stray quote:
      the record is read from its own line alone and the next lines as the
      records they are (``unbalanced_quote``), instead of merging them all
      into one field;
    * a quoted field that does run over several lines is kept, and the
      lines it takes are counted (``multiline_field``, ``count`` is the
      number of lines read as text of the row above);
    * a record the :mod:`csv` module cannot parse at all is skipped
      (``malformed_record``);
    * values longer than their limit (:data:`rca.limits.MAX_ID_CHARS` for
      the id and type columns, :data:`rca.limits.MAX_TEXT_CHARS` for the
      others) are cut to it (``field_too_long``).

    Blank lines carry nothing and are skipped.

    Parameters
    ----------
    path : str or Path
        The CSV file.
    required : tuple of str
        Columns that must be present in the header.
    report : ValidationReport
        Receives the recoverable problems.
    limits : mapping of str to int, optional
        Longest value kept per column, overriding the defaults above.

    Returns
    -------
    pandas.DataFrame
        One column per header field (strings) plus ``line`` (int).

    Raises
    ------
    InputError
        If the file is missing, empty, not UTF-8 text (the line is named),
        or its header cannot be read.
    SchemaError
        If a required column is absent or the header repeats a column.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "alarms.csv"
    >>> _ = p.write_text('timestamp,device,alarm_type,message\\n1,A,X,"port down\\n2,B,Y,ok\\n')
    >>> report = ValidationReport()
    >>> frame = read_table(p, required=("timestamp",), report=report)
    >>> frame[["device", "message", "line"]].values.tolist()
    [['A', 'port down', 2], ['B', 'ok', 3]]
    >>> [(i.kind, i.lines) for i in report]
    [('unbalanced_quote', (2,))]
    """
    path = Path(path)
    if not path.is_file():
        raise InputError("file not found", file=path)
    try:
        data = path.read_bytes()
    except OSError as exc:  # pragma: no cover - permissions etc.
        raise InputError(f"cannot open: {exc}", file=path) from exc
    if b"\x00" in data[:4096] and not data.startswith((b"\xef\xbb\xbf",)):
        zeros = data[:4096].count(b"\x00")
        if zeros > len(data[:4096]) // 4:
            raise InputError(
                "not a text file (it holds NUL bytes; UTF-16 or binary?); expected UTF-8 CSV",
                file=path,
            )
    lines = _decode_lines(data, path)
    state: dict[str, int] = {}
    records = _records(lines, state)
    header_rec = next(records, None)
    while header_rec is not None and header_rec[1] is None and not header_rec[2]:
        header_rec = next(records, None)  # blank lines before the header
    if header_rec is None:
        raise InputError("empty file: expected a header row", file=path)
    if header_rec[1] is not None:
        raise InputError(f"malformed CSV header: {header_rec[1]}", file=path, line=header_rec[0])
    header = [h.strip() for h in header_rec[2]]
    _check_header(header, required, path)
    width = state["width"] = len(header)
    rows: list[list[str]] = []
    lines_kept: list[int] = []
    problems: dict[str, list[int]] = {
        "extra_fields": [],
        "missing_fields": [],
        "unbalanced_quote": [],
        "malformed_record": [],
    }
    spanning: list[int] = []
    absorbed = 0
    errors: list[str] = []
    for start, error, record, stray in records:
        if error is not None:
            problems["malformed_record"].append(start)
            errors.append(error)
            continue
        if not record or (len(record) == 1 and not record[0].strip()):
            continue
        if stray is True:
            problems["unbalanced_quote"].append(start)
        elif stray:
            spanning.append(start)
            absorbed += int(stray)
        if len(record) > width:
            if any(v.strip() for v in record[width:]):
                problems["extra_fields"].append(start)
            record = record[:width]
        elif len(record) < width:
            problems["missing_fields"].append(start)
            record = record + [""] * (width - len(record))
        rows.append([v.strip() for v in record])
        lines_kept.append(start)
    messages = {
        "unbalanced_quote": "a quote opened in the row is never closed on its line; the row was read from its "
        "own line and the lines after it as rows of their own",
        "malformed_record": f"records the CSV parser could not read ({errors[0] if errors else ''}); skipped",
        "extra_fields": f"more fields than the {width} header columns; the extra fields were ignored",
        "missing_fields": f"fewer fields than the {width} header columns; the missing ones were left empty",
    }
    actions = {
        "unbalanced_quote": "repaired",
        "malformed_record": "dropped",
        "extra_fields": "repaired",
        "missing_fields": "repaired",
    }
    for kind in ("unbalanced_quote", "malformed_record", "extra_fields", "missing_fields"):
        if problems[kind]:
            report.add(
                kind,
                messages[kind],
                file=str(path),
                lines=problems[kind],
                count=len(problems[kind]),
                action=actions[kind],
                logger=logger,
            )
    if spanning:
        report.add(
            "multiline_field",
            f"quoted fields that run over several lines, each kept as one field: {absorbed} line(s) "
            "read as the text of the row they continue",
            file=str(path),
            lines=spanning,
            count=absorbed,
            action="kept",
            logger=logger,
            level=logging.INFO,
        )
    frame = pd.DataFrame(rows, columns=header, dtype=object)
    frame[LINE] = pd.array(lines_kept, dtype="int64")
    return cap_lengths(frame, file=path, report=report, limits=limits)


def _decode_lines(data: bytes, path: Path) -> list[str]:
    """Physical lines of UTF-8 text, line ends kept (only ``\\r``, ``\\n`` and ``\\r\\n`` end a line)."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError(
            f"not UTF-8 text ({exc.reason}: byte 0x{data[exc.start]:02x} at character {column} of the line); "
            "export the file as UTF-8",
            file=path,
            line=line,
        ) from exc
    # as for the csv module: U+2028, \x0b... inside a field do not end a line
    return list(io.StringIO(text, newline=""))


def _records(
    lines: list[str], state: dict[str, int]
) -> Iterator[tuple[int, str | None, list[str], bool | int]]:
    """``(first line, error or None, fields, stray)`` for each record.

    ``stray`` is True where a stray quote was repaired, else the number of
    lines after the first that the record's quoted fields run over.

    ``state["width"]``, once set, is the number of header fields.
    """
    pos = 0
    n = len(lines)
    while pos < n:
        reader = csv.reader(itertools.islice(lines, pos, None))
        consumed = 0
        restart = n
        while True:
            try:
                record = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                first, end = pos + consumed, pos + max(reader.line_num, consumed + 1)
                if end - first > 1 and _stray_quote(lines, first, end, state.get("width")):
                    yield first + 1, None, _one_line(lines[first], state.get("width")), True
                    restart = first + 1
                else:
                    yield first + 1, str(exc), [], 0
                    restart = end
                break
            first, end = pos + consumed, pos + reader.line_num
            consumed = reader.line_num
            if end - first > 1 and _stray_quote(lines, first, end, state.get("width")):
                yield first + 1, None, _one_line(lines[first], state.get("width")), True
                restart = first + 1
                break
            yield first + 1, None, record, end - first - 1
        pos = restart


def _fields(line: str, **kwargs: object) -> list[str]:
    try:
        return next(csv.reader([line], **kwargs), [])  # type: ignore[arg-type]
    except csv.Error:
        return []


def _stray_quote(lines: list[str], first: int, end: int, width: int | None) -> bool:
    """Whether a record over ``lines[first:end]`` is a stray quote swallowing well-formed rows.

    It is when every following line, read alone, holds at least two fields
    and one of them holds exactly as many as the header (at least two): a
    quoted field that truly spans lines continues with free text, not with
    records.
    """
    if width is None:
        width = len(_fields(lines[first], quoting=csv.QUOTE_NONE))
    if width < 2:
        return False
    counts = [len(_fields(line)) for line in lines[first + 1 : end] if line.strip()]
    return bool(counts) and min(counts) >= 2 and width in counts


def _one_line(line: str, width: int | None) -> list[str]:
    """The fields of one line whose quote is never closed.

    Read normally, the open field runs to the end of the line; when that
    does not give the header's number of fields and reading the quote as a
    plain character does, the latter is taken.
    """
    normal = [f.rstrip("\r\n") for f in _fields(line)]
    if len(normal) == width:
        return normal
    literal = _fields(line, quoting=csv.QUOTE_NONE)
    return literal if len(literal) == width else normal


def cap_lengths(
    frame: pd.DataFrame,
    *,
    file: str | Path | None,
    report: ValidationReport,
    limits: Mapping[str, int] | None = None,
) -> pd.DataFrame:
    """Cut text values longer than their limit (:mod:`rca.limits`), reporting them by line.

    ``limits`` overrides the default limit of a column
    (:data:`rca.limits.MAX_ID_CHARS` for the id and type columns,
    :data:`rca.limits.MAX_TEXT_CHARS` for the others). Non-text cells are
    left alone. Works in place and returns ``frame``.
    """
    limits = dict(limits or {})
    for column in [c for c in frame.columns if c != LINE]:
        values = frame[column]
        if values.dtype != object and not pd.api.types.is_string_dtype(values.dtype):
            continue
        limit = limits.get(column, MAX_ID_CHARS if column in ID_COLUMNS else MAX_TEXT_CHARS)
        lengths = values.map(lambda v: len(v) if isinstance(v, str) else 0).to_numpy()
        over = lengths > limit
        if not over.any():
            continue
        frame[column] = values.where(
            ~over, values.map(lambda v, limit=limit: v[:limit] if isinstance(v, str) else v)
        )
        if LINE in frame.columns:
            lines = [int(x) for x in frame.loc[over, LINE].tolist() if not pd.isna(x)]
        else:
            lines = [int(i) + 2 for i in over.nonzero()[0]]
        report.add(
            "field_too_long",
            f"values of column {column!r} longer than {limit} characters (the longest has "
            f"{int(lengths.max())}); cut to {limit}",
            file=None if file is None else str(file),
            lines=lines,
            count=int(over.sum()),
            action="repaired",
            logger=logger,
        )
    return frame


def _check_header(header: list[str], required: tuple[str, ...], path: Path) -> None:
    seen: set[str] = set()
    for name in header:
        if name in seen:
            raise SchemaError(
                f"the header names column {name!r} twice", file=path, line=1, column=name
            )
        seen.add(name)
    missing = [c for c in required if c not in seen]
    if missing:
        near = {
            m: [h for h in header if h.lower() == m.lower() or h.lower().replace(" ", "_") == m]
            for m in missing
        }
        hint = "; ".join(
            f"found {v[0]!r}, column names are case-sensitive" for v in near.values() if v
        )
        raise SchemaError(
            f"missing required column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(repr(m) for m in missing)}; the header has {header}"
            + (f" ({hint})" if hint else ""),
            file=path,
            line=1,
            column=missing[0],
        )
