"""The alarm log of an incident: who raised what, when, about which link."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ._csv import LINE, cap_lengths, read_table
from ._io import atomic_open
from ._tables import (
    clean_text,
    drop_bad_rows,
    frame_input,
    parse_time_column,
    report_unknown,
    sort_and_dedupe,
)
from ._time import to_iso
from .errors import SchemaError
from .validation import ValidationReport

if TYPE_CHECKING:
    from .topology import Topology

__all__ = ["AlarmLog", "ALARM_COLUMNS", "parse_columns"]

logger = logging.getLogger(__name__)

ALARM_COLUMNS = ("time", "device", "alarm_type", "severity", "link_id", "message", LINE)
_REQUIRED = ("timestamp", "device", "alarm_type")
# report entries that say how the input was read, not what is wrong with it
_NOTES = frozenset({"relative_time", "multiline_field"})


class AlarmLog:
    """Alarms sorted by time, with a report of what was repaired.

    Attributes
    ----------
    frame : pandas.DataFrame
        Columns ``time`` (float epoch seconds, UTC), ``device``,
        ``alarm_type``, ``severity`` (lower case), ``link_id``, ``message``
        (untrusted text), ``line`` (source line, or NA) and any extra input
        columns, sorted by time.
    report : ValidationReport
        Dropped duplicates, unparsable rows, unknown devices, reordering.
    source : str
        Where the alarms came from.

    Examples
    --------
    >>> import pandas as pd
    >>> log = AlarmLog.from_frame(pd.DataFrame({
    ...     "timestamp": ["2026-03-01T10:00:05Z", "2026-03-01T10:00:00Z"],
    ...     "device": ["A3", "B5"], "alarm_type": ["LINK_DOWN", "LOS"]}))
    >>> log.frame["device"].tolist()
    ['B5', 'A3']
    >>> sorted(log.report.kinds())
    ['out_of_order']
    """

    def __init__(
        self,
        frame: pd.DataFrame,
        *,
        report: ValidationReport | None = None,
        source: str = "<frame>",
    ) -> None:
        self.frame = frame
        self.report = report if report is not None else ValidationReport()
        self.source = source

    @classmethod
    def read_csv(
        cls,
        path: str | Path,
        *,
        topology: Topology | None = None,
        strict: bool = False,
        columns: dict[str, str] | str | None = None,
    ) -> AlarmLog:
        """Read ``alarms.csv``.

        Parameters
        ----------
        path : str or Path
            The CSV file (columns ``timestamp, device, alarm_type`` required).
        topology : Topology, optional
            When given, alarms from devices or about links it does not know
            are reported (and kept); a device named by its GraphML ``label``
            (a city) is read as its node id, and a link id written the other
            way round (``7--10`` for ``10--7``) as the topology's.
        strict : bool, default False
            Raise on the first recoverable problem instead of reporting it.
        columns : dict or str, optional
            A vendor export's column names: ``{"device": "NE_NAME",
            "alarm_type": "ALARM_NAME", "timestamp": "RAISE_TIME"}``, or the
            same as text, ``"device=NE_NAME,alarm_type=ALARM_NAME,..."``
            (:func:`parse_columns`).

        Raises
        ------
        InputError
            Missing file, empty file, no parsable timestamp.
        SchemaError
            A required column is missing, or a mapped column is not in the
            header (the message names both).
        """
        report = ValidationReport()
        mapping = parse_columns(columns)
        raw = read_table(path, required=tuple(mapping.get(c, c) for c in _REQUIRED), report=report)
        raw = _rename(raw, mapping, file=path)
        return cls._build(raw, topology=topology, file=str(path), report=report, strict=strict)

    @classmethod
    def from_frame(
        cls,
        frame: pd.DataFrame,
        *,
        topology: Topology | None = None,
        source: str = "<frame>",
        strict: bool = False,
        columns: dict[str, str] | str | None = None,
    ) -> AlarmLog:
        """Build from a DataFrame with ``timestamp`` (or ``time``), ``device``, ``alarm_type``.

        ``timestamp`` is read as in a file (ISO 8601, or epoch numbers whose
        unit is inferred within 1990-2100); ``time`` holds seconds taken as
        they are (relative times are allowed), which must be finite.
        ``columns`` maps a vendor's column names as in :meth:`read_csv`.
        """
        frame = _rename(frame, parse_columns(columns), file=source)
        relative = "timestamp" not in frame.columns and "time" in frame.columns
        frame = frame_input(frame, _REQUIRED, source)
        return cls._build(
            frame,
            topology=topology,
            file=source,
            report=ValidationReport(),
            strict=strict,
            relative=relative,
        )

    @classmethod
    def _build(
        cls,
        raw: pd.DataFrame,
        *,
        topology: Topology | None,
        file: str,
        report: ValidationReport,
        strict: bool,
        relative: bool = False,
    ) -> AlarmLog:
        if LINE not in raw.columns:
            raw[LINE] = pd.array([pd.NA] * len(raw), dtype="Int64")
        frame = parse_time_column(
            raw, "timestamp", file=file, report=report, logger=logger, relative=relative
        )
        frame = cap_lengths(
            frame, file=file, report=report
        )  # a file's values are already within the limits
        for col in ("device", "alarm_type", "severity", "link_id", "message"):
            frame[col] = (
                clean_text(frame[col])
                if col in frame.columns
                else pd.Series([None] * len(frame), dtype=object, index=frame.index)
            )
        frame["severity"] = frame["severity"].map(lambda s: s.lower() if isinstance(s, str) else s)
        for col in ("device", "alarm_type"):
            blank = frame[col].isna().to_numpy()
            frame = drop_bad_rows(
                frame,
                blank,
                kind=f"empty_{col}",
                message=f"rows with an empty {col!r}",
                file=file,
                report=report,
                logger=logger,
            )
        extras = [c for c in frame.columns if c not in ALARM_COLUMNS and c != "timestamp"]
        frame = frame[list(ALARM_COLUMNS) + extras]
        frame = sort_and_dedupe(
            frame,
            ["time", "device", "alarm_type", "severity", "link_id", "message"],
            file=file,
            report=report,
            logger=logger,
        )
        if topology is not None:
            _check_against(frame, topology, file, report)
        problems = [i for i in report if i.kind not in _NOTES]
        if strict and problems:
            first = problems[0]
            # the issue's own text without its location: the error names file and line once
            raise SchemaError(
                f"{first.message} [{first.kind}, {first.count} {first.action}]",
                file=file,
                line=first.lines[0] if first.lines else None,
            )
        return cls(frame, report=report, source=file)

    # ----------------------------------------------------------------- views
    def __len__(self) -> int:
        return len(self.frame)

    def __repr__(self) -> str:
        if not len(self):
            return "AlarmLog(empty)"
        return (
            f"AlarmLog({len(self)} alarms, {self.frame['device'].nunique()} devices, "
            f"{self.frame['alarm_type'].nunique()} types, {to_iso(self.start)} .. {to_iso(self.end)})"
        )

    @property
    def times(self) -> np.ndarray:
        """Alarm times as epoch seconds."""
        return self.frame["time"].to_numpy(dtype="float64")

    @property
    def start(self) -> float:
        """Time of the first alarm (NaN when empty)."""
        return float(self.frame["time"].min()) if len(self) else float("nan")

    @property
    def end(self) -> float:
        """Time of the last alarm (NaN when empty)."""
        return float(self.frame["time"].max()) if len(self) else float("nan")

    @property
    def devices(self) -> list[str]:
        """Distinct alarming devices, in order of first alarm."""
        return list(dict.fromkeys(self.frame["device"].tolist()))

    @property
    def alarm_types(self) -> list[str]:
        """Distinct alarm types, in order of first appearance."""
        return list(dict.fromkeys(self.frame["alarm_type"].tolist()))

    def to_frame(self, *, iso: bool = True) -> pd.DataFrame:
        """The alarms, with a ``timestamp`` column (ISO 8601 when ``iso``)."""
        out = self.frame.copy()
        out.insert(0, "timestamp", out["time"].map(to_iso) if iso else out["time"])
        return out.drop(columns=["time"])

    def write_csv(self, path: str | Path) -> None:
        """Write in the incident format (ISO 8601 timestamps)."""
        with atomic_open(path, newline="") as handle:
            self.to_frame().drop(columns=[LINE]).to_csv(handle, index=False)


def parse_columns(columns: dict[str, str] | str | None) -> dict[str, str]:
    """A column mapping ``{our name: the export's name}`` from a dict or ``"ours=theirs,..."`` text.

    Our names are the alarm columns of the incident format (``timestamp``,
    ``device``, ``alarm_type``, ``severity``, ``link_id``, ``message``).

    Raises
    ------
    InputError
        A malformed item, an unknown name of ours, or one export column
        mapped twice.

    Examples
    --------
    >>> parse_columns("device=NE_NAME, alarm_type=ALARM_NAME,timestamp=RAISE_TIME")
    {'device': 'NE_NAME', 'alarm_type': 'ALARM_NAME', 'timestamp': 'RAISE_TIME'}
    >>> parse_columns("node=NE_NAME")
    Traceback (most recent call last):
    ...
    rca.errors.InputError: column mapping: 'node' is not an alarm column; expected one of timestamp, device, alarm_type, severity, link_id, message
    """
    from .errors import InputError

    if columns is None or columns == "":
        return {}
    if isinstance(columns, str):
        items: dict[str, str] = {}
        for part in columns.split(","):
            part = part.strip()
            if not part:
                continue
            ours, sep, theirs = part.partition("=")
            if not sep or not ours.strip() or not theirs.strip():
                raise InputError(
                    f"column mapping: expected OURS=THEIRS (e.g. device=NE_NAME), got {part!r}"
                )
            items[ours.strip()] = theirs.strip()
        columns = items
    known = ("timestamp", "device", "alarm_type", "severity", "link_id", "message")
    for ours in columns:
        if ours not in known:
            raise InputError(
                f"column mapping: {ours!r} is not an alarm column; expected one of {', '.join(known)}"
            )
    mapped = list(columns.values())
    twice = sorted({t for t in mapped if mapped.count(t) > 1})
    if twice:
        raise InputError(f"column mapping: export column {twice[0]!r} is mapped twice")
    return dict(columns)


def _rename(raw: pd.DataFrame, mapping: dict[str, str], *, file: str | Path) -> pd.DataFrame:
    """Rename an export's columns to ours; the export's own column of one of our names steps aside."""
    if not mapping:
        return raw
    missing = [(o, t) for o, t in mapping.items() if t not in raw.columns]
    if missing:
        ours, theirs = missing[0]
        raise SchemaError(
            f"column {theirs!r} (mapped to {ours!r}) is not in the header; the header has "
            f"{[c for c in raw.columns if c != LINE]}",
            file=file,
            line=1,
            column=theirs,
        )
    clash = {o: f"{o}_original" for o in mapping if o in raw.columns and o not in mapping.values()}
    return raw.rename(columns=clash).rename(columns={t: o for o, t in mapping.items()})


def _check_against(
    frame: pd.DataFrame, topology: Topology, file: str, report: ValidationReport
) -> None:
    _devices_by_label(frame, topology, file, report)
    _links_either_way(frame, topology, file, report)
    report_unknown(
        frame,
        "device",
        set(topology.node_ids),
        kind="unknown_device",
        what="alarms from",
        consequence="kept, but they cannot be placed",
        file=file,
        report=report,
        logger=logger,
    )
    report_unknown(
        frame,
        "link_id",
        set(topology.links.index),
        kind="unknown_link",
        what="alarms about",
        consequence="kept, the link is ignored",
        file=file,
        report=report,
        logger=logger,
    )


def _devices_by_label(
    frame: pd.DataFrame, topology: Topology, file: str, report: ValidationReport
) -> None:
    """Devices named by a node's ``label`` (a GraphML city name) are read as its node id, and reported."""
    if "label" not in topology.nodes.columns or not len(frame):
        return
    labels = topology.nodes["label"].astype(object)
    by_label: dict[str, list[str]] = {}
    for node, label in zip(topology.node_ids, labels.tolist()):
        if isinstance(label, str) and label.strip():
            by_label.setdefault(label.strip(), []).append(node)
    if not by_label:
        return
    known = set(topology.node_ids)
    devices = frame["device"]
    unknown = ~devices.isin(known).to_numpy()
    mapped = {d: by_label[d][0] for d in set(devices[unknown]) if len(by_label.get(d, ())) == 1}
    ambiguous = sorted(d for d in set(devices[unknown]) if len(by_label.get(d, ())) > 1)
    if mapped:
        given, ours = min(mapped.items())
        _replace_values(
            frame,
            "device",
            mapped,
            "device_by_label",
            f"alarms name {len(mapped)} device(s) by their node label (e.g. "
            f"{given!r} is node {ours!r}); read as the node ids",
            file,
            report,
        )
    if ambiguous:
        rows = devices.isin(ambiguous).to_numpy()
        report.add(
            "ambiguous_label",
            f"alarms name {len(ambiguous)} device(s) by a label several nodes share "
            f"({', '.join(ambiguous[:5])}); kept as they are",
            file=file,
            lines=_row_lines(frame, rows),
            count=int(rows.sum()),
            action="kept",
            logger=logger,
        )


def _links_either_way(
    frame: pd.DataFrame, topology: Topology, file: str, report: ValidationReport
) -> None:
    """A link id ``A--B`` that the topology has as ``B--A`` is read as the topology's, and reported."""
    if not len(frame):
        return
    ids = set(topology.links.index)
    links = frame["link_id"]
    given = links.notna().to_numpy() & ~links.isin(ids).to_numpy()
    if not given.any():
        return
    swapped = {}
    for lid in set(links[given]):
        a, sep, b = str(lid).partition("--")
        if sep and f"{b}--{a}" in ids:
            swapped[lid] = f"{b}--{a}"
    if swapped:
        given, ours = min(swapped.items())
        _replace_values(
            frame,
            "link_id",
            swapped,
            "link_id_reversed",
            f"{len(swapped)} link id(s) written with the ends the other way round "
            f"(e.g. {given!r} for {ours!r}); read as the topology's",
            file,
            report,
        )


def _replace_values(
    frame: pd.DataFrame,
    column: str,
    mapping: dict,
    code: str,
    message: str,
    file: str,
    report: ValidationReport,
) -> None:
    """Replace ``column``'s values by ``mapping`` in place; report the rows as repaired."""
    values = frame[column]
    rows = values.isin(mapping).to_numpy()
    frame.loc[rows, column] = values[rows].map(mapping)
    report.add(
        code,
        message,
        file=file,
        lines=_row_lines(frame, rows),
        count=int(rows.sum()),
        action="repaired",
        logger=logger,
        level=logging.INFO,
    )


def _row_lines(frame: pd.DataFrame, mask: np.ndarray) -> list[int]:
    from ._tables import row_lines

    return row_lines(frame, mask)
