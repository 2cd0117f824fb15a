"""Polled telemetry: link utilisation from routed base-station traffic, and router CPU.

Every base station sends its demand to the nearest gateway along a shortest
path of the current state, so load moves when links fail; each link also
carries some unrelated traffic. The NMS polls every entity it can reach
every 60-300 s (per-entity phase), with lost samples and occasional gaps of
several polls.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._engine import Timeline
from ._network import ROUTER_TYPES, Network
from ._symptom import MetricEffect


def sample_metrics(
    net: Network,
    timeline: Timeline,
    effects: list[MetricEffect],
    rng: np.random.Generator,
    t_start: float,
    t_end: float,
    names: tuple[str, str],
) -> pd.DataFrame:
    """Long-format ``timestamp, entity, metric, value`` rows (timestamps as epoch seconds)."""
    links = net.links.set_index("link_id")
    capacity = links["capacity_mbps"].astype(float)
    stations = sorted(net.routes(set(), set()))
    demand = dict(zip(stations, rng.uniform(20, 300, len(stations))))
    other = pd.Series(rng.uniform(0.02, 0.15, len(links)), index=links.index)
    base_load = _load(net, timeline.states[0], demand, links.index)
    peak = float((base_load / capacity).max()) or 1.0
    scale = rng.uniform(0.35, 0.65) / peak  # busiest link sits at 35-65 % before the incident
    routers = net.nodes.loc[net.nodes["node_type"].isin(ROUTER_TYPES), "node_id"].tolist()
    base_cpu = dict(zip(routers, rng.uniform(5, 35, len(routers))))
    period = float(rng.choice([60, 120, 300]))
    phase = {e: rng.uniform(0, period) for e in [*links.index, *routers]}
    gap = {
        e: (rng.uniform(t_start, t_end), rng.uniform(3, 10) * period)
        for e in phase
        if rng.random() < 0.1
    }
    util_name, cpu_name = names
    loads: dict[int, pd.Series] = {}
    rows = []
    for k in range(int((t_end - t_start) // period) + 1):
        for entity, ph in phase.items():
            t = t_start + ph + k * period
            if t > t_end or rng.random() < 0.03:
                continue
            if entity in gap and gap[entity][0] <= t < gap[entity][0] + gap[entity][1]:
                continue
            idx = timeline.index(t)
            state = timeline.states[idx]
            if entity in base_cpu:
                if entity not in state.reach:
                    continue
                value = base_cpu[entity] + rng.normal(0, 3)
                value = _override(effects, entity, "cpu", t, rng, value)
                rows.append((t, entity, cpu_name, round(float(np.clip(value, 0, 100)), 1)))
            else:
                a, b = net.endpoints(entity)
                if a not in state.reach and b not in state.reach:
                    continue
                if idx not in loads:
                    loads[idx] = _load(net, state, demand, links.index)
                if entity in state.down_links or {a, b} & state.down_nodes:
                    value = 0.0
                else:
                    value = loads[idx][entity] * scale / capacity[entity] + other[entity]
                    value *= 1 + rng.normal(0, 0.05)
                    value = _override(effects, entity, "util", t, rng, value)
                rows.append((t, entity, util_name, round(float(np.clip(value, 0, 1)), 4)))
    frame = pd.DataFrame(rows, columns=["timestamp", "entity", "metric", "value"])
    return frame.sort_values("timestamp", kind="stable").reset_index(drop=True)


def _load(net: Network, state, demand: dict, index: pd.Index) -> pd.Series:
    load = pd.Series(0.0, index=index)
    for bs, route in net.routes(set(state.down_nodes), set(state.down_links)).items():
        for lid in route:
            load[lid] += demand.get(bs, 0.0)
    return load


def _override(
    effects: list[MetricEffect], entity: str, metric: str, t: float, rng, value: float
) -> float:
    for e in effects:
        if e.entity == entity and e.metric == metric and e.start <= t <= e.end:
            return float(rng.uniform(e.low, e.high))
    return value
