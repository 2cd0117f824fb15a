"""Graph neural networks for network performance and congestion (the only torch user).

- :func:`congestion_data`: a network with routing and traffic as a PyG
  ``HeteroData`` of paths and links (documented, size-invariant features).
- :class:`RouteNet`: path-link message passing (RouteNet family);
  :class:`FlowRouteNet`: the same on per-flow features without buffer
  sizes, with a per-hop delay readout, for measured networks.
- :class:`CongestionPredictor`: the trainable, savable estimator
  (``features="queues"`` or ``"flows"``); with ``iterations=0`` it is the
  MLP baseline. :class:`QueueingBaseline`: the closed-form M/M/1/K estimate;
  :func:`fluid_rates`: where overloaded links drop traffic.
- :class:`CongestionPrediction`, :class:`CongestionScores`,
  :func:`score_congestion`: typed results and their scores.

Failure propagation and root localisation:

- :func:`failure_graph`: a topology (+ alarms, metrics, or a fault
  hypothesis) as a PyG incidence graph of elements, links and sites, with the
  documented :data:`FEATURES`.
- :class:`FailureGNN`: the trainable, savable estimator (``layers=0`` is the
  MLP baseline); :func:`localise` ranks an incident's roots with the shipped
  weights, :func:`propagate` predicts a fault's footprint.
- :func:`localisation_sample`, :func:`propagation_sample`: labelled training
  graphs from twin incidents.

Congestion forecasting from link utilisation:

- :class:`CongestionForecaster`: per-link utilisation and congestion
  probability for the next intervals (:class:`LinkForecast`), from the last
  samples of each link and its neighbours (:class:`ForecastNet`);
  :func:`persistence_forecast`, :func:`linear_trend_forecast` are the baselines.
- :func:`congestion_evidence`, :func:`forecast_evidence`: the forecast as
  ``Evidence(source="gnn")`` on RCA candidates.
"""

from rca._extras import require as _require

_require("gnn")  # torch and torch_geometric, or a MissingExtraError naming the extra to install

from rca.gnn._congestion import (
    CONGESTION_FEATURE_SETS,
    PRETRAINED_CONGESTION,
    PRETRAINED_CONGESTION_REALNET,
    CongestionPredictor,
    QueueingBaseline,
)
from rca.gnn._corpus import localisation_sample, propagation_sample
from rca.gnn._failure_model import PRETRAINED_PROPAGATION, FailureGNN, RootScores
from rca.gnn._forecast import (
    PRETRAINED_FORECAST,
    CongestionForecaster,
    ForecastNet,
    LinkForecast,
    UtilizationSeries,
    congestion_evidence,
    forecast_evidence,
    linear_trend_forecast,
    persistence_forecast,
    utilization_series,
)
from rca.gnn._graph_data import (
    FEATURES,
    HYPOTHESIS_FEATURES,
    OBSERVED_FEATURES,
    STRUCTURE_FEATURES,
    failure_graph,
)
from rca.gnn._localise import localise
from rca.gnn._prediction import CongestionPrediction, CongestionScores, score_congestion
from rca.gnn._propagation import PropagationPrediction, propagate
from rca.gnn._queueing import FluidRates, MM1KEstimate, fluid_rates, mm1k
from rca.gnn._routenet import FlowRouteNet, PathWalk, RouteNet
from rca.gnn._tensors import (
    ASSUMED_QUEUE_SIZE,
    CONGESTION_UTILIZATION,
    FLOW_EDGE_FEATURES,
    FLOW_LINK_FEATURES,
    FLOW_PATH_FEATURES,
    FLOW_TYPES,
    LINK_FEATURES,
    PATH_FEATURES,
    NetworkSample,
    congestion_data,
    link_devices,
)

__all__ = [
    "ASSUMED_QUEUE_SIZE",
    "CONGESTION_FEATURE_SETS",
    "CONGESTION_UTILIZATION",
    "FLOW_EDGE_FEATURES",
    "FLOW_LINK_FEATURES",
    "FLOW_PATH_FEATURES",
    "FLOW_TYPES",
    "FlowRouteNet",
    "FluidRates",
    "PRETRAINED_CONGESTION_REALNET",
    "fluid_rates",
    "link_devices",
    "LINK_FEATURES",
    "PATH_FEATURES",
    "PRETRAINED_CONGESTION",
    "CongestionPrediction",
    "CongestionPredictor",
    "CongestionScores",
    "MM1KEstimate",
    "NetworkSample",
    "QueueingBaseline",
    "RouteNet",
    "congestion_data",
    "mm1k",
    "score_congestion",
    "FEATURES",
    "HYPOTHESIS_FEATURES",
    "OBSERVED_FEATURES",
    "PRETRAINED_PROPAGATION",
    "STRUCTURE_FEATURES",
    "FailureGNN",
    "PropagationPrediction",
    "RootScores",
    "failure_graph",
    "localisation_sample",
    "localise",
    "propagate",
    "propagation_sample",
    "PRETRAINED_FORECAST",
    "CongestionForecaster",
    "ForecastNet",
    "LinkForecast",
    "UtilizationSeries",
    "congestion_evidence",
    "forecast_evidence",
    "linear_trend_forecast",
    "persistence_forecast",
    "utilization_series",
    "PathWalk",
]
