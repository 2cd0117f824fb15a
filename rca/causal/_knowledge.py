"""Alarm causal knowledge: learn it from alarm history, save it, load it safely.

*Knowledge* is a learned alarm-type :class:`CausalGraph` written as plain
JSON: the graph's own fields (:meth:`CausalGraph.to_dict`) plus a
``"knowledge"`` object saying where it came from (``source``,
``n_alarms``, ``n_incidents``, ``created``). Loading parses JSON only; no
code is ever run from a knowledge file.

History is read by :func:`read_alarm_history` from a PCIC folder, an alarms
CSV or a folder of incident folders (the one reader behind ``rca learn`` and
``rca discover``).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd

from rca._io import atomic_write_text
from rca.errors import InputError, ModelFileError
from rca.vocabulary import clear_rows

from ._result import CausalGraph

__all__ = [
    "AlarmHistory",
    "read_alarm_history",
    "learn_knowledge",
    "save_knowledge",
    "load_knowledge",
    "KNOWLEDGE_KEY",
]

logger = logging.getLogger(__name__)

#: the key of the provenance object in a knowledge file
KNOWLEDGE_KEY = "knowledge"
#: incidents are laid end to end this far apart, so no excitation crosses them
_INCIDENT_GAP_S = 86_400.0


@dataclass(frozen=True)
class AlarmHistory:
    """Alarms to learn from, with the device graph they happened on.

    Attributes
    ----------
    alarms : pandas.DataFrame
        ``time`` (seconds), ``device``, ``alarm_type``, sorted by time.
    topology : Topology, networkx.Graph or None
        The device graph. For a folder of incidents, each incident's devices
        are renamed ``INCIDENT/DEVICE`` and the graph is the disjoint union of
        the incidents' networks, so that only real neighbours count as such.
    types : list of str or None
        The alarm ids of a PCIC data set, in order (else every type seen).
    truth : pandas.DataFrame or None
        The true alarm graph, when the source ships one (PCIC ``DAG.npy``).
    prior : pandas.DataFrame or None
        Prior knowledge of edges, when the source ships it (PCIC
        ``causal_prior.npy``: 1 known edge, 0 known non-edge, -1 unknown).
    source : str
        The path the history was read from.
    n_incidents : int
        Incident folders read (0 for a single log).
    """

    alarms: pd.DataFrame
    topology: Any = None
    types: list[str] | None = None
    truth: pd.DataFrame | None = None
    source: str = ""
    n_incidents: int = 0
    prior: pd.DataFrame | None = None


def read_alarm_history(path: str | Path, *, drop_cleared: bool = False) -> AlarmHistory:
    """Read alarm history from a PCIC folder, an alarms CSV or a folder of incidents.

    Parameters
    ----------
    path : str or Path
        A PCIC-format folder (``Alarm.csv``, ``DAG.npy``, ``Topology.npy``),
        an alarms CSV in the incident format, one incident folder, or a
        folder of incident folders each with ``alarms.csv`` (and, for the
        topology, ``nodes.csv``/``links.csv``).
    drop_cleared : bool, default False
        Leave out clear events (severity ``cleared``): a clear is the end of
        a fault, not a new event that something caused.

    Returns
    -------
    AlarmHistory

    Raises
    ------
    InputError
        When ``path`` is none of the above, or holds no alarms (naming it).
    """
    from rca.alarms import AlarmLog

    path = Path(path)
    if path.is_file():
        frame = _kept(AlarmLog.read_csv(path).frame, drop_cleared)
        return AlarmHistory(
            frame[["time", "device", "alarm_type"]].reset_index(drop=True), source=str(path)
        )
    if not path.is_dir():
        raise InputError(
            "expected a PCIC folder, an alarms CSV or a folder of incidents", file=path
        )
    if any((path / n).is_file() for n in ("Alarm.csv", "alarm.csv")):
        from rca.datasets._pcic import load_pcic

        ds = load_pcic(path)
        return AlarmHistory(
            ds.alarms,
            ds.topology,
            list(ds.alarm_ids),
            ds.true_graph,
            source=str(path),
            prior=ds.prior,
        )
    if (path / "alarms.csv").is_file():
        folders = [path]
    else:
        folders = sorted(p for p in path.iterdir() if p.is_dir() and (p / "alarms.csv").is_file())
    if not folders:
        raise InputError(
            "no Alarm.csv, alarms.csv or incident folders with alarms.csv found", file=path
        )
    return _incident_history(path, folders, drop_cleared)


def _kept(frame: pd.DataFrame, drop_cleared: bool) -> pd.DataFrame:
    if drop_cleared:
        return frame[~clear_rows(frame)]
    return frame


def _incident_history(path: Path, folders: list[Path], drop_cleared: bool) -> AlarmHistory:
    from rca.alarms import AlarmLog
    from rca.topology import Topology

    frames = []
    graph = nx.Graph()
    with_topology = 0
    offset = 0.0
    for folder in folders:
        prefix = "" if len(folders) == 1 else f"{folder.name}/"
        frame = _kept(AlarmLog.read_csv(folder / "alarms.csv").frame, drop_cleared)
        frame = frame[["time", "device", "alarm_type"]].copy()
        if (folder / "nodes.csv").is_file():
            links = folder / "links.csv"
            topo = Topology.read_csv(folder / "nodes.csv", links if links.is_file() else None)
            graph.add_nodes_from(prefix + n for n in topo.node_ids)
            graph.add_edges_from((prefix + a, prefix + b) for a, b in topo.graph.edges() if a != b)
            with_topology += 1
        if frame.empty:
            continue
        frame["device"] = prefix + frame["device"].astype(str)
        frame["time"] = frame["time"] - frame["time"].min() + offset
        offset = float(frame["time"].max()) + _INCIDENT_GAP_S
        frames.append(frame)
    if not frames:
        raise InputError("the incident folders hold no alarms", file=path)
    if 0 < with_topology < len(folders):
        logger.warning(
            "%s: %d of %d incident folders have no nodes.csv; their devices have no neighbours",
            path,
            len(folders) - with_topology,
            len(folders),
        )
    alarms = (
        pd.concat(frames, ignore_index=True)
        .sort_values("time", kind="stable")
        .reset_index(drop=True)
    )
    return AlarmHistory(
        alarms, graph if with_topology else None, source=str(path), n_incidents=len(folders)
    )


def learn_knowledge(
    history: AlarmHistory | str | Path, *, method: str | None = None, **params: Any
) -> CausalGraph:
    """Learn an alarm-type causal graph from history, for :func:`rca.analyze`.

    Clear events are left out. The result's ``params`` hold the method's
    parameters; :func:`save_knowledge` adds where it came from.

    Parameters
    ----------
    history : AlarmHistory, str or Path
        From :func:`read_alarm_history`, or a path it can read.
    method : str, optional
        A discovery method name (``rca.causal._methods.METHODS``); default
        the project default (``thp``).
    **params
        Passed to the method's constructor (e.g. ``max_hop=1``).

    Returns
    -------
    CausalGraph

    Examples
    --------
    >>> from rca.causal import simulate_hawkes_events
    >>> frame, truth = simulate_hawkes_events(n_types=3, n_devices=4, random_state=0)
    >>> graph = learn_knowledge(AlarmHistory(frame))
    >>> graph.edge_set() == set(truth)
    True
    """
    from ._methods import DEFAULT_METHOD, make_method

    if not isinstance(history, AlarmHistory):
        history = read_alarm_history(history, drop_cleared=True)
    estimator = make_method(method or DEFAULT_METHOD, **params)
    return estimator.fit(history.alarms, history.topology, types=history.types).graph_


def save_knowledge(
    graph: CausalGraph,
    path: str | Path,
    *,
    source: str = "",
    n_alarms: int | None = None,
    n_incidents: int | None = None,
) -> Path:
    """Write a knowledge file: the graph's JSON plus where it came from.

    Parameters
    ----------
    graph : CausalGraph
    path : str or Path
        The JSON file to write.
    source : str
        The history it was learned from.
    n_alarms, n_incidents : int, optional
        How much history there was.

    Returns
    -------
    Path
    """
    data = graph.to_dict()
    data[KNOWLEDGE_KEY] = {
        "source": str(source),
        "n_alarms": None if n_alarms is None else int(n_alarms),
        "n_incidents": None if n_incidents is None else int(n_incidents),
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z"),
    }
    return atomic_write_text(path, json.dumps(data, indent=2) + "\n")


def load_knowledge(path: str | Path) -> CausalGraph:
    """Load a knowledge file written by :func:`save_knowledge` (or ``rca learn``).

    Only JSON is parsed; every field is validated.

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    CausalGraph
        Its ``params`` gain ``"knowledge"``: the file's provenance object.

    Raises
    ------
    ModelFileError
        The file cannot be read, is not JSON, or is not a causal graph; the
        message names the file and what is wrong.

    Examples
    --------
    >>> import tempfile, os
    >>> g = CausalGraph(nodes=("LOS", "LINK_DOWN"), edges=[{"cause": "LOS", "effect": "LINK_DOWN"}])
    >>> f = os.path.join(tempfile.mkdtemp(), "knowledge.json")
    >>> load_knowledge(save_knowledge(g, f, source="demo")).edge_set()
    {('LOS', 'LINK_DOWN')}
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ModelFileError(f"{path}: cannot read the knowledge file ({exc})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ModelFileError(
            f"{path}: not JSON ({exc.msg} at line {exc.lineno}); expected a knowledge file "
            "written by `rca learn`"
        ) from None
    if not isinstance(data, Mapping) or "nodes" not in data:
        raise ModelFileError(
            f"{path}: not a knowledge file (expected a JSON object with 'nodes' and 'edges', "
            "as written by `rca learn`)"
        )
    graph = CausalGraph.from_dict(data, file=path)
    meta = data.get(KNOWLEDGE_KEY, {})
    if not isinstance(meta, Mapping):
        raise ModelFileError(
            f"{path}: {KNOWLEDGE_KEY!r} must be an object, found {type(meta).__name__}"
        )
    if len(graph) == 0:
        logger.warning("%s: the knowledge holds no causal edge; it will add no chain", path)
    return replace(graph, params={**graph.params, KNOWLEDGE_KEY: dict(meta)})
