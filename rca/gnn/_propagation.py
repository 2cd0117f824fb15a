"""Failure propagation: which elements a fault hypothesis affects, how likely, and when."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from rca.topology import Topology

__all__ = ["PropagationPrediction", "propagate"]


@dataclass(frozen=True)
class PropagationPrediction:
    """Predicted footprint of one fault.

    Attributes
    ----------
    fault : str
        The fault type (:data:`rca.datasets.FAULT_TYPES`).
    entity : str
        The element, link or site it hits.
    elements : tuple of str
        Every element of the topology.
    probability : numpy.ndarray
        Chance each element shows symptoms (raises, or is the subject of,
        an alarm) within half an hour of the fault.
    delay_s : numpy.ndarray
        Expected seconds from the fault to that element's first alarm.
    """

    fault: str
    entity: str
    elements: tuple[str, ...]
    probability: np.ndarray
    delay_s: np.ndarray

    def affected(self, threshold: float = 0.5) -> list[tuple[str, float, float]]:
        """``(element, probability, delay_s)`` at or above ``threshold``, most probable first."""
        order = np.lexsort((np.arange(len(self.elements)), -self.probability))
        return [(self.elements[i], float(self.probability[i]), float(self.delay_s[i]))
                for i in order if self.probability[i] >= threshold]

    def to_frame(self) -> pd.DataFrame:
        """One row per element, most probable first."""
        frame = pd.DataFrame({"entity": list(self.elements), "probability": self.probability,
                              "delay_s": self.delay_s})
        return frame.sort_values(["probability", "entity"], ascending=[False, True], kind="stable",
                                 ignore_index=True)

    def to_dict(self, threshold: float = 0.5) -> dict:
        """``{"fault", "entity", "affected": [{"entity", "probability", "delay_s"}]}``, most probable first."""
        return {"fault": self.fault, "entity": self.entity,
                "affected": [{"entity": e, "probability": round(p, 4), "delay_s": round(d, 1)}
                             for e, p, d in self.affected(threshold)]}


def propagate(topology: Topology, fault: str, entity: str, *, model=None) -> PropagationPrediction:
    """Predict which elements a fault will affect, with probabilities and delays.

    Parameters
    ----------
    topology : Topology
        The network.
    fault : str
        One of :data:`rca.datasets.FAULT_TYPES` (``node_down``, ``link_down``,
        ``site_power``...).
    entity : str
        The element, link or site the fault hits (of the kind the fault
        needs: a node for ``node_down``, a link for ``link_down``...).
    model : FailureGNN, optional
        Default: the shipped weights (loaded once per process).

    Returns
    -------
    PropagationPrediction

    Raises
    ------
    rca.errors.InputError
        An unknown fault type, or an entity of the wrong kind for it.
    rca.errors.UnknownEntityError
        The entity is not in the topology.

    Examples
    --------
    >>> from rca.datasets import make_network
    >>> net = make_network("small", random_state=0)
    >>> pred = propagate(net, "node_down", net.node_ids[10])
    >>> net.node_ids[10] in [v for v, _, _ in pred.affected()[:3]]   # the failed element shows it early
    True
    """
    from rca.gnn._failure_model import shipped_failure_model as _shipped_model

    est = model if model is not None else _shipped_model()
    prob, delay, _ = est.propagate(topology, fault, entity)
    return PropagationPrediction(str(fault), str(entity), tuple(topology.node_ids), prob, delay)
