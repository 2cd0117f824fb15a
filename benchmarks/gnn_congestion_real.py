"""Congestion predictor on a real network's measurements (GNNet 2023): zero-shot, baselines, trained.

Per-flow mean delay on the GNN-networking challenge 2023 testbed data
(``gnnet-2023-realnet`` in the data home), both traffic families
(``cbr_mb``: constant bit rate and multi-burst flows; ``mb``: multi-burst
only), in the challenge's five cross-validation folds. Rotation ``k``
validates on fold ``k`` of each family; nothing is chosen on it. Rows:

- ``zero-shot``: the shipped simulated-network model
  (``rca/gnn/weights/congestion.pt``, GNNet 2021), as is; the testbed's
  buffers are unknown and read as ``rca.gnn.ASSUMED_QUEUE_SIZE`` (32)
  packets, the only buffer it was trained with;
- ``M/M/1/K``: the closed-form queue per link at the same 32 packets;
- ``M/M/1/K fitted``: the same with the buffer size that gives the lowest
  MAPE on the four training folds of the family (a grid of powers of two,
  1 to 65,536 packets);
- ``per-hop median``: the median delay of the training flows with as many
  hops (the data set README's reference: 317 % and 1,188 %);
- ``trained``: ``CongestionPredictor(**CONGESTION_REALNET_RECIPE)`` (the
  ``"flows"`` model) trained on the four other folds of both families, the
  weights of the last third of the epochs averaged; nothing is chosen on
  the validation fold.

MAPE and median APE are pooled over the flows of a fold; the means are over
the five folds.

Usage::

    nice python benchmarks/gnn_congestion_real.py [--data DIR] [--rotations 0,1,2,3,4] [--resume]

Writes ``benchmarks/results/gnn_congestion_real.json`` after every rotation
(``--resume`` keeps the rotations already there and runs the others).
Rotations can run in parallel processes, each with its own ``--out``, and be
joined with ``--merge a.json b.json ...`` (which writes ``--out``).
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

import numpy as np
import torch
from _provenance import git_commit

from rca.datasets import load_gnnet2023
from rca.gnn import ASSUMED_QUEUE_SIZE, CongestionPredictor, QueueingBaseline, congestion_data, mm1k
from rca.gnn._recipes import CONGESTION_REALNET_RECIPE, default_realnet_dir

FAMILIES = ("cbr_mb", "mb")
FOLDS = range(5)
DEVELOPMENT = {"train": [2, 3, 4], "validate": 1}
"""The split the recipe was developed on (features, sizes, epochs, loss): fold 0 was never looked at."""
BUFFERS = [2**k for k in range(17)]


def _ape(pred: np.ndarray, y: np.ndarray) -> np.ndarray:
    return np.abs(pred - y) / y


def _row(family: str, fold: int, model: str, ape: np.ndarray, **extra) -> dict:
    return {
        "family": family,
        "fold": fold,
        "model": model,
        "mape": float(100 * ape.mean()),
        "median_ape": float(100 * np.median(ape)),
        "n_flows": int(ape.size),
        **extra,
    }


def _mm1k_delays(datas: list, buffer: float) -> np.ndarray:
    """M/M/1/K per-flow delays of converted samples, every buffer at ``buffer`` packets."""
    out = []
    for d in datas:
        link = d["link"]
        q = mm1k(link.rho.double().numpy(), np.full(link.rho.shape[0], buffer + 1.0))
        e_path, e_link = d["path", "crosses", "link"].edge_index.numpy()
        per_hop = q.sojourn[e_link] * link.service_s.double().numpy()[e_link]
        out.append(np.bincount(e_path, weights=per_hop, minlength=d["path"].num_nodes))
    return np.concatenate(out)


def _targets(datas: list) -> np.ndarray:
    return np.concatenate([d["path"].y_delay.double().numpy() for d in datas])


def _hops(datas: list) -> np.ndarray:
    return np.concatenate([d["path"].hops.numpy() for d in datas])


def _model_delays(model: CongestionPredictor, datas: list) -> np.ndarray:
    net = model.model_.eval()
    with torch.inference_mode():
        return np.concatenate([net(d)["delay"].double().numpy() for d in datas])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=default_realnet_dir())
    parser.add_argument(
        "--rotations", default="0,1,2,3,4", help="validation folds to run, e.g. 0,1"
    )
    parser.add_argument("--resume", action="store_true", help="keep the rotations already in --out")
    parser.add_argument(
        "--epochs", type=int, default=None, help="override the recipe (smoke tests only)"
    )
    parser.add_argument(
        "--hidden", type=int, default=None, help="override the recipe (smoke tests only)"
    )
    parser.add_argument(
        "--merge",
        nargs="+",
        type=Path,
        default=None,
        help="join the rotations of these result files into --out, and print the table",
    )
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).parent / "results" / "gnn_congestion_real.json"
    )
    args = parser.parse_args()
    torch.set_num_threads(1)
    if args.merge:
        parts = [json.loads(p.read_text()) for p in args.merge]
        recipes = {json.dumps(p["meta"]["recipe"], sort_keys=True) for p in parts}
        if len(recipes) != 1:
            raise SystemExit(
                f"--merge: the files were made with different recipes: {sorted(recipes)}"
            )
        rows = [r for p in parts for r in p["scores"]]
        training = [t for p in parts for t in p["training"]]
        done = [t["rotation"] for t in training]
        if len(done) != len(set(done)):
            raise SystemExit(f"--merge: a rotation appears twice: {sorted(done)}")
        _write(
            args,
            parts[0]["meta"]["recipe"],
            rows,
            training,
            merged=[
                {"file": str(p), "command": q["meta"]["command"]} for p, q in zip(args.merge, parts)
            ],
        )
        _print(rows)
        return
    rotations = [int(k) for k in args.rotations.split(",")]
    recipe = {
        **CONGESTION_REALNET_RECIPE,
        **{k: v for k, v in (("epochs", args.epochs), ("hidden", args.hidden)) if v is not None},
    }

    start = time.perf_counter()
    samples = {
        (f, k): list(load_gnnet2023(args.data, family=f, folds=k)) for f in FAMILIES for k in FOLDS
    }
    datas = {key: [congestion_data(s) for s in ss] for key, ss in samples.items()}
    print(
        f"read and converted {sum(map(len, datas.values()))} samples in {time.perf_counter() - start:.0f} s",
        flush=True,
    )

    previous = json.loads(args.out.read_text()) if args.resume and args.out.is_file() else {}
    rows = [r for r in previous.get("scores", []) if r["fold"] not in rotations]
    training = [t for t in previous.get("training", []) if t["rotation"] not in rotations]

    zero_shot = CongestionPredictor.pretrained("simulated")
    mm1k_32 = QueueingBaseline().fit()
    for k in rotations:
        t0 = time.perf_counter()
        train = [d for f in FAMILIES for j in FOLDS if j != k for d in datas[(f, j)]]
        model = CongestionPredictor(**recipe).fit(train)
        seconds = time.perf_counter() - t0
        training.append(
            {
                "rotation": k,
                "train_folds": [j for j in FOLDS if j != k],
                "n_train": len(train),
                "seconds": round(seconds, 1),
                "loss_history": [round(h["loss"], 5) for h in model.history_],
            }
        )
        print(f"rotation {k}: trained on {len(train)} samples in {seconds:.0f} s", flush=True)
        for f in FAMILIES:
            val, val_samples = datas[(f, k)], samples[(f, k)]
            y = _targets(val)
            rows.append(_row(f, k, "trained", _ape(_model_delays(model, val), y)))
            rows.append(
                _row(
                    f,
                    k,
                    "zero-shot",
                    _ape(np.concatenate([zero_shot.predict(s).path_delay for s in val_samples]), y),
                )
            )
            rows.append(
                _row(
                    f,
                    k,
                    "M/M/1/K",
                    _ape(np.concatenate([mm1k_32.predict(s).path_delay for s in val_samples]), y),
                )
            )
            fit = [d for j in FOLDS if j != k for d in datas[(f, j)]]
            y_fit = _targets(fit)
            best = min(BUFFERS, key=lambda b: float(_ape(_mm1k_delays(fit, b), y_fit).mean()))
            fitted = QueueingBaseline(queue_size=best).fit()
            rows.append(
                _row(
                    f,
                    k,
                    "M/M/1/K fitted",
                    _ape(np.concatenate([fitted.predict(s).path_delay for s in val_samples]), y),
                    buffer_packets=best,
                )
            )
            hops_fit, hops_val = _hops(fit), _hops(val)
            medians = {h: float(np.median(y_fit[hops_fit == h])) for h in np.unique(hops_fit)}
            overall = float(np.median(y_fit))
            rows.append(
                _row(
                    f,
                    k,
                    "per-hop median",
                    _ape(np.array([medians.get(h, overall) for h in hops_val]), y),
                )
            )
            print(
                f"  {f} fold {k}: "
                + ", ".join(
                    f"{r['model']} {r['mape']:.1f} / {r['median_ape']:.1f}"
                    for r in rows
                    if r["family"] == f and r["fold"] == k
                ),
                flush=True,
            )
        _write(args, recipe, rows, training)
    _print(rows)


def _means(rows: list[dict]) -> list[dict]:
    out = []
    for f in FAMILIES:
        for model in dict.fromkeys(r["model"] for r in rows):
            sel = [r for r in rows if r["family"] == f and r["model"] == model]
            if sel:
                out.append(
                    {
                        "family": f,
                        "model": model,
                        "folds": sorted(r["fold"] for r in sel),
                        "mape": float(np.mean([r["mape"] for r in sel])),
                        "median_ape": float(np.mean([r["median_ape"] for r in sel])),
                    }
                )
    return out


def _write(
    args: argparse.Namespace,
    recipe: dict,
    rows: list[dict],
    training: list[dict],
    merged: list[dict] | None = None,
) -> None:
    meta = {
        "command": "python benchmarks/gnn_congestion_real.py " + " ".join(sys.argv[1:]),
        "data": str(args.data),
        "recipe": recipe,
        "protocol": "rotation k: train on the four other folds of both families, validate on fold k of each; "
        "the recipe's last epochs averaged, nothing selected on fold k",
        "development_split": DEVELOPMENT,
        "assumed_queue_size": ASSUMED_QUEUE_SIZE,
        "buffer_grid": BUFFERS,
        "threads": 1,
        "torch": torch.__version__,
        "machine": platform.processor() or platform.machine(),
        "git_commit": git_commit(short=False),
    }
    if merged:
        meta["merged_from"] = merged
    rows = sorted(rows, key=lambda r: (FAMILIES.index(r["family"]), r["fold"], r["model"]))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps(
            {
                "meta": meta,
                "scores": rows,
                "means": _means(rows),
                "training": sorted(training, key=lambda t: t["rotation"]),
            },
            indent=2,
        )
        + "\n"
    )
    print(f"wrote {args.out}", flush=True)


def _print(rows: list[dict]) -> None:
    models = list(dict.fromkeys(r["model"] for r in rows))
    for f in FAMILIES:
        print(f"\n{f}: MAPE / median APE (%) per validation fold")
        folds = sorted({r["fold"] for r in rows if r["family"] == f})
        print(
            f"{'model':<16}" + "".join(f"{'fold ' + str(k):>16}" for k in folds) + f"{'mean':>16}"
        )
        for model in models:
            sel = {r["fold"]: r for r in rows if r["family"] == f and r["model"] == model}
            cells = "".join(f"{sel[k]['mape']:>8.1f} / {sel[k]['median_ape']:<5.1f}" for k in folds)
            mean = (
                np.mean([sel[k]["mape"] for k in folds]),
                np.mean([sel[k]["median_ape"] for k in folds]),
            )
            print(f"{model:<16}{cells}{mean[0]:>8.1f} / {mean[1]:<5.1f}")


if __name__ == "__main__":
    main()
