"""How the explain ranker holds up when an export carries fewer columns.

Twin incidents are written as incident folders, the chosen columns are
removed (or clears renamed), and the folders are read back and analysed:

- ``full``: every column;
- ``no link_id``: port alarms lose ``link_id`` (the message still names the far end);
- ``no link_id, no message``: neither;
- ``nodes: node_id only``: no type, site, layer or gateway column;
- ``clears named by type``: no severity column, clears renamed ``<TYPE>_CLEARED``;
- ``no clears``: no severity column and the clear rows dropped;
- ``bare``: nodes node_id only, links source/target only, alarms
  timestamp/device/alarm_type only, no metrics.

Seeds (``benchmarks/_seeds.py`` says what the roles mean; incident ``i``
is ``random_state = seed * 100_000 + i``):

- seen 3: this benchmark's corpus until December 2026, reported before and
  not known to have been studied; held out, but no longer fresh.
- fresh 2026120851: never run before the record that reports it. Report it.

A plain run prints one table per seed.

Usage::

    nice python benchmarks/rca_sparse_inputs.py [--n 60] [--size small] [--seeds 3 2026120851]

Writes ``benchmarks/results/rca_sparse_inputs.json``.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

import pandas as pd
from _provenance import provenance
from _seeds import Seeds

import rca
from rca.datasets import make_incident
from rca.evaluation import score_incident, summarize

SEEDS = Seeds(
    seen={3: "this benchmark's corpus until December 2026; reported, not known to be studied"},
    fresh=(2026120851,),
)
DEFAULT_SEEDS = [*SEEDS.seen, *SEEDS.fresh]

VARIANTS = (
    "full",
    "no link_id",
    "no link_id, no message",
    "nodes: node_id only",
    "clears named by type",
    "no clears",
    "bare",
)


def strip(folder: Path, variant: str) -> None:
    """Rewrite an incident folder's CSVs as ``variant`` describes."""
    nodes, links = pd.read_csv(folder / "nodes.csv"), pd.read_csv(folder / "links.csv")
    alarms = pd.read_csv(folder / "alarms.csv")
    cleared = alarms["severity"].astype(str).str.lower().eq("cleared")
    if variant in ("no link_id", "no link_id, no message"):
        alarms = alarms.drop(columns=["link_id"])
    if variant == "no link_id, no message":
        alarms = alarms.drop(columns=["message"])
    if variant in ("nodes: node_id only", "bare"):
        nodes = nodes[["node_id"]]
    if variant == "clears named by type":
        alarms.loc[cleared, "alarm_type"] = alarms.loc[cleared, "alarm_type"] + "_CLEARED"
        alarms = alarms.drop(columns=["severity"])
    if variant == "no clears":
        alarms = alarms[~cleared].drop(columns=["severity"])
    if variant == "bare":
        links = links[["source", "target"]]
        alarms = alarms[~cleared][["timestamp", "device", "alarm_type"]]
        (folder / "metrics.csv").unlink(missing_ok=True)
    nodes.to_csv(folder / "nodes.csv", index=False)
    links.to_csv(folder / "links.csv", index=False)
    alarms.to_csv(folder / "alarms.csv", index=False)


def variants(size: str, n: int, seed: int) -> list[dict]:
    """AC@k and MRR of every variant on ``n`` incidents of one seed."""
    incidents = [make_incident(size=size, random_state=seed * 100_000 + i) for i in range(n)]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for variant in VARIANTS:
            scores = []
            for inc in incidents:
                folder = inc.write(
                    Path(tmp)
                    / variant.replace(" ", "_").replace(",", "").replace(":", "")
                    / inc.name
                )
                strip(folder, variant)
                back = rca.read_incident(folder)
                scores.append(score_incident(rca.analyze(back), back.truth))
            overall = summarize(scores).to_dict()["overall"]
            rows.append(
                {
                    "variant": variant,
                    "n": len(scores),
                    **{k: overall[k] for k in ("AC@1", "AC@3", "AC@5", "MRR")},
                }
            )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=60)
    parser.add_argument("--size", default="small")
    parser.add_argument(
        "--seeds",
        "--seed",
        type=int,
        nargs="+",
        default=DEFAULT_SEEDS,
        help="corpus seeds (default: seen seed 3 and the fresh one)",
    )
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).parent / "results" / "rca_sparse_inputs.json"
    )
    args = parser.parse_args()
    result = {
        **provenance(),
        "size": args.size,
        "seeds": SEEDS.by_role(args.seeds),
        "by_seed": {},
    }
    for seed in args.seeds:
        rows = variants(args.size, args.n, seed)
        result["by_seed"][str(seed)] = {"role": SEEDS.role(seed), "rows": rows}
        print(f"\n== {args.size}, {SEEDS.label(SEEDS.role(seed), [seed])}: {args.n} incidents ==")
        print(pd.DataFrame(rows).to_string(index=False, float_format="{:.3f}".format))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
