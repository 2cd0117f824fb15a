"""Congestion predictor accuracy: RouteNet-style GNN vs M/M/1/K vs MLP.

Scores per-path delay MAPE (%), per-link utilisation MAE and congested-link
F1 (utilisation >= 0.8 or packet loss) on the GNNet 2021 sample:

- ``train`` and ``validation`` (the shipped RouteNet; the MLP, ``iterations=0``,
  trained with the same recipe but 32 hidden units; the closed-form M/M/1/K queue);
- ``held-out topology``: both learned models retrained on the samples of
  one of the two training topologies (``graph-30-0``) and scored on the
  validation samples of the other (``graph-30-1``), which they never saw;
- per-path MAPE by path length (hops) on validation, the closest look this
  data allows at how errors grow with the longer paths of larger networks.

The challenge's 50-100-node test networks are not available: none of these
numbers measures generalisation to larger networks directly.

Usage::

    nice python benchmarks/gnn_congestion.py [--data ../shared/datasets/gnnet-2021]

Writes ``benchmarks/results/gnn_congestion.json``.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from rca.datasets._gnnet import load_gnnet
from rca.gnn import CongestionPredictor, QueueingBaseline
from rca.gnn._recipes import CONGESTION_RECIPE, default_gnnet_dir

# The MLP baseline keeps 32 hidden units: narrower, it is a weaker baseline than it need be.
MLP = {"iterations": 0, "hidden": 32}

KEYS = (
    "path_delay_mape",
    "link_util_mae",
    "congestion_f1",
    "congestion_precision",
    "congestion_recall",
    "link_occupancy_mape",
)


def _row(split: str, model: str, scores) -> dict:
    d = scores.to_dict()
    return {"split": split, "model": model, **{k: d[k] for k in KEYS}, "n_samples": d["n_samples"]}


def _by_hops(models: dict, samples) -> list[dict]:
    rows = []
    for name, model in models.items():
        err, hops = [], []
        for s in samples:
            pred = model.predict(s)
            y = s.paths["delay"].to_numpy(dtype=float)
            err.append(np.abs(pred.path_delay - y) / y)
            hops.append(s.paths["nodes"].map(len).to_numpy() - 1)
        e, h = np.concatenate(err), np.concatenate(hops)
        for k in sorted(set(h.tolist())):
            rows.append(
                {
                    "model": name,
                    "hops": k,
                    "n_paths": int((h == k).sum()),
                    "path_delay_mape": float(100 * e[h == k].mean()),
                }
            )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=default_gnnet_dir())
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).parent / "results" / "gnn_congestion.json"
    )
    args = parser.parse_args()
    torch.set_num_threads(1)

    train = list(load_gnnet(args.data / "train"))
    val = list(load_gnnet(args.data / "validation"))
    routenet = CongestionPredictor.pretrained()
    start = time.perf_counter()
    mlp = CongestionPredictor(**{**CONGESTION_RECIPE, **MLP}).fit(train, validation=val)
    mlp_seconds = time.perf_counter() - start
    mm1k = QueueingBaseline().fit()
    models = {"RouteNet (GNN)": routenet, "MLP (no message passing)": mlp, "M/M/1/K": mm1k}

    rows = []
    for split, samples in (("train", train), ("validation", val)):
        for name, model in models.items():
            rows.append(_row(split, name, model.evaluate(samples)))

    # held-out topology: train on graph-30-0 only, score on unseen graph-30-1
    tr0 = [s for s in train if s.graph_file.startswith("graph-30-0")]
    va0 = [s for s in val if s.graph_file.startswith("graph-30-0")]
    va1 = [s for s in val if s.graph_file.startswith("graph-30-1")]
    held = {}
    for name, iters in (
        ("RouteNet (GNN)", CONGESTION_RECIPE["iterations"]),
        ("MLP (no message passing)", 0),
    ):
        t = time.perf_counter()
        extra = MLP if iters == 0 else {}
        held[name] = CongestionPredictor(**{**CONGESTION_RECIPE, "iterations": iters, **extra}).fit(
            tr0, validation=va0
        )
        print(f"held-out-topology {name}: trained in {time.perf_counter() - t:.0f} s")
    held["M/M/1/K"] = mm1k
    for name, model in held.items():
        rows.append(_row("held-out topology", name, model.evaluate(va1)))

    table = pd.DataFrame(rows)
    hops = pd.DataFrame(_by_hops(models, val))
    with pd.option_context(
        "display.width", 200, "display.max_columns", 20, "display.float_format", "{:.4g}".format
    ):
        print(table.to_string(index=False))
        print()
        print(hops.pivot(index="hops", columns="model", values="path_delay_mape").to_string())
    meta = {
        "data": str(args.data),
        "routenet": "shipped weights rca/gnn/weights/congestion.pt",
        "recipe": CONGESTION_RECIPE,
        "mlp_train_seconds": round(mlp_seconds, 1),
        "threads": 1,
        "held_out_topology": {"train": len(tr0), "select": len(va0), "test": len(va1)},
        "note": "30-node networks only; the 50-100-node test set of the challenge is not available",
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps(
            {"meta": meta, "scores": rows, "by_hops": hops.to_dict(orient="records")}, indent=2
        )
    )
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
