"""The network twin and the public data sets.

``make_*`` functions simulate, ``load_*`` functions read data from disk (the
scikit-learn convention); :func:`get_data_home` says where the public data
sets are looked for.
"""

from ._domain import familiarity
from ._faults import FAULT_KINDS, FAULT_TYPES
from ._gnnet import GnnetSample, find_gnnet_folders, load_gnnet
from ._home import get_data_home
from ._loaders import load_incidents, load_topology_zoo
from ._network import make_network
from ._pcic import PCICDataset, load_pcic
from ._twin import KNOBS, make_incident, make_incidents
from ._vocabulary import VOCABULARIES

__all__ = [
    "FAULT_KINDS",
    "FAULT_TYPES",
    "GnnetSample",
    "KNOBS",
    "PCICDataset",
    "VOCABULARIES",
    "find_gnnet_folders",
    "get_data_home",
    "load_gnnet",
    "load_incidents",
    "load_pcic",
    "load_topology_zoo",
    "make_incident",
    "make_incidents",
    "make_network",
    "familiarity",
]
