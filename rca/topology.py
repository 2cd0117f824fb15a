"""The topology graph builder: network elements, links, sites and layers.

A :class:`Topology` is built from the incident folder's ``nodes.csv`` /
``links.csv``, from GraphML (the Internet Topology Zoo), from a networkx
graph or from DataFrames, and answers the questions root-cause analysis asks
many times per incident: neighbours, paths, hop distances, which link joins
two elements, and what the management system loses when an element, a link
or a site fails.
"""

from __future__ import annotations

import logging
from collections import deque
from functools import cached_property
from pathlib import Path
from typing import Iterable

import networkx as nx
import numpy as np
import pandas as pd

from ._csv import LINE, read_table
from ._io import atomic_open
from ._reachability import Reachability, euler_tour
from .errors import InputError, SchemaError, TopologyError, UnknownEntityError
from .validation import ValidationReport

__all__ = ["Topology", "LAYER_ORDER", "link_id_for"]

logger = logging.getLogger(__name__)

#: Known layer names, from the core outward. Unknown names rank after these.
LAYER_ORDER: tuple[str, ...] = (
    "core", "backbone", "transport", "edge_core", "aggregation", "agg", "distribution",
    "metro", "pre_aggregation", "access", "edge", "ran", "radio", "fronthaul",
    "cell", "cpe", "customer", "service",
)

NODE_COLUMNS = ("node_id", "node_type", "site", "layer", "lat", "lon", "gateway")
LINK_COLUMNS = ("link_id", "source", "target", "link_type", "capacity_mbps", "directed")

_TRUE = {"true", "t", "yes", "y", "1", "1.0"}
_FALSE = {"false", "f", "no", "n", "0", "0.0", ""}


def link_id_for(a: str, b: str) -> str:
    """Default link id: the two endpoint ids in sorted order, joined by ``--``.

    Examples
    --------
    >>> link_id_for("R7", "A3")
    'A3--R7'
    """
    x, y = sorted((str(a), str(b)))
    return f"{x}--{y}"


class Topology:
    """A telecom network: elements, physical links, dependency edges, sites.

    Build one with :meth:`from_frames`, :meth:`read_csv`, :meth:`read_graphml`
    or :meth:`from_networkx`; the constructor takes frames that are already
    validated.

    Attributes
    ----------
    nodes : pandas.DataFrame
        Indexed by ``node_id``, sorted by it; columns ``node_type, site,
        layer, lat, lon, gateway`` plus any extra input column.
    links : pandas.DataFrame
        Indexed by ``link_id``, sorted by it; columns ``source, target,
        link_type, capacity_mbps, directed`` plus any extra input column.
        Both orders are canonical: the same network in any row order gives
        the same topology, so no answer depends on how it was exported.
    report : ValidationReport
        What was repaired or inferred while building.

    Examples
    --------
    >>> import pandas as pd
    >>> nodes = pd.DataFrame({"node_id": ["C1", "A1", "B1"], "layer": ["core", "access", "access"]})
    >>> links = pd.DataFrame({"source": ["C1", "A1"], "target": ["A1", "B1"]})
    >>> topo = Topology.from_frames(nodes, links)
    >>> topo.gateways
    ['C1']
    >>> sorted(topo.lost_if_fails("A1"))
    ['A1', 'B1']
    """

    def __init__(
        self,
        nodes: pd.DataFrame,
        links: pd.DataFrame,
        *,
        report: ValidationReport | None = None,
        source: str | None = None,
    ) -> None:
        # canonical order: elements and links sorted by id, whatever the order
        # of the file, so that no answer depends on how the inventory was exported
        self.nodes = nodes.sort_index(kind="stable", key=_id_key)
        self.links = links.sort_index(kind="stable", key=_id_key)
        nodes, links = self.nodes, self.links
        self.report = report if report is not None else ValidationReport()
        self.source = source
        self._ids: list[str] = [str(x) for x in nodes.index]
        self._pos: dict[str, int] = {v: i for i, v in enumerate(self._ids)}
        directed = links["directed"].to_numpy(dtype=bool) if len(links) else np.zeros(0, bool)
        phys = links[~directed]
        self._phys_ids: list[str] = [str(x) for x in phys.index]
        self._phys_pos: dict[str, int] = {v: i for i, v in enumerate(self._phys_ids)}
        self._src = np.fromiter((self._pos[s] for s in phys["source"]), dtype=np.int64, count=len(phys))
        self._dst = np.fromiter((self._pos[t] for t in phys["target"]), dtype=np.int64, count=len(phys))
        self._adj: list[list[tuple[int, int]]] = [[] for _ in self._ids]
        for k, (a, b) in enumerate(zip(self._src.tolist(), self._dst.tolist())):
            self._adj[a].append((b, k))
            self._adj[b].append((a, k))
        self._dep_edges = links[directed]

    # ------------------------------------------------------------------ build
    @classmethod
    def from_frames(
        cls,
        nodes: pd.DataFrame,
        links: pd.DataFrame | None = None,
        *,
        source: str | None = None,
        nodes_file: str | None = None,
        links_file: str | None = None,
    ) -> "Topology":
        """Build a topology from a nodes table and a links table.

        Parameters
        ----------
        nodes : pandas.DataFrame
            Needs ``node_id``; optional ``node_type, site, layer, lat, lon,
            gateway`` and any extra columns (kept).
        links : pandas.DataFrame, optional
            Needs ``source`` and ``target``; optional ``link_id, link_type,
            capacity_mbps, directed`` and extras. A link is undirected unless
            ``directed`` is true (a dependency: source depends on target).
        source : str, optional
            A name for messages (a folder, a file).
        nodes_file, links_file : str, optional
            File names used in error messages; rows then carry a ``line``
            column with their line numbers.

        Raises
        ------
        SchemaError
            A required column is missing.
        TopologyError
            Duplicate node or link ids, or no elements at all.
        """
        report = ValidationReport()
        nodes = _clean_nodes(nodes, nodes_file, report)
        links, nodes = _clean_links(
            links if links is not None else pd.DataFrame(columns=["source", "target"]),
            nodes, links_file, report,
        )
        if LINE in links.columns:
            links = links.drop(columns=[LINE])
        if LINE in nodes.columns:
            nodes = nodes.drop(columns=[LINE])
        topo = cls(nodes, links, report=report, source=source)
        topo._infer_gateways()
        return topo

    @classmethod
    def read_csv(cls, nodes_csv: str | Path, links_csv: str | Path | None = None) -> "Topology":
        """Read ``nodes.csv`` (and ``links.csv``) as in the incident format.

        Errors name the file, line and column at fault.
        """
        report = ValidationReport()
        nodes = read_table(nodes_csv, required=("node_id",), report=report)
        if len(nodes) == 0:
            raise TopologyError("no elements: the file has a header but no rows", file=nodes_csv, line=2)
        if links_csv is not None and Path(links_csv).exists():
            links = read_table(links_csv, required=("source", "target"), report=report)
        else:
            links = None
            if links_csv is not None:
                report.add("missing_file", "no links file: every element is read as isolated (no link, no path)",
                           file=str(links_csv), action="kept", logger=logger)
        topo = cls.from_frames(
            nodes, links, source=str(Path(nodes_csv).parent),
            nodes_file=str(nodes_csv), links_file=str(links_csv) if links_csv else None,
        )
        report.extend(topo.report)
        topo.report = report
        return topo

    @classmethod
    def read_graphml(cls, path: str | Path) -> "Topology":
        """Read a GraphML file (e.g. an Internet Topology Zoo network).

        Node ``id`` becomes ``node_id``; the link id is the edge's ``id``
        (the XML attribute, or a ``link_id``/``id`` data key) when present,
        otherwise ``SOURCE--TARGET`` (sorted), with ``#2``, ``#3``... for
        parallel links. ``Latitude``/``Longitude`` become ``lat``/``lon``;
        ``LinkSpeedRaw`` (bit/s) becomes ``capacity_mbps``. Every other
        attribute is kept. An edge that names a node the file does not
        declare adds it as an inferred element, reported with the edge's
        line (``undeclared_node``); edges repeating another edge's id
        between the same nodes are reported (``duplicate_edge``).

        Raises
        ------
        InputError
            The file is missing or is not valid GraphML.
        """
        path = Path(path)
        if not path.is_file():
            raise InputError("file not found", file=path)
        try:
            # edge ids stay text ("7" is a link id, not the integer 7)
            graph = nx.read_graphml(path, force_multigraph=True, edge_key_type=str)
            declared, edges = _graphml_outline(path)
        except Exception as exc:  # networkx and expat raise several unrelated types
            raise InputError(f"not a readable GraphML file: {exc}", file=path) from exc
        if graph.number_of_nodes() == 0:
            raise TopologyError("the graph has no nodes", file=path)
        topo = cls.from_networkx(graph, source=str(path))
        undeclared = sorted({str(n) for n in graph.nodes} - declared)
        if undeclared:
            lines = [line for line, u, v, _ in edges if u in undeclared or v in undeclared]
            topo.report.add(
                "undeclared_node",
                f"edges name {len(undeclared)} node(s) the file does not declare "
                f"({', '.join(undeclared[:5])}{'...' if len(undeclared) > 5 else ''}); added as inferred elements",
                file=str(path), lines=lines, count=len(lines), action="repaired", logger=logger,
            )
            nodes = topo.nodes.copy()
            if "inferred" not in nodes.columns:
                nodes["inferred"] = False
            nodes.loc[undeclared, "inferred"] = True
            topo.nodes = nodes
        seen: set[tuple[str, str, str]] = set()
        repeated = []
        for line, u, v, eid in edges:
            key = (min(u, v), max(u, v), eid) if eid else None
            if key is not None and key in seen:
                repeated.append(line)
            elif key is not None:
                seen.add(key)
        if repeated:
            topo.report.add(
                "duplicate_edge",
                "edges repeating the id of an earlier edge between the same nodes; only the first was kept",
                file=str(path), lines=repeated, count=len(repeated), action="dropped", logger=logger,
            )
        return topo

    @classmethod
    def read(cls, spec: str | Path) -> "Topology":
        """Read a topology named as on the command line.

        Parameters
        ----------
        spec : str or Path
            ``nodes.csv,links.csv``; ``nodes.csv`` alone; a GraphML file; or
            a folder holding ``nodes.csv`` (+ ``links.csv``) or
            ``topology.graphml``.

        Raises
        ------
        InputError
            Nothing readable there; the message names the path.
        """
        text = str(spec)
        parts = [p.strip() for p in text.split(",") if p.strip()] if "," in text else [text]
        if len(parts) > 2:
            raise InputError("expected nodes.csv,links.csv or one GraphML file, got "
                             f"{len(parts)} paths", file=text)
        first = Path(parts[0])
        if first.is_dir():
            if (first / "nodes.csv").exists():
                return cls.read_csv(first / "nodes.csv", first / "links.csv")
            if (first / "topology.graphml").exists():
                return cls.read_graphml(first / "topology.graphml")
            raise InputError("no nodes.csv or topology.graphml in this folder", file=first)
        if not first.exists():
            raise InputError("file not found", file=first)
        if first.suffix.lower() in (".graphml", ".xml") and len(parts) == 1:
            return cls.read_graphml(first)
        return cls.read_csv(first, parts[1] if len(parts) == 2 else None)

    @classmethod
    def from_networkx(cls, graph: nx.Graph, *, source: str | None = None) -> "Topology":
        """Build a topology from a networkx graph of any kind.

        Node attributes map onto the node columns (``Latitude``/``Longitude``
        to ``lat``/``lon``, ``type`` to ``node_type`` when it has none); edge
        attributes onto the link columns. The link id is the edge's
        ``link_id`` or ``id`` attribute, else a multigraph's text edge key,
        else ``SOURCE--TARGET``. In a directed graph every edge is a
        physical link unless it has ``directed=True``.
        """
        rename_node = {"Latitude": "lat", "Longitude": "lon", "latitude": "lat", "longitude": "lon"}
        rows = []
        for node, data in graph.nodes(data=True):
            row = {rename_node.get(k, k): v for k, v in data.items() if k != "node_id"}
            row["node_id"] = str(node)
            if "node_type" not in row and "type" in data:
                row["node_type"] = data["type"]
            rows.append(row)
        nodes = pd.DataFrame(rows)
        edges = []
        seen: dict[str, int] = {}
        duplicates = 0
        items = graph.edges(data=True, keys=True) if graph.is_multigraph() else (
            (u, v, None, d) for u, v, d in graph.edges(data=True)
        )
        for u, v, key, data in items:
            row = {k: v_ for k, v_ in data.items() if k not in ("source", "target")}
            row["source"], row["target"] = str(u), str(v)
            raw_id = data.get("link_id", data.get("id"))
            if raw_id in (None, "") and isinstance(key, str) and key:
                raw_id = key   # a multigraph's text key: the GraphML edge id, or a link id given as key
            lid = str(raw_id) if raw_id not in (None, "") else link_id_for(u, v)
            if lid in seen:
                seen[lid] += 1
                lid = f"{lid}#{seen[lid]}"
                duplicates += 1
            else:
                seen[lid] = 1
            row["link_id"] = lid
            row.pop("id", None)
            if "capacity_mbps" not in row and "LinkSpeedRaw" in data:
                try:
                    row["capacity_mbps"] = float(data["LinkSpeedRaw"]) / 1e6
                except (TypeError, ValueError):
                    pass
            edges.append(row)
        links = pd.DataFrame(edges, columns=None if edges else ["source", "target", "link_id"])
        # a graph has no line numbers: problems name the file and the ids
        nodes[LINE] = pd.array([pd.NA] * len(nodes), dtype="Int64")
        links[LINE] = pd.array([pd.NA] * len(links), dtype="Int64")
        topo = cls.from_frames(nodes, links, source=source, nodes_file=source, links_file=source)
        if duplicates:
            topo.report.add(
                "parallel_links",
                f"{duplicates} parallel link(s) without an id were numbered SOURCE--TARGET#k",
                file=source, count=duplicates, action="repaired", logger=logger, level=logging.INFO,
            )
        return topo

    # ---------------------------------------------------------------- export
    def to_frames(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The nodes and links tables in the incident format's columns."""
        nodes = self.nodes.reset_index()
        links = self.links.reset_index()
        return nodes, links

    def write_csv(self, folder: str | Path) -> None:
        """Write ``nodes.csv`` and ``links.csv`` into ``folder``."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        nodes, links = self.to_frames()
        for name, frame in (("nodes.csv", nodes), ("links.csv", links)):
            with atomic_open(folder / name, newline="") as handle:
                frame.to_csv(handle, index=False)

    # --------------------------------------------------------------- queries
    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, node: object) -> bool:
        return node in self._pos

    def __repr__(self) -> str:
        return (
            f"Topology({len(self._ids)} elements, {len(self._phys_ids)} links, "
            f"{len(self._dep_edges)} dependencies, {len(self.sites)} sites)"
        )

    def _repr_html_(self) -> str:
        """Jupyter: counts, gateways, and the elements per layer and type as small bars (no script)."""
        from ._report._repr import topology_html

        return topology_html(self)

    @property
    def node_ids(self) -> list[str]:
        """Element ids, sorted (the canonical order, whatever the file's order)."""
        return list(self._ids)

    @property
    def link_ids(self) -> list[str]:
        """Physical (undirected) link ids, sorted (the canonical order)."""
        return list(self._phys_ids)

    @property
    def n_nodes(self) -> int:
        """Number of elements."""
        return len(self._ids)

    @property
    def n_links(self) -> int:
        """Number of physical links."""
        return len(self._phys_ids)

    def index_of(self, node: str) -> int:
        """Position of an element in :attr:`node_ids`."""
        try:
            return self._pos[node]
        except KeyError:
            raise UnknownEntityError("no such element in the topology", node=node) from None

    def link_index(self, link_id: str) -> int:
        """Position of a physical link in :attr:`link_ids`."""
        try:
            return self._phys_pos[link_id]
        except KeyError:
            raise UnknownEntityError("no such physical link in the topology", node=link_id) from None

    def has_link(self, link_id: str) -> bool:
        """Whether ``link_id`` is a physical link."""
        return link_id in self._phys_pos

    def link_endpoints(self, link_id: str) -> tuple[str, str]:
        """The two elements joined by a physical link."""
        k = self.link_index(link_id)
        return self._ids[self._src[k]], self._ids[self._dst[k]]

    @cached_property
    def radio_links(self) -> frozenset[str]:
        """Links whose ``link_type`` names a radio medium (microwave, radio, mw)."""
        if "link_type" not in self.links.columns:
            return frozenset()
        media = self.links["link_type"].astype(str).str.lower()
        return frozenset(self.links.index[media.str.contains("microwave|radio|mw").to_numpy(dtype=bool)])

    def neighbors(self, node: str) -> list[str]:
        """Elements one physical link away (each listed once)."""
        i = self.index_of(node)
        return list(dict.fromkeys(self._ids[j] for j, _ in self._adj[i]))

    def incident_links(self, node: str) -> list[str]:
        """Physical links that end at ``node``."""
        return [self._phys_ids[k] for _, k in self._adj[self.index_of(node)]]

    def link_between(self, a: str, b: str) -> str | None:
        """One physical link joining ``a`` and ``b``, or None."""
        j = self.index_of(b)
        for other, k in self._adj[self.index_of(a)]:
            if other == j:
                return self._phys_ids[k]
        return None

    def degree(self, node: str) -> int:
        """Number of physical links at ``node``."""
        return len(self._adj[self.index_of(node)])

    def attribute(self, node: str, column: str) -> object:
        """One attribute of an element (``None`` when absent or empty)."""
        if column not in self.nodes.columns:
            return None
        value = self.nodes.at[node, column]
        return None if _is_missing(value) else value

    @cached_property
    def sites(self) -> dict[str, list[str]]:
        """Site id -> the elements at that site (elements without a site are left out)."""
        out: dict[str, list[str]] = {}
        if "site" in self.nodes.columns:
            for node, site in zip(self._ids, self.nodes["site"].tolist()):
                if not _is_missing(site):
                    out.setdefault(str(site), []).append(node)
        return out

    def site_of(self, node: str) -> str | None:
        """The site of an element, or None."""
        self.index_of(node)   # unknown elements are an error, as before
        return self._site_by_node.get(node)

    def inside_site(self, link: str) -> bool:
        """Whether both ends of a link are elements of the same site (a patch cord or a run in one building)."""
        a, b = self.link_endpoints(link)
        site = self.site_of(a)
        return site is not None and site == self.site_of(b)

    def bearing(self, a: str, b: str) -> float | None:
        """The compass bearing from element ``a`` to element ``b``, in degrees.

        0 is north, 90 east. None where either lacks coordinates or the two
        stand at the same place (within about 100 m), where no direction is
        meaningful.

        Examples
        --------
        >>> import pandas as pd
        >>> topo = Topology.from_frames(pd.DataFrame({"node_id": ["A", "B"], "lat": [50.0, 51.0], "lon": [4.0, 4.0]}),
        ...                             pd.DataFrame({"source": ["A"], "target": ["B"]}))
        >>> topo.bearing("A", "B"), topo.bearing("B", "A")
        (0.0, 180.0)
        """
        lat, lon = self._coordinates
        i, j = self.index_of(a), self.index_of(b)
        north = lat[j] - lat[i]
        east = (lon[j] - lon[i]) * np.cos(np.radians((lat[i] + lat[j]) / 2))
        if not np.isfinite(north + east) or np.hypot(north, east) < 1e-3:
            return None
        return float(np.degrees(np.arctan2(east, north)) % 360.0)

    @cached_property
    def _coordinates(self) -> tuple[np.ndarray, np.ndarray]:
        """Latitude and longitude per element index (NaN where unknown)."""
        cols = [pd.to_numeric(self.nodes[c], errors="coerce").to_numpy(dtype=float) if c in self.nodes
                else np.full(len(self.nodes), np.nan) for c in ("lat", "lon")]
        return cols[0], cols[1]

    @cached_property
    def _site_by_node(self) -> dict[str, str]:
        return {node: site for site, members in self.sites.items() for node in members}

    @cached_property
    def layer_rank(self) -> dict[str, int]:
        """Element -> layer rank (0 = innermost; unknown layers after known ones)."""
        return dict(zip(self._ids, self._layer_ranks().tolist()))

    def _layer_ranks(self) -> np.ndarray:
        if "layer" not in self.nodes.columns:
            return np.zeros(len(self._ids), dtype=np.int64)
        names = [("" if _is_missing(v) else str(v)) for v in self.nodes["layer"].tolist()]
        known = {name: i for i, name in enumerate(LAYER_ORDER)}
        numeric = all(n.lstrip("-").isdigit() for n in names if n)
        if numeric:
            return np.asarray([int(n) if n else 10**6 for n in names], dtype=np.int64)
        unknown = sorted({n.lower() for n in names if n and n.lower() not in known})
        extra = {n: len(LAYER_ORDER) + i for i, n in enumerate(unknown)}
        return np.asarray(
            [known.get(n.lower(), extra.get(n.lower(), 10**6)) if n else 10**6 for n in names],
            dtype=np.int64,
        )

    @property
    def gateways(self) -> list[str]:
        """Elements through which the NMS reaches the network."""
        mask = self.nodes["gateway"].to_numpy(dtype=bool)
        return [n for n, g in zip(self._ids, mask) if g]

    def _infer_gateways(self) -> None:
        if self.nodes["gateway"].any():
            return
        ranks = self._layer_ranks()
        if "layer" in self.nodes.columns and (ranks < 10**6).any():
            inner = ranks.min()
            mask = ranks == inner
            how = f"the innermost layer ({int(mask.sum())} elements)"
        else:
            # no layers: the best-connected element of each connected component
            mask = np.zeros(len(self._ids), dtype=bool)
            degree = np.asarray([len(a) for a in self._adj])
            for comp in nx.connected_components(self._simple_graph):
                members = [self._pos[c] for c in comp]
                mask[max(members, key=lambda i: (degree[i], -i))] = True
            how = f"the best-connected element of each of {int(mask.sum())} connected component(s)"
        nodes = self.nodes.copy()
        nodes["gateway"] = mask
        self.nodes = nodes
        self.report.add(
            "gateways_inferred",
            f"no element is marked gateway; the NMS is assumed to reach the network through {how}",
            count=int(mask.sum()), action="repaired", logger=logger, level=logging.INFO,
        )

    # ---------------------------------------------------------------- graphs
    @cached_property
    def graph(self) -> nx.MultiGraph:
        """Physical links as an undirected networkx multigraph (edge key = link_id)."""
        g = nx.MultiGraph()
        g.add_nodes_from(self._ids)
        for lid, a, b in zip(self._phys_ids, self._src.tolist(), self._dst.tolist()):
            g.add_edge(self._ids[a], self._ids[b], key=lid, link_id=lid)
        return g

    @cached_property
    def _simple_graph(self) -> nx.Graph:
        g = nx.Graph()
        g.add_nodes_from(self._ids)
        g.add_edges_from((self._ids[a], self._ids[b]) for a, b in zip(self._src.tolist(), self._dst.tolist()))
        return g

    @cached_property
    def dependencies(self) -> nx.DiGraph:
        """Directed dependency edges: an edge ``u -> v`` means u depends on v."""
        g = nx.DiGraph()
        g.add_nodes_from(self._ids)
        for lid, row in self._dep_edges.iterrows():
            g.add_edge(str(row["source"]), str(row["target"]), link_id=str(lid))
        return g

    def dependents(self, nodes: Iterable[str]) -> set[str]:
        """Elements that depend, directly or transitively, on any of ``nodes``."""
        if len(self._dep_edges) == 0:
            return set()
        dep = self.dependencies
        out: set[str] = set()
        for n in nodes:
            if n in dep:
                out |= nx.ancestors(dep, n)
        return out - set(nodes)

    def shortest_path(self, a: str, b: str) -> list[str] | None:
        """A shortest physical path from ``a`` to ``b`` (element ids), or None."""
        self.index_of(a), self.index_of(b)
        try:
            return nx.shortest_path(self._simple_graph, a, b)
        except nx.NetworkXNoPath:
            return None

    def hops_from(self, node: str, max_hops: int | None = None) -> dict[str, int]:
        """Hop distance from ``node`` to every element within ``max_hops``."""
        return {self._ids[i]: d for i, d in self._bfs(self.index_of(node), max_hops).items()}

    def _bfs(self, start: int, max_hops: int | None = None) -> dict[int, int]:
        dist = {start: 0}
        queue = deque([start])
        while queue:
            v = queue.popleft()
            d = dist[v]
            if max_hops is not None and d >= max_hops:
                continue
            for w, _ in self._adj[v]:
                if w not in dist:
                    dist[w] = d + 1
                    queue.append(w)
        return dist

    def path_tree(self, start: str, targets: Iterable[str], max_hops: int | None = None) -> dict[str, list[str]]:
        """Shortest paths from ``start`` to each reachable target, in one search."""
        s = self.index_of(start)
        want = {self._pos[t] for t in targets if t in self._pos}
        parent = {s: -1}
        queue = deque([s])
        dist = {s: 0}
        while queue and not want.issubset(parent):
            v = queue.popleft()
            if max_hops is not None and dist[v] >= max_hops:
                continue
            for w, _ in self._adj[v]:
                if w not in parent:
                    parent[w] = v
                    dist[w] = dist[v] + 1
                    queue.append(w)
        out = {}
        for t in want:
            if t in parent:
                path = [t]
                while parent[path[-1]] != -1:
                    path.append(parent[path[-1]])
                out[self._ids[t]] = [self._ids[i] for i in reversed(path)]
        return out

    # ---------------------------------------------------------- reachability
    @cached_property
    def reachability(self) -> Reachability:
        """The dominator-tree index behind :meth:`lost_if_fails`."""
        gw = np.flatnonzero(self.nodes["gateway"].to_numpy(dtype=bool))
        return Reachability(len(self._ids), self._src, self._dst, gw)

    @cached_property
    def _gateway_tree(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Breadth-first tree from the gateways: parent link, Euler order, in/out times."""
        n = len(self._ids)
        parent = np.full(n, -1, dtype=np.int64)
        plink = np.full(n, -1, dtype=np.int64)
        seen = np.zeros(n, dtype=bool)
        queue = deque(np.flatnonzero(self.nodes["gateway"].to_numpy(dtype=bool)).tolist())
        seen[list(queue)] = True
        children: list[list[int]] = [[] for _ in range(n)]
        while queue:
            v = queue.popleft()
            for w, k in self._adj[v]:
                if not seen[w]:
                    seen[w] = True
                    parent[w], plink[w] = v, k
                    children[v].append(w)
                    queue.append(w)
        roots = [v for v in range(n) if parent[v] == -1]
        order, tin, tout = euler_tour(children, roots, n)
        return plink, order, tin, tout

    def downstream_of(self, entity: str, kind: str = "node") -> list[str]:
        """Elements whose (shortest) path to the gateways runs through a node or link.

        This is the traffic view: those elements' services see congestion or
        overload at ``entity``, whether or not redundancy keeps them reachable.
        The node itself (or, for a link, its far endpoint) is included.
        """
        plink, order, tin, tout = self._gateway_tree
        if kind == "node":
            v = self.index_of(entity)
        else:
            k = self.link_index(entity)
            a, b = int(self._src[k]), int(self._dst[k])
            if plink[b] == k:
                v = b
            elif plink[a] == k:
                v = a
            else:
                return []
        return [self._ids[i] for i in order[tin[v] : tout[v]]]

    def lost_if_fails(self, entity: str, kind: str = "auto") -> list[str]:
        """Elements the NMS can no longer reach if one element, link or site fails.

        Parameters
        ----------
        entity : str
            A node id, link id or site id.
        kind : {"auto", "node", "link", "site"}
            What ``entity`` is; ``"auto"`` tries node, then link, then site.

        Returns
        -------
        list of str
            The failed element(s) themselves and everything cut off with them.
        """
        kind = self.kind_of(entity) if kind == "auto" else kind
        r = self.reachability
        if kind == "node":
            idx = r.lost_if_node_fails(self.index_of(entity))
        elif kind == "link":
            idx = r.lost_if_link_fails(self.link_index(entity))
        elif kind == "site":
            if entity not in self.sites:
                raise UnknownEntityError("no such site in the topology", node=entity)
            idx = r.lost_if(failed_nodes=[self._pos[n] for n in self.sites[entity]])
        else:
            raise ValueError(f"kind must be node, link, site or auto; got {kind!r}")
        return [self._ids[i] for i in idx]

    def unreachable_if(self, failed_nodes: Iterable[str] = (), failed_links: Iterable[str] = ()) -> list[str]:
        """Elements unreachable from the gateways after several failures at once."""
        idx = self.reachability.lost_if(
            [self.index_of(n) for n in failed_nodes], [self.link_index(l) for l in failed_links]
        )
        return [self._ids[i] for i in idx]

    def kind_of(self, entity: str) -> str:
        """Whether an id names a ``"node"``, a ``"link"`` or a ``"site"``."""
        if entity in self._pos:
            return "node"
        if entity in self._phys_pos or entity in self.links.index:
            return "link"
        if entity in self.sites:
            return "site"
        raise UnknownEntityError("not an element, link or site of the topology", node=entity)


# ------------------------------------------------------------------ GraphML
def _graphml_outline(path: Path) -> tuple[set[str], list[tuple[int, str, str, str]]]:
    """The declared node ids, and ``(line, source, target, id)`` of each edge, in file order.

    A second, streaming read with expat (as networkx's reader, so with the
    same refusal of external entities), for what networkx does not keep:
    which nodes were declared and the line of each edge.
    """
    from xml.parsers import expat

    declared: set[str] = set()
    edges: list[tuple[int, str, str, str]] = []
    parser = expat.ParserCreate(namespace_separator="|")

    def start(name: str, attrs: dict[str, str]) -> None:
        local = name.rsplit("|", 1)[-1]
        if local == "node" and "id" in attrs:
            declared.add(attrs["id"])
        elif local == "edge":
            edges.append((parser.CurrentLineNumber, attrs.get("source", ""), attrs.get("target", ""),
                          attrs.get("id", "")))

    parser.StartElementHandler = start
    with path.open("rb") as handle:
        parser.ParseFile(handle)
    return declared, edges


# ------------------------------------------------------------------ cleaning
def _id_key(index: pd.Index) -> pd.Index:
    """Ids compared as text (a frame built by hand may hold numbers)."""
    return index.map(str)


def _is_missing(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and np.isnan(value):
        return True
    if value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, str) and value.strip() == ""


def _where(frame: pd.DataFrame, pos: int, file: str | None) -> dict:
    if LINE in frame.columns:
        line = frame[LINE].iloc[pos]
        return {"file": file, "line": None if pd.isna(line) else int(line)}
    return {"file": file, "line": None}


def _lines(frame: pd.DataFrame, mask: np.ndarray) -> list[int]:
    """Line numbers of the masked rows (rows without a line, as from a graph, have none)."""
    if LINE in frame.columns:
        return [int(x) for x in frame.loc[mask, LINE].tolist() if not pd.isna(x)]
    return [int(i) + 2 for i in np.flatnonzero(mask)]


def _to_bool(series: pd.Series, column: str, file: str | None, frame: pd.DataFrame, report: ValidationReport) -> np.ndarray:
    values = series.tolist()
    out = np.zeros(len(values), dtype=bool)
    bad = np.zeros(len(values), dtype=bool)
    for i, v in enumerate(values):
        if isinstance(v, (bool, np.bool_)):
            out[i] = bool(v)
            continue
        if _is_missing(v):
            continue
        text = str(v).strip().lower()
        if text in _TRUE:
            out[i] = True
        elif text not in _FALSE:
            bad[i] = True
    if bad.any():
        report.add(
            "bad_boolean",
            f"column {column!r} holds values that are not true/false (e.g. {values[int(np.flatnonzero(bad)[0])]!r}); read as false",
            file=file, lines=_lines(frame, bad), count=int(bad.sum()), action="repaired", logger=logger,
        )
    return out


def _to_float(frame: pd.DataFrame, column: str, file: str | None, report: ValidationReport,
              low: float = -np.inf, high: float = np.inf) -> pd.Series:
    """A numeric column; text, non-finite values and values outside [low, high] are left empty and reported."""
    raw = frame[column]
    values = pd.to_numeric(raw.map(lambda v: None if _is_missing(v) else v), errors="coerce").astype("float64")
    given = ~raw.map(_is_missing).to_numpy(dtype=bool)
    bad = values.isna().to_numpy() & given
    if bad.any():
        report.add(
            "bad_number",
            f"column {column!r} holds values that are not numbers (e.g. {raw[bad].iloc[0]!r}); left empty",
            file=file, lines=_lines(frame, bad), count=int(bad.sum()), action="repaired", logger=logger,
        )
    arr = values.to_numpy()
    with np.errstate(invalid="ignore"):
        outside = given & ~bad & (~np.isfinite(arr) | (arr < low) | (arr > high))
    if outside.any():
        bounds = "a finite number" if np.isinf(low) and np.isinf(high) else f"a number in [{low:g}, {high:g}]"
        report.add(
            "bad_number",
            f"column {column!r} holds values that are not {bounds} (e.g. {str(raw[outside].iloc[0])!r}); left empty",
            file=file, lines=_lines(frame, outside), count=int(outside.sum()), action="repaired", logger=logger,
        )
        values = values.mask(pd.Series(outside, index=values.index))
    return values


def _clean_nodes(nodes: pd.DataFrame, file: str | None, report: ValidationReport) -> pd.DataFrame:
    if not isinstance(nodes, pd.DataFrame):
        raise TypeError(f"nodes must be a pandas DataFrame, got {type(nodes).__name__}")
    if "node_id" not in nodes.columns:
        raise SchemaError(f"missing required column 'node_id'; columns are {list(nodes.columns)}", file=file, line=1 if file else None, column="node_id")
    if len(nodes) == 0:
        raise TopologyError("no elements: the nodes table is empty", file=file)
    nodes = nodes.reset_index(drop=True).copy()
    ids = nodes["node_id"].map(lambda v: "" if _is_missing(v) else str(v).strip())
    empty = (ids == "").to_numpy()
    if empty.any():
        pos = int(np.flatnonzero(empty)[0])
        raise TopologyError("empty node_id", column="node_id", **_where(nodes, pos, file))
    dup = ids.duplicated(keep=False).to_numpy()
    if dup.any():
        first = ids[dup].iloc[0]
        rows = _lines(nodes, (ids == first).to_numpy())
        raise TopologyError(
            f"duplicate node_id {first!r} (lines {', '.join(map(str, rows))}); "
            f"{int(ids.duplicated().sum())} duplicate id(s) in all",
            file=file, line=rows[1] if len(rows) > 1 else None, column="node_id", node=first,
        )
    nodes["node_id"] = ids
    for col in ("node_type", "site", "layer"):
        if col in nodes.columns:
            nodes[col] = nodes[col].map(lambda v: None if _is_missing(v) else str(v).strip()).astype(object)
        else:
            nodes[col] = None
    for col in ("lat", "lon"):
        limit = 90.0 if col == "lat" else 180.0
        nodes[col] = _to_float(nodes, col, file, report, -limit, limit) if col in nodes.columns else np.nan
    if "gateway" in nodes.columns:
        nodes["gateway"] = _to_bool(nodes["gateway"], "gateway", file, nodes, report)
    else:
        nodes["gateway"] = False
    ordered = [c for c in NODE_COLUMNS if c != "node_id"]
    extras = [c for c in nodes.columns if c not in NODE_COLUMNS]
    return nodes.set_index("node_id")[ordered + extras]


def _clean_links(
    links: pd.DataFrame, nodes: pd.DataFrame, file: str | None, report: ValidationReport
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Validate the links; returns them with the nodes (plus inferred elements)."""
    if not isinstance(links, pd.DataFrame):
        raise TypeError(f"links must be a pandas DataFrame, got {type(links).__name__}")
    for col in ("source", "target"):
        if col not in links.columns:
            raise SchemaError(f"missing required column {col!r}; columns are {list(links.columns)}", file=file, line=1 if file else None, column=col)
    links = links.reset_index(drop=True).copy()
    for col in ("source", "target"):
        links[col] = links[col].map(lambda v: "" if _is_missing(v) else str(v).strip()).astype(object)
    blank = ((links["source"] == "") | (links["target"] == "")).to_numpy()
    if blank.any():
        pos = int(np.flatnonzero(blank)[0])
        col = "source" if links["source"].iloc[pos] == "" else "target"
        raise TopologyError(f"link without a {col}", column=col, **_where(links, pos, file))
    directed = _to_bool(links["directed"], "directed", file, links, report) if "directed" in links.columns else np.zeros(len(links), bool)
    links["directed"] = directed
    if "link_id" in links.columns:
        given = links["link_id"].map(lambda v: "" if _is_missing(v) else str(v).strip())
    else:
        given = pd.Series([""] * len(links), dtype=object)
    default = [link_id_for(s, t) for s, t in zip(links["source"], links["target"])]
    ids = [g if g else d for g, d in zip(given.tolist(), default)]
    links["link_id"] = ids
    ids_s = pd.Series(ids)
    dup = ids_s.duplicated(keep=False).to_numpy()
    if dup.any():
        first = ids_s[dup].iloc[0]
        rows = _lines(links, (ids_s == first).to_numpy())
        hint = "" if (given != "").all() else " (links without link_id get SOURCE--TARGET; give parallel links their own link_id)"
        raise TopologyError(
            f"duplicate link_id {first!r} (lines {', '.join(map(str, rows))}){hint}",
            file=file, line=rows[1] if len(rows) > 1 else None, column="link_id", node=first,
        )
    clash = ids_s.isin(set(nodes.index)).to_numpy()
    if clash.any():
        pos = int(np.flatnonzero(clash)[0])
        raise TopologyError(f"link_id {ids[pos]!r} is also a node_id; ids must name one thing", column="link_id", **_where(links, pos, file))
    # links that name elements missing from the nodes table: the inventory is
    # incomplete, so the element is added (marked inferred) rather than the
    # link dropped, which would hide a path.
    known = set(nodes.index)
    unknown_mask = ~(links["source"].isin(known) & links["target"].isin(known)).to_numpy()
    if unknown_mask.any():
        missing = sorted((set(links.loc[unknown_mask, "source"]) | set(links.loc[unknown_mask, "target"])) - known)
        report.add(
            "unknown_node_in_link",
            f"links name {len(missing)} element(s) missing from the nodes table "
            f"({', '.join(missing[:5])}{'...' if len(missing) > 5 else ''}); added as inferred elements",
            file=file, lines=_lines(links, unknown_mask), count=int(unknown_mask.sum()), action="repaired", logger=logger,
        )
        extra = pd.DataFrame(index=pd.Index(missing, name="node_id"), columns=nodes.columns)
        extra["gateway"] = False
        if "inferred" not in nodes.columns:
            nodes["inferred"] = False
        extra["inferred"] = True
        nodes = pd.concat([nodes, extra])
    loops = (links["source"] == links["target"]).to_numpy()
    if loops.any():
        report.add(
            "self_loop",
            "links from an element to itself carry no connectivity; dropped",
            file=file, lines=_lines(links, loops), count=int(loops.sum()), action="dropped", logger=logger,
        )
        links = links[~loops]
    for col in ("link_type",):
        links[col] = links[col].map(lambda v: None if _is_missing(v) else str(v)).astype(object) if col in links.columns else None
    links["capacity_mbps"] = (_to_float(links, "capacity_mbps", file, report, 0.0)
                              if "capacity_mbps" in links.columns else np.nan)
    ordered = [c for c in LINK_COLUMNS if c != "link_id"]
    extras = [c for c in links.columns if c not in LINK_COLUMNS]
    return links.set_index("link_id")[ordered + extras], nodes
