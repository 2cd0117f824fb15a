"""One experiment on the development split of the real-network congestion benchmark.

Trains ``CongestionPredictor(**CONGESTION_REALNET_RECIPE)`` (with the
overrides given) on folds 2, 3 and 4 of both GNNet 2023 families and
scores fold 1 of each (``DEVELOPMENT`` of ``gnn_congestion_real.py``); fold
0 is not read. Optional extra inputs (``--extra``), appended to the
``"flows"`` features for the experiment only:

- ``link``: per link, the multi-burst share of its traffic, ``log1p`` of the
  number of multi-burst flows, the packet rate at 1,500-byte service times
  (sum of the flows' packets per second times 12,000 bits over capacity),
  the largest flow's share of the link's packets, and the traffic-weighted
  spread and the largest of its packet sizes;
- ``edge``: per path-link edge, the flow's share of the link's packets and
  of its traffic, and the link's multi-burst share;
- ``path``: per flow, the multi-burst share of the traffic on its links
  (mean and largest) and its share of its most loaded link's traffic;
- ``graph``: per sample, broadcast to every link and flow: the offered
  traffic over the capacity of the links crossed, ``log1p`` of the number
  of flows, the multi-burst share of all traffic, the mean and largest
  offered load.

Appends one JSON line (name, options, fold-1 MAPE / median APE per family,
seconds) to ``--log`` and saves fold 1's predicted delays to
``--predictions`` (for ensembles: ``--ensemble a.npz b.npz`` scores the
geometric mean of saved predictions and logs it, training nothing; with
one file it scores that model). Scores from saved predictions also log
``where``: MAPE, median APE, median log ratio of predicted to measured
delay and share of the MAPE, per bin of the flow's busiest-link offered
load and per decile of the measured delay.

The extra inputs widen ``FlowRouteNet``'s input layers for the run only
(the module's feature-name tuples are set to the widths, then restored).

Usage::

    nice python benchmarks/gnn_congestion_real_dev.py --name base
    nice python benchmarks/gnn_congestion_real_dev.py --name feats --extra link,edge,path,graph
    python benchmarks/gnn_congestion_real_dev.py --name where_base --ensemble /tmp/netrca-realnet-dev/base.npz
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import torch

import rca.gnn._routenet as routenet
from rca.datasets import load_gnnet2023
from rca.gnn import FLOW_PATH_FEATURES, CongestionPredictor, congestion_data
from rca.gnn._recipes import CONGESTION_REALNET_RECIPE, default_realnet_dir

FAMILIES = ("cbr_mb", "mb")
TRAIN, VALIDATE = [2, 3, 4], 1
EXTRA = {
    "link": (
        "burst_share",
        "log_burst_flows",
        "packet_load",
        "largest_packet_share",
        "packet_spread",
        "largest_packet",
    ),
    "edge": ("packet_share", "traffic_share", "link_burst_share"),
    "path": ("mean_burst_share", "max_burst_share", "share_of_max_link"),
    "graph": ("g_offered", "g_flows", "g_burst", "g_mean_load", "g_max_load"),
}
_BITS = 12000.0


def extra_features(sample, data, groups: set[str]) -> None:
    """Append the ``groups`` of :data:`EXTRA` to ``data``'s ``xf`` tensors (in place)."""
    rel = data["path", "crosses", "link"]
    ep, el = (a.numpy() for a in rel.edge_index)
    paths = sample.paths
    traffic = paths["traffic_bps"].to_numpy(float)
    size = paths["avg_packet_size"].to_numpy(float)
    burst = (paths["flow_type"].to_numpy() == "mb").astype(float)
    cap = sample.links["capacity_bps"].to_numpy(float)
    n_links, n_paths = len(cap), len(traffic)
    pps = traffic / size
    load = np.bincount(el, weights=traffic[ep], minlength=n_links)
    safe = np.maximum(load, 1e-9)
    b_load = np.bincount(el, weights=(traffic * burst)[ep], minlength=n_links)
    b_share = np.where(load > 0, b_load / safe, 0.0)
    link_pps = np.bincount(el, weights=pps[ep], minlength=n_links)
    safe_pps = np.maximum(link_pps, 1e-9)
    link_cols, path_cols, edge_cols = [], [], []
    if "link" in groups:
        n_burst = np.bincount(el, weights=burst[ep], minlength=n_links)
        largest_pps = np.zeros(n_links)
        np.maximum.at(largest_pps, el, pps[ep])
        mean_size = np.bincount(el, weights=(traffic * size)[ep], minlength=n_links) / safe
        var = np.bincount(
            el, weights=(traffic[ep] * (size[ep] - mean_size[el]) ** 2), minlength=n_links
        )
        spread = np.sqrt(np.maximum(var / safe, 0.0))
        largest_size = np.zeros(n_links)
        np.maximum.at(largest_size, el, size[ep])
        link_cols += [
            b_share,
            np.log1p(n_burst) / 3,
            np.minimum(link_pps * _BITS / cap, 5.0),
            np.where(link_pps > 0, largest_pps / safe_pps, 0.0),
            spread / _BITS,
            largest_size / _BITS,
        ]
    if "edge" in groups:
        edge_cols += [pps[ep] / safe_pps[el], traffic[ep] / safe[el], b_share[el]]
    if "path" in groups:
        hops = np.bincount(ep, minlength=n_paths)
        mean_b = np.bincount(ep, weights=b_share[el], minlength=n_paths) / hops
        max_b = np.zeros(n_paths)
        np.maximum.at(max_b, ep, b_share[el])
        rho = load / cap
        top = np.full(n_paths, -1.0)
        np.maximum.at(top, ep, rho[el])
        at_top = rho[el] >= top[ep]
        own = np.zeros(n_paths)
        np.maximum.at(own, ep[at_top], (traffic[ep] / safe[el])[at_top])
        path_cols += [mean_b, max_b, own]
    if "graph" in groups:
        used = load > 0
        rho = load / cap
        g = [
            min(traffic.sum() / cap[used].sum(), 5.0),
            np.log1p(n_paths) / 5,
            float((traffic * burst).sum() / max(traffic.sum(), 1e-9)),
            float(np.minimum(rho[used], 5.0).mean()),
            float(min(rho.max(), 5.0)),
        ]
        link_cols += [np.full(n_links, v) for v in g]
        path_cols += [np.full(n_paths, v) for v in g]

    def cat(t: torch.Tensor, cols: list[np.ndarray]) -> torch.Tensor:
        if not cols:
            return t
        return torch.cat([t, torch.as_tensor(np.stack(cols, 1), dtype=t.dtype)], 1)

    data["link"].xf = cat(data["link"].xf, link_cols)
    data["path"].xf = cat(data["path"].xf, path_cols)
    rel.xf = cat(rel.xf, edge_cols)


@contextmanager
def _input_sizes(data) -> Iterator[None]:
    """Build ``FlowRouteNet`` for ``data``'s feature widths (extra columns), then restore the sizes."""
    names = ("FLOW_LINK_FEATURES", "FLOW_PATH_FEATURES", "FLOW_EDGE_FEATURES")
    saved = {n: getattr(routenet, n) for n in names}
    widths = (
        data["link"].xf.shape[1],
        data["path"].xf.shape[1],
        data["path", "crosses", "link"].xf.shape[1],
    )
    try:
        for n, w in zip(names, widths):
            setattr(routenet, n, tuple(f"x{i}" for i in range(w)))
        yield
    finally:
        for n, v in saved.items():
            setattr(routenet, n, v)


def _score(pred: np.ndarray, y: np.ndarray) -> dict:
    ape = np.abs(pred - y) / y
    return {
        "mape": round(float(100 * ape.mean()), 2),
        "median_ape": round(float(100 * np.median(ape)), 2),
    }


LOAD_BINS = (-np.inf, 0.4, 0.6, 0.7, 0.8, 0.9, 1.0, 1.2, np.inf)


def _where(pred: np.ndarray, y: np.ndarray, busiest: np.ndarray) -> dict:
    """Where the error is: per bin of the busiest link's offered load and per decile of the delay.

    Each row: the bin, flows, MAPE, median APE, median log ratio of predicted
    to measured delay, and ``points``, the bin's share of the whole MAPE.
    """
    ape = np.abs(pred - y) / y
    ratio = np.log(pred / y)

    def rows(keys: np.ndarray, edges: np.ndarray) -> list[dict]:
        out = []
        for lo, hi in zip(edges[:-1], edges[1:]):
            sel = (keys > lo) & (keys <= hi)
            if sel.any():
                out.append(
                    {
                        "range": [float(v) if np.isfinite(v) else None for v in (lo, hi)],
                        "n": int(sel.sum()),
                        "mape": round(float(100 * ape[sel].mean()), 2),
                        "median_ape": round(float(100 * np.median(ape[sel])), 2),
                        "median_log_ratio": round(float(np.median(ratio[sel])), 3),
                        "points": round(float(100 * ape[sel].sum() / ape.size), 2),
                    }
                )
        return out

    deciles = np.quantile(y, np.linspace(0, 1, 11))
    deciles[0] = -np.inf
    return {
        "by_busiest_load": rows(busiest, np.asarray(LOAD_BINS)),
        "by_delay_decile_s": rows(y, deciles),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--name", required=True)
    parser.add_argument("--data", type=Path, default=default_realnet_dir())
    parser.add_argument("--extra", default="", help="comma list of " + ", ".join(EXTRA))
    parser.add_argument("--set", nargs="*", default=[], help="recipe overrides key=value")
    parser.add_argument("--ensemble", nargs="+", type=Path, default=None)
    parser.add_argument(
        "--log",
        type=Path,
        default=Path(__file__).parent / "results" / "gnn_congestion_real_dev.jsonl",
    )
    parser.add_argument(
        "--predictions", type=Path, default=Path(tempfile.gettempdir()) / "netrca-realnet-dev"
    )
    args = parser.parse_args()
    torch.set_num_threads(1)
    groups = {g for g in args.extra.split(",") if g}
    unknown = groups - set(EXTRA)
    if unknown:
        raise SystemExit(f"--extra: unknown group(s) {sorted(unknown)}")
    overrides = {}
    for item in args.set:
        key, value = item.split("=", 1)
        overrides[key] = json.loads(value)
    recipe = {**CONGESTION_REALNET_RECIPE, **overrides}
    start = time.perf_counter()
    val = {}
    train = []
    for f in FAMILIES:
        for k in [*TRAIN, VALIDATE]:
            samples = list(load_gnnet2023(args.data, family=f, folds=k))
            datas = []
            for s in samples:
                d = congestion_data(s)
                extra_features(s, d, groups)
                datas.append(d)
            if k == VALIDATE:
                val[f] = datas
            else:
                train += datas
    y = {f: np.concatenate([d["path"].y_delay.double().numpy() for d in val[f]]) for f in FAMILIES}
    convert_s = time.perf_counter() - start
    record = {"name": args.name, "extra": sorted(groups), "overrides": overrides}
    if args.ensemble:
        preds = [np.load(p) for p in args.ensemble]
        record["ensemble"] = [str(p) for p in args.ensemble]
        for f in FAMILIES:
            logs = np.mean([np.log(p[f]) for p in preds], axis=0)
            record[f] = _score(np.exp(logs), y[f])
            busiest = np.concatenate(
                [
                    d["path"].xf[:, FLOW_PATH_FEATURES.index("max_load")].double().numpy()
                    for d in val[f]
                ]
            )
            record.setdefault("where", {})[f] = _where(np.exp(logs), y[f], busiest)
        seconds = 0.0
    else:
        t0 = time.perf_counter()
        with _input_sizes(train[0]):
            model = CongestionPredictor(**recipe).fit(train)
        seconds = time.perf_counter() - t0
        net = model.model_.eval()
        out = {}
        with torch.inference_mode():
            for f in FAMILIES:
                out[f] = np.concatenate([net(d)["delay"].double().numpy() for d in val[f]])
                record[f] = _score(out[f], y[f])
        args.predictions.mkdir(parents=True, exist_ok=True)
        np.savez(args.predictions / f"{args.name}.npz", **out)
        record["loss_history"] = [round(h["loss"], 4) for h in model.history_]
    record["seconds"] = round(seconds, 1)
    record["convert_seconds"] = round(convert_s, 1)
    record["command"] = "python benchmarks/gnn_congestion_real_dev.py " + " ".join(sys.argv[1:])
    print(json.dumps(record), flush=True)
    args.log.parent.mkdir(parents=True, exist_ok=True)
    with args.log.open("a") as fh:
        fh.write(json.dumps(record) + "\n")


if __name__ == "__main__":
    main()
