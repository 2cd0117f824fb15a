"""What one simulation run knows: the network, its roles, the knobs, the clock.

An *event* is what an element (or the NMS) would raise if nothing got in
the way: ``(time, device, own, kind, severity, link_id, text)``, where
``own`` says the device raises it itself (so it is lost while the device is
dead or cut off from the gateways) rather than the NMS or the radio OSS
raising it about the device; ``kind`` is a canonical alarm type.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..topology import Topology
from ._traffic import Roles, Tree

__all__ = ["Event", "SimContext"]

#: ``(time, device, own, kind, severity, link_id, text)``
Event = tuple[float, str, bool, str, str, "str | None", str]


@dataclass
class SimContext:
    """The network, the random generator and the resolved knobs of one run."""

    topology: Topology
    roles: Roles
    rng: np.random.Generator
    knobs: dict[str, Any]
    start: float  # window start (epoch seconds)
    end: float  # window end
    fault_time: float  # time of the first root cause
    base_tree: Tree
    ports: dict[tuple[int, int], tuple[int, int]] = field(
        default_factory=dict
    )  # (node, link) -> (slot, port)
    radio_behind: np.ndarray | None = None  # base stations behind each element (lazy)
    flaps: list[tuple[int, float, float]] = field(
        default_factory=list
    )  # background flaps: (link, down, up)

    def port(self, node: int, link: int) -> tuple[int, int]:
        """Slot and port of a link on an element (stable per network)."""
        if not self.ports:
            for v, nbrs in enumerate(self.roles.adj):
                per_slot = 2 if len(nbrs) <= 4 else 4
                for i, (_, k) in enumerate(nbrs):
                    self.ports[(v, k)] = (1 + i // per_slot, i % per_slot)
        return self.ports[(node, link)]

    def port_text(self, node: int, link: int) -> str:
        """A readable interface reference, e.g. ``port 1/0 to R7``."""
        slot, port = self.port(node, link)
        r = self.roles
        peer = r.dst[link] if r.src[link] == node else r.src[link]
        return f"port {slot}/{port} to {r.ids[peer]}"
