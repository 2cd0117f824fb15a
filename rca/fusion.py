"""Fused ranking: the explain ranker's probabilities, updated by learned sources where they can be trusted.

The explain ranker gives each candidate a calibrated probability of being a
root (:mod:`rca.explain`). A learned source (the failure GNN, the DoWhy
metric attribution) takes part only as a *likelihood ratio*: how much more
often it scores a true root the way it scores this candidate than it scores
other candidates that way. Its score relative to its best candidate, ``r``,
gives the log likelihood ratio ``weight * (log(r + floor) - center)``, and
the fused log odds of a candidate are the explain ranker's log odds plus,
for each source, that ratio times the source's *familiarity* with the
incident: 1 on networks like those it learned from, 0 on networks unlike
them, where it stays silent and the fused ranking is the explain ranking.

``weight`` and ``center`` are fitted by logistic regression with the
explain ranker's log odds as a fixed offset (:func:`fit_source`), on the
development families' dev incidents; ``floor`` is the share credited to a
candidate the source does not list. The GNN's familiarity is measured from
what it learned on (:func:`rca.datasets.familiarity`: the share of the
incident's alarm types and element types that the twin and othersim use); the
attribution reads metrics the same way everywhere, so its familiarity is 1
when the incident has metrics and 0 otherwise.

Torch is imported only when the GNN source runs (``import rca.fusion`` is
torch-free).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from .incident import Incident
from .result import Candidate, RCAResult

__all__ = ["FusionSource", "DEFAULT_SOURCES", "fused_ranking", "fuse", "fit_source"]

# Probabilities are kept inside (0, 1) before taking log odds.
_EPS = 1e-6


@dataclass(frozen=True)
class FusionSource:
    """One learned ranker taking part in the fusion.

    Attributes
    ----------
    name : str
        The key in ``Candidate.scores`` (``"gnn"``...).
    rank : callable
        ``rank(incident, max_candidates) -> RCAResult``.
    weight, center : float
        Its log likelihood ratio is ``weight * (log(r + floor) - center)``,
        where ``r`` is a candidate's score over its best candidate's.
    floor : float
        The share credited to a candidate it does not list (> 0).
    familiarity : callable, optional
        ``familiarity(incident) -> float`` in [0, 1]: how like its training
        data the incident is; the ratio is multiplied by it. None: 1.
    """

    name: str
    rank: Callable[[Incident, int], RCAResult]
    weight: float = 1.0
    center: float = 0.0
    floor: float = 0.01
    familiarity: Callable[[Incident], float] | None = None

    def __post_init__(self) -> None:
        if not (self.weight >= 0 and self.floor > 0):
            raise ValueError(
                f"fusion source {self.name!r}: weight must be >= 0 and floor > 0 "
                f"(got weight={self.weight}, floor={self.floor})"
            )

    def log_ratio(self, share: float) -> float:
        """Its log likelihood ratio for a candidate it scores ``share`` of its best."""
        return self.weight * (math.log(min(max(share, 0.0), 1.0) + self.floor) - self.center)


def _gnn(incident: Incident, max_candidates: int) -> RCAResult:
    from .gnn import localise  # torch, only when the GNN takes part

    return localise(incident, max_candidates=max_candidates)


def _gnn_familiarity(incident: Incident) -> float:
    from .datasets._domain import familiarity

    return familiarity(incident)


def _attribution(incident: Incident, max_candidates: int) -> RCAResult:
    from .causal import attribution_ranking  # dowhy, only when metrics take part

    return attribution_ranking(incident, max_candidates=max_candidates)


def _has_metrics(incident: Incident) -> float:
    return 1.0 if incident.metrics is not None and len(incident.metrics) > 0 else 0.0


#: The learned sources of :func:`fused_ranking`, with their fitted ratios
#: (``python benchmarks/fit_fusion.py``: logistic regression with the
#: explain ranker's log odds as offset, on the dev incidents of the twin
#: and of othersim, with the GNN trained on both families; see
#: ``benchmarks/README.md``).
DEFAULT_SOURCES: tuple[FusionSource, ...] = (
    FusionSource("gnn", _gnn, 0.725, -2.256, 0.01, _gnn_familiarity),
    FusionSource("attribution", _attribution, 0.096, -3.385, 0.01, _has_metrics),
)


def _logit(p: float) -> float:
    p = min(max(p, _EPS), 1.0 - _EPS)
    return math.log(p / (1.0 - p))


def _share(result: RCAResult) -> dict[tuple[str, str], float]:
    """Each candidate's score over the source's best (the source's relative score)."""
    if not result.candidates:
        return {}
    best = max(float(c.score) for c in result.candidates)
    if best <= 0:
        return {}
    return {(c.entity, c.kind): float(c.score) / best for c in result.candidates}


def fuse(
    explain: RCAResult,
    others: Sequence[tuple[FusionSource, RCAResult, float]],
    *,
    max_candidates: int = 20,
) -> list[Candidate]:
    """Update the explain ranker's probabilities with each source's weighted likelihood ratio.

    Parameters
    ----------
    explain : RCAResult
        The explain ranker's answer (its scores are probabilities).
    others : sequence of (FusionSource, RCAResult, float)
        Each learned source, its ranking and its familiarity with the
        incident. A source with no candidates, or familiarity 0, takes no part.
    max_candidates : int, default 20

    Returns
    -------
    list of Candidate
        The explain ranker's candidates, re-scored and re-ranked; each keeps
        the per-source scores in ``scores`` and its fused probability as
        ``score``. The candidates are the explain ranker's: a learned source
        re-weighs the hypotheses that explain the alarms, it adds none.
    """
    shares = [(src, _share(res), fam) for src, res, fam in others if res.candidates and fam > 0]
    out = []
    for c in explain.candidates:
        key = (c.entity, c.kind)
        z = _logit(float(c.score))
        scores = dict(c.scores)
        for src, share, fam in shares:
            r = share.get(key, 0.0)
            scores[src.name] = r
            z += fam * src.log_ratio(r)
        p = 1.0 / (1.0 + math.exp(-z))
        scores["fused"] = p
        out.append(replace(c, score=p, scores=scores))
    out.sort(key=lambda c: (-c.score, c.rank))
    return [replace(c, rank=k) for k, c in enumerate(out[: int(max_candidates)], start=1)]


def fused_ranking(
    incident: Incident, *, max_candidates: int = 20, sources: Sequence[FusionSource] | None = None
) -> RCAResult:
    """Rank root causes with the learned sources fused in (``rca analyze --method fused``).

    Parameters
    ----------
    incident : Incident
    max_candidates : int, default 20
    sources : sequence of FusionSource, optional
        Default :data:`DEFAULT_SOURCES` (the GNN, and the DoWhy metric
        attribution when the incident has metrics).

    Returns
    -------
    RCAResult
        ``method="fused"``; notes of every source are kept, and each
        source's familiarity with the incident is noted.

    Examples
    --------
    >>> from rca.datasets import make_incident
    >>> inc = make_incident(fault="node_down", size="small", random_state=2)
    >>> res = fused_ranking(inc, max_candidates=5)
    >>> res.method, {"explain", "fused"} <= set(res[0].scores)
    ('fused', True)
    """
    from .explain import ExplainRanker

    start = time.perf_counter()
    chosen = tuple(DEFAULT_SOURCES if sources is None else sources)
    depth = max(int(max_candidates), 20)
    explain = ExplainRanker(max_candidates=depth).rank(incident)
    others = []
    notes = list(explain.notes)
    for src in chosen:
        fam = 1.0 if src.familiarity is None else float(src.familiarity(incident))
        if fam <= 0 or src.weight == 0:
            notes.append(f"{src.name}: no part (familiarity {fam:.2f}, weight {src.weight:g})")
            continue
        res = src.rank(incident, depth)
        notes.append(f"{src.name}: familiarity {fam:.2f}")
        notes.extend(f"{src.name}: {n}" for n in res.notes)
        others.append((src, res, fam))
    candidates = fuse(explain, others, max_candidates=max_candidates)
    result = RCAResult(
        incident.name,
        tuple(candidates),
        time.perf_counter() - start,
        "fused",
        len(incident.alarms),
        tuple(dict.fromkeys(notes)),
        confident=bool(candidates) and candidates[0].score >= _confident_at(),
        ties=_ties(candidates, explain),
    )
    if (
        incident.metrics is not None
        and len(incident.metrics) > 0
        and any(s.name == "gnn" for s, _, _ in others)
    ):
        # the congestion forecaster adds evidence to congested candidates (ranking unchanged)
        from .gnn import forecast_evidence

        result = replace(forecast_evidence(result, incident), seconds=time.perf_counter() - start)
    return result


def _confident_at() -> float:
    from .explain._ranker import CONFIDENT_AT

    return CONFIDENT_AT


def _ties(candidates: list[Candidate], explain: RCAResult) -> tuple[tuple[int, ...], ...]:
    """The explain ranker's tie groups, at the candidates' new ranks (still equal after fusion)."""
    rank_of = {(c.entity, c.kind): c.rank for c in candidates}
    by_old = {c.rank: (c.entity, c.kind) for c in explain.candidates}
    out = []
    for group in explain.ties:
        ranks = sorted(rank_of[by_old[r]] for r in group if r in by_old and by_old[r] in rank_of)
        if len(ranks) > 1:
            out.append(tuple(ranks))
    return tuple(out)


def fit_source(
    rows: Sequence[tuple[float, float, float, bool]], *, floor: float = 0.01, l2: float = 1e-3
) -> tuple[float, float]:
    """Fit a source's ``weight`` and ``center`` by logistic regression with the explain log odds as offset.

    Parameters
    ----------
    rows : sequence of (explain_probability, share, familiarity, is_root)
        One row per candidate of each development incident.

    Returns
    -------
    (weight, center)
        ``weight`` is kept at least 0: a source that scores true roots
        lower than others is no evidence for them.

    Examples
    --------
    >>> rows = [(0.5, 1.0, 1.0, True), (0.5, 0.1, 1.0, False)] * 20
    >>> w, c = fit_source(rows)
    >>> w > 0
    True
    """
    from scipy.optimize import minimize

    data = np.asarray(
        [(_logit(p), math.log(min(max(r, 0.0), 1.0) + floor), f, y) for p, r, f, y in rows],
        dtype=np.float64,
    )
    if not len(data):
        return 0.0, 0.0
    offset, x, fam, y = data.T

    def loss(theta: np.ndarray) -> float:
        w, b = theta  # log ratio = w * x - b = w * (x - b / w)
        z = offset + fam * (w * x - b)
        return float(np.sum(np.logaddexp(0.0, z) - y * z) + l2 * (w * w + b * b))

    res = minimize(loss, np.zeros(2), method="L-BFGS-B", bounds=[(0.0, 20.0), (-50.0, 50.0)])
    w, b = res.x
    return float(w), float(b / w) if w > 1e-9 else 0.0
