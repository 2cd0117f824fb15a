"""Fault injection: what each fault type breaks, and the alarms only it raises.

A fault picks its root entity, then describes itself as outages (elements
and links out of service over a time span), the alarms the fault itself
causes (dying gasp, mains failure, card failure, radio fading...), and its
effect on traffic (extra load, lower capacity, cpu, processing delay). The
consequences every outage shares (link alarms at the neighbours, protocol
adjacencies, NMS comm-lost) are the physics of :mod:`._alarms_sim`.
"""

from __future__ import annotations

import math
from collections.abc import Set
from dataclasses import dataclass, field

import numpy as np

from ..errors import InputError
from ..faults import FAULTS
from ._context import Event, SimContext
from ._timeline import Outage

__all__ = ["FAULT_TYPES", "FAULT_KINDS", "Fault", "inject", "available_faults"]

#: Fault types the twin can inject (in the order the failure GNN's model
#: files record), and the kind of their root entity, from :mod:`rca.faults`.
FAULT_KINDS: dict[str, str] = {
    name: FAULTS[name].kind
    for name in (
        "node_down",
        "link_down",
        "site_power",
        "card_failure",
        "congestion",
        "cpu_overload",
        "fiber_cut",
        "microwave_fading",
        "node_reboot",
    )
}
FAULT_TYPES: tuple[str, ...] = tuple(FAULT_KINDS)


@dataclass
class Fault:
    """One injected fault: its root entities and everything it does."""

    fault: str
    roots: list[tuple[str, str]]  # (entity, kind)
    time: float
    outages: list[Outage] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    extra_load: list[tuple[int, float, float, float]] = field(
        default_factory=list
    )  # link, start, end, utilisation
    capacity: list[tuple[int, float, float, float]] = field(
        default_factory=list
    )  # link, start, end, factor
    cpu: list[tuple[int, float, float, float]] = field(
        default_factory=list
    )  # node, start, end, percent
    delay: list[tuple[int, float, float, float]] = field(
        default_factory=list
    )  # node, start, end, ms


def _ev(
    t: float,
    device: str,
    kind: str,
    *,
    own: bool = True,
    link: str | None = None,
    text: str = "",
    severity: str | None = None,
) -> Event:
    from ._vocabulary import SEVERITY

    return (t, device, own, kind, severity or SEVERITY[kind], link, text)


# ----------------------------------------------------------------- candidates
def _node_candidates(
    ctx: SimContext, taken: set[str], *, need_slots: bool = False, router: bool = False
) -> list[int]:
    r = ctx.roles
    gws = set(ctx.topology.gateways)
    out = []
    for i, n in enumerate(r.ids):
        if n in taken or (n in gws and len(gws) == 1):
            continue
        if router and (r.radio[i] or len(r.adj[i]) < 2):
            continue
        if need_slots and (r.radio[i] or len({ctx.port(i, k)[0] for _, k in r.adj[i]}) < 2):
            continue
        out.append(i)
    return out


def _pick_node(ctx: SimContext, cands: list[int]) -> int:
    weights = np.asarray([(1.0, 1.5, 1.5, 0.8)[ctx.roles.tier[i]] for i in cands])
    return cands[int(ctx.rng.choice(len(cands), p=weights / weights.sum()))]


def _pick_cut(ctx: SimContext, cands: list[int]) -> int:
    """A link to cut: one inside a site (a patch cord) is picked ``inside_site_link_weight`` as often.

    Fibre is cut in the ground between sites (digging, storms); a short run
    inside one building rarely fails on its own.
    """
    w = float(ctx.knobs["inside_site_link_weight"])
    weights = np.asarray(
        [w if ctx.topology.inside_site(ctx.roles.link_ids[k]) else 1.0 for k in cands]
    )
    if weights.sum() <= 0:
        weights[:] = 1.0
    return cands[int(ctx.rng.choice(len(cands), p=weights / weights.sum()))]


def _link_candidates(ctx: SimContext, taken: set[str], kind: str = "any") -> list[int]:
    r = ctx.roles
    out = []
    for k, l in enumerate(r.link_ids):
        if l in taken:
            continue
        if kind == "fiber" and not r.fiber[k]:
            continue
        if kind == "microwave" and not r.microwave[k]:
            continue
        if kind == "loaded" and not _carries_radio(ctx, k):
            continue
        out.append(k)
    return out


def _carries_radio(ctx: SimContext, k: int) -> bool:
    """Whether link ``k`` carries base-station traffic towards the core."""
    r, tree = ctx.roles, ctx.base_tree
    for end in (int(r.src[k]), int(r.dst[k])):
        if tree.parent_link[end] == k:
            return bool(_radio_behind(ctx)[end] > 0)
    return False


def _radio_behind(ctx: SimContext) -> np.ndarray:
    """Number of base stations whose path to the core passes through each element."""
    if ctx.radio_behind is None:
        behind = ctx.roles.radio.astype(float).copy()
        tree = ctx.base_tree
        behind[~tree.reached] = 0.0
        for v in reversed(tree.order):
            if tree.parent[v] >= 0:
                behind[tree.parent[v]] += behind[v]
        ctx.radio_behind = behind
    return ctx.radio_behind


def _site_candidates(ctx: SimContext, taken: set[str]) -> list[str]:
    gws = set(ctx.topology.gateways)
    return [
        s
        for s, members in sorted(ctx.topology.sites.items())
        if s not in taken and not gws.issubset(members)
    ]


def available_faults(ctx: SimContext, taken: Set[str] = frozenset()) -> list[str]:
    """The fault types this network can host (a microwave fault needs microwave links...)."""
    ok = []
    for f in FAULT_TYPES:
        if f in ("node_down", "node_reboot"):
            good = bool(_node_candidates(ctx, set(taken)))
        elif f == "link_down":
            good = bool(_link_candidates(ctx, set(taken)))
        elif f == "site_power":
            good = bool(_site_candidates(ctx, set(taken)))
        elif f == "card_failure":
            good = bool(_node_candidates(ctx, set(taken), need_slots=True))
        elif f == "cpu_overload":
            good = bool(_node_candidates(ctx, set(taken), router=True))
        elif f == "congestion":
            good = bool(_link_candidates(ctx, set(taken), "loaded"))
        elif f == "fiber_cut":
            good = len(_link_candidates(ctx, set(taken), "fiber")) >= 2
        else:
            good = bool(_link_candidates(ctx, set(taken), "microwave"))
        if good:
            ok.append(f)
    return ok


# ------------------------------------------------------------------ injectors
def inject(ctx: SimContext, fault: str, t: float, taken: set[str]) -> Fault:
    """Inject one fault of type ``fault`` at time ``t`` on an entity not in ``taken``."""
    if fault not in FAULT_KINDS:
        raise InputError(f"fault must be one of {FAULT_TYPES}; got {fault!r}")
    if fault not in available_faults(ctx, taken):
        raise InputError(
            f"this network has no entity that a {fault!r} fault can hit "
            f"(e.g. no microwave link, or too few candidates for the roots asked)"
        )
    return _INJECTORS[fault](ctx, t, taken)


def _dying_gasp(ctx: SimContext, node: str, t: float) -> list[Event]:
    if ctx.rng.random() < ctx.knobs["dying_gasp_prob"]:
        return [
            _ev(t - ctx.rng.uniform(0.001, 0.2), node, "DYING_GASP", text="dying gasp: power lost")
        ]
    return []


def _node_down(ctx: SimContext, t: float, taken: set[str]) -> Fault:
    v = _pick_node(ctx, _node_candidates(ctx, taken))
    node = ctx.roles.ids[v]
    # a hardware fault or power loss of one element; a small device may send a dying gasp
    events = _dying_gasp(ctx, node, t) if ctx.roles.tier[v] >= 2 or ctx.rng.random() < 0.3 else []
    return Fault("node_down", [(node, "node")], t, [Outage(t, math.inf, (node,))], events)


def _node_reboot(ctx: SimContext, t: float, taken: set[str]) -> Fault:
    v = _pick_node(ctx, _node_candidates(ctx, taken))
    node = ctx.roles.ids[v]
    back = t + ctx.rng.uniform(90, 480)
    events = [
        _ev(
            back + ctx.rng.uniform(20, 120),
            node,
            "COLD_START",
            text="system restarted (software exception)",
        )
    ]
    return Fault("node_reboot", [(node, "node")], t, [Outage(t, back, (node,))], events)


def _link_down(ctx: SimContext, t: float, taken: set[str]) -> Fault:
    k = _pick_cut(ctx, _link_candidates(ctx, taken))
    link = ctx.roles.link_ids[k]
    return Fault("link_down", [(link, "link")], t, [Outage(t, math.inf, (), (link,))])


def _fiber_cut(ctx: SimContext, t: float, taken: set[str]) -> Fault:
    """A duct cut: two or three fibre links laid along the same route fail together."""
    r, topo = ctx.roles, ctx.topology
    cands = _link_candidates(ctx, taken, "fiber")
    k = _pick_cut(ctx, cands)
    lat = topo.nodes["lat"].reindex(r.ids).to_numpy(dtype=float)
    lon = topo.nodes["lon"].reindex(r.ids).to_numpy(dtype=float)
    mid_lat = (lat[r.src] + lat[r.dst]) / 2
    mid_lon = (lon[r.src] + lon[r.dst]) / 2
    others = np.asarray([c for c in cands if c != k])
    if np.isnan(mid_lat).any():
        share = {int(r.src[k]), int(r.dst[k])}
        dist = np.asarray([0.0 if {int(r.src[c]), int(r.dst[c])} & share else 1.0 for c in others])
    else:
        dist = np.hypot(mid_lat[others] - mid_lat[k], (mid_lon[others] - mid_lon[k]) * 0.7)
    near = others[np.argsort(dist, kind="stable")[:4]]
    extra = ctx.rng.choice(near, size=min(len(near), int(ctx.rng.integers(1, 3))), replace=False)
    links = [r.link_ids[k]] + [r.link_ids[int(c)] for c in sorted(extra.tolist())]
    return Fault(
        "fiber_cut", [(l, "link") for l in links], t, [Outage(t, math.inf, (), tuple(links))]
    )


def _site_power(ctx: SimContext, t: float, taken: set[str]) -> Fault:
    rng = ctx.rng
    sites = _site_candidates(ctx, taken)
    site = sites[int(rng.integers(len(sites)))]
    members = ctx.topology.sites[site]
    events: list[Event] = []
    if rng.random() < ctx.knobs["mains_alarm_prob"]:
        room = max(ctx.fault_time - ctx.start, 300.0) if t <= ctx.fault_time + 1 else t - ctx.start
        lead = rng.uniform(60, max(90.0, min(2400.0, 0.8 * room)))
        reporters = [m for m in members if rng.random() < 0.6] or [members[0]]
        for m in reporters:
            events.append(
                _ev(
                    t - lead + rng.uniform(0, 5),
                    m,
                    "MAINS_FAILURE",
                    text="AC mains input lost; running on battery",
                )
            )
            if rng.random() < 0.5:
                events.append(
                    _ev(
                        t - rng.uniform(20, min(300, lead)),
                        m,
                        "BATTERY_LOW",
                        text="battery voltage low",
                    )
                )
    for m in members:
        events += _dying_gasp(ctx, m, t)
    return Fault("site_power", [(site, "site")], t, [Outage(t, math.inf, tuple(members))], events)


def _card_failure(ctx: SimContext, t: float, taken: set[str]) -> Fault:
    rng, r = ctx.rng, ctx.roles
    v = _pick_node(ctx, _node_candidates(ctx, taken, need_slots=True))
    slots = sorted({ctx.port(v, k)[0] for _, k in r.adj[v]})
    slot = slots[int(rng.integers(len(slots)))]
    links = tuple(sorted({r.link_ids[k] for _, k in r.adj[v] if ctx.port(v, k)[0] == slot}))
    node = r.ids[v]
    events = []
    if rng.random() < ctx.knobs["card_alarm_prob"]:
        events.append(
            _ev(
                t + rng.uniform(0, 3), node, "CARD_FAILURE", text=f"line card in slot {slot} failed"
            )
        )
    return Fault("card_failure", [(node, "node")], t, [Outage(t, math.inf, (), links)], events)


def _congestion(ctx: SimContext, t: float, taken: set[str]) -> Fault:
    cands = _link_candidates(ctx, taken, "loaded")
    k = cands[int(ctx.rng.integers(len(cands)))]
    level = ctx.rng.uniform(0.93, 1.1)
    return Fault(
        "congestion", [(ctx.roles.link_ids[k], "link")], t, extra_load=[(k, t, math.inf, level)]
    )


def _cpu_overload(ctx: SimContext, t: float, taken: set[str]) -> Fault:
    rng, r = ctx.rng, ctx.roles
    v = _pick_node(ctx, _node_candidates(ctx, taken, router=True))
    node = r.ids[v]
    horizon = max(ctx.end - t, 120.0)
    events: list[Event] = []
    peers = [(w, k) for w, k in r.adj[v] if r.router[w]]
    for _ in range(int(rng.integers(1, 5)) if peers else 0):
        w, k = peers[int(rng.integers(len(peers)))]
        start = t + rng.uniform(10, 0.6 * horizon)
        back = start + rng.uniform(5, 90)
        kinds = ["OSPF_NBR_DOWN"] + (["BGP_PEER_DOWN"] if r.tier[v] <= 1 and r.tier[w] <= 1 else [])
        for kind in kinds:
            for who, peer in ((v, w), (w, v)):
                if rng.random() < 0.85:
                    text = f"adjacency with {r.ids[peer]} lost (hold timer expired)"
                    events.append(
                        _ev(
                            start + rng.uniform(0, 3),
                            r.ids[who],
                            kind,
                            link=r.link_ids[k],
                            text=text,
                        )
                    )
                    events.append(
                        _ev(
                            back + rng.uniform(0, 3),
                            r.ids[who],
                            kind,
                            link=r.link_ids[k],
                            text=text,
                            severity="cleared",
                        )
                    )
    if rng.random() < 0.3:  # the management agent stops answering polls for a while
        lost = t + rng.uniform(60, 0.5 * horizon)
        events.append(_ev(lost, node, "NE_COMM_LOST", own=False, text="SNMP polling timeout"))
        events.append(
            _ev(
                lost + rng.uniform(60, 600),
                node,
                "NE_COMM_LOST",
                own=False,
                text="SNMP polling timeout",
                severity="cleared",
            )
        )
    f = Fault("cpu_overload", [(node, "node")], t, events=events)
    f.cpu.append((v, t, math.inf, rng.uniform(90, 100)))
    f.delay.append((v, t, math.inf, rng.uniform(5, 60)))
    return f


def _microwave_fading(ctx: SimContext, t: float, taken: set[str]) -> Fault:
    rng, r = ctx.rng, ctx.roles
    cands = _link_candidates(ctx, taken, "microwave")
    k = cands[int(rng.integers(len(cands)))]
    link = r.link_ids[k]
    until = t + rng.uniform(300, 1500)
    events: list[Event] = []
    for end in (r.src[k], r.dst[k]):
        dev = r.ids[end]
        events.append(
            _ev(
                t + rng.uniform(0, 20),
                dev,
                "MW_RSL_LOW",
                link=link,
                text="received signal level below threshold",
            )
        )
        if rng.random() < 0.7:
            events.append(
                _ev(
                    t + rng.uniform(10, 60),
                    dev,
                    "MODEM_BER_HIGH",
                    link=link,
                    text="modem BER above 1e-6",
                )
            )
    outages = []
    s = t + rng.uniform(5, 60)
    for _ in range(int(rng.integers(1, 6))):
        if s >= until:
            break
        d = rng.uniform(2, 45)
        outages.append(Outage(s, s + d, (), (link,)))
        s += d + rng.uniform(20, 240)
    f = Fault("microwave_fading", [(link, "link")], t, outages, events)
    f.capacity.append((k, t, until, rng.uniform(0.15, 0.5)))
    return f


_INJECTORS = {
    "node_down": _node_down,
    "link_down": _link_down,
    "site_power": _site_power,
    "card_failure": _card_failure,
    "congestion": _congestion,
    "cpu_overload": _cpu_overload,
    "fiber_cut": _fiber_cut,
    "microwave_fading": _microwave_fading,
    "node_reboot": _node_reboot,
}
