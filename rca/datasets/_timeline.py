"""The state of the simulated network over time: what is down, what is lost.

Faults are outages (elements and links down from one time to another);
the timeline cuts the incident window into epochs of constant state and
knows, for each, the failed elements, the links out of service and the
elements the management system cannot reach.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass, field

from ..topology import Topology

__all__ = ["Outage", "Timeline"]


@dataclass(frozen=True)
class Outage:
    """Elements and links out of service over ``[start, end)``."""

    start: float
    end: float = math.inf
    nodes: tuple[str, ...] = ()
    links: tuple[str, ...] = ()


@dataclass
class _Epoch:
    start: float
    dead: frozenset[str]
    down_links: frozenset[str]  # failed links and links of dead elements
    lost: frozenset[str]
    lost_order: list[str] = field(default_factory=list)


class Timeline:
    """Epochs of constant network state built from outages.

    Parameters
    ----------
    topology : Topology
    outages : list of Outage
    """

    def __init__(self, topology: Topology, outages: list[Outage]) -> None:
        self.topology = topology
        bounds = sorted(
            {o.start for o in outages} | {o.end for o in outages if math.isfinite(o.end)}
        )
        self.epochs: list[_Epoch] = [_Epoch(-math.inf, frozenset(), frozenset(), frozenset())]
        cache: dict[tuple, _Epoch] = {}
        for t in bounds:
            active = [o for o in outages if o.start <= t < o.end]
            dead = sorted({n for o in active for n in o.nodes})
            links = sorted({l for o in active for l in o.links})
            key = (tuple(dead), tuple(links))
            if key not in cache:
                down = set(links)
                for n in dead:
                    down.update(topology.incident_links(n))
                lost = topology.unreachable_if(dead, links) if (dead or links) else []
                cache[key] = _Epoch(t, frozenset(dead), frozenset(down), frozenset(lost), lost)
            e = cache[key]
            self.epochs.append(_Epoch(t, e.dead, e.down_links, e.lost, e.lost_order))
        self._starts = [e.start for e in self.epochs]

    def at(self, t: float) -> _Epoch:
        """The epoch holding time ``t``."""
        return self.epochs[bisect.bisect_right(self._starts, t) - 1]

    def lost(self, t: float) -> frozenset[str]:
        """Elements dead or unreachable at ``t`` (they cannot report)."""
        return self.at(t).lost

    def transitions(self) -> list[tuple[_Epoch, _Epoch]]:
        """Consecutive (before, after) epoch pairs."""
        return list(zip(self.epochs, self.epochs[1:]))
