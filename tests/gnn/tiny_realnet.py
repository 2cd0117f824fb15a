"""Tiny files in the GNNet 2023 real-network layout, with delays from a known queueing law."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np

# a ring of four devices, both directions, plus a generator link into each and a sink link out of each:
# links 0-7 between devices (1 Gbit/s), 8-11 generator -> device d (80 Gbit/s), 12-15 device d -> sink (10 Gbit/s)
_RING = [(d, (d + 1) % 4) for d in range(4)] + [((d + 1) % 4, d) for d in range(4)]
CAPACITY_GBPS = [1.0] * 8 + [80.0] * 4 + [10.0] * 4


def _route(src: int, dst: int) -> list[int]:
    """Generator link, the clockwise ring links from src to dst, sink link."""
    links, d = [8 + src], src
    while d != dst:
        links.append(_RING.index((d, (d + 1) % 4)))
        d = (d + 1) % 4
    return links + [12 + dst]


def realnet_record(
    rng: np.random.Generator, sample_id: int, *, n_flows: int = 6, load: float = 0.9
) -> dict:
    """One sample: random flows between devices; delay = transmission + M/M/1 queueing per hop, in ms."""
    pairs = [(s, t) for s in range(4) for t in range(4) if s != t]
    chosen = [pairs[i] for i in rng.choice(len(pairs), size=n_flows, replace=False)]
    traffic = rng.uniform(0.05, load / 2, size=n_flows) * 1e9
    size = rng.choice([2000.0, 8000.0, 12000.0], size=n_flows)
    kinds = rng.integers(0, 2, size=n_flows)
    routes = [_route(s, t) for s, t in chosen]
    cap = np.array(CAPACITY_GBPS) * 1e9
    offered = np.zeros(len(cap))
    for r, x in zip(routes, traffic):
        offered[r] += x
    rho = np.minimum(offered / cap, 0.97)
    delay_ms = []
    for r, pkt, kind in zip(routes, size, kinds):
        per_hop = (pkt / cap[r]) * (1.0 / (1.0 - rho[r])) * (1.5 if kind == 1 else 1.0) + 5e-6
        delay_ms.append(1e3 * float(per_hop.sum()))
    return {
        "sample": "results_tiny.tar.gz",
        "sample_id": sample_id,
        "flow_id": [f"{s}_{t}_0" for s, t in chosen],
        "flow_traffic_bps": traffic.tolist(),
        "flow_packets": (traffic / size).tolist(),
        "flow_packet_size": size.tolist(),
        "flow_type": [[1, 0] if k == 0 else [0, 1] for k in kinds],
        "flow_links": routes,
        "link_capacity": CAPACITY_GBPS,
        "flow_mean_delay": delay_ms,
    }


def write_tiny_realnet(
    folder: Path,
    n_per_fold: int = 3,
    *,
    families: tuple[str, ...] = ("cbr_mb", "mb"),
    folds: int = 5,
    seed: int = 0,
) -> Path:
    """Write ``<family>_fold<k>.jsonl.gz`` files of ``n_per_fold`` samples each; returns ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    for fam in families:
        for k in range(folds):
            records = [realnet_record(rng, 100 * k + i) for i in range(n_per_fold)]
            with gzip.open(folder / f"{fam}_fold{k}.jsonl.gz", "wt") as handle:
                handle.write("".join(json.dumps(r) + "\n" for r in records))
    return folder
