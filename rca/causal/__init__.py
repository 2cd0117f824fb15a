"""Causal discovery over alarm time series.

Learn which alarm types cause which (a :class:`CausalGraph`) from an alarm
log and, where there is one, the device topology; score a graph against the
truth; simulate events with a planted structure.
"""

from ._base import CausalDiscovery, check_is_fitted
from ._causallearn import BaselineGraph, CausalLearnDiscovery
from ._evaluate import GraphScore, score_graph
from ._granger import GrangerDiscovery
from ._hawkes import TopologicalHawkes
from ._precedence import precedence_counts
from ._result import CausalGraph
from ._series import EventSequences, binned_counts, event_sequences, hop_matrices, local_pairs
from ._simulate import simulate_hawkes_events

__all__ = [
    "BaselineGraph",
    "CausalDiscovery",
    "CausalLearnDiscovery",
    "CausalGraph",
    "EventSequences",
    "GrangerDiscovery",
    "GraphScore",
    "TopologicalHawkes",
    "binned_counts",
    "check_is_fitted",
    "event_sequences",
    "hop_matrices",
    "local_pairs",
    "precedence_counts",
    "score_graph",
    "simulate_hawkes_events",
]
