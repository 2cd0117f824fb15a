"""The plain-language side of a hypothesis: its one-line reason and its evidence paths.

Every evidence path starts at the candidate (a node, the link, or the
site) and walks the topology to an element whose alarm the hypothesis
explains, so an engineer can check each step against the inventory and the
alarm log.
"""

from __future__ import annotations

from .._observe import Observation, Observations
from .._time import to_iso
from .._text import plural
from ..result import Evidence, EvidenceAlarm
from ._footprint import Footprint
from ._load import SATURATION

__all__ = ["reason", "evidence", "ROLE_TEXT"]

ROLE_TEXT = {
    "restart": "restarted", "comm_lost": "lost by the NMS", "silent": "stopped reporting metrics", "dying_gasp": "sent a dying gasp",
    "power": "raised a power alarm", "link": "reported a link down", "protocol": "lost a protocol adjacency",
    "hardware": "raised a hardware alarm", "cpu": "raised a CPU alarm", "sla": "reported SLA degradation",
    "service": "reported a service alarm", "other": "alarmed", "metric_load": "shows a utilisation surge",
    "metric_cpu": "shows a CPU surge", "metric_sla": "shows an SLA metric surge",
    "metric_load_saturated": "runs saturated", "metric_cpu_saturated": "runs its CPU saturated",
}


def _text_key(o: Observation) -> str:
    """The :data:`ROLE_TEXT` key of an observation (a saturated metric is no surge)."""
    return f"{o.role}_saturated" if o.saturated else o.role


def reason(s: Footprint, obs: Observations) -> str:
    """One line: what failed, when, and what it explains (and what speaks against it)."""
    h = s.hyp
    counts: dict[str, set[str]] = {}
    for i in s.explained:
        o = obs.items[i]
        counts.setdefault(_text_key(o), set()).add(o.entity)
    parts = [f"{len(v)} {ROLE_TEXT[k].replace('reported', 'report').replace('raised', 'raise').replace('shows', 'show').replace('stopped', 'stop').replace('lost a', 'lose a').replace('sent', 'send').replace('runs', 'run')}"
             if len(v) > 1 else f"{next(iter(v))} {ROLE_TEXT[k]}"
             for k, v in sorted(counts.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:4]]
    what = {"node_down": f"{h.entity} down", "link_down": f"link {h.entity} cut",
            "site_power": f"site {h.entity} lost power ({plural(len(h.members), 'element')})",
            "card_failure": (f"card failure on {h.entity} ({len(h.failed_links)} links)" if len(h.failed_links) > 1
                             else f"port or card failure on {h.entity} (link {next(iter(h.failed_links), '?')})"),
            "fiber_cut": f"duct cut of {', '.join(sorted(h.failed_links))} (they leave one site along one route)",
            "congestion": f"link {h.entity} congested",
            "link_degraded": f"link {h.entity} degraded (flapping, errors, lost capacity)", "cpu_overload": f"{h.entity} CPU overloaded"}[h.fault]
    if h.jointly_lost:   # its footprint assumes the earlier roots failed too
        what += f" on top of {', '.join(h.given)} down"
    text = f"{what} at ~{to_iso(s.t_fault)}: explains " + "; ".join(parts)
    against = []
    if s.contradictions:
        names = ", ".join(sorted(u for u, _ in s.contradictions)[:3])
        against.append(f"{names} kept alarming after the fault")
    if h.fault in ("congestion", "cpu_overload") and s.level is not None and s.level < SATURATION:
        what_metric = "its utilisation" if h.fault == "congestion" else "its CPU"
        against.append(f"{what_metric} peaked at {100 * s.level:.0f} %")
    if against:
        text += "; against it: " + "; ".join(against)
    return text


def evidence(s: Footprint, obs: Observations, value: dict[int, float]) -> list[Evidence]:
    """Topology paths from the candidate to the alarms it explains, strongest first (by ``value``)."""
    topo = obs.topology
    h = s.hyp
    by_entity: dict[str, list[Observation]] = {}
    for i in sorted(s.explained, key=lambda i: (-value[i], i)):
        o = obs.items[i]
        by_entity.setdefault(o.entity, []).append(o)
    if h.kind == "node":
        starts = {h.entity: [h.entity]}
    elif h.kind == "link":
        a, b = topo.link_endpoints(h.entity)
        starts = {}
        for l in sorted(h.failed_links - {h.entity}):   # a duct cut: along its other links first
            x, y = topo.link_endpoints(l)
            if x in (a, b) or y in (a, b):
                near, far = (x, y) if x in (a, b) else (y, x)
                starts[far] = [h.entity, near, far]
        starts.update({a: [h.entity, a], b: [h.entity, b]})
    else:
        starts = {m: [h.entity, m] for m in h.members}
    targets = [e for e in by_entity if e in topo]
    paths: dict[str, list[str]] = {}
    for start, prefix in starts.items():
        for target, path in topo.path_tree(start, targets).items():
            full = prefix + path[1:]
            if target not in paths or len(full) < len(paths[target]):
                paths[target] = full
    strength: dict[str, float] = {}
    for i in s.explained:
        e = obs.items[i].entity
        strength[e] = strength.get(e, 0.0) + value[i]
    ranked = sorted(by_entity.items(), key=lambda kv: (-strength[kv[0]], len(paths.get(kv[0], ())), kv[0]))
    crossed = f"one of {', '.join(sorted(h.failed_links))}" if h.fault == "fiber_cut" else h.entity
    out = []
    for entity, observations in ranked[:8]:
        if entity in paths:
            path = tuple(paths[entity])
        elif topo.has_link(entity):  # metric observation on a link
            path = (h.entity,) if entity == h.entity else (h.entity, entity)
        else:
            continue
        o = observations[0]
        alarms = tuple(EvidenceAlarm(dev, atype, t, lid) for t, dev, atype, lid in o.alarms[:3])
        why = f"{entity} {ROLE_TEXT[_text_key(o)]}"
        if o.alarms:
            why += f" ({o.alarms[0][2]} at {to_iso(o.alarms[0][0])})"
        if o.role in ("comm_lost", "silent") and entity in h.jointly_lost:
            why += f": with {', '.join(h.given)} down, every path left from the NMS to it crosses {crossed}"
        elif o.role in ("comm_lost", "silent") and len(path) > 1:
            why += f": every path from the NMS to it crosses {crossed}"
        elif o.role == "link" and o.link:
            why += f" on {o.link}"
        out.append(Evidence(path=path, why=why, alarms=alarms,
                            source="metrics" if o.role.startswith("metric_") or o.role == "silent" else "topology"))
    if not out:
        out.append(Evidence(path=(h.entity,), why=f"{h.entity}: no single alarm pinned; see the reason"))
    return out
