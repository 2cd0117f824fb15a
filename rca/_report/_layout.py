"""Where to draw each element: from lat/lon when known, else a deterministic layout."""

from __future__ import annotations

import logging
import math
from collections import deque

import networkx as nx
import numpy as np

from ..topology import Topology

__all__ = ["node_positions", "SPRING_LIMIT"]

logger = logging.getLogger(__name__)

#: Largest element count drawn with networkx's spring layout; beyond it the
#: sparse force solver takes tens of seconds, and a radial tree layout (from
#: the gateways outward, linear time) is used instead.
SPRING_LIMIT = 400

Positions = dict[str, tuple[float, float]]


def node_positions(
    topology: Topology, *, random_state: int = 7, min_geo_fraction: float = 0.5
) -> Positions:
    """Drawing coordinates of every element.

    Parameters
    ----------
    topology : Topology
    random_state : int, default 7
        Seed of the spring layout (used without coordinates).
    min_geo_fraction : float, default 0.5
        Use ``lon``/``lat`` when more than this fraction of the elements have
        both. Elements without coordinates are then placed at the mean of
        their placed neighbours, or in a row below the map; elements sharing
        one point (a site) are spread on a small circle around it.

    Returns
    -------
    dict
        node id -> (x, y).

    Examples
    --------
    >>> import pandas as pd
    >>> topo = Topology.from_frames(pd.DataFrame({"node_id": ["A", "B"]}),
    ...                             pd.DataFrame({"source": ["A"], "target": ["B"]}))
    >>> sorted(node_positions(topo))
    ['A', 'B']
    """
    ids = topology.node_ids
    if not ids:
        return {}
    geo = _geo_coordinates(topology)
    if geo is not None and np.mean(~np.isnan(geo[:, 0])) > min_geo_fraction:
        return _geo_layout(topology, geo)
    if len(ids) <= SPRING_LIMIT:
        pos = nx.spring_layout(topology.graph, seed=random_state)
        return {n: (float(pos[n][0]), float(pos[n][1])) for n in ids}
    logger.info("%d elements without coordinates: radial layout from the gateways", len(ids))
    return _radial_layout(topology)


def _geo_coordinates(topology: Topology) -> np.ndarray | None:
    nodes = topology.nodes
    if "lat" not in nodes.columns or "lon" not in nodes.columns:
        return None
    lon = np.asarray(nodes["lon"], dtype="float64")
    lat = np.asarray(nodes["lat"], dtype="float64")
    xy = np.column_stack([lon, lat])
    xy[np.isnan(xy).any(axis=1)] = np.nan
    return xy


def _geo_layout(topology: Topology, xy: np.ndarray) -> Positions:
    ids = topology.node_ids
    xy = xy.copy()
    known = ~np.isnan(xy[:, 0])
    span = float(np.ptp(xy[known], axis=0).max()) if known.any() else 0.0
    span = span if span > 0 else 1.0
    # unplaced elements: mean of placed neighbours, repeated so chains fill in
    graph = topology.graph
    index = {n: i for i, n in enumerate(ids)}
    for _ in range(3):
        todo = np.flatnonzero(~known)
        if not len(todo):
            break
        for i in todo:
            near = [index[m] for m in graph.adj[ids[i]] if known[index[m]]]
            if near:
                xy[i] = xy[near].mean(axis=0)
        known = ~np.isnan(xy[:, 0])
    rest = np.flatnonzero(~known)
    if len(rest):
        x0, y0 = (
            np.nanmin(xy[:, 0]) if known.any() else 0.0,
            np.nanmin(xy[:, 1]) if known.any() else 0.0,
        )
        step = span / max(len(rest), 1)
        for k, i in enumerate(rest):
            xy[i] = (x0 + k * step, y0 - 0.1 * span)
    # elements at the same point (one site): spread on a small circle
    groups: dict[tuple[float, float], list[int]] = {}
    for j, (x, y) in enumerate(xy.tolist()):
        groups.setdefault((x, y), []).append(j)
    radius = 0.01 * span
    for (x, y), members in groups.items():
        if len(members) > 1:
            for k, m in enumerate(members):
                a = 2 * math.pi * k / len(members)
                xy[m] = (x + radius * math.cos(a), y + radius * math.sin(a))
    return {n: (float(xy[i, 0]), float(xy[i, 1])) for i, n in enumerate(ids)}


def _radial_layout(topology: Topology) -> Positions:
    """Breadth-first tree from the gateways; angle shares follow subtree sizes."""
    ids = topology.node_ids
    graph = topology.graph
    roots = [n for n in topology.gateways] or ids[:1]
    parent: dict[str, str | None] = {}
    depth: dict[str, int] = {}
    order: list[str] = []
    children: dict[str | None, list[str]] = {None: []}

    def grow(start: list[str]) -> None:
        queue: deque[str] = deque()
        for r in start:
            if r not in parent:
                parent[r], depth[r] = None, 1
                children[None].append(r)
                queue.append(r)
        while queue:
            v = queue.popleft()
            order.append(v)
            children.setdefault(v, [])
            for w in graph.adj[v]:
                if w not in parent:
                    parent[w], depth[w] = v, depth[v] + 1
                    children[v].append(w)
                    queue.append(w)

    grow(roots)
    for n in ids:  # other connected components
        if n not in parent:
            grow([n])
    leaves: dict[str, int] = {}
    for node in reversed(order):
        leaves[node] = sum(leaves[c] for c in children[node]) or 1
    span: dict[str | None, tuple[float, float]] = {None: (0.0, 2 * math.pi)}
    pos: Positions = {}
    visit: list[str | None] = [None, *order]
    for v in visit:
        a0, a1 = span[v]
        kids = children.get(v, [])
        total = sum(leaves[c] for c in kids)
        a = a0
        for c in kids:
            width = (a1 - a0) * leaves[c] / total
            span[c] = (a, a + width)
            a += width
        if v is not None:
            mid = (a0 + a1) / 2
            pos[v] = (depth[v] * math.cos(mid), depth[v] * math.sin(mid))
    return pos
