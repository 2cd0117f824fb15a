"""Telemetry of an incident in long format: ``time, entity, metric, value``."""

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
from .validation import ValidationReport

if TYPE_CHECKING:
    from .topology import Topology

__all__ = ["Metrics"]

logger = logging.getLogger(__name__)
_REQUIRED = ("timestamp", "entity", "metric", "value")


class Metrics:
    """KPI samples (utilisation of a link, cpu of a router, latency of a cell...).

    Attributes
    ----------
    frame : pandas.DataFrame
        Columns ``time`` (epoch seconds), ``entity``, ``metric``, ``value``
        (float), ``line``; sorted by time. Missing samples are absent rows.
    report : ValidationReport
        What was dropped or repaired.
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
    def read_csv(cls, path: str | Path, *, topology: Topology | None = None) -> Metrics:
        """Read ``metrics.csv``; errors name the file, line and column."""
        report = ValidationReport()
        raw = read_table(path, required=_REQUIRED, report=report)
        return cls._build(raw, topology=topology, file=str(path), report=report)

    @classmethod
    def from_frame(
        cls, frame: pd.DataFrame, *, topology: Topology | None = None, source: str = "<frame>"
    ) -> Metrics:
        """Build from a long-format DataFrame (``timestamp`` or ``time``, entity, metric, value).

        ``time`` holds seconds taken as they are; ``timestamp`` is read as
        in a file (see :meth:`rca.AlarmLog.from_frame`).
        """
        relative = "timestamp" not in frame.columns and "time" in frame.columns
        frame = frame_input(frame, _REQUIRED, source)
        return cls._build(
            frame, topology=topology, file=source, report=ValidationReport(), relative=relative
        )

    @classmethod
    def _build(
        cls,
        raw: pd.DataFrame,
        *,
        topology: Topology | None,
        file: str,
        report: ValidationReport,
        relative: bool = False,
    ) -> Metrics:
        if LINE not in raw.columns:
            raw[LINE] = pd.array([pd.NA] * len(raw), dtype="Int64")
        frame = parse_time_column(
            raw, "timestamp", file=file, report=report, logger=logger, relative=relative
        )
        frame = cap_lengths(frame, file=file, report=report)
        frame["entity"] = clean_text(frame["entity"])
        frame["metric"] = clean_text(frame["metric"])
        values = pd.to_numeric(frame["value"], errors="coerce").astype("float64")
        bad = (
            ~np.isfinite(values.to_numpy())
            | frame["entity"].isna().to_numpy()
            | frame["metric"].isna().to_numpy()
        )
        frame = frame.assign(value=values)
        frame = drop_bad_rows(
            frame,
            bad,
            kind="bad_metric_row",
            message="rows with a value that is not a finite number (empty, text, inf, nan) "
            "or an empty entity/metric",
            file=file,
            report=report,
            logger=logger,
        )
        extras = [c for c in frame.columns if c not in ("time", "entity", "metric", "value", LINE)]
        frame = frame[["time", "entity", "metric", "value", LINE] + extras]
        frame = sort_and_dedupe(
            frame, ["time", "entity", "metric"], file=file, report=report, logger=logger
        )
        if topology is not None:
            report_unknown(
                frame,
                "entity",
                set(topology.node_ids) | set(topology.links.index),
                kind="unknown_entity",
                what="samples for",
                consequence="kept",
                file=file,
                report=report,
                logger=logger,
            )
        return cls(frame, report=report, source=file)

    def __len__(self) -> int:
        return len(self.frame)

    def __repr__(self) -> str:
        return f"Metrics({len(self)} samples, {self.frame['entity'].nunique()} entities, {self.frame['metric'].nunique()} metrics)"

    def series(self, entity: str, metric: str) -> pd.Series:
        """One KPI as a Series indexed by time."""
        f = self.frame
        sel = f[(f["entity"] == entity) & (f["metric"] == metric)]
        return pd.Series(
            sel["value"].to_numpy(), index=sel["time"].to_numpy(), name=f"{entity}:{metric}"
        )

    def pivot(self) -> pd.DataFrame:
        """Wide view: one row per time, one column per (entity, metric)."""
        return self.frame.pivot_table(
            index="time", columns=["entity", "metric"], values="value", aggfunc="mean"
        )

    def to_frame(self) -> pd.DataFrame:
        """The samples in the incident format (ISO timestamps)."""
        from ._time import to_iso

        out = self.frame.drop(columns=[LINE]).copy()
        out.insert(0, "timestamp", out.pop("time").map(to_iso))
        return out

    def write_csv(self, path: str | Path) -> None:
        """Write in the incident format (atomically)."""
        with atomic_open(path, newline="") as handle:
            self.to_frame().to_csv(handle, index=False)
