"""Generalisation check: `rca.analyze` on incidents from an independently written simulator.

``rca.datasets.othersim`` was written without looking at the twin
(``rca.datasets``) or the ranker: other topology shapes, three NMS alarm
vocabularies, its own noise and export defects. This script writes a corpus
of its incident folders, reads each back with ``rca.read_incident`` (the
path a real export takes), ranks it with each method and prints AC@1, AC@3,
AC@5, Avg@5 and MRR overall and per fault type, with the median analysis
latency; results go to ``benchmarks/results/independent_sim.json``.

Seeds (``benchmarks/_seeds.py`` says what the roles mean). Seed ``s``
draws incident ``i`` with ``random_state = s * 100_000 + i``.

- dev 1-7 and 11-16: othersim was the second development family; the
  explain ranker's features were chosen and its weights learned with these
  corpora in view (1 was this benchmark's default, 3 its "second seed", 11
  the one whose misses were studied). Their figures are in-sample.
- seen 2026120831-2026120833: reported once, with the ranker and fusion of
  commit 0fbe291; their misses were not studied.
- fresh 2026120841 .. 2026120843: never run before the record that reports
  them. Report these.

A plain run prints, per size, one table for dev seed 1 and one for the
fresh seeds pooled.

Usage::

    nice python benchmarks/independent_sim.py                       # small and medium, 60 per seed
    nice python benchmarks/independent_sim.py --n 20 --sizes small --methods explain --seeds 1
    nice python benchmarks/independent_sim.py --out /tmp/othersim   # keep the folders
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import pandas as pd
from _provenance import provenance
from _seeds import Seeds

from rca import analyze, read_incident
from rca.datasets import othersim
from rca.evaluation import score_incident, summarize

METHODS = ("explain", "gnn", "fused")

_DEV = (
    "othersim development family: features and weights of the explain ranker chosen with it in view"
)
SEEDS = Seeds(
    dev={
        **{s: _DEV for s in (1, 2, 3, 4, 5, 6, 7, 11, 12, 13, 14, 15, 16)},
        1: "this benchmark's default seed; " + _DEV,
        3: "this benchmark's second seed; " + _DEV,
        11: "its misses were studied; " + _DEV,
    },
    seen={
        s: "reported with the ranker and fusion of commit 0fbe291 (before the alarm roles were "
        "made vendor-independent and the weights retrained); misses not studied"
        for s in (2026120831, 2026120832, 2026120833)
    },
    fresh=(2026120841, 2026120842, 2026120843),
)
DEFAULT_SEEDS = [1, *SEEDS.fresh]


def _rank(incident, method: str):
    return analyze(incident, method=method)


def _truth_exists(incident) -> list[str]:
    """Truth entities that are not in the topology (should be none)."""
    topo = incident.topology
    known = {"node": set(topo.node_ids), "link": set(topo.link_ids), "site": set(topo.sites)}
    return [r.entity for r in incident.truth.root_causes if r.entity not in known[r.kind]]


def evaluate(folders: list[Path], methods: list[str]) -> dict:
    """Score every method on every folder; per-incident top candidates kept for inspection."""
    incidents = [read_incident(f) for f in folders]
    missing = {inc.name: m for inc in incidents if (m := _truth_exists(inc))}
    if missing:
        raise RuntimeError(f"truth entities absent from the topology: {missing}")
    out: dict = {}
    for method in methods:
        scores, failures, top = [], [], {}
        for folder, inc in zip(folders, incidents):
            try:
                result = _rank(inc, method)
                score = score_incident(result, inc.truth)
                if len(inc.truth.root_causes) > 1:  # one row for all two-root incidents
                    score = replace(score, fault="two_roots")
                scores.append(score)
                top[inc.name] = [(c.entity, c.kind, c.fault) for c in result.candidates[:3]]
            except Exception as exc:  # a crash is a result to report, not a reason to stop
                failures.append((str(folder), f"{type(exc).__name__}: {exc}"))
        ev = summarize(scores, failures, method=method)
        res = ev.to_dict()
        res["table"] = ev.to_frame().to_dict("records")
        for row in res["incidents"]:
            row["top3"] = top.get(row["incident"])
        out[method] = res
    return out


def run(
    sizes: list[str], n: int, seeds: list[int], methods: list[str], out_dir: Path | None
) -> dict:
    """Per size, one corpus per seed role (``n`` incidents of each of the role's seeds)."""
    roles = SEEDS.by_role(seeds)
    result: dict = {"seeds": roles, "n": n, "corpora": {}}
    with tempfile.TemporaryDirectory() as tmp:
        root = out_dir or Path(tmp)
        for size in sizes:
            result["corpora"][size] = {}
            for role, role_seeds in roles.items():
                t = time.perf_counter()
                folders = [
                    f
                    for seed in role_seeds
                    for f in othersim.generate_corpus(root / size, n, size=size, seed=seed)
                ]
                gen_s = time.perf_counter() - t
                truths = [json.loads((f / "truth.json").read_text()) for f in folders]
                corpus = {
                    "role": role,
                    "seeds": role_seeds,
                    "n": len(folders),
                    "generate_s": gen_s,
                    "mean_elements": sum(t["generator"]["n_elements"] for t in truths)
                    / len(folders),
                    "mean_alarms": sum(len(pd.read_csv(f / "alarms.csv")) for f in folders)
                    / len(folders),
                    "two_roots": sum(len(t["root_causes"]) > 1 for t in truths),
                    "folder": str(root / size) if out_dir else None,
                    "methods": evaluate(folders, methods),
                }
                result["corpora"][size][role] = corpus
                _print(size, corpus)
    return result


def _print(size: str, corpus: dict) -> None:
    print(
        f"\n== othersim {size}, {SEEDS.label(corpus['role'], corpus['seeds'])}: {corpus['n']} incidents "
        f"({corpus['two_roots']} with two roots), ~{corpus['mean_elements']:.0f} elements, "
        f"~{corpus['mean_alarms']:.0f} alarms each =="
    )
    rows = [{"method": m, **r} for m, res in corpus["methods"].items() for r in res["table"]]
    cols = ["method", "fault", "n", "AC@1", "AC@3", "AC@5", "Avg@5", "MRR", "median_ms"]
    print(pd.DataFrame(rows)[cols].to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    for m, res in corpus["methods"].items():
        if res["failures"]:
            print(f"{m}: {len(res['failures'])} incidents raised, e.g. {res['failures'][0]}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--sizes", nargs="+", default=["small", "medium"], choices=["small", "medium", "large"]
    )
    parser.add_argument("--n", type=int, default=60, help="incidents per corpus and seed")
    parser.add_argument(
        "--seeds",
        "--seed",
        type=int,
        nargs="+",
        default=DEFAULT_SEEDS,
        help="corpus seeds (default: dev seed 1 and the fresh ones)",
    )
    parser.add_argument("--methods", nargs="+", default=list(METHODS), choices=METHODS)
    parser.add_argument("--out", type=Path, default=None, help="keep the incident folders here")
    parser.add_argument(
        "--json", type=Path, default=Path(__file__).parent / "results" / "independent_sim.json"
    )
    args = parser.parse_args()
    if set(args.methods) - {"explain"}:
        import torch

        torch.set_num_threads(1)
    result = {**provenance(), **run(args.sizes, args.n, args.seeds, args.methods, args.out)}
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=1, default=float))
    print(f"\nwrote {args.json}")


if __name__ == "__main__":
    main()
