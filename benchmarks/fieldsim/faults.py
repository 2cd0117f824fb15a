"""Root-cause faults: which entities can fail, and how each failure unfolds.

Each fault registers down intervals on the timeline (from which
:mod:`fieldsim.symptoms` derives what the rest of the network sees), adds
the symptoms only the failing element itself can report (card fault,
radio fading, power-plant alarms, CPU hogs, ...), and records traffic or
CPU effects for :mod:`fieldsim.metrics`.
"""

from __future__ import annotations

from datetime import datetime, timezone

import numpy as np

from .events import Effects, Sym
from .network import ROUTER_TYPES, Network
from .state import INF, Timeline

__all__ = ["FAULT_TYPES", "FAULT_WEIGHTS", "eligible", "choose_entity", "involved", "inject", "iso"]

FAULT_TYPES = (
    "node_down",
    "node_reboot",
    "card_failure",
    "link_down",
    "fiber_cut",
    "microwave_fading",
    "site_power",
    "congestion",
    "cpu_overload",
)
# rough field mix used when no fault is forced (corpora cycle through all types instead)
FAULT_WEIGHTS = np.array([0.12, 0.12, 0.08, 0.16, 0.08, 0.12, 0.14, 0.1, 0.08])

MODS = ["4096QAM", "2048QAM", "1024QAM", "512QAM", "256QAM", "128QAM", "64QAM", "16QAM", "QPSK"]


def iso(t: float) -> str:
    """UTC ISO 8601 with ``Z``."""
    return datetime.fromtimestamp(t, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _cards(net: Network, n: str) -> dict[int, list[str]]:
    cards: dict[int, list[str]] = {}
    for lid in net.elements[n].links:
        cards.setdefault(net.links[lid].card(n), []).append(lid)
    return cards


def eligible(net: Network, fault: str) -> list[str]:
    """Entities that can be the root of ``fault`` (node, link, duct or site ids)."""
    el = net.elements
    if fault in ("node_down", "node_reboot"):
        return [n for n, e in el.items() if e.type != "mobile_core"]
    if fault == "card_failure":
        return [
            n
            for n, e in el.items()
            if e.type not in ("base_station", "mobile_core")
            and any(len(v) >= 2 for v in _cards(net, n).values())
        ]
    if fault == "link_down":
        return [l for l, k in net.links.items() if k.type == "fiber" and k.inter_site]
    if fault == "fiber_cut":
        return [d for d, ls in net.ducts.items() if len(ls) >= 2]
    if fault == "microwave_fading":
        return [l for l, k in net.links.items() if k.type == "microwave"]
    if fault == "site_power":
        return [
            s
            for s, st in net.sites.items()
            if st.kind != "pop"
            and len(st.elements) >= 2
            and not any(el[x].gateway for x in st.elements)
        ]
    if fault == "congestion":
        return [l for l, k in net.links.items() if k.inter_site]
    if fault == "cpu_overload":
        return [n for n, e in el.items() if e.type in ROUTER_TYPES]
    raise ValueError(f"unknown fault type {fault!r}")


def involved(net: Network, fault: str, entity: str) -> set[str]:
    """Elements touched by a root (to keep a second root independent)."""
    if fault in ("node_down", "node_reboot", "card_failure", "cpu_overload"):
        return {entity}
    if fault == "fiber_cut":
        return {x for l in net.ducts[entity] for x in (net.links[l].a, net.links[l].b)}
    if fault == "site_power":
        return set(net.sites[entity].elements)
    lk = net.links[entity]
    return {lk.a, lk.b}


def choose_entity(
    net: Network, fault: str, rng: np.random.Generator, avoid: set[str]
) -> str | None:
    """Pick a root entity at random among the eligible ones.

    For node faults, half of the time the element type is drawn first
    (so that core and aggregation elements are not drowned by the many
    base stations), otherwise the element is drawn uniformly.
    """
    cands = [c for c in eligible(net, fault) if not (involved(net, fault, c) & avoid)]
    if not cands:
        return None
    if fault in ("node_down", "node_reboot", "card_failure", "cpu_overload") and rng.random() < 0.5:
        types = sorted({net.elements[c].type for c in cands})
        t = types[int(rng.integers(len(types)))]
        cands = [c for c in cands if net.elements[c].type == t]
    return cands[int(rng.integers(len(cands)))]


# --------------------------------------------------------------------------- faults
def _node_down(
    net: Network,
    tl: Timeline,
    n: str,
    t: float,
    rng: np.random.Generator,
    tag: str,
    out: list[Sym],
    eff: Effects,
) -> None:
    """An element dies (hardware); optionally a precursor and a board fault just before."""
    if rng.random() < 0.3:
        code = ["FAN_FAIL", "TEMP_HIGH", "PSU_FAIL", "MEM_HIGH"][int(rng.integers(4))]
        out.append(
            Sym(
                t - rng.uniform(60, 1200),
                n,
                code,
                n,
                origin=tag,
                ctx={
                    "item": str(int(rng.integers(0, 4))),
                    "value": int(rng.integers(70, 95)),
                    "thr": 70,
                },
            )
        )
    if rng.random() < 0.2:
        out.append(
            Sym(
                t - rng.uniform(0.1, 1.5),
                n,
                "CARD_FAIL",
                n,
                origin=tag,
                ctx={"card": 0, "item": "RP0"},
            )
        )
    end = t + rng.uniform(20, 90) * 60 if rng.random() < 0.2 else INF
    tl.down_node(n, t, end, tag, "dead")
    if end < INF and net.elements[n].is_router:  # replaced/repaired: boot load
        eff.cpu.append((n, end, end + rng.uniform(120, 300), float(rng.uniform(75, 95)), tag))


def _node_reboot(
    net: Network,
    tl: Timeline,
    n: str,
    t: float,
    rng: np.random.Generator,
    tag: str,
    out: list[Sym],
    eff: Effects,
) -> None:
    """An element crashes and reloads; it is gone for a few minutes."""
    typ = net.elements[n].type
    d = {
        "mw_radio": (60, 200),
        "base_station": (150, 420),
        "access_switch": (120, 400),
        "olt": (180, 480),
    }.get(typ, (240, 720))
    if rng.random() < 0.5:
        code = ["SW_CRASH", "MEM_HIGH", "CPU_HOG"][int(rng.integers(3))]
        out.append(
            Sym(
                t - rng.uniform(1, 30),
                n,
                code,
                n,
                origin=tag,
                event=code != "MEM_HIGH",
                ctx={
                    "proc": ["bgp", "ipv4_rib", "l2vpn_mgr", "snmpd", "rpd", "ospfd"][
                        int(rng.integers(6))
                    ],
                    "pid": int(rng.integers(200, 9000)),
                    "value": int(rng.integers(85, 99)),
                    "thr": 85,
                },
            )
        )
    dur = rng.uniform(*d)
    tl.down_node(n, t, t + dur, tag, "reboot")
    if net.elements[n].is_router:
        eff.cpu.append(
            (n, t + dur, t + dur + rng.uniform(120, 300), float(rng.uniform(75, 95)), tag)
        )
    if rng.random() < 0.1:  # reboot loop
        t2 = t + dur + rng.uniform(60, 300)
        tl.down_node(n, t2, t2 + rng.uniform(*d), tag, "reboot")


def _card_failure(
    net: Network,
    tl: Timeline,
    n: str,
    t: float,
    rng: np.random.Generator,
    tag: str,
    out: list[Sym],
    eff: Effects,
) -> None:
    """A line card with at least two links dies; its ports go down."""
    cards = {c: ls for c, ls in _cards(net, n).items() if len(ls) >= 2}
    keys = sorted(cards)
    c = keys[int(rng.integers(len(keys)))]
    if rng.random() < 0.3:
        out.append(
            Sym(
                t - rng.uniform(60, 900),
                n,
                "TEMP_HIGH",
                n,
                origin=tag,
                ctx={"item": f"slot {c}", "value": int(rng.integers(78, 95)), "thr": 75},
            )
        )
    end = t + rng.uniform(120, 600) if rng.random() < 0.25 else INF
    out.append(
        Sym(
            t + rng.uniform(0.1, 2),
            n,
            "CARD_FAIL",
            n,
            origin=tag,
            ctx={"card": c, "item": f"slot {c}"},
        )
    )
    if end < INF:
        out.append(
            Sym(
                end + rng.uniform(5, 30),
                n,
                "CARD_FAIL",
                n,
                clear=True,
                origin=tag,
                ctx={"card": c, "item": f"slot {c}"},
            )
        )
    for lid in cards[c]:
        tl.down_link(lid, t + rng.uniform(0, 0.5), end, tag, f"card:{n}")


def _link_down(
    net: Network,
    tl: Timeline,
    l: str,
    t: float,
    rng: np.random.Generator,
    tag: str,
    out: list[Sym],
    eff: Effects,
) -> None:
    """One inter-site fibre breaks (sometimes flapping or degrading first)."""
    lk = net.links[l]
    if rng.random() < 0.15:
        for _ in range(int(rng.integers(1, 5))):
            s = t - rng.uniform(20, 600)
            tl.down_link(l, s, s + rng.uniform(1, 10), tag, "cut")
    if rng.random() < 0.1:
        x = lk.a if rng.random() < 0.5 else lk.b
        out.append(
            Sym(
                t - rng.uniform(120, 1800),
                x,
                "OPT_RX_LOW",
                x,
                link=l,
                origin=tag,
                ctx={"value": round(float(rng.uniform(-24, -19)), 1), "thr": -18.0},
            )
        )
    end = t + rng.uniform(40, 120) * 60 if rng.random() < 0.08 else INF
    tl.down_link(l, t, end, tag, "cut")


def _fiber_cut(
    net: Network,
    tl: Timeline,
    duct: str,
    t: float,
    rng: np.random.Generator,
    tag: str,
    out: list[Sym],
    eff: Effects,
) -> None:
    """A shared duct is cut: every fibre in it breaks."""
    for l in net.ducts[duct]:
        tl.down_link(l, t + rng.uniform(0, 1.5), INF, tag, "cut")


def _acm(
    out: list[Sym],
    radios: list[str],
    l: str,
    t: float,
    f_from: int,
    f_to: int,
    tag: str,
    rng: np.random.Generator,
    first: bool = False,
    back: bool = False,
) -> None:
    """Adaptive-modulation changes on both radios of a hop.

    The first downshift raises the alarm, further steps are events, the
    return to full modulation clears it.
    """
    for r in radios:
        out.append(
            Sym(
                t + rng.uniform(0, 2),
                r,
                "MW_ACM",
                r,
                link=l,
                origin=tag,
                event=not (first or back),
                clear=back,
                ctx={"mod_from": MODS[f_from], "mod_to": MODS[f_to]},
            )
        )


def fade(
    net: Network,
    tl: Timeline | None,
    l: str,
    t: float,
    dur: float,
    depth: int,
    rng: np.random.Generator,
    tag: str,
    out: list[Sym],
    eff: Effects,
) -> None:
    """A rain/multipath fade on radio hop ``l``: ACM steps, RSL alarms, outages.

    ``depth`` 1 is a mild fade (modulation steps only); 3 drives the hop
    into repeated loss of frame. ``tl`` may be ``None`` for mild fades.
    """
    lk = net.links[l]
    radios = [lk.a, lk.b]
    m0 = int(rng.integers(0, 3))
    steps = [(t, 0.75, m0 + 2)]
    if depth >= 2:
        steps.append((t + rng.uniform(30, 180), 0.5, m0 + 4))
    if depth >= 3:
        steps.append((steps[-1][0] + rng.uniform(30, 180), 0.25, m0 + 6))
    prev = m0
    cap = eff.capacity.setdefault(l, [])
    for k, (ts, f, m) in enumerate(steps):
        if ts < t + dur:
            _acm(out, radios, l, ts, prev, m, tag, rng, first=k == 0)
            cap.append((ts, f))
            prev = m
    cap.append((t + dur, 1.0))
    _acm(out, radios, l, t + dur, prev, m0, tag, rng, back=True)
    if depth >= 2:
        for r in radios:
            ctx = {"value": round(float(rng.uniform(-82, -70)), 1), "thr": -68.0}
            out.append(Sym(t + rng.uniform(5, 60), r, "MW_RSL_LOW", r, link=l, origin=tag, ctx=ctx))
            out.append(
                Sym(
                    t + dur + rng.uniform(1, 30),
                    r,
                    "MW_RSL_LOW",
                    r,
                    clear=True,
                    link=l,
                    origin=tag,
                    ctx=ctx,
                )
            )
    if depth >= 3 and tl is not None:
        s = t + rng.uniform(60, 300)
        for _ in range(int(rng.integers(2, 11))):
            if s >= t + dur:
                break
            d = float(np.clip(rng.lognormal(np.log(20), 1.0), 3, 600))
            if rng.random() < 0.12:
                d = rng.uniform(120, 600)
            tl.down_link(l, s, min(s + d, t + dur), tag, "fade")
            s = s + d + rng.uniform(20, 300)
        for _ in range(int(rng.integers(1, 6))):
            r = radios[int(rng.integers(2))]
            out.append(
                Sym(
                    t + rng.uniform(0, dur),
                    r,
                    "MW_BER",
                    r,
                    link=l,
                    origin=tag,
                    event=True,
                    ctx={"value": f"1E-{int(rng.integers(4, 7))}"},
                )
            )


def _microwave_fading(
    net: Network,
    tl: Timeline,
    l: str,
    t: float,
    rng: np.random.Generator,
    tag: str,
    out: list[Sym],
    eff: Effects,
) -> None:
    """A deep fade on one hop; the rain cell brushes nearby hops too."""
    dur = rng.uniform(10, 60) * 60
    fade(net, tl, l, t, dur, 3, rng, tag, out, eff)
    # the same rain cell brushes nearby hops (background, not a root)
    lk = net.links[l]
    la, lo = net.elements[lk.a].lat or 0, net.elements[lk.a].lon or 0
    for l2, k2 in net.links.items():
        if l2 == l or k2.type != "microwave":
            continue
        e2 = net.elements[k2.a]
        if e2.lat is None or abs(e2.lat - la) > 0.25 or abs(e2.lon - lo) > 0.35:
            continue
        if rng.random() < 0.6:
            fade(
                net,
                None,
                l2,
                t + rng.uniform(-300, 600),
                rng.uniform(3, 20) * 60,
                int(rng.integers(1, 3)),
                rng,
                "bg",
                out,
                eff,
            )


def _site_power(
    net: Network,
    tl: Timeline,
    site: str,
    t: float,
    rng: np.random.Generator,
    tag: str,
    out: list[Sym],
    eff: Effects,
) -> None:
    """Mains lost, batteries exhausted: every element of the site dies."""
    el = net.elements
    members = list(net.sites[site].elements)
    hold = rng.uniform(15, 240) * 60
    mains = t - hold
    mon = [m for m in members if el[m].type == "base_station"] or members
    m = mon[int(rng.integers(len(mon)))]
    sctx = {"site": site}
    out.append(Sym(mains + rng.uniform(0, 5), m, "MAINS_FAIL", m, origin=tag, ctx=sctx))
    out.append(
        Sym(
            mains + rng.uniform(30, 120),
            m,
            "BATT_DISCHARGE",
            m,
            origin=tag,
            ctx={"value": round(float(rng.uniform(51.0, 52.5)), 1)},
        )
    )
    out.append(
        Sym(
            t - rng.uniform(120, 600),
            m,
            "BATT_LOW",
            m,
            origin=tag,
            ctx={"value": round(float(rng.uniform(45.5, 47.0)), 1)},
        )
    )
    restore = t + rng.uniform(20, 80) * 60 if rng.random() < 0.2 else INF
    two_stage = rng.random() < 0.5
    for x in members:
        if two_stage and el[x].type != "base_station":
            die = t + rng.uniform(180, 900)
        elif el[x].type == "base_station":
            die = t + rng.uniform(0, 3)
        else:
            die = t + rng.uniform(0, 20)
        if (
            el[x].type in ("access_router", "access_switch", "olt", "mw_radio", "agg_router")
            and rng.random() < 0.5
        ):
            out.append(Sym(die - 0.05, x, "DYING_GASP", x, origin=tag, event=True))
        up = restore + rng.uniform(0, 60) if restore < INF else INF
        tl.down_node(x, die, up, tag, "power")
        if up < INF and el[x].is_router:
            eff.cpu.append((x, up, up + rng.uniform(120, 300), float(rng.uniform(75, 95)), tag))
    if restore < INF:
        for code in ("MAINS_FAIL", "BATT_DISCHARGE", "BATT_LOW"):
            out.append(
                Sym(restore + rng.uniform(200, 400), m, code, m, clear=True, origin=tag, ctx=sctx)
            )


def _congestion(
    net: Network,
    tl: Timeline,
    l: str,
    t: float,
    rng: np.random.Generator,
    tag: str,
    out: list[Sym],
    eff: Effects,
) -> None:
    """Offered traffic beyond the link's capacity for a while."""
    from .state import route_tree

    lk = net.links[l]
    dur = rng.uniform(15, 90) * 60
    eff.surges.append((l, t, t + dur, float(rng.uniform(1.05, 1.6)), tag))
    _pl, depth, _ld = route_tree(net, frozenset(), frozenset())
    ia, ib = net.nidx[lk.a], net.nidx[lk.b]
    down_end = lk.b if depth[ib] > depth[ia] else lk.a  # far side from the exits
    up_end = lk.other(down_end)
    for x, p in ((up_end, 1.0), (down_end, 0.3)):
        if rng.random() > p:
            continue
        s = t + rng.uniform(30, 300)
        while s < t + dur:
            out.append(
                Sym(
                    s,
                    x,
                    "QUEUE_DROPS",
                    x,
                    link=l,
                    origin=tag,
                    event=True,
                    ctx={"value": int(rng.integers(500, 90000))},
                )
            )
            s += rng.uniform(300, 900)
    adj = [a for a in net.adjacencies if l in a.links]
    if adj and rng.random() < 0.25:
        for _ in range(int(rng.integers(1, 4))):
            s = t + rng.uniform(60, dur)
            for a in adj:
                for r, peer in ((a.r1, a.r2), (a.r2, a.r1)):
                    ctx = {"peer": peer, "reason": "BFD session down"}
                    back = s + rng.uniform(2, 15)
                    out.append(Sym(s, r, "BFD_DOWN", r, link=l, origin=tag, ctx=ctx))
                    out.append(Sym(s + 0.2, r, "IGP_ADJ_DOWN", r, link=l, origin=tag, ctx=ctx))
                    out.append(Sym(back, r, "BFD_DOWN", r, clear=True, link=l, origin=tag, ctx=ctx))
                    out.append(
                        Sym(
                            back + rng.uniform(2, 20),
                            r,
                            "IGP_ADJ_DOWN",
                            r,
                            clear=True,
                            link=l,
                            origin=tag,
                            ctx=ctx,
                        )
                    )
    # base stations behind the link lose timing quality
    pl = _pl
    behind = net.nidx[down_end]
    if pl[behind] != net.lidx[l]:
        return
    ptp = {bs for bs, _gm in net.ptp}
    for bs in net.of_type("base_station"):
        if bs not in ptp:
            continue
        u = net.nidx[bs]
        hops = 0
        while u >= 0 and u != behind and hops < 64:
            li = pl[u]
            if li < 0:
                u = -1
                break
            u = net.nidx[net.links[net.link_ids[li]].other(net.node_ids[u])]
            hops += 1
        if u == behind and rng.random() < 0.5:
            out.append(Sym(t + rng.uniform(60, 300), bs, "PTP_DEGRADED", bs, origin=tag))
            out.append(
                Sym(t + dur + rng.uniform(60, 300), bs, "PTP_DEGRADED", bs, clear=True, origin=tag)
            )


def _cpu_overload(
    net: Network,
    tl: Timeline,
    n: str,
    t: float,
    rng: np.random.Generator,
    tag: str,
    out: list[Sym],
    eff: Effects,
) -> None:
    """The control-plane CPU of a router is pinned; protocols and polling suffer."""
    dur = rng.uniform(10, 60) * 60
    eff.cpu.append((n, t, t + dur, float(rng.uniform(93, 100)), tag))
    eff.starve.append((n, t, t + dur, float(rng.uniform(0.3, 0.8)), tag))
    proc = ["bgp", "ipv4_rib", "snmpd", "rpd", "ospfd", "isisd", "arp", "netconf"][
        int(rng.integers(8))
    ]
    s = t + rng.uniform(5, 60)
    while s < t + dur:
        out.append(
            Sym(
                s,
                n,
                "CPU_HOG",
                n,
                origin=tag,
                event=True,
                ctx={
                    "proc": proc,
                    "value": int(rng.integers(2100, 9000)),
                    "pid": int(rng.integers(200, 9000)),
                },
            )
        )
        if rng.random() < 0.5:
            out.append(
                Sym(
                    s + rng.uniform(1, 30),
                    n,
                    "COPP_DROPS",
                    n,
                    origin=tag,
                    event=True,
                    ctx={
                        "item": ["arp", "bgp", "icmp", "snmp", "ldp"][int(rng.integers(5))],
                        "value": int(rng.integers(100, 20000)),
                    },
                )
            )
        s += rng.uniform(60, 400)
    for a in net.adjacencies:
        if n not in (a.r1, a.r2) or rng.random() > 0.5:
            continue
        peer = a.r2 if a.r1 == n else a.r1
        fl = a.links[-1] if a.r1 == n else a.links[0]
        for _ in range(int(rng.integers(1, 4))):
            s = t + rng.uniform(30, dur)
            back = s + rng.uniform(5, 40)
            ctx = {"peer": n, "reason": "hold timer expired"}
            out.append(Sym(s, peer, "IGP_ADJ_DOWN", peer, link=fl, origin=tag, ctx=ctx))
            out.append(
                Sym(back, peer, "IGP_ADJ_DOWN", peer, clear=True, link=fl, origin=tag, ctx=ctx)
            )
            if a.ldp and rng.random() < 0.5:
                out.append(
                    Sym(s + rng.uniform(0, 5), peer, "LDP_DOWN", peer, link=fl, origin=tag, ctx=ctx)
                )
                out.append(
                    Sym(
                        back + rng.uniform(3, 15),
                        peer,
                        "LDP_DOWN",
                        peer,
                        clear=True,
                        link=fl,
                        origin=tag,
                        ctx=ctx,
                    )
                )
    for a, rr, _b in net.bgp:
        if a == n and rng.random() < 0.4:
            s = t + rng.uniform(90, dur)
            ctx = {"peer": n}
            out.append(Sym(s, rr, "BGP_DOWN", rr, origin=tag, ctx=ctx))
            out.append(
                Sym(s + rng.uniform(30, 120), rr, "BGP_DOWN", rr, clear=True, origin=tag, ctx=ctx)
            )
    if rng.random() < 0.5:
        s = t + rng.uniform(120, 600)
        if s < t + dur:
            out.append(Sym(s, n, "NE_COMM_LOST", None, origin=tag))
            out.append(
                Sym(
                    min(t + dur, s + rng.uniform(60, 600)) + rng.uniform(10, 90),
                    n,
                    "NE_COMM_LOST",
                    None,
                    clear=True,
                    origin=tag,
                )
            )


_IMPL = {
    "node_down": _node_down,
    "node_reboot": _node_reboot,
    "card_failure": _card_failure,
    "link_down": _link_down,
    "fiber_cut": _fiber_cut,
    "microwave_fading": _microwave_fading,
    "site_power": _site_power,
    "congestion": _congestion,
    "cpu_overload": _cpu_overload,
}


def inject(
    net: Network,
    tl: Timeline,
    fault: str,
    entity: str,
    t: float,
    rng: np.random.Generator,
    tag: str,
    out: list[Sym],
    eff: Effects,
) -> list[dict]:
    """Make ``entity`` fail with ``fault`` at time ``t``.

    Returns
    -------
    list of dict
        truth.json entries (several for a fibre cut: one per cut link).
    """
    _IMPL[fault](net, tl, entity, t, rng, tag, out, eff)
    if fault == "fiber_cut":
        return [
            {"entity": l, "kind": "link", "fault": fault, "time": iso(t)} for l in net.ducts[entity]
        ]
    kind = "site" if fault == "site_power" else "link" if entity in net.links else "node"
    return [{"entity": entity, "kind": kind, "fault": fault, "time": iso(t)}]
