"""The estimator interface shared by every discovery method."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import Any

import pandas as pd
from sklearn.base import BaseEstimator

from rca.errors import InputError, NotFittedError

from ._result import CausalGraph
from ._series import AlarmsLike, EventSequences, TopologyLike, event_sequences

__all__ = ["CausalDiscovery", "check_is_fitted"]

logger = logging.getLogger(__name__)


def check_is_fitted(estimator: object) -> None:
    """Raise :class:`rca.errors.NotFittedError` unless ``estimator`` has ``graph_``."""
    if not hasattr(estimator, "graph_"):
        raise NotFittedError(
            f"this {type(estimator).__name__} is not fitted yet; call fit(alarms) first"
        )


class CausalDiscovery(BaseEstimator):
    """Base class: learn a :class:`CausalGraph` of alarm types from an alarm log.

    Subclasses implement ``_discover(events) -> (edges, params)``, where
    ``edges`` is a frame with ``cause, effect, weight, lag_s, support`` (alarm
    type names). ``__init__`` of a subclass only stores its keyword-only
    arguments (scikit-learn contract), so :func:`sklearn.base.clone` works.

    Attributes
    ----------
    graph_ : CausalGraph
        The learned graph (after :meth:`fit`).
    events_ : EventSequences
        The coded events the graph was learned from.
    """

    #: short method name written into the result
    method_name: str = "base"
    #: whether the method uses the device topology
    uses_topology: bool = False

    def fit(
        self,
        alarms: AlarmsLike,
        topology: TopologyLike = None,
        *,
        types: Sequence[str] | None = None,
    ) -> CausalDiscovery:
        """Learn the graph.

        Parameters
        ----------
        alarms : AlarmLog, DataFrame (``time, device, alarm_type``) or EventSequences
        topology : Topology, networkx.Graph or 0/1 adjacency DataFrame, optional
            The device graph; ignored by methods that do not use it.
        types : sequence of str, optional
            The alarm types that are the graph's nodes, in order (default:
            every type in ``alarms``); a type with no event stays isolated.

        Returns
        -------
        self
        """
        start = time.perf_counter()
        if isinstance(alarms, EventSequences):
            events = alarms
        else:
            events = event_sequences(alarms, topology if self.uses_topology else None, types=types)
        if events.n_types < 2:
            raise InputError(
                f"causal discovery needs at least 2 alarm types, found {events.n_types}"
            )
        logger.info(
            "%s: %d events, %d alarm types, %d devices%s",
            type(self).__name__,
            events.n_events,
            events.n_types,
            events.n_devices,
            "" if events.graph is None else f", {events.graph.number_of_edges()} links",
        )
        edges, extra = self._discover(events)
        params = {k: v for k, v in self.get_params().items()}
        params.update(extra)
        self.events_ = events
        self.graph_ = CausalGraph(
            nodes=events.types,
            edges=edges,
            method=self.method_name,
            params=params,
            seconds=time.perf_counter() - start,
        )
        logger.info(
            "%s: %d edges in %.2f s", type(self).__name__, len(self.graph_), self.graph_.seconds
        )
        return self

    def _discover(
        self, events: EventSequences
    ) -> tuple[pd.DataFrame, dict[str, Any]]:  # pragma: no cover
        raise NotImplementedError

    @property
    def graph(self) -> CausalGraph:
        """The learned graph (raises NotFittedError before fit)."""
        check_is_fitted(self)
        return self.graph_
