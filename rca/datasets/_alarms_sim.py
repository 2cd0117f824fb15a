"""Alarm physics and the imperfect road from the devices to the alarm log.

* :func:`outage_alarms`: what the neighbours of an outage and the NMS raise
  when elements and links go down or come back (link alarms, protocol
  adjacencies, comm-lost at the NMS's next polls, late and in bulk).
* :func:`background_alarms`: the noise of a live network (link flaps,
  protocol flaps, environment alarms, mains flickers, NMS timeouts).
* :func:`deliver`: drops what dead or cut-off devices raise, then loses,
  duplicates, skews and reorders the rest as a real alarm feed does.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .._time import to_iso
from ._context import Event, SimContext
from ._timeline import Timeline
from ._vocabulary import SEVERITY, rename

__all__ = ["outage_alarms", "background_alarms", "deliver"]


def _ev(
    t: float,
    device: str,
    kind: str,
    *,
    own: bool = True,
    link: str | None = None,
    text: str = "",
    cleared: bool = False,
) -> Event:
    return (t, device, own, kind, "cleared" if cleared else SEVERITY[kind], link, text)


def _link_events(
    ctx: SimContext, k: int, t: float, dead: frozenset[str], *, up: bool
) -> list[Event]:
    """Alarms the surviving ends of link ``k`` raise when it goes down (or clears when it comes back)."""
    rng, r, kn = ctx.rng, ctx.roles, ctx.knobs
    link = r.link_ids[k]
    a, b = int(r.src[k]), int(r.dst[k])
    out: list[Event] = []
    for me, peer in ((a, b), (b, a)):
        dev = r.ids[me]
        if dev in dead:
            continue
        where = ctx.port_text(me, k)
        if up and rng.random() > kn["clear_prob"]:
            continue
        out.append(
            _ev(
                t + rng.uniform(0.05, 3.0),
                dev,
                "LINK_DOWN",
                link=link,
                text=f"{where} down",
                cleared=up,
            )
        )
        if r.fiber[k] and rng.random() < kn["los_prob"]:
            out.append(
                _ev(
                    t + rng.uniform(0.0, 1.0),
                    dev,
                    "LOS",
                    link=link,
                    text=f"{where}: loss of signal",
                    cleared=up,
                )
            )
        if r.microwave[k] and rng.random() < 0.8:
            out.append(
                _ev(
                    t + rng.uniform(0.0, 2.0),
                    dev,
                    "MW_LOF",
                    link=link,
                    text=f"{where}: radio loss of frame",
                    cleared=up,
                )
            )
        if r.router[me] and r.router[peer] and rng.random() < kn["igp_prob"]:
            delay = rng.uniform(0.05, 1.0) if kn["bfd"] else rng.uniform(0, kn["igp_dead_s"])
            out.append(
                _ev(
                    t + (rng.uniform(1, 10) if up else delay),
                    dev,
                    "OSPF_NBR_DOWN",
                    link=link,
                    text=f"neighbour {r.ids[peer]} down"
                    if not up
                    else f"neighbour {r.ids[peer]} full",
                    cleared=up,
                )
            )
        if (
            r.tier[me] <= 1
            and r.tier[peer] <= 1
            and r.router[peer]
            and rng.random() < kn["bgp_prob"]
        ):
            delay = rng.uniform(0.05, 1.0) if kn["bfd"] else rng.uniform(0, kn["bgp_hold_s"])
            out.append(
                _ev(
                    t + (rng.uniform(5, 60) if up else delay),
                    dev,
                    "BGP_PEER_DOWN",
                    link=link,
                    text=f"BGP session with {r.ids[peer]} {'established' if up else 'down'}",
                    cleared=up,
                )
            )
    return out


def _next_poll(ctx: SimContext, t: float) -> float:
    p, phase = ctx.knobs["poll_period_s"], ctx.knobs["poll_phase_s"]
    return ctx.start + phase + math.ceil((t - ctx.start - phase) / p) * p


def outage_alarms(ctx: SimContext, timeline: Timeline) -> list[Event]:
    """Alarms caused by every change of state: neighbours, protocols, NMS, radio OSS."""
    rng, r, kn = ctx.rng, ctx.roles, ctx.knobs
    out: list[Event] = []
    for before, after in timeline.transitions():
        t = after.start
        for link in sorted(after.down_links - before.down_links, key=r.link_pos.__getitem__):
            out += _link_events(ctx, r.link_pos[link], t, after.dead, up=False)
        for link in sorted(before.down_links - after.down_links, key=r.link_pos.__getitem__):
            out += _link_events(ctx, r.link_pos[link], t, after.dead, up=True)
        # the NMS notices at its polls: after `missed_polls` misses, the whole sweep at once
        detect = _next_poll(ctx, t) + (kn["missed_polls"] - 1) * kn["poll_period_s"]
        for node in after.lost_order:
            if node in before.lost:
                continue
            when = detect + rng.uniform(0, kn["sweep_s"])
            if node in timeline.lost(when):
                out.append(
                    _ev(
                        when,
                        node,
                        "NE_COMM_LOST",
                        own=False,
                        text="NE not reachable: no response to polls",
                    )
                )
            if kn["oss_feed"] and r.radio[r.pos[node]]:
                out.append(
                    _ev(
                        t + rng.uniform(5, 90),
                        node,
                        "CELL_OUTAGE",
                        own=False,
                        text="S1/NG link to core lost; cells out of service",
                    )
                )
        back = _next_poll(ctx, t) + rng.uniform(0, kn["sweep_s"])
        for node in before.lost_order:
            if node not in after.lost and rng.random() < kn["clear_prob"]:
                out.append(
                    _ev(
                        back + rng.uniform(0, 2),
                        node,
                        "NE_COMM_LOST",
                        own=False,
                        text="NE reachable again",
                        cleared=True,
                    )
                )
    return out


_ENV = ("TEMP_HIGH", "FAN_FAILURE", "POWER_SUPPLY_FAIL", "CONFIG_CHANGE", "AUTH_FAILURE")


def background_alarms(ctx: SimContext) -> list[Event]:
    """The everyday noise of the network over the incident window."""
    rng, r, kn = ctx.rng, ctx.roles, ctx.knobs
    n = len(r.ids)
    hours = (ctx.end - ctx.start) / 3600.0
    n_episodes = int(rng.poisson(kn["background_rate"] * n * hours))
    kinds = ("flap", "protocol", "env", "mains", "comm", "radio", "cell")
    weights = np.asarray([0.35, 0.12, 0.3, 0.05, 0.06, 0.07, 0.05])
    mw = np.flatnonzero(r.microwave)
    routers = np.flatnonzero(r.router)
    radios = np.flatnonzero(r.radio)
    out: list[Event] = []
    for _ in range(n_episodes):
        kind = kinds[int(rng.choice(len(kinds), p=weights))]
        t = rng.uniform(ctx.start, ctx.end)
        if kind == "flap" or (kind == "radio" and not len(mw)):
            out += _flap(ctx, int(rng.integers(len(r.link_ids))), t, 1)
        elif kind == "protocol" and len(routers):
            v = int(routers[rng.integers(len(routers))])
            peers = [(w, k) for w, k in r.adj[v] if r.router[w]]
            if peers:
                w, k = peers[int(rng.integers(len(peers)))]
                p = (
                    "BGP_PEER_DOWN"
                    if r.tier[v] <= 1 and r.tier[w] <= 1 and rng.random() < 0.5
                    else "OSPF_NBR_DOWN"
                )
                back = t + rng.uniform(5, 300)
                for who, peer in ((v, w), (w, v)):
                    out.append(
                        _ev(
                            t + rng.uniform(0, 2),
                            r.ids[who],
                            p,
                            link=r.link_ids[k],
                            text=f"adjacency with {r.ids[peer]} reset",
                        )
                    )
                    out.append(
                        _ev(
                            back + rng.uniform(0, 2),
                            r.ids[who],
                            p,
                            link=r.link_ids[k],
                            text=f"adjacency with {r.ids[peer]} up",
                            cleared=True,
                        )
                    )
        elif kind == "env":
            dev = r.ids[int(rng.integers(n))]
            e = _ENV[int(rng.integers(len(_ENV)))]
            out.append(_ev(t, dev, e, text=e.lower().replace("_", " ")))
            if e in ("TEMP_HIGH", "FAN_FAILURE") and rng.random() < 0.5:
                out.append(
                    _ev(t + rng.uniform(60, 1200), dev, e, text="back to normal", cleared=True)
                )
        elif kind == "mains":
            dev = r.ids[int(rng.integers(n))]
            out.append(_ev(t, dev, "MAINS_FAILURE", text="AC mains input lost; running on battery"))
            out.append(
                _ev(
                    t + rng.uniform(5, 900),
                    dev,
                    "MAINS_FAILURE",
                    text="AC mains restored",
                    cleared=True,
                )
            )
        elif kind == "comm":
            dev = r.ids[int(rng.integers(n))]
            t = _next_poll(ctx, t)
            out.append(_ev(t, dev, "NE_COMM_LOST", own=False, text="SNMP polling timeout"))
            out.append(
                _ev(
                    _next_poll(ctx, t + 1),
                    dev,
                    "NE_COMM_LOST",
                    own=False,
                    text="NE reachable again",
                    cleared=True,
                )
            )
        elif kind == "radio":
            k = int(mw[rng.integers(len(mw))])
            end = int(r.src[k] if rng.random() < 0.5 else r.dst[k])
            e = "MW_RSL_LOW" if rng.random() < 0.6 else "MODEM_BER_HIGH"
            out.append(_ev(t, r.ids[end], e, link=r.link_ids[k], text="radio margin low"))
            out.append(
                _ev(
                    t + rng.uniform(30, 900),
                    r.ids[end],
                    e,
                    link=r.link_ids[k],
                    text="radio margin normal",
                    cleared=True,
                )
            )
        elif kind == "cell" and len(radios):
            dev = r.ids[int(radios[rng.integers(len(radios))])]
            out.append(
                _ev(
                    t,
                    dev,
                    "CELL_OUTAGE",
                    own=False,
                    text="cell out of service (restarted by operator)",
                )
            )
            out.append(
                _ev(
                    t + rng.uniform(60, 600),
                    dev,
                    "CELL_OUTAGE",
                    own=False,
                    text="cell back in service",
                    cleared=True,
                )
            )
    # unrelated links flapping around the time of the fault
    for _ in range(int(rng.poisson(kn["flappers"]))):
        t = ctx.fault_time + rng.uniform(-600, 600)
        out += _flap(ctx, int(rng.integers(len(r.link_ids))), t, int(rng.integers(2, 7)))
    return out


def _flap(ctx: SimContext, k: int, t: float, times: int) -> list[Event]:
    """A link going down and up ``times`` times, raised by both ends."""
    rng, r = ctx.rng, ctx.roles
    out: list[Event] = []
    for _ in range(times):
        up = t + rng.uniform(1, 90)
        ctx.flaps.append((k, t, up))
        for end in (int(r.src[k]), int(r.dst[k])):
            where = ctx.port_text(end, k)
            for kind, stamp, cleared in (("LINK_DOWN", t, False), ("LINK_DOWN", up, True)):
                out.append(
                    _ev(
                        stamp + rng.uniform(0, 1.5),
                        r.ids[end],
                        kind,
                        link=r.link_ids[k],
                        text=f"{where} {'up' if cleared else 'down'}",
                        cleared=cleared,
                    )
                )
            if r.fiber[k] and rng.random() < 0.4:
                out.append(
                    _ev(
                        t + rng.uniform(0, 1),
                        r.ids[end],
                        "LOS",
                        link=r.link_ids[k],
                        text=f"{where}: loss of signal",
                    )
                )
        t = up + rng.uniform(5, 120)
    return out


def deliver(
    ctx: SimContext, timeline: Timeline, events: list[Event], dialects: dict[str, str]
) -> pd.DataFrame:
    """The alarm log as the NMS exports it: rows in delivery order.

    Drops what a dead or unreachable device raises and what falls outside
    the window; loses and duplicates alarms; stamps device-raised alarms
    with the device's skewed clock; delivers after a random transport delay.
    """
    rng, kn = ctx.rng, ctx.knobs
    ids = ctx.roles.ids
    skew = rng.normal(0.0, kn["skew_s"], size=len(ids))
    bad = rng.random(len(ids)) < kn["bad_clock_rate"]
    skew[bad] += rng.choice([-1.0, 1.0], size=int(bad.sum())) * rng.uniform(
        30, 300, size=int(bad.sum())
    )
    skew_of = dict(zip(ids, skew.tolist()))
    nms_dialect = kn["nms_dialect"]
    rows = []
    events = sorted(events, key=lambda e: (e[0], e[1], e[3], e[4], e[5] or ""))
    for t, dev, own, kind, sev, link, text in events:
        if not (ctx.start <= t <= ctx.end):
            continue
        if own and dev in timeline.lost(t):
            continue
        if rng.random() < kn["loss_rate"]:
            continue
        stamp = t + skew_of.get(dev, 0.0) if own else t
        arrive = t + rng.exponential(kn["delivery_delay_s"])
        name = rename(kind, dialects.get(dev, nms_dialect) if own else nms_dialect)
        rows.append((arrive, round(stamp, 3), dev, name, sev, link, text))
        if rng.random() < kn["dup_rate"]:
            if rng.random() < 0.5:  # an exact re-delivery
                rows.append(
                    (arrive + rng.exponential(5.0), round(stamp, 3), dev, name, sev, link, text)
                )
            else:  # a re-send with a new timestamp
                again = rng.uniform(1, 60)
                rows.append((arrive + again, round(stamp + again, 3), dev, name, sev, link, text))
    rows.sort(key=lambda x: x[0])
    frame = pd.DataFrame(
        rows, columns=["arrive", "time", "device", "alarm_type", "severity", "link_id", "message"]
    )
    frame.insert(0, "timestamp", [to_iso(x) for x in frame["time"].tolist()])
    return frame.drop(columns=["arrive", "time"])
