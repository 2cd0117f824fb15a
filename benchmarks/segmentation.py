"""Segmentation of long alarm logs: adjusted Rand index of alarms to incidents, and AC@1 after segmentation.

Each "day" (benchmarks/_days.py) is one network with k incidents at random
times over 24 hours (about a third start within ten minutes of the previous
one), plus the family's background noise; every alarm is labelled with its
incident or as background. For each family and day:

* ARI: adjusted Rand index between the true labels (incident or background,
  background as one class) and rca.segment's labels (segment or background);
* found: true incidents whose alarms lie mostly (plurality) in one segment;
  segments: how many rca.segment cut; background kept: the share of
  background alarms it left as background;
* AC@1 end to end: for each true incident, the segment holding most of its
  alarms is analysed (rca.analyze, explain) as the report would analyse it,
  and scored against the incident's roots (0 when its alarms are mostly left
  as background);
* AC@1 oracle: the same with a perfect segmentation (its own alarms plus the
  background in its window), the ceiling for the end-to-end figure;
* AC@1 whole log: the day analysed as one incident, as before this branch
  (each true incident scores when its root is the rank-1 answer).

    python benchmarks/segmentation.py --days 4 --seed 101          # fresh seeds, all families
    python benchmarks/segmentation.py --days 2 --seed 1 --families twin,othersim   # the dev days

Writes benchmarks/results/segmentation.json (netrca version, git commit, command).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import _days  # noqa: E402
from _provenance import git_commit  # noqa: E402

import rca  # noqa: E402
from rca.evaluation import score_incident  # noqa: E402
from rca.incident import Incident  # noqa: E402
from rca.segment import segment  # noqa: E402


def _ari(a: np.ndarray, b: np.ndarray) -> float:
    from sklearn.metrics import adjusted_rand_score

    return float(adjusted_rand_score(a, b))


def _ac1(result, truth) -> float:
    return float(score_incident(result, truth).ac[0])


def one_day(
    family: str, seed: int, k: int, size: str, context: str, whole: bool, params: dict | None = None
) -> dict:
    started = time.perf_counter()
    day = _days.make_day(family, k=k, size=size, seed=seed)
    made = time.perf_counter() - started
    log = day.alarm_log()
    metrics = day.metric_log()
    truth = log.frame["truth_incident"].to_numpy()
    t0 = time.perf_counter()
    seg = segment(log, day.topology, metrics, name=f"{family}-{seed}", **(params or {}))
    seg_s = time.perf_counter() - t0
    pred = seg.labels
    rows = []
    cache: dict[int, object] = {}
    times = log.frame["time"].to_numpy()
    for j, t in enumerate(day.truths):
        mine = truth == j
        if not mine.any():
            rows.append(
                {"incident": j, "n_alarms": 0, "found": False, "ac1": 0.0, "oracle_ac1": 0.0}
            )
            continue
        labels, counts = np.unique(pred[mine], return_counts=True)
        best = int(labels[np.argmax(counts)])
        if best >= 0:
            if best not in cache:
                cache[best] = rca.analyze(seg.incident(best, context=context))
            ac1 = _ac1(cache[best], t)
        else:
            ac1 = 0.0
        lo, hi = times[mine].min(), times[mine].max()
        oracle_rows = mine | ((truth < 0) & (times >= lo) & (times <= hi))
        oracle = Incident(day.topology, _subset(log, oracle_rows), None, None, name=f"oracle-{j}")
        rows.append(
            {
                "incident": j,
                "n_alarms": int(mine.sum()),
                "found": best >= 0,
                "segment": best,
                "ac1": ac1,
                "oracle_ac1": _ac1(rca.analyze(oracle), t),
                "faults": [r.fault for r in t.root_causes],
            }
        )
    out = {
        "family": family,
        "seed": seed,
        "alarms": int(len(truth)),
        "background_share": float((truth < 0).mean()),
        "incidents": len(day.truths),
        "segments": len(seg),
        "found": int(sum(r["found"] for r in rows)),
        "ari": _ari(truth, pred),
        "background_kept": float((pred[truth < 0] < 0).mean()) if (truth < 0).any() else None,
        "incident_alarms_placed": float((pred[truth >= 0] >= 0).mean()),
        "ac1": float(np.mean([r["ac1"] for r in rows])),
        "oracle_ac1": float(np.mean([r["oracle_ac1"] for r in rows])),
        "segment_seconds": seg_s,
        "make_seconds": made,
        "per_incident": rows,
    }
    if whole:
        result = rca.analyze(Incident(day.topology, log, metrics, None, name="whole"))
        out["whole_ac1"] = float(np.mean([_ac1(result, t) for t in day.truths]))
    return out


def _subset(log, mask):
    from rca import AlarmLog

    return AlarmLog(log.frame.loc[mask], report=log.report, source=log.source)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--families", default=",".join(_days.FAMILIES))
    p.add_argument("--days", type=int, default=4)
    p.add_argument(
        "--seed", type=int, default=101, help="first day's seed (dev days: 1, 2; fresh: 101 on)"
    )
    p.add_argument("--k", type=int, default=8, help="incidents per day")
    p.add_argument("--size", default="medium")
    p.add_argument("--context", default="segment", choices=["window", "segment"])
    p.add_argument(
        "--params",
        type=json.loads,
        default={},
        help="constants of rca.Segmenter to try, as JSON (e.g. '{\"flap_s\": 180}'); default: its defaults",
    )
    p.add_argument(
        "--no-whole", action="store_true", help="skip analysing each day as one incident"
    )
    p.add_argument("--out", type=Path, default=HERE / "results" / "segmentation.json")
    args = p.parse_args(argv)
    days = []
    for family in args.families.split(","):
        for d in range(args.days):
            r = one_day(
                family,
                args.seed + d,
                args.k,
                args.size,
                args.context,
                not args.no_whole,
                args.params,
            )
            days.append(r)
            print(
                f"{family:9s} seed {r['seed']}: {r['alarms']:6d} alarms ({100 * r['background_share']:.0f} % background) "
                f"ARI {r['ari']:.3f}  found {r['found']}/{r['incidents']} in {r['segments']} segments  "
                f"AC@1 {r['ac1']:.3f} (oracle {r['oracle_ac1']:.3f}"
                + (f", whole log {r['whole_ac1']:.3f}" if "whole_ac1" in r else "")
                + ")",
                flush=True,
            )
    table = {}
    for family in args.families.split(","):
        rs = [r for r in days if r["family"] == family]
        inc = [x for r in rs for x in r["per_incident"]]
        table[family] = {
            "days": len(rs),
            "incidents": len(inc),
            "ari": float(np.mean([r["ari"] for r in rs])),
            "found": int(sum(r["found"] for r in rs)),
            "segments": int(sum(r["segments"] for r in rs)),
            "background_kept": float(
                np.mean([r["background_kept"] for r in rs if r["background_kept"] is not None])
            ),
            "ac1": float(np.mean([x["ac1"] for x in inc])),
            "oracle_ac1": float(np.mean([x["oracle_ac1"] for x in inc])),
            "whole_ac1": float(np.mean([r["whole_ac1"] for r in rs]))
            if all("whole_ac1" in r for r in rs)
            else None,
            "alarms_per_day": float(np.mean([r["alarms"] for r in rs])),
        }
    print(
        "\n| family | days | incidents | alarms/day | ARI | found | segments | background kept | AC@1 after "
        "segmentation | AC@1 oracle | AC@1 whole log |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for family, t in table.items():
        whole = f"{t['whole_ac1']:.3f}" if t["whole_ac1"] is not None else ""
        print(
            f"| {family} | {t['days']} | {t['incidents']} | {t['alarms_per_day']:.0f} | {t['ari']:.3f} | {t['found']} | "
            f"{t['segments']} | {t['background_kept']:.3f} | {t['ac1']:.3f} | {t['oracle_ac1']:.3f} | {whole} |"
        )
    commit = git_commit(short=False) or "unknown"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(
        json.dumps(
            {
                "netrca_version": rca.__version__,
                "commit": commit,
                "command": "python benchmarks/segmentation.py " + " ".join(argv or sys.argv[1:]),
                "table": table,
                "days": days,
            },
            indent=1,
        )
    )
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
