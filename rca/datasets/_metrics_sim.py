"""Telemetry of the twin and the threshold alarms it triggers.

Every polling period the twin samples ``utilization`` (percent) of each
link, ``cpu`` (percent) of each router and switch and ``latency_ms`` of
each base station. Traffic follows the shortest-path tree towards the core
(:mod:`._traffic`), so failures move load to protecting paths, congestion
raises queueing delay for everything downstream, and elements the NMS
cannot reach leave gaps. Threshold crossings of the same series raise the
SLA, utilisation and cpu alarms, so alarms and metrics agree.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse

from ..errors import InputError
from ._context import Event, SimContext
from ._faults import Fault
from ._timeline import Timeline
from ._traffic import route
from ._vocabulary import SEVERITY

__all__ = ["simulate_metrics", "telemetry_defects"]


def _active(
    spans: list[tuple[int, float, float, float]], times: np.ndarray, size: int, fill: float
) -> np.ndarray:
    """A (samples x entities) array holding each span's value while it is active."""
    out = np.full((len(times), size), fill)
    for idx, start, end, value in spans:
        on = (times >= start) & (times < end)
        out[on, idx] = value
    return out


def simulate_metrics(
    ctx: SimContext, timeline: Timeline, faults: list[Fault]
) -> tuple[pd.DataFrame, list[Event]]:
    """Sample the telemetry; returns the long-format frame and the threshold alarms."""
    rng, r, kn = ctx.rng, ctx.roles, ctx.knobs
    period = kn["metric_period_s"]
    times = np.arange(ctx.start + rng.uniform(0, period), ctx.end, period).round(0)
    n_s, n_l, n_n = len(times), len(r.link_ids), len(r.ids)
    radios = np.flatnonzero(r.radio)
    boxes = np.flatnonzero(~r.radio)

    # demand: base stations send traffic to the core; scale so the busiest edge link is 40-75 % full
    demand = np.zeros(n_n)
    demand[radios] = rng.lognormal(0.0, 0.5, size=len(radios))
    demand[boxes] = 0.05 * rng.random(len(boxes))
    base_load = ctx.base_tree.subtree_load(demand, n_l)
    core = (r.tier[r.src] == 0) & (r.tier[r.dst] == 0)
    edge_util = np.where(core, 0.0, base_load / r.capacity)
    scale = rng.uniform(0.4, 0.75) / max(edge_util.max(), 1e-9)
    demand *= scale
    transit = np.where(core, rng.uniform(0.1, 0.5, size=n_l) * r.capacity, 0.0)

    cap = np.tile(r.capacity, (n_s, 1))
    for f in faults:
        for k, start, end, factor in f.capacity:
            on = (times >= start) & (times < end)
            cap[on, k] *= factor
    extra = np.zeros((n_s, n_l))
    for f in faults:
        for k, start, end, level in f.extra_load:
            on = (times >= start) & (times < end)
            extra[on, k] = level * r.capacity[k]
    cpu_set = np.full((n_s, n_n), np.nan)
    delay = np.zeros((n_s, n_n))
    for f in faults:
        for v, start, end, level in f.cpu:
            on = (times >= start) & (times < end)
            cpu_set[on, v] = level
        for v, start, end, ms in f.delay:
            on = (times >= start) & (times < end)
            delay[on, v] += ms

    # background anomalies: short spikes on random series
    n_anom = int(rng.poisson(kn["anomaly_rate"] * n_n / 100.0 * (ctx.end - ctx.start) / 3600.0))
    spike_util = np.zeros((n_s, n_l))
    spike_cpu = np.zeros((n_s, n_n))
    spike_lat = np.zeros((n_s, n_n))
    for _ in range(n_anom):
        s0 = int(rng.integers(max(n_s, 1)))
        s1 = min(n_s, s0 + int(rng.integers(1, 5)))
        what = rng.random()
        if what < 0.4:
            spike_util[s0:s1, int(rng.integers(n_l))] = rng.uniform(0.15, 0.5)
        elif what < 0.65 and len(boxes):
            spike_cpu[s0:s1, int(boxes[rng.integers(len(boxes))])] = rng.uniform(40, 70)
        elif len(radios):
            spike_lat[s0:s1, int(radios[rng.integers(len(radios))])] = rng.uniform(15, 80)

    # per-sample state: which tree, which elements can report
    trend = 1.0 + 0.12 * np.sin(2 * np.pi * (times % 86400) / 86400.0 + rng.uniform(0, 2 * np.pi))
    load = np.zeros((n_s, n_l))
    reports = np.ones((n_s, n_n), dtype=bool)
    link_up = np.ones((n_s, n_l), dtype=bool)
    on_path = np.zeros((n_s, len(radios)), dtype=bool)
    lat_l_rows: list[sparse.csr_matrix] = []
    lat_n_rows: list[sparse.csr_matrix] = []
    cache: dict[tuple, tuple] = {}
    for s, t in enumerate(times.tolist()):
        ep = timeline.at(t)
        key = (ep.dead, ep.down_links)
        hit = cache.get(key)
        if hit is None:
            tree = route(r, ep.dead, ep.down_links)
            ld = tree.subtree_load(demand, n_l)
            rows_l, cols_l, rows_n, cols_n = [], [], [], []
            for i, b in enumerate(radios.tolist()):
                if not tree.reached[b]:
                    continue
                w = b
                while tree.parent_link[w] >= 0:
                    rows_l.append(i)
                    cols_l.append(int(tree.parent_link[w]))
                    w = int(tree.parent[w])
                    rows_n.append(i)
                    cols_n.append(w)
            pl = sparse.csr_matrix(
                (np.ones(len(rows_l)), (rows_l, cols_l)), shape=(len(radios), n_l)
            )
            pn = sparse.csr_matrix(
                (np.ones(len(rows_n)), (rows_n, cols_n)), shape=(len(radios), n_n)
            )
            lost = np.zeros(n_n, dtype=bool)
            for node in ep.lost:
                lost[r.pos[node]] = True
            down = np.zeros(n_l, dtype=bool)
            for l in ep.down_links:
                down[r.link_pos[l]] = True
            hit = (ld, pl, pn, lost, down, tree.reached[radios])
            cache[key] = hit
        ld, pl, pn, lost, down, reached = hit
        load[s] = ld
        reports[s] = ~lost
        link_up[s] = ~down
        on_path[s] = reached
        lat_l_rows.append(pl)
        lat_n_rows.append(pn)

    noise = rng.lognormal(0.0, kn["metric_noise"], size=(n_s, n_l))
    offered = (
        load * trend[:, None] * noise + transit * noise + extra + spike_util * r.capacity
    ) * link_up
    rho = offered / cap
    util = np.clip(rho, 0.0, 1.0) * 100.0

    hop = np.where(r.microwave, 0.4, 0.15)
    qs = kn["queue_ms"]
    rc = np.minimum(rho, 0.985)
    qdelay = hop + qs * rc / (1.0 - rc) + np.where(rho > 0.98, kn["buffer_ms"], 0.0)
    base_lat = rng.uniform(2, 8, size=len(radios))
    latency = np.empty((n_s, len(radios)))
    lossy = np.empty((n_s, len(radios)), dtype=bool)
    for s in range(n_s):
        latency[s] = base_lat + lat_l_rows[s] @ qdelay[s] + lat_n_rows[s] @ delay[s]
        lossy[s] = (lat_l_rows[s] @ (rho[s] > 0.98).astype(float)) > 0
    latency *= rng.lognormal(0.0, 0.08, size=latency.shape)
    latency += spike_lat[:, radios]

    through = ctx.base_tree.subtree_load(demand, n_l)
    node_load = np.zeros(n_n)
    np.add.at(node_load, r.src, through)
    np.add.at(node_load, r.dst, through)
    cpu = rng.uniform(5, 35, size=n_n) + 25 * node_load / max(node_load.max(), 1e-9)
    cpu = cpu[None, :] + rng.normal(0, 3, size=(n_s, n_n)) + spike_cpu
    cpu = np.where(np.isnan(cpu_set), cpu, cpu_set + rng.normal(0, 2, size=(n_s, n_n)))
    cpu = np.clip(cpu, 1, 100)

    # who reports: a link through a live, reachable end; an element when reachable; random gaps
    gap = kn["missing_rate"]
    rep_link = (reports[:, r.src] | reports[:, r.dst]) & (rng.random((n_s, n_l)) >= gap)
    rep_cpu = reports[:, boxes] & (rng.random((n_s, len(boxes))) >= gap)
    rep_lat = reports[:, radios] & on_path & (rng.random((n_s, len(radios))) >= gap)

    parts = []
    for values, mask, names, metric in (
        (util, rep_link, np.asarray(r.link_ids, dtype=object), "utilization"),
        (cpu[:, boxes], rep_cpu, np.asarray(r.ids, dtype=object)[boxes], "cpu"),
        (latency, rep_lat, np.asarray(r.ids, dtype=object)[radios], "latency_ms"),
    ):
        si, ei = np.nonzero(mask)
        parts.append(
            pd.DataFrame(
                {
                    "time": times[si],
                    "entity": names[ei],
                    "metric": metric,
                    "value": np.round(values[si, ei], 3),
                }
            )
        )
    frame = pd.concat(parts, ignore_index=True).sort_values(
        ["time", "metric", "entity"], kind="stable"
    )

    events: list[Event] = []
    events += _crossings(
        ctx,
        times,
        util,
        rep_link,
        kn["util_threshold"],
        "HIGH_UTILIZATION",
        [r.ids[int(a)] for a in r.src],
        r.link_ids,
        "utilisation {v:.0f}% above {thr:.0f}%",
    )
    events += _crossings(
        ctx,
        times,
        cpu[:, boxes],
        rep_cpu,
        kn["cpu_threshold"],
        "HIGH_CPU",
        [r.ids[int(v)] for v in boxes],
        None,
        "cpu {v:.0f}% above {thr:.0f}%",
    )
    radio_names = [r.ids[int(v)] for v in radios]
    events += _crossings(
        ctx,
        times,
        latency - base_lat,
        rep_lat,
        kn["latency_threshold_ms"],
        "SLA_LATENCY_HIGH",
        radio_names,
        None,
        "round-trip delay {v:.1f} ms over budget {thr:.0f} ms",
    )
    events += _crossings(
        ctx,
        times,
        lossy.astype(float),
        rep_lat,
        0.5,
        "PACKET_LOSS",
        radio_names,
        None,
        "packet loss above threshold",
    )
    return frame.reset_index(drop=True), events


def _crossings(
    ctx: SimContext,
    times: np.ndarray,
    values: np.ndarray,
    reported: np.ndarray,
    thr: float,
    kind: str,
    devices: list[str],
    links: list[str] | None,
    text: str,
) -> list[Event]:
    """Alarms when a reported series crosses above ``thr``, clears when it falls back."""
    rng = ctx.rng
    above = (values > thr) & reported
    before = np.vstack([np.zeros((1, above.shape[1]), dtype=bool), above[:-1]])
    period = ctx.knobs["metric_period_s"]
    out: list[Event] = []
    for s, e in zip(*np.nonzero(above & ~before)):
        t = float(times[s]) + rng.uniform(0, 0.2 * period)
        out.append(
            (
                t,
                devices[e],
                True,
                kind,
                SEVERITY[kind],
                links[e] if links else None,
                text.format(v=float(values[s, e]) if kind != "PACKET_LOSS" else 1.0, thr=thr),
            )
        )
    falls = before & ~above & reported
    for s, e in zip(*np.nonzero(falls)):
        if rng.random() < ctx.knobs["clear_prob"]:
            t = float(times[s]) + rng.uniform(0, 0.2 * period)
            out.append(
                (
                    t,
                    devices[e],
                    True,
                    kind,
                    "cleared",
                    links[e] if links else None,
                    "back under threshold",
                )
            )
    return out


def telemetry_defects(ctx: SimContext, frame: pd.DataFrame) -> pd.DataFrame:
    """What happens to the telemetry after it is sampled: flapping links and collector outages.

    * A link carries nothing while it is down. How much of a background flap
      (``ctx.flaps``) a poll shows depends on the gauge (knob ``util_gauge``):
      an instantaneous reading is 0 inside a down spell; a poll-interval
      average loses the share of the interval the link was down.
    * With chance ``collector_gap_prob`` the collector misses a 10-40 minute
      stretch of 30-100 % of the series, anywhere in the window, so a fault
      can begin while its element's telemetry is missing.

    The choices come from a side stream of the incident's generator, so its
    other draws (alarms, faults) stay as they were.
    """
    if not len(frame):
        return frame
    bits = ctx.rng.bit_generator
    side = (
        np.random.Generator(bits.jumped()) if hasattr(bits, "jumped") else np.random.default_rng(0)
    )
    kn = ctx.knobs
    if kn.get("util_gauge") is None:
        kn["util_gauge"] = "instant" if side.random() < 0.5 else "average"
    if kn["util_gauge"] not in ("instant", "average"):
        raise InputError(
            f"knob 'util_gauge' must be 'instant' or 'average'; got {kn['util_gauge']!r}"
        )
    period = float(kn["metric_period_s"])
    entity = frame["entity"].to_numpy(dtype=object)
    t = frame["time"].to_numpy(dtype=np.float64)
    scale = np.ones(len(frame))
    util = (frame["metric"] == "utilization").to_numpy()
    for k, down, up in ctx.flaps:
        rows = util & (entity == ctx.roles.link_ids[k])
        if kn["util_gauge"] == "instant":
            scale[rows & (t >= down) & (t < up)] = 0.0
        else:
            overlap = (
                np.clip(np.minimum(t, up) - np.maximum(t - period, down), 0.0, period) / period
            )
            scale[rows] *= 1.0 - overlap[rows]
    out = frame.copy()
    out["value"] = np.round(out["value"].to_numpy(dtype=np.float64) * scale, 3)
    if side.random() < float(kn["collector_gap_prob"]):
        length = side.uniform(600.0, 2400.0)
        begin = side.uniform(ctx.start, max(ctx.start, ctx.end - length))
        names = pd.unique(entity)
        missed = set(
            side.choice(
                names, size=max(1, int(round(side.uniform(0.3, 1.0) * len(names)))), replace=False
            ).tolist()
        )
        gone = (t >= begin) & (t < begin + length) & np.isin(entity, list(missed))
        out = out.loc[~gone].reset_index(drop=True)
    return out
