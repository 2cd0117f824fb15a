"""Fault injection: what each fault type does to the network and which alarms it raises itself.

Alarms that follow from the network state (ports seeing their link die,
routing adjacencies, the NMS losing elements, cells going out of service,
restarts) come from :mod:`._engine`; a fault lists only its state changes,
the alarms specific to it (power, card, radio, CPU, SLA) and its metric
effects. Each fault type picks its entity uniformly among the eligible ones.
"""

from __future__ import annotations

import numpy as np

from ._network import ROUTER_TYPES, Network
from ._symptom import Change, Fault, MetricEffect, Symptom

FAULT_TYPES = (
    "node_down",
    "link_down",
    "site_power",
    "card_failure",
    "congestion",
    "cpu_overload",
    "node_reboot",
    "microwave_fading",
)


def eligible(net: Network, fault: str) -> list[str]:
    """The entities a fault type can hit (node ids, link ids or site ids)."""
    nodes, links = net.nodes, net.links
    routers = nodes.loc[nodes["node_type"].isin(ROUTER_TYPES), "node_id"].tolist()
    if fault == "node_down":
        return nodes["node_id"].tolist()
    if fault == "link_down":  # cuts happen in the outside plant, between sites
        site = dict(zip(nodes["node_id"], nodes["site"]))
        between = links["source"].map(site) != links["target"].map(site)
        return links.loc[(links["link_type"] == "fiber") & between, "link_id"].tolist()
    if fault == "site_power":
        return sorted(s for s, members in net.sites.items() if len(members) >= 2)
    if fault == "card_failure":
        return [r for r in routers if net.graph.degree(r) >= 2]
    if fault == "congestion":
        carried = {lid for route in net.routes(set(), set()).values() for lid in route}
        return [lid for lid in links["link_id"] if lid in carried]
    if fault == "cpu_overload":
        return routers
    if fault == "node_reboot":
        return nodes.loc[
            nodes["node_type"].isin((*ROUTER_TYPES, "base_station")), "node_id"
        ].tolist()
    if fault == "microwave_fading":
        return links.loc[links["link_type"] == "microwave", "link_id"].tolist()
    raise ValueError(f"unknown fault type {fault!r}; expected one of {FAULT_TYPES}")


def inject(
    net: Network, fault: str, entity: str, t0: float, t_end: float, rng: np.random.Generator
) -> Fault:
    """The state changes, own alarms and metric effects of one fault."""
    kind = {
        "link_down": "link",
        "congestion": "link",
        "microwave_fading": "link",
        "site_power": "site",
    }.get(fault, "node")
    out = Fault(entity, kind, fault, t0)
    u = rng.uniform
    if fault == "node_down":
        out.changes.append(Change(t0, "node", entity, True))
    elif fault == "node_reboot":
        out.changes += [
            Change(t0, "node", entity, True),
            Change(t0 + u(120, 480), "node", entity, False),
        ]
    elif fault == "link_down":
        out.changes.append(Change(t0, "link", entity, True))
        if rng.random() < 0.15:  # spliced before the export window ends
            out.changes.append(Change(t0 + u(900, 1800), "link", entity, False))
    elif fault == "site_power":
        _site_power(net, out, rng)
    elif fault == "card_failure":
        _card_failure(net, out, rng)
    elif fault == "congestion":
        _congestion(net, out, t_end, rng)
    elif fault == "cpu_overload":
        _cpu_overload(net, out, t_end, rng)
    elif fault == "microwave_fading":
        _fading(net, out, rng)
    return out


def _site_power(net: Network, out: Fault, rng: np.random.Generator) -> None:
    members = net.sites[out.entity]
    t0, u = out.time, rng.uniform
    monitor = next((m for m in members if net.is_router(m)), members[0])
    if rng.random() < 0.5:  # rectifier reports the mains loss, batteries then run down
        site = out.entity
        out.symptoms.append(Symptom(t0 - u(300, 1800), monitor, "mains", fields={"site": site}))
        out.symptoms.append(
            Symptom(t0 - u(30, 240), monitor, "battery", fields={"volt": round(u(42, 46), 1)})
        )
    gasp = rng.random() < 0.5
    back = t0 + u(600, 1500) if rng.random() < 0.2 else None
    for m in members:
        if gasp and rng.random() < 0.8:
            out.symptoms.append(Symptom(t0 - u(0, 1), m, "dying_gasp"))
        out.changes.append(Change(t0 + u(0, 3), "node", m, True))
        if back is not None:
            out.changes.append(Change(back + u(30, 120), "node", m, False))


def _card_failure(net: Network, out: Fault, rng: np.random.Generator) -> None:
    node = out.entity
    slots: dict[int, list[str]] = {}
    for (n, lid), (slot, _) in net.ports.items():
        if n == node:
            slots.setdefault(slot, []).append(lid)
    slot = int(rng.choice(sorted(slots)))
    carried = sorted(slots[slot])[:3]
    for lid in carried:
        out.changes.append(Change(out.time, "link", lid, True))
    if rng.random() < 0.6:
        out.symptoms.append(
            Symptom(out.time + rng.uniform(0, 5), node, "card", fields={"slot": slot})
        )


def _affected_base_stations(
    net: Network, *, link: str | None = None, node: str | None = None
) -> list[str]:
    out = []
    for bs, route in net.routes(set(), set()).items():
        if link is not None and link in route:
            out.append(bs)
        elif node is not None and bs != node and any(node in net.endpoints(lid) for lid in route):
            out.append(bs)
    return sorted(out)


def _sla_alarms(
    out: Fault, stations: list[str], t_end: float, share: float, rng: np.random.Generator
) -> None:
    for bs in stations:
        if rng.random() > share:
            continue
        t = out.time + rng.uniform(60, 400)
        out.symptoms.append(Symptom(t, bs, "sla", fields={"ms": int(rng.integers(25, 180))}))
        if rng.random() < 0.3:  # the probe recovers for a while, then violates again
            tc = t + rng.uniform(120, 600)
            out.symptoms.append(
                Symptom(tc, bs, "sla", clear=True, fields={"ms": int(rng.integers(5, 18))})
            )
            if tc + 60 < t_end:
                out.symptoms.append(
                    Symptom(
                        tc + rng.uniform(60, 300),
                        bs,
                        "sla",
                        fields={"ms": int(rng.integers(25, 180))},
                    )
                )


def _congestion(net: Network, out: Fault, t_end: float, rng: np.random.Generator) -> None:
    lid, t0 = out.entity, out.time
    a, b = net.endpoints(lid)
    out.effects.append(MetricEffect(lid, "util", t0 + rng.uniform(0, 120), t_end, 0.9, 0.99))
    if rng.random() < 0.5:
        end = a if net.is_router(a) else b
        out.symptoms.append(
            Symptom(
                t0 + rng.uniform(60, 300),
                end,
                "util",
                lid,
                fields={"pct": int(rng.integers(90, 100))},
            )
        )
    _sla_alarms(out, _affected_base_stations(net, link=lid), t_end, rng.uniform(0.5, 1.0), rng)
    if (
        rng.random() < 0.2 and net.is_router(a) and net.is_router(b)
    ):  # a hold timer expires under load
        t = t0 + rng.uniform(120, 600)
        out.symptoms += [
            Symptom(t, a, "igp", lid),
            Symptom(t + rng.uniform(10, 60), a, "igp", lid, clear=True),
        ]


def _cpu_overload(net: Network, out: Fault, t_end: float, rng: np.random.Generator) -> None:
    node, t0 = out.entity, out.time
    out.effects.append(MetricEffect(node, "cpu", t0, t_end, 90.0, 99.0))
    if rng.random() < 0.6:
        out.symptoms.append(
            Symptom(
                t0 + rng.uniform(30, 300), node, "cpu", fields={"cpu": int(rng.integers(90, 100))}
            )
        )
    for peer in sorted(net.graph.neighbors(node)):
        if not net.is_router(peer) or rng.random() > 0.7:
            continue
        lid = net.graph[node][peer]["link_id"]
        for _ in range(int(rng.integers(1, 4))):  # hellos missed while the control plane starves
            t = t0 + rng.uniform(20, 900)
            out.symptoms += [
                Symptom(t, peer, "igp", lid),
                Symptom(t + rng.uniform(5, 60), peer, "igp", lid, clear=True),
            ]
    _sla_alarms(out, _affected_base_stations(net, node=node), t_end, rng.uniform(0.3, 0.9), rng)


def _fading(net: Network, out: Fault, rng: np.random.Generator) -> None:
    lid, t0, u = out.entity, out.time, rng.uniform
    for end in net.endpoints(lid):
        if rng.random() < 0.8:
            out.symptoms.append(
                Symptom(t0 + u(0, 20), end, "rsl", lid, fields={"rsl": int(rng.integers(-82, -66))})
            )
        if rng.random() < 0.6:
            out.symptoms.append(
                Symptom(
                    t0 + u(10, 120), end, "ber", lid, fields={"ber": f"1e-{rng.integers(3, 7)}"}
                )
            )
    t = t0 + u(30, 180)
    for _ in range(int(rng.integers(2, 7))):
        out.changes.append(Change(t, "link", lid, True))
        t += u(5, 90)
        out.changes.append(Change(t, "link", lid, False))
        t += u(30, 400)
    if rng.random() < 0.3:  # the hop finally drops for good
        out.changes.append(Change(t, "link", lid, True))
