"""The entry point: :func:`analyze` an incident into a ranked :class:`RCAResult`.

Every ranker follows one protocol, :class:`Ranker` (``rank(incident) ->
RCAResult``), and is registered by name in :data:`RANKERS`:

- ``"explain"``: the explain-the-alarms ranker (:mod:`rca.explain`), no
  training data of the incident's network, no torch;
- ``"gnn"``: the root-localisation GNN alone (:mod:`rca.gnn`, needs torch);
- ``"attribution"``: the DoWhy metric attribution alone (:mod:`rca.causal`,
  needs metrics);
- ``"fused"``: the explain ranker's probabilities updated by the learned
  sources where they know the network (:mod:`rca.fusion`).

``knowledge`` (a learned alarm-type :class:`rca.causal.CausalGraph`) adds
root-cause chains as evidence (:func:`rca.causal.add_chains`) and orders
equally scored candidates by them (:func:`rca.causal.order_ties_by_chains`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from .incident import Incident
from .result import RCAResult

if TYPE_CHECKING:  # pragma: no cover
    from .causal import CausalGraph

__all__ = ["analyze", "Ranker", "RANKERS", "METHODS", "make_ranker", "register_ranker"]


@runtime_checkable
class Ranker(Protocol):
    """Anything that ranks the root causes of one incident."""

    def rank(self, incident: Incident) -> RCAResult:
        """Analyse ``incident``: candidates best first, each with evidence."""
        ...


class _FunctionRanker:
    """A ranking function ``f(incident, *, max_candidates)`` as a :class:`Ranker`."""

    def __init__(self, target: str, max_candidates: int) -> None:
        self.target = target
        self.max_candidates = max_candidates

    def rank(self, incident: Incident) -> RCAResult:
        import importlib

        module, name = self.target.split(":")
        return getattr(importlib.import_module(module), name)(
            incident, max_candidates=self.max_candidates
        )


def _explain(max_candidates: int) -> Ranker:
    from .explain import ExplainRanker

    return ExplainRanker(max_candidates=max_candidates)


#: Registered rankers: name -> factory ``f(max_candidates) -> Ranker``.
RANKERS: dict[str, Callable[[int], Ranker]] = {
    "explain": _explain,
    "fused": lambda k: _FunctionRanker("rca.fusion:fused_ranking", k),
    "gnn": lambda k: _FunctionRanker("rca.gnn:localise", k),
    "attribution": lambda k: _FunctionRanker("rca.causal:attribution_ranking", k),
}
#: The names :func:`analyze` and ``rca analyze --method`` accept.
METHODS: tuple[str, ...] = tuple(RANKERS)


def register_ranker(name: str, factory: Callable[[int], Ranker]) -> None:
    """Register a ranker under ``name`` (it then works with :func:`analyze` and ``rca analyze --method``)."""
    global METHODS
    RANKERS[name] = factory
    METHODS = tuple(RANKERS)


def make_ranker(method: str = "explain", *, max_candidates: int = 20) -> Ranker:
    """The registered ranker ``method``.

    Raises
    ------
    ValueError
        ``method`` is not registered; the message lists the choices.

    Examples
    --------
    >>> make_ranker("explain").rank  # doctest: +ELLIPSIS
    <bound method ExplainRanker.rank of ...>
    >>> make_ranker("best")
    Traceback (most recent call last):
    ...
    ValueError: unknown ranking method 'best'; choose one of: explain, fused, gnn, attribution
    """
    if method not in RANKERS:
        raise ValueError(f"unknown ranking method {method!r}; choose one of: {', '.join(RANKERS)}")
    return RANKERS[method](max_candidates)


def analyze(
    incident: Incident,
    *,
    method: str = "explain",
    knowledge: CausalGraph | None = None,
    max_candidates: int = 20,
) -> RCAResult:
    """Rank the root causes of an incident, each with evidence paths.

    Parameters
    ----------
    incident : Incident
        From :func:`rca.read_incident` or :func:`rca.datasets.make_incident`.
    method : str, default "explain"
        A registered ranker (:data:`METHODS`): ``"explain"`` (the
        explain-the-alarms ranker), ``"fused"`` (explain updated by the
        learned sources where they know the network), ``"gnn"`` or
        ``"attribution"`` (a learned source alone).
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
        Candidates best first; each score is the probability that the
        candidate is a root of the incident.

    Examples
    --------
    >>> from rca.datasets import make_incident
    >>> incident = make_incident(size="small", fault="node_down", random_state=1)
    >>> result = analyze(incident)
    >>> result.candidates[0].entity == incident.truth.root_causes[0].entity
    True
    """
    result = make_ranker(method, max_candidates=max_candidates).rank(incident)
    if knowledge is not None:
        from .causal import add_chains, order_ties_by_chains

        result = order_ties_by_chains(add_chains(result, incident, knowledge))
    return result
