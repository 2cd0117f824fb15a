"""Graph neural networks for network performance and congestion (the only torch user).

- :func:`congestion_data`: a network with routing and traffic as a PyG
  ``HeteroData`` of paths and links (documented, size-invariant features).
- :class:`RouteNet`: path-link message passing (RouteNet family).
- :class:`CongestionPredictor`: the trainable, savable estimator; with
  ``iterations=0`` it is the MLP baseline. :class:`QueueingBaseline`: the
  closed-form M/M/1/K estimate.
- :class:`CongestionPrediction`, :class:`CongestionScores`,
  :func:`score_congestion`: typed results and their scores.
"""

from rca.gnn._congestion import PRETRAINED_CONGESTION, CongestionPredictor, QueueingBaseline
from rca.gnn._prediction import CongestionPrediction, CongestionScores, score_congestion
from rca.gnn._queueing import MM1KEstimate, mm1k
from rca.gnn._routenet import RouteNet
from rca.gnn._tensors import CONGESTION_UTILIZATION, LINK_FEATURES, PATH_FEATURES, NetworkSample, congestion_data

__all__ = [
    "CONGESTION_UTILIZATION",
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
]
