"""One-thread CPU inference latency of the congestion predictor and the failure GNN.

Workloads:

- Topology Zoo operator networks (``topology-zoo`` in the data home):
  links in both directions, capacities from ``LinkSpeedRaw`` where given
  (10 Gb/s otherwise), one flow per ordered node pair on a shortest path,
  traffic scaled so the busiest link is at 60% load;
- synthetic Barabasi-Albert networks of 10,000 and 100,000 elements, where
  elements = nodes + directed links (one node per five elements), with as
  many flows as nodes between random pairs.

Reported: the model's forward pass (median of repeats, ``torch.inference_mode``,
``torch.set_num_threads(1)``) given the routing's index tensors
(:meth:`rca.gnn.RouteNet.walk`), and separately the two steps a deployment
does once per topology or routing change: the conversion of the frames into
tensors (:func:`rca.gnn.congestion_data`) and the walk. ``forward_cold_ms``
is a forward pass that computes its walk itself.

The failure GNN (:class:`rca.gnn.FailureGNN`, shipped ``propagation.pt``)
is timed on the same Topology Zoo networks (as topologies: elements and
undirected links) and on Barabasi-Albert networks of 10,000 and 100,000
*elements* (network nodes; entities = elements + links + sites). Reported:
the forward pass of root localisation on an incident (one alarm on a random
element, so the observed block is not empty), and separately the conversion
(:func:`rca.gnn.failure_graph`: the per-topology index with its dominator
tree, built once per topology, then the per-incident features).

Usage::

    nice python benchmarks/gnn_speed.py [--zoo Abilene Geant2012 ...] [--repeats 20] [--skip-congestion | --skip-failure]
    # the congestion predictor on every Zoo network up to 200 nodes:
    nice python benchmarks/gnn_speed.py --zoo all --synthetic --skip-failure --repeats 7 --out benchmarks/results/gnn_speed_zoo_all.json

Writes ``benchmarks/results/gnn_speed.json``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import torch

from rca.datasets import get_data_home
from rca.datasets._gnnet import GnnetSample
from rca.gnn import CongestionPredictor, FailureGNN, congestion_data
from rca.topology import Topology

ZOO = get_data_home() / "topology-zoo"
DEFAULT_ZOO = ("Abilene", "Geant2012", "Uninett2011", "GtsCe", "Cogentco")


def _sample(
    graph: nx.Graph, pairs: list[tuple[int, int]], name: str, rng: np.random.Generator
) -> GnnetSample:
    g = nx.convert_node_labels_to_integers(graph)
    rows = []
    for u, v, d in g.edges(data=True):
        cap = float(d.get("LinkSpeedRaw") or 1e10)
        rows += [(f"{u}->{v}", u, v, cap, 32), (f"{v}->{u}", v, u, cap, 32)]
    links = pd.DataFrame(
        rows, columns=["link_id", "source", "target", "capacity_bps", "queue_size"]
    )
    links = links.drop_duplicates("link_id").set_index("link_id")
    paths = [tuple(nx.shortest_path(g, s, t)) for s, t in pairs]
    traffic = rng.uniform(0.2, 1.0, len(paths))
    cap = dict(zip(zip(links["source"], links["target"]), links["capacity_bps"]))
    load: dict = {}
    for p, t in zip(paths, traffic):
        for e in zip(p[:-1], p[1:]):
            load[e] = load.get(e, 0.0) + t
    scale = 0.6 / max(load[e] / cap[e] for e in load)
    frame = pd.DataFrame(
        {
            "source": [p[0] for p in paths],
            "target": [p[-1] for p in paths],
            "nodes": paths,
            "traffic_bps": traffic * scale,
            "avg_packet_size": 1000.0,
        }
    )
    return GnnetSample(name=name, graph=nx.DiGraph(), links=links, paths=frame)


def _zoo(name: str, rng: np.random.Generator) -> GnnetSample:
    g = nx.Graph(nx.read_graphml(ZOO / f"{name}.graphml"))
    g = g.subgraph(max(nx.connected_components(g), key=len)).copy()
    nodes = list(g.nodes)
    idx = {n: i for i, n in enumerate(nodes)}
    pairs = [(idx[a], idx[b]) for a in nodes for b in nodes if a != b]
    g = nx.relabel_nodes(g, idx)
    return _sample(g, pairs, name, rng)


def _all_zoo(max_nodes: int) -> list[str]:
    """Every Topology Zoo network whose largest connected part has at most ``max_nodes`` nodes, smallest first."""
    sizes = []
    for path in sorted(ZOO.glob("*.graphml")):
        try:
            g = nx.Graph(nx.read_graphml(path))
        except Exception:  # noqa: BLE001 - a file networkx cannot read is skipped, as Topology.read_graphml reports
            continue
        n = len(max(nx.connected_components(g), key=len)) if len(g) else 0
        if 2 <= n <= max_nodes:
            sizes.append((n, path.stem))
    return [name for _, name in sorted(sizes)]


def _synthetic(elements: int, rng: np.random.Generator) -> GnnetSample:
    n = elements // 5  # BA(m=2): ~2n undirected, ~4n directed links
    g = nx.barabasi_albert_graph(n, 2, seed=int(rng.integers(2**31)))
    src = rng.integers(0, n, n)
    dst = (src + rng.integers(1, n, n)) % n
    return _sample(g, list(zip(src.tolist(), dst.tolist())), f"synthetic-{elements}", rng)


def _time(model: CongestionPredictor, sample: GnnetSample, repeats: int) -> dict:
    t = time.perf_counter()
    data = congestion_data(sample)
    convert = time.perf_counter() - t
    net = model.model_
    times, cold, walks = [], [], []
    with torch.inference_mode():
        walk = net.walk(data)
        net(data, walk)  # warm-up
        for _ in range(repeats):
            t = time.perf_counter()
            net(data, walk)
            times.append(time.perf_counter() - t)
            t = time.perf_counter()
            net(data)
            cold.append(time.perf_counter() - t)
            t = time.perf_counter()
            net.walk(data)
            walks.append(time.perf_counter() - t)
    hops = int(data["path", "crosses", "link"].edge_index.shape[1])
    n_nodes = int(pd.concat([sample.links["source"], sample.links["target"]]).nunique())
    return {
        "network": sample.name,
        "nodes": n_nodes,
        "links": len(sample.links),
        "paths": len(sample.paths),
        "elements": n_nodes + len(sample.links),
        "hops": hops,
        "forward_ms_median": 1000 * statistics.median(times),
        "forward_ms_p90": 1000 * float(np.quantile(times, 0.9)),
        "forward_cold_ms": 1000 * statistics.median(cold),
        "walk_ms": 1000 * statistics.median(walks),
        "convert_ms": 1000 * convert,
    }


def _topology_of(graph: nx.Graph, name: str) -> Topology:
    g = nx.convert_node_labels_to_integers(nx.Graph(graph))
    ids = [f"n{i}" for i in g.nodes]
    hub = max(g.degree, key=lambda kv: kv[1])[0]
    nodes = pd.DataFrame({"node_id": ids, "gateway": [i == hub for i in g.nodes]})
    links = pd.DataFrame(
        {"source": [f"n{u}" for u, _ in g.edges], "target": [f"n{v}" for _, v in g.edges]}
    )
    return Topology.from_frames(nodes, links, source=name)


def _time_failure(
    model: FailureGNN, topo: Topology, name: str, repeats: int, rng: np.random.Generator
) -> dict:
    from rca.gnn import failure_graph

    who = topo.node_ids[int(rng.integers(topo.n_nodes))]
    alarms = pd.DataFrame({"time": [1.7e9], "device": [who], "alarm_type": ["NE_COMM_LOST"]})
    t = time.perf_counter()
    failure_graph(topo)  # the per-topology index (dominator tree), once per topology
    index_s = time.perf_counter() - t
    t = time.perf_counter()
    data = failure_graph(topo, alarms)
    convert = time.perf_counter() - t
    net = model.model_
    times = []
    with torch.inference_mode():
        net(data.x, data.edge_index, data.edge_kind)  # warm-up
        for _ in range(repeats):
            t = time.perf_counter()
            net(data.x, data.edge_index, data.edge_kind)
            times.append(time.perf_counter() - t)
    return {
        "model": "failure (propagation.pt)",
        "network": name,
        "nodes": topo.n_nodes,
        "links": topo.n_links,
        "elements": topo.n_nodes,
        "entities": int(data.num_nodes),
        "forward_ms_median": 1000 * statistics.median(times),
        "forward_ms_p90": 1000 * float(np.quantile(times, 0.9)),
        "convert_ms": 1000 * convert,
        "topology_index_ms": 1000 * index_s,
    }


def failure_rows(zoo: list[str], synthetic: list[int], repeats: int) -> list[dict]:
    """Forward-pass latency of the failure GNN (root localisation) on zoo and synthetic networks."""
    rng = np.random.default_rng(1)
    model = FailureGNN.pretrained()
    rows = []
    for name in zoo if ZOO.is_dir() else []:
        g = nx.Graph(nx.read_graphml(ZOO / f"{name}.graphml"))
        g = g.subgraph(max(nx.connected_components(g), key=len)).copy()
        rows.append(
            {
                "kind": "topology-zoo",
                **_time_failure(model, _topology_of(g, name), name, repeats, rng),
            }
        )
    for elements in synthetic:
        g = nx.barabasi_albert_graph(elements, 2, seed=int(rng.integers(2**31)))
        reps = max(3, repeats // (10 if elements >= 50_000 else 2))
        row = _time_failure(
            model, _topology_of(g, f"ba-{elements}"), f"synthetic-{elements}", reps, rng
        )
        rows.append({"kind": "synthetic", **row})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--zoo",
        nargs="*",
        default=list(DEFAULT_ZOO),
        help="Topology Zoo network names, or 'all' (every network up to --zoo-max-nodes nodes)",
    )
    parser.add_argument(
        "--zoo-max-nodes",
        type=int,
        default=200,
        help="with --zoo all: skip larger networks (Kdl, 754 nodes, has 568k all-pairs paths)",
    )
    parser.add_argument("--synthetic", nargs="*", type=int, default=[10_000, 100_000])
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--skip-congestion", action="store_true", help="time the failure GNN only")
    parser.add_argument(
        "--skip-failure", action="store_true", help="time the congestion predictor only"
    )
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).parent / "results" / "gnn_speed.json"
    )
    args = parser.parse_args()
    torch.set_num_threads(1)
    rng = np.random.default_rng(0)
    if args.zoo == ["all"]:
        args.zoo = _all_zoo(args.zoo_max_nodes)
    rows = []
    if not args.skip_congestion:
        model = CongestionPredictor.pretrained()
        for name in args.zoo if ZOO.is_dir() else []:
            rows.append(
                {
                    "kind": "topology-zoo",
                    "model": "congestion.pt",
                    **_time(model, _zoo(name, rng), args.repeats),
                }
            )
        for elements in args.synthetic:
            reps = max(3, args.repeats // (10 if elements >= 50_000 else 2))
            rows.append(
                {
                    "kind": "synthetic",
                    "model": "congestion.pt",
                    **_time(model, _synthetic(elements, rng), reps),
                }
            )
        table = pd.DataFrame(rows)
        with pd.option_context("display.width", 200, "display.float_format", "{:.2f}".format):
            print(table.to_string(index=False))
        zoo = table[table["kind"] == "topology-zoo"]
        if len(zoo):
            within = zoo[zoo["forward_ms_median"] < 5.0]
            print(
                f"congestion forward within 5 ms on {len(within)} of {len(zoo)} Topology Zoo networks "
                f"(median {zoo['forward_ms_median'].median():.2f} ms; largest within: "
                f"{int(within['nodes'].max()) if len(within) else 0} nodes)"
            )
    elif args.out.is_file():  # keep the congestion rows measured before
        rows = [
            r
            for r in json.loads(args.out.read_text())["rows"]
            if "congestion" in r.get("model", "congestion")
        ]
    if args.skip_failure:  # keep the failure rows measured before
        before = json.loads(args.out.read_text())["rows"] if args.out.is_file() else []
        failure = [r for r in before if "congestion" not in r.get("model", "congestion")]
    else:
        failure = failure_rows(args.zoo, args.synthetic, args.repeats)
        with pd.option_context("display.width", 200, "display.float_format", "{:.2f}".format):
            print(pd.DataFrame(failure).to_string(index=False))
    rows += failure
    meta = {
        "threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "models": ["shipped congestion.pt", "shipped propagation.pt"],
        "targets_ms": {"topology-zoo": 5, "10k elements": 100, "100k elements": 1000},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"meta": meta, "rows": rows}, indent=2))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
