"""Layered telecom networks for the twin: core mesh, aggregation, access, radio.

:func:`make_network` grows a network from the core outward: a meshed core
(or a given GraphML / :class:`~rca.topology.Topology` used as the core), an
aggregation layer mostly dual-homed onto the core, access rings and trees
hanging from the aggregation, and radio base stations on the access
switches. Shapes, sizes, naming, site sharing and link media are drawn from
``random_state`` so that no two networks share habits a ranker could learn.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

from ..errors import InputError
from ..topology import Topology

__all__ = ["make_network", "SIZES", "resolve_size"]

logger = logging.getLogger(__name__)

#: Target element counts of the named sizes.
SIZES: dict[str, int] = {"small": 60, "medium": 300, "large": 2000}

# layer naming conventions, from the core outward (all in rca.topology.LAYER_ORDER)
_LAYER_NAMES: tuple[tuple[str, str, str, str], ...] = (
    ("core", "aggregation", "access", "ran"),
    ("backbone", "metro", "access", "radio"),
    ("core", "distribution", "edge", "cell"),
    ("core", "agg", "access", "ran"),
)
# node-type naming conventions: (core, agg, access, radio)
_TYPE_NAMES: tuple[tuple[str, str, str, str], ...] = (
    ("core_router", "agg_router", "access_switch", "base_station"),
    ("p_router", "pe_router", "csr", "enodeb"),
    ("core_router", "agg_router", "access_router", "gnodeb"),
)
_PREFIX = ("CR", "AG", "AS", "BS")


def resolve_size(size: str | int) -> int:
    """Target element count of a size name or number.

    Examples
    --------
    >>> resolve_size("medium"), resolve_size(120)
    (300, 120)
    """
    if isinstance(size, (int, np.integer)) and not isinstance(size, bool):
        if size < 8:
            raise InputError(f"size must be at least 8 elements; got {size}")
        return int(size)
    if isinstance(size, str) and size in SIZES:
        return SIZES[size]
    raise InputError(f"size must be one of {sorted(SIZES)} or an element count; got {size!r}")


@dataclass
class _Builder:
    """Accumulates nodes, links and sites while the network grows."""

    rng: np.random.Generator
    naming: str
    site_fmt: str
    layers: tuple[str, str, str, str]
    types: tuple[str, str, str, str]

    def __post_init__(self) -> None:
        self.nodes: list[dict] = []
        self.links: list[dict] = []
        self.count = [0, 0, 0, 0]
        self.n_sites = 0
        self.site_pos: dict[str, tuple[float, float]] = {}
        self.pairs: set[tuple[str, str]] = set()
        self.per_site: dict[str, int] = {}

    def new_site(self, lat: float, lon: float) -> str:
        self.n_sites += 1
        site = self.site_fmt.format(self.n_sites)
        self.site_pos[site] = (round(lat, 5), round(lon, 5))
        return site

    def add_node(
        self, tier: int, site: str, *, node_id: str | None = None, gateway: bool = False
    ) -> str:
        self.count[tier] += 1
        k = self.count[tier]
        if node_id is None:
            if self.naming == "prefix":
                node_id = f"{_PREFIX[tier]}{k:0{2 + tier}d}"
            elif self.naming == "site":
                self.per_site[site] = self.per_site.get(site, 0) + 1
                node_id = f"{site}-{_PREFIX[tier]}{self.per_site[site]}"
            else:
                node_id = f"{self.types[tier].split('_')[0].lower()}-{k:04d}"
        lat, lon = self.site_pos[site]
        self.nodes.append(
            {
                "node_id": node_id,
                "node_type": self.types[tier],
                "site": site,
                "layer": self.layers[tier],
                "lat": lat,
                "lon": lon,
                "gateway": gateway,
            }
        )
        return node_id

    def add_link(self, a: str, b: str, link_type: str, capacity: float) -> str | None:
        if a == b:
            return None
        key = (a, b) if a < b else (b, a)
        if key in self.pairs:
            return None
        self.pairs.add(key)
        self.links.append(
            {"source": a, "target": b, "link_type": link_type, "capacity_mbps": float(capacity)}
        )
        return f"{key[0]}--{key[1]}"


def _core_from(core: str | Path | Topology) -> Topology:
    if isinstance(core, Topology):
        return core
    return Topology.read_graphml(core)


def make_network(
    size: str | int = "medium",
    *,
    core: str | Path | Topology | None = None,
    random_state: int | np.random.Generator | None = None,
) -> Topology:
    """Make a layered telecom network.

    Parameters
    ----------
    size : {"small", "medium", "large"} or int, default "medium"
        About 60, 300 or 2,000 elements, or a target element count.
    core : str, Path or Topology, optional
        A GraphML file (e.g. from the Internet Topology Zoo) or a topology
        used as the core mesh; its largest connected component is kept and
        the other layers grow from it.
    random_state : int or numpy.random.Generator, optional
        Seed for every random choice.

    Returns
    -------
    Topology
        Nodes carry ``node_type, site, layer, lat, lon, gateway``; links
        carry ``link_type`` (fiber or microwave) and ``capacity_mbps``.

    Examples
    --------
    >>> net = make_network("small", random_state=0)
    >>> 45 <= len(net) <= 75, len(net.gateways) >= 1
    (True, True)
    """
    rng = np.random.default_rng(random_state)
    target = resolve_size(size)
    b = _Builder(
        rng,
        naming=str(rng.choice(["prefix", "site", "host"])),
        site_fmt=str(rng.choice(["S{:03d}", "SITE{:04d}", "ST-{:04d}", "P{:04d}"])),
        layers=_LAYER_NAMES[int(rng.integers(len(_LAYER_NAMES)))],
        types=_TYPE_NAMES[int(rng.integers(len(_TYPE_NAMES)))],
    )
    core_ids = _grow_core(b, target, core)
    n_core = len(core_ids)
    rest = max(target - n_core, 4)
    n_agg = max(2, int(round(rest * rng.uniform(0.07, 0.13))))
    agg_groups = _grow_aggregation(b, core_ids, n_agg)
    bs_ratio = rng.uniform(0.7, 1.6)
    n_access = max(2, int(round((rest - n_agg) / (1.0 + bs_ratio))))
    n_bs = max(1, rest - n_agg - n_access)
    access = _grow_access(b, agg_groups, n_access)
    _grow_radio(b, access, n_bs)
    nodes = pd.DataFrame(b.nodes)
    links = pd.DataFrame(b.links)
    if rng.random() < 0.5:  # operator-style link ids instead of SOURCE--TARGET
        order = rng.permutation(len(links)) + 1
        width = len(str(len(links))) + 1
        links.insert(0, "link_id", [f"L{k:0{width}d}" for k in order])
    topo = Topology.from_frames(nodes, links, source="make_network")
    logger.debug("made %r", topo)
    return topo


def _grow_core(b: _Builder, target: int, core: str | Path | Topology | None) -> list[str]:
    rng = b.rng
    lat0, lon0 = rng.uniform(35, 58), rng.uniform(-8, 25)
    if core is not None:
        return _import_core(b, _core_from(core), lat0, lon0)
    n_core = int(np.clip(round(target * rng.uniform(0.02, 0.05)), 4, 40))
    ids: list[str] = []
    shared = rng.uniform(0.0, 0.4)  # share of POPs housing two core routers
    while len(ids) < n_core:
        site = b.new_site(lat0 + rng.normal(0, 2.0), lon0 + rng.normal(0, 3.0))
        ids.append(b.add_node(0, site))
        if len(ids) < n_core and rng.random() < shared:
            ids.append(b.add_node(0, site))
    # ring + random chords: 2-connected, meshed
    cap = float(rng.choice([100000, 400000]))
    order = list(ids)
    for i in range(len(order)):
        b.add_link(order[i], order[(i + 1) % len(order)], "fiber", cap)
    n_chords = int(round(len(ids) * rng.uniform(0.3, 1.0)))
    for _ in range(n_chords):
        i, j = rng.choice(len(ids), size=2, replace=False)
        b.add_link(ids[int(i)], ids[int(j)], "fiber", cap)
    n_gw = min(len(ids), int(rng.integers(1, 4)))
    for k in rng.choice(len(ids), size=n_gw, replace=False):
        b.nodes[int(k)]["gateway"] = True
    return ids


def _import_core(b: _Builder, topo: Topology, lat0: float, lon0: float) -> list[str]:
    rng = b.rng
    g = nx.Graph(topo.graph)
    comp = max(nx.connected_components(g), key=lambda c: (len(c), sorted(c)))
    keep = [n for n in topo.node_ids if n in comp]
    if len(keep) < len(topo):
        logger.info(
            "core: kept the largest connected component (%d of %d elements)", len(keep), len(topo)
        )
    ids = []
    for n in keep:
        lat, lon = topo.attribute(n, "lat"), topo.attribute(n, "lon")
        if lat is None or lon is None:
            lat, lon = lat0 + rng.normal(0, 2.0), lon0 + rng.normal(0, 3.0)
        site = b.new_site(float(lat), float(lon))  # type: ignore[arg-type]
        ids.append(
            b.add_node(0, site, node_id=f"{_PREFIX[0]}-{n}" if b.naming != "host" else f"core-{n}")
        )
    name = dict(zip(keep, ids))
    cap = float(rng.choice([100000, 400000]))
    for lid in topo.link_ids:
        s, t = topo.link_endpoints(lid)
        if s in name and t in name:
            c = topo.links.at[lid, "capacity_mbps"]
            b.add_link(name[s], name[t], "fiber", cap if pd.isna(c) else float(c))
    degree = {n: 0 for n in ids}
    for link in b.links:
        degree[link["source"]] += 1
        degree[link["target"]] += 1
    best = sorted(ids, key=lambda n: (-degree[n], n))[: int(rng.integers(1, 3))]
    for node in b.nodes:
        node["gateway"] = node["node_id"] in best
    return ids


def _grow_aggregation(b: _Builder, core_ids: list[str], n_agg: int) -> list[list[str]]:
    """Aggregation routers, mostly in dual-homed pairs; returns the groups."""
    rng = b.rng
    p_dual = rng.uniform(0.6, 1.0)
    p_pair = rng.uniform(0.5, 1.0)
    cap = float(rng.choice([10000, 100000]))
    core_site = {n["node_id"]: n["site"] for n in b.nodes}
    groups: list[list[str]] = []
    made = 0
    while made < n_agg:
        home = core_ids[int(rng.integers(len(core_ids)))]
        lat, lon = b.site_pos[core_site[home]]
        size = 2 if (n_agg - made >= 2 and rng.random() < p_pair) else 1
        group = []
        for _ in range(size):
            if rng.random() < 0.1:
                site = core_site[home]  # aggregation in the core POP
            else:
                site = b.new_site(lat + rng.normal(0, 0.5), lon + rng.normal(0, 0.7))
            node = b.add_node(1, site)
            group.append(node)
            uplinks = 2 if (len(core_ids) > 1 and rng.random() < p_dual) else 1
            others = [c for c in core_ids if c != home]
            targets = (
                [home]
                + [others[int(i)] for i in rng.choice(len(others), size=uplinks - 1, replace=False)]
                if others
                else [home]
            )
            for c in targets:
                b.add_link(node, c, "fiber", cap)
            made += 1
        if len(group) == 2 and rng.random() < 0.8:
            b.add_link(group[0], group[1], "fiber", cap)
        groups.append(group)
    return groups


def _grow_access(b: _Builder, groups: list[list[str]], n_access: int) -> list[str]:
    """Access rings closed on the aggregation, and trees hanging off it."""
    rng = b.rng
    p_ring = rng.uniform(0.3, 0.9)
    p_mw = rng.uniform(0.0, 0.4)
    ring_cap = float(rng.choice([1000, 10000]))
    site_of = {n["node_id"]: n["site"] for n in b.nodes}
    made: list[str] = []
    while len(made) < n_access:
        group = groups[int(rng.integers(len(groups)))]
        anchor = group[0]
        lat, lon = b.site_pos[site_of[anchor]]
        k = min(n_access - len(made), int(rng.integers(2, 8)))
        chain = []
        for i in range(k):
            if i == 0 and rng.random() < 0.15:
                site = site_of[anchor]  # an access switch in the aggregation site
            else:
                site = b.new_site(lat + rng.normal(0, 0.15), lon + rng.normal(0, 0.2))
            node = b.add_node(2, site)
            site_of[node] = site
            chain.append(node)
        made += chain
        if rng.random() < p_ring and k >= 2:
            ends = (group[0], group[-1])
            path = [ends[0]] + chain + [ends[1]]
            for u, v in zip(path, path[1:]):
                b.add_link(u, v, "fiber", ring_cap)
        else:
            # a tree: each switch hangs off the aggregation or an earlier switch
            for i, node in enumerate(chain):
                parent = anchor if i == 0 else chain[int(rng.integers(0, i))]
                mw = rng.random() < p_mw
                b.add_link(
                    node,
                    parent,
                    "microwave" if mw else "fiber",
                    float(rng.choice([500, 1000, 2000])) if mw else ring_cap,
                )
    return made


def _grow_radio(b: _Builder, access: list[str], n_bs: int) -> None:
    """Base stations on the access switches, often sharing their site."""
    rng = b.rng
    p_colo = rng.uniform(0.3, 0.8)
    p_mw = rng.uniform(0.05, 0.5)
    site_of = {n["node_id"]: n["site"] for n in b.nodes}
    weights = rng.gamma(2.0, 1.0, size=len(access))
    weights /= weights.sum()
    hosts = rng.choice(len(access), size=n_bs, p=weights)
    for h in hosts.tolist():
        sw = access[h]
        if rng.random() < p_colo:
            site = site_of[sw]
        else:
            lat, lon = b.site_pos[site_of[sw]]
            site = b.new_site(lat + rng.normal(0, 0.04), lon + rng.normal(0, 0.05))
        node = b.add_node(3, site)
        mw = rng.random() < p_mw and site != site_of[sw]
        b.add_link(
            node,
            sw,
            "microwave" if mw else "fiber",
            float(rng.choice([500, 1000])) if mw else 1000.0,
        )
