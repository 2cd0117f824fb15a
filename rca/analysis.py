"""The entry point: :func:`analyze` an incident into a ranked :class:`RCAResult`.

Rankers (``method``):

- ``"explain"``: the explain-the-alarms ranker (:mod:`rca.explain`), no
  training data, no torch.
- ``"gnn"``: the root-localisation GNN alone (:mod:`rca.gnn`, needs torch).
- ``"fused"``: the explain ranker, the GNN and, when metrics are present, the
  DoWhy attribution, combined (:mod:`rca.fusion`).

``knowledge`` (a learned alarm-type :class:`rca.causal.CausalGraph`) adds
root-cause chains as evidence (:func:`rca.causal.add_chains`) and orders
equally scored candidates by them (:func:`rca.causal.order_ties_by_chains`).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from .explain import ExplainRanker
from .incident import Incident
from .result import RCAResult

if TYPE_CHECKING:  # pragma: no cover
    from .causal import CausalGraph

__all__ = ["analyze", "METHODS"]

#: Methods :func:`analyze` understands, and the module:function that runs each
#: (``function(incident, *, max_candidates) -> RCAResult``).
_RUNNERS = {
    "explain": None,
    "gnn": "rca.gnn:localise",
    "fused": "rca.fusion:fused_ranking",
}
METHODS = tuple(_RUNNERS)


def analyze(incident: Incident, *, method: str = "explain", knowledge: CausalGraph | None = None,
            max_candidates: int = 20) -> RCAResult:
    """Rank the root causes of an incident, each with evidence paths.

    Parameters
    ----------
    incident : Incident
        From :func:`rca.read_incident` or :func:`rca.datasets.make_incident`.
    method : {"explain", "gnn", "fused"}
        ``"explain"``: the explain-the-alarms ranker (no training data).
        ``"gnn"``: the shipped root-localisation GNN alone. ``"fused"``: both
        (and metric attribution when the incident has metrics) combined.
    knowledge : CausalGraph, optional
        A learned alarm-type causal graph (``rca learn``); its root-cause
        chains are added to the candidates' evidence, and candidates the
        ranker scores equally are ordered by how much of the incident their
        chains reach.
    max_candidates : int, default 20
        How many candidates to return.

    Returns
    -------
    RCAResult
    """
    if method not in _RUNNERS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    target = _RUNNERS[method]
    if target is None:
        result = ExplainRanker(max_candidates=max_candidates).rank(incident)
    else:
        module, name = target.split(":")
        result = getattr(importlib.import_module(module), name)(incident, max_candidates=max_candidates)
    if knowledge is not None:
        from .causal import add_chains, order_ties_by_chains

        result = order_ties_by_chains(add_chains(result, incident, knowledge))
    return result
