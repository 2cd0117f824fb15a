"""One simulated incident: network, root cause(s), the NMS export and the truth."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._engine import deliverable, play
from ._faults import FAULT_TYPES, eligible, inject
from ._metrics import sample_metrics
from ._network import Network, make_network
from ._noise import background, degrade
from ._symptom import Fault, Symptom
from ._vendors import METRIC_NAMES, STYLES, render

_EPOCH0 = pd.Timestamp("2026-01-05T00:00:00Z").timestamp()


@dataclass
class SimIncident:
    """The tables of one incident folder plus how it was made.

    Attributes
    ----------
    nodes, links, alarms : DataFrame
        As written to ``nodes.csv``, ``links.csv`` and ``alarms.csv``.
    metrics : DataFrame or None
        ``metrics.csv``; absent from about a quarter of the incidents, never
        when a root is a congestion or a CPU overload.
    truth : dict
        ``truth.json``: ``{"root_causes": [...], "generator": {...}}``.
    """

    nodes: pd.DataFrame
    links: pd.DataFrame
    alarms: pd.DataFrame
    metrics: pd.DataFrame | None
    truth: dict


def make_incident(
    size: str = "small", *, random_state: int = 0, fault: str | None = None
) -> SimIncident:
    """Simulate one incident.

    Parameters
    ----------
    size : {"small", "medium", "large"}
    random_state : int
        Seeds every draw (topology, faults, symptoms, noise, export style).
    fault : str, optional
        Force the first root's fault type (default: uniform over ``FAULT_TYPES``).

    Returns
    -------
    SimIncident
    """
    rng = np.random.default_rng(random_state)
    style = str(rng.choice(sorted(STYLES)))
    link_ids = str(rng.choice(["default", "custom", "omitted"]))
    net = make_network(
        size,
        rng,
        link_ids="custom" if link_ids == "custom" else "default",
        naming=int(rng.integers(2)),
    )
    t_start = _EPOCH0 + float(rng.integers(0, 60 * 86400))
    t0 = t_start + rng.uniform(600, 1200)
    t_end = t0 + rng.uniform(1800, 2700)

    faults = [_draw_fault(net, fault, t0, t_end, rng, taken=set())]
    if rng.random() < 0.2:  # a second, independent root
        faults.append(
            _draw_fault(
                net, None, t0 + rng.uniform(-60, 600), t_end, rng, taken=_footprint(net, faults[0])
            )
        )
    noise_changes, noise_symptoms, noise_effects = background(net, rng, t_start, t_end)
    changes = [c for f in faults for c in f.changes] + noise_changes
    state_symptoms, timeline = play(net, changes, rng, t_start)
    symptoms = [
        s
        for s in [*state_symptoms, *(s for f in faults for s in f.symptoms), *noise_symptoms]
        if deliverable(s, timeline) and s.time <= t_end + 600
    ]
    knobs = {
        "igp": str(rng.choice(["igp_ospf", "igp_isis"])),
        "p_link": rng.uniform(0.7, 0.95),
        "p_peer": rng.uniform(0.4, 0.9),
    }
    alarms = degrade(_render(net, symptoms, style, knobs, rng), net.nodes["node_id"].tolist(), rng)
    alarms.insert(
        0, "alarm_id", [f"A{random_state % 100000:05d}-{i:05d}" for i in range(len(alarms))]
    )
    metrics = None
    metric_faults = any(f.fault in ("congestion", "cpu_overload") for f in faults)
    if rng.random() < 0.75 or metric_faults:  # those two faults show mainly in telemetry
        effects = [e for f in faults for e in f.effects] + noise_effects
        metrics = sample_metrics(net, timeline, effects, rng, t_start, t_end, METRIC_NAMES[style])
    truth = {
        "root_causes": [
            {"entity": f.entity, "kind": f.kind, "fault": f.fault, "time": _iso(f.time)}
            for f in faults
        ],
        "generator": {
            "name": "othersim",
            "size": size,
            "random_state": random_state,
            "nms_style": style,
            "link_ids": link_ids,
            "n_elements": int(len(net.nodes)),
        },
    }
    links = net.links.drop(columns="link_id") if link_ids == "omitted" else net.links
    fmt = str(rng.choice(["iso_z", "iso_naive", "epoch"]))
    alarms["timestamp"] = _format_times(alarms.pop("time"), fmt)
    alarms = alarms[
        ["alarm_id", "timestamp", "device", "alarm_type", "severity", "link_id", "message"]
    ]
    if metrics is not None:
        metrics["timestamp"] = _format_times(metrics["timestamp"], fmt)
    return SimIncident(net.nodes.copy(), links.copy(), alarms, metrics, truth)


def _draw_fault(
    net: Network, fault: str | None, t0: float, t_end: float, rng: np.random.Generator, taken: set
) -> Fault:
    for _ in range(50):
        kind = fault or str(rng.choice(FAULT_TYPES))
        pool = [e for e in eligible(net, kind) if e not in taken]
        if pool:
            return inject(net, kind, str(rng.choice(pool)), t0, t_end, rng)
        fault = None  # this network has no such entity (e.g. no microwave hop): draw another type
    raise RuntimeError("no eligible entity for any fault type")


def _footprint(net: Network, fault: Fault) -> set:
    """Entities a second root must avoid: the first root, its elements, links and site."""
    if fault.kind == "site":
        nodes = set(net.sites[fault.entity])
    elif fault.kind == "link":
        nodes = set(net.endpoints(fault.entity))
    else:
        nodes = {fault.entity}
    links = {net.graph[a][b]["link_id"] for a in nodes for b in net.graph.neighbors(a)}
    sites = {net.graph.nodes[n]["site"] for n in nodes}
    return nodes | links | sites | {fault.entity}


def _render(
    net: Network, symptoms: list[Symptom], style: str, knobs: dict, rng: np.random.Generator
) -> pd.DataFrame:
    rows = []
    for s in sorted(symptoms, key=lambda s: s.time):
        role = s.role
        if role == "port":
            assert s.link_id is not None  # port symptoms are made on a link
            role = "port_fiber" if net.link_type(s.link_id) == "fiber" else "port_other"
        elif role == "igp":
            role = knobs["igp"]
        fields = {
            "device": s.device,
            "site": net.graph.nodes[s.device]["site"],
            "cell": 1,
            **s.fields,
        }
        if s.link_id is not None and (s.device, s.link_id) in net.ports:
            a, b = net.endpoints(s.link_id)
            peer = b if s.device == a else a
            slot, port = net.ports[(s.device, s.link_id)]
            fields.update(
                port=port,
                peer=peer,
                peer_ip=net.loopback.get(peer, "0.0.0.0"),
                **{"slot": fields.get("slot", slot)},
            )
            fields["to_peer"] = f" (to {peer})" if rng.random() < knobs["p_peer"] else ""
        alarm_type, severity, message = render(style, role, fields, clear=s.clear)
        show = {
            "port_fiber": knobs["p_link"],
            "port_other": knobs["p_link"],
            "util": 0.9,
            "rsl": 0.9,
            "ber": 0.9,
            knobs["igp"]: 0.4,
        }.get(role, 0.0)
        rows.append(
            dict(
                time=s.time,
                device=s.device,
                alarm_type=alarm_type,
                severity=severity,
                link_id=s.link_id if s.link_id and rng.random() < show else None,
                message=message,
                origin=s.origin,
            )
        )
    return pd.DataFrame(
        rows, columns=["time", "device", "alarm_type", "severity", "link_id", "message", "origin"]
    )


def _iso(t: float) -> str:
    return pd.Timestamp(t, unit="s", tz="UTC").strftime("%Y-%m-%dT%H:%M:%SZ")


def _format_times(times: pd.Series, fmt: str) -> pd.Series:
    if fmt == "epoch":
        return times.round(3).astype(str)
    stamps = pd.to_datetime(times, unit="s", utc=True)
    if fmt == "iso_z":
        return stamps.dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ").str.replace(r"\d{3}Z$", "Z", regex=True)
    return stamps.dt.strftime("%Y-%m-%d %H:%M:%S")
