"""Faults that cut elements off only together.

Two faults can isolate together what neither isolates alone (a reboot on
one side of an access ring, a fibre cut on the other): a further root's
footprint is what it loses with the earlier roots down, less what they lose
on their own.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from .._reachability import Reachability
from ..topology import Topology
from ._footprint import Footprint
from ._hypotheses import Hypothesis

__all__ = ["FailureState"]


class FailureState:
    """What the chosen roots have already failed, to predict a further fault on top of them."""

    def __init__(self, roots: list[Footprint], topo: Topology) -> None:
        self.topo = topo
        self.dead = frozenset().union(*(r.hyp.dead for r in roots))
        self.links = frozenset().union(*(r.hyp.failed_links for r in roots))
        self.lost = frozenset().union(*(r.hyp.lost for r in roots))
        self.entities = tuple(r.hyp.entity for r in roots)
        self._cache: dict[tuple[str, str], Hypothesis] = {}
        self._damaged: tuple[Reachability, np.ndarray] | None = None

    def given(self, h: Hypothesis) -> Hypothesis:
        """``h`` with the elements it isolates together with the roots added to its ``lost``."""
        if not (self.dead or self.links) or not (h.dead or h.failed_links):
            return h
        key = (h.entity, h.fault)
        if key not in self._cache:
            extra = frozenset(self._lost_on_top(h)) - self.lost - h.lost
            self._cache[key] = (
                replace(h, lost=h.lost | extra, given=self.entities, jointly_lost=extra)
                if extra
                else h
            )
        return self._cache[key]

    def _lost_on_top(self, h: Hypothesis) -> list[str]:
        """Elements unreachable once ``h`` fails in the network the roots left."""
        topo = self.topo
        single_node = h.fault == "node_down" and len(h.dead) == 1
        single_link = not h.dead and len(h.failed_links) == 1
        if not (single_node or single_link):
            return topo.unreachable_if(self.dead | h.dead, self.links | h.failed_links)
        damaged, link_pos = self._damaged_index()
        if single_node:
            lost = damaged.lost_if_node_fails(topo.index_of(next(iter(h.dead))))
        else:
            pos = int(link_pos[topo.link_index(next(iter(h.failed_links)))])
            lost = damaged.lost_if_link_fails(pos) if pos >= 0 else np.zeros(0, dtype=np.int64)
        ids = topo.node_ids
        return [ids[i] for i in lost]

    def _damaged_index(self) -> tuple[Reachability, np.ndarray]:
        """The dominator-tree index of the network the roots left, and where each link went in it."""
        if self._damaged is None:
            topo = self.topo
            self._damaged = topo.reachability.without(
                [topo.index_of(v) for v in self.dead], [topo.link_index(l) for l in self.links]
            )
        return self._damaged
