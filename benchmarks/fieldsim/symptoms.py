"""Propagation: from down intervals to the conditions each element declares.

Given the :class:`~fieldsim.state.Timeline`, this module produces what
every *surviving* element would report, with protocol detection delays:

* ports: loss of signal and interface down on the far ends of broken
  links and dead elements (carrier-delay hold-down, flap dampening);
  radio loss of frame / remote defect on microwave hops;
* IGP adjacencies (also across microwave radios, where the router port
  stays up and only BFD or the hold timer notices), BFD and LDP sessions;
* iBGP sessions to the route reflectors (hold timer or fast teardown),
  pseudowires, TE tunnels (fast reroute or down), base-station S1/NG and
  X2 associations, cells going out of service, PTP holdover;
* the NMS losing contact with an element (polling, missed polls);
* restart events when an element comes back.

Nothing here decides whether the alarm reaches the NMS: that is
:mod:`fieldsim.noise`.
"""

from __future__ import annotations

import numpy as np

from .events import Params, Sym
from .network import Network
from .state import INF, Timeline, merge_intervals

__all__ = ["derive"]


def _alive(tl: Timeline, n: str, t: float) -> bool:
    return not tl.node_down_at(n, t)


def _link_own_down(tl: Timeline, lid: str, t: float) -> bool:
    return any(s <= t < e for s, e, _a, _b in tl.link_iv.get(lid, ()))


def _ports(net: Network, tl: Timeline, P: Params, rng: np.random.Generator, out: list[Sym]) -> None:
    flaps: dict[tuple[str, str], list[float]] = {}
    damped: dict[tuple[str, str], float] = {}
    for lid, lk in net.links.items():
        ivs = list(tl.link_iv.get(lid, []))
        for end in (lk.a, lk.b):
            ivs += [(s, e, tag, "node:" + end) for s, e, tag, _c in tl.node_iv.get(end, [])]
        if not ivs:
            continue
        for s, e, tag, cause in merge_intervals(ivs):
            dur = e - s
            for x in (lk.a, lk.b):
                if not _alive(tl, x, s + 1e-6):
                    continue
                maint = cause.startswith("admin")
                local_card = cause == f"card:{x}"
                admin_here = cause == f"admin:{x}"
                syms: list[tuple[float, str, dict]] = []
                if lk.type == "microwave" and net.elements[x].type == "mw_radio":
                    if dur < 8.0:
                        syms.append(
                            (
                                s + rng.uniform(0.5, 2),
                                "MW_BER",
                                {"value": f"1E-{int(rng.integers(3, 6))}"},
                            )
                        )
                    else:
                        syms.append((s + rng.uniform(2, 10), "MW_LINK_FAIL", {}))
                        if rng.random() < 0.5:
                            syms.append((s + rng.uniform(2, 12), "MW_RDI", {}))
                elif local_card:
                    if rng.random() < 0.6:
                        syms.append((s + rng.uniform(0.1, 3), "PORT_DOWN", {"reason": "card"}))
                elif admin_here:
                    syms.append((s + rng.uniform(0, 0.5), "PORT_DOWN", {"reason": "admin"}))
                else:
                    hold = P.carrier_delay
                    if dur <= hold:
                        continue
                    if lk.type == "fiber" or (lk.type == "ethernet" and rng.random() < 0.4):
                        syms.append((s + rng.uniform(0.0, 0.05), "PORT_LOS", {}))
                    syms.append((s + hold + rng.uniform(0.0, 0.3), "PORT_DOWN", {}))
                if not syms:
                    continue
                fk = (x, lid)
                if damped.get(fk, -INF) > s:
                    continue
                hist = [t for t in flaps.get(fk, []) if t > s - 600]
                hist.append(s)
                flaps[fk] = hist
                if len(hist) > P.flap_limit and lk.type != "microwave":
                    damped[fk] = s + 900
                    out.append(Sym(s + 0.5, x, "PORT_FLAP", x, link=lid, origin=tag))
                    out.append(Sym(s + 900, x, "PORT_FLAP", x, clear=True, link=lid, origin=tag))
                    continue
                clear_ok = e < tl.t_hi and _alive(tl, x, e)
                for t, code, ctx in syms:
                    if t >= e and code != "MW_BER":
                        continue
                    ev = code == "MW_BER"
                    out.append(
                        Sym(
                            t,
                            x,
                            code,
                            x,
                            link=lid,
                            ctx=dict(ctx),
                            origin=tag,
                            event=ev,
                            maint=maint and admin_here,
                        )
                    )
                    if clear_ok and not ev:
                        out.append(
                            Sym(
                                e + rng.uniform(0.05, 3),
                                x,
                                code,
                                x,
                                clear=True,
                                link=lid,
                                ctx=dict(ctx),
                                origin=tag,
                                maint=maint and admin_here,
                            )
                        )


def _adjacencies(
    net: Network, tl: Timeline, P: Params, rng: np.random.Generator, out: list[Sym]
) -> None:
    for adj in net.adjacencies:
        ivs = []
        for lid in adj.links:
            ivs += list(tl.link_iv.get(lid, []))
        for n in (adj.r1, adj.r2) + adj.interior:
            ivs += [(s, e, tag, "node:" + n) for s, e, tag, _c in tl.node_iv.get(n, [])]
        if not ivs:
            continue
        for s, e, tag, _cause in merge_intervals(ivs):
            for r, fl in ((adj.r1, adj.links[0]), (adj.r2, adj.links[-1])):
                if not _alive(tl, r, s + 1e-6):
                    continue
                peer = adj.r2 if r == adj.r1 else adj.r1
                o = net.links[fl].other(r)
                phys = _link_own_down(tl, fl, s + 1e-6) or not _alive(tl, o, s + 1e-6)
                if phys:
                    d, reason = rng.uniform(0.01, 0.5), "interface down"
                elif adj.bfd:
                    d, reason = rng.uniform(0.15, 0.9), "BFD session down"
                else:
                    d, reason = P.igp_hold - rng.uniform(0, P.igp_hello), "hold timer expired"
                if e - s <= d:
                    continue
                ctx = {"peer": peer, "reason": reason}
                alive_end = e < tl.t_hi and _alive(tl, r, e)
                t0 = s + d
                out.append(Sym(t0, r, "IGP_ADJ_DOWN", r, link=fl, ctx=ctx, origin=tag))
                if alive_end:
                    out.append(
                        Sym(
                            e + rng.uniform(*P.igp_form),
                            r,
                            "IGP_ADJ_DOWN",
                            r,
                            clear=True,
                            link=fl,
                            ctx=ctx,
                            origin=tag,
                        )
                    )
                if adj.bfd:
                    tb = s + min(d, rng.uniform(0.15, 0.9)) - 0.01
                    out.append(Sym(tb, r, "BFD_DOWN", r, link=fl, ctx=ctx, origin=tag))
                    if alive_end:
                        out.append(
                            Sym(
                                e + rng.uniform(0.5, 3),
                                r,
                                "BFD_DOWN",
                                r,
                                clear=True,
                                link=fl,
                                ctx=ctx,
                                origin=tag,
                            )
                        )
                if adj.ldp and rng.random() < 0.85:
                    tl_ = (
                        t0 + rng.uniform(0, 2)
                        if (phys or adj.bfd)
                        else s + max(d, P.ldp_hold - rng.uniform(0, 5))
                    )
                    if tl_ < e:
                        out.append(Sym(tl_, r, "LDP_DOWN", r, link=fl, ctx=ctx, origin=tag))
                        if alive_end:
                            out.append(
                                Sym(
                                    e + rng.uniform(3, 15),
                                    r,
                                    "LDP_DOWN",
                                    r,
                                    clear=True,
                                    link=fl,
                                    ctx=ctx,
                                    origin=tag,
                                )
                            )


def _rel_runs(tl: Timeline, C: np.ndarray, pairs: list[tuple[str, str]], net: Network):
    """Yield (pair index, start, end, tag) of disconnection runs of element pairs."""
    if not pairs:
        return
    u = np.array([net.nidx[a] for a, _b in pairs])
    v = np.array([net.nidx[b] for _a, b in pairs])
    st = (C[:, u] == C[:, v]) & (C[:, u] >= 0)
    for j in np.where(~st.all(axis=0))[0]:
        for k0, k1 in tl.runs(st[:, j]):
            yield int(j), tl.bounds[k0], tl.seg_time(k1), tl.seg_tags[k0]


def _relations(
    net: Network, tl: Timeline, P: Params, rng: np.random.Generator, out: list[Sym]
) -> None:
    C = tl.comp_matrix()
    el = net.elements
    # iBGP to route reflectors
    for j, s, e, tag in _rel_runs(tl, C, [(a, b) for a, b, _f in net.bgp], net):
        a, b, bfd = net.bgp[j]
        for x, peer in ((a, b), (b, a)):
            if not _alive(tl, x, s + 1e-6):
                continue
            if bfd:
                d = rng.uniform(0.2, 1.0)
            elif P.bgp_fast:
                d = rng.uniform(1, 6)
            else:
                d = P.bgp_hold - rng.uniform(0, P.bgp_hold / 3)
            if e - s <= d:
                continue
            ctx = {"peer": peer}
            out.append(Sym(s + d, x, "BGP_DOWN", x, ctx=ctx, origin=tag))
            if e < tl.t_hi and _alive(tl, x, e):
                out.append(
                    Sym(e + rng.uniform(10, 60), x, "BGP_DOWN", x, clear=True, ctx=ctx, origin=tag)
                )
    # pseudowires
    for j, s, e, tag in _rel_runs(tl, C, [(a, b) for a, b, _p in net.pws], net):
        a, b, pwid = net.pws[j]
        for x, peer in ((a, b), (b, a)):
            if not _alive(tl, x, s + 1e-6) or el[x].type not in (
                "access_router",
                "agg_router",
                "pe_router",
            ):
                continue
            d = rng.uniform(0.3, 1.5) if P.pw_bfd else rng.uniform(0.6, 1.0) * P.ldp_hold
            if e - s <= d:
                continue
            ctx = {"peer": peer, "pwid": pwid}
            out.append(Sym(s + d, x, "PW_DOWN", x, ctx=ctx, origin=tag))
            if e < tl.t_hi and _alive(tl, x, e):
                out.append(
                    Sym(e + rng.uniform(5, 30), x, "PW_DOWN", x, clear=True, ctx=ctx, origin=tag)
                )
    # S1/NG associations and cells
    for j, s, e, tag in _rel_runs(tl, C, net.s1, net):
        bs, mc = net.s1[j]
        iface = "NG" if el[bs].rat == "NR" else "S1"
        if _alive(tl, bs, s + 1e-6):
            d = rng.uniform(*P.s1_detect)
            if e - s > d:
                ctx = {"peer": mc, "iface": iface}
                out.append(Sym(s + d, bs, "S1_FAIL", bs, ctx=ctx, origin=tag))
                if e < tl.t_hi and _alive(tl, bs, e):
                    out.append(
                        Sym(
                            e + rng.uniform(3, 20),
                            bs,
                            "S1_FAIL",
                            bs,
                            clear=True,
                            ctx=ctx,
                            origin=tag,
                        )
                    )
        if _alive(tl, mc, s + 1e-6):
            d = rng.uniform(*P.s1_detect)
            if e - s > d:
                ctx = {"peer": bs, "iface": iface}
                out.append(Sym(s + d, mc, "ENB_DISC", mc, ctx=ctx, origin=tag))
                if e < tl.t_hi:
                    out.append(
                        Sym(
                            e + rng.uniform(3, 20),
                            mc,
                            "ENB_DISC",
                            mc,
                            clear=True,
                            ctx=ctx,
                            origin=tag,
                        )
                    )
    by_bs: dict[str, list[str]] = {}
    for bs, mc in net.s1:
        by_bs.setdefault(bs, []).append(mc)
    bss = list(by_bs)
    if bss:
        bi = np.array([net.nidx[b] for b in bss])
        any_up = np.zeros((C.shape[0], len(bss)), dtype=bool)
        for k in range(max(len(v) for v in by_bs.values())):
            mi = np.array([net.nidx[by_bs[b][min(k, len(by_bs[b]) - 1)]] for b in bss])
            any_up |= (C[:, bi] == C[:, mi]) & (C[:, bi] >= 0)
        for j in np.where(~any_up.all(axis=0))[0]:
            bs = bss[int(j)]
            for k0, k1 in tl.runs(any_up[:, j]):
                s, e, tag = tl.bounds[k0], tl.seg_time(k1), tl.seg_tags[k0]
                if not _alive(tl, bs, s + 1e-6):
                    continue
                d = rng.uniform(20, 90)
                if e - s <= d:
                    continue
                for cell in el[bs].cells:
                    ctx = {"cell": cell, "reason": "transport"}
                    out.append(
                        Sym(s + d + rng.uniform(0, 2), bs, "CELL_DOWN", bs, ctx=ctx, origin=tag)
                    )
                    if e < tl.t_hi and _alive(tl, bs, e):
                        out.append(
                            Sym(
                                e + rng.uniform(10, 60),
                                bs,
                                "CELL_DOWN",
                                bs,
                                clear=True,
                                ctx=ctx,
                                origin=tag,
                            )
                        )
    # X2 between neighbouring base stations
    for j, s, e, tag in _rel_runs(tl, C, net.x2, net):
        a, b = net.x2[j]
        for x, peer in ((a, b), (b, a)):
            if not _alive(tl, x, s + 1e-6):
                continue
            d = rng.uniform(20, 90)
            if e - s <= d:
                continue
            ctx = {"peer": peer}
            out.append(Sym(s + d, x, "X2_FAIL", x, ctx=ctx, origin=tag))
            if e < tl.t_hi and _alive(tl, x, e):
                out.append(
                    Sym(e + rng.uniform(5, 40), x, "X2_FAIL", x, clear=True, ctx=ctx, origin=tag)
                )
    # PTP timing
    for j, s, e, tag in _rel_runs(tl, C, net.ptp, net):
        bs, _gm = net.ptp[j]
        if not _alive(tl, bs, s + 1e-6):
            continue
        d = rng.uniform(60, 600)
        if e - s <= d:
            continue
        ctx = {"item": "PTP"}
        out.append(Sym(s + d, bs, "SYNC_LOSS", bs, ctx=ctx, origin=tag))
        if e < tl.t_hi and _alive(tl, bs, e):
            out.append(
                Sym(e + rng.uniform(60, 300), bs, "SYNC_LOSS", bs, clear=True, ctx=ctx, origin=tag)
            )
    _lsps(net, tl, C, rng, out)


def _lsps(
    net: Network, tl: Timeline, C: np.ndarray, rng: np.random.Generator, out: list[Sym]
) -> None:
    nseg = len(tl.seg_views)
    for head, tail, name, lids, nodes in net.lsps:
        hi, ti = net.nidx[head], net.nidx[tail]
        li = [net.lidx[x] for x in lids]
        ni = [net.nidx[x] for x in nodes]
        broken = np.array(
            [any(l in v.dl for l in li) or any(n in v.dn for n in ni) for v in tl.seg_views]
        )
        if not broken.any():
            continue
        conn = (C[:, hi] == C[:, ti]) & (C[:, hi] >= 0)
        ctx = {"peer": tail, "lsp": name, "via": lids[0]}
        for k0, k1 in tl.runs(~broken):
            s, e, tag = tl.bounds[k0], tl.seg_time(k1), tl.seg_tags[k0]
            if not _alive(tl, head, s + 1e-6):
                continue
            if conn[k0]:
                out.append(
                    Sym(
                        s + rng.uniform(0.05, 2),
                        head,
                        "LSP_REROUTE",
                        head,
                        ctx=dict(ctx),
                        origin=tag,
                        event=True,
                    )
                )
            for d0, d1 in tl.runs(conn[k0:k1]):
                ds, de = tl.bounds[k0 + d0], tl.seg_time(k0 + d1)
                out.append(
                    Sym(ds + rng.uniform(0.5, 3), head, "LSP_DOWN", head, ctx=dict(ctx), origin=tag)
                )
                if de < tl.t_hi and _alive(tl, head, de):
                    out.append(
                        Sym(
                            de + rng.uniform(1, 10),
                            head,
                            "LSP_DOWN",
                            head,
                            clear=True,
                            ctx=dict(ctx),
                            origin=tag,
                        )
                    )
            if k1 < nseg and _alive(tl, head, e):
                c2 = dict(ctx, revert=True)
                out.append(
                    Sym(
                        e + rng.uniform(30, 300),
                        head,
                        "LSP_REROUTE",
                        head,
                        ctx=c2,
                        origin=tag,
                        event=True,
                    )
                )


def _nms(net: Network, tl: Timeline, P: Params, rng: np.random.Generator, out: list[Sym]) -> None:
    R = tl.reach_matrix()
    for i in np.where(~R.all(axis=0))[0]:
        n = net.node_ids[int(i)]
        poll = P.ems_poll.get(net.elements[n].vendor, 120.0)
        for k0, k1 in tl.runs(R[:, i]):
            s, e, tag = tl.bounds[k0], tl.seg_time(k1), tl.seg_tags[k0]
            for code, pp in (("NE_COMM_LOST", poll), ("PING_FAIL", P.ping_poll)):
                if code == "PING_FAIL" and not P.ping:
                    continue
                d = rng.uniform(0, pp) + (P.missed_polls - 1) * pp + rng.uniform(5, 30)
                if e - s <= d:
                    continue
                out.append(Sym(s + d, n, code, None, origin=tag))
                if e < tl.t_hi:
                    out.append(
                        Sym(
                            e + rng.uniform(0, pp) + rng.uniform(1, 10),
                            n,
                            code,
                            None,
                            clear=True,
                            origin=tag,
                        )
                    )


def _restarts(net: Network, tl: Timeline, rng: np.random.Generator, out: list[Sym]) -> None:
    for n, ivs in tl.node_iv.items():
        for _s, e, tag, cause in ivs:
            if e >= tl.t_hi or tl.node_down_at(n, e):
                continue
            maint = cause == "maint"
            code = "WARM_START" if cause == "reboot" and rng.random() < 0.3 else "COLD_START"
            out.append(Sym(e + rng.uniform(5, 40), n, code, n, origin=tag, event=True, maint=maint))
            if net.elements[n].type != "base_station" and rng.random() < 0.6:
                ctx = {"item": "ntp"}
                out.append(
                    Sym(
                        e + rng.uniform(2, 10), n, "NTP_UNSYNC", n, ctx=ctx, origin=tag, maint=maint
                    )
                )
                out.append(
                    Sym(
                        e + rng.uniform(30, 300),
                        n,
                        "NTP_UNSYNC",
                        n,
                        clear=True,
                        ctx=ctx,
                        origin=tag,
                        maint=maint,
                    )
                )


def derive(net: Network, tl: Timeline, P: Params, rng: np.random.Generator) -> list[Sym]:
    """All symptoms implied by the timeline's down intervals.

    Parameters
    ----------
    net : Network
    tl : Timeline
        Finalised timeline.
    P : Params
        Protocol timers.
    rng : numpy.random.Generator

    Returns
    -------
    list of Sym
    """
    out: list[Sym] = []
    _ports(net, tl, P, rng, out)
    _adjacencies(net, tl, P, rng, out)
    _relations(net, tl, P, rng, out)
    _nms(net, tl, P, rng, out)
    _restarts(net, tl, rng, out)
    return out
