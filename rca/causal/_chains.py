"""Root-cause chains: a learned alarm-type graph instantiated on an incident.

A learned :class:`CausalGraph` says which alarm *types* cause which (``LOS ->
LINK_DOWN``). On one incident, a root-cause chain is a sequence of observed
alarms ``e0 -> e1 -> ... -> en`` where

* ``e0`` is a *root alarm* of the candidate: raised by the candidate element
  (any element of a candidate site), or about one of its links (the port
  facing it: the ``link_id`` of the alarm is a link of the candidate); for a
  link candidate, an alarm about that link or a node-level alarm (no
  ``link_id``) on one of its two ends;
* each step follows a learned edge ``type(e_i) -> type(e_i+1)``;
* consecutive alarms are raised by the same device or by devices at most
  ``max_hops`` physical links apart;
* each step goes forward in time: ``-tolerance_s <= t(e_i+1) - t(e_i) <=
  max_delay_s`` (the tolerance absorbs clock skew between devices).

Every step is an alarm observed in the incident (clears left out). The chain
reported for a candidate is its longest one (then the one with the largest
summed edge weight, then the earliest).

Evidence format (:meth:`RootCauseChain.to_evidence`): ``path`` is the
candidate, then one ``"DEVICE:ALARM_TYPE"`` per step, e.g. ``("R1", "R1:LOS",
"R2:LINK_DOWN", "R3:OSPF_NBR_DOWN")``; ``why`` names the alarm-type chain with
the time of the root alarm and each step's delay after it; ``alarms`` are the
steps; ``source`` is ``"causal"``.
"""

from __future__ import annotations

import dataclasses
import logging
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import breadth_first_order

from rca._text import plural
from rca.errors import InputError
from rca.result import Evidence, EvidenceAlarm, RCAResult
from rca.vocabulary import clear_rows

from ._result import CausalGraph

if TYPE_CHECKING:  # pragma: no cover
    from rca.incident import Incident

__all__ = [
    "RootCauseChain",
    "ChainFinder",
    "root_cause_chains",
    "add_chains",
    "order_ties_by_chains",
]

logger = logging.getLogger(__name__)

#: defaults shared by :func:`root_cause_chains`, :func:`add_chains` and :class:`ChainFinder`
MAX_HOPS = 1
TOLERANCE_S = 5.0
MAX_DELAY_S = 600.0


@dataclass(frozen=True)
class RootCauseChain:
    """A chain of observed alarms from a candidate root along learned causal edges.

    Attributes
    ----------
    entity : str
        The candidate (node, link or site id) the chain starts from.
    steps : tuple of EvidenceAlarm
        The alarms, root alarm first (at least two).
    weights : tuple of float
        The learned weight of each edge ``steps[i] -> steps[i + 1]``.
    reach : int
        Observed alarms reachable from the root alarm along learned edges
        (the chain's alarms included): how much of the incident it explains.

    Examples
    --------
    >>> from rca.result import EvidenceAlarm
    >>> c = RootCauseChain("R1", (EvidenceAlarm("R1", "LOS", 0.0), EvidenceAlarm("R2", "LINK_DOWN", 2.0)), (4.2,), 2)
    >>> c.path
    ('R1', 'R1:LOS', 'R2:LINK_DOWN')
    >>> c.alarm_types
    ('LOS', 'LINK_DOWN')
    """

    entity: str
    steps: tuple[EvidenceAlarm, ...]
    weights: tuple[float, ...]
    reach: int

    def __len__(self) -> int:
        return len(self.steps)

    @property
    def alarm_types(self) -> tuple[str, ...]:
        """The alarm-type steps, root first."""
        return tuple(s.alarm_type for s in self.steps)

    @property
    def path(self) -> tuple[str, ...]:
        """The candidate, then ``"DEVICE:ALARM_TYPE"`` per step."""
        return (self.entity,) + tuple(f"{s.device}:{s.alarm_type}" for s in self.steps)

    @property
    def why(self) -> str:
        """One line: the alarm-type chain on its devices, with timing and edge weights."""
        root = self.steps[0]
        clock = pd.Timestamp(root.time, unit="s", tz="UTC").strftime("%H:%M:%S")
        parts = [f"{root.alarm_type} on {root.device} at {clock}"]
        parts += [
            f"{s.alarm_type} on {s.device} ({_delay(s.time - root.time)})" for s in self.steps[1:]
        ]
        weights = ", ".join(f"{w:.3g}" for w in self.weights)
        return (
            f"causal chain {' -> '.join(parts)}; learned edge weights {weights}; "
            f"{plural(self.reach, 'alarm')} reachable along learned edges"
        )

    def to_evidence(self) -> Evidence:
        """The chain as an :class:`rca.result.Evidence` with ``source="causal"``."""
        return Evidence(path=self.path, why=self.why, alarms=self.steps, source="causal")


def _delay(seconds: float) -> str:
    sign = "+" if seconds >= 0 else "-"
    s = abs(seconds)
    return f"{sign}{s:.1f} s" if s < 10 else f"{sign}{s:.0f} s"


class ChainFinder:
    """Root-cause chains of any candidate of one incident, under one learned graph.

    Building indexes the incident once (alarm events, the event-level graph
    of learned edges between nearby alarms, the longest chain from every
    alarm); :meth:`chains` then answers per candidate in a few array lookups.

    Parameters
    ----------
    incident : Incident
    graph : CausalGraph
        Learned alarm-type graph. A cycle is broken by dropping its weakest
        edges (a chain never repeats an alarm type).
    max_hops : int, default 1
        Most physical links between the devices of consecutive steps
        (0: every step on one device).
    tolerance_s : float, default 5.0
        How far an effect may be stamped *before* its cause (clock skew).
    max_delay_s : float, default 600.0
        Longest delay from a cause alarm to its effect.

    Examples
    --------
    >>> import pandas as pd
    >>> from rca import AlarmLog, Incident, Topology
    >>> topo = Topology.from_frames(pd.DataFrame({"node_id": ["R1", "R2"]}),
    ...                             pd.DataFrame({"source": ["R1"], "target": ["R2"]}))
    >>> inc = Incident(topo, AlarmLog.from_frame(pd.DataFrame(
    ...     {"timestamp": [0, 2], "device": ["R1", "R2"], "alarm_type": ["LOS", "LINK_DOWN"]})))
    >>> g = CausalGraph(("LOS", "LINK_DOWN"), [{"cause": "LOS", "effect": "LINK_DOWN", "weight": 3.0}])
    >>> ChainFinder(inc, g).chains("R1")[0].path
    ('R1', 'R1:LOS', 'R2:LINK_DOWN')
    """

    def __init__(
        self,
        incident: Incident,
        graph: CausalGraph,
        *,
        max_hops: int = MAX_HOPS,
        tolerance_s: float = TOLERANCE_S,
        max_delay_s: float = MAX_DELAY_S,
    ) -> None:
        if not isinstance(graph, CausalGraph):
            raise InputError(
                f"knowledge must be a CausalGraph (rca.causal.load_knowledge), found "
                f"{type(graph).__name__}"
            )
        for name, value in (
            ("max_hops", max_hops),
            ("tolerance_s", tolerance_s),
            ("max_delay_s", max_delay_s),
        ):
            if not value >= 0:
                raise InputError(f"{name} must be non-negative, found {value}")
        self.topology = incident.topology
        self.graph = graph
        self.max_hops = int(max_hops)
        self.tolerance_s = float(tolerance_s)
        self.max_delay_s = float(max_delay_s)
        self._events(incident.alarms.frame, graph)
        self._event_edges(graph)
        self._longest_chains()

    # -- building -----------------------------------------------------------
    def _events(self, frame: pd.DataFrame, graph: CausalGraph) -> None:
        known = set(graph.nodes)
        keep = frame["alarm_type"].astype(str).isin(known).to_numpy(
            dtype=bool, copy=True
        ) & ~clear_rows(frame)
        ev = frame.loc[keep]
        ev = ev.iloc[np.argsort(ev["time"].to_numpy(dtype="float64"), kind="stable")]
        self.time = ev["time"].to_numpy(dtype="float64", copy=True)
        self.device = ev["device"].astype(str).to_numpy(dtype=object)
        self.alarm_type = ev["alarm_type"].astype(str).to_numpy(dtype=object)
        links = ev["link_id"] if "link_id" in ev.columns else pd.Series([None] * len(ev))
        self.link_id = np.asarray([None if pd.isna(x) else str(x) for x in links], dtype=object)
        self._no_link = np.fromiter(
            (x is None for x in self.link_id), dtype=bool, count=len(self.link_id)
        )
        self._link_codes, self._link_code = np.unique(
            np.where(self._no_link, "", self.link_id).astype(str), return_inverse=True
        )
        self.type_names = list(graph.nodes)
        type_pos = {t: i for i, t in enumerate(self.type_names)}
        self.type_code = np.fromiter(
            (type_pos[t] for t in self.alarm_type), dtype=np.int64, count=len(ev)
        )
        self.devices, self.device_code = (
            np.unique(self.device, return_inverse=True)
            if len(ev)
            else (np.zeros(0, dtype=object), np.zeros(0, dtype=np.int64))
        )

    def _near(self) -> sp.csr_matrix:
        """Sparse 0/1 ``[u, v]``: alarming devices ``u`` and ``v`` are at most ``max_hops`` physical links apart."""
        n = len(self.devices)
        eye = sp.identity(n, dtype=np.int8, format="csr")
        topo = self.topology
        if self.max_hops == 0 or n == 0:
            return eye
        ids = topo.node_ids
        pos = {d: i for i, d in enumerate(ids)}
        links = topo.links
        phys = (
            links[~links["directed"].to_numpy(dtype=bool)] if "directed" in links.columns else links
        )
        a = np.fromiter((pos[x] for x in phys["source"]), dtype=np.int64, count=len(phys))
        b = np.fromiter((pos[x] for x in phys["target"]), dtype=np.int64, count=len(phys))
        adj = sp.csr_matrix(
            (np.ones(2 * a.size, dtype=np.int8), (np.r_[a, b], np.r_[b, a])), shape=(len(ids),) * 2
        )
        known = np.fromiter((d in pos for d in self.devices), dtype=bool, count=n)
        rows = np.fromiter((pos.get(d, 0) for d in self.devices), dtype=np.int64, count=n)[known]
        # (alarming devices) x (all elements), grown one hop at a time
        reach = sp.csr_matrix(
            (np.ones(rows.size, dtype=np.int8), (np.arange(rows.size), rows)),
            shape=(rows.size, len(ids)),
        )
        for _ in range(self.max_hops):
            reach = ((reach + reach @ adj) > 0).astype(np.int8)
        sub = reach[:, rows].tocoo()
        kept = np.flatnonzero(known)
        near = sp.csr_matrix(
            (np.ones(sub.nnz, dtype=np.int8), (kept[sub.row], kept[sub.col])), shape=(n, n)
        )
        return ((near + eye) > 0).tocsr()

    def _event_edges(self, graph: CausalGraph) -> None:
        n = len(self.time)
        kept = _acyclic(graph)
        near = self._near()
        if near.shape[0] <= 4096:  # a dense lookup is faster, and small at this size
            near = near.toarray()
        by_type = [np.flatnonzero(self.type_code == k) for k in range(len(self.type_names))]
        type_pos = {t: i for i, t in enumerate(self.type_names)}
        src, dst, wgt = [], [], []
        for cause, effect, weight in kept:
            ia, ib = by_type[type_pos[cause]], by_type[type_pos[effect]]
            if ia.size == 0 or ib.size == 0:
                continue
            # effects within [-tolerance, max_delay] of each cause (both index lists are time-sorted)
            tb = self.time[ib]
            lo = np.searchsorted(tb, self.time[ia] - self.tolerance_s, side="left")
            hi = np.searchsorted(tb, self.time[ia] + self.max_delay_s, side="right")
            count = hi - lo
            if count.sum() == 0:
                continue
            s = np.repeat(ia, count)
            d = ib[np.repeat(lo - np.cumsum(count) + count, count) + np.arange(count.sum())]
            ok = np.asarray(near[self.device_code[s], self.device_code[d]]).ravel() > 0
            src.append(s[ok])
            dst.append(d[ok])
            wgt.append(np.full(int(ok.sum()), weight))
        self.edge_src = np.concatenate(src) if src else np.zeros(0, dtype=np.int64)
        self.edge_dst = np.concatenate(dst) if dst else np.zeros(0, dtype=np.int64)
        self.edge_weight = np.concatenate(wgt) if wgt else np.zeros(0)
        self.adjacency = sp.csr_matrix(
            (np.ones(self.edge_src.size), (self.edge_src, self.edge_dst)), shape=(n, n)
        )
        self._order = _topological_types(self.type_names, kept)

    def _longest_chains(self) -> None:
        """For every alarm: steps and summed weight of the longest chain from it, and its next step."""
        n = len(self.time)
        self.chain_len = np.ones(n, dtype=np.int64)
        self.chain_weight = np.zeros(n)
        self.next_step = np.full(n, -1, dtype=np.int64)
        src_type = self.type_code[self.edge_src]
        for t in reversed(self._order):  # effects before their causes
            sel = np.flatnonzero(src_type == t)
            if sel.size == 0:
                continue
            s, d = self.edge_src[sel], self.edge_dst[sel]
            length = self.chain_len[d] + 1
            weight = self.chain_weight[d] + self.edge_weight[sel]
            # per source: the longest, then heaviest, then earliest next step
            order = np.lexsort((self.time[d], -weight, -length, s))
            first = np.ones(order.size, dtype=bool)
            first[1:] = s[order][1:] != s[order][:-1]
            best = order[first]
            self.chain_len[s[best]] = length[best]
            self.chain_weight[s[best]] = weight[best]
            self.next_step[s[best]] = d[best]

    # -- queries ------------------------------------------------------------
    def root_alarms(self, entity: str, kind: str | None = None) -> np.ndarray:
        """Positions of the alarms that can start a chain of ``entity`` (see the module docs)."""
        topo = self.topology
        kind = kind or topo.kind_of(entity)
        if kind == "link":
            ends = list(topo.link_endpoints(entity)) if topo.has_link(entity) else []
            own = np.isin(self._link_code, self._codes(self._link_codes, [entity]))
            node_level = np.isin(self.device_code, self._codes(self.devices, ends)) & self._no_link
            return np.flatnonzero(own | node_level)
        members = topo.sites.get(entity, []) if kind == "site" else [entity]
        members = [m for m in members if m in topo]
        links = [lid for m in members for lid in topo.incident_links(m)]
        mask = np.isin(self.device_code, self._codes(self.devices, members))
        mask |= np.isin(self._link_code, self._codes(self._link_codes, links)) & ~self._no_link
        return np.flatnonzero(mask)

    @staticmethod
    def _codes(names: np.ndarray, wanted: list[str]) -> np.ndarray:
        """Positions of ``wanted`` in the sorted unique ``names`` (absent ones left out)."""
        if not wanted or names.size == 0:
            return np.zeros(0, dtype=np.int64)
        w = np.asarray(wanted, dtype=object)
        at = np.minimum(np.searchsorted(names, w), names.size - 1)
        return at[names[at] == w]

    def chains(
        self,
        entity: str,
        kind: str | None = None,
        *,
        during: tuple[float, float] | None = None,
        window_s: float = 0.0,
        max_chains: int = 3,
    ) -> list[RootCauseChain]:
        """The best chains from ``entity``'s root alarms, best first.

        Parameters
        ----------
        entity : str
            A node, link or site id of the incident's topology.
        kind : {"node", "link", "site"}, optional
            Default: what the topology says ``entity`` is.
        during : (float, float), optional
            Keep only root alarms from ``during[0] - window_s`` to
            ``during[1] + window_s`` (default: any time).
        window_s : float, default 0
        max_chains : int, default 3
            At most this many chains, with distinct alarm-type sequences.
        """
        starts = self.root_alarms(entity, kind)
        if during is not None:
            t = self.time[starts]
            starts = starts[(t >= during[0] - window_s) & (t <= during[1] + window_s)]
        starts = starts[self.chain_len[starts] >= 2]
        if starts.size == 0:
            return []
        order = np.lexsort((self.time[starts], -self.chain_weight[starts], -self.chain_len[starts]))
        out: list[RootCauseChain] = []
        seen: set[tuple[str, ...]] = set()
        for i in starts[order]:
            steps = self._walk(int(i))
            types = tuple(self.alarm_type[steps])
            if types in seen:
                continue
            seen.add(types)
            out.append(self._chain(entity, int(i), steps))
            if len(out) >= max_chains:
                break
        return out

    def _walk(self, i: int) -> np.ndarray:
        steps = [i]
        while self.next_step[steps[-1]] >= 0:
            steps.append(int(self.next_step[steps[-1]]))
        return np.asarray(steps)

    def _chain(self, entity: str, root: int, steps: np.ndarray) -> RootCauseChain:
        alarms = tuple(
            EvidenceAlarm(
                device=self.device[k],
                alarm_type=self.alarm_type[k],
                time=float(self.time[k]),
                link_id=self.link_id[k],
            )
            for k in steps
        )
        weights = tuple(self._edge_weight(int(a), int(b)) for a, b in zip(steps[:-1], steps[1:]))
        reach = breadth_first_order(
            self.adjacency, root, directed=True, return_predecessors=False
        ).size
        return RootCauseChain(entity=entity, steps=alarms, weights=weights, reach=int(reach))

    def _edge_weight(self, a: int, b: int) -> float:
        hit = np.flatnonzero((self.edge_src == a) & (self.edge_dst == b))
        return float(self.edge_weight[hit[0]]) if hit.size else math.nan

    @property
    def n_alarms(self) -> int:
        """Alarms of the incident whose type the graph knows (clears left out)."""
        return int(self.time.size)


def _acyclic(graph: CausalGraph) -> list[tuple[str, str, float]]:
    """The graph's edges strongest first, skipping any that would close a directed cycle."""
    import networkx as nx

    dag = nx.DiGraph()
    kept = []
    for cause, effect, weight in zip(
        graph.edges["cause"], graph.edges["effect"], graph.edges["weight"]
    ):
        w = float(weight) if np.isfinite(weight) else 0.0
        if dag.has_node(effect) and dag.has_node(cause) and nx.has_path(dag, effect, cause):
            continue
        dag.add_edge(cause, effect)
        kept.append((cause, effect, w))
    return kept


def _topological_types(types: list[str], edges: Iterable[tuple[str, str, float]]) -> list[int]:
    import networkx as nx

    pos = {t: i for i, t in enumerate(types)}
    dag = nx.DiGraph()
    dag.add_nodes_from(range(len(types)))
    dag.add_edges_from((pos[c], pos[e]) for c, e, _ in edges)
    return list(nx.topological_sort(dag))


def root_cause_chains(
    incident: Incident,
    graph: CausalGraph,
    root_entity: str,
    *,
    kind: str | None = None,
    max_hops: int = MAX_HOPS,
    tolerance_s: float = TOLERANCE_S,
    max_delay_s: float = MAX_DELAY_S,
    max_chains: int = 3,
) -> list[RootCauseChain]:
    """The root-cause chains from one candidate root to the incident's symptoms.

    Parameters
    ----------
    incident : Incident
    graph : CausalGraph
        A learned alarm-type graph (``rca learn``, :func:`load_knowledge`).
    root_entity : str
        A node, link or site id of the incident's topology.
    kind : {"node", "link", "site"}, optional
        Default: what the topology says ``root_entity`` is.
    max_hops, tolerance_s, max_delay_s
        See :class:`ChainFinder`.
    max_chains : int, default 3
        At most this many chains (distinct alarm-type sequences), best first.

    Returns
    -------
    list of RootCauseChain
        Empty when no learned edge links two observed alarms from this root.

    Examples
    --------
    >>> import pandas as pd
    >>> from rca import AlarmLog, Incident, Topology
    >>> topo = Topology.from_frames(pd.DataFrame({"node_id": ["R1", "R2"]}),
    ...                             pd.DataFrame({"source": ["R1"], "target": ["R2"]}))
    >>> inc = Incident(topo, AlarmLog.from_frame(pd.DataFrame(
    ...     {"timestamp": [0, 2], "device": ["R1", "R2"], "alarm_type": ["LOS", "LINK_DOWN"]})))
    >>> g = CausalGraph(("LOS", "LINK_DOWN"), [{"cause": "LOS", "effect": "LINK_DOWN", "weight": 3.0}])
    >>> [c.alarm_types for c in root_cause_chains(inc, g, "R1")]
    [('LOS', 'LINK_DOWN')]
    """
    finder = ChainFinder(
        incident, graph, max_hops=max_hops, tolerance_s=tolerance_s, max_delay_s=max_delay_s
    )
    return finder.chains(root_entity, kind, max_chains=max_chains)


def add_chains(
    result: RCAResult,
    incident: Incident,
    graph: CausalGraph,
    *,
    max_hops: int = MAX_HOPS,
    tolerance_s: float = TOLERANCE_S,
    max_delay_s: float = MAX_DELAY_S,
    chains_per_candidate: int = 1,
) -> RCAResult:
    """Add each candidate's root-cause chains to its evidence.

    The ranking is unchanged (:func:`order_ties_by_chains` then orders ties,
    as :func:`rca.analyze` does with ``knowledge``). A candidate with a chain
    gains, right after its first evidence path, up to ``chains_per_candidate``
    items ``Evidence(source="causal")`` and a score ``scores["causal"]``: the share
    of the incident's alarms (of types the graph knows) reachable along
    learned edges from its root alarm. Root alarms are taken near the
    candidate's own evidence: from ``max_delay_s`` before its first cited
    alarm to ``max_delay_s`` after its last, when it cites any.

    Parameters
    ----------
    result : RCAResult
        From :func:`rca.analyze` (any method).
    incident : Incident
        The incident the result is about.
    graph : CausalGraph
        A learned alarm-type graph.
    max_hops, tolerance_s, max_delay_s
        See :class:`ChainFinder`.
    chains_per_candidate : int, default 1

    Returns
    -------
    RCAResult
        A new result; ``result`` is not changed.
    """
    finder = ChainFinder(
        incident, graph, max_hops=max_hops, tolerance_s=tolerance_s, max_delay_s=max_delay_s
    )
    candidates = []
    n_chains = 0
    for cand in result.candidates:
        cited = [a.time for e in cand.evidence for a in e.alarms]
        during = (min(cited), max(cited)) if cited else None
        try:
            chains = finder.chains(
                cand.entity,
                cand.kind,
                during=during,
                window_s=max_delay_s,
                max_chains=chains_per_candidate,
            )
        except InputError:  # an entity the topology does not know: no chain, not an error
            chains = []
        if not chains:
            candidates.append(cand)
            continue
        n_chains += 1
        evidence = list(cand.evidence)
        evidence[1:1] = [c.to_evidence() for c in chains]
        share = max(c.reach for c in chains) / max(finder.n_alarms, 1)
        candidates.append(
            dataclasses.replace(
                cand, evidence=tuple(evidence), scores={**cand.scores, "causal": share}
            )
        )
    logger.debug("add_chains: %d of %d candidates have a chain", n_chains, len(candidates))
    notes = result.notes
    if candidates and not n_chains:
        notes += (
            f"causal knowledge ({plural(len(graph), 'learned edge')}) gave no root-cause chain: "
            f"{finder.n_alarms} of {plural(result.n_alarms, 'alarm') if result.n_alarms else 'the alarms'} "
            f"{'has' if finder.n_alarms == 1 else 'have'} an alarm type it knows",
        )
    return dataclasses.replace(result, candidates=tuple(candidates), notes=notes)


def order_ties_by_chains(result: RCAResult) -> RCAResult:
    """Candidates the ranker scores equally, ordered by their chain support.

    Within each run of consecutive candidates with the same score (a leaf and
    its only link, a cut and the ports at its two ends, the near-equivalents
    a ranker lists behind a root), the one whose learned root-cause chain
    reaches more of the incident's alarms (``scores["causal"]`` from
    :func:`add_chains`) comes first. Candidates with different scores keep
    their order, so the ranker's decisions (a fused ranking's lead rule
    included) stand. On held-out twin incidents this moved the true root into
    the top 3 more often and never out of first place
    (``benchmarks/causal_chains.py``).

    Parameters
    ----------
    result : RCAResult
        A result whose candidates went through :func:`add_chains`.

    Returns
    -------
    RCAResult
        A new result, ranks renumbered.
    """

    def by_support(run: list) -> list:
        return sorted(run, key=lambda c: -c.scores.get("causal", 0.0))

    ordered: list = []
    run: list = []
    for cand in result.candidates:
        if run and round(cand.score, 9) != round(run[0].score, 9):
            ordered += by_support(run)
            run = []
        run.append(cand)
    ordered += by_support(run)
    return dataclasses.replace(
        result,
        candidates=tuple(dataclasses.replace(c, rank=i) for i, c in enumerate(ordered, start=1)),
    )
