"""Topological Hawkes process (THP) discovery on event sequences.

Our own vectorised implementation of the model of Cai et al., "THPs:
Topological Hawkes Processes for Learning Causal Structure on Event
Sequences" (IEEE TNNLS 2022, arXiv:2105.10884). An event of type ``a`` on
device ``u`` raises the intensity of type ``b`` on every device ``v`` at
``k <= max_hop`` hops from ``u`` by ``alpha[a, b, k] * kernel(dt)``, with an
exponential kernel of unit mass. For a fixed parent set the likelihood of each
effect type is concave and separates from the others, so the structure search
is a BIC-penalised greedy forward / backward search per effect type, and the
parameters come from EM on precomputed kernel sums (no loop over events).
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from rca.errors import InputError

from ._background import column_prior, prior_masks
from ._base import CausalDiscovery
from ._series import EventSequences, hop_matrices, local_pairs

__all__ = ["TopologicalHawkes", "HawkesDesign", "hawkes_design", "search_parents"]

logger = logging.getLogger(__name__)

_TAIL = 7.0  # kernel truncated at _TAIL / decay seconds (exp(-7) < 0.1 %)


class HawkesDesign:
    """Kernel sums of a topological Hawkes model, per effect type.

    Attributes
    ----------
    features : list of numpy.ndarray
        ``features[b]`` has one row per event of type ``b`` and one column per
        (cause type ``a``, hop ``k``), column ``a * n_hops + k``: the summed
        kernel of earlier type-``a`` events ``k`` hops away.
    exposure : numpy.ndarray
        ``(n_types * n_hops,)`` integrated kernel mass each cause column
        spreads over the network (the compensator coefficients).
    baseline_exposure : float
        Devices times observed span (the baseline's compensator coefficient).
    lag_sum, pair_weight : numpy.ndarray
        ``(n_types, n_types)`` kernel-weighted sums of delays and weights of
        the cause -> effect event pairs (for the typical lag of an edge).
    baseline_profile : list of numpy.ndarray or None
        ``baseline_profile[b]`` multiplies the baseline at each event of type
        ``b`` (a time profile whose average over the observed span is 1, so
        that ``baseline_exposure`` is unchanged); ``None``: a constant baseline.
    """

    def __init__(
        self,
        features: list[np.ndarray],
        exposure: np.ndarray,
        baseline_exposure: float,
        n_hops: int,
        lag_sum: np.ndarray,
        pair_weight: np.ndarray,
        baseline_profile: list[np.ndarray] | None = None,
    ) -> None:
        self.baseline_profile = baseline_profile
        self.features = features
        self.exposure = exposure
        self.baseline_exposure = baseline_exposure
        self.n_hops = n_hops
        self.lag_sum = lag_sum
        self.pair_weight = pair_weight


def hawkes_design(events: EventSequences, decay: float, max_hop: int) -> HawkesDesign:
    """Precompute the kernel sums of every (cause type, hop) for every event.

    Parameters
    ----------
    events : EventSequences
    decay : float
        Rate of the exponential kernel ``decay * exp(-decay * dt)`` (1/s).
    max_hop : int
        Farthest topological distance of an excitation (0: same device only).
    """
    if decay <= 0:
        raise InputError(f"decay must be positive, found {decay}")
    mats = hop_matrices(events, max_hop)
    n_hops = len(mats)
    k_types = events.n_types
    pairs = local_pairs(events, _TAIL / decay, n_hops - 1)
    ci = pairs["cause"].to_numpy()
    ei = pairs["effect"].to_numpy()
    dt = pairs["dt"].to_numpy()
    hop = pairs["hop"].to_numpy()
    kern = decay * np.exp(-decay * dt)
    a = events.type_code[ci]
    b = events.type_code[ei]
    # row of each effect event inside its type block
    row_in_type = np.empty(events.n_events, dtype=np.int64)
    counts = np.bincount(events.type_code, minlength=k_types)
    for t in range(k_types):
        row_in_type[events.type_code == t] = np.arange(counts[t])
    features = []
    ncol = k_types * n_hops
    for t in range(k_types):
        sel = b == t
        flat = row_in_type[ei[sel]] * ncol + a[sel] * n_hops + hop[sel]
        mat = np.bincount(flat, weights=kern[sel], minlength=counts[t] * ncol).reshape(
            counts[t], ncol
        )
        features.append(mat)
    # compensator: each event spreads mass (1 - exp(-decay * remaining)) to every device k hops away
    end = events.time[-1] if events.n_events else 0.0
    mass = 1.0 - np.exp(-decay * (end - events.time))
    exposure = np.zeros(ncol)
    for k, mat in enumerate(mats):
        n_at_k = np.asarray(mat.sum(axis=1)).ravel()
        per_type = np.bincount(
            events.type_code, weights=mass * n_at_k[events.device_code], minlength=k_types
        )
        exposure[np.arange(k_types) * n_hops + k] = per_type
    lag_sum = np.zeros((k_types, k_types))
    pair_weight = np.zeros((k_types, k_types))
    np.add.at(lag_sum, (a, b), kern * dt)
    np.add.at(pair_weight, (a, b), kern)
    return HawkesDesign(
        features, exposure, events.n_devices * events.span, n_hops, lag_sum, pair_weight
    )


def _em(
    x: np.ndarray,
    n_zero: int,
    g: np.ndarray,
    c0: float,
    n_iter: int,
    tol: float,
    init: np.ndarray | None = None,
    offset: np.ndarray | None = None,
    profile: np.ndarray | None = None,
    log_profile_zero: float = 0.0,
) -> tuple[float, np.ndarray, float]:
    """EM for ``lambda = mu * profile + offset + x @ alpha``; returns (mu, alpha, log-likelihood).

    ``x`` holds the rows with a non-zero kernel sum (or offset); ``n_zero``
    more events have only the baseline. ``offset`` is a fixed part of the
    intensity (the other parents, held at their fitted values, when screening
    candidates); its compensator is left out of the log-likelihood.
    ``profile`` multiplies the baseline on the rows of ``x`` (default 1) and
    ``log_profile_zero`` is the sum of its log over the ``n_zero`` other events.
    """
    n = x.shape[0] + n_zero
    p = x.shape[1]
    mu = n / c0 * 0.5
    alpha = np.full(p, 0.1) if init is None else np.maximum(init, 1e-6)
    base = np.zeros(x.shape[0]) if offset is None else offset
    prof = np.ones(x.shape[0]) if profile is None else profile

    def loglik(lam: np.ndarray) -> float:
        # the events only the baseline explains; without any, the update can shrink mu to 0 (every
        # event explained by its parents), and 0 * log(0) would make the likelihood NaN
        baseline_only = n_zero * np.log(mu) if n_zero else 0.0
        return float(np.log(lam).sum() + baseline_only + log_profile_zero - mu * c0 - alpha @ g)

    ll_old = -np.inf
    ll = ll_old
    g_safe = np.maximum(g, 1e-300)
    for _ in range(n_iter):
        lam = np.maximum(mu * prof + base + x @ alpha, 1e-300)
        ll = loglik(lam)
        inv = 1.0 / lam
        # responsibilities summed over events: column a gets alpha_a * sum_i x_ia / lam_i
        mu = (mu * float(prof @ inv) + n_zero) / c0
        alpha = alpha * (x.T @ inv) / g_safe
        if ll - ll_old < tol * max(1.0, abs(ll)):
            break
        ll_old = ll
    return mu, alpha, loglik(np.maximum(mu * prof + base + x @ alpha, 1e-300))


class TopologicalHawkes(CausalDiscovery):
    """Topological Hawkes process with BIC-penalised greedy structure search.

    Parameters
    ----------
    decay : float or "auto"
        Rate (1/s) of the exponential excitation kernel (default 0.1, a 10 s
        time scale, the default of gCastle's TTPM). ``"auto"`` picks, from
        ``decays``, the one whose full model (every type a parent of every
        type) has the highest likelihood: a choice made on the events only
        (on the PCIC data it prefers slow kernels that score worse).
    decays : sequence of float
        Candidate rates for ``decay="auto"``.
    max_hop : int
        Farthest topological distance of an excitation; ignored without a topology.
    penalty : float
        Multiplier of the BIC penalty ``penalty * log(n_b) / 2`` per parameter
        (``n_b``: events of the effect type).
    acyclic : bool
        Break cycles of the result by dropping, in order of increasing
        strength, edges that close a cycle (the alarm graphs of the field are
        DAGs).
    forbidden, required : sequence of (cause, effect)
        Background knowledge, as alarm type names: edges never learned, and
        edges always in the result (fitted like the others; ``weight`` is
        their gain even where the data do not support them). Pairs naming
        types the log lacks are skipped with a warning.
    n_iter : int
        EM iterations per candidate.
    tol : float
        Relative EM tolerance.

    Attributes
    ----------
    graph_ : CausalGraph
        ``weight`` is the edge's log-likelihood gain over its BIC penalty,
        ``lag_s`` the kernel-weighted mean delay of its event pairs.
    alpha_ : numpy.ndarray
        ``(n_types, n_types, n_hops)`` excitation of the selected edges.
    mu_ : numpy.ndarray
        Baseline intensity per type and device.

    Examples
    --------
    >>> from rca.causal import simulate_hawkes_events
    >>> frame, truth = simulate_hawkes_events(n_types=4, n_devices=5, random_state=0)
    >>> est = TopologicalHawkes(decay=0.1).fit(frame)
    >>> sorted(est.graph_.edge_set()) == sorted(truth)
    True
    """

    method_name = "thp"
    uses_topology = True

    def __init__(
        self,
        *,
        decay: float | str = 0.1,
        decays: Sequence[float] = (1.0, 0.1, 0.01, 0.001),
        max_hop: int = 1,
        penalty: float = 1.0,
        acyclic: bool = True,
        forbidden: Sequence[tuple[str, str]] = (),
        required: Sequence[tuple[str, str]] = (),
        n_iter: int = 200,
        tol: float = 1e-7,
    ) -> None:
        self.decay = decay
        self.decays = decays
        self.max_hop = max_hop
        self.penalty = penalty
        self.acyclic = acyclic
        self.forbidden = forbidden
        self.required = required
        self.n_iter = n_iter
        self.tol = tol

    def _choose_decay(self, events: EventSequences) -> tuple[float, HawkesDesign, dict[str, float]]:
        if self.decay != "auto":
            d = float(self.decay)
            return d, hawkes_design(events, d, self.max_hop), {}
        best = None
        scores = {}
        for d in self.decays:
            design = hawkes_design(events, float(d), self.max_hop)
            ll = 0.0
            for b in range(events.n_types):
                x = design.features[b]
                nz = x.any(axis=1)
                ll += _em(
                    x[nz], int((~nz).sum()), design.exposure, design.baseline_exposure, 50, 1e-6
                )[2]
            scores[str(d)] = ll
            logger.debug("thp: decay %g full-model log-likelihood %.1f", d, ll)
            if best is None or ll > best[0]:
                best = (ll, float(d), design)
        assert best is not None
        return best[1], best[2], scores

    def _discover(self, events: EventSequences) -> tuple[pd.DataFrame, dict[str, Any]]:
        if self.max_hop < 0:
            raise InputError(f"max_hop must be >= 0, found {self.max_hop}")
        forbid, require = prior_masks(events.types, self.forbidden, self.required)
        decay, design, scores = self._choose_decay(events)
        k, h = events.n_types, design.n_hops
        alpha = np.zeros((k, k, h))
        mu = np.zeros(k)
        gains = np.zeros((k, k))
        for b in range(k):
            parents, mu[b], al, gain = search_parents(
                design,
                b,
                h,
                penalty=self.penalty,
                n_iter=self.n_iter,
                tol=self.tol,
                **column_prior(forbid, require, b),
            )
            for a, g_a in zip(parents, gain):
                alpha[a, b] = al[parents.index(a) * h : (parents.index(a) + 1) * h]
                gains[a, b] = g_a
        adj = selected_edges(gains, require, acyclic=self.acyclic)
        ii, jj = np.nonzero(adj)
        lag = np.divide(
            design.lag_sum,
            design.pair_weight,
            out=np.full((k, k), np.nan),
            where=design.pair_weight > 0,
        )
        support = np.array(
            [
                (f[:, :] > 0).reshape(f.shape[0], k, h).any(axis=2).sum(axis=0)
                for f in design.features
            ]
        ).T
        edges = pd.DataFrame(
            {
                "cause": [events.types[i] for i in ii],
                "effect": [events.types[j] for j in jj],
                "weight": gains[ii, jj],
                "lag_s": lag[ii, jj],
                "support": support[ii, jj],
            }
        )
        self.alpha_ = alpha * adj[:, :, None]
        self.mu_ = mu / max(events.n_devices, 1)
        self.decay_ = decay
        return edges, {"decay_selected": decay, "decay_loglik": scores, "n_hops_used": h - 1}


def search_parents(
    design: HawkesDesign,
    b: int,
    group: int,
    *,
    penalty: float = 1.0,
    n_iter: int = 200,
    tol: float = 1e-7,
    screen: bool = False,
    self_excitation: bool = False,
    forbidden: Collection[int] = (),
    required: Sequence[int] = (),
) -> tuple[list[int], float, np.ndarray, list[float]]:
    """BIC-penalised greedy forward / backward search of the parent types of ``b``.

    Parameters
    ----------
    design : HawkesDesign
        Kernel sums; the columns of cause type ``a`` are ``a * group ..
        (a + 1) * group - 1`` (its hops, or its hops times kernel scales).
    b : int
        The effect type.
    group : int
        Columns (free parameters) per cause type.
    penalty : float
        Multiplier of the BIC penalty ``group * log(n_b) / 2`` per parent.
    n_iter, tol : int, float
        EM iterations and relative tolerance per candidate fit.
    screen : bool
        Rank the candidates of a forward step by the gain of fitting only
        their own excitation and the baseline, the current parents held fixed
        (a lower bound of the full gain), and refit the full model for the
        best one only: one full fit per step instead of one per candidate.
    self_excitation : bool
        Let ``b`` be a candidate parent of itself (bursts and flapping of one
        alarm type are then not credited to the types that burst with it);
        the caller does not report ``b -> b`` as an edge.
    forbidden : collection of int
        Types never tried as parents (known non-causes).
    required : sequence of int
        Types that start as parents and are never dropped (known causes);
        one whose events never precede ``b`` nearby has nothing to fit and
        is left to the caller.

    Returns
    -------
    parents : list of int
        Selected cause types, in order of selection.
    mu : float
        Baseline rate of ``b`` (whole network).
    alpha : numpy.ndarray
        ``(len(parents) * group,)`` excitations, in the order of ``parents``.
    gains : list of float
        Per parent, the log-likelihood lost by dropping it, minus its penalty.
    """
    h = group
    x_all = design.features[b]
    n_b = x_all.shape[0]
    if n_b == 0:
        return [], 0.0, np.zeros(0), []
    pen = penalty * h * np.log(max(n_b, 2)) / 2.0
    c0 = design.baseline_exposure
    g_all = design.exposure
    prof_all = None if design.baseline_profile is None else design.baseline_profile[b]

    def cols(parents: list[int]) -> np.ndarray:
        return (
            np.concatenate([np.arange(a * h, (a + 1) * h) for a in parents])
            if parents
            else np.zeros(0, int)
        )

    def fit(parents: list[int], init: np.ndarray | None = None) -> tuple[float, np.ndarray, float]:
        c = cols(parents)
        x = x_all[:, c]
        nz = x.any(axis=1)
        if prof_all is None:
            return _em(x[nz], int((~nz).sum()), g_all[c], c0, n_iter, tol, init)
        log_zero = float(np.log(prof_all[~nz]).sum())
        return _em(
            x[nz], int((~nz).sum()), g_all[c], c0, n_iter, tol, init, None, prof_all[nz], log_zero
        )

    # candidate causes: types whose events ever precede b nearby
    candidates = [
        a
        for a in range(len(design.features))
        if (a != b or self_excitation)
        and a not in forbidden
        and x_all[:, a * h : (a + 1) * h].any()
    ]
    parents = [a for a in required if a in candidates]
    fixed = set(parents)
    mu, al, ll = fit(parents)
    while True:
        best = None
        if screen:
            rest = [a for a in candidates if a not in parents]
            a = _best_screened(x_all, cols(parents), al, rest, h, g_all, c0, tol, prof_all)
            if a is not None:
                m2, a2, ll2 = fit(parents + [a], np.concatenate([al, np.full(h, 0.1)]))
                if ll2 - ll - pen > 0:
                    best = (a, m2, a2, ll2)
        else:
            for a in candidates:
                if a in parents:
                    continue
                init = np.concatenate([al, np.full(h, 0.1)])
                m2, a2, ll2 = fit(parents + [a], init)
                if ll2 - ll - pen > 0 and (best is None or ll2 > best[3]):
                    best = (a, m2, a2, ll2)
        if best is None:
            break
        parents.append(best[0])
        mu, al, ll = best[1], best[2], best[3]
        # backward step: drop a parent whose removal costs less than its penalty
        changed = True
        while changed and len(parents) > 1:
            changed = False
            for a in [p for p in parents if p not in fixed]:
                rest = [p for p in parents if p != a]
                keep = np.concatenate(
                    [al[i * h : (i + 1) * h] for i, p in enumerate(parents) if p != a]
                )
                m2, a2, ll2 = fit(rest, keep)
                if ll - ll2 < pen:
                    parents, mu, al, ll = rest, m2, a2, ll2
                    changed = True
                    break
    gains = []
    for a in parents:
        rest = [p for p in parents if p != a]
        rest_weights = (
            np.concatenate([al[i * h : (i + 1) * h] for i, p in enumerate(parents) if p != a])
            if rest
            else None
        )
        gains.append(float(ll - fit(rest, rest_weights)[2] - pen))
    return parents, mu, al, gains


def _best_screened(
    x_all: np.ndarray,
    current: np.ndarray,
    alpha: np.ndarray,
    candidates: list[int],
    h: int,
    g_all: np.ndarray,
    c0: float,
    tol: float,
    profile: np.ndarray | None = None,
    n_iter: int = 50,
) -> int | None:
    """The candidate whose own excitation, the current parents held fixed, adds most likelihood."""
    if not candidates:
        return None
    n_b = x_all.shape[0]
    offset = x_all[:, current] @ alpha if current.size else np.zeros(n_b)
    prof = np.ones(n_b) if profile is None else profile
    log_prof = np.log(prof)

    def fit(x: np.ndarray, g: np.ndarray, rows: np.ndarray) -> float:
        n_zero = n_b - int(rows.sum())
        log_zero = float(log_prof[~rows].sum())
        return _em(x[rows], n_zero, g, c0, n_iter, tol, None, offset[rows], prof[rows], log_zero)[2]

    busy = offset > 0
    ll_cur = fit(np.zeros((n_b, 0)), np.zeros(0), busy)
    best, best_gain = None, -np.inf
    for a in candidates:
        x = x_all[:, a * h : (a + 1) * h]
        rows = busy | x.any(axis=1)
        gain = fit(x, g_all[a * h : (a + 1) * h], rows) - ll_cur
        if gain > best_gain:
            best, best_gain = a, gain
    return best


def selected_edges(gains: np.ndarray, required: np.ndarray, *, acyclic: bool) -> np.ndarray:
    """Edges whose gain beats their penalty, plus the required ones; no self-loops; a DAG if ``acyclic``
    (required edges are kept first, so a learned edge gives way to them)."""
    adj = (gains > 0) | required
    np.fill_diagonal(adj, False)
    return _break_cycles(adj, np.where(required, np.inf, gains)) if acyclic else adj


def _break_cycles(adj: np.ndarray, strength: np.ndarray) -> np.ndarray:
    """Keep edges strongest first, skipping any that would close a directed cycle."""
    ii, jj = np.nonzero(adj)
    order = np.argsort(-strength[ii, jj], kind="stable")
    graph = nx.DiGraph()
    graph.add_nodes_from(range(adj.shape[0]))
    out = np.zeros_like(adj)
    for idx in order:
        i, j = int(ii[idx]), int(jj[idx])
        if i == j or nx.has_path(graph, j, i):
            continue
        graph.add_edge(i, j)
        out[i, j] = True
    return out
