"""The network twin and the public data sets.

``make_*`` functions simulate, ``load_*`` functions read data from disk (the
scikit-learn convention).
"""

from ._faults import FAULT_KINDS, FAULT_TYPES
from ._network import make_network
from ._twin import KNOBS, make_incident, make_incidents
from ._vocabulary import VOCABULARIES

__all__ = [
    "FAULT_KINDS",
    "FAULT_TYPES",
    "KNOBS",
    "VOCABULARIES",
    "make_incident",
    "make_incidents",
    "make_network",
]
