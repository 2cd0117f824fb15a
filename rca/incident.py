"""An incident: topology, alarms, optional metrics and ground truth."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

from ._io import atomic_write_text
from .alarms import AlarmLog
from .errors import InputError, SchemaError
from .metrics import Metrics
from .topology import Topology
from .validation import ValidationReport

__all__ = ["Incident", "RootCause", "Truth", "read_incident", "read_truth"]

logger = logging.getLogger(__name__)

KINDS = ("node", "link", "site")


@dataclass(frozen=True)
class RootCause:
    """One known root cause from ``truth.json``."""

    entity: str
    kind: str
    fault: str | None = None
    time: str | None = None

    def to_dict(self) -> dict:
        return {"entity": self.entity, "kind": self.kind, "fault": self.fault, "time": self.time}


@dataclass(frozen=True)
class Truth:
    """The known root causes of an incident (evaluation only)."""

    root_causes: tuple[RootCause, ...]
    extra: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"root_causes": [r.to_dict() for r in self.root_causes], **self.extra}


@dataclass
class Incident:
    """Everything known about one incident.

    Attributes
    ----------
    topology : Topology
    alarms : AlarmLog
    metrics : Metrics or None
    truth : Truth or None
        Present only for evaluation.
    name : str
    """

    topology: Topology
    alarms: AlarmLog
    metrics: Metrics | None = None
    truth: Truth | None = None
    name: str = "incident"

    @property
    def report(self) -> ValidationReport:
        """Every reader's validation issues together."""
        out = ValidationReport()
        out.extend(self.topology.report)
        out.extend(self.alarms.report)
        if self.metrics is not None:
            out.extend(self.metrics.report)
        return out

    def __repr__(self) -> str:
        return f"Incident({self.name!r}, {self.topology!r}, {self.alarms!r}, metrics={self.metrics!r}, truth={self.truth is not None})"

    def _repr_html_(self) -> str:
        """Jupyter: counts, the alarms per minute as a small chart, the truth (no script)."""
        from ._report._repr import incident_html

        return incident_html(self)

    def write(self, folder: str | Path) -> Path:
        """Write the incident folder (nodes, links, alarms, metrics, truth)."""
        folder = Path(folder)
        self.topology.write_csv(folder)
        self.alarms.write_csv(folder / "alarms.csv")
        if self.metrics is not None:
            self.metrics.write_csv(folder / "metrics.csv")
        if self.truth is not None:
            atomic_write_text(folder / "truth.json", json.dumps(self.truth.to_dict(), indent=2) + "\n")
        return folder


def read_truth(path: str | Path) -> Truth:
    """Read and check ``truth.json``.

    Raises
    ------
    InputError
        Not UTF-8, not JSON, or not ``{"root_causes": [{"entity": ..., "kind": ...}, ...]}``.
    """
    path = Path(path)
    raw = path.read_bytes()
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise InputError(f"not UTF-8 text ({exc.reason}: byte 0x{raw[exc.start]:02x}); JSON must be UTF-8",
                         file=path, line=line) from exc
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON: {exc.msg}", file=path, line=exc.lineno) from exc
    except RecursionError as exc:
        raise InputError("not valid JSON: nested too deeply", file=path) from exc
    if not isinstance(data, dict) or not isinstance(data.get("root_causes"), list):
        raise SchemaError('expected an object {"root_causes": [...]}', file=path)
    roots = []
    for i, item in enumerate(data["root_causes"]):
        if not isinstance(item, dict) or not item.get("entity"):
            raise SchemaError(f"root_causes[{i}] needs an 'entity'", file=path)
        kind = item.get("kind", "node")
        if kind not in KINDS:
            raise SchemaError(f"root_causes[{i}].kind must be one of {KINDS}, got {kind!r}", file=path)
        roots.append(RootCause(str(item["entity"]), kind, item.get("fault"), item.get("time")))
    extra = {k: v for k, v in data.items() if k != "root_causes"}
    return Truth(tuple(roots), extra)


def read_incident(path: str | Path, *, strict: bool = False, columns: dict[str, str] | str | None = None,
                  topology: Topology | None = None) -> Incident:
    """Read an incident folder in the format of ``docs/incident-format.md``.

    Parameters
    ----------
    path : str or Path
        Folder with ``nodes.csv`` + ``links.csv`` (or ``topology.graphml``),
        ``alarms.csv``, and optionally ``metrics.csv`` and ``truth.json``.
    strict : bool, default False
        Raise on recoverable problems instead of reporting them.
    columns : dict or str, optional
        The export's names of the alarm columns (``device=NE_NAME,...``; see
        :meth:`rca.AlarmLog.read_csv`).
    topology : Topology, optional
        The network, for a folder that holds the alarms (and metrics) only.

    Returns
    -------
    Incident

    Raises
    ------
    InputError
        The folder or a required file is missing, or a file is malformed;
        the message names the file, line and column.
    """
    folder = Path(path)
    if not folder.is_dir():
        raise InputError("not an incident folder (expected a directory)", file=folder)
    if topology is not None:
        pass
    elif (folder / "nodes.csv").exists():
        topology = Topology.read_csv(folder / "nodes.csv", folder / "links.csv")
    elif (folder / "topology.graphml").exists():
        topology = Topology.read_graphml(folder / "topology.graphml")
    else:
        raise InputError("no topology: expected nodes.csv (+ links.csv) or topology.graphml, "
                         "or give one (rca analyze --topology)", file=folder)
    alarms_path = folder / "alarms.csv"
    if not alarms_path.exists():
        raise InputError("missing alarms.csv", file=folder)
    alarms = AlarmLog.read_csv(alarms_path, topology=topology, strict=strict, columns=columns)
    metrics = Metrics.read_csv(folder / "metrics.csv", topology=topology) if (folder / "metrics.csv").exists() else None
    truth = read_truth(folder / "truth.json") if (folder / "truth.json").exists() else None
    return Incident(topology, alarms, metrics, truth, name=folder.name)
