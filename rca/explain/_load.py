"""Footprints of load faults: a congested or degraded link, an overloaded CPU.

Nothing goes dark. A congested link shows its utilisation surge and SLA
alarms on it; the paths across it degrade (latency, loss, cells). A degraded
link (a fading radio hop, a failing optic) flaps: its ports and routing
adjacencies go down and up, and the NMS may lose what lies behind it while
it is down. An overloaded CPU shows in its CPU metric and CPU alarms, its
routing adjacencies drop, and the traffic it forwards degrades.

The level the metric reached decides how plausible a load fault is at all:
an overloaded CPU or a congested link runs near its capacity, so a series
that never came close (a CPU that stayed at 30 %) speaks against the fault,
whatever a threshold alarm says (:func:`level_factor`).
"""

from __future__ import annotations

from .._observe import Observations
from ._hypotheses import Hypothesis

__all__ = ["LOAD_FAULTS", "load_footprint", "level_factor", "SATURATION"]

#: Faults whose footprint is a load condition.
LOAD_FAULTS = frozenset({"congestion", "link_degraded", "cpu_overload"})
#: Share of capacity at which a link or CPU is saturated (queues build up,
#: control-plane processes starve): the usual engineering threshold.
SATURATION = 0.8
# Lowest factor a level can give: a metric can be mis-scaled or averaged.
_FLOOR = 0.01


def level_factor(peak: float | None) -> float:
    """How likely a load fault is to leave a series peaking at ``peak`` (share of capacity).

    1 at or above :data:`SATURATION`, then falling as the fourth power of the
    shortfall (a CPU peaking at 40 % gives 0.06), never below 0.01; 1 when
    there is no share-of-capacity series to look at.

    Examples
    --------
    >>> level_factor(0.95), round(level_factor(0.4), 4), level_factor(None)
    (1.0, 0.0625, 1.0)
    """
    if peak is None:
        return 1.0
    return max(_FLOOR, min(1.0, peak / SATURATION) ** 4)


def load_footprint(h: Hypothesis, obs: Observations, take) -> None:
    """Call ``take(i, factor)`` for each observation ``h`` can produce."""
    topo = obs.topology
    items = obs.items
    if h.fault == "link_degraded":
        for u in sorted(h.intermittent):  # the NMS loses what lies behind the hop while it is down
            for i in obs.by_entity.get(u, ()):
                if items[i].role in ("comm_lost", "silent"):
                    take(i, 0.8)
        a, b = topo.link_endpoints(h.entity)
        for i in obs.by_link.get(h.entity, ()):
            if items[i].role in ("link", "protocol"):
                take(i, 1.0)
        for x in (a, b):
            for i in obs.by_entity.get(x, ()):
                if items[i].role == "protocol":
                    take(i, 0.8)
    if h.fault in ("congestion", "link_degraded"):
        for i in obs.by_entity.get(h.entity, ()):
            if items[i].role == "metric_load":
                take(i, 1.0)
        for i in obs.by_link.get(h.entity, ()):
            if items[i].role in ("sla", "metric_load"):
                take(i, 1.0)
        a, b = topo.link_endpoints(h.entity)
        for x in (a, b):
            for i in obs.by_entity.get(x, ()):
                if items[i].role in ("sla", "protocol"):
                    take(i, 0.6)
    if h.fault == "cpu_overload":
        for i in obs.by_entity.get(h.entity, ()):
            if items[i].role in ("metric_cpu", "cpu", "protocol", "sla"):
                take(i, 1.0)
        for x in topo.neighbors(h.entity):
            for i in obs.by_entity.get(x, ()):
                if items[i].role == "protocol":
                    take(i, 0.6)
    for x in sorted(h.affected):
        for i in obs.by_entity.get(x, ()):
            if items[i].role in ("sla", "service", "metric_sla"):
                take(i, 0.8)


def peak_level(h: Hypothesis, obs: Observations) -> float | None:
    """The highest level the entity's own load (congestion) or CPU (overload) series reached."""
    if h.fault == "congestion":
        return obs.metric_peaks.get((h.entity, "load"))
    if h.fault == "cpu_overload":
        return obs.metric_peaks.get((h.entity, "cpu"))
    return None
