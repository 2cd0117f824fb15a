"""Backbone graphs: a region of a Topology Zoo network, or a synthetic one.

The backbone is only the list of points of presence (PoPs, one per city)
and the inter-city fibre routes between them. Routers, metro rings and
access are hung below it by :mod:`fieldsim.network`.
"""

from __future__ import annotations

import os
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import networkx as nx
import numpy as np

__all__ = ["Backbone", "zoo_dir", "load_backbone"]


@dataclass
class Backbone:
    """Points of presence and the routes between them.

    Attributes
    ----------
    name : str
        ``"zoo:<Network>"`` or ``"synthetic"``.
    cities : list of str
        Human city name of each PoP (may contain non-ASCII letters).
    lat, lon : list of float
        Coordinates of each PoP in degrees.
    edges : list of tuple of (int, int, int)
        ``(i, j, multiplicity)`` with ``i < j``; multiplicity > 1 means
        parallel systems on the same route.
    """

    name: str
    cities: list[str]
    lat: list[float]
    lon: list[float]
    edges: list[tuple[int, int, int]]


def zoo_dir() -> Path | None:
    """Locate the Topology Zoo folder, or ``None`` when it is absent.

    Looks in ``$NETRCA_SHARED_DATASETS/topology-zoo`` first, then in
    ``<repo>/../shared/datasets/topology-zoo``.
    """
    candidates = []
    env = os.environ.get("NETRCA_SHARED_DATASETS")
    if env:
        candidates.append(Path(env) / "topology-zoo")
    repo = Path(__file__).resolve().parents[2]
    candidates.append(repo.parent / "shared" / "datasets" / "topology-zoo")
    for cand in candidates:
        if cand.is_dir() and any(cand.glob("*.graphml")):
            return cand
    return None


@lru_cache(maxsize=64)
def _read_zoo(path: str) -> tuple[tuple, tuple] | None:
    """Read one GraphML file into plain tuples (internal PoPs only)."""
    try:
        g = nx.read_graphml(path)
    except Exception:  # a broken file is simply not used
        return None
    keep = [n for n, d in g.nodes(data=True) if int(d.get("Internal", 1) or 0) != 0]
    nodes = []
    for n in keep:
        d = g.nodes[n]
        lab = str(d.get("label") or "").strip()
        lat = d.get("Latitude")
        lon = d.get("Longitude")
        nodes.append(
            (n, lab, None if lat is None else float(lat), None if lon is None else float(lon))
        )
    idx = {n: i for i, (n, *_rest) in enumerate(nodes)}
    mult: dict[tuple[int, int], int] = {}
    for u, v in g.edges():
        if u == v or u not in idx or v not in idx:
            continue
        a, b = sorted((idx[u], idx[v]))
        mult[(a, b)] = mult.get((a, b), 0) + 1
    edges = tuple(sorted((a, b, m) for (a, b), m in mult.items()))
    return tuple(nodes), edges


def _grow_region(n_all: int, edges, want: int, rng: np.random.Generator) -> list[int]:
    """Pick a connected set of ``want`` nodes by random frontier growth."""
    adj: dict[int, list[int]] = {i: [] for i in range(n_all)}
    for a, b, _m in edges:
        adj[a].append(b)
        adj[b].append(a)
    g = nx.Graph()
    g.add_nodes_from(range(n_all))
    g.add_edges_from((a, b) for a, b, _m in edges)
    comp = max(nx.connected_components(g), key=len)
    comp_list = sorted(comp)
    if len(comp_list) <= want:
        return comp_list
    start = comp_list[int(rng.integers(len(comp_list)))]
    chosen = [start]
    seen = {start}
    frontier = sorted(adj[start])
    while len(chosen) < want and frontier:
        nxt = frontier.pop(int(rng.integers(len(frontier))))
        if nxt in seen:
            continue
        seen.add(nxt)
        chosen.append(nxt)
        frontier.extend(x for x in sorted(adj[nxt]) if x not in seen)
    return sorted(chosen)


def _fill_coords(lat: list, lon: list, edges, rng: np.random.Generator) -> None:
    """Give PoPs without coordinates a place near their neighbours."""
    n = len(lat)
    if all(x is None for x in lat):
        base_lat, base_lon = float(rng.uniform(35, 58)), float(rng.uniform(-10, 30))
        g = nx.Graph()
        g.add_nodes_from(range(n))
        g.add_edges_from((a, b) for a, b, _m in edges)
        pos = nx.spring_layout(g, seed=int(rng.integers(2**31 - 1)))
        for i in range(n):
            lat[i] = base_lat + 3.0 * float(pos[i][0])
            lon[i] = base_lon + 4.0 * float(pos[i][1])
        return
    adj: dict[int, list[int]] = {i: [] for i in range(n)}
    for a, b, _m in edges:
        adj[a].append(b)
        adj[b].append(a)
    known = [i for i in range(n) if lat[i] is not None]
    mlat = float(np.mean([lat[i] for i in known]))
    mlon = float(np.mean([lon[i] for i in known]))
    for _ in range(n):
        missing = [i for i in range(n) if lat[i] is None]
        if not missing:
            return
        for i in missing:
            nb = [j for j in adj[i] if lat[j] is not None]
            if nb:
                lat[i] = float(np.mean([lat[j] for j in nb])) + float(rng.normal(0, 0.15))
                lon[i] = float(np.mean([lon[j] for j in nb])) + float(rng.normal(0, 0.15))
    for i in range(n):
        if lat[i] is None:
            lat[i] = mlat + float(rng.normal(0, 0.5))
            lon[i] = mlon + float(rng.normal(0, 0.5))


def _synthetic(n: int, rng: np.random.Generator) -> Backbone:
    """A planar-ish random backbone: a spanning tree plus nearby chords."""
    lat0, lon0 = float(rng.uniform(35, 58)), float(rng.uniform(-8, 28))
    span = 1.0 + 0.25 * np.sqrt(n)
    lat = lat0 + rng.uniform(-span, span, n) * 0.6
    lon = lon0 + rng.uniform(-span, span, n)
    pts = np.c_[lat, lon * np.cos(np.radians(lat0))]
    d = np.sqrt(((pts[:, None, :] - pts[None, :, :]) ** 2).sum(-1))
    g = nx.Graph()
    for i in range(n):
        for j in range(i + 1, n):
            g.add_edge(i, j, weight=float(d[i, j]))
    tree = nx.minimum_spanning_tree(g)
    edges = {tuple(sorted(e)) for e in tree.edges()}
    extra = int(round(n * rng.uniform(0.3, 0.7)))
    order = np.argsort(d, axis=None)
    for flat in order:
        if extra <= 0:
            break
        i, j = divmod(int(flat), n)
        if i >= j or (i, j) in edges:
            continue
        if rng.random() < 0.5:
            edges.add((i, j))
            extra -= 1
    letters = "BCDFGHKLMNPRSTVZ"
    vowels = "AEIOU"
    cities = []
    for _ in range(n):
        w = (
            letters[int(rng.integers(len(letters)))]
            + vowels[int(rng.integers(5))]
            + letters[int(rng.integers(len(letters)))].lower()
            + vowels[int(rng.integers(5))].lower()
            + ["", "n", "burg", "ville", "ice"][int(rng.integers(5))]
        )
        cities.append(w.capitalize())
    e = sorted((a, b, 2 if rng.random() < 0.08 else 1) for a, b in edges)
    return Backbone("synthetic", cities, [float(x) for x in lat], [float(x) for x in lon], e)


def load_backbone(n_pops: int, rng: np.random.Generator, folder: Path | None) -> Backbone:
    """Return a backbone of about ``n_pops`` PoPs.

    Parameters
    ----------
    n_pops : int
        Wanted number of PoPs; a smaller Zoo network may give fewer (>= 3).
    rng : numpy.random.Generator
        Source of randomness.
    folder : Path or None
        Topology Zoo folder; ``None`` gives a synthetic backbone.
    """
    if folder is not None:
        files = sorted(p.name for p in folder.glob("*.graphml"))
        for k in rng.permutation(len(files))[:60]:
            got = _read_zoo(str(folder / files[int(k)]))
            if got is None:
                continue
            nodes, edges = got
            if len(nodes) < max(3, int(0.8 * n_pops)) or not edges:
                continue
            sel = _grow_region(len(nodes), edges, n_pops, rng)
            if len(sel) < 3:
                continue
            pos = {old: new for new, old in enumerate(sel)}
            sub = [(pos[a], pos[b], min(m, 2)) for a, b, m in edges if a in pos and b in pos]
            lat = [nodes[i][2] for i in sel]
            lon = [nodes[i][3] for i in sel]
            _fill_coords(lat, lon, sub, rng)
            cities = [nodes[i][1] or f"Pop{j}" for j, i in enumerate(sel)]
            return Backbone("zoo:" + files[int(k)][: -len(".graphml")], cities, lat, lon, sub)
    return _synthetic(max(3, n_pops), rng)


def city_code(city: str, taken: set[str]) -> str:
    """Three-letter uppercase site code for a city, unique within ``taken``."""
    ascii_ = unicodedata.normalize("NFKD", city).encode("ascii", "ignore").decode()
    letters = "".join(c for c in ascii_.upper() if "A" <= c <= "Z") or "POP"
    base = (letters[0] + "".join(c for c in letters[1:] if c not in "AEIOU"))[:3]
    base = (base + letters + "XXX")[:3]
    code = base
    k = 1
    while code in taken:
        code = f"{base[:2]}{k}" if k < 10 else f"{base[0]}{k}"
        k += 1
    taken.add(code)
    return code
