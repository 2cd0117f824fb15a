"""Root localisation and failure propagation on held-out twin incidents.

Localisation (AC@1, AC@3, AC@5, MRR, median latency) for:

- ``explain``: the explain-the-alarms ranker (:class:`rca.explain.ExplainRanker`);
- ``gnn``: the shipped failure GNN (:func:`rca.gnn.localise`);
- ``mlp``: the same features and heads without message passing
  (``FailureGNN(layers=0)``, trained on the same corpus with the same recipe);
- ``ppr``: personalised PageRank over the element graph, personalised by
  each element's alarms in the incident window;
- ``attribution``: the DoWhy metric attribution alone
  (:func:`rca.causal.attribution_ranking`; empty without metrics);
- ``explain+gnn``: the explain ranker updated by the GNN alone;
- ``fused``: :func:`rca.fusion.fused_ranking` with its default sources
  (the GNN and, when the incident has metrics, the attribution).

Corpora, drawn for each seed: small and medium twin networks with one and
with two roots, every fault type and alarm vocabulary, and networks grown
around Topology Zoo cores. Several seeds pooled (800 incidents for four
seeds at the default ``--n``) because the sources' AC@1 differ by a point or
two, well within one seed's spread (about 3 points on 200 incidents).

Seeds (``benchmarks/_seeds.py`` says what the roles mean); none is the
training corpus's (``PROPAGATION_RECIPE["data_seed"]``):

- dev 20261206, 31337, 5150, 8086: this benchmark's corpora until December
  2026, called held-out then. 20261206 was its only seed for a while; the
  fusion's rules were compared on all four, so their figures are in-sample.
- seen 2026120821-2026120824: reported once, with the ranker and fusion of
  commit 3c9f592; their misses were not studied.
- fresh 2026120851 .. 2026120854: never run before the record that reports
  them. Report these.

A plain run prints one table for the dev seeds and one for the fresh seeds
(each pooled). The propagation figures (GNN vs MLP) use noise-free
incidents of seed 20261206 (dev: reported before).

Propagation (GNN vs MLP) on noise-free single-root incidents: symptom AUC
and F1 (at probability 0.5) over all elements, and the mean absolute error of
the predicted delay to the first alarm on elements that did alarm.

Usage::

    nice python benchmarks/gnn_propagation.py            # 40 incidents per corpus and seed, 8 seeds
    nice python benchmarks/gnn_propagation.py --n 10 --seeds 20261206   # quicker

Writes ``benchmarks/results/gnn_propagation.json``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import torch
from _provenance import provenance
from _seeds import Seeds

from rca.causal import attribution_ranking
from rca.datasets import FAULT_TYPES, VOCABULARIES, make_incident, make_network
from rca.evaluation import score_incident, summarize
from rca.explain import ExplainRanker
from rca.fusion import DEFAULT_SOURCES, fused_ranking
from rca.gnn import FailureGNN, failure_graph, localise, propagation_sample
from rca.gnn._corpus import zoo_cores
from rca.gnn._graph_data import OBSERVED_FEATURES, STRUCTURE_FEATURES
from rca.gnn._recipes import PROPAGATION_RECIPE, corpus_key, propagation_corpus
from rca.result import Candidate, Evidence, RCAResult

# training uses PROPAGATION_RECIPE["data_seed"]; the fusion and the explain ranker were tuned on seeds
# 777 and 424242 (this benchmark's earlier seeds). 20261206 was its only seed for a while, then the other
# three were added; the fusion's rules were compared on all four.
SEEDS = Seeds(
    dev={
        20261206: "this benchmark's first seed; fusion rules compared on it",
        31337: "added later; fusion rules compared on it",
        5150: "added later; fusion rules compared on it",
        8086: "added later; fusion rules compared on it",
    },
    seen={
        s: "reported with the ranker and fusion of commit 3c9f592 (before the alarm roles were "
        "made vendor-independent and the weights retrained); misses not studied"
        for s in (2026120821, 2026120822, 2026120823, 2026120824)
    },
    fresh=(2026120851, 2026120852, 2026120853, 2026120854),
)
DEFAULT_SEEDS = SEEDS.default()
PROPAGATION_SEED = 20261206  # the noise-free propagation corpus (dev)
VOCABS = (*sorted(VOCABULARIES), "mixed")
_N_ALARMS = len(STRUCTURE_FEATURES) + OBSERVED_FEATURES.index("n_alarms")


def ppr(incident) -> RCAResult:
    """Personalised PageRank on the element graph, personalised by alarms in the incident window."""
    t = time.perf_counter()
    topo = incident.topology
    data = failure_graph(topo, incident.alarms, incident.metrics)
    n = topo.n_nodes
    weight = np.expm1(
        4 * data.x[:n, _N_ALARMS].double().numpy()
    )  # alarms per element in the window
    ids = topo.node_ids
    if weight.sum() <= 0:
        weight = np.ones(n)
    rank = nx.pagerank(
        nx.Graph(topo.graph),
        alpha=0.85,
        personalization={v: float(w) + 1e-9 for v, w in zip(ids, weight)},
    )
    order = sorted(ids, key=lambda v: (-rank[v], v))[:20]
    cands = tuple(
        Candidate(i + 1, v, "node", float(rank[v]), "node_down", "ppr", (Evidence((v,), "ppr"),))
        for i, v in enumerate(order)
    )
    return RCAResult(incident.name, cands, time.perf_counter() - t, "ppr")


def corpora(n: int, seed: int) -> dict[str, list]:
    """Held-out incidents of one seed: fault types cycled, vocabularies cycled, noise 0.5-2."""
    zoo = zoo_cores()
    out: dict[str, list] = {}
    specs = [
        ("small/1 root", "small", 1),
        ("small/2 roots", "small", 2),
        ("medium/1 root", "medium", 1),
        ("medium/2 roots", "medium", 2),
    ]
    for c, (name, size, roots) in enumerate(specs):
        incs = []
        for i in range(n):
            rng = np.random.default_rng([seed, c, i])
            fault = FAULT_TYPES[i % len(FAULT_TYPES)] if roots == 1 else None
            for _ in range(5):
                try:
                    incs.append(
                        make_incident(
                            size=size,
                            fault=fault,
                            n_roots=roots,
                            noise=float(rng.uniform(0.5, 2)),
                            random_state=rng,
                            vocabulary=VOCABS[i % len(VOCABS)],
                            name=f"{size}-{roots}-{i:03d}",
                        )
                    )
                    break
                except Exception:  # noqa: BLE001 - a fault the network cannot host: redraw
                    fault = None
        out[name] = incs
    if zoo:
        incs = []
        for i in range(n):
            rng = np.random.default_rng([seed, 9, i])
            core = zoo[(i * 7) % len(zoo)]
            net = make_network(int(rng.integers(80, 200)), core=core, random_state=rng)
            incs.append(
                make_incident(
                    net,
                    n_roots=1 + i % 2,
                    noise=float(rng.uniform(0.5, 2)),
                    random_state=rng,
                    vocabulary=VOCABS[i % len(VOCABS)],
                    name=f"zoo-{core.stem}-{i:03d}",
                )
            )
        out["zoo cores"] = incs
    return out


def propagation_quality(models: dict[str, FailureGNN], n: int) -> dict:
    """Symptom AUC / F1 and delay MAE on held-out noise-free single-root incidents."""
    from sklearn.metrics import f1_score, roc_auc_score

    samples = []
    for i in range(n):
        rng = np.random.default_rng([PROPAGATION_SEED, 99, i])
        fault = [f for f in FAULT_TYPES if f != "fiber_cut"][i % (len(FAULT_TYPES) - 1)]
        try:
            inc = make_incident(
                size=("small", "medium")[i % 2],
                fault=fault,
                noise=0.0,
                random_state=rng,
                vocabulary=VOCABS[i % len(VOCABS)],
            )
        except Exception:  # noqa: BLE001
            continue
        samples.append(propagation_sample(inc))
    out = {}
    for name, model in models.items():
        ys, ps, dt, dp = [], [], [], []
        for s in samples:
            res = model.forward(s)
            ok = torch.isfinite(s.y_symptom)
            ys.append(s.y_symptom[ok].numpy())
            ps.append(torch.sigmoid(res["symptom"][ok]).numpy())
            d = torch.isfinite(s.y_delay)
            dt.append(np.expm1(s.y_delay[d].numpy()))
            dp.append(np.expm1(np.clip(res["delay"][d].numpy(), 0, 12)))
        y, p = np.concatenate(ys), np.concatenate(ps)
        out[name] = {
            "n_incidents": len(samples),
            "n_elements": int(len(y)),
            "positive_share": float(y.mean()),
            "symptom_auc": float(roc_auc_score(y, p)),
            "symptom_f1": float(f1_score(y, p >= 0.5)),
            "delay_mae_s": float(np.mean(np.abs(np.concatenate(dt) - np.concatenate(dp)))),
            "delay_median_ae_s": float(np.median(np.abs(np.concatenate(dt) - np.concatenate(dp)))),
        }
    return out


def mlp_baseline(cache: Path) -> FailureGNN:
    """``FailureGNN(layers=0)`` trained with the shipped recipe on the same corpus (cached under ``cache``)."""
    params = dict(PROPAGATION_RECIPE)
    path = cache / f"netrca-failure-mlp-{corpus_key(params)}.pt"
    if path.is_file():
        return FailureGNN.load(path)
    samples = propagation_corpus(params, cache_dir=cache)
    keys = ("hidden", "epochs", "lr", "batch_size", "random_state")
    model = FailureGNN(**{k: params[k] for k in keys}, layers=0).fit(samples)
    model.save(path)
    return model


def localisation(methods: dict, seeds: list[int], n: int) -> dict:
    """Localisation figures per corpus and overall, the corpora of ``seeds`` pooled."""
    scores: dict[tuple[str, str], list] = {}  # (corpus, method) -> per-incident scores, every seed
    secs: dict[tuple[str, str], list] = {}
    for seed in seeds:  # one seed's incidents at a time: the corpora of four do not fit at once
        for cname, incs in corpora(n, seed).items():
            for mname, run in methods.items():
                for inc in incs:
                    t = time.perf_counter()
                    res = run(inc)
                    secs.setdefault((cname, mname), []).append(time.perf_counter() - t)
                    scores.setdefault((cname, mname), []).append(score_incident(res, inc.truth))
    out: dict = {"seeds": seeds, "corpora": {}, "overall": {}}
    all_scores: dict[str, list] = {m: [] for m in methods}
    for (cname, mname), got in scores.items():
        all_scores[mname] += got
        overall = summarize(got, method=mname).to_dict()["overall"]
        out["corpora"].setdefault(cname, {})[mname] = {
            "corpus": cname,
            "method": mname,
            "n": len(got),
            **{k: overall[k] for k in ("AC@1", "AC@3", "AC@5", "MRR")},
            "median_ms": 1000 * statistics.median(secs[cname, mname]),
        }
    for mname, got in all_scores.items():
        overall = summarize(got, method=mname).to_dict()["overall"]
        out["overall"][mname] = {
            "corpus": "all",
            "method": mname,
            "n": len(got),
            **{k: overall[k] for k in ("AC@1", "AC@3", "AC@5", "MRR")},
            "median_ms": float("nan"),
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=40, help="incidents per corpus and seed")
    parser.add_argument(
        "--seeds",
        type=int,
        nargs="+",
        default=DEFAULT_SEEDS,
        help="corpus seeds (default: the dev seeds and the fresh ones)",
    )
    parser.add_argument(
        "--cache", type=Path, default=Path("/tmp"), help="where the MLP baseline is cached"
    )
    parser.add_argument(
        "--out", type=Path, default=Path(__file__).parent / "results" / "gnn_propagation.json"
    )
    args = parser.parse_args()
    torch.set_num_threads(1)
    gnn = FailureGNN.pretrained()
    mlp = mlp_baseline(args.cache)
    explain_gnn = [src for src in DEFAULT_SOURCES if src.name == "gnn"]
    methods = {
        "explain": lambda inc: ExplainRanker().rank(inc),
        "gnn": lambda inc: localise(inc, model=gnn),
        "mlp": lambda inc: localise(inc, model=mlp),
        "ppr": ppr,
        "attribution": lambda inc: attribution_ranking(inc),
        "explain+gnn": lambda inc: fused_ranking(inc, sources=explain_gnn),
        "fused": lambda inc: fused_ranking(inc),
    }
    roles = SEEDS.by_role(args.seeds)
    result = {**provenance(), "seeds": roles, "n_per_corpus": args.n, "roles": {}}
    for role, seeds in roles.items():
        result["roles"][role] = localisation(methods, seeds, args.n)
        print(f"\n== localisation, {SEEDS.label(role, seeds)} ==")
        table = pd.DataFrame(
            [row for corpus in result["roles"][role]["corpora"].values() for row in corpus.values()]
            + list(result["roles"][role]["overall"].values())
        )
        with pd.option_context("display.width", 200, "display.float_format", "{:.3f}".format):
            print(table.to_string(index=False))
    prop = propagation_quality({"gnn": gnn, "mlp": mlp}, max(args.n, 20))
    result["propagation"] = {"seed": PROPAGATION_SEED, "role": SEEDS.role(PROPAGATION_SEED), **prop}
    print(
        f"\n== propagation, {SEEDS.label(SEEDS.role(PROPAGATION_SEED), [PROPAGATION_SEED])}, noise-free =="
    )
    print(pd.DataFrame(prop).T.to_string(float_format="{:.3f}".format))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
