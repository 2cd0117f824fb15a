"""Alarm series: event sequences, binned counts and topology-local neighbourhoods.

Every discovery method starts from an :class:`EventSequences`, built from an
:class:`rca.alarms.AlarmLog` (or a frame with the same ``time``, ``device``
and ``alarm_type`` columns) and, where there is one, a topology.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Union

import networkx as nx
import numpy as np
import pandas as pd
import scipy.sparse as sp

from rca.errors import InputError, SchemaError

if TYPE_CHECKING:
    from rca.alarms import AlarmLog
    from rca.topology import Topology

#: What the causal methods accept as alarms: an AlarmLog, a DataFrame with
#: ``time, device, alarm_type`` columns, or already coded EventSequences.
AlarmsLike = Union["AlarmLog", pd.DataFrame, "EventSequences"]
#: What they accept as a topology: a Topology, a networkx graph, a 0/1
#: adjacency DataFrame, or None (every device may influence every other).
TopologyLike = Union["Topology", nx.Graph, pd.DataFrame, None]

__all__ = ["EventSequences", "event_sequences", "binned_counts", "hop_matrices", "local_pairs"]

_REQUIRED = ("time", "device", "alarm_type")


def _frame_of(alarms: Any) -> pd.DataFrame:
    frame = getattr(alarms, "frame", alarms)
    if not isinstance(frame, pd.DataFrame):
        raise InputError(
            f"expected an AlarmLog or a DataFrame of alarms, found {type(alarms).__name__}"
        )
    missing = [c for c in _REQUIRED if c not in frame.columns]
    if missing:
        raise SchemaError(
            f"alarms need columns {list(_REQUIRED)}; missing {missing}", column=missing[0]
        )
    return frame


def _topology_graph(topology: Any) -> nx.Graph | None:
    """A simple undirected device graph from a Topology, a networkx graph or a 0/1 adjacency frame."""
    if topology is None:
        return None
    if isinstance(topology, nx.Graph):
        graph = nx.Graph()
        graph.add_nodes_from(str(n) for n in topology.nodes)
        graph.add_edges_from((str(a), str(b)) for a, b in topology.edges() if a != b)
        return graph
    if isinstance(topology, pd.DataFrame):
        labels = [str(x) for x in topology.index]
        mat = topology.to_numpy() != 0
        graph = nx.Graph()
        graph.add_nodes_from(labels)
        ii, jj = np.nonzero(np.triu(mat | mat.T, 1))
        graph.add_edges_from((labels[i], labels[j]) for i, j in zip(ii, jj))
        return graph
    links = getattr(topology, "links", None)
    node_ids = getattr(topology, "node_ids", None)
    if links is None or node_ids is None:
        raise InputError(
            f"expected a Topology, a networkx graph or an adjacency frame, found {type(topology).__name__}"
        )
    graph = nx.Graph()
    graph.add_nodes_from(str(n) for n in node_ids)
    graph.add_edges_from(
        (str(a), str(b)) for a, b in zip(links["source"], links["target"]) if a != b
    )
    return graph


@dataclass(frozen=True)
class EventSequences:
    """Alarm events coded as integers, sorted by time.

    Attributes
    ----------
    types : tuple of str
        Alarm type names; ``type_code[i]`` indexes it.
    devices : tuple of str
        Device names; ``device_code[i]`` indexes it.
    time : numpy.ndarray
        float64 event times in seconds, non-decreasing.
    type_code, device_code : numpy.ndarray
        int64 codes of each event.
    graph : networkx.Graph or None
        Undirected device graph (over ``devices``); ``None`` when there is no topology.
    """

    types: tuple[str, ...]
    devices: tuple[str, ...]
    time: np.ndarray
    type_code: np.ndarray
    device_code: np.ndarray
    graph: nx.Graph | None = None

    @property
    def n_events(self) -> int:
        return int(self.time.size)

    @property
    def n_types(self) -> int:
        return len(self.types)

    @property
    def n_devices(self) -> int:
        return len(self.devices)

    @property
    def span(self) -> float:
        """Observation length in seconds (at least 1)."""
        return float(max(1.0, self.time[-1] - self.time[0])) if self.time.size else 1.0

    def counts(self) -> np.ndarray:
        """Events per alarm type."""
        return np.bincount(self.type_code, minlength=self.n_types)

    def to_frame(self) -> pd.DataFrame:
        """The events as ``time, device, alarm_type``."""
        return pd.DataFrame(
            {
                "time": self.time,
                "device": np.asarray(self.devices, dtype=object)[self.device_code],
                "alarm_type": np.asarray(self.types, dtype=object)[self.type_code],
            }
        )


def event_sequences(
    alarms: AlarmsLike, topology: TopologyLike = None, *, types: Sequence[str] | None = None
) -> EventSequences:
    """Code an alarm log as integer event sequences per (device, alarm type).

    Parameters
    ----------
    alarms : AlarmLog or pandas.DataFrame
        Needs ``time`` (seconds), ``device`` and ``alarm_type``.
    topology : Topology, networkx.Graph or adjacency DataFrame, optional
        The device graph; devices that only the topology knows are kept (they
        still relay propagation over several hops).
    types : sequence of str, optional
        The alarm types to keep, in this order (default: every type, sorted
        naturally, numeric names by value).

    Returns
    -------
    EventSequences

    Examples
    --------
    >>> import pandas as pd
    >>> ev = event_sequences(pd.DataFrame({"time": [5.0, 1.0], "device": ["a", "b"],
    ...                                    "alarm_type": ["LOS", "LINK_DOWN"]}))
    >>> ev.types, ev.time.tolist()
    (('LINK_DOWN', 'LOS'), [1.0, 5.0])
    """
    frame = _frame_of(alarms)
    time = pd.to_numeric(frame["time"], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    bad = ~np.isfinite(time)
    if bad.any():
        pos = int(np.argmax(bad))
        line = frame["line"].iloc[pos] if "line" in frame.columns else None
        raise InputError(
            f"alarm time must be a finite number, found {frame['time'].iloc[pos]!r}",
            line=None if line is None or pd.isna(line) else int(line),
            column="time",
        )
    device = frame["device"].astype(str).to_numpy(dtype=object)
    atype = frame["alarm_type"].astype(str).to_numpy(dtype=object)
    if types is None:
        names = sorted(set(atype), key=_natural_key)
    else:
        names = [str(t) for t in types]
        keep = np.isin(atype, names)
        time, device, atype = time[keep], device[keep], atype[keep]
    graph = _topology_graph(topology)
    dev_names = sorted(
        set(device) | (set(graph.nodes) if graph is not None else set()), key=_natural_key
    )
    type_index = {n: i for i, n in enumerate(names)}
    dev_index = {n: i for i, n in enumerate(dev_names)}
    order = np.argsort(time, kind="stable")
    return EventSequences(
        types=tuple(names),
        devices=tuple(dev_names),
        time=time[order],
        type_code=np.fromiter(
            (type_index[a] for a in atype[order]), dtype=np.int64, count=order.size
        ),
        device_code=np.fromiter(
            (dev_index[d] for d in device[order]), dtype=np.int64, count=order.size
        ),
        graph=graph,
    )


def _natural_key(name: str) -> tuple[int, float, str]:
    try:
        return (0, float(name), name)
    except ValueError:
        return (1, 0.0, name)


def hop_matrices(events: EventSequences, max_hop: int) -> list[sp.csr_matrix]:
    """Device adjacency at exactly k hops, for k = 0 .. max_hop.

    Element ``[k]`` is a sparse 0/1 matrix whose ``[u, v] = 1`` when the
    shortest path from ``u`` to ``v`` has ``k`` links (``k = 0``: the
    identity). Without a topology only ``k = 0`` is returned.
    """
    n = events.n_devices
    mats = [sp.identity(n, dtype=np.int8, format="csr")]
    if events.graph is None or max_hop <= 0:
        return mats
    index = {d: i for i, d in enumerate(events.devices)}
    rows, cols = [], []
    for a, b in events.graph.edges():
        rows += [index[a], index[b]]
        cols += [index[b], index[a]]
    adj = sp.csr_matrix((np.ones(len(rows), dtype=np.int32), (rows, cols)), shape=(n, n))
    adj.data[:] = 1
    reached = sp.identity(n, dtype=np.int32, format="csr")
    frontier = reached
    for _ in range(max_hop):
        nxt = (frontier @ adj).tocsr()
        nxt.data[:] = 1
        new = (nxt - nxt.multiply(reached)).tocsr()
        new.eliminate_zeros()
        if new.nnz == 0:
            break
        mats.append(new.astype(np.int8))
        reached = (reached + new).tocsr()
        frontier = new
    return mats


def local_pairs(
    events: EventSequences, window: float, max_hop: int = 0, *, include_simultaneous: bool = False
) -> pd.DataFrame:
    """Pairs of events close in time and in the topology.

    Every pair (cause event ``i``, effect event ``j``) with
    ``0 < t_j - t_i <= window`` (``0 <=`` with ``include_simultaneous``,
    ``i != j``) whose devices are within ``max_hop`` hops.

    Returns
    -------
    pandas.DataFrame
        Columns ``cause`` and ``effect`` (event positions in ``events``),
        ``dt`` (seconds) and ``hop``.
    """
    if window < 0:
        raise InputError(f"window must be non-negative, found {window}")
    mats = hop_matrices(events, max_hop)
    t, dev = events.time, events.device_code
    by_dev = [np.flatnonzero(dev == d) for d in range(events.n_devices)]
    out_c, out_e, out_h = [], [], []
    for hop, mat in enumerate(mats):
        mat = mat.tocsr()
        for d in range(events.n_devices):
            tgt = by_dev[d]
            if tgt.size == 0:
                continue
            nbrs = mat.indices[mat.indptr[d] : mat.indptr[d + 1]]
            if nbrs.size == 0:
                continue
            src = np.concatenate([by_dev[x] for x in nbrs])
            if src.size == 0:
                continue
            src = np.sort(src)  # positions are time-sorted
            ts = t[src]
            hi = np.searchsorted(ts, t[tgt], side="right" if include_simultaneous else "left")
            lo = np.searchsorted(ts, t[tgt] - window, side="left")
            n = hi - lo
            if n.sum() == 0:
                continue
            eff = np.repeat(tgt, n)
            starts = np.repeat(lo - np.cumsum(n) + n, n) + np.arange(n.sum())
            cause = src[starts]
            keep = cause != eff
            out_c.append(cause[keep])
            out_e.append(eff[keep])
            out_h.append(np.full(int(keep.sum()), hop, dtype=np.int64))
    if not out_c:
        return pd.DataFrame({"cause": [], "effect": [], "dt": [], "hop": []}).astype(
            {"cause": "int64", "effect": "int64", "dt": "float64", "hop": "int64"}
        )
    cause, effect = np.concatenate(out_c), np.concatenate(out_e)
    return pd.DataFrame(
        {"cause": cause, "effect": effect, "dt": t[effect] - t[cause], "hop": np.concatenate(out_h)}
    )


def binned_counts(
    alarms: AlarmsLike,
    resolution: float,
    *,
    by_device: bool = False,
    types: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Alarm counts per time bin.

    Parameters
    ----------
    alarms : AlarmLog, DataFrame or EventSequences
    resolution : float
        Bin width in seconds.
    by_device : bool
        If true, one block of bins per device stacked on top of each other
        (index ``(device, bin_start)``), so that only same-device alarms count
        as co-occurring; else the whole network per bin.
    types : sequence of str, optional
        Alarm types to keep (columns), in order.

    Returns
    -------
    pandas.DataFrame
        One column per alarm type, one row per bin, int64 counts; bins with no
        alarm at all are kept (they are evidence of independence).
    """
    if resolution <= 0:
        raise InputError(f"resolution must be positive, found {resolution}")
    ev = alarms if isinstance(alarms, EventSequences) else event_sequences(alarms, types=types)
    if ev.n_events == 0:
        return pd.DataFrame(columns=list(ev.types), dtype="int64")
    t0 = ev.time[0]
    b = np.floor((ev.time - t0) / resolution).astype(np.int64)
    nb = int(b.max()) + 1
    if by_device:
        devs = np.unique(ev.device_code)
        pos = np.searchsorted(devs, ev.device_code)
        mat = np.zeros((devs.size * nb, ev.n_types), dtype=np.int64)
        np.add.at(mat, (pos * nb + b, ev.type_code), 1)
        index = pd.MultiIndex.from_product(
            [np.asarray(ev.devices, dtype=object)[devs], t0 + resolution * np.arange(nb)],
            names=["device", "bin_start"],
        )
    else:
        mat = np.zeros((nb, ev.n_types), dtype=np.int64)
        np.add.at(mat, (b, ev.type_code), 1)
        index = pd.Index(t0 + resolution * np.arange(nb), name="bin_start")
    return pd.DataFrame(mat, index=index, columns=list(ev.types))
