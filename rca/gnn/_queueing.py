"""Closed-form M/M/1/K queue, per link, from the offered load.

Used twice: as the queueing baseline of the benchmark, and as the analytic
input features of the congestion GNN (which learns a correction to it).
:func:`fluid_rates` is the fluid model of the ``"flows"`` features: how much
of each flow's traffic reaches each link when overloaded links drop what
they cannot carry. numpy only, no torch.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["FluidRates", "MM1KEstimate", "fluid_rates", "mm1k"]

_RHO_MAX = 50.0


@dataclass(frozen=True)
class MM1KEstimate:
    """Stationary M/M/1/K figures for each link.

    Attributes
    ----------
    occupancy : numpy.ndarray
        Mean number of packets in the port (queue and server), ``L``.
    blocking : numpy.ndarray
        Probability that an arriving packet finds the buffer full, ``P_K``.
    sojourn : numpy.ndarray
        Mean time in the port in units of the mean service time,
        ``W * mu = L / (rho * (1 - P_K))``.
    utilization : numpy.ndarray
        Carried load, ``rho * (1 - P_K)``.
    """

    occupancy: np.ndarray
    blocking: np.ndarray
    sojourn: np.ndarray
    utilization: np.ndarray


def mm1k(rho: np.ndarray, capacity: np.ndarray) -> MM1KEstimate:
    """M/M/1/K figures for offered loads ``rho`` and ``capacity`` packets.

    Parameters
    ----------
    rho : array of float, shape (n,)
        Offered load, arrival rate over service rate (may exceed 1).
    capacity : array of int, shape (n,)
        ``K``, the most packets the port holds, queue and server together.

    Returns
    -------
    MM1KEstimate

    Examples
    --------
    >>> import numpy as np
    >>> est = mm1k(np.array([0.5]), np.array([1000]))
    >>> round(float(est.sojourn[0]), 3)  # M/M/1: 1 / (1 - rho)
    2.0
    """
    rho = np.clip(np.asarray(rho, dtype=float), 1e-9, _RHO_MAX)
    k = np.asarray(capacity, dtype=float)
    near = np.abs(rho - 1.0) < 1e-6
    r = np.where(near, 0.5, rho)  # placeholder where the limit applies
    # log-space powers keep large K and rho > 1 finite
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        rk1 = np.exp((k + 1) * np.log(r))
        rk = np.exp(k * np.log(r))
        big = rk1 > 1e12
        occ = np.where(big, k - r / (r - 1.0), r / (1 - r) - (k + 1) * rk1 / (1 - rk1))
        block = np.where(big, (r - 1.0) / r, (1 - r) * rk / (1 - rk1))
    occ = np.where(near, k / 2.0, occ)
    block = np.where(near, 1.0 / (k + 1.0), block)
    util = rho * (1.0 - block)
    sojourn = occ / np.maximum(util, 1e-12)
    sojourn = np.maximum(sojourn, 1.0)
    return MM1KEstimate(occupancy=occ, blocking=block, sojourn=sojourn, utilization=util)


def _pass_fraction(capacity: np.ndarray, load: np.ndarray) -> np.ndarray:
    """``min(1, capacity / load)``; 1 where nothing is offered."""
    out = np.ones_like(load)
    over = load > capacity
    out[over] = capacity[over] / load[over]
    return out


@dataclass(frozen=True)
class FluidRates:
    """Steady flow rates when every overloaded link drops in proportion.

    Attributes
    ----------
    reaching : numpy.ndarray, shape (E,)
        Per path-link edge, the share of the flow's offered traffic that
        reaches the link (1 on the first link).
    delivered : numpy.ndarray, shape (P,)
        Per flow, the share of its traffic that leaves its last link.
    carried_load : numpy.ndarray, shape (L,)
        Per link, the traffic that reaches it (bits/s).
    """

    reaching: np.ndarray
    delivered: np.ndarray
    carried_load: np.ndarray


def fluid_rates(
    capacity: np.ndarray,
    traffic: np.ndarray,
    edge_path: np.ndarray,
    edge_link: np.ndarray,
    *,
    iterations: int = 8,
) -> FluidRates:
    """Push the offered traffic through the routes; an overloaded link forwards ``capacity / offered`` of it.

    A fixed-point iteration: the traffic reaching every link is summed, each
    link's pass fraction is ``min(1, capacity / reaching traffic)``, and a
    flow's traffic on its ``k``-th link is its offered traffic times the pass
    fractions of its first ``k - 1`` links. ``iterations`` rounds suffice for
    routes of up to that many overloaded links in a row.

    Parameters
    ----------
    capacity : array of float, shape (L,)
        Link capacities, bits/s (positive).
    traffic : array of float, shape (P,)
        Offered traffic of each flow, bits/s.
    edge_path, edge_link : array of int, shape (E,)
        The path-link edges, path by path and in hop order within a path.
    iterations : int, default 8

    Returns
    -------
    FluidRates

    Examples
    --------
    Two flows of 0.8 share a link of capacity 1, then go their own ways:

    >>> import numpy as np
    >>> fr = fluid_rates(np.array([1.0, 1.0, 1.0]), np.array([0.8, 0.8]),
    ...                  np.array([0, 0, 1, 1]), np.array([0, 1, 0, 2]))
    >>> fr.delivered.round(3).tolist(), fr.carried_load.round(3).tolist()
    ([0.625, 0.625], [1.6, 0.5, 0.5])
    """
    cap = np.asarray(capacity, dtype=float)
    rate_in = np.asarray(traffic, dtype=float)
    ep = np.asarray(edge_path, dtype=np.int64)
    el = np.asarray(edge_link, dtype=np.int64)
    n_links, n_paths = cap.size, rate_in.size
    if ep.size == 0:
        return FluidRates(np.ones(0), np.ones(n_paths), np.zeros(n_links))
    starts = np.r_[0, np.flatnonzero(np.diff(ep)) + 1]
    lengths = np.diff(np.r_[starts, ep.size])
    offered = rate_in[ep]
    reaching = np.ones(ep.size)
    for _ in range(max(1, int(iterations))):
        load = np.bincount(el, weights=offered * reaching, minlength=n_links)
        log_pass = np.log(_pass_fraction(cap, load))[el]
        before = np.cumsum(log_pass) - log_pass  # sum over earlier edges, across paths
        reaching = np.exp(before - np.repeat(before[starts], lengths))
    load = np.bincount(el, weights=offered * reaching, minlength=n_links)
    passed = reaching * _pass_fraction(cap, load)[el]
    delivered = np.ones(n_paths)
    delivered[ep[starts + lengths - 1]] = passed[starts + lengths - 1]
    return FluidRates(reaching=reaching, delivered=delivered, carried_load=load)
