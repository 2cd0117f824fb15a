"""Write tiny, self-consistent data sets in the GNNet challenge 2021 layout."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import networkx as nx
import numpy as np

PKT = 1000.0


def _gml(graph: nx.DiGraph, queue: int = 32) -> str:
    out = ["graph [", "  directed 1", "  multigraph 1"]
    for n in graph.nodes:
        out += [
            "  node [",
            f"    id {n}",
            f'    label "{n}"',
            f'    queueSizes "{queue}"',
            '    schedulingPolicy "FIFO"',
            "    levelsQoS 1",
            "  ]",
        ]
    for port, (s, t, d) in enumerate(graph.edges(data=True)):
        out += [
            "  edge [",
            f"    source {s}",
            f"    target {t}",
            "    key 0",
            f"    port {port}",
            "    weight 1",
            f"    bandwidth {d['bandwidth']:.1f}",
            "  ]",
        ]
    out.append("]")
    return "\n".join(out) + "\n"


def tiny_network(
    n: int = 7, hot: tuple[int, int] | None = None, *, seed: int = 0, load: float = 0.3
) -> tuple[nx.DiGraph, dict, dict]:
    """A bidirectional ring with chords, shortest-path routing, random traffic.

    With ``hot=(a, b)``, the flow from a to b is large enough to overload the
    direct link a->b (offered load 1.3).
    """
    rng = np.random.default_rng(seed)
    g = nx.DiGraph()
    g.add_nodes_from(range(n))
    for i in range(n):
        for j in ((i + 1) % n, (i + 2) % n):
            bw = float(rng.choice([10000.0, 25000.0, 40000.0]))
            g.add_edge(i, j, bandwidth=bw)
            g.add_edge(j, i, bandwidth=bw)
    routes = {
        (s, t): tuple(nx.shortest_path(g, s, t)) for s in range(n) for t in range(n) if s != t
    }
    traffic = {k: float(rng.uniform(0.2, 1.0)) * load * 10000.0 / n for k in routes}
    if hot is not None:
        traffic[hot] = 1.3 * g.edges[hot]["bandwidth"]
    return g, routes, traffic


def _labels(g, routes, traffic):
    load = {e: 0.0 for e in g.edges}
    for k, path in routes.items():
        for e in zip(path[:-1], path[1:]):
            load[e] += traffic[k]
    rho = {e: load[e] / g.edges[e]["bandwidth"] for e in g.edges}
    soj = {e: 1.0 / (1.0 - min(r, 0.97)) for e, r in rho.items()}
    delay = {
        k: sum(soj[e] * PKT / g.edges[e]["bandwidth"] for e in zip(p[:-1], p[1:]))
        for k, p in routes.items()
    }
    return rho, soj, delay


def write_tiny_gnnet(folder: Path, n_samples: int = 3, *, n: int = 7, seed: int = 0) -> Path:
    """Write ``folder/graphs``, ``folder/routings`` and ``folder/results_tiny.tar.gz``."""
    (folder / "graphs").mkdir(parents=True, exist_ok=True)
    (folder / "routings").mkdir(exist_ok=True)
    inputs, traffic_lines, result_lines, usage_lines = [], [], [], []
    for k in range(n_samples):
        g, routes, traffic = tiny_network(n, seed=seed + k, load=0.3 + 0.15 * k)
        gname, rname = f"graph-{k}.txt", f"routing-{k}.txt"
        (folder / "graphs" / gname).write_text(_gml(g))
        (folder / "routings" / rname).write_text(
            "\n".join(";".join(map(str, p)) for p in routes.values()) + "\n"
        )
        rho, soj, delay = _labels(g, routes, traffic)
        tb, rb, ub = [], [], []
        for i in range(n):
            for j in range(n):
                if i == j:
                    tb.append("-1,0,-1,0,0")
                    rb.append("0,0,0,-1,-1,-1,-1,-1,-1,-1,-1")
                else:
                    t = traffic[(i, j)]
                    tb.append(f"0,{t:.6f},{t / PKT:.6f},10,2,1000,300,1700,0")
                    d = delay[(i, j)]
                    rb.append(
                        f"{t / 1000:.6f},{t / PKT:.6f},0,{d:.6f},{np.log(d):.6f},"
                        f"{d:.6f},{d:.6f},{d:.6f},{d:.6f},{d:.6f},{d * d / 10:.6f}"
                    )
                if g.has_edge(i, j):
                    r = rho[(i, j)]
                    u, lost = min(r, 0.999), max(0.0, 1 - 1 / r) if r > 1 else 0.0
                    occ = u * soj[(i, j)]
                    ub.append(
                        f"{u:.6f},{lost:.6f},1000,{u:.6f},{lost:.6f},{occ:.6f},{min(32, 3 * occ + 1):.1f},1000"
                    )
                else:
                    ub.append("-1")
        inputs.append(f"{k};{gname};{rname}")
        traffic_lines.append(f"{max(traffic.values()):.3f}|" + ";".join(tb))
        result_lines.append("1,0,0.1|" + ";".join(rb))
        usage_lines.append(";".join(ub))
    files = {
        "input_files.txt": inputs,
        "traffic.txt": traffic_lines,
        "simulationResults.txt": result_lines,
        "linkUsage.txt": usage_lines,
    }
    write_tarball(
        folder / "results_tiny.tar.gz", {k: "\n".join(v) + "\n" for k, v in files.items()}
    )
    return folder


def write_tarball(path: Path, files: dict[str, str], prefix: str = "results_tiny/") -> None:
    """A gzipped tarball holding ``files`` (name -> text) under ``prefix``."""
    with tarfile.open(path, "w:gz") as tar:
        for name, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(prefix + name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
