"""Network state over time: which elements and links are down, and what follows.

Faults and background conditions register *down intervals* on nodes and
links. The timeline cuts the simulated period into segments of constant
state; for each distinct state it computes (once, cached) the connected
components of the working network, which elements the NMS can reach
through a gateway, and the routing tree towards the traffic exits.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

import numpy as np

from .network import Network

__all__ = ["Timeline", "View", "route_tree", "merge_intervals"]

INF = float("inf")


def merge_intervals(ivs: list[tuple]) -> list[tuple[float, float, str, str]]:
    """Union of ``(start, end, tag, cause)`` intervals; the earliest keeps its tag."""
    out: list[list] = []
    for s, e, tag, cause in sorted(ivs, key=lambda x: (x[0], x[1])):
        if out and s <= out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e, tag, cause])
    return [tuple(x) for x in out]


def _components(net: Network, dn: frozenset, dl: frozenset) -> np.ndarray:
    n = len(net.node_ids)
    comp = np.full(n, -1, dtype=np.int64)
    nbr = net.nbr
    c = 0
    for start in range(n):
        if comp[start] >= 0 or start in dn:
            continue
        comp[start] = c
        stack = [start]
        while stack:
            u = stack.pop()
            for v, li in nbr[u]:
                if comp[v] < 0 and li not in dl and v not in dn:
                    comp[v] = c
                    stack.append(v)
        c += 1
    return comp


def route_tree(
    net: Network, dn: frozenset, dl: frozenset
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Shortest-hop tree from every working element to the nearest exit router.

    Returns
    -------
    parent_link : ndarray of int
        Link index towards the exit (-1 for exits and cut-off elements).
    depth : ndarray of int
        Hops to the exit (-1 when unreachable).
    loads : ndarray of float
        Busy-hour Mbps carried by each link when every element sends its
        demand up the tree.
    """
    n = len(net.node_ids)
    parent_link = np.full(n, -1, dtype=np.int64)
    parent = np.full(n, -1, dtype=np.int64)
    depth = np.full(n, -1, dtype=np.int64)
    order = []
    frontier = [net.nidx[x] for x in net.exits if net.nidx[x] not in dn]
    for x in frontier:
        depth[x] = 0
    order.extend(frontier)
    nbr = net.nbr
    while frontier:
        nxt = []
        for u in frontier:
            for v, li in nbr[u]:
                if depth[v] < 0 and li not in dl and v not in dn:
                    depth[v] = depth[u] + 1
                    parent[v] = u
                    parent_link[v] = li
                    nxt.append(v)
        order.extend(nxt)
        frontier = nxt
    acc = np.zeros(n)
    for nid, d in net.demand.items():
        acc[net.nidx[nid]] = d
    loads = np.zeros(len(net.link_ids))
    for u in reversed(order):
        p = parent[u]
        if p >= 0:
            acc[p] += acc[u]
            loads[parent_link[u]] += acc[u]
    return parent_link, depth, loads


@dataclass
class View:
    """Derived facts about one network state."""

    dn: frozenset
    dl: frozenset
    comp: np.ndarray
    reach: np.ndarray
    _tree: tuple | None = field(default=None, repr=False)

    def tree(self, net: Network) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Routing tree of this state (see :func:`route_tree`), cached."""
        if self._tree is None:
            self._tree = route_tree(net, self.dn, self.dl)
        return self._tree


class Timeline:
    """Down intervals of nodes and links, and the segments they induce.

    Parameters
    ----------
    net : Network
        The network.
    t_lo, t_hi : float
        Simulated period (epoch seconds); intervals are clipped to it.
    """

    def __init__(self, net: Network, t_lo: float, t_hi: float) -> None:
        self.net = net
        self.t_lo = t_lo
        self.t_hi = t_hi
        self.node_iv: dict[str, list[tuple[float, float, str, str]]] = {}
        self.link_iv: dict[str, list[tuple[float, float, str, str]]] = {}
        self._views: dict[tuple, View] = {}
        self.bounds: list[float] = []
        self.seg_views: list[View] = []
        self.seg_tags: list[str] = []

    def down_node(self, n: str, s: float, e: float, tag: str, cause: str = "dead") -> None:
        """Register that element ``n`` is down during ``[s, e)``."""
        if e > s:
            self.node_iv.setdefault(n, []).append((s, e, tag, cause))

    def down_link(self, lid: str, s: float, e: float, tag: str, cause: str = "cut") -> None:
        """Register that link ``lid`` itself is broken during ``[s, e)``."""
        if e > s:
            self.link_iv.setdefault(lid, []).append((s, e, tag, cause))

    def node_down_at(self, n: str, t: float) -> bool:
        """True when element ``n`` is down at time ``t``."""
        return any(s <= t < e for s, e, _t, _c in self.node_iv.get(n, ()))

    # ------------------------------------------------------------------
    def finalize(self) -> None:
        """Cut the period into constant-state segments and compute views."""
        net = self.net
        ev: list[tuple[float, int, int, int, str]] = []  # time, +1/-1, kind, index, tag
        for n, ivs in self.node_iv.items():
            for s, e, tag, _c in ivs:
                if e <= self.t_lo:
                    continue
                ev.append((max(s, self.t_lo), 1, 0, net.nidx[n], tag))
                if e < self.t_hi:
                    ev.append((e, -1, 0, net.nidx[n], tag))
        for lid, ivs in self.link_iv.items():
            for s, e, tag, _c in ivs:
                if e <= self.t_lo:
                    continue
                ev.append((max(s, self.t_lo), 1, 1, net.lidx[lid], tag))
                if e < self.t_hi:
                    ev.append((e, -1, 1, net.lidx[lid], tag))
        ev.sort(key=lambda x: (x[0], x[1], x[2], x[3]))
        cnt_n: dict[int, int] = {}
        cnt_l: dict[int, int] = {}
        self.bounds = [self.t_lo]
        self.seg_tags = ["bg"]
        states: list[tuple[frozenset, frozenset]] = []
        i = 0
        cur_n: set[int] = set()
        cur_l: set[int] = set()
        while i < len(ev):
            t = ev[i][0]
            tag = ev[i][4]
            while i < len(ev) and ev[i][0] == t:
                _t, d, kind, idx, tg = ev[i]
                cnt = cnt_n if kind == 0 else cnt_l
                cur = cur_n if kind == 0 else cur_l
                cnt[idx] = cnt.get(idx, 0) + d
                if cnt[idx] > 0:
                    cur.add(idx)
                else:
                    cur.discard(idx)
                if tg != "bg":
                    tag = tg
                i += 1
            if t <= self.t_lo:
                self.seg_tags[0] = tag
                continue
            states.append((frozenset(cur_n), frozenset(cur_l)))
            self.bounds.append(t)
            self.seg_tags.append(tag)
        # the state of segment k holds from bounds[k]; compute segment 0 state
        first = self._state_at_start()
        all_states = [first] + states
        # states list was appended *after* applying events at bounds[k], k >= 1
        self.seg_views = [self._view(dn, dl) for dn, dl in all_states]

    def _state_at_start(self) -> tuple[frozenset, frozenset]:
        net = self.net
        t = self.t_lo
        dn = frozenset(
            net.nidx[n]
            for n, ivs in self.node_iv.items()
            if any(s <= t < e for s, e, _a, _b in ivs)
        )
        dl = frozenset(
            net.lidx[l]
            for l, ivs in self.link_iv.items()
            if any(s <= t < e for s, e, _a, _b in ivs)
        )
        return dn, dl

    def _view(self, dn: frozenset, dl: frozenset) -> View:
        key = (dn, dl)
        v = self._views.get(key)
        if v is None:
            comp = _components(self.net, dn, dl)
            gw = [comp[g] for g in self.net.gateway_idx if comp[g] >= 0]
            reach = np.isin(comp, np.array(gw, dtype=np.int64)) & (comp >= 0)
            v = View(dn, dl, comp, reach)
            self._views[key] = v
        return v

    def seg_index(self, t: float) -> int:
        """Index of the segment containing time ``t``."""
        return max(0, bisect.bisect_right(self.bounds, t) - 1)

    def view_at(self, t: float) -> View:
        """State view at time ``t``."""
        return self.seg_views[self.seg_index(t)]

    def reach_matrix(self) -> np.ndarray:
        """Boolean (segments x nodes): reachable from the NMS in each segment."""
        return np.vstack([v.reach for v in self.seg_views])

    def comp_matrix(self) -> np.ndarray:
        """Integer (segments x nodes): component label (-1 when down)."""
        return np.vstack([v.comp for v in self.seg_views])

    def runs(self, status: np.ndarray) -> list[tuple[int, int]]:
        """Runs of ``False`` in a per-segment boolean vector, as segment index ranges."""
        out = []
        k = 0
        m = len(status)
        while k < m:
            if not status[k]:
                j = k
                while j < m and not status[j]:
                    j += 1
                out.append((k, j))
                k = j
            else:
                k += 1
        return out

    def seg_time(self, k: int) -> float:
        """Start time of segment ``k`` (``t_hi`` past the last one, i.e. 'never')."""
        return self.bounds[k] if k < len(self.bounds) else INF
