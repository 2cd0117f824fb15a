"""A network, its alarms and metrics as a PyG incidence graph of elements, links and sites.

Every element, physical link and site is an *entity* of one homogeneous
graph (a link is a vertex between its two endpoints; a site is a vertex
joined to its members), so that link and site root causes are first-class
candidates. Entities are ordered elements first, then links, then sites.

Features are vocabulary-agnostic: alarms enter through their role
(:func:`rca.vocabulary.alarm_role`), metrics through their role
(:func:`rca.vocabulary.metric_role`), times relative to the incident's onset.
The three documented blocks are :data:`STRUCTURE_FEATURES` (the topology),
:data:`OBSERVED_FEATURES` (the incident; zero in propagation mode) and
:data:`HYPOTHESIS_FEATURES` (a fault hypothesis; zero in localisation mode).
"""

from __future__ import annotations

import math
import weakref
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch
from torch_geometric.data import Data

from rca._observe import incident_onset
from rca._telemetry import (
    change_points,
    full_scale,
    is_share,
    sampling_period,
    segment_medians,
    stopped_reporting,
)
from rca.alarms import AlarmLog
from rca.datasets import FAULT_KINDS, FAULT_TYPES
from rca.errors import InputError
from rca.metrics import Metrics
from rca.topology import Topology
from rca.vocabulary import ROLES, alarm_role, clear_rows, metric_role

__all__ = [
    "ENTITY_KINDS",
    "STRUCTURE_FEATURES",
    "OBSERVED_FEATURES",
    "HYPOTHESIS_FEATURES",
    "FEATURES",
    "EntityIndex",
    "failure_graph",
    "incident_onset",
]

#: Entity kinds, in the order of :attr:`Data.entity_kind` codes.
ENTITY_KINDS = ("node", "link", "site")

#: Topology features of every entity.
STRUCTURE_FEATURES: tuple[str, ...] = (
    "is_node",
    "is_link",
    "is_site",
    "log_degree",  # log1p(links at an element / 2 for a link / members of a site) / 3
    "layer",  # layer rank scaled to [0, 1] (0 = innermost); links and sites: their innermost end
    "gateway",  # the element (an endpoint, a member) is an NMS gateway
    "lost_size",  # log1p(elements the NMS loses if the entity fails) / log1p(elements)
    "fiber",
    "microwave",  # link medium from link_type (links only)
    "inside_site",  # a link whose two ends share a site (a patch cord or a run inside one building)
)

_WINDOW = (-120.0, 1800.0)  # incident window around the onset, seconds
_EARLY_S = 2700.0  # how far before the window early warnings (mains, battery) are looked for
_TIME_SCALE_S = 300.0  # first-alarm time features decay over this many seconds

#: Observed-incident features (alarms about the entity: raised by an element, or naming a link).
OBSERVED_FEATURES: tuple[str, ...] = (
    *(f"role_{r}" for r in ROLES),  # an active alarm of this role in the incident window
    "early_power",  # power or dying-gasp alarms before the window (mains warnings)
    "early_any",  # any alarm before the window (a chatty entity)
    "n_alarms",  # log1p(active alarms in the window) / 4
    "n_cleared",  # log1p(cleared alarms in the window) / 3
    "first_alarm",  # exp(-(first active alarm - onset) / 300 s), 0 without one
    "first_link_alarm",  # the same for link-role alarms
    "outside",  # log1p(alarms outside the window) / 3
    "lost_cover",  # share of what the entity's failure would cut off that is seen lost
    "lost_explains",  # share of all elements seen lost that the entity's failure would cut off
    # metric level shifts at each series' own change point (not at the alarm onset: a
    # congestion often builds long before the storm), in baseline standard deviations / 10
    "load_up",
    "load_down",
    "cpu_up",
    "cpu_down",
    "sla_up",
    "sla_down",
    "load_level",  # highest link/port utilisation after the rise, as a fraction of full
    "median_level",  # median of a link utilisation or CPU share over the export, as a fraction
    # of full (an overload that began before the telemetry shows no rise)
    "metric_silent",  # telemetry reported before the onset, then stopped
)

#: Fault-hypothesis features (propagation mode).
HYPOTHESIS_FEATURES: tuple[str, ...] = (
    "hyp_root",  # the hypothesised entity (for a site also its members; for a link its endpoints at 0.5)
    "hyp_lost",  # cut off from the NMS if the hypothesised entity fails
    "hyp_downstream",  # traffic passes through the hypothesised entity towards the gateways
    "hyp_closeness",  # 1 / (1 + hops from the hypothesised entity), 0 beyond 8 hops
    *(f"hyp_{f}" for f in FAULT_TYPES),  # the fault type, broadcast to every entity
)

#: All input features, in column order of ``Data.x``.
FEATURES: tuple[str, ...] = STRUCTURE_FEATURES + OBSERVED_FEATURES + HYPOTHESIS_FEATURES

_N_S, _N_O = len(STRUCTURE_FEATURES), len(OBSERVED_FEATURES)
_OBS = {name: _N_S + i for i, name in enumerate(OBSERVED_FEATURES)}
_HYP = {name: _N_S + _N_O + i for i, name in enumerate(HYPOTHESIS_FEATURES)}
_ROLE_POS = {r: i for i, r in enumerate(ROLES)}
_LOST_ROLES = ("comm_lost", "service")


@dataclass(frozen=True)
class EntityIndex:
    """The entities of a topology in graph order, and its static tensors.

    Attributes
    ----------
    ids : tuple of str
        Element ids, then link ids, then site ids.
    kinds : numpy.ndarray of int
        0 element, 1 link, 2 site (see :data:`ENTITY_KINDS`).
    n_nodes, n_links, n_sites : int
    structure : numpy.ndarray
        ``(entities, len(STRUCTURE_FEATURES))``.
    edge_index : torch.Tensor
        ``(2, E)`` message edges, both directions of every incidence.
    edge_kind : torch.Tensor
        0 element-link incidence, 1 element-site membership.
    lost_ptr, lost_idx : numpy.ndarray
        CSR lists: the elements cut off from the NMS if entity ``i`` fails are
        ``lost_idx[lost_ptr[i]:lost_ptr[i + 1]]`` (for a site: the union of
        its members' single-failure sets).
    """

    ids: tuple[str, ...]
    kinds: np.ndarray
    n_nodes: int
    n_links: int
    n_sites: int
    structure: np.ndarray
    edge_index: torch.Tensor
    edge_kind: torch.Tensor
    lost_ptr: np.ndarray
    lost_idx: np.ndarray
    link_src: np.ndarray
    link_dst: np.ndarray
    site_of_node: np.ndarray  # site entity position per element, -1 without a site

    def position(self, entity: str) -> int:
        """Graph position of an element, link or site id."""
        return self._pos[entity]

    @property
    def _pos(self) -> dict[str, int]:
        cached = self.__dict__.get("_pos_cache")
        if cached is None:
            cached = {e: i for i, e in enumerate(self.ids)}
            object.__setattr__(self, "_pos_cache", cached)
        return cached


_INDEX_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def entity_index(topology: Topology) -> EntityIndex:
    """The :class:`EntityIndex` of a topology (computed once per topology object)."""
    cached = _INDEX_CACHE.get(topology)
    if cached is None:
        cached = _build_index(topology)
        _INDEX_CACHE[topology] = cached
    return cached


def _build_index(topo: Topology) -> EntityIndex:
    nodes, links = topo.node_ids, topo.link_ids
    sites = sorted(topo.sites)
    n, m, s = len(nodes), len(links), len(sites)
    pos = {v: i for i, v in enumerate(nodes)}
    ends = [topo.link_endpoints(l) for l in links]
    src = np.asarray([pos[a] for a, _ in ends], dtype=np.int64)
    dst = np.asarray([pos[b] for _, b in ends], dtype=np.int64)
    site_of = np.full(n, -1, dtype=np.int64)
    for j, site in enumerate(sites):
        for element in topo.sites[site]:
            site_of[pos[element]] = n + m + j
    # message edges
    link_pos = n + np.arange(m)
    member = np.flatnonzero(site_of >= 0)
    heads = np.concatenate([src, dst, link_pos, link_pos, member, site_of[member]])
    tails = np.concatenate([link_pos, link_pos, src, dst, site_of[member], member])
    kind = np.concatenate(
        [np.zeros(4 * m, dtype=np.int64), np.ones(2 * len(member), dtype=np.int64)]
    )
    # single-failure reachability (dominator tree of the topology)
    reach = topo.reachability
    lost_sets: list[np.ndarray] = [reach.lost_if_node_fails(i) for i in range(n)]
    lost_sets += [reach.lost_if_link_fails(k) for k in range(m)]
    for site in sites:
        members = [pos[v] for v in topo.sites[site]]
        lost_sets.append(np.unique(np.concatenate([lost_sets[i] for i in members])))
    sizes = np.asarray([len(x) for x in lost_sets], dtype=np.int64)
    lost_ptr = np.concatenate([[0], np.cumsum(sizes)])
    lost_idx = (
        np.concatenate(lost_sets).astype(np.int64)
        if len(lost_sets)
        else np.zeros(0, dtype=np.int64)
    )
    # structure features
    total = n + m + s
    x = np.zeros((total, _N_S), dtype=np.float32)
    kinds = np.concatenate([np.zeros(n), np.ones(m), np.full(s, 2)]).astype(np.int64)
    x[np.arange(total), kinds] = 1.0
    degree = np.bincount(np.concatenate([src, dst]), minlength=n).astype(np.float64)
    ranks = np.asarray([topo.layer_rank[v] for v in nodes], dtype=np.float64)
    known = ranks < 10**6
    top = ranks[known].max() if known.any() else 0.0
    layer = np.where(known, ranks / top if top > 0 else 0.0, 1.0)
    gateway = topo.nodes["gateway"].reindex(nodes).to_numpy(dtype=bool).astype(np.float64)
    members_count = (
        np.bincount(site_of[member] - n - m, minlength=s).astype(np.float64) if s else np.zeros(0)
    )
    x[:n, 3] = np.log1p(degree) / 3
    x[n : n + m, 3] = math.log1p(2) / 3
    x[n + m :, 3] = np.log1p(members_count) / 3
    x[:n, 4] = layer
    x[n : n + m, 4] = np.minimum(layer[src], layer[dst]) if m else 0.0
    x[:n, 5] = gateway
    x[n : n + m, 5] = np.maximum(gateway[src], gateway[dst]) if m else 0.0
    if s:
        site_layer = np.ones(s)
        site_gw = np.zeros(s)
        np.minimum.at(site_layer, site_of[member] - n - m, layer[member])
        np.maximum.at(site_gw, site_of[member] - n - m, gateway[member])
        x[n + m :, 4] = site_layer
        x[n + m :, 5] = site_gw
    x[:, 6] = np.log1p(sizes) / math.log1p(max(n, 1))
    if m and "link_type" in topo.links.columns:
        media = (
            topo.links["link_type"].reindex(links).astype(object).fillna("").astype(str).str.lower()
        )
        x[n : n + m, 7] = media.str.contains("fib|optic").to_numpy(dtype=np.float32)
    if m:
        x[n : n + m, 8] = np.fromiter(
            (l in topo.radio_links for l in links), dtype=np.float32, count=m
        )
        x[n : n + m, 9] = ((site_of[src] >= 0) & (site_of[src] == site_of[dst])).astype(np.float32)
    return EntityIndex(
        ids=tuple(nodes) + tuple(links) + tuple(sites),
        kinds=kinds,
        n_nodes=n,
        n_links=m,
        n_sites=s,
        structure=x,
        edge_index=torch.as_tensor(np.stack([heads, tails])),
        edge_kind=torch.as_tensor(kind),
        lost_ptr=lost_ptr,
        lost_idx=lost_idx,
        link_src=src,
        link_dst=dst,
        site_of_node=site_of,
    )


def _alarm_table(alarms: AlarmLog | pd.DataFrame | None) -> pd.DataFrame:
    if alarms is None:
        return pd.DataFrame(
            {
                "time": pd.Series([], dtype="float64"),
                "device": pd.Series([], dtype=object),
                "alarm_type": pd.Series([], dtype=object),
            }
        )
    frame = alarms.frame if isinstance(alarms, AlarmLog) else alarms
    missing = [c for c in ("time", "device", "alarm_type") if c not in frame.columns]
    if missing:
        raise InputError(
            f"failure_graph: the alarm frame lacks column(s) {missing}; "
            "pass an AlarmLog or its .frame",
            column=missing[0],
        )
    return frame


def _roles(frame: pd.DataFrame) -> np.ndarray:
    types = frame["alarm_type"].astype(object).to_numpy()
    messages = (
        frame["message"].astype(object).to_numpy()
        if "message" in frame.columns
        else [None] * len(frame)
    )
    out = np.empty(len(frame), dtype=np.int64)
    for i, (a, msg) in enumerate(zip(types, messages)):
        role = alarm_role(str(a))
        if role == "other" and isinstance(msg, str):
            role = alarm_role(str(a), msg)
        out[i] = _ROLE_POS[role]
    return out


def _observe(
    x: np.ndarray, idx: EntityIndex, frame: pd.DataFrame, metrics: pd.DataFrame | None
) -> float:
    """Fill the observed block of ``x`` in place; returns the onset used."""
    n, m = idx.n_nodes, idx.n_links
    if len(frame) == 0:
        if metrics is None or not len(metrics):
            return float("nan")
        onset = float(np.median(metrics["time"].to_numpy(dtype=np.float64)))
        _metric_shifts(x, idx, metrics, onset)
        return onset
    pos = idx._pos
    times = frame["time"].to_numpy(dtype=np.float64)
    devices = frame["device"].astype(object).to_numpy()

    def positions(values: np.ndarray, lo: int, hi: int) -> np.ndarray:
        """Graph position of each id if it names an entity in [lo, hi), else -1."""
        found = np.asarray(
            [pos.get(v, -1) if isinstance(v, str) else -1 for v in values], dtype=np.int64
        )
        return np.where((found >= lo) & (found < hi), found, -1)

    dev = positions(np.asarray([str(d) for d in devices], dtype=object), 0, n)
    if "link_id" in frame.columns:
        lnk = positions(frame["link_id"].astype(object).to_numpy(), n, n + m)
    else:
        lnk = np.full(len(frame), -1, dtype=np.int64)
    known = dev >= 0
    onset = incident_onset(times[known], devices[known]) if known.any() else incident_onset(times)
    cleared = clear_rows(frame)
    roles = _roles(frame)
    rel = times - onset
    inside = (rel >= _WINDOW[0]) & (rel <= _WINDOW[1])
    early = (rel < _WINDOW[0]) & (rel >= _WINDOW[0] - _EARLY_S)
    early_power = np.isin(roles, [_ROLE_POS["power"], _ROLE_POS["dying_gasp"]]) & early & ~cleared
    active = inside & ~cleared
    decay = np.exp(-np.clip(rel, 0.0, None) / _TIME_SCALE_S)
    is_link_role = roles == _ROLE_POS["link"]
    # an alarm is about its device and, when it names one, about its link
    for who in (dev, lnk):
        ok = who >= 0
        w, r = who[ok], roles[ok]
        a, c, e, ep = active[ok], cleared[ok] & inside[ok], early[ok], early_power[ok]
        x[w[a], _N_S + r[a]] = 1.0
        x[w[ep], _OBS["early_power"]] = 1.0
        x[w[e], _OBS["early_any"]] = 1.0
        np.add.at(x[:, _OBS["n_alarms"]], w[a], 1.0)
        np.add.at(x[:, _OBS["n_cleared"]], w[c], 1.0)
        np.add.at(x[:, _OBS["outside"]], w[~inside[ok]], 1.0)
        np.maximum.at(x[:, _OBS["first_alarm"]], w[a], decay[ok][a])
        al = a & is_link_role[ok]
        np.maximum.at(x[:, _OBS["first_link_alarm"]], w[al], decay[ok][al])
    x[:, _OBS["n_alarms"]] = np.log1p(x[:, _OBS["n_alarms"]]) / 4
    x[:, _OBS["n_cleared"]] = np.log1p(x[:, _OBS["n_cleared"]]) / 3
    x[:, _OBS["outside"]] = np.log1p(x[:, _OBS["outside"]]) / 3
    # sites: share of members with each observation
    members = np.flatnonzero(idx.site_of_node >= 0)
    if len(members):
        site_rows = idx.site_of_node[members]
        counts = np.bincount(site_rows - n - m, minlength=idx.n_sites).astype(np.float32)
        block = slice(_N_S, _N_S + _N_O)
        sums = np.zeros((idx.n_sites, _N_O), dtype=np.float32)
        np.add.at(sums, site_rows - n - m, x[members, block])
        x[n + m :, block] = sums / np.maximum(counts, 1.0)[:, None]
    # reachability: how much of the observed outage each entity's failure explains
    lost_seen = np.zeros(n, dtype=np.float64)
    for role in _LOST_ROLES:
        lost_seen = np.maximum(lost_seen, x[:n, _N_S + _ROLE_POS[role]])
    if idx.lost_idx.size:
        hit = np.add.reduceat(np.concatenate([lost_seen[idx.lost_idx], [0.0]]), idx.lost_ptr[:-1])
        hit[np.diff(idx.lost_ptr) == 0] = 0.0
        size = np.maximum(np.diff(idx.lost_ptr), 1)
        x[:, _OBS["lost_cover"]] = hit / size
        x[:, _OBS["lost_explains"]] = hit / max(lost_seen.sum(), 1.0)
    if metrics is not None and len(metrics):
        _metric_shifts(x, idx, metrics, onset)
    return onset


def _metric_shifts(x: np.ndarray, idx: EntityIndex, frame: pd.DataFrame, onset: float) -> None:
    """Fill the metric features: the largest rise and fall of each role, the load level, silence.

    Each series is split where its mean shifts most (up for rises, down for
    falls); the shift is the farthest sample after the split from the mean
    before it, in standard deviations of the samples before it.
    """
    pos = idx._pos
    ent_codes, ent_uni = pd.factorize(frame["entity"].astype(object).to_numpy())
    met_codes, met_uni = pd.factorize(frame["metric"].astype(object).to_numpy())
    ent_pos = np.asarray([pos.get(str(e), -1) for e in ent_uni], dtype=np.int64)
    met_role = np.asarray(
        [{"load": 0, "cpu": 1, "sla": 2}.get(metric_role(str(v)), -1) for v in met_uni]
    )
    width = max(len(met_uni), 1)
    t_all = frame["time"].to_numpy(dtype=np.float64)
    v_all = frame["value"].to_numpy(dtype=np.float64)
    keep = np.isfinite(v_all) & np.isfinite(t_all) & (ent_pos[ent_codes] >= 0)
    if not keep.any():
        return
    key = (ent_codes * width + met_codes)[keep]
    order = np.lexsort((t_all[keep], key))
    key, t, v = key[order], t_all[keep][order], v_all[keep][order]
    uniq, start = np.unique(key, return_index=True)
    group = np.searchsorted(uniq, key)
    e_pos = ent_pos[uniq // width]
    role = met_role[uniq % width]
    n_series = len(uniq)
    # silence: samples before the onset, none in the last stretch of the export
    last = t[np.r_[start[1:], len(t)] - 1]
    n_before = np.bincount(group, weights=(t < onset).astype(np.float64), minlength=n_series)
    silent = stopped_reporting(n_before, last, t.max(), sampling_period(key, t), onset)
    np.maximum.at(x[:, _OBS["metric_silent"]], e_pos[silent], 1.0)
    peak = np.maximum.reduceat(v, start)
    per_unit = full_scale(peak)
    counts = np.diff(np.r_[start, len(v)])
    median = segment_medians(v[np.lexsort((v, group))], start, counts)
    share = is_share(met_uni[uniq % width], peak) & (role >= 0) & (role <= 1) & (counts >= 3)
    np.maximum.at(
        x[:, _OBS["median_level"]],
        e_pos[share],
        np.clip(median[share] / per_unit[share], 0.0, 1.0).astype(np.float32),
    )
    for sign, offset in ((1.0, 0), (-1.0, 1)):
        split = change_points(group, start, v, sign)
        after = (np.arange(len(v)) > split[group]) & (split[group] >= 0)
        before = ~after & (split[group] >= 0)
        nb = np.bincount(group, weights=before.astype(np.float64), minlength=n_series)
        s1 = np.bincount(group, weights=np.where(before, v, 0.0), minlength=n_series)
        s2 = np.bincount(group, weights=np.where(before, v * v, 0.0), minlength=n_series)
        mean = s1 / np.maximum(nb, 1)
        sd = np.sqrt(np.maximum(s2 / np.maximum(nb, 1) - mean**2, 0.0)) + 0.05 * np.abs(mean) + 1e-6
        far = np.full(n_series, -np.inf)
        np.maximum.at(far, group[after], sign * v[after])
        has = np.isfinite(far) & (role >= 0)
        z = np.clip((far[has] - sign * mean[has]) / sd[has], 0.0, 10.0) / 10
        np.maximum.at(
            x, (e_pos[has], _OBS["load_up"] + 2 * role[has] + offset), z.astype(np.float32)
        )
        if sign > 0:
            load = has & (role == 0)
            level = np.clip(far[load] / per_unit[load], 0.0, 1.0)
            np.maximum.at(x[:, _OBS["load_level"]], e_pos[load], level.astype(np.float32))


def _hypothesise(x: np.ndarray, idx: EntityIndex, topo: Topology, fault: str, entity: str) -> None:
    """Fill the hypothesis block of ``x`` in place."""
    if fault not in FAULT_KINDS:
        raise InputError(f"fault must be one of {FAULT_TYPES}; got {fault!r}")
    kind = topo.kind_of(entity)  # UnknownEntityError names the entity
    want = FAULT_KINDS[fault]
    if kind != want:
        raise InputError(f"a {fault} fault hits a {want}, but {entity!r} is a {kind}", node=entity)
    n, m = idx.n_nodes, idx.n_links
    p = idx.position(entity)
    x[:, _HYP[f"hyp_{fault}"]] = 1.0
    x[p, _HYP["hyp_root"]] = 1.0
    if kind == "link":
        starts = [topo.node_ids[idx.link_src[p - n]], topo.node_ids[idx.link_dst[p - n]]]
        x[[idx.link_src[p - n], idx.link_dst[p - n]], _HYP["hyp_root"]] = 0.5
    elif kind == "site":
        starts = list(topo.sites[entity])
        x[[idx.position(v) for v in starts], _HYP["hyp_root"]] = 1.0
    else:
        starts = [entity]
    if fault not in ("congestion", "cpu_overload"):
        lost = idx.lost_idx[idx.lost_ptr[p] : idx.lost_ptr[p + 1]]
        if fault == "card_failure":
            lost = lost[lost != p]
        x[lost, _HYP["hyp_lost"]] = 1.0
    down = (
        topo.downstream_of(entity, "link" if kind == "link" else "node")
        if kind != "site"
        else sorted({d for v in starts for d in topo.downstream_of(v, "node")})
    )
    if down:
        x[[idx.position(v) for v in down], _HYP["hyp_downstream"]] = 1.0
    hops: dict[str, int] = {}
    for v in starts:
        for w, d in topo.hops_from(v, max_hops=8).items():
            hops[w] = min(d, hops.get(w, d))
    if hops:
        rows = np.asarray([idx.position(w) for w in hops])
        x[rows, _HYP["hyp_closeness"]] = 1.0 / (
            1.0 + np.asarray(list(hops.values()), dtype=np.float32)
        )
        # links: the closer endpoint, half a hop further
        close = np.zeros(n, dtype=np.float32)
        close[rows] = x[rows, _HYP["hyp_closeness"]]
        if m:
            x[n : n + m, _HYP["hyp_closeness"]] = (
                np.maximum(close[idx.link_src], close[idx.link_dst]) * 0.8
            )
    if kind == "link":
        x[p, _HYP["hyp_closeness"]] = 1.0


def failure_graph(
    topology: Topology,
    alarms: AlarmLog | pd.DataFrame | None = None,
    metrics: Metrics | pd.DataFrame | None = None,
    *,
    hypothesis: tuple[str, str] | None = None,
) -> Data:
    """Convert a network (and an incident's alarms and metrics) into a PyG ``Data`` graph.

    Parameters
    ----------
    topology : Topology
        The network; its elements, physical links and sites become entities.
    alarms : AlarmLog or DataFrame, optional
        The incident's alarms (``time``, ``device``, ``alarm_type`` and, when
        present, ``severity``, ``link_id``, ``message``). Fills
        :data:`OBSERVED_FEATURES`.
    metrics : Metrics or DataFrame, optional
        Telemetry in long format (``time``, ``entity``, ``metric``, ``value``).
    hypothesis : (fault, entity), optional
        A fault type of :data:`rca.datasets.FAULT_TYPES` and the element,
        link or site it hits. Fills :data:`HYPOTHESIS_FEATURES`.

    Returns
    -------
    torch_geometric.data.Data
        ``x`` ``(entities, len(FEATURES))``, ``edge_index`` ``(2, E)``,
        ``edge_kind`` ``(E,)`` (0 element-link, 1 element-site),
        ``entity_kind`` ``(entities,)`` (0 element, 1 link, 2 site),
        ``onset`` (epoch seconds, NaN without alarms) and ``entity_ids``.

    Raises
    ------
    rca.errors.InputError
        An alarm frame without its columns, an unknown fault type, or a
        fault type that cannot hit the entity's kind.
    rca.errors.UnknownEntityError
        The hypothesis names no element, link or site of the topology.

    Examples
    --------
    >>> from rca.datasets import make_incident
    >>> inc = make_incident(fault="node_down", size="small", random_state=0)
    >>> g = failure_graph(inc.topology, inc.alarms, inc.metrics)
    >>> g.x.shape[1] == len(FEATURES), g.num_nodes == len(g.entity_ids)
    (True, True)
    """
    if not isinstance(topology, Topology):
        raise InputError(
            f"failure_graph: topology must be a Topology, found {type(topology).__name__}"
        )
    idx = entity_index(topology)
    x = np.zeros((len(idx.ids), len(FEATURES)), dtype=np.float32)
    x[:, :_N_S] = idx.structure
    frame = _alarm_table(alarms)
    metric_frame = metrics.frame if isinstance(metrics, Metrics) else metrics
    onset = _observe(x, idx, frame, metric_frame)
    if hypothesis is not None:
        fault, entity = hypothesis
        _hypothesise(x, idx, topology, str(fault), str(entity))
    data = Data(
        x=torch.from_numpy(x),
        edge_index=idx.edge_index,
        edge_kind=idx.edge_kind,
        entity_kind=torch.as_tensor(idx.kinds),
    )
    data.onset = onset
    data.entity_ids = list(idx.ids)
    return data
