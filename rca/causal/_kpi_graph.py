"""The causal graph of an incident's KPIs, derived from the topology.

Traffic flows between the edge of the network and its core, so a fault
upstream (nearer the core) changes what everything behind it measures: a
congested link delays every base station whose traffic crosses it, an
overloaded router delays the flows it forwards. The graph encodes exactly
that, and nothing learned:

1. **Traffic sinks**: the elements of the innermost layer
   (:attr:`rca.topology.Topology.layer_rank` 0) when the topology has layers,
   otherwise the gateways.
2. **Upstream**: a breadth-first search from all sinks at once gives each
   element its depth; the *upstream* entities of an element are the links
   and elements on any of its shortest paths to a sink. A link's upstream is
   its nearer end and that end's upstream; its farther end is downstream.
3. **Variables**: one per KPI series, named ``"metric@entity"``. A KPI's
   role (:func:`rca.vocabulary.metric_role`) makes it a *resource* KPI
   (``load``, ``cpu``, ``other``: where faults enter) or a *service* KPI
   (``sla``: latency, loss: where users feel them).
4. **Edges** (cause -> effect):

   - every resource KPI of an upstream entity within ``max_hops`` hops of
     an entity -> every service KPI of that entity;
   - a resource KPI of an entity -> each service KPI of the same entity
     (a router's cpu -> its own latency; a link's utilisation -> its loss);
   - with ``resource_parents=True``, the upstream resource KPIs are parents
     of the entity's resource KPIs too.

Edges always point from a smaller depth to a larger one (or from a resource
to a service KPI of the same entity), so the graph is acyclic. Hops count
elements and links alike: a base station's access link is 1 hop away, the
switch behind it 2.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field

import networkx as nx

from rca.topology import Topology
from rca.vocabulary import metric_role

__all__ = ["KPIGraph", "kpi_graph", "traffic_sinks", "variable_name", "SERVICE_ROLES"]

#: Metric roles of service KPIs (effects); every other role is a resource KPI.
SERVICE_ROLES = frozenset({"sla"})


def variable_name(entity: str, metric: str) -> str:
    """The graph-node name of one KPI series.

    Examples
    --------
    >>> variable_name("L7", "utilization")
    'utilization@L7'
    """
    return f"{metric}@{entity}"


def traffic_sinks(topology: Topology) -> list[str]:
    """Where traffic flows to: the innermost layer, or the gateways without layers."""
    ranks = topology.layer_rank
    known = [r for r in ranks.values() if r < 10**6]
    if known and len(set(known)) > 1:
        inner = min(known)
        return [n for n in topology.node_ids if ranks[n] == inner]
    return list(topology.gateways) or topology.node_ids[:1]


@dataclass
class _Upstream:
    """The shortest-path DAG towards the sinks over entities (nodes and links)."""

    depth: dict[str, int]
    parents: dict[str, list[str]] = field(
        default_factory=dict
    )  # entity -> upstream entities one hop away

    def ancestors(self, entity: str, max_hops: int) -> dict[str, int]:
        """Upstream entities within ``max_hops`` hops, with their hop count."""
        seen = {entity: 0}
        queue = deque([entity])
        while queue:
            e = queue.popleft()
            if seen[e] >= max_hops:
                continue
            for p in self.parents.get(e, ()):
                if p not in seen:
                    seen[p] = seen[e] + 1
                    queue.append(p)
        del seen[entity]
        return seen

    def chain(self, upstream: str, entity: str) -> list[str] | None:
        """Entities from ``upstream`` down to ``entity`` (both included), or None."""
        back: dict[str, str | None] = {entity: None}
        queue = deque([entity])
        while queue:
            e = queue.popleft()
            if e == upstream:
                out = [e]
                step = back[e]
                while step is not None:
                    out.append(step)
                    step = back[step]
                return out
            for p in self.parents.get(e, ()):
                if p not in back:
                    back[p] = e
                    queue.append(p)
        return None


def _upstream(topology: Topology, sinks: Iterable[str]) -> _Upstream:
    depth: dict[str, int] = {}
    queue: deque[str] = deque()
    for s in sinks:
        if s not in depth:
            depth[s] = 0
            queue.append(s)
    while queue:
        v = queue.popleft()
        for w in topology.neighbors(v):
            if w not in depth:
                depth[w] = depth[v] + 1
                queue.append(w)
    up = _Upstream(depth)
    for link in topology.link_ids:
        a, b = topology.link_endpoints(link)
        if a not in depth or b not in depth:
            continue
        near, far = (a, b) if depth[a] <= depth[b] else (b, a)
        up.parents[link] = [near] if depth[near] < depth[far] else [a, b]
        if depth[near] < depth[far]:
            up.parents.setdefault(far, []).append(link)
    return up


@dataclass
class KPIGraph:
    """A causal DAG over KPI variables, and the topology paths behind its edges.

    Attributes
    ----------
    graph : networkx.DiGraph
        Nodes are variable names (``"metric@entity"``) with attributes
        ``entity``, ``metric``, ``role``; an edge is cause -> effect.
    depth : dict
        Element -> hops from the nearest traffic sink.
    """

    graph: nx.DiGraph
    depth: dict[str, int]
    _upstream: _Upstream
    _topology: Topology

    def entity_of(self, variable: str) -> str:
        """The node or link a variable measures."""
        return self.graph.nodes[variable]["entity"]

    def path(self, cause: str, effect: str) -> list[str]:
        """The topology path from entity ``cause`` down to entity ``effect``.

        Element ids along physical links, from the element at (or just
        below) ``cause`` to the element at ``effect``; link ids are left out
        except at the two ends: ``[cause]`` when both are the same entity, a
        link ``cause`` is followed by its downstream end. A link ``effect``
        ends the walk at its nearer end. Falls back to a shortest path.
        """
        if cause == effect:
            return [cause]
        chain = self._upstream.chain(cause, effect)
        topo = self._topology
        if chain is None:
            start = cause if cause in topo else self._end(cause, effect)
            stop = effect if effect in topo else self._end(effect, start)
            walk = topo.shortest_path(start, stop) or [start]
            return walk if walk[0] == cause else [cause] + walk
        elements = [e for e in chain if e in topo]
        return elements if chain[0] in topo else [chain[0]] + elements

    def _end(self, link: str, toward: str) -> str:
        a, b = self._topology.link_endpoints(link)
        da = len(self._topology.shortest_path(a, toward) or ()) if toward in self._topology else 0
        db = len(self._topology.shortest_path(b, toward) or ()) if toward in self._topology else 0
        return a if da <= db else b


def kpi_graph(
    topology: Topology,
    variables: Iterable[tuple[str, str]],
    *,
    max_hops: int = 8,
    resource_parents: bool = False,
) -> KPIGraph:
    """Build the causal DAG over KPI series from the topology (rules in the module docstring).

    Parameters
    ----------
    topology : Topology
    variables : iterable of (entity, metric)
        The KPI series; an entity is a node id or a link id of ``topology``
        (series of unknown entities become isolated variables).
    max_hops : int, default 8
        How far upstream a cause may be.
    resource_parents : bool, default False
        Whether resource KPIs also get their upstream resource KPIs as parents.

    Returns
    -------
    KPIGraph

    Examples
    --------
    >>> from rca.topology import Topology
    >>> import pandas as pd
    >>> topo = Topology.from_frames(
    ...     pd.DataFrame({"node_id": ["C", "A", "B"], "layer": ["core", "aggregation", "access"]}),
    ...     pd.DataFrame({"source": ["C", "A"], "target": ["A", "B"], "link_id": ["L1", "L2"]}))
    >>> g = kpi_graph(topo, [("L1", "utilization"), ("A", "cpu"), ("B", "latency_ms")])
    >>> sorted(g.graph.predecessors("latency_ms@B"))
    ['cpu@A', 'utilization@L1']
    >>> g.path("L1", "B")
    ['L1', 'A', 'B']
    """
    up = _upstream(topology, traffic_sinks(topology))
    graph = nx.DiGraph()
    by_entity: dict[str, list[str]] = {}
    for entity, metric in variables:
        name = variable_name(entity, metric)
        role = metric_role(metric)
        graph.add_node(name, entity=entity, metric=metric, role=role)
        by_entity.setdefault(entity, []).append(name)

    def resources(entity: str) -> list[str]:
        return [v for v in by_entity.get(entity, ()) if graph.nodes[v]["role"] not in SERVICE_ROLES]

    for entity, names in by_entity.items():
        own = resources(entity)
        upstream = [r for u in sorted(up.ancestors(entity, max_hops)) for r in resources(u)]
        for name in names:
            service = graph.nodes[name]["role"] in SERVICE_ROLES
            if service:
                graph.add_edges_from((r, name) for r in upstream + own)
            elif resource_parents:
                graph.add_edges_from((r, name) for r in upstream)
    return KPIGraph(graph, up.depth, up, topology)
