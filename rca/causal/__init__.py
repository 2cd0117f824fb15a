"""Causal discovery over alarm time series, and what it tells about an incident.

Learn which alarm types cause which (a :class:`CausalGraph`) from an alarm
log and, where there is one, the device topology; score a graph against the
truth; simulate events with a planted structure; save a learned graph as
knowledge (:func:`learn_knowledge`, :func:`load_knowledge`) and instantiate it
on an incident as root-cause chains (:func:`root_cause_chains`,
:func:`add_chains`); attribute an incident's anomalous KPIs to their root
with a DoWhy structural causal model on a topology-derived KPI graph
(:class:`MetricAttribution`).
"""

from ._attribution import KPIWindow, MetricAttribution, attribution_ranking, kpi_window
from ._background import prior_pairs, read_prior
from ._base import CausalDiscovery, check_is_fitted
from ._causallearn import BaselineGraph, CausalLearnDiscovery
from ._chains import (
    ChainFinder,
    RootCauseChain,
    add_chains,
    order_ties_by_chains,
    root_cause_chains,
)
from ._evaluate import GraphScore, score_graph
from ._granger import GrangerDiscovery
from ._hawkes import TopologicalHawkes, search_parents
from ._knowledge import (
    AlarmHistory,
    learn_knowledge,
    load_knowledge,
    read_alarm_history,
    save_knowledge,
)
from ._kpi_graph import KPIGraph, kpi_graph, traffic_sinks
from ._multiscale import MultiScaleHawkes, multiscale_design, storm_profile
from ._precedence import precedence_counts
from ._result import CausalGraph
from ._series import EventSequences, binned_counts, event_sequences, hop_matrices, local_pairs
from ._simulate import simulate_hawkes_events

__all__ = [
    "AlarmHistory",
    "BaselineGraph",
    "CausalDiscovery",
    "CausalLearnDiscovery",
    "CausalGraph",
    "ChainFinder",
    "EventSequences",
    "GrangerDiscovery",
    "GraphScore",
    "KPIGraph",
    "KPIWindow",
    "MetricAttribution",
    "MultiScaleHawkes",
    "RootCauseChain",
    "TopologicalHawkes",
    "add_chains",
    "order_ties_by_chains",
    "attribution_ranking",
    "binned_counts",
    "check_is_fitted",
    "event_sequences",
    "hop_matrices",
    "kpi_graph",
    "kpi_window",
    "learn_knowledge",
    "multiscale_design",
    "search_parents",
    "storm_profile",
    "traffic_sinks",
    "load_knowledge",
    "local_pairs",
    "precedence_counts",
    "prior_pairs",
    "read_alarm_history",
    "read_prior",
    "root_cause_chains",
    "save_knowledge",
    "score_graph",
    "simulate_hawkes_events",
]
