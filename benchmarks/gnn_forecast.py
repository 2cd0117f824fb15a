"""Congestion forecasting on held-out twin telemetry: GNN vs persistence vs linear trend.

Held-out incidents come from :func:`rca.gnn._recipes.forecast_corpus` with a
seed the shipped model never saw (``--test-seed``), in two splits: ``twin``
(the twin's telemetry as it is: congestion appears as a step at the fault
time) and ``twin + ramps`` (the same generator with
:func:`rca.gnn._recipes.with_demand_ramps` on every incident: demand that
grows over 4-16 intervals, then stays). Every window of
``window`` intervals followed by ``horizon`` intervals inside an incident's
telemetry is scored, on every link that reported the target interval:

- ``mae``: mean absolute error of the forecast utilisation (fraction of
  capacity), pooled over links, windows and steps; ``mae_step1..H`` per step;
- ``precision/recall/f1``: congestion (utilisation >= 0.8) forecast per
  link, window and step; the GNN flags a probability of at least its
  ``threshold_`` (chosen on the training windows), the baselines a
  forecast >= 0.8;
- ``onset_recall``: recall on the targets where the link was not congested
  at the end of the window and is congested at the target (congestion that
  starts inside the horizon), ``n_onsets`` how many there are;
- ``f1_changes``: F1 over the targets whose congestion state differs from
  the one at the end of the window (onsets and recoveries).

``--ablation`` also trains, with the shipped recipe, the same network
without message passing (``rounds=0``), to see what the neighbours add.

Latency: :meth:`CongestionForecaster.predict` end to end (metrics frame in,
forecast out) and the network's forward pass alone, one thread, median of
repeats, on twin incidents of three sizes and on Topology Zoo networks with
synthetic utilisation.

Usage::

    nice python benchmarks/gnn_forecast.py [--n-test 40] [--test-seed 7] [--ablation]

Writes ``benchmarks/results/gnn_forecast.json``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from rca.datasets import load_topology_zoo, make_incident
from rca.gnn._forecast import (
    CongestionForecaster,
    _training_windows,
    linear_trend_forecast,
    link_adjacency,
    persistence_forecast,
    utilization_series,
    window_features,
)
from rca.gnn._recipes import _FORECAST_MODEL_KEYS, FORECAST_RECIPE, forecast_corpus
from rca.gnn._tensors import CONGESTION_UTILIZATION

ZOO = ("Abilene", "Geant2012", "Uninett2011")


def _scores(pred_util: np.ndarray, flags: np.ndarray, now: np.ndarray, y: np.ndarray) -> dict:
    ok = np.isfinite(y)
    err = np.abs(pred_util - y)
    truth = y >= CONGESTION_UTILIZATION
    was = (now >= CONGESTION_UTILIZATION)[..., None] & np.ones_like(truth)
    out = {"mae": float(err[ok].mean())}
    for k in range(y.shape[-1]):
        out[f"mae_step{k + 1}"] = float(err[..., k][ok[..., k]].mean())
    f, t = flags[ok], truth[ok]
    tp, fp, fn = int((f & t).sum()), int((f & ~t).sum()), int((~f & t).sum())
    out["precision"] = tp / (tp + fp) if tp + fp else 0.0
    out["recall"] = tp / (tp + fn) if tp + fn else 0.0
    out["f1"] = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0
    onset = ok & truth & ~was
    out["n_onsets"] = int(onset.sum())
    out["onset_recall"] = float(flags[onset].mean()) if onset.any() else float("nan")
    change = ok & (truth != was)
    fc, tc = flags[change], truth[change]
    tpc = int((fc & tc).sum())
    denom = int(fc.sum()) + int(tc.sum())
    out["f1_changes"] = 2 * tpc / denom if denom else 0.0
    out["n_changes"] = int(change.sum())
    out["n_targets"] = int(ok.sum())
    return out


def _accuracy(models: dict[str, CongestionForecaster], incidents: list) -> list[dict]:
    window, horizon = FORECAST_RECIPE["window"], FORECAST_RECIPE["horizon"]
    preds: dict[str, list] = {name: [] for name in [*models, "persistence", "linear trend"]}
    flags: dict[str, list] = {name: [] for name in preds}
    nows, ys = [], []
    for inc in incidents:
        series = utilization_series(inc.topology, inc.metrics)
        x, y = _training_windows(series, window, horizon)
        if not len(x):
            continue
        adjacency = link_adjacency(inc.topology)
        for name, model in models.items():
            util, prob = model.predict_windows(x, adjacency)
            preds[name].append(util.ravel())
            flags[name].append((prob >= model.threshold_).ravel())
        for name, fn in (
            ("persistence", persistence_forecast),
            ("linear trend", linear_trend_forecast),
        ):
            util = fn(x, horizon)
            preds[name].append(util.ravel())
            flags[name].append((util >= CONGESTION_UTILIZATION).ravel())
        now = np.where(
            x[..., 2 * window - 1] > 0, x[..., window - 1], np.nan
        )  # last sample, if it was seen
        nows.append(np.repeat(now[..., None], horizon, axis=-1).ravel())
        ys.append(y.ravel())
    y = np.concatenate(ys).reshape(-1, horizon)
    now = np.concatenate(nows).reshape(-1, horizon)[:, 0]
    rows = []
    for name in preds:
        util = np.concatenate(preds[name]).reshape(-1, horizon)
        flag = np.concatenate(flags[name]).reshape(-1, horizon)
        rows.append({"model": name, **_scores(util, flag, now, y)})
    return rows


def _median_ms(fn, repeats: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return 1000 * statistics.median(times)


def _synthetic_metrics(topology, rng: np.random.Generator, samples: int = 12) -> pd.DataFrame:
    links = np.asarray(topology.link_ids, dtype=object)
    times = 1.7e9 + 60.0 * np.arange(samples)
    base = rng.uniform(0.1, 0.7, len(links))
    values = 100 * np.clip(base[None, :] * rng.lognormal(0, 0.1, (samples, len(links))), 0, 1)
    return pd.DataFrame(
        {
            "time": np.repeat(times, len(links)),
            "entity": np.tile(links, samples),
            "metric": "utilization",
            "value": values.ravel(),
        }
    )


def _latency(model: CongestionForecaster, repeats: int) -> list[dict]:
    rng = np.random.default_rng(0)
    cases = []
    for size in ("small", "medium", "large"):
        inc = make_incident(size=size, random_state=11, metric_period_s=60.0)
        cases.append((f"twin-{size}", inc.topology, inc.metrics.frame))
    for name in ZOO:
        try:
            topo = load_topology_zoo(name)
        except Exception:  # the shared data set is optional
            continue
        cases.append((name, topo, _synthetic_metrics(topo, rng)))
    rows = []
    for name, topo, frame in cases:
        adjacency = link_adjacency(topo)
        series = utilization_series(topo, frame)
        x = torch.as_tensor(window_features(series.values, [len(series.times) - 1], model.window))
        net = model.model_
        with torch.inference_mode():
            forward = _median_ms(lambda: net(x, adjacency), repeats)  # noqa: B023 (timed at once)
        rows.append(
            {
                "network": name,
                "nodes": len(topo.node_ids),
                "links": len(topo.link_ids),
                "forward_ms": forward,
                "predict_ms": _median_ms(
                    lambda: model.predict(topo, frame, adjacency=adjacency),  # noqa: B023
                    max(3, repeats // 4),
                ),
                "adjacency_ms": _median_ms(lambda: link_adjacency(topo), 3),  # noqa: B023
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--model", type=Path, default=None, help="a forecaster file (default: the shipped one)"
    )
    parser.add_argument("--n-test", type=int, default=40)
    parser.add_argument("--test-seed", type=int, default=7)
    parser.add_argument(
        "--ablation", action="store_true", help="also train rounds=0 with the shipped recipe"
    )
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).parent / "results" / "gnn_forecast.json"
    )
    args = parser.parse_args()
    torch.set_num_threads(1)
    model = (
        CongestionForecaster.load(args.model) if args.model else CongestionForecaster.pretrained()
    )
    models = {"GNN (line graph, 2 rounds)": model}
    train_seconds = None
    if args.ablation:
        params = {k: FORECAST_RECIPE[k] for k in _FORECAST_MODEL_KEYS}
        train = forecast_corpus(
            FORECAST_RECIPE["n_incidents"],
            random_state=FORECAST_RECIPE["corpus_seed"],
            ramp_fraction=FORECAST_RECIPE["ramp_fraction"],
        )
        t = time.perf_counter()
        models["same, no message passing"] = CongestionForecaster(**{**params, "rounds": 0}).fit(
            train
        )
        train_seconds = time.perf_counter() - t
    accuracy = []
    for split, ramps in (("twin", 0.0), ("twin + ramps", 1.0)):
        test = forecast_corpus(args.n_test, random_state=args.test_seed, ramp_fraction=ramps)
        accuracy += [{"split": split, **row} for row in _accuracy(models, test)]
    latency = _latency(model, args.repeats)
    with pd.option_context("display.width", 200, "display.float_format", "{:.4f}".format):
        cols = [
            "split",
            "model",
            "mae",
            "mae_step1",
            "mae_step3",
            "precision",
            "recall",
            "f1",
            "onset_recall",
            "f1_changes",
            "n_onsets",
            "n_changes",
            "n_targets",
        ]
        print(pd.DataFrame(accuracy)[cols].to_string(index=False))
        print()
        print(pd.DataFrame(latency).to_string(index=False))
    meta = {
        "threads": torch.get_num_threads(),
        "torch": torch.__version__,
        "model": str(args.model or "shipped forecast.pt"),
        "recipe": FORECAST_RECIPE,
        "n_test_incidents": args.n_test,
        "test_seed": args.test_seed,
        "ablation_train_seconds": train_seconds,
        "congestion_utilization": CONGESTION_UTILIZATION,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps({"meta": meta, "accuracy": accuracy, "latency": latency}, indent=2)
    )
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
