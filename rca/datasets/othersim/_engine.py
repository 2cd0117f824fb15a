"""The NMS view of a sequence of state changes: which alarms reach the operator, and when.

Rules, as an NMS behaves:

* a dead element raises nothing; an element cut off from every gateway
  raises nothing of its own (its traps cannot get out);
* the surviving, reachable end of a link that goes down raises a port alarm,
  and a routing-adjacency alarm when both ends are routers (after a BFD or
  dead-timer delay); iBGP peers of a lost core router raise BGP alarms;
* the NMS raises a comm-lost alarm for every element it stops reaching, dead
  or cut off, at its next poll (one delay per poll, the whole batch at once);
* the OSS raises cell-outage alarms for base stations that die or are cut off;
* everything clears when it recovers; a node that comes back sends a restart.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from itertools import groupby

import numpy as np

from ._network import Network
from ._symptom import Change, Symptom

RADIO = ("base_station", "small_cell")


@dataclass(frozen=True)
class State:
    """The network from ``time`` on."""

    time: float
    down_nodes: frozenset
    down_links: frozenset
    reach: frozenset


class Timeline:
    """States in time order; ``at(t)`` is the state in force at time t."""

    def __init__(self, states: list[State]):
        self.states = states
        self._times = [s.time for s in states]

    def index(self, t: float) -> int:
        return max(0, bisect.bisect_right(self._times, t) - 1)

    def at(self, t: float) -> State:
        return self.states[self.index(t)]


def play(
    net: Network, changes: list[Change], rng: np.random.Generator, t_start: float
) -> tuple[list[Symptom], Timeline]:
    """Replay state changes; return the state-driven alarms and the timeline."""
    down_nodes: set = set()
    down_links: set = set()
    reach = net.reachable(down_nodes, down_links)
    states = [State(t_start - 1e9, frozenset(), frozenset(), frozenset(reach))]
    out: list[Symptom] = []
    raised: set = set()  # (device, role, link) currently raised
    u = rng.uniform
    cores = set(net.nodes.loc[net.nodes["node_type"] == "core_router", "node_id"])

    def up_links(dn, dl):
        return {
            lid
            for lid in net.links["link_id"]
            if lid not in dl and not set(net.endpoints(lid)) & dn
        }

    prev_up = up_links(down_nodes, down_links)
    for t, group in groupby(
        sorted(changes, key=lambda c: (c.time, c.entity)), key=lambda c: c.time
    ):
        returned = set()
        for c in group:
            target = down_nodes if c.kind == "node" else down_links
            if c.down:
                target.add(c.entity)
            elif c.entity in target:
                target.discard(c.entity)
                if c.kind == "node":
                    returned.add(c.entity)
        new_reach = net.reachable(down_nodes, down_links)
        now_up = up_links(down_nodes, down_links)
        for lid in sorted(prev_up - now_up):
            a, b = net.endpoints(lid)
            for end in (a, b):
                if end in new_reach:
                    out += _raise(raised, Symptom(t + u(0, 2), end, "port", lid))
                    if net.is_router(a) and net.is_router(b):
                        out += _raise(raised, Symptom(t + u(1, 40), end, "igp", lid))
        for lid in sorted(now_up - prev_up):
            for end in net.endpoints(lid):
                if end in new_reach:
                    out += _clear(raised, Symptom(t + u(1, 10), end, "port", lid, clear=True))
                    out += _clear(raised, Symptom(t + u(5, 40), end, "igp", lid, clear=True))
        lost = sorted(reach - new_reach)
        found = sorted(new_reach - reach)
        poll = t + u(30, 300)
        for i, node in enumerate(lost):
            out += _raise(
                raised, Symptom(poll + 0.05 * i + u(0, 5), node, "comm_lost", origin="nms")
            )
            if node in cores:
                for peer in sorted(cores & new_reach):
                    out += _raise(
                        raised,
                        Symptom(
                            t + u(30, 90),
                            peer,
                            "bgp",
                            fields={"peer_ip": net.loopback[node]},
                            link_id=node,
                        ),
                    )
            if net.node_type(node) in RADIO:
                for cell in range(1, int(rng.integers(2, 4))):
                    out += _raise(
                        raised,
                        Symptom(
                            t + u(5, 60),
                            node,
                            "cell_outage",
                            link_id=f"cell{cell}",
                            origin="oss",
                            fields={"cell": cell},
                        ),
                    )
        poll = t + u(30, 300)
        for i, node in enumerate(found):
            out += _clear(
                raised,
                Symptom(poll + 0.05 * i + u(0, 5), node, "comm_lost", clear=True, origin="nms"),
            )
            for peer in sorted(cores & new_reach) if node in cores else ():
                out += _clear(
                    raised,
                    Symptom(
                        t + u(10, 60),
                        peer,
                        "bgp",
                        clear=True,
                        fields={"peer_ip": net.loopback[node]},
                        link_id=node,
                    ),
                )
            for cell in (1, 2, 3):
                out += _clear(
                    raised,
                    Symptom(
                        t + u(30, 120),
                        node,
                        "cell_outage",
                        link_id=f"cell{cell}",
                        clear=True,
                        origin="oss",
                        fields={"cell": cell},
                    ),
                )
        for node in sorted(returned & new_reach):
            out.append(Symptom(t + u(0, 30), node, "restart"))
        states.append(State(t, frozenset(down_nodes), frozenset(down_links), frozenset(new_reach)))
        reach, prev_up = new_reach, now_up
    timeline = Timeline(states)
    out = _unseen_outages_dropped(net, out, timeline)
    for s in out:  # the BGP and cell bookkeeping keys are not links
        if s.role in ("bgp", "cell_outage"):
            s.link_id = None
    return out, timeline


def _unseen_outages_dropped(
    net: Network, symptoms: list[Symptom], timeline: Timeline
) -> list[Symptom]:
    """Alarms whose condition is gone when they would fire raise nothing, and so clear nothing.

    The NMS poll (or OSS check) finds the element back; the link came back
    before the routing adjacency's dead timer expired.
    """
    keep, muted = [], set()
    for s in sorted(symptoms, key=lambda s: s.time):
        key = (s.device, s.role, s.link_id)
        state = timeline.at(s.time)
        gone = (s.origin != "device" and s.device in state.reach) or (
            s.role == "igp"
            and s.link_id is not None
            and s.link_id not in state.down_links
            and not set(net.endpoints(s.link_id)) & state.down_nodes
        )
        if not s.clear and gone:
            muted.add(key)
        elif s.clear and key in muted:
            muted.discard(key)
        else:
            keep.append(s)
    return keep


def _raise(raised: set, s: Symptom) -> list[Symptom]:
    key = (s.device, s.role, s.link_id)
    if key in raised:
        return []
    raised.add(key)
    return [s]


def _clear(raised: set, s: Symptom) -> list[Symptom]:
    key = (s.device, s.role, s.link_id)
    if key not in raised:
        return []
    raised.discard(key)
    return [s]


def deliverable(s: Symptom, timeline: Timeline) -> bool:
    """An alarm reaches the NMS if the NMS/OSS raised it, or its device was reachable then."""
    return s.origin != "device" or s.device in timeline.at(s.time).reach
