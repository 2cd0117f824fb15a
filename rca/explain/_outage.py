"""Footprints of outages: an element, a site, a link, a card or a duct stops carrying traffic.

What an outage predicts (the factor is the chance that the fault produces
that symptom at all, before alarms are lost on the way):

- every element the NMS can no longer reach is reported lost (comm-lost,
  or its metrics stop); a dead element may also send a dying gasp, a power
  alarm (certainly, for a site losing mains), and a restart when it returns;
- each live end of a failed link reports it down (a port alarm about that
  link: certain; a port alarm that names no link: likely; a routing
  adjacency lost: likely), and anyone still reachable may report the link;
- the neighbours of what dies see protocol, SLA and service symptoms, and
  elements that depend on it see their services degrade;
- a failed card is announced by its element as a hardware alarm.

A predicted symptom that never arrived is counted in :class:`Slots`.
"""

from __future__ import annotations

from .._observe import Observations
from ._hypotheses import Hypothesis

__all__ = ["Slots", "outage_footprint", "OUTAGES"]

#: Faults whose footprint is an outage.
OUTAGES = frozenset({"node_down", "site_power", "link_down", "card_failure", "fiber_cut"})


class Slots:
    """Predicted symptoms, seen or not: lost elements and link reporters.

    Attributes
    ----------
    lost_seen, lost_unseen : int
        Elements predicted lost to the NMS that were (not) reported lost.
    dead_unseen : int
        Of ``lost_unseen``, elements the hypothesis kills outright.
    ports_seen, ports_unseen : int
        Live ends of failed links that did (not) report them.
    """

    __slots__ = ("lost_seen", "lost_unseen", "dead_unseen", "ports_seen", "ports_unseen")

    def __init__(self) -> None:
        self.lost_seen = self.lost_unseen = self.dead_unseen = self.ports_seen = (
            self.ports_unseen
        ) = 0


def outage_footprint(h: Hypothesis, obs: Observations, take) -> Slots:
    """Call ``take(i, factor)`` for each observation ``h`` can produce; return its predicted slots."""
    topo = obs.topology
    items = obs.items
    slots = Slots()
    for u in sorted(h.lost):
        seen_lost = False
        for i in obs.by_entity.get(u, ()):
            role = items[i].role
            if role in ("comm_lost", "silent"):
                take(i, 1.0)
                seen_lost = True
            elif role in ("dying_gasp", "restart") and u in h.dead:
                take(i, 1.0)
            elif role == "power" and u in h.dead:
                take(i, 1.0 if h.kind == "site" else 0.6)
            elif role == "service":
                take(i, 0.6)  # a lost cell's outage, raised on its behalf by the OSS
        if seen_lost:
            slots.lost_seen += 1
        else:
            slots.lost_unseen += 1
            slots.dead_unseen += u in h.dead
    for link in sorted(h.failed_links):
        a, b = topo.link_endpoints(link)
        for x in (a, b):
            if x in h.lost:
                continue
            got = False
            for i in obs.by_entity.get(x, ()):
                o = items[i]
                if o.role == "link" and (o.link == link or o.link is None):
                    take(i, 1.0 if o.link == link else 0.7)
                    got = True
                elif o.role == "protocol":
                    take(i, 0.8)
                    got = True
                elif o.role in ("sla", "service", "other") and o.link in (None, link):
                    take(i, 0.5)
            if got:
                slots.ports_seen += 1
            else:
                slots.ports_unseen += 1
        for i in obs.by_link.get(link, ()):
            # alarms about the link from anyone who can still report (the NMS,
            # a peer); never from an element the hypothesis kills
            if items[i].role in ("link", "protocol", "other") and items[i].entity not in h.lost:
                take(i, 1.0)
    # the neighbours of what dies or is cut off (a card kills nothing: its far ends report above)
    ring = {w for u in (h.lost or h.dead) if u in topo for w in topo.neighbors(u)} - set(h.lost)
    for x in sorted(ring):
        for i in obs.by_entity.get(x, ()):
            if items[i].role in ("protocol", "sla", "service"):
                take(i, 0.5)
    for x in sorted(topo.dependents(h.lost)):
        for i in obs.by_entity.get(x, ()):
            if items[i].role in ("sla", "service", "other", "protocol"):
                take(i, 1.0)
    if h.fault == "card_failure":
        for i in obs.by_entity.get(h.entity, ()):
            if items[i].role in ("hardware", "link"):
                take(i, 1.0)
    return slots
