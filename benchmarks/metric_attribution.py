"""Accuracy and latency of DoWhy metric attribution alone, against the explain ranker.

Held-out twin incidents (seeds 7,000,000 and up; the attribution was
developed on seeds 1000-1010), ``n`` per fault type and size. For each
fault type: AC@1 and AC@3 of :class:`rca.causal._attribution.MetricAttribution`
(metrics only) and of the explain ranker (``rca.analyze``, alarms and
metrics), and the median seconds per incident (in-process, one thread,
simulation excluded). Prints one table per size and writes
``benchmarks/results/metric_attribution.json``.

Usage::

    python benchmarks/metric_attribution.py                    # 10 per fault type, small and medium
    python benchmarks/metric_attribution.py --n 4 --sizes small
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from dataclasses import replace
from pathlib import Path

import pandas as pd
from _provenance import provenance
from threadpoolctl import threadpool_limits

from rca import analyze
from rca.causal._attribution import MetricAttribution
from rca.datasets import FAULT_TYPES, make_incident
from rca.errors import InputError
from rca.evaluation import score_incident, summarize

SEED0 = 7_000_000


METHODS = {
    "attribution": lambda inc: MetricAttribution(random_state=0).rank(inc),
    "explain": lambda inc: analyze(inc),
}


def run(sizes: list[str], n: int) -> dict:
    out: dict = {"seed0": SEED0, "n_per_fault": n, "python": platform.python_version(), "sizes": {}}
    for size in sizes:
        incidents = []
        for f_i, fault in enumerate(FAULT_TYPES):
            made, seed = 0, SEED0 + 10_000 * f_i + (0 if size == "small" else 5_000)
            while made < n:
                seed += 1
                try:
                    incidents.append(make_incident(fault=fault, size=size, random_state=seed))
                    made += 1
                except InputError:  # this network cannot host the fault (no microwave link...)
                    continue
        corpus = {
            "n": len(incidents),
            "mean_elements": sum(inc.topology.n_nodes for inc in incidents) / len(incidents),
            "methods": {},
        }
        for name, method in METHODS.items():
            scores, notes = [], []
            for inc in incidents:
                start = time.perf_counter()
                result = method(inc)
                seconds = time.perf_counter() - start
                s = score_incident(result, inc.truth)
                scores.append(replace(s, seconds=seconds))
                notes.extend(result.notes)
            ev = summarize(scores, method=name)
            corpus["methods"][name] = {
                **ev.to_dict(),
                "table": ev.to_frame().to_dict("records"),
                "capped": sum("capped" in n or "strongest attributed" in n for n in notes),
            }
        out["sizes"][size] = corpus
        _print(size, corpus)
    return out


def _print(size: str, corpus: dict) -> None:
    print(f"\n== {size}: {corpus['n']} incidents, ~{corpus['mean_elements']:.0f} elements ==")
    frames = []
    for name, res in corpus["methods"].items():
        f = pd.DataFrame(res["table"])[["fault", "n", "AC@1", "AC@3", "median_ms"]]
        f["median_s"] = f.pop("median_ms") / 1000.0
        frames.append(f.set_index(["fault", "n"]).add_prefix(f"{name} "))
    table = pd.concat(frames, axis=1).reset_index()
    print(table.to_string(index=False, float_format=lambda v: f"{v:.2f}"))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", nargs="+", default=["small", "medium"])
    parser.add_argument("--n", type=int, default=10, help="incidents per fault type and size")
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).parent / "results" / "metric_attribution.json"
    )
    args = parser.parse_args()
    with threadpool_limits(1):
        result = {**provenance(), **run(args.sizes, args.n)}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1, default=float))
    print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()
