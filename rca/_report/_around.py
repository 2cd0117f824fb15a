"""The topology around a root cause: the affected subgraph, drawn in layers from the root.

The whole network drawn on its coordinates is a blob of labels; an engineer
needs the root, its evidence paths, the elements that alarm or were cut off,
and the links between them. The subgraph holds the root's elements and their
neighbours, every element on an evidence path, the elements the root cuts
off from the management system and the alarming elements near it (at most
:data:`MAX_NODES`, nearest first). It is laid out in layers by hop distance
from the root, left to right, each layer ordered by the mean position of its
neighbours in the layer before (fewer crossings), so labels never overlap.
"""

from __future__ import annotations

from collections import deque
from typing import Sequence

import plotly.graph_objects as go

from ..incident import Incident
from ..result import Candidate
from ..topology import Topology
from ._escape import esc
from ._spec import FigureSpec, tracer
from ._topology import ALARMED, EVIDENCE, LINK, QUIET, TOP, TRUTH, alarm_counts, highlighted

__all__ = ["MAX_NODES", "affected_subgraph", "around_figure", "around_spec", "layered_positions"]

Scatter = tracer("scatter")

#: Most elements drawn around a root.
MAX_NODES = 80
#: Alarming elements within this many hops of the root are drawn.
RADIUS = 3


def affected_subgraph(topology: Topology, candidates: Sequence[Candidate], alarming: set[str], *,
                      max_nodes: int = MAX_NODES) -> tuple[list[str], set[str], set[str]]:
    """The elements to draw around a root (and the roots of the same answer).

    Returns
    -------
    nodes : list of str
        Nearest first; the root's elements first of all.
    roots : set of str
        The elements of the candidates themselves.
    lost : set of str
        Elements the first candidate cuts off from the management system.
    """
    roots: list[str] = []
    for c in candidates:
        roots += [n for n in highlighted(topology, c.entity, c.kind)[0] if n not in roots]
    if not roots:
        return [], set(), set()
    on_paths = {n for c in candidates[:1] for e in c.evidence for n in e.path if n in topology}
    lost: set[str] = set()
    first = candidates[0]
    try:
        lost = set(topology.lost_if_fails(first.entity, first.kind)) if first.kind in ("node", "link", "site") else set()
    except Exception:  # an entity the topology cannot answer for: draw without the cut-off set
        lost = set()
    dist = _distances(topology, roots, RADIUS + 1)
    want = set(roots) | on_paths | (lost & set(dist)) | {n for n in alarming if dist.get(n, 99) <= RADIUS}
    want |= {n for r in roots for n in topology.neighbors(r)}
    ranked = sorted(want, key=lambda n: (n not in roots, n not in on_paths, dist.get(n, 99), n))
    nodes = ranked[:max_nodes]
    # keep it connected: add the elements on the shortest path from the root to each drawn one
    keep = set(nodes)
    parent = _bfs_parents(topology, roots, keep | set(dist))
    for n in list(nodes):
        p = parent.get(n)
        while p is not None and p not in keep and len(keep) < max_nodes + 20:
            keep.add(p)
            nodes.append(p)
            p = parent.get(p)
    return nodes, set(roots), lost


def _distances(topology: Topology, sources: list[str], limit: int) -> dict[str, int]:
    dist = {s: 0 for s in sources}
    queue = deque(sources)
    while queue:
        v = queue.popleft()
        if dist[v] >= limit:
            continue
        for w in topology.neighbors(v):
            if w not in dist:
                dist[w] = dist[v] + 1
                queue.append(w)
    return dist


def _bfs_parents(topology: Topology, sources: list[str], allowed: set[str]) -> dict[str, str | None]:
    parent: dict[str, str | None] = {s: None for s in sources}
    queue = deque(sources)
    while queue:
        v = queue.popleft()
        for w in topology.neighbors(v):
            if w in allowed and w not in parent:
                parent[w] = v
                queue.append(w)
    return parent


def layered_positions(topology: Topology, nodes: list[str], roots: set[str]) -> dict[str, tuple[float, float]]:
    """x = hop distance from the roots inside the subgraph, y = order within the layer.

    Examples
    --------
    >>> import pandas as pd
    >>> topo = Topology.from_frames(pd.DataFrame({"node_id": ["R", "A", "B", "C"]}),
    ...                             pd.DataFrame({"source": ["R", "R", "A"], "target": ["A", "B", "C"]}))
    >>> pos = layered_positions(topo, ["R", "A", "B", "C"], {"R"})
    >>> pos["R"][0], pos["A"][0], pos["C"][0]
    (0.0, 1.0, 2.0)
    """
    inside = set(nodes)
    layer = {r: 0 for r in roots if r in inside}
    queue = deque(sorted(layer))
    while queue:
        v = queue.popleft()
        for w in sorted(topology.neighbors(v)):
            if w in inside and w not in layer:
                layer[w] = layer[v] + 1
                queue.append(w)
    deepest = max(layer.values(), default=0)
    for n in nodes:   # not connected inside the subgraph: one layer beyond the rest
        layer.setdefault(n, deepest + 1)
    layers: dict[int, list[str]] = {}
    for n in nodes:
        layers.setdefault(layer[n], []).append(n)
    y: dict[str, float] = {}
    for k in sorted(layers):
        members = layers[k]
        if k == 0:
            members.sort()
        else:
            def bary(n: str) -> float:
                prev = [y[m] for m in topology.neighbors(n) if m in y and layer.get(m) == k - 1]
                return sum(prev) / len(prev) if prev else float("inf")
            members.sort(key=lambda n: (bary(n), n))
        offset = (len(members) - 1) / 2
        for i, n in enumerate(members):
            y[n] = offset - i
    return {n: (float(layer[n]), float(y[n])) for n in nodes}


def around_figure(incident: Incident, candidates: Sequence[Candidate], *, max_nodes: int = MAX_NODES) -> go.Figure:
    """The affected subgraph around a root (a validated plotly figure of :func:`around_spec`)."""
    return around_spec(incident, candidates, max_nodes=max_nodes).figure()


def around_spec(incident: Incident, candidates: Sequence[Candidate], *, max_nodes: int = MAX_NODES) -> FigureSpec:
    """The affected subgraph around the first candidate (and the others of its answer).

    Parameters
    ----------
    incident : Incident
    candidates : sequence of Candidate
        The answer: the first candidate, then those tied with it.
    max_nodes : int, default MAX_NODES

    Returns
    -------
    plotly.graph_objects.Figure
        Traces: ``links``, ``evidence paths``, ``quiet elements``, ``alarming
        elements``, ``cut off`` (when any), ``root`` (customdata: its
        elements), ``true root (evaluation)`` when the incident has truth.
    """
    topo = incident.topology
    counts = alarm_counts(incident)
    fig = FigureSpec()
    nodes, roots, lost = affected_subgraph(topo, candidates, set(counts), max_nodes=max_nodes)
    if not nodes:
        fig.add_annotation(text="the root is not an element, link or site of the topology", showarrow=False,
                           x=0.5, y=0.5, xref="paper", yref="paper")
        fig.update_layout(height=200, xaxis={"visible": False}, yaxis={"visible": False})
        return fig
    pos = layered_positions(topo, nodes, roots)
    inside = set(nodes)
    xs: list[float | None] = []
    ys: list[float | None] = []
    for n in nodes:
        for m in topo.neighbors(n):
            if m in inside and n < m:
                xs += [pos[n][0], pos[m][0], None]
                ys += [pos[n][1], pos[m][1], None]
    fig.add_trace(Scatter(x=xs, y=ys, mode="lines", name="links", line={"color": LINK, "width": 1.5},
                             hoverinfo="skip"))
    ex: list[float | None] = []
    ey: list[float | None] = []
    for ev in candidates[0].evidence:
        path = [p for p in ev.path if p in pos]
        for a, b in zip(path, path[1:]):
            ex += [pos[a][0], pos[b][0], None]
            ey += [pos[a][1], pos[b][1], None]
    fig.add_trace(Scatter(x=ex, y=ey, mode="lines", name="evidence paths", line={"color": EVIDENCE, "width": 4},
                             opacity=0.7, hoverinfo="skip"))
    kinds = topo.nodes["node_type"] if "node_type" in topo.nodes.columns else None

    def hover(n: str) -> str:
        t = kinds.get(n) if kinds is not None else None
        extra = "<br>cut off from the management system" if n in lost else ""
        return (f"<b>{esc(n, limit=80)}</b><br>type: {esc(t, limit=60)}<br>alarms: {counts.get(n, 0)}{extra}")

    for name, members, color, symbol in (
            ("quiet elements", [n for n in nodes if counts.get(n, 0) == 0 and n not in lost], QUIET, "circle"),
            ("alarming elements", [n for n in nodes if counts.get(n, 0) > 0], ALARMED, "circle"),
            ("cut off (silent)", [n for n in nodes if counts.get(n, 0) == 0 and n in lost], QUIET, "diamond-open")):
        if not members and name == "cut off (silent)":
            continue
        fig.add_trace(Scatter(
            x=[pos[n][0] for n in members], y=[pos[n][1] for n in members], mode="markers+text",
            name=f"{name} ({len(members)})", text=[esc(n, limit=28) for n in members], textposition="middle right",
            textfont={"size": 11}, hovertext=[hover(n) for n in members], hoverinfo="text",
            marker={"color": color, "size": 12, "symbol": symbol, "line": {"color": "white", "width": 1}}))
    first = candidates[0]
    root_nodes = [n for n in nodes if n in roots]
    fig.add_trace(Scatter(
        x=[pos[n][0] for n in root_nodes], y=[pos[n][1] for n in root_nodes], mode="markers",
        name=f"root: {esc(first.entity, limit=40)}", customdata=root_nodes,
        hovertext=[f"<b>root {esc(first.entity, limit=80)}</b> ({esc(first.fault)})<br>element: {esc(n, limit=80)}"
                   for n in root_nodes], hoverinfo="text",
        marker={"symbol": "circle-open", "size": 26, "color": TOP, "line": {"width": 3, "color": TOP}}))
    if incident.truth is not None:
        truth_nodes = [n for r in incident.truth.root_causes for n in highlighted(topo, r.entity, r.kind)[0]
                       if n in pos]
        if truth_nodes:
            fig.add_trace(Scatter(x=[pos[n][0] for n in truth_nodes], y=[pos[n][1] for n in truth_nodes],
                                     mode="markers", name="true root (evaluation)", customdata=truth_nodes,
                                     hoverinfo="skip", marker={"symbol": "x-thin-open", "size": 18, "color": TRUTH,
                                                               "line": {"width": 2, "color": TRUTH}}))
    tallest = max(sum(1 for p in pos.values() if p[0] == x) for x in {p[0] for p in pos.values()})
    width_layers = max(p[0] for p in pos.values()) + 1
    fig.update_layout(
        height=int(min(max(320, 26 * tallest + 120), 1400)), margin={"l": 10, "r": 10, "t": 30, "b": 10},
        hovermode="closest", plot_bgcolor="white", paper_bgcolor="white",
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0},
        xaxis={"visible": False, "range": [-0.5, width_layers + 0.2]}, yaxis={"visible": False},
    )
    return fig
