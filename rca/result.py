"""Typed results of an analysis: ranked candidates with evidence paths."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pandas as pd

from ._time import to_iso

__all__ = ["EvidenceAlarm", "Evidence", "Candidate", "RCAResult"]


@dataclass(frozen=True)
class EvidenceAlarm:
    """One observed alarm cited as evidence."""

    device: str
    alarm_type: str
    time: float
    link_id: str | None = None

    def to_dict(self) -> dict:
        return {"device": self.device, "alarm_type": self.alarm_type, "time": to_iso(self.time), "link_id": self.link_id}


@dataclass(frozen=True)
class Evidence:
    """A chain from a candidate root to alarms it explains.

    Attributes
    ----------
    path : tuple of str
        Starts at the candidate (a node, link or site id), then element ids
        along physical links (or learned causal steps) to the alarming
        element.
    why : str
        One line a person can check against the topology and the alarms.
    alarms : tuple of EvidenceAlarm
        The alarms at the end of the path (first few, time ordered).
    source : str
        Which analysis produced it: ``"topology"``, ``"metrics"``,
        ``"causal"``, ``"gnn"``.
    """

    path: tuple[str, ...]
    why: str
    alarms: tuple[EvidenceAlarm, ...] = ()
    source: str = "topology"

    def to_dict(self) -> dict:
        return {"path": list(self.path), "why": self.why, "source": self.source,
                "alarms": [a.to_dict() for a in self.alarms]}


@dataclass(frozen=True)
class Candidate:
    """A ranked root-cause hypothesis.

    Attributes
    ----------
    rank : int
        1 is the most likely root.
    entity : str
        A node id, link id or site id.
    kind : str
        ``"node"``, ``"link"`` or ``"site"``.
    score : float
        In [0, 1]; higher explains the observations better.
    fault : str
        The fault that best explains the observations (``node_down``...).
    reason : str
        One-line summary.
    evidence : tuple of Evidence
        At least one evidence path.
    explained : int
        Number of observed symptoms this hypothesis explains.
    contradicted : int
        Number of observations that speak against it.
    scores : dict
        Per-source scores (``{"explain": ..., "gnn": ...}``).
    """

    rank: int
    entity: str
    kind: str
    score: float
    fault: str
    reason: str
    evidence: tuple[Evidence, ...]
    explained: int = 0
    contradicted: int = 0
    scores: dict = field(default_factory=dict)

    def to_dict(self, *, full: bool = True) -> dict:
        out = {"rank": self.rank, "entity": self.entity, "kind": self.kind, "score": round(float(self.score), 4),
               "fault": self.fault,
               "evidence": [e.to_dict() if full else {"path": list(e.path), "why": e.why} for e in self.evidence]}
        if full:
            out.update({"reason": self.reason, "explained": self.explained, "contradicted": self.contradicted,
                        "scores": {k: round(float(v), 4) for k, v in self.scores.items()}})
        return out


@dataclass(frozen=True)
class RCAResult:
    """The answer of :func:`rca.analyze`.

    Attributes
    ----------
    incident : str
        The incident's name.
    candidates : tuple of Candidate
        Best first.
    seconds : float
        Analysis wall time.
    method : str
        Which ranker(s) produced it.
    n_alarms : int
        Alarms analysed.
    notes : tuple of str
        What the analysis could not use (validation issues, missing data).
    confident : bool
        Whether the first candidate is probable enough to act on (its score,
        a calibrated probability, reaches the ranker's threshold). When
        False the candidates are still listed, best first.
    ties : tuple of tuple of int
        Ranks of candidates that nothing observed tells apart (a dead leaf
        and its only link): each group is one answer in several names.
    """

    incident: str
    candidates: tuple[Candidate, ...]
    seconds: float
    method: str = "explain"
    n_alarms: int = 0
    notes: tuple[str, ...] = ()
    confident: bool = True
    ties: tuple[tuple[int, ...], ...] = ()

    def __len__(self) -> int:
        return len(self.candidates)

    def __getitem__(self, i: int) -> Candidate:
        return self.candidates[i]

    def top(self, k: int = 5) -> list[Candidate]:
        """The first ``k`` candidates."""
        return list(self.candidates[:k])

    def rank_of(self, entity: str) -> int | None:
        """1-based rank of an entity, or None when it is not a candidate."""
        for c in self.candidates:
            if c.entity == entity:
                return c.rank
        return None

    def to_dict(self, *, full: bool = True) -> dict:
        """The spec's JSON answer (``full`` adds reasons, alarms and timing)."""
        out: dict = {"incident": self.incident, "confident": bool(self.confident),
                     "candidates": [c.to_dict(full=full) for c in self.candidates]}
        if full:
            out.update({"method": self.method, "seconds": round(self.seconds, 4), "n_alarms": self.n_alarms,
                        "ties": [list(g) for g in self.ties], "notes": list(self.notes)})
        return out

    def to_json(self, **kwargs: object) -> str:
        """:meth:`to_dict` as JSON text."""
        return json.dumps(self.to_dict(), **kwargs)  # type: ignore[arg-type]

    def to_frame(self) -> pd.DataFrame:
        """One row per candidate, indexed by rank: entity, fault, probability and reason first.

        Examples
        --------
        >>> c = Candidate(1, "R7", "node", 0.9, "node_down", "R7 down", (Evidence(("R7", "A3"), "A3 lost R7"),))
        >>> list(RCAResult("x", (c,), 0.1).to_frame().columns[:4])
        ['entity', 'fault', 'probability', 'reason']
        """
        rows = []
        for c in self.candidates:
            first = c.evidence[0] if c.evidence else None
            rows.append({"rank": c.rank, "entity": c.entity, "fault": c.fault, "probability": c.score,
                         "reason": c.reason, "kind": c.kind, "explained": c.explained,
                         "contradicted": c.contradicted,
                         "path": " -> ".join(first.path) if first else "",
                         "n_evidence": len(c.evidence)})
        frame = pd.DataFrame(rows, columns=["rank", "entity", "fault", "probability", "reason", "kind", "explained",
                                            "contradicted", "path", "n_evidence"])
        return frame.set_index("rank")

    def _repr_html_(self) -> str:
        """Jupyter: the top candidates, their probabilities as bars, ties and counts (no script)."""
        from ._report._repr import result_html

        return result_html(self)
