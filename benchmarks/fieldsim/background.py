"""Background: everything that alarms while nothing is (newly) broken.

Chronic standing conditions raised hours or days before the window, ports
flapping all day on a dirty connector, an element dead since yesterday,
planned maintenance, mains blips that the batteries ride through, doors
opened by technicians, ONTs of customers switching off, cells entering
energy saving at night, rain brushing radio hops, performance threshold
crossings, logins, commits, brute-force attempts, SNMP community errors,
elements missing from the inventory and the NMS's own notifications.
Busy routers and links are flagged here so that metrics run hot on them
and cross thresholds without any fault.
"""

from __future__ import annotations

import numpy as np

from .events import Effects, Sym
from .faults import fade
from .network import ROUTER_TYPES, Network
from .state import INF, Timeline

__all__ = ["add_background", "local_hour"]

USERS = [
    "noc_ops",
    "jsmith",
    "a.kowalski",
    "netconf-bot",
    "ansible",
    "r.müller",
    "oss_poller",
    "tier2",
]
BAD_USERS = [
    "admin",
    "root",
    "test",
    "ubnt",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "оператор",
    'a,b"c',
    "support\nadmin",
    "guest",
    "cisco",
    "\u202eevil",
]
COMMENTS = [
    "CR-{n} planned work",
    "fix BFD timers",
    "add vlan {n}",
    "rollback",
    "",
    "QoS policy update",
    'per ticket INC{n}, "urgent"',
    "migrate PW to EVPN; step 2/5",
    "temp change – revert tomorrow",
]


def local_hour(net: Network, t: float) -> float:
    """Local hour of day at the network (from the mean longitude)."""
    lons = [e.lon for e in net.elements.values() if e.lon is not None]
    tz = round(float(np.mean(lons)) / 15.0) if lons else 0
    return ((t / 3600.0) + tz) % 24.0


def _src(rng: np.random.Generator, hostile: bool = False) -> str:
    if hostile:
        return f"{[203, 198, 45, 185][int(rng.integers(4))]}.{int(rng.integers(0, 255))}.{int(rng.integers(0, 255))}.{int(rng.integers(1, 254))}"
    return f"10.250.{int(rng.integers(0, 8))}.{int(rng.integers(2, 250))}"


def _poisson_times(rng: np.random.Generator, rate_per_h: float, a: float, b: float) -> np.ndarray:
    n = int(rng.poisson(max(rate_per_h, 0.0) * (b - a) / 3600.0))
    return np.sort(rng.uniform(a, b, n))


def _pick(rng: np.random.Generator, xs: list) -> object:
    return xs[int(rng.integers(len(xs)))]


def add_background(
    net: Network,
    tl: Timeline,
    rng: np.random.Generator,
    w0: float,
    w1: float,
    skew: dict[str, float],
    eff: Effects,
    out: list[Sym],
    avoid: set[str],
) -> dict:
    """Add background conditions and events.

    Parameters
    ----------
    net, tl : Network, Timeline
    rng : numpy.random.Generator
    w0, w1 : float
        Incident window (epoch seconds).
    skew : dict
        Device clock skews (badly skewed devices carry an NTP alarm).
    eff : Effects
        Receives busy elements and radio capacity changes.
    out : list of Sym
        Receives the background symptoms.
    avoid : set of str
        Elements of the roots (not used for chronic outages or maintenance).

    Returns
    -------
    dict
        Notes about the background (phantom devices, maintenance), for truth.json.
    """
    el = net.elements
    f = float(rng.lognormal(0.0, 0.5))
    pre = w0 - 3600.0
    (w1 - pre) / 3600.0
    h = local_hour(net, w0)
    night = h < 6 or h >= 23
    day = 8 <= h < 19
    managed = [
        n for n, e in el.items() if e.type in ROUTER_TYPES or e.type in ("access_switch", "olt")
    ]
    routers = [n for n, e in el.items() if e.type in ROUTER_TYPES]
    bss = net.of_type("base_station")
    notes: dict = {"phantom_devices": [], "maintenance": []}

    # busy elements run hot all day
    for n in routers:
        p = 0.2 if el[n].type in ("core_router", "pe_router") else 0.06
        if rng.random() < p:
            eff.busy_nodes.add(n)

    # logins and commits
    rate = 0.03 * f * (3.0 if day else 0.7)
    for t in _poisson_times(rng, rate * len(managed), pre, w1):
        n = _pick(rng, managed)
        user = _pick(rng, USERS)
        src = _src(rng)
        out.append(
            Sym(
                t,
                n,
                "LOGIN",
                n,
                event=True,
                ctx={"user": user, "src": src, "pid": int(rng.integers(1000, 60000))},
            )
        )
        for _ in range(int(rng.random() < 0.5) + int(rng.random() < 0.2)):
            t += rng.uniform(60, 1200)
            c = _pick(rng, COMMENTS).format(n=int(rng.integers(1000, 99999)))
            out.append(
                Sym(
                    t,
                    n,
                    "CONFIG_CHANGE",
                    n,
                    event=True,
                    ctx={
                        "user": user,
                        "src": src,
                        "comment": c,
                        "commit": int(rng.integers(1000000000, 2000000000)),
                    },
                )
            )
    # brute-force attempts on an exposed management address
    if rng.random() < 0.3:
        for _ in range(int(rng.integers(1, 3))):
            n = _pick(rng, managed)
            src = _src(rng, hostile=True)
            t = rng.uniform(pre, w1)
            for _k in range(int(rng.integers(5, 40))):
                t += rng.exponential(20)
                out.append(
                    Sym(
                        t,
                        n,
                        "LOGIN_FAIL",
                        n,
                        event=True,
                        ctx={"user": _pick(rng, BAD_USERS), "src": src},
                    )
                )
    # a poller with the wrong community, all day long
    if rng.random() < 0.4:
        for _ in range(int(rng.integers(1, 3))):
            n = _pick(rng, managed)
            src = _src(rng)
            period = rng.uniform(120, 900)
            t = pre + rng.uniform(0, period)
            while t < w1:
                out.append(Sym(t, n, "SNMP_AUTH_FAIL", n, event=True, ctx={"src": src}))
                t += period * rng.uniform(0.9, 1.1)
    # badly skewed clocks carry a standing NTP alarm
    for n in routers:
        if abs(skew.get(n, 0.0)) > 30 and rng.random() < 0.7:
            out.append(
                Sym(w0 - rng.uniform(3600, 86400 * 5), n, "NTP_UNSYNC", n, ctx={"item": "ntp"})
            )

    # standing chronic alarms
    k = int(rng.poisson(0.012 * len(el) * f)) + int(rng.random() < 0.6)
    ids = list(el)
    for _ in range(k):
        n = _pick(rng, ids)
        e = el[n]
        t = w0 - rng.uniform(600, 86400 * 20)
        if e.type == "base_station":
            code = _pick(
                rng,
                [
                    "VSWR",
                    "SYNC_LOSS",
                    "RU_FAULT",
                    "CELL_DOWN",
                    "BATT_TEST",
                    "SITE_TEMP",
                    "DOOR_OPEN",
                ],
            )
        elif e.type in ROUTER_TYPES or e.type in ("access_switch", "olt"):
            code = _pick(
                rng,
                [
                    "FAN_FAIL",
                    "PSU_FAIL",
                    "TEMP_HIGH",
                    "LICENSE",
                    "CERT_EXPIRY",
                    "OPT_RX_LOW",
                    "OPT_RX_LOW",
                ],
            )
        else:
            code = _pick(rng, ["MW_RSL_LOW", "TEMP_HIGH", "SITE_TEMP", "LICENSE"])
        ctx = {
            "item": _pick(rng, ["0", "1", "A", "B", "PEM1", "slot 2", "RRU-2", "GPS"]),
            "value": int(rng.integers(2, 60)),
            "thr": 45,
            "site": e.site,
        }
        link = None
        if code in ("OPT_RX_LOW", "MW_RSL_LOW"):
            ls = [
                l for l in e.links if (net.links[l].type == "microwave") == (code == "MW_RSL_LOW")
            ]
            if not ls:
                continue
            link = _pick(rng, ls)
            ctx.update(
                value=round(
                    float(rng.uniform(-24, -18))
                    if code == "OPT_RX_LOW"
                    else float(rng.uniform(-75, -68)),
                    1,
                ),
                thr=-18.0 if code == "OPT_RX_LOW" else -68.0,
            )
        if code == "CELL_DOWN":
            if not e.cells:
                continue
            ctx.update(cell=_pick(rng, e.cells), reason="cell locked by operator")
        out.append(Sym(t, n, code, n, link=link, ctx=ctx))
        if rng.random() < 0.3:  # re-notified periodically
            p = rng.uniform(900, 3600)
            t2 = w0 + rng.uniform(0, p)
            while t2 < w1:
                out.append(Sym(t2, n, code, n, link=link, ctx=dict(ctx)))
                t2 += p

    # ports flapping all day (dirty connector, failing SFP, marginal hop)
    flappy = [
        l
        for l, lk in net.links.items()
        if lk.kind in ("access", "mw", "agg", "ran") and lk.a not in avoid and lk.b not in avoid
    ]
    nflap = int(rng.poisson(0.0015 * len(net.links) * f)) + int(rng.random() < 0.5)
    for _ in range(min(nflap, len(flappy))):
        l = _pick(rng, flappy)
        mean = rng.uniform(300, 2400)
        t = pre + rng.exponential(mean)
        while t < w1:
            d = float(np.clip(rng.lognormal(np.log(1.5), 1.0), 0.2, 60))
            tl.down_link(l, t, t + d, "bg", "flap")
            t += d + rng.exponential(mean)

    # an element dead since before the window
    if rng.random() < 0.25:
        leaf = [n for n in bss + net.of_type("access_switch") if n not in avoid]
        if leaf:
            n = _pick(rng, leaf)
            tl.down_node(n, w0 - rng.uniform(7200, 86400 * 3), INF, "bg", "dead")

    # planned maintenance (mostly at night)
    if rng.random() < (0.4 if night else 0.12):
        cands = [n for n in managed + bss if n not in avoid]
        n = _pick(rng, cands)
        t = rng.uniform(pre, w1 - 300)
        user = _pick(rng, USERS)
        out.append(
            Sym(
                t - rng.uniform(30, 600),
                n,
                "LOGIN",
                n,
                event=True,
                maint=True,
                ctx={"user": user, "src": _src(rng)},
            )
        )
        kind = _pick(rng, ["reload", "admin_down", "admin_down"])
        if kind == "reload":
            tl.down_node(n, t, t + rng.uniform(180, 600), "bg", "maint")
        else:
            ls = [l for l in el[n].links if net.links[l].other(n) not in avoid]
            if ls:
                l = _pick(rng, ls)
                tl.down_link(l, t, t + rng.uniform(300, 2400), "bg", f"admin:{n}")
        out.append(
            Sym(
                t - rng.uniform(1, 20),
                n,
                "CONFIG_CHANGE",
                n,
                event=True,
                maint=True,
                ctx={
                    "user": user,
                    "src": _src(rng),
                    "comment": f"CR-{int(rng.integers(10000, 99999))} planned work",
                    "commit": int(rng.integers(1000000000, 2000000000)),
                },
            )
        )
        notes["maintenance"].append({"element": n, "kind": kind})

    # mains blips the batteries ride through
    power_sites = [
        s
        for s, st in net.sites.items()
        if st.kind in ("cell", "tail", "co") and not (set(st.elements) & avoid)
    ]
    if power_sites and rng.random() < 0.2:
        for _ in range(int(rng.integers(1, 3))):
            s = _pick(rng, power_sites)
            mem = net.sites[s].elements
            mon = [m for m in mem if el[m].type == "base_station"] or mem
            m = _pick(rng, mon)
            t = rng.uniform(pre, w1)
            d = float(rng.choice([rng.uniform(5, 60), rng.uniform(60, 2400)]))
            out.append(Sym(t, m, "MAINS_FAIL", m, ctx={"site": s}))
            out.append(Sym(t + d, m, "MAINS_FAIL", m, clear=True, ctx={"site": s}))
            if d > 120:
                ctx = {"value": round(float(rng.uniform(51, 52.8)), 1)}
                out.append(Sym(t + rng.uniform(30, 100), m, "BATT_DISCHARGE", m, ctx=ctx))
                out.append(
                    Sym(t + d + rng.uniform(10, 60), m, "BATT_DISCHARGE", m, clear=True, ctx=ctx)
                )
            if net.sites[s].kind == "co" and d > 300:
                out.append(Sym(t + rng.uniform(20, 60), m, "GEN_RUN", m, ctx={"site": s}))
                out.append(
                    Sym(t + d + rng.uniform(300, 900), m, "GEN_RUN", m, clear=True, ctx={"site": s})
                )
    # technicians opening doors
    rsites = [s for s, st in net.sites.items() if st.kind in ("cell", "tail", "co")]
    for t in _poisson_times(rng, 0.004 * f * len(rsites) * (2.5 if day else 0.4), pre, w1):
        s = _pick(rng, rsites)
        mem = net.sites[s].elements
        m = _pick(rng, [x for x in mem if el[x].type == "base_station"] or mem)
        out.append(Sym(t, m, "DOOR_OPEN", m, ctx={"site": s}))
        out.append(Sym(t + rng.uniform(600, 5400), m, "DOOR_OPEN", m, clear=True, ctx={"site": s}))
    # customers' ONTs coming and going
    for olt in net.of_type("olt"):
        for t in _poisson_times(rng, rng.uniform(0.5, 4) * f, pre, w1):
            ctx = {
                "ont": int(rng.integers(1, 128)),
                "pon": int(rng.integers(0, 16)),
                "card": int(rng.integers(1, 17)),
            }
            code = "ONT_LOS" if rng.random() < 0.6 else "ONT_DGASP"
            out.append(Sym(t, olt, code, olt, ctx=ctx))
            if rng.random() < 0.7:
                out.append(Sym(t + rng.uniform(60, 7200), olt, code, olt, clear=True, ctx=ctx))
    # cells sleeping at night
    if night and rng.random() < 0.6:
        for bs in bss:
            if len(el[bs].cells) > 1 and rng.random() < 0.3:
                cell = el[bs].cells[-1]
                t = rng.uniform(pre, w1)
                out.append(Sym(t, bs, "CELL_SLEEP", bs, ctx={"cell": cell}))
                if rng.random() < 0.3:
                    out.append(
                        Sym(
                            t + rng.uniform(600, 3600),
                            bs,
                            "CELL_SLEEP",
                            bs,
                            clear=True,
                            ctx={"cell": cell},
                        )
                    )
    # base-station hardware niggles
    for t in _poisson_times(rng, 0.01 * f * len(bss), pre, w1):
        bs = _pick(rng, bss)
        code = _pick(rng, ["VSWR", "RU_FAULT", "X2_FAIL"])
        ctx = {
            "item": str(int(rng.integers(1, 4))),
            "value": round(float(rng.uniform(1.5, 3.0)), 2),
        }
        if code == "X2_FAIL":
            ctx = {"peer": _pick(rng, bss)}
            if ctx["peer"] == bs:
                continue
        out.append(Sym(t, bs, code, bs, ctx=ctx))
        if rng.random() < 0.6:
            out.append(Sym(t + rng.uniform(5, 900), bs, code, bs, clear=True, ctx=ctx))

    # rain over part of the radio network, without outages
    mw = [l for l, lk in net.links.items() if lk.type == "microwave"]
    if mw and rng.random() < 0.25:
        c = net.links[_pick(rng, mw)]
        la, lo = el[c.a].lat or 0.0, el[c.a].lon or 0.0
        for l in mw:
            e2 = el[net.links[l].a]
            if (
                e2.lat is not None
                and abs(e2.lat - la) < 0.3
                and abs(e2.lon - lo) < 0.4
                and rng.random() < 0.7
            ):
                fade(
                    net,
                    None,
                    l,
                    rng.uniform(pre, w1),
                    rng.uniform(3, 40) * 60,
                    int(rng.integers(1, 3)),
                    rng,
                    "bg",
                    out,
                    eff,
                )
    for t in _poisson_times(rng, 0.05 * f * len(mw), pre, w1):
        l = _pick(rng, mw)
        r = _pick(rng, [net.links[l].a, net.links[l].b])
        out.append(
            Sym(
                t,
                r,
                "MW_TCA",
                r,
                link=l,
                event=True,
                ctx={"value": int(rng.integers(12, 300)), "thr": 10},
            )
        )
    # CRC error threshold crossings
    inter = [l for l, lk in net.links.items() if lk.type != "microwave"]
    for t in _poisson_times(rng, 0.004 * f * len(inter), pre, w1):
        l = _pick(rng, inter)
        x = _pick(rng, [net.links[l].a, net.links[l].b])
        out.append(
            Sym(
                t,
                x,
                "PORT_ERRORS",
                x,
                link=l,
                event=True,
                ctx={"value": int(rng.integers(50, 9000)), "thr": 50},
            )
        )
    # a line card resetting on its own (soft error) and coming back
    if rng.random() < 0.05:
        cand = [n for n in routers if n not in avoid and len(el[n].links) >= 2]
        if cand:
            n = _pick(rng, cand)
            lk0 = net.links[el[n].links[0]]
            c = lk0.card(n)
            t = rng.uniform(pre, w1)
            out.append(
                Sym(
                    t,
                    n,
                    "CARD_RESET",
                    n,
                    event=True,
                    ctx={"card": c, "reason": "parity error, auto-recovery"},
                )
            )
            for l in el[n].links:
                if net.links[l].card(n) == c:
                    tl.down_link(l, t + 0.2, t + rng.uniform(40, 150), "bg", f"card:{n}")
    # elements the inventory does not know
    if rng.random() < 0.3:
        sites = list(net.sites)
        for _ in range(int(rng.integers(1, 4))):
            s = _pick(rng, sites)
            vendor = _pick(rng, ["huawei", "nokia", "cisco", "zte", "ericsson"])
            style = rng.random()
            name = (
                f"{s}-OLD{int(rng.integers(1, 9))}"
                if style < 0.4
                else (
                    f"{s}-NEW{int(rng.integers(1, 9))}"
                    if style < 0.8
                    else f"ne_10.{int(rng.integers(0, 255))}.{int(rng.integers(0, 255))}.7"
                )
            )
            if name in notes["phantom_devices"]:
                continue
            notes["phantom_devices"].append(name)
            if style < 0.4:
                out.append(
                    Sym(
                        w0 - rng.uniform(86400, 86400 * 60),
                        name,
                        "NE_COMM_LOST",
                        None,
                        ctx={"vendor": vendor},
                    )
                )
            else:
                for t in np.sort(rng.uniform(pre, w1, int(rng.integers(1, 6)))):
                    code = _pick(
                        rng, ["LOGIN", "CONFIG_CHANGE", "PORT_DOWN", "COLD_START", "NTP_UNSYNC"]
                    )
                    out.append(
                        Sym(
                            float(t),
                            name,
                            code,
                            name,
                            event=code in ("LOGIN", "CONFIG_CHANGE", "COLD_START"),
                            ctx={
                                "vendor": vendor,
                                "user": "install",
                                "src": _src(rng),
                                "port": "GigabitEthernet0/0/1",
                                "comment": "commissioning",
                            },
                        )
                    )
    # the NMS talking about itself
    if rng.random() < 0.2:
        ems = _pick(rng, ["NCE-T-01", "ENM-01", "nsp-server-2", "umbrella-fm"])
        for t in np.sort(rng.uniform(pre, w1, int(rng.integers(1, 4)))):
            msg = _pick(
                rng,
                [
                    "Northbound interface resynchronisation started",
                    "Alarm forwarding queue 85% full",
                    "Database backup completed",
                    "License usage 92% of capacity",
                    "Mediation process restarted, alarms may be delayed",
                ],
            )
            out.append(Sym(float(t), ems, "NMS_SELF", None, event=True, ctx={"item": msg}))
        notes["phantom_devices"].append(ems)
    return notes
