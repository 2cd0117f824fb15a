"""A network with routing and traffic, as a PyG ``HeteroData`` of paths and links.

Feature sets
------------
Every feature is a ratio (a load, a share, a probability), never a raw
capacity, rate or count, so that what the model learns does not depend on
the size of the network, the number of paths or the link speeds it saw in
training.

``data["link"].x`` (``LINK_FEATURES``), one row per directed link:

- ``offered_load``: sum of the traffic of the paths that cross the link,
  over its capacity (``rho``);
- ``log_mm1k_sojourn``: log of the M/M/1/K mean time in the port, in
  service times, with ``K`` = queue size + 1;
- ``mm1k_blocking``: the M/M/1/K probability that the buffer is full;
- ``mm1k_fill``: the M/M/1/K mean occupancy over ``K``.

``data["path"].x`` (``PATH_FEATURES``), one row per routed flow:

- ``bottleneck_share``: the flow's rate over the smallest capacity it crosses;
- ``mean_share``: the flow's rate over each capacity it crosses, averaged.

``data["path", "crosses", "link"]``: ``edge_index`` (path, link), ``share``
(the flow's rate over that link's capacity) and ``pos`` (0 for the first
link of the path).

Other attributes carry the physics and the labels: ``link.service_s`` (mean
packet transmission time, seconds), ``link.rho``, ``link.queue_size``,
``link.y_util``, ``link.y_occupancy``, ``link.y_loss``,
``link.y_congested``, ``path.y_delay`` (NaN where unlabelled).
"""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np
import pandas as pd
import torch
from torch_geometric.data import HeteroData

from rca.errors import InputError, SchemaError
from rca.gnn._queueing import mm1k

__all__ = [
    "LINK_FEATURES",
    "PATH_FEATURES",
    "CONGESTION_UTILIZATION",
    "NetworkSample",
    "congestion_data",
]

LINK_FEATURES = ("offered_load", "log_mm1k_sojourn", "mm1k_blocking", "mm1k_fill")
PATH_FEATURES = ("bottleneck_share", "mean_share")
CONGESTION_UTILIZATION = 0.8
"""A link is congested when its mean utilisation is at least this, or it loses packets."""

_LINK_COLUMNS = ("source", "target", "capacity_bps", "queue_size")
_PATH_COLUMNS = ("nodes", "traffic_bps", "avg_packet_size")


class NetworkSample(Protocol):
    """What the congestion predictor reads: a :class:`rca.datasets.GnnetSample` or alike.

    ``links``: DataFrame indexed by link id with ``source``, ``target``,
    ``capacity_bps`` (bits/s), ``queue_size`` (packets) and, optionally, the
    labels ``utilization``, ``occupancy``, ``losses``. ``paths``: DataFrame
    with ``nodes`` (sequence of node ids), ``traffic_bps``,
    ``avg_packet_size`` (bits) and, optionally, the label ``delay`` (s).
    """

    name: str
    links: pd.DataFrame
    paths: pd.DataFrame


def _column(frame: pd.DataFrame, name: str, default: float = np.nan) -> np.ndarray:
    if name in frame.columns:
        return np.array(frame[name], dtype=float)  # a writable copy
    return np.full(len(frame), default)


def congestion_data(sample: NetworkSample) -> HeteroData:
    """Convert a network with routing and traffic into a validated ``HeteroData``.

    Parameters
    ----------
    sample : NetworkSample
        Links with capacities and queue sizes, paths with traffic.

    Returns
    -------
    torch_geometric.data.HeteroData
        Node types ``link`` and ``path``, edge type ``("path", "crosses", "link")``;
        see the module docstring for the features.

    Raises
    ------
    rca.errors.SchemaError
        A required column is missing.
    rca.errors.InputError
        A path steps over a pair of nodes that is not a link, a capacity is
        not positive, or a traffic rate is negative.
    """
    name = getattr(sample, "name", "<sample>")
    links, paths = sample.links, sample.paths
    for frame, cols, what in ((links, _LINK_COLUMNS, "links"), (paths, _PATH_COLUMNS, "paths")):
        missing = [c for c in cols if c not in frame.columns]
        if missing:
            raise SchemaError(
                f"{what} frame lacks column(s) {missing}; has {list(frame.columns)}", file=name
            )
    cap = links["capacity_bps"].to_numpy(dtype=float)
    if len(cap) == 0 or not np.all(cap > 0):
        raise InputError("every link needs a positive capacity_bps", file=name)
    qsize = links["queue_size"].to_numpy(dtype=float)
    if not np.all(qsize >= 1):
        raise InputError("every link needs a queue_size of at least one packet", file=name)
    traffic = paths["traffic_bps"].to_numpy(dtype=float)
    if not np.all(traffic >= 0):
        raise InputError("traffic_bps must be non-negative", file=name)
    pkt = paths["avg_packet_size"].to_numpy(dtype=float)

    index = {(int(s), int(t)): i for i, (s, t) in enumerate(zip(links["source"], links["target"]))}
    e_path: list[int] = []
    e_link: list[int] = []
    e_pos: list[int] = []
    for p, nodes in enumerate(paths["nodes"]):
        for pos, (a, b) in enumerate(zip(nodes[:-1], nodes[1:])):
            li = index.get((int(a), int(b)))
            if li is None:
                raise InputError(
                    f"path {p} ({list(nodes)}) steps over {a}->{b}, which is not a link", file=name
                )
            e_path.append(p)
            e_link.append(li)
            e_pos.append(pos)
    ep = np.asarray(e_path, dtype=np.int64)
    el = np.asarray(e_link, dtype=np.int64)
    n_links, n_paths = len(links), len(paths)

    load = np.bincount(el, weights=traffic[ep], minlength=n_links)
    bits = np.bincount(el, weights=traffic[ep] * pkt[ep], minlength=n_links)
    mean_pkt = float(np.average(pkt, weights=traffic)) if traffic.sum() > 0 else float(np.mean(pkt))
    link_pkt = np.where(load > 0, bits / np.maximum(load, 1e-300), mean_pkt)
    rho = load / cap
    q = mm1k(rho, qsize + 1)
    link_x = np.stack([rho, np.log(q.sojourn), q.blocking, q.occupancy / (qsize + 1)], axis=1)

    share = traffic[ep] / cap[el]
    hops = np.bincount(ep, minlength=n_paths)
    if np.any(hops == 0):
        raise InputError(f"path {int(np.argmin(hops))} has fewer than two nodes", file=name)
    max_share = np.zeros(n_paths)
    np.maximum.at(max_share, ep, share)
    mean_share = np.bincount(ep, weights=share, minlength=n_paths) / hops
    path_x = np.stack([max_share, mean_share], axis=1)

    f32 = torch.float32
    data = HeteroData()
    data["link"].x = torch.as_tensor(link_x, dtype=f32)
    data["link"].rho = torch.as_tensor(rho, dtype=f32)
    data["link"].queue_size = torch.as_tensor(qsize, dtype=f32)
    data["link"].service_s = torch.as_tensor(link_pkt / cap, dtype=f32)
    util = _column(links, "utilization")
    losses = _column(links, "losses")
    data["link"].y_util = torch.as_tensor(util, dtype=f32)
    data["link"].y_occupancy = torch.as_tensor(_column(links, "occupancy"), dtype=f32)
    data["link"].y_loss = torch.as_tensor(losses, dtype=f32)
    with np.errstate(invalid="ignore"):
        cong = np.where(
            np.isnan(util), np.nan, ((util >= CONGESTION_UTILIZATION) | (losses > 0)).astype(float)
        )
    data["link"].y_congested = torch.as_tensor(cong, dtype=f32)
    data["path"].x = torch.as_tensor(path_x, dtype=f32)
    data["path"].y_delay = torch.as_tensor(_column(paths, "delay"), dtype=f32)
    data["path"].hops = torch.as_tensor(hops, dtype=torch.long)
    rel = data["path", "crosses", "link"]
    rel.edge_index = torch.as_tensor(np.stack([ep, el]), dtype=torch.long)
    rel.share = torch.as_tensor(share, dtype=f32)
    rel.pos = torch.as_tensor(np.asarray(e_pos, dtype=np.int64))
    data.validate(raise_on_error=True)
    return data


def describe(data: HeteroData) -> dict[str, Any]:
    """Sizes of a converted sample (for logs)."""
    return {
        "links": data["link"].num_nodes,
        "paths": data["path"].num_nodes,
        "hops": int(data["path", "crosses", "link"].edge_index.shape[1]),
    }
