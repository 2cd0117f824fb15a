"""Telemetry: link utilisation, router CPU, base-station latency and loss.

Series are simulated on a one-minute grid from the same state the alarms
come from: every element's busy-hour demand is routed up the shortest-hop
tree to the traffic exits of the current state (so a cut ring re-routes and
the protection path fills up), scaled by the time of day, with smooth
noise; radio hops lose capacity under adaptive modulation; a congestion
root adds offered traffic beyond line rate; CPU follows a per-router base
(busy routers near their threshold), SPF spikes after topology changes,
boot-time load and overload roots; latency adds queueing on hot links and
radio fading. Dead or unreachable elements have no samples.

Threshold-crossing alarms (TCAs) are computed from these very series,
with hysteresis and persistence, so a CPU-high alarm on a busy router
matches its (normal-ish) CPU curve. The exported metrics.csv is a polled,
gappy subset.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .background import local_hour
from .events import Effects, Sym
from .network import ROUTER_TYPES, Network
from .state import Timeline

__all__ = ["Series", "simulate", "tcas", "export"]

STEP = 60.0
NAME_SCHEMES = [
    {
        "util": "if_util_pct",
        "cpu": "cpu_util_pct",
        "lat": "twamp_rtt_ms",
        "loss": "twamp_loss_pct",
        "frac": False,
    },
    {"util": "utilization", "cpu": "cpu", "lat": "latency_ms", "loss": "packet_loss", "frac": True},
    {
        "util": "ifHCOutUtil",
        "cpu": "cpmCPUTotal5min",
        "lat": "slaRttAvg",
        "loss": "slaLossRatio",
        "frac": False,
    },
    {
        "util": "link.util",
        "cpu": "node.cpu.load",
        "lat": "bs.rtt.avg",
        "loss": "bs.pkt.loss",
        "frac": True,
    },
]


@dataclass
class Series:
    """Simulated one-minute series (NaN where no sample can exist)."""

    times: np.ndarray
    seg: np.ndarray
    util: np.ndarray  # (T, links) percent
    cpu: np.ndarray  # (T, routers) percent
    lat: np.ndarray  # (T, bs) ms
    loss: np.ndarray  # (T, bs) percent
    routers: list[str]
    bss: list[str]


def _smooth_noise(
    rng: np.random.Generator, T: int, n: int, sd: float, rho: float = 0.85
) -> np.ndarray:
    x = np.zeros((T, n))
    e = rng.normal(0, sd * np.sqrt(1 - rho**2), (T, n))
    x[0] = rng.normal(0, sd, n)
    for k in range(1, T):
        x[k] = rho * x[k - 1] + e[k]
    return x


def simulate(
    net: Network, tl: Timeline, eff: Effects, rng: np.random.Generator, t0: float, t1: float
) -> Series:
    """Simulate all series on a one-minute grid over ``[t0, t1]``."""
    times = np.arange(t0, t1 + 1, STEP)
    T = len(times)
    seg = np.clip(np.searchsorted(np.array(tl.bounds), times, side="right") - 1, 0, None)
    hrs = np.array([local_hour(net, t) for t in times])
    diurnal = 0.3 + 0.7 * ((1 - np.cos(2 * np.pi * (hrs - 4.0) / 24.0)) / 2.0) ** 1.5
    L = len(net.link_ids)
    cap = np.array([net.links[l].cap for l in net.link_ids])
    transit = np.array([net.transit.get(l, 0.0) for l in net.link_ids])
    # routed load per distinct state
    useg = sorted(set(seg.tolist()))
    load = np.zeros((T, L))
    for k in useg:
        _pl, _d, ld = tl.seg_views[k].tree(net)
        load[seg == k] = ld
    offered = (load + transit) * diurnal[:, None] * (1.0 + _smooth_noise(rng, T, L, 0.04))
    capf = np.ones((T, L))
    for l, steps in eff.capacity.items():
        j = net.lidx[l]
        for ts, fct in sorted(steps):
            capf[times >= ts, j] = fct
    base_pl, base_depth, _ = tl.seg_views[0].tree(net)
    for l, s, e, fct, _tag in eff.surges:
        j = net.lidx[l]
        ramp = np.clip((times - s) / 180.0, 0, 1) * (times < e)
        extra = fct * cap[j] * ramp
        offered[:, j] += extra
        lk = net.links[l]
        u = (
            net.nidx[lk.a]
            if base_depth[net.nidx[lk.a]] <= base_depth[net.nidx[lk.b]]
            else net.nidx[lk.b]
        )
        hops = 0
        while base_pl[u] >= 0 and hops < 64:  # the same traffic crosses the links towards the exit
            li = base_pl[u]
            offered[:, li] += extra
            u = net.nidx[net.links[net.link_ids[li]].other(net.node_ids[u])]
            hops += 1
    ce = cap[None, :] * capf
    util = np.minimum(offered, 0.985 * ce) / ce * 100.0 + rng.normal(0, 0.3, (T, L))
    util = np.clip(util, 0.0, 100.0)
    # links down (own or an end dead) carry nothing
    for k in useg:
        v = tl.seg_views[k]
        dead = set(v.dl)
        for n in v.dn:
            dead.update(li for _v, li in net.nbr[n])
        if dead:
            util[np.ix_(seg == k, sorted(dead))] = 0.0
    # CPU
    routers = [n for n, e in net.elements.items() if e.type in ROUTER_TYPES]
    R = len(routers)
    base = np.array(
        [rng.uniform(62, 80) if n in eff.busy_nodes else rng.uniform(8, 45) for n in routers]
    )
    busy = np.array([n in eff.busy_nodes for n in routers])
    cpu = (
        base[None, :] * (0.8 + 0.2 * diurnal[:, None])
        + _smooth_noise(rng, T, R, 3.0)
        + np.where(busy[None, :], _smooth_noise(rng, T, R, 6.0, 0.6), 0.0)
    )
    ridx = {n: i for i, n in enumerate(routers)}
    changes: list[tuple[float, str]] = []
    for lid, ivs in tl.link_iv.items():
        lk = net.links[lid]
        for s, e, _t, _c in ivs:
            for x in (lk.a, lk.b):
                changes += [(s, x), (e, x)]
    for n, ivs in tl.node_iv.items():
        for s, e, _t, _c in ivs:
            for v, _li in net.nbr[net.nidx[n]]:
                changes += [(s, net.node_ids[v]), (e, net.node_ids[v])]
    for t, x in changes:
        if x in ridx and t0 <= t <= t1:
            k = int((t - t0) // STEP)
            cpu[k : k + int(rng.integers(1, 3)), ridx[x]] += rng.uniform(8, 30)
    for n, s, e, lvl, _tag in eff.cpu:
        if n in ridx:
            m = (times >= s) & (times < e)
            cpu[m, ridx[n]] = lvl + rng.normal(0, 2.0, int(m.sum()))
    cpu = np.clip(cpu, 1.0, 100.0)
    for k in useg:
        v = tl.seg_views[k]
        dn = [ridx[net.node_ids[i]] for i in v.dn if net.node_ids[i] in ridx]
        if dn:
            cpu[np.ix_(seg == k, dn)] = np.nan
    # base-station latency and loss
    bss = net.of_type("base_station")
    B = len(bss)
    mwhops = np.zeros(B)
    pl0 = base_pl
    for i, bs in enumerate(bss):
        u, hops = net.nidx[bs], 0
        while pl0[u] >= 0 and hops < 64:
            lk = net.links[net.link_ids[pl0[u]]]
            mwhops[i] += lk.type == "microwave"
            u = net.nidx[lk.other(net.node_ids[u])]
            hops += 1
    lat = (rng.uniform(3, 12, B) + 0.6 * mwhops)[None, :] * np.exp(_smooth_noise(rng, T, B, 0.08))
    loss = np.abs(rng.normal(0.01, 0.01, (T, B)))
    q = np.where(
        util >= 97.5,
        15 + (util - 97.5) * 40 + rng.exponential(10, util.shape),
        np.where(util >= 85, (util - 85) * 0.5, 0.0),
    )
    fadepen = (1.0 / capf - 1.0) * 1.5
    lossq = np.where(util >= 98, rng.uniform(0.5, 6, util.shape), 0.0) + np.where(
        capf <= 0.5, rng.uniform(0.1, 2, util.shape), 0.0
    )
    for k in useg:
        v = tl.seg_views[k]
        pl, depth, _ld = v.tree(net)
        rows, cols = [], []
        for i, bs in enumerate(bss):
            u, hops = net.nidx[bs], 0
            while pl[u] >= 0 and hops < 64:
                rows.append(i)
                cols.append(int(pl[u]))
                u = net.nidx[net.links[net.link_ids[pl[u]]].other(net.node_ids[u])]
                hops += 1
        m = seg == k
        if rows:
            r = np.array(rows)
            c = np.array(cols)
            pen = np.zeros((int(m.sum()), B))
            lpen = np.zeros_like(pen)
            np.add.at(pen.T, r, (q[m][:, c] + fadepen[m][:, c]).T)
            np.add.at(lpen.T, r, lossq[m][:, c].T)
            lat[m] += pen
            loss[m] += lpen
        gone = [i for i, bs in enumerate(bss) if depth[net.nidx[bs]] < 0]
        if gone:
            lat[np.ix_(m, gone)] = np.nan
            loss[np.ix_(m, gone)] = np.nan
    loss = np.clip(loss, 0, 100)
    return Series(times, seg, util, cpu, lat, loss, routers, bss)


def _crossings(x: np.ndarray, hi: float, lo: float, k: int) -> list[tuple[int, int | None]]:
    """(raise index, clear index or None) with persistence ``k`` and hysteresis."""
    out = []
    state, run, start = False, 0, 0
    for i, v in enumerate(x):
        if np.isnan(v):
            continue
        if not state:
            run = run + 1 if v > hi else 0
            if run >= k:
                state, start, run = True, i, 0
        else:
            run = run + 1 if v < lo else 0
            if run >= k:
                out.append((start, i))
                state, run = False, 0
    if state:
        out.append((start, None))
    return out


def tcas(s: Series, net: Network, eff: Effects, rng: np.random.Generator) -> list[Sym]:
    """Threshold-crossing alarms implied by the series (origin from the effects)."""

    def tag_of(items: list, key: str, t: float) -> str:
        for it in items:
            if it[0] == key and it[1] - 120 <= t <= it[2] + 600:
                return it[-1]
        return "bg"

    out: list[Sym] = []
    times = s.times
    util_hi = float(rng.choice([80.0, 85.0, 90.0]))
    cpu_hi = float(rng.choice([80.0, 85.0, 90.0]))
    lat_hi = float(rng.choice([30.0, 40.0, 50.0, 80.0]))
    k_util, k_cpu = int(rng.integers(3, 6)), int(rng.integers(2, 6))
    dev_tca = {"huawei", "nokia"}
    for j in np.where((s.util > util_hi).any(axis=0))[0]:
        l = net.link_ids[int(j)]
        lk = net.links[l]
        ends = [lk.a, lk.b] if rng.random() < 0.4 else [lk.a if rng.random() < 0.5 else lk.b]
        for a, b in _crossings(s.util[:, j], util_hi, util_hi - 10, k_util):
            for x in ends:
                raiser = x if net.elements[x].vendor in dev_tca else None
                ctx = {"value": round(float(s.util[a, j]), 1), "thr": util_hi}
                tg = tag_of(eff.surges, l, times[a])
                out.append(
                    Sym(
                        times[a] + rng.uniform(0, 30),
                        x,
                        "UTIL_HIGH",
                        raiser,
                        link=l,
                        ctx=ctx,
                        origin=tg,
                    )
                )
                if b is not None:
                    c2 = dict(ctx, value=round(float(s.util[b, j]), 1))
                    out.append(
                        Sym(
                            times[b] + rng.uniform(0, 30),
                            x,
                            "UTIL_HIGH",
                            raiser,
                            clear=True,
                            link=l,
                            ctx=c2,
                            origin=tg,
                        )
                    )
    for j in np.where((np.nan_to_num(s.cpu) > cpu_hi).any(axis=0))[0]:
        n = s.routers[int(j)]
        raiser = None if net.elements[n].vendor == "juniper" else n
        for a, b in _crossings(s.cpu[:, j], cpu_hi, cpu_hi - 10, k_cpu):
            ctx = {
                "value": int(s.cpu[a, j]),
                "thr": int(cpu_hi),
                "pid": int(rng.integers(100, 9000)),
            }
            tg = tag_of(eff.cpu, n, times[a])
            out.append(
                Sym(times[a] + rng.uniform(0, 30), n, "CPU_HIGH", raiser, ctx=ctx, origin=tg)
            )
            if b is not None:
                out.append(
                    Sym(
                        times[b] + rng.uniform(0, 30),
                        n,
                        "CPU_HIGH",
                        raiser,
                        clear=True,
                        ctx=dict(ctx, value=int(s.cpu[b, j])),
                        origin=tg,
                    )
                )
    for arr, code, hi, lo in (
        (s.lat, "LATENCY_HIGH", lat_hi, lat_hi * 0.7),
        (s.loss, "PKT_LOSS", 1.0, 0.3),
    ):
        for j in np.where((np.nan_to_num(arr) > hi).any(axis=0))[0]:
            bs = s.bss[int(j)]
            for a, b in _crossings(arr[:, j], hi, lo, 2):
                ctx = {"value": round(float(arr[a, j]), 1), "thr": hi, "item": f"TWAMP {bs}"}
                out.append(Sym(times[a] + rng.uniform(0, 60), bs, code, None, ctx=ctx))
                if b is not None:
                    out.append(
                        Sym(
                            times[b] + rng.uniform(0, 60), bs, code, None, clear=True, ctx=dict(ctx)
                        )
                    )
    return out


def export(
    s: Series,
    net: Network,
    tl: Timeline,
    eff: Effects,
    rng: np.random.Generator,
    size: str,
    w0: float,
    w1: float,
) -> tuple[pd.DataFrame | None, dict]:
    """The polled metrics.csv table (or ``None`` for incidents without metrics)."""
    if rng.random() < 0.15:
        return None, {}
    names = NAME_SCHEMES[int(rng.integers(len(NAME_SCHEMES)))]
    poll = float(rng.choice([60.0, 300.0, 120.0], p=[0.35, 0.45, 0.2]))
    sel_t = np.where((s.times >= w0) & (s.times <= w1) & (((s.times - w0) % poll) < 1))[0]
    if len(sel_t) == 0:
        return None, {}
    cap_n = {"small": 10_000, "medium": 600, "large": 450}[size]
    links = [
        j for j, l in enumerate(net.link_ids) if net.links[l].kind != "ran" or rng.random() < 0.2
    ]
    if len(links) > cap_n:
        links = sorted(int(x) for x in rng.choice(links, size=cap_n, replace=False))
    routers = list(range(len(s.routers)))
    if len(routers) > cap_n:
        routers = sorted(int(x) for x in rng.choice(routers, size=cap_n, replace=False))
    bss = list(range(len(s.bss)))
    if len(bss) > cap_n:
        bss = sorted(int(x) for x in rng.choice(bss, size=cap_n, replace=False))
    with_loss = rng.random() < 0.5
    R = tl.reach_matrix()
    seg = s.seg[sel_t]
    reach = R[seg]  # (t, nodes)
    frames = []

    def add(values: np.ndarray, entities: list[str], metric: str, ok: np.ndarray, nd: int) -> None:
        v = values.copy()
        v[~ok] = np.nan
        v[rng.random(v.shape) < 0.015] = np.nan
        ti, ei = np.nonzero(~np.isnan(v))
        frames.append(
            pd.DataFrame(
                {
                    "t": s.times[sel_t][ti],
                    "entity": np.array(entities, dtype=object)[ei],
                    "metric": metric,
                    "value": np.round(v[ti, ei], nd),
                }
            )
        )

    if links:
        ub = np.array([net.nidx[net.links[net.link_ids[j]].b] for j in links])
        ua = np.array([net.nidx[net.links[net.link_ids[j]].a] for j in links])
        ok = reach[:, ua] | reach[:, ub]
        vals = s.util[np.ix_(sel_t, links)]
        if names["frac"]:
            vals = vals / 100.0
        add(vals, [net.link_ids[j] for j in links], names["util"], ok, 4 if names["frac"] else 2)
    if routers:
        ri = np.array([net.nidx[s.routers[j]] for j in routers])
        ok = reach[:, ri].copy()
        for n, a, b, p, _tag in eff.starve:
            if n in s.routers and s.routers.index(n) in routers:
                col = routers.index(s.routers.index(n))
                m = (s.times[sel_t] >= a) & (s.times[sel_t] < b)
                ok[m, col] &= rng.random(int(m.sum())) >= p
        add(s.cpu[np.ix_(sel_t, routers)], [s.routers[j] for j in routers], names["cpu"], ok, 1)
    if bss:
        bi = np.array([net.nidx[s.bss[j]] for j in bss])
        ok = reach[:, bi]
        add(s.lat[np.ix_(sel_t, bss)], [s.bss[j] for j in bss], names["lat"], ok, 2)
        if with_loss:
            lv = s.loss[np.ix_(sel_t, bss)]
            add(lv / 100.0 if names["frac"] else lv, [s.bss[j] for j in bss], names["loss"], ok, 4)
    df = pd.concat(frames, ignore_index=True)
    if rng.random() < 0.1:  # a poller outage
        a = rng.uniform(w0, w1)
        df = df[(df["t"] < a) | (df["t"] > a + rng.uniform(300, 900))]
    df = df.sort_values(["t", "metric", "entity"], kind="stable").reset_index(drop=True)
    epoch = rng.random() < 0.2
    if epoch:
        ts = df["t"].astype(int)
    else:
        ts = pd.to_datetime(df["t"], unit="s").dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = pd.DataFrame(
        {"timestamp": ts, "entity": df["entity"], "metric": df["metric"], "value": df["value"]}
    )
    return out, {
        "poll_s": poll,
        "names": {k: v for k, v in names.items() if k != "frac"},
        "fraction_units": names["frac"],
    }
