"""The entry point: :func:`analyze` an incident into a ranked :class:`RCAResult`."""

from __future__ import annotations

from .explain import ExplainRanker
from .incident import Incident
from .result import RCAResult

__all__ = ["analyze", "METHODS"]

#: Methods :func:`analyze` understands.
METHODS = ("explain",)


def analyze(incident: Incident, *, method: str = "explain", max_candidates: int = 20) -> RCAResult:
    """Rank the root causes of an incident, each with evidence paths.

    Parameters
    ----------
    incident : Incident
        From :func:`rca.read_incident` or :func:`rca.datasets.make_incident`.
    method : {"explain"}
        ``"explain"``: the explain-the-alarms ranker (no training data).
    max_candidates : int, default 20
        How many candidates to return.

    Returns
    -------
    RCAResult
    """
    if method == "explain":
        return ExplainRanker(max_candidates=max_candidates).rank(incident)
    raise ValueError(f"method must be one of {METHODS}, got {method!r}")
