"""Benchmark: can the direction of the true alarm edges be read from the data?

For every true edge ``a -> b`` of each PCIC data set, compares how often
``a`` precedes ``b`` with how often ``b`` precedes ``a``
(``rca.causal.precedence_counts``: effect events with an earlier event of the
other type within the window, on the same device or within one hop), at
windows from 1 s to an hour. A share of "cause first" near 1 means timing
orients the edges (what every Hawkes or Granger method relies on); near 0.5
means the expert's directions cannot be recovered from timing, so a learned
graph's directed precision stays near half its skeleton precision. Also
reports how often the effect type is the more frequent one.

This reads the true graph only to measure; nothing here feeds a method.
Prints a table and writes ``benchmarks/results/causal_orientation.json``.

Run from the repository root::

    python benchmarks/causal_orientation.py
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
from pathlib import Path

import numpy as np

from rca.datasets import get_data_home

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = get_data_home() / "huawei-alarms"
WINDOWS = (1.0, 10.0, 60.0, 600.0, 3600.0)
SIGNIFICANCE = 0.01


def timing_row(counts: np.ndarray, edges: np.ndarray) -> dict[str, float]:
    """Shares of true edges whose cause precedes its effect more often than the reverse."""
    from scipy.stats import binomtest

    forward, backward = counts[edges[:, 0], edges[:, 1]], counts[edges[:, 1], edges[:, 0]]
    decided = forward != backward
    significant = np.array(
        [
            f + b > 0 and binomtest(int(f), int(f + b)).pvalue < SIGNIFICANCE
            for f, b in zip(forward, backward)
        ]
    )

    def share(mask: np.ndarray) -> float | None:
        return round(float(np.mean(forward[mask] > backward[mask])), 3) if mask.any() else None

    return {
        "decided": round(float(decided.mean()), 3),
        "cause_first": share(decided),
        "significant": round(float(significant.mean()), 3),
        "cause_first_significant": share(significant),
    }


def main() -> int:
    from rca.causal import event_sequences, precedence_counts
    from rca.datasets._pcic import load_pcic

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument(
        "--datasets", default="18V_55N_Wireless,24V_439N_Microwave,neurips2023_csl_sample"
    )
    parser.add_argument(
        "--out", type=Path, default=REPO / "benchmarks" / "results" / "causal_orientation.json"
    )
    args = parser.parse_args()
    if not args.data.is_dir():
        print(f"data sets not found at {args.data}; set NETRCA_SHARED_DATASETS", file=sys.stderr)
        return 1
    rows, frequency = [], {}
    for name in args.datasets.split(","):
        ds = load_pcic(args.data / name)
        events = event_sequences(ds.alarms, ds.topology, types=ds.alarm_ids)
        truth = ds.true_graph.reindex(
            index=list(events.types), columns=list(events.types)
        ).to_numpy()
        edges = np.argwhere(truth == 1)
        sizes = np.bincount(events.type_code, minlength=events.n_types)
        frequency[name] = round(float(np.mean(sizes[edges[:, 1]] > sizes[edges[:, 0]])), 3)
        for hop in (0, 1) if ds.topology is not None else (0,):
            for window in WINDOWS:
                row = {
                    "dataset": name,
                    "max_hop": hop,
                    "window_s": window,
                    "true_edges": len(edges),
                }
                row.update(timing_row(precedence_counts(events, window, hop), edges))
                rows.append(row)
                print(row, flush=True)

    def fmt(x: float | None) -> str:
        return "-" if x is None else f"{x:.2f}"

    print()
    print(
        "| data set | hops | window | edges decided | cause first | significant (p < 0.01) | cause first among them |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r['dataset']} | {r['max_hop']} | {r['window_s']:.0f} s | {fmt(r['decided'])} | "
            f"{fmt(r['cause_first'])} | {fmt(r['significant'])} | {fmt(r['cause_first_significant'])} |"
        )
    print()
    for name, share in frequency.items():
        print(f"{name}: the effect type is the more frequent one for {share:.2f} of the true edges")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps(
            {
                "command": "python benchmarks/causal_orientation.py",
                "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores (shared)",
                "python": platform.python_version(),
                "effect_more_frequent": frequency,
                "rows": rows,
            },
            indent=2,
        )
        + "\n"
    )
    print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
