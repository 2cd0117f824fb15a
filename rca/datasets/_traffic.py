"""Traffic in the twin: shortest-path trees from the core and link loads.

Every element sends its traffic to the nearest core element along a
breadth-first tree over the links in service; a link carries the traffic of
the subtree behind it. When elements or links fail the tree is rebuilt, so
traffic moves to the protecting path of a ring or of a dual-homed pair.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

from ..topology import Topology

__all__ = ["Roles", "Tree", "roles_of", "route"]

_RADIO_WORDS = ("base_station", "enodeb", "gnodeb", "bts", "nodeb", "cell", "radio")


@dataclass
class Roles:
    """Per-element facts the twin needs, as arrays in ``topology.node_ids`` order."""

    ids: list[str]
    pos: dict[str, int]
    tier: np.ndarray  # 0 core, 1 aggregation, 2 access, 3 radio
    radio: np.ndarray  # base stations (cells)
    router: np.ndarray  # runs an IGP
    src: np.ndarray  # link endpoints (positions), in topology.link_ids order
    dst: np.ndarray
    link_ids: list[str]
    link_pos: dict[str, int]
    fiber: np.ndarray
    microwave: np.ndarray
    capacity: np.ndarray
    adj: list[list[tuple[int, int]]]  # node -> [(neighbour, link)]


def roles_of(topology: Topology) -> Roles:
    """Tiers, radio elements, routers and link arrays of a topology."""
    ids = topology.node_ids
    pos = {n: i for i, n in enumerate(ids)}
    ranks = np.asarray([topology.layer_rank[n] for n in ids])
    distinct = sorted(set(ranks.tolist()))
    tier = np.asarray([min(distinct.index(r), 3) for r in ranks.tolist()], dtype=np.int64)
    types = [str(topology.attribute(n, "node_type") or "").lower() for n in ids]
    radio = np.asarray([any(w in t for w in _RADIO_WORDS) for t in types]) | (
        (tier == 3) & (len(distinct) >= 4)
    )
    tier[radio] = 3
    router = ~radio & np.asarray(["switch" not in t for t in types])
    link_ids = topology.link_ids
    ends = [topology.link_endpoints(l) for l in link_ids]
    src = np.asarray([pos[a] for a, _ in ends], dtype=np.int64)
    dst = np.asarray([pos[b] for _, b in ends], dtype=np.int64)
    lt = (
        topology.links["link_type"]
        .reindex(link_ids)
        .map(lambda v: str(v).lower() if isinstance(v, str) else "")
    )
    fiber = lt.isin(["fiber", "fibre", "optical", ""]).to_numpy()
    microwave = lt.isin(["microwave", "radio", "mw"]).to_numpy()
    cap = topology.links["capacity_mbps"].reindex(link_ids).to_numpy(dtype=float)
    cap = np.where(np.isnan(cap) | (cap <= 0), 10000.0, cap)
    adj: list[list[tuple[int, int]]] = [[] for _ in ids]
    for k, (a, b) in enumerate(zip(src.tolist(), dst.tolist())):
        adj[a].append((b, k))
        adj[b].append((a, k))
    return Roles(
        ids,
        pos,
        tier,
        radio,
        router,
        src,
        dst,
        link_ids,
        {l: k for k, l in enumerate(link_ids)},
        fiber,
        microwave,
        cap,
        adj,
    )


@dataclass
class Tree:
    """A shortest-path tree towards the core over the links in service."""

    parent: np.ndarray  # parent element position, -1 at a root or when cut off
    parent_link: np.ndarray  # link to the parent, -1 likewise
    order: list[int]  # breadth-first order from the roots
    reached: np.ndarray  # bool: connected to the core

    def path_links(self, v: int) -> list[int]:
        """The links from ``v`` up to the core."""
        out = []
        while self.parent_link[v] >= 0:
            out.append(int(self.parent_link[v]))
            v = int(self.parent[v])
        return out

    def subtree_load(self, demand: np.ndarray, n_links: int) -> np.ndarray:
        """Traffic each link carries towards the core."""
        acc = demand.astype(float).copy()
        acc[~self.reached] = 0.0
        load = np.zeros(n_links)
        for v in reversed(self.order):
            p = self.parent[v]
            if p >= 0:
                load[self.parent_link[v]] += acc[v]
                acc[p] += acc[v]
        return load


def route(
    roles: Roles, dead: frozenset[str] = frozenset(), down_links: frozenset[str] = frozenset()
) -> Tree:
    """Breadth-first tree from every live core element over live links."""
    n = len(roles.ids)
    dead_mask = np.zeros(n, dtype=bool)
    for d in dead:
        dead_mask[roles.pos[d]] = True
    down = {roles.link_pos[l] for l in down_links if l in roles.link_pos}
    parent = np.full(n, -1, dtype=np.int64)
    parent_link = np.full(n, -1, dtype=np.int64)
    reached = np.zeros(n, dtype=bool)
    roots = [i for i in np.flatnonzero(roles.tier == roles.tier.min()).tolist() if not dead_mask[i]]
    queue = deque(roots)
    reached[roots] = True
    order: list[int] = []
    while queue:
        v = queue.popleft()
        order.append(v)
        for w, k in roles.adj[v]:
            if not reached[w] and not dead_mask[w] and k not in down:
                reached[w] = True
                parent[w] = v
                parent_link[w] = k
                queue.append(w)
    return Tree(parent, parent_link, order, reached)
