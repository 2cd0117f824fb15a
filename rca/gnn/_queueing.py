"""Closed-form M/M/1/K queue, per link, from the offered load.

Used twice: as the queueing baseline of the benchmark, and as the analytic
input features of the congestion GNN (which learns a correction to it).
numpy only, no torch.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["MM1KEstimate", "mm1k"]

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
