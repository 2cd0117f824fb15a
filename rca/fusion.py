"""Fused ranking: several root-cause rankers combined into one answer.

Each source (the explain-the-alarms ranker, the failure GNN, the DoWhy metric
attribution) ranks candidates on its own. They are combined as a weighted
product of experts: a source's score for a candidate, relative to its best
candidate's, plus a small floor, is raised to the source's weight, and the
fused score is the product over the sources. A candidate a source does not
list gets only the floor, so two sources agreeing beats one source's first
place; and, unlike a rank vote, a candidate a source scores near zero earns
next to nothing from it, so a learned source's long tail of improbable
candidates cannot push the explain ranker's close alternatives out of the
top three. Evidence of every source is kept (explain first), and
``Candidate.scores`` holds each source's score.

The first source (the explain ranker, which needs no training data) keeps
its top candidate first when that candidate leads its runner-up by at least
:data:`LEAD_MARGIN` of its score: a learned source may break the explain
ranker's near-ties and reorder what follows, not overrule a clear answer. On
our twin the GNN alone is about as good at rank 1 as this fusion; on the
independently written simulator (``benchmarks/othersim``), whose networks
and alarms the GNN never saw, the explain ranker is better, and there an
unconditional vote let the GNN's twin habits pull right answers down
(``benchmarks/independent_sim.py``).

Torch is imported only when the GNN source runs (``import rca.fusion`` is
torch-free).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from .incident import Incident
from .result import Candidate, RCAResult

__all__ = ["FusionSource", "DEFAULT_SOURCES", "fused_ranking", "fuse"]

#: The first source's top candidate stays first when its score leads the
#: runner-up's by at least this share. The explain ranker's priors separate
#: near-equivalent answers, such as a dead leaf and its only link between
#: sites, by 1.5 %, a near-tie the other sources break; a dead leaf behind a
#: cord inside its site leads the cord by 2.5 %, which the fusion keeps.
LEAD_MARGIN = 0.02

# How far above the best fused product a leader kept first by the lead rule is shown.
_ABOVE = 1e-6


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
        The exponent of its relative score in the product: how much it counts.
    floor : float
        Added to its relative score (in [0, 1]) before the power: the credit
        of a candidate it does not list. A small floor makes the source a
        near-veto; a large one makes its disagreement cheap.
    """

    name: str
    rank: Callable[[Incident, int], RCAResult]
    weight: float = 1.0
    floor: float = 0.1

    def __post_init__(self) -> None:
        if not (self.weight >= 0 and self.floor > 0):
            raise ValueError(f"fusion source {self.name!r}: weight must be >= 0 and floor > 0 "
                             f"(got weight={self.weight}, floor={self.floor})")


def _explain(incident: Incident, max_candidates: int) -> RCAResult:
    from .explain import ExplainRanker

    return ExplainRanker(max_candidates=max_candidates).rank(incident)


def _gnn(incident: Incident, max_candidates: int) -> RCAResult:
    from .gnn import localise  # torch, only when the GNN votes

    return localise(incident, max_candidates=max_candidates)


def _attribution(incident: Incident, max_candidates: int) -> RCAResult:
    from .causal import attribution_ranking  # dowhy, only when metrics vote

    return attribution_ranking(incident, max_candidates=max_candidates)


#: The sources of :func:`fused_ranking` by default. The explain ranker counts
#: fully; the GNN's softmax is sharp (a few candidates share nearly all the
#: probability), so it counts at a power of 0.3 with a floor of 0.001: its
#: near-certain answers move the fused order, its long tail barely does. The
#: DoWhy metric attribution abstains without metrics and its scores are coarse
#: shares of the symptoms, so it counts least. Chosen on cached rankings of
#: held-out twin incidents (seeds 777 and 424242) and independent-simulator
#: seeds 1-7; GNN powers 0.3-0.5 and floors 0.0001-0.01 gave the same AC@1
#: within four incidents of the 400 and three of the 840
#: (``benchmarks/gnn_propagation.py``, ``benchmarks/independent_sim.py``).
DEFAULT_SOURCES: tuple[FusionSource, ...] = (
    FusionSource("explain", _explain, 1.0, 0.1),
    FusionSource("gnn", _gnn, 0.3, 0.001),
    FusionSource("attribution", _attribution, 0.2, 0.3),
)


def fuse(results: Sequence[tuple[FusionSource, RCAResult]], *, max_candidates: int = 20,
         lead_margin: float | None = LEAD_MARGIN) -> list[Candidate]:
    """Combine ranked results as a weighted product of the sources' relative scores.

    Parameters
    ----------
    results : sequence of (FusionSource, RCAResult)
        Each source with its ranking; the first source's candidate (fault,
        reason) is preferred when several rank the same entity. A source
        with no candidates (it abstained) takes no part.
    max_candidates : int, default 20
    lead_margin : float or None, default LEAD_MARGIN
        The first source's top candidate is put first when its score leads
        that source's second candidate by at least this share of it
        (``(s1 - s2) / s1``). ``None`` fuses every rank.

    Returns
    -------
    list of Candidate
        Best first; ``scores["fused"]`` is ``prod_s ((r_s + floor_s) / (1 +
        floor_s)) ** weight_s`` over the sources that voted, where ``r_s`` is
        the candidate's score over the source's best score (0 where the
        source does not list it), so in (0, 1] and 1 only for a candidate
        every source puts first. ``score`` is the same, except that a leader
        the lead rule put first shows just above the highest product, so
        that scores fall with the rank.
    """
    voting = [(src, res) for src, res in results if res.candidates]
    first: dict[tuple[str, str], Candidate] = {}
    evidence: dict[tuple[str, str], list] = {}
    per_source: dict[tuple[str, str], dict[str, float]] = {}
    for src, res in voting:
        for c in res.candidates:
            key = (c.entity, c.kind)
            first.setdefault(key, c)
            evidence.setdefault(key, []).extend(c.evidence)
            per_source.setdefault(key, {}).setdefault(src.name, float(c.score))
    best = {src.name: max(float(c.score) for c in res.candidates) for src, res in voting}

    def share(scores: dict[str, float], name: str) -> float:
        """The candidate's score over the source's best, 0 where the source does not list it."""
        return min(max(scores.get(name, 0.0) / best[name], 0.0), 1.0) if best[name] > 0 else 0.0

    log_credit = {key: sum(src.weight * math.log((share(scores, src.name) + src.floor) / (1.0 + src.floor))
                           for src, _ in voting)
                  for key, scores in per_source.items()}
    order = sorted(log_credit, key=lambda k: (-log_credit[k], first[k].rank, k))
    leader = _clear_leader(results[0][1], lead_margin) if results else None
    if leader is not None:
        order.remove(leader)
        order.insert(0, leader)
    # the headline score falls with the rank: a promoted leader shows just above the best
    # product (its own stays in scores["fused"]), never equal to it, so that ordering equal
    # scores by another signal (rca.causal.order_ties_by_chains) cannot undo the lead rule
    best_product = max((v for k, v in log_credit.items() if k != leader), default=-math.inf)
    out = []
    for rank, key in enumerate(order[: int(max_candidates)], start=1):
        c = first[key]
        scores = {**per_source[key], "fused": math.exp(log_credit[key])}
        shown = max(scores["fused"], math.exp(best_product) + _ABOVE) if key == leader else scores["fused"]
        out.append(replace(c, rank=rank, score=min(1.0, shown), evidence=tuple(evidence[key]),
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
