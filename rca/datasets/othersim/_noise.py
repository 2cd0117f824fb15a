"""What a real export adds to an incident: unrelated activity and a lossy, skewed log.

:func:`background` draws the unrelated activity of the window (a flapping
redundant link or two, transient port and adjacency flaps, a CPU spike,
SLA blips, fans, temperature, logins, config changes, a transient poll
timeout). :func:`degrade` then spoils the exported log: device clock skew,
lost alarms, duplicates, late arrivals out of order, and devices that are not
in the inventory.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd

from ._network import Network
from ._symptom import Change, MetricEffect, Symptom

_KINDS = ("port", "igp", "cpu", "sla", "fan", "temp", "login", "config", "comm_lost")
_WEIGHTS = np.array([3, 2, 1, 2, 1, 1, 2, 2, 0.5])


def background(
    net: Network, rng: np.random.Generator, t_start: float, t_end: float
) -> tuple[list[Change], list[Symptom], list[MetricEffect]]:
    """Unrelated changes, alarms and metric spikes over ``[t_start, t_end]``."""
    changes: list[Change] = []
    symptoms: list[Symptom] = []
    effects: list[MetricEffect] = []
    u = rng.uniform
    bridges = {net.graph[a][b]["link_id"] for a, b in nx.bridges(net.graph)}
    redundant = sorted(set(net.links["link_id"]) - bridges)
    for lid in rng.choice(
        redundant, size=min(len(redundant), int(rng.integers(0, 3))), replace=False
    ):
        t = u(t_start, t_end)
        for _ in range(int(rng.integers(2, 6))):  # a dirty connector: down for seconds, repeatedly
            changes += [
                Change(t, "link", str(lid), True),
                Change(t + u(2, 30), "link", str(lid), False),
            ]
            t += u(60, 600)
    nodes = net.nodes["node_id"].tolist()
    routers = [n for n in nodes if net.is_router(n)]
    stations = [n for n in nodes if net.node_type(n) == "base_station"]
    n_events = int(rng.poisson(2 + 0.03 * len(nodes)))
    for kind in rng.choice(_KINDS, size=n_events, p=_WEIGHTS / _WEIGHTS.sum()):
        t = u(t_start, t_end)
        back = t + u(5, 300)
        if kind in ("port", "igp"):
            lid = str(rng.choice(net.links["link_id"]))
            end = net.endpoints(lid)[int(rng.integers(2))]
            if kind == "igp" and not all(net.is_router(n) for n in net.endpoints(lid)):
                kind = "port"
            symptoms += [Symptom(t, end, kind, lid), Symptom(back, end, kind, lid, clear=True)]
        elif kind == "cpu":
            node = str(rng.choice(routers))
            effects.append(MetricEffect(node, "cpu", t, t + u(60, 400), 80.0, 97.0))
            symptoms += [
                Symptom(t + 30, node, "cpu", fields={"cpu": int(rng.integers(86, 97))}),
                Symptom(
                    back + 300, node, "cpu", clear=True, fields={"cpu": int(rng.integers(20, 60))}
                ),
            ]
        elif kind == "sla" and stations:
            bs = str(rng.choice(stations))
            symptoms += [
                Symptom(t, bs, "sla", fields={"ms": int(rng.integers(25, 80))}),
                Symptom(back, bs, "sla", clear=True, fields={"ms": int(rng.integers(5, 18))}),
            ]
        elif kind == "comm_lost":  # one poll times out, the next succeeds
            node = str(rng.choice(nodes))
            symptoms += [
                Symptom(t, node, "comm_lost", origin="nms"),
                Symptom(t + u(60, 300), node, "comm_lost", clear=True, origin="nms"),
            ]
        elif kind in ("fan", "temp", "login", "config"):
            node = str(rng.choice(nodes))
            symptoms.append(
                Symptom(
                    t,
                    node,
                    str(kind),
                    fields={"slot": int(rng.integers(1, 9)), "temp": int(rng.integers(70, 90))},
                )
            )
    return changes, symptoms, effects


def degrade(alarms: pd.DataFrame, nodes: list[str], rng: np.random.Generator) -> pd.DataFrame:
    """Skew device clocks, lose 5-15 % of rows, duplicate a few, deliver some late, add strangers.

    ``alarms`` has columns time, device, alarm_type, severity, link_id,
    message and origin; the result keeps them, in arrival order.
    """
    frame = alarms.copy()
    devices = sorted(set(frame["device"]))
    skew = {d: rng.normal(0, 2) if rng.random() > 0.1 else rng.uniform(-30, 30) for d in devices}
    from_device = frame["origin"] == "device"
    frame.loc[from_device, "time"] = frame.loc[from_device, "time"] + frame.loc[
        from_device, "device"
    ].map(skew)
    frame = frame[rng.random(len(frame)) >= rng.uniform(0.05, 0.15)]
    dups = frame[rng.random(len(frame)) < rng.uniform(0.01, 0.04)].copy()
    dups["time"] = dups["time"] + rng.choice([0.0, 0.0, 1.0, 2.0], size=len(dups))
    strangers = []
    t_lo, t_hi = float(alarms["time"].min()), float(alarms["time"].max())
    pool = ["OLD-RTR-17", "csr-9999", "TEST-LAB-01", f"{nodes[0]}-old", "decom-bs-42"]
    for dev in rng.choice(pool, size=int(rng.integers(1, 5))):
        strangers.append(
            dict(
                time=rng.uniform(t_lo, t_hi),
                device=str(dev),
                alarm_type=str(rng.choice(frame["alarm_type"])),
                severity="minor",
                link_id=None,
                message="unmanaged element",
                origin="device",
            )
        )
    frame = pd.concat([frame, dups, pd.DataFrame(strangers)], ignore_index=True)
    delay = rng.exponential(3.0, len(frame))
    late = rng.random(len(frame)) < 0.02
    delay[late] += rng.uniform(60, 600, int(late.sum()))  # buffered then forwarded minutes later
    frame["arrival"] = frame["time"] + delay
    return (
        frame.sort_values("arrival", kind="stable").drop(columns="arrival").reset_index(drop=True)
    )
