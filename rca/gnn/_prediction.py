"""Typed results of the congestion predictors, and their scores."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from rca.errors import InputError

__all__ = ["CongestionPrediction", "CongestionScores", "score_congestion"]


@dataclass(frozen=True)
class CongestionPrediction:
    """Predicted per-link queueing and per-path delay for one network.

    Attributes
    ----------
    name : str
        The sample's name.
    link_ids : tuple of str
        Link ids, in the order of the sample's ``links`` frame.
    utilization, occupancy, loss_probability : numpy.ndarray, shape (L,)
        Mean carried load over capacity; mean packets in the output port;
        probability that the link drops packets.
    congested : numpy.ndarray of bool, shape (L,)
        Utilisation at least 0.8, or packet loss predicted.
    path_source, path_target : numpy.ndarray of int, shape (P,)
        The flows, in the order of the sample's ``paths`` frame.
    path_delay : numpy.ndarray, shape (P,)
        Mean end-to-end delay, seconds.
    """

    name: str
    link_ids: tuple[str, ...]
    utilization: np.ndarray = field(repr=False)
    occupancy: np.ndarray = field(repr=False)
    loss_probability: np.ndarray = field(repr=False)
    congested: np.ndarray = field(repr=False)
    path_source: np.ndarray = field(repr=False)
    path_target: np.ndarray = field(repr=False)
    path_delay: np.ndarray = field(repr=False)

    def to_frame(self, entity: str = "link") -> pd.DataFrame:
        """One row per link (``entity="link"``) or per path (``"path"``)."""
        if entity == "link":
            return pd.DataFrame(
                {
                    "utilization": self.utilization,
                    "occupancy": self.occupancy,
                    "loss_probability": self.loss_probability,
                    "congested": self.congested.astype(bool),
                },
                index=pd.Index(list(self.link_ids), name="link_id"),
            )
        if entity == "path":
            return pd.DataFrame(
                {"source": self.path_source, "target": self.path_target, "delay": self.path_delay}
            )
        raise InputError(
            f"CongestionPrediction.to_frame: entity must be 'link' or 'path', found {entity!r}"
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-able: the name, then per-link and per-path records."""
        links = self.to_frame("link").reset_index()
        return {
            "name": self.name,
            "links": links.to_dict(orient="records"),
            "paths": self.to_frame("path").to_dict(orient="records"),
        }


@dataclass(frozen=True)
class CongestionScores:
    """Accuracy of congestion predictions against simulated labels.

    Attributes
    ----------
    path_delay_mape : float
        Mean absolute percentage error of per-path mean delay, in percent,
        pooled over every labelled path of every sample.
    path_delay_median_ape : float
        Median of the same absolute percentage errors, in percent (with
        heavy-tailed delays a few large errors move the mean; the median
        says how a typical path fares).
    link_util_mae : float
        Mean absolute error of per-link utilisation (a fraction).
    link_occupancy_mape : float
        Mean absolute percentage error of per-link mean port occupancy, percent.
    congestion_precision, congestion_recall, congestion_f1 : float
        Of the congested-link flag, pooled over links (NaN when undefined).
    n_samples, n_paths, n_links : int
        What was scored (``n_links``: links with a utilisation label).

    Link figures are NaN when the samples carry no link labels (the
    measurements of a real network label flows only).
    """

    path_delay_mape: float
    path_delay_median_ape: float
    link_util_mae: float
    link_occupancy_mape: float
    congestion_precision: float
    congestion_recall: float
    congestion_f1: float
    n_samples: int
    n_paths: int
    n_links: int

    def to_dict(self) -> dict[str, Any]:
        """The scores as a JSON-able dict."""
        return {
            k: (None if isinstance(v, float) and np.isnan(v) else v)
            for k, v in self.__dict__.items()
        }

    def to_frame(self) -> pd.DataFrame:
        """One row of scores."""
        return pd.DataFrame([self.__dict__])


def _label(links: pd.DataFrame, column: str) -> np.ndarray:
    """A link label column as floats; all NaN when the frame lacks it."""
    if column in links.columns:
        return np.array(links[column], dtype=float)
    return np.full(len(links), np.nan)


def score_congestion(
    predictions: Sequence[CongestionPrediction], samples: Iterable[Any]
) -> CongestionScores:
    """Score predictions against the labels of the samples they were made for.

    Parameters
    ----------
    predictions : sequence of CongestionPrediction
    samples : iterable of samples with labelled ``links`` and ``paths``
        In the same order as ``predictions``.

    Returns
    -------
    CongestionScores
    """
    ape, occ_ape, util_err, flags, truth = [], [], [], [], []
    n = 0
    for pred, sample in zip(predictions, samples, strict=True):
        n += 1
        y = np.array(sample.paths["delay"], dtype=float)
        ok = np.isfinite(y) & (y > 0)
        ape.append(np.abs(pred.path_delay[ok] - y[ok]) / y[ok])
        links = sample.links
        u = _label(links, "utilization")
        lok = np.isfinite(u)
        util_err.append(np.abs(pred.utilization[lok] - u[lok]))
        occ = _label(links, "occupancy")
        ook = np.isfinite(occ) & (occ > 0)
        occ_ape.append(np.abs(pred.occupancy[ook] - occ[ook]) / occ[ook])
        losses = _label(links, "losses")
        with np.errstate(invalid="ignore"):
            truth.append(((u >= 0.8) | (losses > 0))[lok])
        flags.append(pred.congested[lok].astype(bool))
    if n == 0:
        raise InputError("score_congestion: no samples to score")
    t = np.concatenate(truth)
    f = np.concatenate(flags)
    tp = float(np.sum(t & f))
    precision = tp / f.sum() if f.sum() else float("nan")
    recall = tp / t.sum() if t.sum() else float("nan")
    f1 = 2 * tp / (t.sum() + f.sum()) if (t.sum() + f.sum()) else float("nan")
    paths = np.concatenate(ape)
    util_all, occ_all = np.concatenate(util_err), np.concatenate(occ_ape)
    return CongestionScores(
        path_delay_mape=float(100 * paths.mean()) if paths.size else float("nan"),
        path_delay_median_ape=float(100 * np.median(paths)) if paths.size else float("nan"),
        link_util_mae=float(util_all.mean()) if util_all.size else float("nan"),
        link_occupancy_mape=float(100 * occ_all.mean()) if occ_all.size else float("nan"),
        congestion_precision=float(precision),
        congestion_recall=float(recall),
        congestion_f1=float(f1),
        n_samples=n,
        n_paths=int(paths.size),
        n_links=int(t.size),
    )
