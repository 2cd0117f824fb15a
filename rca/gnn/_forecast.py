"""Congestion forecasting from recent link utilisation, as RCA evidence.

:class:`CongestionForecaster` reads the last ``window`` samples of every
link's utilisation (from :class:`rca.metrics.Metrics`) and forecasts the
next ``horizon`` intervals per link: the utilisation and the probability
that it is at least :data:`rca.gnn.CONGESTION_UTILIZATION`.

An incident folder has no traffic matrix and no routing, so the paths over
which :class:`rca.gnn.RouteNet` passes messages are not known. What the
topology does give is which links share an element: traffic that reaches a
link arrives over, or leaves over, its neighbours. :class:`ForecastNet`
therefore passes messages over the line graph of the topology, with the
RouteNet link update (a GRU cell fed with the aggregated messages):

1. each link encodes its own window (values, which samples were seen, and
   the window's trend, mean and range relative to the last value);
2. ``rounds`` times, each link averages its neighbours' states and updates
   its own with a GRU cell;
3. a readout predicts, per link, how far to follow the window's trend line
   rather than repeat the last value, then for each future interval a
   correction of that and a congestion logit.

Baselines (:func:`persistence_forecast`, :func:`linear_trend_forecast`)
share the window conventions, so :mod:`benchmarks.gnn_forecast` scores
all three on the same windows.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd
import torch
from scipy import sparse
from sklearn.base import BaseEstimator
from torch import Tensor, nn

from rca.errors import InputError, ModelFileError, NotFittedError
from rca.gnn._serialize import read_model_file, write_model_file
from rca.gnn._tensors import CONGESTION_UTILIZATION
from rca.limits import MAX_MODEL_DEPTH, MAX_MODEL_WIDTH, MAX_MODEL_WINDOW
from rca.metrics import Metrics
from rca.result import Evidence, RCAResult
from rca.topology import Topology

if TYPE_CHECKING:
    from rca.incident import Incident

__all__ = [
    "PRETRAINED_FORECAST",
    "CongestionForecaster",
    "ForecastNet",
    "LinkForecast",
    "UtilizationSeries",
    "congestion_evidence",
    "forecast_evidence",
    "linear_trend_forecast",
    "link_adjacency",
    "persistence_forecast",
    "utilization_series",
    "window_features",
]

logger = logging.getLogger(__name__)

# configuration entries that size the model, checked before it is built
_SIZES = {
    "hidden": MAX_MODEL_WIDTH,
    "rounds": MAX_MODEL_DEPTH,
    "window": MAX_MODEL_WINDOW,
    "horizon": MAX_MODEL_WINDOW,
}
_FORMAT = "netrca-forecast"
_FORMAT_VERSION = 1
PRETRAINED_FORECAST = "forecast.pt"
"""File name of the shipped forecaster, under ``rca/gnn/weights/``."""


# -- series ---------------------------------------------------------------------


@dataclass(frozen=True)
class UtilizationSeries:
    """Link utilisation on a regular grid of polling intervals.

    Attributes
    ----------
    link_ids : tuple of str
        Columns, in ``topology.link_ids`` order.
    times : ndarray of float, shape (T,)
        Epoch seconds of each interval.
    values : ndarray of float, shape (T, L)
        Utilisation as a fraction of capacity; NaN where no sample arrived.
    """

    link_ids: tuple[str, ...]
    times: np.ndarray
    values: np.ndarray

    def to_frame(self) -> pd.DataFrame:
        """One row per interval, one column per link."""
        return pd.DataFrame(
            self.values, index=pd.Index(self.times, name="time"), columns=list(self.link_ids)
        )


def utilization_series(
    topology: Topology,
    metrics: Metrics | pd.DataFrame,
    *,
    metric: str = "utilization",
    until: float | None = None,
    unit: str = "auto",
) -> UtilizationSeries:
    """Link utilisation from long-format metrics, on the polling grid.

    Samples are put on a grid of the median polling interval (so that a few
    seconds of jitter between links do not split an interval), averaged
    where a link reports twice in one interval, and turned into fractions of
    capacity.

    Parameters
    ----------
    topology : Topology
        The links to read; samples of other entities are ignored.
    metrics : Metrics or DataFrame
        Long format, ``time, entity, metric, value``.
    metric : str, default "utilization"
        The metric name of link utilisation.
    until : float, optional
        Ignore samples after this time (epoch seconds).
    unit : {"auto", "percent", "fraction"}, default "auto"
        ``"auto"`` reads the series as percent (the twin's unit) when any
        value exceeds 1.5, else as fractions; a network idling under 1.5 %
        everywhere is then misread, so say ``"percent"`` when it is known.

    Returns
    -------
    UtilizationSeries

    Raises
    ------
    rca.errors.InputError
        No link of the topology has a sample of ``metric``, or ``unit`` is
        not one of the three.
    """
    if unit not in ("auto", "percent", "fraction"):
        raise InputError(f"unit must be 'auto', 'percent' or 'fraction', found {unit!r}")
    frame = metrics.frame if isinstance(metrics, Metrics) else metrics
    missing = [c for c in ("time", "entity", "metric", "value") if c not in frame.columns]
    if missing:
        raise InputError(f"metrics lack column(s) {missing}; have {list(frame.columns)}")
    link_ids = tuple(topology.link_ids)
    column = {l: k for k, l in enumerate(link_ids)}
    sel = frame[(frame["metric"] == metric) & frame["entity"].isin(link_ids)]
    if until is not None:
        sel = sel[sel["time"] <= until]
    times = sel["time"].to_numpy(dtype=float)
    values = sel["value"].to_numpy(dtype=float)
    ok = np.isfinite(times) & np.isfinite(values)
    if not ok.any():
        raise InputError(
            f"no {metric!r} samples for any of the {len(link_ids)} links of the topology",
            column="value",
        )
    times, values = times[ok], values[ok]
    cols = sel["entity"].map(column).to_numpy(dtype=np.int64)[ok]
    grid = np.unique(times)
    step = float(np.median(np.diff(grid))) if len(grid) > 1 else 1.0
    slot = np.rint((times - grid[0]) / step).astype(np.int64)
    out = np.full((int(slot.max()) + 1, len(link_ids)), np.nan)
    total = np.zeros_like(out)
    count = np.zeros_like(out)
    np.add.at(total, (slot, cols), values)
    np.add.at(count, (slot, cols), 1.0)
    np.divide(total, count, out=out, where=count > 0)
    if unit == "percent" or (unit == "auto" and np.nanmax(out) > 1.5):
        out /= 100.0
    return UtilizationSeries(link_ids, grid[0] + step * np.arange(len(out)), out)


def window_features(
    values: np.ndarray, ends: Sequence[int] | np.ndarray, window: int
) -> np.ndarray:
    """Per link, the ``window`` samples up to each end index, gaps filled, and which were seen.

    Parameters
    ----------
    values : ndarray, shape (T, L)
        Utilisation, NaN where missing.
    ends : sequence of int
        Index of the last sample of each window (the "now").
    window : int
        Samples per window; a window reaching before the series is padded
        as missing.

    Returns
    -------
    ndarray, shape (N, L, 2 * window)
        The filled values (a gap repeats the last seen value, leading gaps
        the first one; a link never seen reads 0), then the 0/1 seen mask.
    """
    ends = np.asarray(ends, dtype=np.int64)
    idx = ends[:, None] + np.arange(1 - window, 1)[None, :]  # (N, W)
    padded = np.where(idx[..., None] >= 0, values[np.clip(idx, 0, None)], np.nan)  # (N, W, L)
    seen = np.isfinite(padded)
    # forward fill along the window, then back fill the leading gap
    pos = np.where(seen, np.arange(window)[None, :, None], -1)
    np.maximum.accumulate(pos, axis=1, out=pos)
    filled = np.take_along_axis(np.nan_to_num(padded), np.clip(pos, 0, None), axis=1)
    first = np.argmax(seen, axis=1)  # (N, L): first seen position
    first_value = np.take_along_axis(filled, first[:, None, :], axis=1)
    filled = np.where(pos < 0, first_value, filled)
    filled = np.where(seen.any(axis=1, keepdims=True), filled, 0.0)
    return (
        np.concatenate([filled, seen.astype(float)], axis=1).transpose(0, 2, 1).astype(np.float32)
    )


def link_adjacency(topology: Topology) -> Tensor:
    """Row-normalised line graph: links are neighbours when they share an element.

    Returns
    -------
    Tensor
        Sparse COO :math:`(L, L)`; row ``i`` averages link ``i``'s
        neighbours (an isolated link's row is empty).
    """
    link_ids = topology.link_ids
    node_of = {n: i for i, n in enumerate(topology.node_ids)}
    ends = np.asarray(
        [[node_of[e] for e in topology.link_endpoints(l)] for l in link_ids], dtype=np.int64
    )
    n = len(link_ids)
    rows = np.repeat(np.arange(n), 2)
    incidence = sparse.csr_matrix((np.ones(2 * n), (rows, ends.ravel())), shape=(n, len(node_of)))
    shared = (incidence @ incidence.T).tocoo()  # links x links: elements in common
    keep = shared.row != shared.col
    pairs = np.stack([shared.row[keep], shared.col[keep]]).astype(np.int64)
    order = np.lexsort((pairs[1], pairs[0]))
    pairs = pairs[:, order]
    degree = np.bincount(pairs[0], minlength=n).astype(np.float32)
    weights = (1.0 / degree[pairs[0]]).astype(np.float32)
    return torch.sparse_coo_tensor(
        torch.as_tensor(pairs), torch.as_tensor(weights), (n, n), check_invariants=True
    ).coalesce()


# -- baselines -------------------------------------------------------------------


def persistence_forecast(features: np.ndarray, horizon: int) -> np.ndarray:
    """The last observed value, for every future interval.

    Parameters
    ----------
    features : ndarray, shape (N, L, 2 * window)
        From :func:`window_features`.
    horizon : int

    Returns
    -------
    ndarray, shape (N, L, horizon)
    """
    window = features.shape[-1] // 2
    return np.repeat(features[..., window - 1 : window], horizon, axis=-1)


def linear_trend_forecast(features: np.ndarray, horizon: int) -> np.ndarray:
    """A least-squares line through each link's seen samples, extrapolated.

    Links with fewer than two seen samples fall back to persistence.
    Forecasts are clipped to [0, 1.5].

    Returns
    -------
    ndarray, shape (N, L, horizon)
    """
    window = features.shape[-1] // 2
    y, w = features[..., :window].astype(float), features[..., window:].astype(float)
    t = np.arange(window, dtype=float)
    n = w.sum(-1)
    safe = np.maximum(n, 1)
    t_mean = (w * t).sum(-1) / safe
    y_mean = (w * y).sum(-1) / safe
    var = (w * (t - t_mean[..., None]) ** 2).sum(-1)
    cov = (w * (t - t_mean[..., None]) * (y - y_mean[..., None])).sum(-1)
    slope = np.where((n >= 2) & (var > 0), cov / np.where(var > 0, var, 1), 0.0)
    future = window - 1 + np.arange(1, horizon + 1, dtype=float)
    trend = y_mean[..., None] + slope[..., None] * (future - t_mean[..., None])
    out = np.where((n >= 2)[..., None], trend, persistence_forecast(features, horizon))
    return np.clip(out, 0.0, 1.5)


# -- the network -------------------------------------------------------------------


class ForecastNet(nn.Module):
    r"""Line-graph message passing that forecasts each link's next intervals.

    Parameters
    ----------
    window : int
        Past samples per link.
    horizon : int
        Future intervals to forecast.
    hidden : int
        Size of the link states.
    rounds : int
        Message-passing rounds; 0 forecasts each link from its own window.

    Shapes:
        - **input:** window features :math:`(N, L, 2W)` from
          :func:`window_features` (``N`` windows of the same network) and
          the sparse adjacency :math:`(L, L)` of :func:`link_adjacency`.
        - **output:** utilisation :math:`(N, L, H)` and congestion logits
          :math:`(N, L, H)`.
    """

    def __init__(
        self, window: int = 8, horizon: int = 3, hidden: int = 32, rounds: int = 2
    ) -> None:
        super().__init__()
        self.window, self.horizon, self.hidden, self.rounds = window, horizon, hidden, rounds
        n_in = 2 * window + horizon + 4
        self.encode = nn.Sequential(nn.Linear(n_in, hidden), nn.ReLU(), nn.Linear(hidden, hidden))
        if rounds > 0:
            self.update = nn.GRUCell(hidden, hidden)
        self.readout = nn.Sequential(
            nn.Linear(hidden + n_in, hidden), nn.ReLU(), nn.Linear(hidden, 2 * horizon + 1)
        )
        with torch.no_grad():  # start near persistence, congestion unlikely
            last = cast(nn.Linear, self.readout[-1])
            last.weight.mul_(0.1)
            last.bias.zero_()
            last.bias[horizon : 2 * horizon] = -3.0
            last.bias[2 * horizon] = -2.0

    def summarise(self, x: Tensor) -> Tensor:
        """The window features, then what a person would read off each window.

        Appended, all relative to the last value: the least-squares trend
        extrapolated to each future interval (as :func:`linear_trend_forecast`),
        the window's mean, maximum and minimum; then the root mean square
        of the residuals of that line (how much the window looks like a trend).
        """
        w = self.window
        values, seen = x[..., :w], x[..., w:]
        t = torch.arange(w, dtype=x.dtype, device=x.device)
        count = seen.sum(-1, keepdim=True)
        safe = count.clamp(min=1)
        t_mean = (seen * t).sum(-1, keepdim=True) / safe
        y_mean = (seen * values).sum(-1, keepdim=True) / safe
        var = (seen * (t - t_mean) ** 2).sum(-1, keepdim=True)
        cov = (seen * (t - t_mean) * (values - y_mean)).sum(-1, keepdim=True)
        slope = torch.where(
            (count >= 2) & (var > 0), cov / var.clamp(min=1e-6), torch.zeros_like(var)
        )
        future = w - 1 + torch.arange(1, self.horizon + 1, dtype=x.dtype, device=x.device)
        last = values[..., w - 1 : w]
        trend = y_mean + slope * (future - t_mean) - last
        fitted = y_mean + slope * (t - t_mean)
        residual = torch.sqrt((seen * (values - fitted) ** 2).sum(-1, keepdim=True) / safe)
        spread = [
            y_mean - last,
            values.amax(-1, keepdim=True) - last,
            values.amin(-1, keepdim=True) - last,
        ]
        return torch.cat([x, trend, *spread, residual], dim=-1)

    def forward(self, x: Tensor, adjacency: Tensor) -> tuple[Tensor, Tensor]:
        """Forecast utilisation and congestion logits; see the class docstring."""
        n, links, _ = x.shape
        x = self.summarise(x)
        h = self.encode(x)
        for _ in range(self.rounds):
            flat = h.transpose(0, 1).reshape(links, n * self.hidden)
            messages = (
                torch.sparse.mm(adjacency, flat).reshape(links, n, self.hidden).transpose(0, 1)
            )
            h = self.update(messages.reshape(-1, self.hidden), h.reshape(-1, self.hidden)).reshape(
                n, links, -1
            )
        out = self.readout(torch.cat([h, x], dim=-1))
        w, k = self.window, self.horizon
        last = x[..., w - 1 : w]
        trend = x[..., 2 * w : 2 * w + k]
        # a learned choice, per link, between persistence and the trend line, plus a correction
        follow = torch.sigmoid(out[..., 2 * k : 2 * k + 1])
        return last + follow * trend + out[..., :k], out[..., k : 2 * k]


# -- results -------------------------------------------------------------------------


@dataclass(frozen=True)
class LinkForecast:
    """Per-link forecast of the next intervals.

    Attributes
    ----------
    link_ids : tuple of str
    now : float
        Epoch seconds of the last interval of the window.
    interval_s : float
        Polling interval, seconds.
    current : ndarray, shape (L,)
        Last observed utilisation (NaN for a link never seen in the window).
    utilization : ndarray, shape (L, H)
        Forecast utilisation for the next ``H`` intervals.
    probability : ndarray, shape (L, H)
        Forecast probability that utilisation is at least
        :data:`~rca.gnn.CONGESTION_UTILIZATION`.
    observed : ndarray of bool, shape (L,)
        The link reported at least one sample in the window.
    threshold : float
        Probability from which an interval counts as congested (the
        forecaster's ``threshold_``).
    """

    link_ids: tuple[str, ...]
    now: float
    interval_s: float
    current: np.ndarray
    utilization: np.ndarray
    probability: np.ndarray
    observed: np.ndarray
    threshold: float = 0.5

    @property
    def horizon(self) -> int:
        """Forecast intervals."""
        return int(self.utilization.shape[1])

    @property
    def congested(self) -> np.ndarray:
        """Links forecast congested in at least one interval (probability >= ``threshold``), seen in the window."""
        return (self.probability >= self.threshold).any(axis=1) & self.observed

    def to_frame(self) -> pd.DataFrame:
        """One row per link and future interval (``step`` 1 is the next one)."""
        n_links, horizon = self.utilization.shape
        return pd.DataFrame(
            {
                "link_id": np.repeat(np.asarray(self.link_ids, dtype=object), horizon),
                "step": np.tile(np.arange(1, horizon + 1), n_links),
                "time": self.now + self.interval_s * np.tile(np.arange(1, horizon + 1), n_links),
                "current": np.repeat(self.current, horizon),
                "utilization": self.utilization.ravel(),
                "probability": self.probability.ravel(),
            }
        )


# -- the estimator --------------------------------------------------------------------


def _training_windows(
    series: UtilizationSeries, window: int, horizon: int
) -> tuple[np.ndarray, np.ndarray]:
    """All windows with a full future inside the series: features (N, L, 2W), targets (N, L, H)."""
    values = series.values
    ends = np.arange(window - 1, len(values) - horizon)
    if len(ends) == 0:
        return np.zeros((0, values.shape[1], 2 * window), np.float32), np.zeros(
            (0, values.shape[1], horizon)
        )
    x = window_features(values, ends, window)
    y = np.stack([values[ends + k] for k in range(1, horizon + 1)], axis=-1)  # (N, L, H)
    return x, y.astype(np.float32)


def _pick_threshold(model: ForecastNet, data: Sequence[tuple[Tensor, Tensor, Tensor]]) -> float:
    """The congestion-probability threshold with the best F1 on the training windows."""
    probs, truth = [], []
    with torch.inference_mode():
        for x, y, adjacency in data:
            _, logit = model(x, adjacency)
            ok = torch.isfinite(y)
            probs.append(torch.sigmoid(logit)[ok])
            truth.append(y[ok] >= CONGESTION_UTILIZATION)
    p, t = torch.cat(probs), torch.cat(truth)
    best, best_f1 = 0.5, -1.0
    for thr in np.round(np.arange(0.1, 0.91, 0.05), 2).tolist():
        flag = p >= thr
        denom = int(flag.sum()) + int(t.sum())
        f1 = 2 * int((flag & t).sum()) / denom if denom else 0.0
        if f1 > best_f1 + 1e-12:
            best, best_f1 = float(thr), f1
    return best


def _loss(util: Tensor, logit: Tensor, y: Tensor) -> Tensor:
    """Utilisation MAE + congestion BCE over the observed targets."""
    ok = torch.isfinite(y)
    target = (y[ok] >= CONGESTION_UTILIZATION).float()
    bce = nn.functional.binary_cross_entropy_with_logits(logit[ok], target)
    return (util[ok] - y[ok]).abs().mean() + 0.5 * bce


class CongestionForecaster(BaseEstimator):
    """Forecast each link's utilisation and congestion for the next intervals.

    A line-graph message-passing network (:class:`ForecastNet`) over the
    last ``window`` utilisation samples of every link and of its
    neighbours; trained on the twin's telemetry
    (:func:`rca.datasets.make_incident`), in polling intervals, so it does
    not depend on the polling period.

    Parameters
    ----------
    window : int, default 8
        Past samples per link.
    horizon : int, default 3
        Future intervals to forecast.
    hidden : int, default 32
        Size of the link states.
    rounds : int, default 2
        Message-passing rounds; 0 forecasts each link from its own series.
    epochs : int, default 8
        Passes over the training incidents.
    lr : float, default 3e-3
        Adam learning rate, cosine-decayed to a tenth.
    batch_windows : int, default 64
        Windows of one incident per gradient step.
    random_state : int, default 0
        Seeds initialisation and sample order; equal values give equal models.
    progress : bool, default False
        Show a progress bar while training.

    Attributes
    ----------
    model_ : ForecastNet
    history_ : list of dict
        Per epoch: ``epoch``, ``loss``.
    threshold_ : float
        Probability from which an interval is flagged congested, chosen for
        the best F1 on the training windows.

    Examples
    --------
    >>> from rca.datasets import make_incident
    >>> from rca.gnn import CongestionForecaster
    >>> incident = make_incident(fault="congestion", size="small", random_state=1)
    >>> forecast = CongestionForecaster.pretrained().predict(incident.topology, incident.metrics)
    >>> forecast.utilization.shape == (len(incident.topology.link_ids), forecast.horizon)
    True
    """

    def __init__(
        self,
        *,
        window: int = 8,
        horizon: int = 3,
        hidden: int = 32,
        rounds: int = 2,
        epochs: int = 8,
        lr: float = 3e-3,
        batch_windows: int = 64,
        random_state: int = 0,
        progress: bool = False,
    ) -> None:
        self.window = window
        self.horizon = horizon
        self.hidden = hidden
        self.rounds = rounds
        self.epochs = epochs
        self.lr = lr
        self.batch_windows = batch_windows
        self.random_state = random_state
        self.progress = progress

    def _new_model(self) -> ForecastNet:
        with torch.random.fork_rng(devices=[]):  # seeds init without touching global state
            torch.manual_seed(int(self.random_state))
            return ForecastNet(
                int(self.window), int(self.horizon), int(self.hidden), int(self.rounds)
            )

    def _check_params(self) -> None:
        for name in ("window", "horizon", "hidden", "epochs", "batch_windows"):
            if int(getattr(self, name)) < 1:
                raise InputError(
                    f"{type(self).__name__}: {name} must be at least 1, found {getattr(self, name)!r}"
                )
        if int(self.window) < 2:
            raise InputError(
                f"{type(self).__name__}: window must be at least 2, found {self.window!r}"
            )
        if int(self.rounds) < 0:
            raise InputError(f"{type(self).__name__}: rounds must be >= 0, found {self.rounds!r}")

    def fit(self, incidents: Iterable[Any], y: None = None) -> CongestionForecaster:
        """Train on the link utilisation of incidents (anything with ``topology`` and ``metrics``).

        Parameters
        ----------
        incidents : iterable of Incident
            E.g. :func:`rca.datasets.make_incidents`; incidents without
            metrics, or shorter than ``window + horizon`` intervals, are skipped.
        y : None
            Unused; the targets are the series' own future.

        Returns
        -------
        self
        """
        self._check_params()
        window, horizon = int(self.window), int(self.horizon)
        data = []
        for inc in incidents:
            if getattr(inc, "metrics", None) is None:
                continue
            try:
                series = utilization_series(inc.topology, inc.metrics)
            except InputError:
                continue
            x, target = _training_windows(series, window, horizon)
            if len(x):
                data.append(
                    (torch.as_tensor(x), torch.as_tensor(target), link_adjacency(inc.topology))
                )
        if not data:
            raise InputError(
                f"{type(self).__name__}.fit: no incident has {window + horizon} intervals "
                "of link utilisation"
            )
        rng = np.random.default_rng(int(self.random_state))
        model = self._new_model()
        optimiser = torch.optim.Adam(model.parameters(), lr=float(self.lr))
        batches = [
            (i, s)
            for i, (x, _, _) in enumerate(data)
            for s in range(0, len(x), int(self.batch_windows))
        ]
        steps = int(self.epochs) * len(batches)
        schedule = torch.optim.lr_scheduler.CosineAnnealingLR(
            optimiser, steps, eta_min=float(self.lr) / 10
        )
        history = []
        epochs: Iterable[int] = range(int(self.epochs))
        if self.progress:
            from tqdm.auto import tqdm

            epochs = tqdm(epochs, desc="forecaster", unit="epoch")
        model.train()
        for epoch in epochs:
            total = 0.0
            for b in rng.permutation(len(batches)).tolist():
                i, start = batches[b]
                x, target, adjacency = data[i]
                stop = start + int(self.batch_windows)
                util, logit = model(x[start:stop], adjacency)
                loss = _loss(util, logit, target[start:stop])
                optimiser.zero_grad()
                loss.backward()
                optimiser.step()
                schedule.step()
                total += float(loss.detach())
            history.append({"epoch": epoch + 1, "loss": round(total / len(batches), 6)})
            logger.info("forecaster epoch %d: loss %.4f", epoch + 1, total / len(batches))
        self.model_ = model.eval()
        self.history_ = history
        self.threshold_ = _pick_threshold(model, data)
        return self

    def _check_fitted(self) -> ForecastNet:
        model = getattr(self, "model_", None)
        if model is None:
            raise NotFittedError(
                f"This {type(self).__name__} is not fitted yet: call fit() or load() first"
            )
        return model

    def predict_windows(
        self, features: np.ndarray, adjacency: Tensor
    ) -> tuple[np.ndarray, np.ndarray]:
        """Forecast precomputed windows (see :func:`window_features`).

        Returns
        -------
        utilization, probability : ndarray, shape (N, L, horizon)
        """
        model = self._check_fitted()
        with torch.inference_mode():
            util, logit = model(torch.as_tensor(features, dtype=torch.float32), adjacency)
        return util.double().numpy(), torch.sigmoid(logit).double().numpy()

    def predict(
        self,
        topology: Topology,
        metrics: Metrics | pd.DataFrame,
        *,
        at: float | None = None,
        adjacency: Tensor | None = None,
        unit: str = "auto",
    ) -> LinkForecast:
        """Forecast every link from the last ``window`` intervals up to ``at``.

        Parameters
        ----------
        topology : Topology
        metrics : Metrics or DataFrame
            Long-format telemetry with link ``utilization`` (percent or fraction).
        at : float, optional
            The "now" (epoch seconds); default the last sample.
        adjacency : Tensor, optional
            :func:`link_adjacency` of ``topology``, to reuse across calls.
        unit : {"auto", "percent", "fraction"}, default "auto"
            Unit of the utilisation samples; see :func:`utilization_series`.

        Returns
        -------
        LinkForecast
        """
        model = self._check_fitted()
        series = utilization_series(topology, metrics, until=at, unit=unit)
        end = len(series.times) - 1
        x = window_features(series.values, [end], model.window)
        util, prob = self.predict_windows(
            x, link_adjacency(topology) if adjacency is None else adjacency
        )
        current = series.values[end].copy()
        seen = np.asarray(x[0, :, model.window :].any(axis=1), dtype=bool)
        current = np.where(
            np.isfinite(current), current, np.where(seen, x[0, :, model.window - 1], np.nan)
        )
        interval = (
            float(np.median(np.diff(series.times))) if len(series.times) > 1 else float("nan")
        )
        return LinkForecast(
            series.link_ids,
            float(series.times[end]),
            interval,
            current,
            util[0],
            prob[0],
            seen,
            float(getattr(self, "threshold_", 0.5)),
        )

    # -- files -------------------------------------------------------------------------

    def save(self, path: str | Path) -> None:
        """Write the weights and parameters (tensors and JSON only)."""
        model = self._check_fitted()
        config = {k: v for k, v in self.get_params().items() if k != "progress"}
        extra = {"history": self.history_, "threshold": self.threshold_}
        write_model_file(path, _FORMAT, _FORMAT_VERSION, config, model.state_dict(), extra)

    @classmethod
    def load(cls, path: str | Path) -> CongestionForecaster:
        """Read a file of :meth:`save` with ``torch.load(weights_only=True)``.

        Raises
        ------
        rca.errors.ModelFileError
            Corrupted, not a forecaster, unsupported version, or weights
            that do not fit the parameters.
        """
        config, state, extra = read_model_file(path, _FORMAT, _FORMAT_VERSION, sizes=_SIZES)
        try:
            est = cls(**config)
            est._check_params()
            model = est._new_model()
            model.load_state_dict(state, strict=True)
        except (TypeError, ValueError, RuntimeError) as exc:
            raise ModelFileError(f"{path}: forecaster does not fit its parameters: {exc}") from exc
        est.model_ = model.eval()
        est.history_ = list(extra.get("history", []))
        est.threshold_ = float(extra.get("threshold", 0.5))
        return est

    @classmethod
    def pretrained(cls) -> CongestionForecaster:
        """The shipped forecaster (:func:`rca.gnn._recipes.train_forecast` reproduces it)."""
        ref = resources.files("rca.gnn").joinpath("weights").joinpath(PRETRAINED_FORECAST)
        with resources.as_file(ref) as path:
            return cls.load(path)


# -- RCA evidence ------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _shipped_forecaster() -> CongestionForecaster:
    """The shipped forecaster, read once per process (prediction does not change it)."""
    return CongestionForecaster.pretrained()


def congestion_evidence(
    incident: Incident, *, forecaster: CongestionForecaster | None = None, at: float | None = None
) -> dict[str, Evidence]:
    """Evidence for every link forecast congested in the next intervals.

    Parameters
    ----------
    incident : Incident
        Needs ``topology`` and ``metrics`` with link utilisation.
    forecaster : CongestionForecaster, optional
        Default :meth:`CongestionForecaster.pretrained`.
    at : float, optional
        The "now" of the forecast (epoch seconds); default the last sample.

    Returns
    -------
    dict
        Link id -> :class:`rca.result.Evidence` (``source="gnn"``, path
        ``(link_id,)``), for the links whose forecast probability of
        congestion reaches 0.5 in at least one interval; empty when the
        incident has no link utilisation.

    Examples
    --------
    >>> from rca.datasets import make_incident
    >>> incident = make_incident(fault="congestion", size="small", random_state=1)
    >>> root = incident.truth.root_causes[0].entity
    >>> print(congestion_evidence(incident)[root].why)  # doctest: +ELLIPSIS
    predicted utilisation ... on L... over the next 3 intervals (now ...; P(congested) ...)
    """
    if getattr(incident, "metrics", None) is None:
        return {}
    model = forecaster if forecaster is not None else _shipped_forecaster()
    try:
        forecast = model.predict(incident.topology, incident.metrics, at=at)
    except InputError:
        return {}
    out: dict[str, Evidence] = {}
    for k in np.flatnonzero(forecast.congested).tolist():
        link = forecast.link_ids[k]
        peak = float(np.max(forecast.utilization[k]))
        why = (
            f"predicted utilisation {peak:.2f} on {link} over the next {forecast.horizon} intervals "
            f"(now {forecast.current[k]:.2f}; P(congested) {float(np.max(forecast.probability[k])):.2f})"
        )
        out[link] = Evidence(path=(link,), why=why, source="gnn")
    return out


def forecast_evidence(
    result: RCAResult,
    incident: Incident,
    *,
    forecaster: CongestionForecaster | None = None,
    at: float | None = None,
) -> RCAResult:
    """Add forecast-congestion evidence to the congestion candidates; the ranking is unchanged.

    A link candidate forecast congested gets one
    :class:`~rca.result.Evidence` (``source="gnn"``), whatever fault the
    ranker gave it (a saturated link is often ranked ``link_degraded``); an
    element candidate whose fault is ``congestion`` gets one per incident
    link forecast congested (the path runs from the element to the link's
    other end).

    Parameters
    ----------
    result : RCAResult
        From :func:`rca.analyze`.
    incident : Incident
    forecaster : CongestionForecaster, optional
        Default :meth:`CongestionForecaster.pretrained`.
    at : float, optional
        The "now" of the forecast; default the last sample.

    Returns
    -------
    RCAResult
        The same candidates in the same order, with evidence added.
    """
    evidence = congestion_evidence(incident, forecaster=forecaster, at=at)
    if not evidence:
        return result
    topology = incident.topology
    candidates = []
    for cand in result.candidates:
        found: list[Evidence] = []
        if cand.kind == "link" and cand.entity in evidence:
            found.append(evidence[cand.entity])
        elif (
            cand.kind == "node"
            and cand.fault == "congestion"
            and cand.entity in topology.nodes.index
        ):
            for link in topology.incident_links(cand.entity):
                if link in evidence:
                    a, b = topology.link_endpoints(link)
                    found.append(
                        replace(evidence[link], path=(cand.entity, b if a == cand.entity else a))
                    )
        candidates.append(
            replace(cand, evidence=tuple(cand.evidence) + tuple(found)) if found else cand
        )
    return replace(result, candidates=tuple(candidates))
