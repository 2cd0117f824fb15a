"""Scoring rankings against known root causes (AC@k, Avg@5, MRR).

Definitions follow ``spec/incident-format.md``: AC@k of one incident is the
number of its true roots among the first k candidates divided by
``min(k, number of true roots)``; Avg@5 is the mean of AC@1..AC@5; MRR is the
mean over all true roots of 1 / rank (0 when absent). A root matches a
candidate with the same entity id and kind.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .incident import Truth
from .result import RCAResult

__all__ = ["IncidentScore", "Evaluation", "score_incident", "summarize"]


@dataclass(frozen=True)
class IncidentScore:
    """How one ranking did against its truth."""

    incident: str
    fault: str
    ranks: tuple[int | None, ...]
    ac: tuple[float, ...]            # AC@1..AC@5
    seconds: float

    @property
    def mrr_terms(self) -> list[float]:
        return [0.0 if r is None else 1.0 / r for r in self.ranks]


def score_incident(result: RCAResult, truth: Truth) -> IncidentScore:
    """AC@1..5 and the rank of each true root in one result.

    Examples
    --------
    >>> from rca.result import RCAResult, Candidate, Evidence
    >>> from rca.incident import Truth, RootCause
    >>> c = lambda r, e: Candidate(r, e, "node", 1.0 / r, "node_down", "", (Evidence((e,), ""),))
    >>> res = RCAResult("x", (c(1, "A"), c(2, "B")), 0.0)
    >>> s = score_incident(res, Truth((RootCause("B", "node"),)))
    >>> s.ranks, s.ac[:2]
    ((2,), (0.0, 1.0))
    """
    order = [(c.entity, c.kind) for c in result.candidates]
    ranks: list[int | None] = []
    for root in truth.root_causes:
        key = (root.entity, root.kind)
        ranks.append(order.index(key) + 1 if key in order else None)
    n = max(1, len(truth.root_causes))
    ac = tuple(sum(1 for r in ranks if r is not None and r <= k) / min(k, n) for k in range(1, 6))
    faults = sorted({r.fault or "unknown" for r in truth.root_causes})
    return IncidentScore(result.incident, "+".join(faults) if faults else "unknown", tuple(ranks), ac, result.seconds)


@dataclass(frozen=True)
class Evaluation:
    """Scores over a set of incidents, overall and per fault type."""

    scores: tuple[IncidentScore, ...]
    failures: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    method: str = "explain"

    def _row(self, scores: list[IncidentScore], name: str) -> dict:
        ac = np.asarray([s.ac for s in scores]) if scores else np.zeros((0, 5))
        terms = [t for s in scores for t in s.mrr_terms]
        secs = np.asarray([s.seconds for s in scores]) if scores else np.zeros(0)
        return {
            "fault": name, "n": len(scores),
            "AC@1": float(ac[:, 0].mean()) if len(ac) else float("nan"),
            "AC@3": float(ac[:, 2].mean()) if len(ac) else float("nan"),
            "AC@5": float(ac[:, 4].mean()) if len(ac) else float("nan"),
            "Avg@5": float(ac.mean()) if len(ac) else float("nan"),
            "MRR": float(np.mean(terms)) if terms else float("nan"),
            "median_ms": float(np.median(secs) * 1000) if len(secs) else float("nan"),
            "p95_ms": float(np.percentile(secs, 95) * 1000) if len(secs) else float("nan"),
        }

    def to_frame(self) -> pd.DataFrame:
        """One row per fault type, then ``all``."""
        rows = []
        for fault in sorted({s.fault for s in self.scores}):
            rows.append(self._row([s for s in self.scores if s.fault == fault], fault))
        rows.append(self._row(list(self.scores), "all"))
        return pd.DataFrame(rows)

    def to_dict(self) -> dict:
        """Overall metrics, per-fault metrics, per-incident ranks and failures."""
        frame = self.to_frame()
        overall = frame[frame["fault"] == "all"].iloc[0].to_dict()
        return {
            "method": self.method,
            "overall": {k: v for k, v in overall.items() if k != "fault"},
            "per_fault": {r["fault"]: {k: v for k, v in r.items() if k != "fault"}
                          for r in frame.to_dict("records") if r["fault"] != "all"},
            "incidents": [{"incident": s.incident, "fault": s.fault, "ranks": list(s.ranks),
                           "AC@1": s.ac[0], "seconds": s.seconds} for s in self.scores],
            "failures": [{"incident": i, "error": e} for i, e in self.failures],
        }


def summarize(scores: list[IncidentScore], failures: list[tuple[str, str]] | None = None,
              method: str = "explain") -> Evaluation:
    """Bundle incident scores into an :class:`Evaluation`."""
    return Evaluation(tuple(scores), tuple(failures or ()), method)
