"""The alarm log of an incident: who raised what, when, about which link."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ._csv import LINE, cap_lengths, read_table
from ._io import atomic_open
from ._tables import clean_text, drop_bad_rows, frame_input, parse_time_column, report_unknown, sort_and_dedupe
from ._time import to_iso
from .errors import SchemaError
from .validation import ValidationReport

if TYPE_CHECKING:
    from .topology import Topology

__all__ = ["AlarmLog", "ALARM_COLUMNS"]

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

    def __init__(self, frame: pd.DataFrame, *, report: ValidationReport | None = None, source: str = "<frame>") -> None:
        self.frame = frame
        self.report = report if report is not None else ValidationReport()
        self.source = source

    @classmethod
    def read_csv(cls, path: str | Path, *, topology: "Topology | None" = None, strict: bool = False) -> "AlarmLog":
        """Read ``alarms.csv``.

        Parameters
        ----------
        path : str or Path
            The CSV file (columns ``timestamp, device, alarm_type`` required).
        topology : Topology, optional
            When given, alarms from devices or about links it does not know
            are reported (and kept).
        strict : bool, default False
            Raise on the first recoverable problem instead of reporting it.

        Raises
        ------
        InputError
            Missing file, empty file, no parsable timestamp.
        SchemaError
            A required column is missing.
        """
        report = ValidationReport()
        raw = read_table(path, required=_REQUIRED, report=report)
        return cls._build(raw, topology=topology, file=str(path), report=report, strict=strict)

    @classmethod
    def from_frame(
        cls, frame: pd.DataFrame, *, topology: "Topology | None" = None, source: str = "<frame>",
        strict: bool = False,
    ) -> "AlarmLog":
        """Build from a DataFrame with ``timestamp`` (or ``time``), ``device``, ``alarm_type``.

        ``timestamp`` is read as in a file (ISO 8601, or epoch numbers whose
        unit is inferred within 1990-2100); ``time`` holds seconds taken as
        they are (relative times are allowed), which must be finite.
        """
        relative = "timestamp" not in frame.columns and "time" in frame.columns
        frame = frame_input(frame, _REQUIRED, source)
        return cls._build(frame, topology=topology, file=source, report=ValidationReport(), strict=strict,
                          relative=relative)

    @classmethod
    def _build(cls, raw: pd.DataFrame, *, topology: "Topology | None", file: str, report: ValidationReport, strict: bool,
               relative: bool = False) -> "AlarmLog":
        if LINE not in raw.columns:
            raw[LINE] = pd.array([pd.NA] * len(raw), dtype="Int64")
        frame = parse_time_column(raw, "timestamp", file=file, report=report, logger=logger, relative=relative)
        frame = cap_lengths(frame, file=file, report=report)   # a file's values are already within the limits
        for col in ("device", "alarm_type", "severity", "link_id", "message"):
            frame[col] = clean_text(frame[col]) if col in frame.columns else pd.Series([None] * len(frame), dtype=object, index=frame.index)
        frame["severity"] = frame["severity"].map(lambda s: s.lower() if isinstance(s, str) else s)
        for col in ("device", "alarm_type"):
            blank = frame[col].isna().to_numpy()
            frame = drop_bad_rows(frame, blank, kind=f"empty_{col}", message=f"rows with an empty {col!r}",
                                  file=file, report=report, logger=logger)
        extras = [c for c in frame.columns if c not in ALARM_COLUMNS and c != "timestamp"]
        frame = frame[list(ALARM_COLUMNS) + extras]
        frame = sort_and_dedupe(frame, ["time", "device", "alarm_type", "severity", "link_id", "message"],
                                file=file, report=report, logger=logger)
        if topology is not None:
            _check_against(frame, topology, file, report)
        problems = [i for i in report if i.kind not in _NOTES]
        if strict and problems:
            first = problems[0]
            # the issue's own text without its location: the error names file and line once
            raise SchemaError(f"{first.message} [{first.kind}, {first.count} {first.action}]", file=file,
                              line=first.lines[0] if first.lines else None)
        return cls(frame, report=report, source=file)

    # ----------------------------------------------------------------- views
    def __len__(self) -> int:
        return len(self.frame)

    def __repr__(self) -> str:
        if not len(self):
            return "AlarmLog(empty)"
        return (f"AlarmLog({len(self)} alarms, {self.frame['device'].nunique()} devices, "
                f"{self.frame['alarm_type'].nunique()} types, {to_iso(self.start)} .. {to_iso(self.end)})")

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


def _check_against(frame: pd.DataFrame, topology: "Topology", file: str, report: ValidationReport) -> None:
    report_unknown(frame, "device", set(topology.node_ids), kind="unknown_device", what="alarms from",
                   consequence="kept, but they cannot be placed", file=file, report=report, logger=logger)
    report_unknown(frame, "link_id", set(topology.links.index), kind="unknown_link", what="alarms about",
                   consequence="kept, the link is ignored", file=file, report=report, logger=logger)
