"""Scoring rankings against known root causes: AC@k, Avg@5, MRR, calibration.

Definitions follow ``docs/incident-format.md``, "Scoring":

- AC@k of one incident is the number of its true roots among the first k
  candidates divided by ``min(k, number of true roots)``; AC@k of a set is
  the mean over incidents.
- Avg@5 is the mean of AC@1..AC@5.
- MRR is the mean over *all true roots* (not over incidents) of 1 / rank,
  0 when the root is absent.

A root matches a candidate with the same entity id and the same kind. A link
id of the form ``X--Y`` (exactly one ``--``) is compared with its two ends
sorted, so a truth written ``B--A`` matches a candidate ``A--B``.

Beyond the spec's figures this module records, per incident, the rank-1
answer: its score (a calibrated probability, per the spec), whether it is a
true root (``top_hit``), whether it also names the right fault family
(``top_fault_hit``, :func:`rca.faults.same_fault`), and the result's
``confident`` flag; and over a set, the expected calibration error of the
rank-1 scores (:func:`expected_calibration_error`) with its reliability table
(:func:`reliability_table`).

An incident whose ranker raised is a miss (:func:`score_failure`): AC@k 0,
every root unranked, counted in ``n`` and in every accuracy figure.

Examples
--------
>>> from rca.result import RCAResult, Candidate, Evidence
>>> from rca.incident import Truth, RootCause
>>> def cand(rank, entity, score, fault="node_down"):
...     return Candidate(rank, entity, "node", score, fault, "", (Evidence((entity,), ""),))
>>> hit = score_incident(RCAResult("a", (cand(1, "R1", 0.9),), 0.01), Truth((RootCause("R1", "node", "node_down"),)))
>>> miss = score_incident(RCAResult("b", (cand(1, "R2", 0.6), cand(2, "R3", 0.3)), 0.01),
...                       Truth((RootCause("R3", "node", "node_down"),)))
>>> ev = summarize([hit, miss])
>>> o = ev.to_dict()["overall"]
>>> o["n"], o["AC@1"], o["MRR"], o["AC@1_fault"]
(2, 0.5, 0.75, 0.5)
>>> round(o["ECE"], 3)   # 1/2 * |1 - 0.9| + 1/2 * |0 - 0.6|
0.35
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .faults import same_fault
from .incident import Truth
from .result import RCAResult

__all__ = [
    "IncidentScore",
    "Evaluation",
    "score_incident",
    "score_failure",
    "summarize",
    "expected_calibration_error",
    "reliability_table",
]

#: AC@k is recorded for k = 1..K.
K = 5

_NAN = float("nan")


def _key(entity: str, kind: str) -> tuple[str, str]:
    """The matching key of an entity: a link id ``X--Y`` has its two ends sorted."""
    if kind == "link" and entity.count("--") == 1:
        a, b = entity.split("--")
        entity = f"{min(a, b)}--{max(a, b)}"
    return entity, kind


def _fault_label(truth: Truth | None) -> str:
    faults = sorted({r.fault or "unknown" for r in truth.root_causes}) if truth is not None else []
    return "+".join(faults) if faults else "unknown"


@dataclass(frozen=True)
class IncidentScore:
    """How one ranking did against its truth.

    Attributes
    ----------
    incident : str
        The incident's name.
    fault : str
        The true fault(s), sorted and joined with ``+`` (``unknown`` when
        ``truth.json`` names none); the per-fault rows group by it.
    ranks : tuple of int or None
        The 1-based rank of each true root, in ``truth.json`` order; None
        when the root is not among the candidates.
    ac : tuple of float
        AC@1..AC@5 of this incident.
    seconds : float
        Ranking wall time (NaN for a failed incident).
    top_score : float
        The rank-1 candidate's score; NaN when there are no candidates.
    top_hit : bool
        Whether the rank-1 candidate is a true root.
    top_fault_hit : bool
        Whether the rank-1 candidate is a true root and names its fault
        family (:func:`rca.faults.same_fault`).
    confident : bool
        The result's ``confident`` flag (False for a failed incident).
    error : str or None
        ``TypeName: message`` when the ranker raised; None otherwise.
    """

    incident: str
    fault: str
    ranks: tuple[int | None, ...]
    ac: tuple[float, ...]
    seconds: float
    top_score: float = _NAN
    top_hit: bool = False
    top_fault_hit: bool = False
    confident: bool = False
    error: str | None = None

    @property
    def failed(self) -> bool:
        """Whether the ranker raised on this incident."""
        return self.error is not None

    @property
    def mrr_terms(self) -> list[float]:
        """1 / rank for each true root, 0 when it is absent."""
        return [0.0 if r is None else 1.0 / r for r in self.ranks]


def score_incident(result: RCAResult, truth: Truth) -> IncidentScore:
    """AC@1..5, the rank of each true root, and the rank-1 answer of one result.

    Parameters
    ----------
    result : RCAResult
        The ranking; candidates best first (ranks are their positions).
    truth : Truth
        The known root causes.

    Returns
    -------
    IncidentScore

    Examples
    --------
    >>> from rca.result import RCAResult, Candidate, Evidence
    >>> from rca.incident import Truth, RootCause
    >>> c = lambda r, e: Candidate(r, e, "node", 1.0 / r, "node_down", "", (Evidence((e,), ""),))
    >>> res = RCAResult("x", (c(1, "A"), c(2, "B")), 0.0)
    >>> s = score_incident(res, Truth((RootCause("B", "node"),)))
    >>> s.ranks, s.ac[:2]
    ((2,), (0.0, 1.0))
    >>> s.top_score, s.top_hit
    (1.0, False)

    A link root matches whichever way round its id is written:

    >>> link = Candidate(1, "R1--R2", "link", 0.7, "link_down", "", (Evidence(("R1--R2",), ""),))
    >>> score_incident(RCAResult("y", (link,), 0.0), Truth((RootCause("R2--R1", "link", "fiber_cut"),))).top_fault_hit
    True
    """
    order = [_key(c.entity, c.kind) for c in result.candidates]
    ranks: list[int | None] = []
    for root in truth.root_causes:
        key = _key(root.entity, root.kind)
        ranks.append(order.index(key) + 1 if key in order else None)
    n = max(1, len(truth.root_causes))
    ac = tuple(sum(1 for r in ranks if r is not None and r <= k) / min(k, n) for k in range(1, K + 1))
    top_score, top_hit, top_fault_hit = _NAN, False, False
    if result.candidates:
        top = result.candidates[0]
        top_score = float(top.score)
        matching = [r for r in truth.root_causes if _key(r.entity, r.kind) == order[0]]
        top_hit = bool(matching)
        top_fault_hit = any(same_fault(top.fault, r.fault) for r in matching)
    return IncidentScore(result.incident, _fault_label(truth), tuple(ranks), ac, result.seconds,
                         top_score=top_score, top_hit=top_hit, top_fault_hit=top_fault_hit,
                         confident=bool(result.confident))


def score_failure(incident: str, truth: Truth | None, error: str) -> IncidentScore:
    """The score of an incident whose reading or ranking failed: a miss.

    Every true root is unranked and AC@1..5 are 0. Without a truth (it could
    not be read either) the incident counts as one missed root of fault
    ``unknown``.

    Parameters
    ----------
    incident : str
        The incident's name.
    truth : Truth or None
        Its known root causes, when they could be read.
    error : str
        What went wrong, e.g. ``"KeyError: 'device'"``.

    Returns
    -------
    IncidentScore

    Examples
    --------
    >>> from rca.incident import Truth, RootCause
    >>> s = score_failure("inc7", Truth((RootCause("R1", "node", "node_down"), RootCause("R2", "node"))), "ValueError: bad")
    >>> s.failed, s.ranks, s.ac, s.fault
    (True, (None, None), (0.0, 0.0, 0.0, 0.0, 0.0), 'node_down+unknown')
    >>> score_failure("inc8", None, "OSError: gone").ranks
    (None,)
    """
    n_roots = len(truth.root_causes) if truth is not None and truth.root_causes else 1
    return IncidentScore(incident, _fault_label(truth), (None,) * n_roots, (0.0,) * K, _NAN,
                         confident=False, error=error)


def _binned(confidences: Sequence[float] | np.ndarray, hits: Sequence[bool] | np.ndarray,
            n_bins: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Confidences (NaN -> 0), hits as floats, and each answer's bin index."""
    if n_bins < 1:
        raise ValueError(f"n_bins must be at least 1, got {n_bins}")
    conf = np.asarray(confidences, dtype=float).reshape(-1)
    hit = np.asarray(hits, dtype=float).reshape(-1)
    if conf.shape != hit.shape:
        raise ValueError(f"confidences and hits differ in length: {conf.size} and {hit.size}")
    conf = np.where(np.isnan(conf), 0.0, conf)
    bad = conf[(conf < 0) | (conf > 1)]
    if bad.size:
        raise ValueError(f"confidences must lie in [0, 1]; found {bad[0]!r}")
    # bins [i/n, (i+1)/n), the last one closed: a confidence of exactly 1 goes to bin n - 1
    idx = np.minimum(np.floor(conf * n_bins).astype(int), n_bins - 1)
    return conf, hit, idx


def expected_calibration_error(confidences: Sequence[float] | np.ndarray, hits: Sequence[bool] | np.ndarray,
                               n_bins: int = 10) -> float:
    """Expected calibration error of confidences against 0/1 outcomes.

    The answers are put in ``n_bins`` equal-width bins on [0, 1] (each
    ``[low, high)``, the last one closed); then
    ``ECE = sum over non-empty bins of (n_bin / n) * |mean(hits) - mean(confidences)|``.

    Parameters
    ----------
    confidences : sequence of float
        Each answer's score in [0, 1]; NaN (no candidate) counts as 0.
    hits : sequence of bool
        Whether each answer was right.
    n_bins : int, default 10

    Returns
    -------
    float
        In [0, 1]; NaN when there are no answers.

    Raises
    ------
    ValueError
        A confidence outside [0, 1], lengths that differ, or ``n_bins < 1``.

    Examples
    --------
    Four answers at 0.85 of which three are right, two at 0.25, both wrong:

    >>> ece = expected_calibration_error([0.85] * 4 + [0.25] * 2, [1, 1, 1, 0, 0, 0])
    >>> round(ece, 4)   # 4/6 * |0.75 - 0.85| + 2/6 * |0 - 0.25|
    0.15
    """
    conf, hit, idx = _binned(confidences, hits, n_bins)
    if conf.size == 0:
        return _NAN
    total = 0.0
    for b in np.unique(idx):
        inside = idx == b
        total += inside.sum() / conf.size * abs(hit[inside].mean() - conf[inside].mean())
    return float(total)


def reliability_table(confidences: Sequence[float] | np.ndarray, hits: Sequence[bool] | np.ndarray,
                      n_bins: int = 10) -> pd.DataFrame:
    """Per confidence bin: how many answers, their mean score, and how many were right.

    Same bins as :func:`expected_calibration_error`. A calibrated ranker has
    ``accuracy`` close to ``mean_score`` in every bin.

    Parameters
    ----------
    confidences : sequence of float
        Each answer's score in [0, 1]; NaN (no candidate) counts as 0.
    hits : sequence of bool
        Whether each answer was right.
    n_bins : int, default 10

    Returns
    -------
    pandas.DataFrame
        One row per bin, empty ones included (``n`` 0, means NaN), with
        columns ``bin_low, bin_high, n, mean_score, accuracy``.

    Examples
    --------
    >>> t = reliability_table([0.85, 0.85, 0.25, 1.0], [1, 0, 0, 1], n_bins=4)
    >>> print(t[t["n"] > 0].round(3).to_string(index=False))
     bin_low  bin_high  n  mean_score  accuracy
        0.25       0.5  1        0.25     0.000
        0.75       1.0  3        0.90     0.667
    """
    conf, hit, idx = _binned(confidences, hits, n_bins)
    rows = []
    for b in range(n_bins):
        inside = idx == b
        n = int(inside.sum())
        rows.append({"bin_low": b / n_bins, "bin_high": (b + 1) / n_bins, "n": n,
                     "mean_score": float(conf[inside].mean()) if n else _NAN,
                     "accuracy": float(hit[inside].mean()) if n else _NAN})
    return pd.DataFrame(rows, columns=["bin_low", "bin_high", "n", "mean_score", "accuracy"])


def _mean(values: Sequence[float]) -> float:
    return float(np.mean(values)) if len(values) else _NAN


def _plain(value: object) -> object:
    """A JSON-ready value: NaN becomes None, numpy scalars Python ones."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


@dataclass(frozen=True)
class Evaluation:
    """Scores over a set of incidents, overall and per fault type.

    Attributes
    ----------
    scores : tuple of IncidentScore
        Every incident, failed ones included.
    failures : tuple of (str, str)
        ``(incident, error)`` of each failed incident. A pair given here
        whose incident is not among the failed ``scores`` is added to them
        (:func:`score_failure` without truth), and every failed score is
        listed here, so the two always agree.
    method : str
        The ranker evaluated.
    """

    scores: tuple[IncidentScore, ...]
    failures: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    method: str = "explain"

    def __post_init__(self) -> None:
        scores = tuple(self.scores)
        known = {s.incident for s in scores if s.failed}
        scores += tuple(score_failure(name, None, err) for name, err in self.failures if name not in known)
        object.__setattr__(self, "scores", scores)
        object.__setattr__(self, "failures", tuple((s.incident, str(s.error)) for s in scores if s.failed))

    @staticmethod
    def _top(scores: Sequence[IncidentScore]) -> tuple[np.ndarray, np.ndarray]:
        return (np.asarray([s.top_score for s in scores], dtype=float),
                np.asarray([s.top_hit for s in scores], dtype=float))

    def _row(self, scores: list[IncidentScore], name: str) -> dict:
        ac = np.asarray([s.ac for s in scores], dtype=float).reshape(-1, K)
        terms = [t for s in scores for t in s.mrr_terms]
        secs = np.asarray([s.seconds for s in scores if not s.failed and not math.isnan(s.seconds)])
        conf, hit = self._top(scores)
        return {
            "fault": name, "n": len(scores),
            "AC@1": _mean(ac[:, 0]), "AC@3": _mean(ac[:, 2]), "AC@5": _mean(ac[:, 4]),
            "Avg@5": float(ac.mean()) if len(ac) else _NAN,
            "MRR": _mean(terms),
            "AC@1_fault": _mean([float(s.top_fault_hit) for s in scores]),
            "ECE": expected_calibration_error(conf, hit),
            "median_ms": float(np.median(secs) * 1000) if len(secs) else _NAN,
            "p95_ms": float(np.percentile(secs, 95) * 1000) if len(secs) else _NAN,
        }

    def to_frame(self) -> pd.DataFrame:
        """One row per fault type, then ``all``.

        Columns: ``fault, n, AC@1, AC@3, AC@5, Avg@5, MRR, AC@1_fault, ECE,
        median_ms, p95_ms``. ``AC@1_fault`` is the share of incidents whose
        rank-1 candidate is a true root with the right fault family; ``ECE``
        the calibration error of the rank-1 scores. Failed incidents count
        in every figure but the latencies.
        """
        rows = [self._row([s for s in self.scores if s.fault == f], f) for f in sorted({s.fault for s in self.scores})]
        rows.append(self._row(list(self.scores), "all"))
        return pd.DataFrame(rows)

    def reliability(self, n_bins: int = 10) -> pd.DataFrame:
        """The reliability table of the rank-1 scores (:func:`reliability_table`)."""
        conf, hit = self._top(self.scores)
        return reliability_table(conf, hit, n_bins)

    def confident_summary(self) -> dict:
        """How many answers were flagged confident, and AC@1 of those and of the others.

        Returns
        -------
        dict
            ``n_confident``, ``AC@1_confident``, ``n_not_confident``,
            ``AC@1_not_confident`` (NaN for an empty group). Failed incidents
            are not confident.
        """
        yes = [s.ac[0] for s in self.scores if s.confident]
        no = [s.ac[0] for s in self.scores if not s.confident]
        return {"n_confident": len(yes), "AC@1_confident": _mean(yes),
                "n_not_confident": len(no), "AC@1_not_confident": _mean(no)}

    def to_dict(self) -> dict:
        """Everything, JSON-ready (NaN as None).

        Keys: ``method``; ``overall`` and ``per_fault`` (the :meth:`to_frame`
        figures); ``confident`` (:meth:`confident_summary`); ``reliability``
        (:meth:`reliability` as a list of rows); ``incidents`` (name, fault,
        ranks, AC@1, seconds, top_score, top_hit, top_fault_hit, confident,
        error); ``failures`` (incident and error).
        """
        def clean(d: dict) -> dict:
            return {k: _plain(v) for k, v in d.items() if k != "fault"}

        rows = self.to_frame().to_dict("records")
        return {
            "method": self.method,
            "overall": clean(rows[-1]),
            "per_fault": {r["fault"]: clean(r) for r in rows[:-1]},
            "confident": {k: _plain(v) for k, v in self.confident_summary().items()},
            "reliability": [{k: _plain(v) for k, v in r.items()} for r in self.reliability().to_dict("records")],
            "incidents": [{"incident": s.incident, "fault": s.fault, "ranks": list(s.ranks), "AC@1": s.ac[0],
                           "seconds": _plain(s.seconds), "top_score": _plain(s.top_score), "top_hit": s.top_hit,
                           "top_fault_hit": s.top_fault_hit, "confident": s.confident, "error": s.error}
                          for s in self.scores],
            "failures": [{"incident": i, "error": e} for i, e in self.failures],
        }


def summarize(scores: Sequence[IncidentScore], failures: Sequence[tuple[str, str]] | None = None,
              method: str = "explain") -> Evaluation:
    """Bundle incident scores into an :class:`Evaluation`.

    Parameters
    ----------
    scores : sequence of IncidentScore
        From :func:`score_incident`, and :func:`score_failure` for failed
        incidents.
    failures : sequence of (str, str), optional
        ``(incident, error)`` of failed incidents not already in ``scores``;
        each counts as a miss of one root (its truth is unknown here).
    method : str, default "explain"

    Returns
    -------
    Evaluation

    Examples
    --------
    >>> ev = summarize([], [("inc1", "KeyError: 'device'")])
    >>> ev.to_frame()[["fault", "n", "AC@1", "MRR"]].to_dict("records")
    [{'fault': 'unknown', 'n': 1, 'AC@1': 0.0, 'MRR': 0.0}, {'fault': 'all', 'n': 1, 'AC@1': 0.0, 'MRR': 0.0}]
    """
    return Evaluation(tuple(scores), tuple(failures or ()), method)
