"""How much an incident looks like the simulated networks the learned models were trained on.

The failure GNN is trained on the two development families, the network
twin and :mod:`rca.datasets.othersim`: it has seen their alarm names and
element types and nothing else. On an incident whose alarms and elements
it has never seen, its scores say little, so the fusion lets it speak only
in proportion to this familiarity.
"""

from __future__ import annotations

from functools import lru_cache

from ..incident import Incident
from ._network import _TYPE_NAMES
from ._vocabulary import VOCABULARIES
from .othersim._network import NODE_TYPES as _OTHER_TYPES
from .othersim._vendors import CLEAR_NAMES, STYLES

__all__ = ["familiarity"]


@lru_cache(maxsize=1)
def _known() -> tuple[frozenset[str], frozenset[str]]:
    names = {name for vocab in VOCABULARIES.values() for name in vocab.values()}
    names |= {entry[0] for style in STYLES.values() for entry in style.values()}
    names |= {clear for style in CLEAR_NAMES.values() for clear in style.values()}
    types = {t for group in _TYPE_NAMES for t in group} | set(_OTHER_TYPES)
    return frozenset(n.lower() for n in names), frozenset(t.lower() for t in types)


def familiarity(incident: Incident) -> float:
    """The share of the incident's alarm rows named as in the training families, times the share of its elements of their types.

    Returns
    -------
    float
        In [0, 1]: 1 for an incident of the twin or of othersim, 0 when no
        alarm name or no element type is one they use (an element without a
        type counts as unknown).

    Examples
    --------
    >>> from rca.datasets import make_incident
    >>> familiarity(make_incident(size="small", random_state=1))
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
