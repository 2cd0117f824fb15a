"""Temporal precedence between alarm types: counts used to orient edges."""

from __future__ import annotations

import numpy as np

from ._series import EventSequences, local_pairs

__all__ = ["precedence_counts"]


def precedence_counts(events: EventSequences, window: float, max_hop: int = 0) -> np.ndarray:
    """How often each type precedes each other nearby.

    Returns
    -------
    numpy.ndarray
        ``(n_types, n_types)``; ``[a, b]`` is the number of type-``b`` events
        with at least one type-``a`` event on a device within ``max_hop`` hops
        in the ``window`` seconds before (strictly earlier).
    """
    pairs = local_pairs(events, window, max_hop)
    k = events.n_types
    a = events.type_code[pairs["cause"].to_numpy()]
    key = pairs["effect"].to_numpy() * k + a
    key = np.unique(key)  # each (effect event, cause type) once
    eff_type = events.type_code[key // k]
    out = np.zeros((k, k), dtype=np.int64)
    np.add.at(out, (key % k, eff_type), 1)
    np.fill_diagonal(out, 0)
    return out
