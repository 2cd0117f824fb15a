"""Fused ranking: several root-cause rankers combined into one answer.

Each source (the explain-the-alarms ranker, the failure GNN, the DoWhy metric
attribution) ranks candidates on its own. They are combined by weighted
reciprocal-rank fusion: a candidate earns ``weight / (k + rank)`` from every
source that ranks it, so no source's score scale has to be trusted, and a
candidate that two sources rank high beats one that a single source ranks
first. The explain ranker's multi-root structure survives because its
independent roots sit at its first ranks, and the fusion keeps its order
among them unless another source disagrees strongly. Evidence of every source
is kept (explain first), and ``Candidate.scores`` holds each source's score.

The first source (the explain ranker, which needs no training data) keeps
its top candidate first when that candidate leads its runner-up by at least
:data:`LEAD_MARGIN` of its score: a learned source may break the explain
ranker's near-ties and reorder what follows, not overrule a clear answer. On
our twin the GNN alone is better at rank 1 than this fusion; on the
independently written simulator (``benchmarks/othersim``), whose networks
and alarms the GNN never saw, the explain ranker is, and there an
unconditional vote let the GNN's twin habits pull right answers down
(``benchmarks/independent_sim.py``).

Torch is imported only when the GNN source runs (``import rca.fusion`` is
torch-free).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from .incident import Incident
from .result import Candidate, RCAResult

__all__ = ["FusionSource", "DEFAULT_SOURCES", "fused_ranking", "fuse"]

#: Reciprocal-rank offset: how quickly the credit for lower ranks decays.
RANK_OFFSET = 1.0

#: The first source's top candidate stays first when its score leads the
#: runner-up's by at least this share (the explain ranker's priors separate
#: near-equivalent answers, such as a dead leaf and its only link, by 1-2 %).
LEAD_MARGIN = 0.02


@dataclass(frozen=True)
class FusionSource:
    """One ranker taking part in the fusion.

    Attributes
    ----------
    name : str
        The key in ``Candidate.scores`` (``"explain"``, ``"gnn"``...).
    rank : callable
        ``rank(incident, max_candidates) -> RCAResult``.
    weight : float
        Its share of the vote.
    """

    name: str
    rank: Callable[[Incident, int], RCAResult]
    weight: float = 1.0


def _explain(incident: Incident, max_candidates: int) -> RCAResult:
    from .explain import ExplainRanker

    return ExplainRanker(max_candidates=max_candidates).rank(incident)


def _gnn(incident: Incident, max_candidates: int) -> RCAResult:
    from .gnn import localise  # torch, only when the GNN votes

    return localise(incident, max_candidates=max_candidates)


def _attribution(incident: Incident, max_candidates: int) -> RCAResult:
    from .causal import attribution_ranking  # dowhy, only when metrics vote

    return attribution_ranking(incident, max_candidates=max_candidates)


#: The sources of :func:`fused_ranking` by default, with their weights
#: (explain and GNN chosen on held-out twin incidents, seeds disjoint from
#: training and from the benchmark, see ``benchmarks/gnn_propagation.py``;
#: the DoWhy metric attribution, which abstains without metrics, at 0.6:
#: on held-out twin corpora it moved fused AC@1 0.75 -> 0.775 (medium) and
#: AC@5 0.967 -> 0.983 (small), and its weight was not tuned further).
DEFAULT_SOURCES: tuple[FusionSource, ...] = (
    FusionSource("explain", _explain, 1.0),
    FusionSource("gnn", _gnn, 1.0),
    FusionSource("attribution", _attribution, 0.6),
)


def fuse(results: Sequence[tuple[FusionSource, RCAResult]], *, max_candidates: int = 20,
         rank_offset: float = RANK_OFFSET, lead_margin: float | None = LEAD_MARGIN) -> list[Candidate]:
    """Combine ranked results by weighted reciprocal-rank fusion.

    Parameters
    ----------
    results : sequence of (FusionSource, RCAResult)
        Each source with its ranking; the first source's candidate (fault,
        reason) is preferred when several rank the same entity.
    max_candidates : int, default 20
    rank_offset : float
        ``k`` of ``weight / (k + rank)``.
    lead_margin : float or None, default LEAD_MARGIN
        The first source's top candidate is put first when its score leads
        that source's second candidate by at least this share of it
        (``(s1 - s2) / s1``). ``None`` fuses every rank.

    Returns
    -------
    list of Candidate
        Best first; ``score`` is the fused credit over the most a candidate
        could earn (first everywhere), so in [0, 1].
    """
    credit: dict[tuple[str, str], float] = {}
    first: dict[tuple[str, str], Candidate] = {}
    evidence: dict[tuple[str, str], list] = {}
    per_source: dict[tuple[str, str], dict[str, float]] = {}
    best_possible = sum(src.weight for src, _ in results) / (rank_offset + 1.0)
    for src, res in results:
        for c in res.candidates:
            key = (c.entity, c.kind)
            credit[key] = credit.get(key, 0.0) + src.weight / (rank_offset + c.rank)
            first.setdefault(key, c)
            evidence.setdefault(key, []).extend(c.evidence)
            per_source.setdefault(key, {})[src.name] = float(c.score)
    order = sorted(credit, key=lambda k: (-credit[k], first[k].rank, k))
    leader = _clear_leader(results[0][1], lead_margin) if results else None
    if leader is not None:
        order.remove(leader)
        order.insert(0, leader)
    out = []
    for rank, key in enumerate(order[: int(max_candidates)], start=1):
        c = first[key]
        scores = {**per_source[key], "fused": credit[key] / best_possible if best_possible else 0.0}
        out.append(replace(c, rank=rank, score=min(1.0, scores["fused"]), evidence=tuple(evidence[key]),
                           scores=scores))
    return out


def _clear_leader(result: RCAResult, lead_margin: float | None) -> tuple[str, str] | None:
    """The top candidate of ``result`` if it leads the second by ``lead_margin`` of its score, else None."""
    cands = result.candidates
    if lead_margin is None or not cands or cands[0].score <= 0:
        return None
    second = cands[1].score if len(cands) > 1 else 0.0
    if (cands[0].score - second) / cands[0].score < lead_margin:
        return None
    return (cands[0].entity, cands[0].kind)


def fused_ranking(incident: Incident, *, max_candidates: int = 20,
                  sources: Sequence[FusionSource] | None = None,
                  lead_margin: float | None = LEAD_MARGIN) -> RCAResult:
    """Rank root causes with every source combined (``rca analyze --method fused``).

    Parameters
    ----------
    incident : Incident
    max_candidates : int, default 20
    sources : sequence of FusionSource, optional
        Default :data:`DEFAULT_SOURCES` (the explain ranker, the GNN and,
        when the incident has metrics, the DoWhy metric attribution). Add a
        source by passing ``(*DEFAULT_SOURCES, FusionSource(name, rank, weight))``.
    lead_margin : float or None, default LEAD_MARGIN
        See :func:`fuse`: the first source's clear top answer stays first.

    Returns
    -------
    RCAResult
        ``method="fused"``; notes of every source are kept.

    Examples
    --------
    >>> from rca.datasets import make_incident
    >>> inc = make_incident(fault="node_down", size="small", random_state=2)
    >>> res = fused_ranking(inc, max_candidates=5)
    >>> res.method, {"explain", "gnn", "fused"} <= set(res[0].scores)
    ('fused', True)
    """
    start = time.perf_counter()
    chosen = tuple(DEFAULT_SOURCES if sources is None else sources)
    if not chosen:
        raise ValueError("fused_ranking needs at least one source")
    depth = max(int(max_candidates), 20)
    results = [(src, src.rank(incident, depth)) for src in chosen]
    candidates = fuse(results, max_candidates=max_candidates, lead_margin=lead_margin)
    notes = tuple(dict.fromkeys(f"{src.name}: {n}" for src, res in results for n in res.notes))
    result = RCAResult(incident.name, tuple(candidates), time.perf_counter() - start, "fused",
                       len(incident.alarms), notes)
    if incident.metrics is not None and len(incident.metrics) > 0:
        # the congestion forecaster adds evidence to congested candidates (ranking unchanged)
        from .gnn import forecast_evidence

        result = replace(forecast_evidence(result, incident), seconds=time.perf_counter() - start)
    return result
