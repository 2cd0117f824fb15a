"""What the management system loses when elements or links fail.

One dominator tree answers every single-failure question at once: an element
becomes unreachable from the gateways when a node or link fails exactly when
that node or link dominates it in the graph rooted at a virtual NMS vertex
that feeds every gateway. Links are subdivided (a - L - b) so they appear as
vertices of their own; parallel links therefore never dominate anything.
Combined failures (a site, several links) use one breadth-first search.

The graph is undirected, so its dominator tree is read off the block tree:
every vertex of a biconnected block is dominated by the block's vertex
closest to the root (an articulation point, or the root itself). One
depth-first search (Hopcroft-Tarjan low points) finds it in linear time;
generic dominator algorithms are quadratic on long chains of rings.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import breadth_first_order

#: Indexes of damaged networks kept per index (:meth:`Reachability.without`), most recently used.
WITHOUT_CACHE = 64

__all__ = ["Reachability", "euler_tour", "undirected_dominators"]


def undirected_dominators(
    n_vertices: int, src: np.ndarray, dst: np.ndarray, root: int
) -> np.ndarray:
    """Immediate dominators of an undirected graph rooted at ``root``.

    Parameters
    ----------
    n_vertices : int
        Vertices are ``0..n_vertices-1``.
    src, dst : numpy.ndarray of int
        Endpoints of the undirected edges.
    root : int
        The start vertex.

    Returns
    -------
    numpy.ndarray of int
        ``idom[v]`` for every vertex; ``idom[root] == root`` and ``-1`` for
        vertices not connected to the root.
    """
    src = np.asarray(src, dtype=np.int64)
    dst = np.asarray(dst, dtype=np.int64)
    heads = np.concatenate([src, dst])
    tails = np.concatenate([dst, src])
    order = np.argsort(heads, kind="stable")
    neighbours = tails[order].tolist()
    start = np.searchsorted(heads[order], np.arange(n_vertices + 1)).tolist()
    disc = [-1] * n_vertices
    low = [0] * n_vertices
    idom = [-1] * n_vertices
    idom[root] = root
    disc[root] = low[root] = 0
    clock = 1
    pending: list[int] = []  # vertices whose block is not closed yet
    # Each frame: (vertex, its DFS parent, index of the next neighbour to try).
    stack = [[root, -1, start[root]]]
    while stack:
        frame = stack[-1]
        v, parent, i = frame
        if i < start[v + 1]:
            frame[2] = i + 1
            w = neighbours[i]
            if disc[w] < 0:
                disc[w] = low[w] = clock
                clock += 1
                pending.append(w)
                stack.append([w, v, start[w]])
            elif w != parent and disc[w] < low[v]:
                low[v] = disc[w]
            continue
        stack.pop()
        if parent < 0:
            continue
        if low[v] < low[parent]:
            low[parent] = low[v]
        if low[v] >= disc[parent]:
            # ``parent`` separates v's block from the root: close the block.
            while True:
                u = pending.pop()
                idom[u] = parent
                if u == v:
                    break
    return np.asarray(idom, dtype=np.int64)


def euler_tour(
    children: dict[int, list[int]] | list[list[int]], roots: list[int], size: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Depth-first order of a forest: the subtree of ``v`` is ``order[tin[v]:tout[v]]``.

    Vertices not reached keep ``tin == tout == -1``.
    """
    get = children.get if isinstance(children, dict) else (lambda v, default: children[v])
    tin = np.full(size, -1, dtype=np.int64)
    tout = np.full(size, -1, dtype=np.int64)
    order: list[int] = []
    stack: list[tuple[int, bool]] = [(r, False) for r in reversed(roots)]
    while stack:
        v, done = stack.pop()
        if done:
            tout[v] = len(order)
            continue
        tin[v] = len(order)
        order.append(v)
        stack.append((v, True))
        stack.extend((c, False) for c in reversed(get(v, ())))
    return np.asarray(order, dtype=np.int64), tin, tout


class Reachability:
    """Single- and multi-failure reachability over a physical topology.

    Parameters
    ----------
    n_nodes : int
        Number of elements (vertices ``0..n_nodes-1``).
    link_src, link_dst : numpy.ndarray of int
        Endpoints of the physical (undirected) links.
    gateways : numpy.ndarray of int
        Elements through which the NMS reaches the network.
    """

    def __init__(
        self,
        n_nodes: int,
        link_src: np.ndarray,
        link_dst: np.ndarray,
        gateways: np.ndarray,
    ) -> None:
        self.n_nodes = n_nodes
        self.n_links = len(link_src)
        self._src = np.asarray(link_src, dtype=np.int64)
        self._dst = np.asarray(link_dst, dtype=np.int64)
        self._gateways = np.asarray(gateways, dtype=np.int64)
        self._build_tree()

    # -- single failures -------------------------------------------------
    def _build_tree(self) -> None:
        n, m = self.n_nodes, self.n_links
        root = n + m
        link_vertex = n + np.arange(m)
        ends_a = np.concatenate([self._src, link_vertex, np.full(len(self._gateways), root)])
        ends_b = np.concatenate([link_vertex, self._dst, self._gateways])
        idom = undirected_dominators(root + 1, ends_a, ends_b, root)
        # Euler tour of the dominator tree: a vertex's subtree is a slice.
        children: dict[int, list[int]] = {}
        for v, d in enumerate(idom.tolist()):
            if d >= 0 and v != d:
                children.setdefault(d, []).append(v)
        order_arr, tin, tout = euler_tour(children, [root], root + 1)
        is_node = order_arr < n
        # position of each tour entry among the element entries only
        self._node_order = order_arr[is_node]
        cum = np.concatenate([[0], np.cumsum(is_node)])
        self._lo = np.where(tin >= 0, cum[np.maximum(tin, 0)], 0)
        self._hi = np.where(tout >= 0, cum[np.maximum(tout, 0)], 0)
        self._reached = tin[:n] >= 0
        self._root = root

    @property
    def normally_reachable(self) -> np.ndarray:
        """Boolean mask of the elements the NMS reaches with nothing failed."""
        return self._reached.copy()

    def lost_if_node_fails(self, node: int) -> np.ndarray:
        """Elements that become unreachable when ``node`` fails (``node`` included)."""
        if not self._reached[node]:
            return np.asarray([node], dtype=np.int64)
        return self._node_order[self._lo[node] : self._hi[node]]

    def lost_if_link_fails(self, link: int) -> np.ndarray:
        """Elements that become unreachable when physical link ``link`` fails."""
        v = self.n_nodes + link
        return self._node_order[self._lo[v] : self._hi[v]]

    def without(
        self, failed_nodes: Iterable[int] = (), failed_links: Iterable[int] = ()
    ) -> tuple[Reachability, np.ndarray]:
        """The index of the network left after some nodes and links fail.

        Its single-failure answers are what a further failure loses on top of
        these. Returns it and, per link of this network, its position in the
        new one (-1 for a link that failed or lost an end).
        """
        nodes = frozenset(int(v) for v in failed_nodes)
        links = frozenset(int(x) for x in failed_links)
        # an index is immutable: the same failures give the same answer, and a live watcher ranks an
        # incident again and again with the same roots (building one is ~0.1 s on 2,000 elements)
        cache: OrderedDict = self.__dict__.setdefault("_without", OrderedDict())
        hit = cache.get((nodes, links))
        if hit is not None:
            cache.move_to_end((nodes, links))
            return hit
        dead = np.zeros(self.n_nodes, dtype=bool)
        dead[np.asarray(sorted(nodes), dtype=np.int64)] = True
        keep = ~(dead[self._src] | dead[self._dst])
        keep[np.asarray(sorted(links), dtype=np.int64)] = False
        link_pos = np.where(keep, np.cumsum(keep) - 1, -1)
        link_pos.flags.writeable = False
        left = Reachability(
            self.n_nodes, self._src[keep], self._dst[keep], self._gateways[~dead[self._gateways]]
        )
        cache[(nodes, links)] = (left, link_pos)
        if len(cache) > WITHOUT_CACHE:
            cache.popitem(last=False)
        return left, link_pos

    # -- combined failures -----------------------------------------------
    def lost_if(
        self, failed_nodes: Iterable[int] = (), failed_links: Iterable[int] = ()
    ) -> np.ndarray:
        """Elements unreachable after several nodes and links fail together.

        The failed nodes themselves are included.
        """
        failed_nodes = np.asarray(sorted(set(int(x) for x in failed_nodes)), dtype=np.int64)
        failed_links = np.asarray(sorted(set(int(x) for x in failed_links)), dtype=np.int64)
        n = self.n_nodes
        keep = np.ones(self.n_links, dtype=bool)
        if len(failed_links):
            keep[failed_links] = False
        dead = np.zeros(n + 1, dtype=bool)
        dead[failed_nodes] = True
        src, dst = self._src[keep], self._dst[keep]
        ok = ~(dead[src] | dead[dst])
        src, dst = src[ok], dst[ok]
        gws = self._gateways[~dead[self._gateways]]
        root = n
        rows = np.concatenate([src, dst, np.full(len(gws), root)])
        cols = np.concatenate([dst, src, gws])
        adj = csr_matrix((np.ones(len(rows), dtype=np.int8), (rows, cols)), shape=(n + 1, n + 1))
        reached = np.zeros(n + 1, dtype=bool)
        reached[breadth_first_order(adj, root, directed=True, return_predecessors=False)] = True
        lost = self._reached & ~reached[:n]
        lost[failed_nodes] = True
        return np.flatnonzero(lost)
