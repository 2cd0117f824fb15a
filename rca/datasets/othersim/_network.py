"""Layered operator networks: core mesh, aggregation pairs, access rings and chains, cell sites.

The generator knows nothing about the ranker under test; it builds what a
mobile backhaul operator typically runs:

* a core mesh of routers, two of them the NMS gateways;
* aggregation routers in pairs, each dual-homed to two core routers;
* access rings of cell-site routers closed over an aggregation pair, and
  single-homed chains (often microwave) hanging off one aggregation router;
* cell sites with 1-3 base stations behind the site router, or base stations
  daisy-chained directly over microwave;
* a few single-homed leaves (enterprise CPE, small cells, OLTs).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx
import numpy as np
import pandas as pd

ROUTER_TYPES = ("core_router", "agg_router", "cell_site_router")
#: Every element type the simulator draws.
NODE_TYPES = (*ROUTER_TYPES, "base_station", "enterprise_cpe", "small_cell", "olt")

#: structure knobs per size: (low, high) ranges drawn per network
SIZES = {
    "small": dict(core=(4, 4), agg_pairs=(2, 3), rings=(1, 2), ring_len=(4, 6), chains=(1, 2),
                  chain_len=(1, 3), leaves=(2, 4)),
    "medium": dict(core=(5, 6), agg_pairs=(5, 7), rings=(2, 3), ring_len=(3, 6), chains=(1, 2),
                   chain_len=(2, 4), leaves=(5, 10)),
    "large": dict(core=(6, 8), agg_pairs=(8, 10), rings=(2, 4), ring_len=(4, 7), chains=(1, 3),
                  chain_len=(2, 4), leaves=(8, 14)),
}

_PORT_STYLES = ("ge-{slot}/0/{port}", "GigabitEthernet0/{slot}/{port}", "1/{slot}/{port}")


@dataclass
class Network:
    """An operator network: element and link tables plus the physical graph.

    Attributes
    ----------
    nodes : DataFrame
        One row per element: node_id, node_type, site, layer, lat, lon, gateway.
    links : DataFrame
        One row per link: link_id, source, target, link_type, capacity_mbps.
    graph : networkx.Graph
        Elements as nodes, links as edges with attribute ``link_id``.
    ports : dict
        ``(node_id, link_id) -> (slot, port name)``: where each link lands.
    loopback : dict
        ``node_id -> IPv4 loopback`` of every router (protocol alarms name it).
    """

    nodes: pd.DataFrame
    links: pd.DataFrame
    graph: nx.Graph
    ports: dict = field(default_factory=dict)
    loopback: dict = field(default_factory=dict)

    @property
    def gateways(self) -> list[str]:
        return self.nodes.loc[self.nodes["gateway"], "node_id"].tolist()

    def node_type(self, node: str) -> str:
        return self.graph.nodes[node]["node_type"]

    def is_router(self, node: str) -> bool:
        return self.node_type(node) in ROUTER_TYPES

    def endpoints(self, link_id: str) -> tuple[str, str]:
        return self._ends[link_id]

    def link_type(self, link_id: str) -> str:
        return self._ltype[link_id]

    def __post_init__(self) -> None:
        self._ends = {r.link_id: (r.source, r.target) for r in self.links.itertuples()}
        self._ltype = dict(zip(self.links["link_id"], self.links["link_type"]))
        self.sites = self.nodes.groupby("site")["node_id"].apply(list).to_dict()

    def reachable(self, down_nodes: set, down_links: set) -> set:
        """Alive elements the NMS still reaches through some alive gateway."""
        alive = [n for n in self.graph if n not in down_nodes]
        view = nx.subgraph_view(self.graph, filter_node=lambda n: n not in down_nodes,
                                filter_edge=lambda a, b: self.graph[a][b]["link_id"] not in down_links)
        seen: set = set()
        for gw in self.gateways:
            if gw in alive and gw not in seen:
                seen |= nx.node_connected_component(view, gw)
        return seen

    def routes(self, down_nodes: set, down_links: set) -> dict[str, list[str]]:
        """Each reachable base station's route (list of link ids) to its nearest gateway."""
        view = nx.subgraph_view(self.graph, filter_node=lambda n: n not in down_nodes,
                                filter_edge=lambda a, b: self.graph[a][b]["link_id"] not in down_links)
        gws = [g for g in self.gateways if g not in down_nodes]
        if not gws:
            return {}
        paths = nx.multi_source_dijkstra_path(view, gws)
        out = {}
        for node, path in paths.items():
            if self.node_type(node) == "base_station":
                out[node] = [self.graph[a][b]["link_id"] for a, b in zip(path[:-1], path[1:])]
        return out


def make_network(size: str, rng: np.random.Generator, *, link_ids: str = "default",
                 naming: int = 0) -> Network:
    """Draw a layered operator network.

    Parameters
    ----------
    size : {"small", "medium", "large"}
        Roughly 60-120, 200-400 and 400-700 elements.
    rng : numpy.random.Generator
    link_ids : {"default", "custom"}
        ``SOURCE--TARGET`` ids (sorted) or operator ids such as ``FO-00017``.
    naming : int
        Element naming scheme (0: ``CSR017``, 1: ``csr-017.north``).

    Returns
    -------
    Network
    """
    if size not in SIZES:
        raise ValueError(f"size must be one of {sorted(SIZES)}, got {size!r}")
    knobs = SIZES[size]
    draw = lambda key: int(rng.integers(knobs[key][0], knobs[key][1] + 1))  # noqa: E731
    region = str(rng.choice(["north", "east", "lon", "mad", "ber"]))
    fmt = (lambda kind, n, sub="": f"{kind.upper()}{n:03d}{sub}") if naming == 0 else \
          (lambda kind, n, sub="": f"{kind}-{n:03d}{sub.lower()}.{region}")
    nodes: list[dict] = []
    links: list[dict] = []
    centre = np.array([rng.uniform(40, 55), rng.uniform(-5, 15)])
    counter = {"site": 0}

    def site(prefix: str) -> tuple[str, np.ndarray]:
        counter["site"] += 1
        return f"{prefix}{counter['site']:03d}", centre + rng.normal(0, 0.3, 2)

    def node(node_id, node_type, site_id, layer, xy, gateway=False):
        nodes.append(dict(node_id=node_id, node_type=node_type, site=site_id, layer=layer,
                          lat=round(float(xy[0] + rng.normal(0, 1e-4)), 5),
                          lon=round(float(xy[1] + rng.normal(0, 1e-4)), 5), gateway=gateway))
        return node_id

    def link(a, b, link_type, capacity):
        links.append(dict(source=a, target=b, link_type=link_type, capacity_mbps=capacity))

    # core mesh: a ring plus random chords; two gateways
    n_core = draw("core")
    core = []
    for i in range(n_core):
        sid, xy = site("DC" if i < 2 else "POP")
        core.append(node(fmt("cr", i + 1), "core_router", sid, "core", xy, gateway=i < 2))
    for i in range(n_core):
        link(core[i], core[(i + 1) % n_core], "fiber", 100_000)
    for i in range(n_core):
        for j in range(i + 2, n_core):
            if (j - i) % n_core != n_core - 1 and rng.random() < 0.4:
                link(core[i], core[j], "fiber", 100_000)

    n_csr = n_bs = n_leaf = 0

    def cell_site(router: str, sid: str, xy) -> None:
        nonlocal n_bs
        for k in range(int(rng.integers(1, 4))):
            n_bs += 1
            bs = node(fmt("bs", n_bs), "base_station", sid, "ran", xy)
            link(router, bs, "fiber", 1_000)

    # aggregation pairs with their access rings and chains
    for p in range(draw("agg_pairs")):
        sid_a, xy_a = site("AGS")
        sid_b, xy_b = (sid_a, xy_a) if rng.random() < 0.4 else site("AGS")
        a = node(fmt("agg", p + 1, "A"), "agg_router", sid_a, "aggregation", xy_a)
        b = node(fmt("agg", p + 1, "B"), "agg_router", sid_b, "aggregation", xy_b)
        ca, cb = rng.choice(n_core, size=2, replace=False)
        link(a, core[ca], "fiber", 10_000)
        link(b, core[cb], "fiber", 10_000)
        if rng.random() < 0.3:
            link(a, core[cb], "fiber", 10_000)
        link(a, b, "fiber", 10_000)
        for _ in range(draw("rings")):
            prev = a
            for _ in range(draw("ring_len")):
                n_csr += 1
                sid, xy = site("CS")
                csr = node(fmt("csr", n_csr), "cell_site_router", sid, "access", xy)
                mw = rng.random() < 0.15
                link(prev, csr, "microwave" if mw else "fiber", 1_000 if mw else 10_000)
                cell_site(csr, sid, xy)
                prev = csr
            link(prev, b, "fiber", 10_000)
        for _ in range(draw("chains")):
            prev = a if rng.random() < 0.5 else b
            direct_bs = rng.random() < 0.4  # base stations daisy-chained over microwave
            for _ in range(draw("chain_len")):
                sid, xy = site("CS")
                if direct_bs:
                    n_bs += 1
                    hop = node(fmt("bs", n_bs), "base_station", sid, "ran", xy)
                else:
                    n_csr += 1
                    hop = node(fmt("csr", n_csr), "cell_site_router", sid, "access", xy)
                mw = rng.random() < 0.7
                link(prev, hop, "microwave" if mw else "fiber", int(rng.choice([400, 1_000])) if mw else 1_000)
                if not direct_bs:
                    cell_site(hop, sid, xy)
                prev = hop

    # single-homed leaves on access or aggregation routers
    hosts = [n["node_id"] for n in nodes if n["node_type"] in ("cell_site_router", "agg_router")]
    for _ in range(draw("leaves")):
        n_leaf += 1
        kind, layer = [("enterprise_cpe", "access"), ("small_cell", "ran"), ("olt", "access")][rng.integers(3)]
        sid, xy = site("LF")
        leaf = node(fmt(kind.split("_")[-1][:4], n_leaf), kind, sid, layer, xy)
        link(str(rng.choice(hosts)), leaf, "fiber", 1_000)

    nodes_df = pd.DataFrame(nodes)
    links_df = pd.DataFrame(links)
    if link_ids == "default":
        links_df.insert(0, "link_id", ["--".join(sorted((s, t))) for s, t in zip(links_df["source"], links_df["target"])])
    else:
        prefix = links_df["link_type"].map({"fiber": "FO", "microwave": "MW"})
        links_df.insert(0, "link_id", [f"{p}-{i + 1:05d}" for i, p in enumerate(prefix)])
    graph = nx.Graph()
    for r in nodes_df.itertuples():
        graph.add_node(r.node_id, node_type=r.node_type, site=r.site, layer=r.layer)
    for r in links_df.itertuples():
        graph.add_edge(r.source, r.target, link_id=r.link_id)
    return Network(nodes_df, links_df, graph, _ports(links_df, rng), _loopbacks(nodes_df, rng))


def _ports(links: pd.DataFrame, rng: np.random.Generator) -> dict:
    """Land each link on a (slot, port) of both endpoints; a slot holds 1-4 links."""
    style = _PORT_STYLES[rng.integers(len(_PORT_STYLES))]
    per_node: dict[str, list[str]] = {}
    for r in links.itertuples():
        per_node.setdefault(r.source, []).append(r.link_id)
        per_node.setdefault(r.target, []).append(r.link_id)
    ports = {}
    for node, ids in per_node.items():
        order = list(rng.permutation(ids))
        slot, port, cap = 1, 0, int(rng.integers(1, 5))
        for lid in order:
            if port == cap:
                slot, port, cap = slot + 1, 0, int(rng.integers(1, 5))
            ports[(node, lid)] = (slot, style.format(slot=slot, port=port))
            port += 1
    return ports


def _loopbacks(nodes: pd.DataFrame, rng: np.random.Generator) -> dict:
    routers = nodes.loc[nodes["node_type"].isin(ROUTER_TYPES), "node_id"]
    base = int(rng.integers(1, 200))
    return {n: f"10.{base}.{i // 250}.{i % 250 + 1}" for i, n in enumerate(routers)}
