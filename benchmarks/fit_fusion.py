"""Fit the fusion's likelihood ratios of the learned sources (the GNN, the metric attribution).

For every candidate of the explain ranker on the development families' dev
incidents (the twin: seeds 777 and 424242, medium, and 777, large;
othersim: seeds 1-3, medium, and 1-2, large), it records the explain
probability, each source's relative score for the candidate, the source's
familiarity with the incident and whether the candidate is a true root.
Each source's ``weight`` and ``center`` are then fitted by logistic
regression with the explain log odds as offset (:func:`rca.fusion.fit_source`);
the values printed go into ``rca.fusion.DEFAULT_SOURCES``. It also prints
AC@1 / AC@3 of explain alone and of the fusion with the fitted values on the
same incidents (in-sample: the held-out figures are in
``benchmarks/rca_families.py``). Writes ``benchmarks/results/fit_fusion.json``.

Usage::

    nice python benchmarks/fit_fusion.py              # medium 40 and large 20 per seed
    nice python benchmarks/fit_fusion.py --n 10
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

import numpy as np
from _provenance import git_commit

import rca
from rca import read_incident
from rca.datasets import make_incident, othersim
from rca.evaluation import score_incident
from rca.explain import ExplainRanker
from rca.fusion import DEFAULT_SOURCES, fit_source, fuse

DEV = {
    "twin": {"medium": [777, 424242], "large": [777]},
    "othersim": {"medium": [1, 2, 3], "large": [1, 2]},
}


def dev_incidents(n: dict[str, int], tmp: Path):
    for family, sizes in DEV.items():
        for size, seeds in sizes.items():
            for seed in seeds:
                if family == "twin":
                    for i in range(n[size]):
                        yield (
                            family,
                            make_incident(
                                size=size,
                                random_state=seed * 100_000 + i,
                                name=f"twin-{size}-{seed}-{i:03d}",
                            ),
                        )
                else:
                    for folder in othersim.generate_corpus(
                        tmp / f"{size}-{seed}", n[size], size=size, seed=seed
                    ):
                        yield family, read_incident(folder)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--n",
        type=int,
        default=None,
        help="incidents per seed and size (default: medium 40, large 20)",
    )
    parser.add_argument(
        "--json", type=Path, default=Path(__file__).parent / "results" / "fit_fusion.json"
    )
    args = parser.parse_args()
    n = {"medium": args.n or 40, "large": args.n or 20}
    ranker = ExplainRanker()
    cases = []
    with tempfile.TemporaryDirectory() as tmp:
        for family, inc in dev_incidents(n, Path(tmp)):
            explain = ranker.rank(inc)
            runs = []
            for src in DEFAULT_SOURCES:
                fam = float(src.familiarity(inc)) if src.familiarity else 1.0
                res = src.rank(inc, 20) if fam > 0 else None
                runs.append((src, res, fam))
            cases.append((family, inc, explain, runs))
            print(f"\r{len(cases)} incidents", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    fitted = {}
    for k, src in enumerate(DEFAULT_SOURCES):
        rows = []
        for _, inc, explain, runs in cases:
            _, res, fam = runs[k]
            if res is None or not res.candidates:
                continue
            best = max(float(c.score) for c in res.candidates) or 1.0
            share = {(c.entity, c.kind): float(c.score) / best for c in res.candidates}
            truth = {(r.entity, r.kind) for r in inc.truth.root_causes}
            for c in explain.candidates:
                rows.append(
                    (
                        float(c.score),
                        share.get((c.entity, c.kind), 0.0),
                        fam,
                        (c.entity, c.kind) in truth,
                    )
                )
        weight, center = fit_source(rows, floor=src.floor)
        fitted[src.name] = {
            "weight": weight,
            "center": center,
            "floor": src.floor,
            "rows": len(rows),
        }
        print(f"{src.name}: weight {weight:.3f}, center {center:.3f} ({len(rows)} candidate rows)")
    sources = {
        s.name: replace(s, weight=fitted[s.name]["weight"], center=fitted[s.name]["center"])
        for s in DEFAULT_SOURCES
    }
    table = {}
    for family in DEV:
        ac = {"explain": [], "fused": []}
        for fam_name, inc, explain, runs in cases:
            if fam_name != family:
                continue
            fused = fuse(explain, [(sources[s.name], r, f) for s, r, f in runs if r is not None])
            ac["explain"].append(score_incident(explain, inc.truth).ac)
            ac["fused"].append(
                score_incident(replace(explain, candidates=tuple(fused)), inc.truth).ac
            )
        table[family] = {
            m: {
                "AC@1": float(np.mean([a[0] for a in v])),
                "AC@3": float(np.mean([a[2] for a in v])),
                "n": len(v),
            }
            for m, v in ac.items()
        }
        print(family, {m: f"{t['AC@1']:.3f} / {t['AC@3']:.3f}" for m, t in table[family].items()})
    commit = git_commit()
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(
        json.dumps(
            {
                "netrca": rca.__version__,
                "commit": commit,
                "command": "python benchmarks/fit_fusion.py " + " ".join(sys.argv[1:]),
                "dev_seeds": DEV,
                "fitted": fitted,
                "in_sample": table,
            },
            indent=1,
        )
        + "\n"
    )
    print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
