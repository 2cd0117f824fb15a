"""Lagged (Granger-style) discovery over binned alarm counts."""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from rca.errors import InputError

from ._base import CausalDiscovery
from ._series import EventSequences

__all__ = ["GrangerDiscovery"]

logger = logging.getLogger(__name__)


class GrangerDiscovery(CausalDiscovery):
    """Per-device lagged regression of each alarm type on the past counts of all types.

    Counts are binned per device at ``resolution`` seconds (plus, with a
    topology, the summed counts of the neighbours as a second regressor
    block). For every effect type an OLS model of ``log1p`` counts on the
    ``n_lags`` previous bins of every type is compared, by an F test, with the
    model without one cause type's lags; ``cause -> effect`` is kept when the
    Bonferroni-corrected p-value is below ``alpha``. Device-bins where neither
    the effect nor any lagged regressor is non-zero are left out (they carry
    no information about excitation and dominate long, quiet logs).

    Parameters
    ----------
    resolution : float
        Bin width in seconds.
    n_lags : int
        Number of past bins.
    alpha : float
        Family-wise significance level (divided by the number of ordered pairs).
    use_topology : bool
        Add the neighbours' counts as regressors when a topology is given.
    """

    method_name = "granger"
    uses_topology = True

    def __init__(
        self,
        *,
        resolution: float = 60.0,
        n_lags: int = 3,
        alpha: float = 0.01,
        use_topology: bool = True,
    ):
        self.resolution = resolution
        self.n_lags = n_lags
        self.alpha = alpha
        self.use_topology = use_topology

    def _discover(self, events: EventSequences) -> tuple[pd.DataFrame, dict[str, Any]]:
        if self.resolution <= 0 or self.n_lags < 1:
            raise InputError(
                f"resolution must be > 0 and n_lags >= 1, found {self.resolution}, {self.n_lags}"
            )
        k, lags = events.n_types, int(self.n_lags)
        b = np.floor((events.time - events.time[0]) / self.resolution).astype(np.int64)
        blocks = [(events.device_code, b, events.type_code)]
        if self.use_topology and events.graph is not None:
            index = {d: i for i, d in enumerate(events.devices)}
            nb: list[list[int]] = [[] for _ in events.devices]
            for u, v in events.graph.edges():
                nb[index[u]].append(index[v])
                nb[index[v]].append(index[u])
            rep = np.array([len(nb[d]) for d in events.device_code])
            src = np.repeat(np.arange(events.n_events), rep)
            dst = (
                np.concatenate([nb[d] for d in events.device_code])
                if rep.sum()
                else np.zeros(0, int)
            )
            blocks.append((dst.astype(np.int64), b[src], events.type_code[src]))
        # sparse (device, bin) keys with any activity, and the lagged rows that matter
        key = events.device_code * (b.max() + lags + 2) + b
        stride = b.max() + lags + 2
        rows = np.unique(np.concatenate([key + s for s in range(lags + 1)]))
        n_blocks = len(blocks)
        counts = np.zeros((n_blocks, rows.size, k))
        for blk, (dev, bins, typ) in enumerate(blocks):
            want = dev * stride + bins
            kk = np.minimum(np.searchsorted(rows, want), rows.size - 1)
            ok = rows[kk] == want
            np.add.at(counts[blk], (kk[ok], typ[ok]), 1.0)
        counts = np.log1p(counts)
        # lagged design: for row r, the rows r - s (same device) if present
        shifted = []
        for s in range(1, lags + 1):
            idx = np.searchsorted(rows, rows - s)
            idx = np.minimum(idx, rows.size - 1)
            hit = rows[idx] == rows - s
            lagged = np.where(hit[None, :, None], counts[:, idx, :], 0.0)
            shifted.append(lagged)
        x = np.stack(shifted, axis=-1)  # blocks, rows, k, lags
        x = np.transpose(x, (1, 2, 0, 3)).reshape(rows.size, k, n_blocks * lags)
        y = counts[0]
        active = (y.sum(axis=1) > 0) | (x.reshape(rows.size, -1).sum(axis=1) > 0)
        x, y = x[active], y[active]
        n = x.shape[0]
        full = np.column_stack([np.ones(n), x.reshape(n, -1)])
        n_pairs = k * (k - 1)
        pvals = np.ones((k, k))
        best_lag = np.full((k, k), np.nan)
        per = n_blocks * lags
        xtx = full.T @ full
        xty = full.T @ y
        yty = (y * y).sum(axis=0)
        for e in range(k):
            coef, rss_full = _ols(xtx, xty[:, e], yty[e])
            dof = n - full.shape[1]
            for c in range(k):
                if c == e:
                    continue
                drop = 1 + c * per + np.arange(per)
                keep = np.setdiff1d(np.arange(full.shape[1]), drop)
                _, rss_r = _ols(xtx[np.ix_(keep, keep)], xty[keep, e], yty[e])
                f = ((rss_r - rss_full) / per) / max(rss_full / max(dof, 1), 1e-12)
                pvals[c, e] = float(stats.f.sf(f, per, max(dof, 1)))
                lag_coef = coef[drop].reshape(n_blocks, lags).max(axis=0)
                best_lag[c, e] = (
                    (int(np.argmax(lag_coef)) + 1) * self.resolution
                    if (lag_coef > 0).any()
                    else np.nan
                )
                if (lag_coef <= 0).all():
                    pvals[c, e] = 1.0  # inhibition is not causation of alarms
        sel = pvals * n_pairs < self.alpha
        np.fill_diagonal(sel, False)
        ii, jj = np.nonzero(sel)
        support = np.zeros((k, k), dtype=np.int64)
        edges = pd.DataFrame(
            {
                "cause": [events.types[i] for i in ii],
                "effect": [events.types[j] for j in jj],
                "weight": -np.log10(np.maximum(pvals[ii, jj], 1e-300)),
                "lag_s": best_lag[ii, jj],
                "support": support[ii, jj],
            }
        )
        return edges, {"rows_used": int(n)}


def _ols(xtx: np.ndarray, xty: np.ndarray, yty: float) -> tuple[np.ndarray, float]:
    """OLS from the normal equations: coefficients and residual sum of squares."""
    coef = np.linalg.lstsq(xtx, xty, rcond=None)[0]
    return coef, max(float(yty - coef @ xty), 0.0)
