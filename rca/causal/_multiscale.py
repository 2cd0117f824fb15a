"""Multi-scale topological Hawkes discovery: the likelihood picks each edge's time scale.

A topological Hawkes process (see :mod:`rca.causal._hawkes`) whose excitation
kernel from cause type ``a`` to effect type ``b`` at ``k`` hops is a
non-negative mixture of exponentials of several fixed rates,
``sum_s alpha[a, b, k, s] * d_s * exp(-d_s * dt)``. One kernel rate imposes
one time scale on every edge (THP's default is 10 s), while real alarms relate
over a second or over minutes; with a mixture the data decide, per edge. The
mixture stays linear in ``alpha``, so the EM and the BIC-penalised greedy
parent search of THP apply unchanged, with one group of
``n_scales * n_hops`` parameters per parent.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from rca.errors import InputError

from ._background import column_prior, prior_masks
from ._base import CausalDiscovery
from ._hawkes import HawkesDesign, hawkes_design, search_parents, selected_edges
from ._series import EventSequences

__all__ = ["MultiScaleHawkes", "multiscale_design", "storm_profile"]

logger = logging.getLogger(__name__)

_ORIENTATIONS = ("acyclic", "both")


def multiscale_design(
    events: EventSequences, decays: Sequence[float], max_hop: int
) -> HawkesDesign:
    """Kernel sums of every (cause type, kernel rate, hop), one column group per cause type.

    Parameters
    ----------
    events : EventSequences
    decays : sequence of float
        Kernel rates (1/s); the slowest sets the look-back window
        (7 / min(decays) seconds), hence the cost.
    max_hop : int
        Farthest topological distance of an excitation.

    Returns
    -------
    HawkesDesign
        ``n_hops`` is ``len(decays) * (hops + 1)``: cause type ``a`` owns the
        columns ``a * n_hops ... (a + 1) * n_hops - 1``, ordered by rate, then hop.
        ``lag_sum`` / ``pair_weight`` are those of the first rate.
    """
    if len(decays) == 0:
        raise InputError("decays must hold at least one kernel rate")
    parts = [hawkes_design(events, float(d), max_hop) for d in decays]
    k, h, s = events.n_types, parts[0].n_hops, len(parts)
    features = []
    for b in range(k):
        n_b = parts[0].features[b].shape[0]
        stacked = np.stack([p.features[b].reshape(n_b, k, h) for p in parts], axis=2)
        features.append(stacked.reshape(n_b, k * s * h))
    exposure = np.stack([p.exposure.reshape(k, h) for p in parts], axis=1).reshape(k * s * h)
    return HawkesDesign(
        features,
        exposure,
        parts[0].baseline_exposure,
        s * h,
        parts[0].lag_sum,
        parts[0].pair_weight,
    )


class MultiScaleHawkes(CausalDiscovery):
    """Topological Hawkes discovery with a mixture of kernel time scales per edge.

    Parameters
    ----------
    decays : sequence of float
        Rates (1/s) of the exponential kernels mixed on every edge (default
        1, 0.1 and 0.01: time scales of 1 s, 10 s and 100 s).
    max_hop : int
        Farthest topological distance of an excitation; ignored without a topology.
    penalty : float
        Multiplier of the BIC penalty ``penalty * log(n_b) / 2`` per parameter.
    orientation : {"acyclic", "both"}
        ``"acyclic"`` drops, weakest first, edges that close a directed cycle
        (the result is a DAG). ``"both"`` keeps every selected edge, so a pair
        whose two directions each pass the BIC test is returned both ways: the
        data could not tell the direction (against a DAG truth such a pair
        scores one true and one false positive, which leaves the g-score
        unchanged and raises recall).
    self_excitation : bool
        Let each type excite itself (never reported as an edge), so that a
        type's own bursts are not credited to the types bursting with it.
    baseline_bin : float or None
        Width (s) of the bins of a network-wide time profile that multiplies
        every baseline (the profile follows the event counts per bin, with
        add-one smoothing, averaging 1): alarm storms raise every type's
        baseline instead of looking like cross-excitation. ``None``: a
        constant baseline.
    forbidden, required : sequence of (cause, effect)
        Background knowledge, as alarm type names: edges never learned, and
        edges always in the result (see :class:`TopologicalHawkes`).
    n_iter : int
        EM iterations per candidate.
    tol : float
        Relative EM tolerance.

    Attributes
    ----------
    graph_ : CausalGraph
        ``weight`` is the edge's log-likelihood gain over its BIC penalty,
        ``lag_s`` the mean delay of its fitted kernel mixture.
    alpha_ : numpy.ndarray
        ``(n_types, n_types, n_decays, n_hops)`` excitation of the selected edges.

    Examples
    --------
    >>> from rca.causal import simulate_hawkes_events
    >>> frame, truth = simulate_hawkes_events(n_types=4, n_devices=5, random_state=0)
    >>> est = MultiScaleHawkes().fit(frame)
    >>> sorted(est.graph_.edge_set()) == sorted(truth)
    True
    """

    method_name = "mshawkes"
    uses_topology = True

    def __init__(
        self,
        *,
        decays: Sequence[float] = (1.0, 0.1, 0.01),
        max_hop: int = 1,
        penalty: float = 1.0,
        orientation: str = "acyclic",
        self_excitation: bool = True,
        baseline_bin: float | None = 3600.0,
        forbidden: Sequence[tuple[str, str]] = (),
        required: Sequence[tuple[str, str]] = (),
        n_iter: int = 200,
        tol: float = 1e-7,
    ) -> None:
        self.decays = decays
        self.max_hop = max_hop
        self.penalty = penalty
        self.orientation = orientation
        self.self_excitation = self_excitation
        self.baseline_bin = baseline_bin
        self.forbidden = forbidden
        self.required = required
        self.n_iter = n_iter
        self.tol = tol

    def _check_params(self) -> tuple[float, ...]:
        if self.max_hop < 0:
            raise InputError(f"max_hop must be >= 0, found {self.max_hop}")
        if self.orientation not in _ORIENTATIONS:
            raise InputError(
                f"orientation must be one of {_ORIENTATIONS}, found {self.orientation!r}"
            )
        decays = tuple(float(d) for d in self.decays)
        if not decays or min(decays) <= 0:
            raise InputError(f"decays must be positive kernel rates, found {list(self.decays)}")
        if self.baseline_bin is not None and not float(self.baseline_bin) > 0:
            raise InputError(
                f"baseline_bin must be positive seconds or None, found {self.baseline_bin}"
            )
        return decays

    def _discover(self, events: EventSequences) -> tuple[pd.DataFrame, dict[str, Any]]:
        decays = self._check_params()
        forbid, require = prior_masks(events.types, self.forbidden, self.required)
        design = multiscale_design(events, decays, self.max_hop)
        if self.baseline_bin is not None:
            design.baseline_profile = storm_profile(events, float(self.baseline_bin))
        k, group, s = events.n_types, design.n_hops, len(decays)
        h = group // s
        alpha = np.zeros((k, k, s, h))
        gains = np.zeros((k, k))
        for b in range(k):
            parents, _, al, gain = search_parents(
                design,
                b,
                group,
                penalty=self.penalty,
                n_iter=self.n_iter,
                tol=self.tol,
                screen=True,
                self_excitation=self.self_excitation,
                **column_prior(forbid, require, b),
            )
            for i, (a, g_a) in enumerate(zip(parents, gain)):
                alpha[a, b] = al[i * group : (i + 1) * group].reshape(s, h)
                gains[a, b] = g_a
        adj = selected_edges(gains, require, acyclic=self.orientation == "acyclic")
        self.alpha_ = alpha * adj[:, :, None, None]
        return _edge_frame(events, adj, gains, alpha, decays, design), {"n_hops_used": h - 1}


def storm_profile(events: EventSequences, width: float) -> list[np.ndarray]:
    """Network-wide event-rate profile at each event, per type (see ``baseline_bin``).

    Returns
    -------
    list of numpy.ndarray
        Element ``b`` holds, for each type-``b`` event in time order, the
        smoothed count of all events in its ``width``-second bin over the mean
        bin count (so the profile averages 1 over the bins).
    """
    if events.n_events == 0:
        return [np.zeros(0) for _ in events.types]
    bins = np.floor((events.time - events.time[0]) / width).astype(np.int64)
    level = np.bincount(bins).astype(float) + 1.0
    level /= level.mean()
    at_event = level[bins]
    return [at_event[events.type_code == b] for b in range(events.n_types)]


def _edge_frame(
    events: EventSequences,
    adj: np.ndarray,
    gains: np.ndarray,
    alpha: np.ndarray,
    decays: tuple[float, ...],
    design: HawkesDesign,
) -> pd.DataFrame:
    """The selected edges with their gain, mean kernel delay and support."""
    ii, jj = np.nonzero(adj)
    mass = alpha.sum(axis=3)  # (k, k, s)
    total = mass.sum(axis=2)
    mean_delay = np.divide(
        (mass / np.asarray(decays)).sum(axis=2),
        total,
        out=np.full(adj.shape, np.nan),
        where=total > 0,
    )
    k = events.n_types
    support = np.zeros((k, k), dtype=np.int64)
    for b, f in enumerate(design.features):
        # explicit widths: a type with no events has zero rows, and -1 cannot be inferred
        support[:, b] = (f.reshape(f.shape[0], k, f.shape[1] // k) > 0).any(axis=2).sum(axis=0)
    return pd.DataFrame(
        {
            "cause": [events.types[i] for i in ii],
            "effect": [events.types[j] for j in jj],
            "weight": gains[ii, jj],
            "lag_s": mean_delay[ii, jj],
            "support": support[ii, jj],
        }
    )
