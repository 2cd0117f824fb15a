"""How much an incident looks like the network twin's: the domain a twin-trained model knows.

A model trained only on the twin (the failure GNN) has seen the twin's alarm
names and element types and nothing else. On an incident whose alarms and
elements it has never seen, its scores say little, so the fusion lets it
speak only in proportion to this familiarity.
"""

from __future__ import annotations

from functools import lru_cache

from ..incident import Incident
from ._network import _TYPE_NAMES
from ._vocabulary import VOCABULARIES

__all__ = ["twin_familiarity"]


@lru_cache(maxsize=1)
def _known() -> tuple[frozenset[str], frozenset[str]]:
    alarms = frozenset(name.lower() for vocab in VOCABULARIES.values() for name in vocab.values())
    types = frozenset(t.lower() for names in _TYPE_NAMES for t in names)
    return alarms, types


def twin_familiarity(incident: Incident) -> float:
    """The share of the incident's alarm rows the twin names alike, times the share of its elements of twin types.

    Returns
    -------
    float
        In [0, 1]: 1 for a twin incident, 0 when no alarm name or no
        element type is one the twin uses (an element without a type
        counts as unknown).

    Examples
    --------
    >>> from rca.datasets import make_incident
    >>> twin_familiarity(make_incident(size="small", random_state=1))
    1.0
    """
    alarms, types = _known()
    frame = incident.alarms.frame
    if not len(frame):
        return 0.0
    named = frame["alarm_type"].astype(str).str.lower().isin(alarms).mean()
    nodes = incident.topology.nodes
    if "node_type" not in nodes.columns or not len(nodes):
        return 0.0
    typed = nodes["node_type"].astype(str).str.lower().isin(types).mean()
    return float(named * typed)
