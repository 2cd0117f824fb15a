"""The network twin and the public data sets.

``make_*`` functions simulate, ``load_*`` functions read data from disk (the
scikit-learn convention); :func:`get_data_home` says where the public data
sets are looked for.
"""

from ._domain import familiarity
from ._faults import FAULT_KINDS, FAULT_TYPES
from ._gnnet import GnnetSample, find_gnnet_folders, load_gnnet
from ._gnnet2023 import (
    GNNET2023_FAMILIES,
    GNNET2023_FOLDS,
    Gnnet2023Sample,
    find_gnnet2023_files,
    is_gnnet2023,
    load_gnnet2023,
)
from ._home import get_data_home
from ._loaders import load_incidents, load_topology_zoo
from ._network import make_network
from ._pcic import PCICDataset, load_pcic
from ._twin import KNOBS, make_incident, make_incidents
from ._vocabulary import VOCABULARIES

__all__ = [
    "FAULT_KINDS",
    "FAULT_TYPES",
    "GNNET2023_FAMILIES",
    "GNNET2023_FOLDS",
    "Gnnet2023Sample",
    "GnnetSample",
    "KNOBS",
    "PCICDataset",
    "VOCABULARIES",
    "find_gnnet2023_files",
    "find_gnnet_folders",
    "get_data_home",
    "is_gnnet2023",
    "load_gnnet",
    "load_gnnet2023",
    "load_incidents",
    "load_pcic",
    "load_topology_zoo",
    "make_incident",
    "make_incidents",
    "make_network",
    "familiarity",
]
