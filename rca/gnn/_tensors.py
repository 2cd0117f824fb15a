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
``link.y_congested``, ``path.y_delay`` (NaN where unlabelled);
``link.queue_known`` says which queue sizes were given.

A queue size that is not known (NaN, as in the measurements of a real
network, :func:`rca.datasets.load_gnnet2023`) is read as
:data:`ASSUMED_QUEUE_SIZE` packets for the four M/M/1/K features above, the
only buffer of the simulated networks the ``"queues"`` model was trained on.

The ``"flows"`` feature set
---------------------------
What an operator measures without knowing the buffers: each flow's offered
traffic, packet size and type (constant bit rate, multi-burst, other), its
route and the link capacities. Offered traffic is also pushed through a
fluid model (:func:`rca.gnn.fluid_rates`: an overloaded link forwards the
share capacity / offered of what reaches it), so that a link downstream of
a bottleneck is not charged with traffic the bottleneck dropped.

``data["link"].xf`` (``FLOW_LINK_FEATURES``): ``offered_load`` and
``carried_load`` (fluid) over capacity, both capped at 5;
``log_mm1_carried`` and ``log_mm1_offered``, ``-log(1 - min(load, 0.99)) / 5``;
``cbr_load``, ``burst_load`` and ``other_load``, each type's offered
traffic over capacity; ``log_capacity``, ``log(capacity / the network's
median capacity) / 2``; ``log_flows``, ``log1p(flows crossing) / 3``;
``mean_packet``, the traffic-weighted mean packet size over 12,000 bits (a
1,500-byte packet); ``largest_share``, the largest flow's traffic over
capacity; of the device the link leaves (its output ports share the
device's buffer memory), ``log_fan_out`` and ``log_fan_in``, ``log1p`` of
the links leaving and entering it, over 2, and ``node_load``, the mean
carried load of the links leaving it (capped at 5). Devices are the links'
``source`` and ``target`` nodes, or, when paths are given as routes of link
ids, inferred from the routes: the link after another in some route leaves
the device the first one enters (:func:`link_devices`).

``data["path"].xf`` (``FLOW_PATH_FEATURES``): ``delivered``, the share of
the flow's traffic the fluid model delivers; ``is_cbr``, ``is_burst``,
``is_other``; ``log_bottleneck_share``, ``log(traffic / smallest capacity
crossed) / 5 + 1``; ``packet``, packet size over 12,000 bits; ``hops / 10``;
``max_load`` (offered, capped at 5) and ``sum_load / 5`` over its links.

``rel.xf`` (``FLOW_EDGE_FEATURES``), per path-link edge: ``share`` (the
flow's traffic over the link's capacity), ``log_capacity``, ``reaching``
(the share of the flow's traffic that reaches this link in the fluid
model) and the link's ``carried_load``. ``link.carried`` holds the fluid
carried load, uncapped.
"""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np
import pandas as pd
import torch
from torch_geometric.data import HeteroData

from rca.errors import InputError, SchemaError
from rca.gnn._queueing import fluid_rates, mm1k

__all__ = [
    "link_devices",
    "ASSUMED_QUEUE_SIZE",
    "CONGESTION_UTILIZATION",
    "FLOW_EDGE_FEATURES",
    "FLOW_LINK_FEATURES",
    "FLOW_PATH_FEATURES",
    "FLOW_TYPES",
    "LINK_FEATURES",
    "PATH_FEATURES",
    "NetworkSample",
    "congestion_data",
]

LINK_FEATURES = ("offered_load", "log_mm1k_sojourn", "mm1k_blocking", "mm1k_fill")
PATH_FEATURES = ("bottleneck_share", "mean_share")
FLOW_LINK_FEATURES = (
    "offered_load",
    "carried_load",
    "log_mm1_carried",
    "cbr_load",
    "burst_load",
    "other_load",
    "log_capacity",
    "log_flows",
    "log_mm1_offered",
    "mean_packet",
    "largest_share",
    "log_fan_out",
    "log_fan_in",
    "node_load",
)
FLOW_PATH_FEATURES = (
    "delivered",
    "is_cbr",
    "is_burst",
    "is_other",
    "log_bottleneck_share",
    "packet",
    "hops",
    "max_load",
    "sum_load",
)
FLOW_EDGE_FEATURES = ("share", "log_capacity", "reaching", "carried_load")
FLOW_TYPES = ("cbr", "mb", "other")
"""Flow types of the ``"flows"`` features: constant bit rate, multi-burst, anything else (e.g. Poisson)."""
CONGESTION_UTILIZATION = 0.8
"""A link is congested when its mean utilisation is at least this, or it loses packets."""
ASSUMED_QUEUE_SIZE = 32
"""Packets assumed for a link whose queue size is unknown (NaN), in the M/M/1/K features only:
the buffer of every link of the GNNet 2021 simulations the shipped ``"queues"`` model learnt from."""

_LINK_COLUMNS = ("capacity_bps", "queue_size")
_PATH_COLUMNS = ("traffic_bps", "avg_packet_size")
_PACKET_BITS = 12000.0  # a 1,500-byte packet: the scale of packet-size features
_LOAD_CAP = 5.0  # load features are capped here (a link at 5x its capacity is as full as any)
# time distributions of the GNNet simulators (GnnetSample.paths["time_dist"]) read as flow types
_TIME_DIST_TYPES = {"deterministic": "cbr", "on-off": "mb"}


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
    by_route = "route" in paths.columns
    link_cols = _LINK_COLUMNS if by_route else ("source", "target", *_LINK_COLUMNS)
    path_cols = ("route" if by_route else "nodes", *_PATH_COLUMNS)
    for frame, cols, what in ((links, link_cols, "links"), (paths, path_cols, "paths")):
        missing = [c for c in cols if c not in frame.columns]
        if missing:
            raise SchemaError(
                f"{what} frame lacks column(s) {missing}; has {list(frame.columns)}", file=name
            )
    cap = links["capacity_bps"].to_numpy(dtype=float)
    if len(cap) == 0 or not np.all(cap > 0):
        raise InputError("every link needs a positive capacity_bps", file=name)
    qsize = links["queue_size"].to_numpy(dtype=float)
    if not np.all(np.isnan(qsize) | (qsize >= 1)):
        raise InputError(
            "every link needs a queue_size of at least one packet (or NaN: unknown)", file=name
        )
    queue_known = ~np.isnan(qsize)
    qsize = np.where(queue_known, qsize, float(ASSUMED_QUEUE_SIZE))
    traffic = paths["traffic_bps"].to_numpy(dtype=float)
    if not np.all(traffic >= 0):
        raise InputError("traffic_bps must be non-negative", file=name)
    pkt = paths["avg_packet_size"].to_numpy(dtype=float)
    if not np.all(pkt > 0):
        raise InputError("avg_packet_size must be positive (bits)", file=name)

    ep, el, e_pos = _edges(links, paths, by_route, name)
    n_links, n_paths = len(links), len(paths)
    if by_route:
        tail, head = link_devices(n_links, ep, el)
    else:
        _, codes = np.unique(
            np.concatenate([links["source"].to_numpy(), links["target"].to_numpy()]),
            return_inverse=True,
        )
        tail, head = codes[:n_links], codes[n_links:]

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
        what = "no link" if by_route else "fewer than two nodes"
        raise InputError(f"path {int(np.argmin(hops))} has {what}", file=name)
    max_share = np.zeros(n_paths)
    np.maximum.at(max_share, ep, share)
    mean_share = np.bincount(ep, weights=share, minlength=n_paths) / hops
    path_x = np.stack([max_share, mean_share], axis=1)

    f32 = torch.float32
    data = HeteroData()
    data["link"].x = torch.as_tensor(link_x, dtype=f32)
    data["link"].rho = torch.as_tensor(rho, dtype=f32)
    data["link"].queue_size = torch.as_tensor(qsize, dtype=f32)
    data["link"].queue_known = torch.as_tensor(queue_known)
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
    flow = _flow_features(
        cap, traffic, pkt, _flow_types(paths, name), ep, el, hops, load, rho, link_pkt, tail, head
    )
    data["link"].xf = torch.as_tensor(flow["link"], dtype=f32)
    data["link"].carried = torch.as_tensor(flow["carried"], dtype=f32)
    data["path"].xf = torch.as_tensor(flow["path"], dtype=f32)
    rel.xf = torch.as_tensor(flow["edge"], dtype=f32)
    data.validate(raise_on_error=True)
    return data


def _edges(
    links: pd.DataFrame,
    paths: pd.DataFrame,
    by_route: bool,
    name: str,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Path-link edges, path by path in hop order: (path, link, hop position)."""
    e_path: list[int] = []
    e_link: list[int] = []
    e_pos: list[int] = []
    if by_route:
        index = {str(k): i for i, k in enumerate(links.index)}
        for p, route in enumerate(paths["route"]):
            for pos, link in enumerate(route):
                li = index.get(str(link))
                if li is None:
                    raise InputError(
                        f"path {p} crosses link {link!r}, which is not in the links frame",
                        file=name,
                    )
                e_path.append(p)
                e_link.append(li)
                e_pos.append(pos)
    else:
        pairs = {
            (int(s), int(t)): i for i, (s, t) in enumerate(zip(links["source"], links["target"]))
        }
        for p, nodes in enumerate(paths["nodes"]):
            for pos, (a, b) in enumerate(zip(nodes[:-1], nodes[1:])):
                li = pairs.get((int(a), int(b)))
                if li is None:
                    raise InputError(
                        f"path {p} ({list(nodes)}) steps over {a}->{b}, which is not a link",
                        file=name,
                    )
                e_path.append(p)
                e_link.append(li)
                e_pos.append(pos)
    return (
        np.asarray(e_path, dtype=np.int64),
        np.asarray(e_link, dtype=np.int64),
        np.asarray(e_pos, dtype=np.int64),
    )


def _flow_types(paths: pd.DataFrame, name: str) -> np.ndarray:
    """Per flow: 0 constant bit rate, 1 multi-burst, 2 other (see :data:`FLOW_TYPES`)."""
    if "flow_type" in paths.columns:
        kinds = paths["flow_type"].astype(str).to_numpy()
        unknown = sorted(set(kinds) - set(FLOW_TYPES))
        if unknown:
            raise InputError(
                f"flow_type must be one of {list(FLOW_TYPES)}, found {unknown[0]!r}", file=name
            )
    elif "time_dist" in paths.columns:
        kinds = np.array([_TIME_DIST_TYPES.get(str(t), "other") for t in paths["time_dist"]])
    else:
        kinds = np.full(len(paths), "other")
    return (
        np.searchsorted(np.array(FLOW_TYPES), kinds).astype(np.int64)
        if len(kinds)
        else np.zeros(0, np.int64)
    )


def link_devices(
    n_links: int, edge_path: np.ndarray, edge_link: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The devices each link leaves and enters, inferred from routes of link ids.

    Each link has two ends; when link ``b`` follows link ``a`` in a route,
    ``a`` enters the device ``b`` leaves, so those two ends are one device
    (union-find over every consecutive pair). Ends that no route joins stay
    devices of their own (a traffic source, a sink).

    Parameters
    ----------
    n_links : int
    edge_path, edge_link : array of int, shape (E,)
        Path-link edges, path by path and in hop order.

    Returns
    -------
    tail, head : numpy.ndarray of int, shape (L,)
        Device numbers (0, 1, ...) of the end each link leaves and enters.

    Examples
    --------
    Routes 0 -> 1 and 2 -> 1: links 0 and 2 enter the device link 1 leaves.

    >>> import numpy as np
    >>> tail, head = link_devices(3, np.array([0, 0, 1, 1]), np.array([0, 1, 2, 1]))
    >>> bool(head[0] == tail[1] == head[2]), bool(tail[0] == tail[2])
    (True, False)
    """
    parent = np.arange(2 * n_links)

    def find(x: int) -> int:
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    ep = np.asarray(edge_path)
    el = np.asarray(edge_link)
    follows = np.flatnonzero(ep[1:] == ep[:-1])
    for a, b in zip(el[follows].tolist(), el[follows + 1].tolist()):
        ra, rb = find(2 * a + 1), find(2 * b)
        if ra != rb:
            parent[ra] = rb
    roots = np.array([find(x) for x in range(2 * n_links)], dtype=np.int64)
    _, codes = np.unique(roots, return_inverse=True)
    return codes[0::2], codes[1::2]


def _flow_features(
    cap: np.ndarray,
    traffic: np.ndarray,
    pkt: np.ndarray,
    kind: np.ndarray,
    ep: np.ndarray,
    el: np.ndarray,
    hops: np.ndarray,
    load: np.ndarray,
    rho: np.ndarray,
    link_pkt: np.ndarray,
    tail: np.ndarray,
    head: np.ndarray,
) -> dict[str, np.ndarray]:
    """The ``"flows"`` feature set (see the module docstring)."""
    n_links, n_paths = len(cap), len(traffic)
    fluid = fluid_rates(cap, traffic, ep, el)
    carried = fluid.carried_load / cap
    typed = [
        np.bincount(el, weights=(traffic * (kind == k))[ep], minlength=n_links) / cap
        for k in range(3)
    ]
    share = traffic[ep] / cap[el]
    largest = np.zeros(n_links)
    np.maximum.at(largest, el, share)
    log_cap = np.log(cap / np.median(cap)) / 2
    n_flows = np.bincount(el, minlength=n_links)
    n_devices = int(max(tail.max(), head.max())) + 1
    fan_out = np.bincount(tail, minlength=n_devices)[tail]
    fan_in = np.bincount(head, minlength=n_devices)[tail]
    capped = np.minimum(carried, _LOAD_CAP)
    node_load = np.bincount(tail, weights=capped, minlength=n_devices)[tail] / fan_out
    link_x = np.stack(
        [
            np.minimum(rho, _LOAD_CAP),
            capped,
            -np.log1p(-np.minimum(carried, 0.99)) / 5,
            *typed,
            log_cap,
            np.log1p(n_flows) / 3,
            -np.log1p(-np.minimum(rho, 0.99)) / 5,
            link_pkt / _PACKET_BITS,
            largest,
            np.log1p(fan_out) / 2,
            np.log1p(fan_in) / 2,
            node_load,
        ],
        axis=1,
    )
    smallest = np.full(n_paths, np.inf)
    np.minimum.at(smallest, ep, cap[el])
    max_load = np.zeros(n_paths)
    np.maximum.at(max_load, ep, rho[el])
    sum_load = np.bincount(ep, weights=rho[el], minlength=n_paths)
    with np.errstate(divide="ignore"):
        log_share = np.log(np.maximum(traffic, 1e-12) / smallest) / 5 + 1
    path_x = np.stack(
        [
            fluid.delivered,
            kind == 0,
            kind == 1,
            kind == 2,
            log_share,
            pkt / _PACKET_BITS,
            hops / 10,
            np.minimum(max_load, _LOAD_CAP),
            sum_load / 5,
        ],
        axis=1,
    ).astype(float)
    edge_x = np.stack(
        [share, log_cap[el], fluid.reaching, np.minimum(carried, _LOAD_CAP)[el]], axis=1
    )
    return {"link": link_x, "path": path_x, "edge": edge_x, "carried": carried}


def describe(data: HeteroData) -> dict[str, Any]:
    """Sizes of a converted sample (for logs)."""
    return {
        "links": data["link"].num_nodes,
        "paths": data["path"].num_nodes,
        "hops": int(data["path", "crosses", "link"].edge_index.shape[1]),
    }
