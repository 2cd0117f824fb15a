"""Congestion predictors with the scikit-learn estimator contract.

:class:`CongestionPredictor` trains :class:`~rca.gnn._routenet.RouteNet` on
simulated networks (``features="queues"``), or
:class:`~rca.gnn._routenet.FlowRouteNet` on measured ones
(``features="flows"``); ``iterations=0`` gives the MLP baseline (same
features, same readout, no message passing). :class:`QueueingBaseline` is
the closed-form M/M/1/K estimate per link.
"""

from __future__ import annotations

import copy
import logging
import time
from collections.abc import Iterable, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import torch
from sklearn.base import BaseEstimator
from torch_geometric.data import Batch, HeteroData

from rca.errors import InputError, ModelFileError, NotFittedError
from rca.gnn._prediction import CongestionPrediction, CongestionScores, score_congestion
from rca.gnn._queueing import mm1k
from rca.gnn._routenet import FlowRouteNet, RouteNet
from rca.gnn._serialize import read_model_file, write_model_file
from rca.gnn._tensors import CONGESTION_UTILIZATION, NetworkSample, congestion_data
from rca.limits import MAX_MODEL_DEPTH, MAX_MODEL_WIDTH

__all__ = [
    "CongestionPredictor",
    "QueueingBaseline",
    "PRETRAINED_CONGESTION",
    "PRETRAINED_CONGESTION_REALNET",
    "CONGESTION_FEATURE_SETS",
]

logger = logging.getLogger(__name__)

# configuration entries that size the model, checked before it is built
_SIZES = {"hidden": MAX_MODEL_WIDTH, "iterations": MAX_MODEL_DEPTH}
_FORMAT = "netrca-congestion"
_FORMAT_VERSION = 1
PRETRAINED_CONGESTION = "congestion.pt"
"""File name of the shipped weights for simulated networks (GNNet 2021), under ``rca/gnn/weights/``."""
PRETRAINED_CONGESTION_REALNET = "congestion_realnet.pt"
"""File name of the shipped weights for the measured testbed network (GNNet 2023), under ``rca/gnn/weights/``."""
CONGESTION_FEATURE_SETS = ("queues", "flows")
"""``"queues"``: buffer sizes and M/M/1/K features, per-link readout (:class:`RouteNet`);
``"flows"``: traffic, packet sizes, flow types, routes and capacities only, per-hop readout
(:class:`FlowRouteNet`). See :mod:`rca.gnn._tensors`."""


def _as_data(sample: NetworkSample | HeteroData) -> HeteroData:
    return sample if isinstance(sample, HeteroData) else congestion_data(sample)


def _prediction(
    sample: Any, out: dict[str, torch.Tensor], loss_threshold: float = 0.5
) -> CongestionPrediction:
    util = out["utilization"].double().numpy()
    loss_p = torch.sigmoid(out["loss_logit"]).double().numpy()
    links, paths = sample.links, sample.paths
    occupancy = (
        out["occupancy"].double().numpy() if "occupancy" in out else np.full(len(util), np.nan)
    )
    return CongestionPrediction(
        name=str(getattr(sample, "name", "<sample>")),
        link_ids=tuple(str(i) for i in links.index),
        utilization=util,
        occupancy=occupancy,
        loss_probability=loss_p,
        congested=(util >= CONGESTION_UTILIZATION) | (loss_p >= loss_threshold),
        path_source=np.array(paths["source"])
        if "source" in paths.columns
        else np.array([n[0] for n in paths["nodes"]]),
        path_target=np.array(paths["target"])
        if "target" in paths.columns
        else np.array([n[-1] for n in paths["nodes"]]),
        path_delay=out["delay"].double().numpy(),
    )


def _flow_loss(out: dict[str, torch.Tensor], batch: HeteroData, log_error: bool) -> torch.Tensor:
    """Per-flow delay: mean absolute log error (``log_error``), else mean absolute percentage error."""
    y = batch["path"].y_delay
    ok = torch.isfinite(y) & (y > 0)
    if log_error:
        return (torch.log(out["delay"][ok]) - torch.log(y[ok])).abs().mean()
    return ((out["delay"][ok] - y[ok]).abs() / y[ok]).mean()


def _loss(out: dict[str, torch.Tensor], batch: HeteroData) -> torch.Tensor:
    """Delay MAPE + occupancy log-error + loss-flag BCE + utilisation MAE."""
    y = batch["path"].y_delay
    ok = torch.isfinite(y) & (y > 0)
    terms = [((out["delay"][ok] - y[ok]).abs() / y[ok]).mean()]
    occ = batch["link"].y_occupancy
    oo = torch.isfinite(occ) & (occ > 0)
    if oo.any():
        terms.append(0.5 * (torch.log(out["occupancy"][oo]) - torch.log(occ[oo])).abs().mean())
    lost = batch["link"].y_loss
    lo = torch.isfinite(lost)
    if lo.any():
        target = (lost[lo] > 0).float()
        terms.append(
            0.2
            * torch.nn.functional.binary_cross_entropy_with_logits(out["loss_logit"][lo], target)
        )
    u = batch["link"].y_util
    uo = torch.isfinite(u)
    if uo.any():
        terms.append((out["utilization"][uo] - u[uo]).abs().mean())
    return torch.stack(terms).sum()


class CongestionPredictor(BaseEstimator):
    """Predict per-path delay and per-link load, occupancy and congestion.

    A RouteNet-style graph network over paths and links. With
    ``features="queues"`` (:class:`rca.gnn.RouteNet`) it is trained on
    packet-level simulations (the GNNet 2021 format,
    :func:`rca.datasets.load_gnnet`) and reads link capacities, queue sizes,
    routing and the traffic matrix only, all as ratios, so a model trained
    on small networks applies to larger ones; its loss adds per-link
    utilisation, occupancy and loss labels to the path delay MAPE.

    With ``features="flows"`` (:class:`rca.gnn.FlowRouteNet`) it reads what
    an operator of a real network has: each flow's offered traffic, packet
    size and type, its route and the link capacities, and no buffer sizes
    (the GNNet 2023 measurements, :func:`rca.datasets.load_gnnet2023`). It
    predicts each flow's delay as a sum of per-hop delays, each the
    exponential of a network output (measured delays are heavy-tailed: four
    decades between an idle and a saturated path). It learns the per-flow
    delay only: first, for a share ``log_warmup`` of the epochs, on the mean
    absolute error of its logarithm (scale-free, so the rare saturated
    flows do not dominate and the idle ones are not ignored), then on the
    mean absolute percentage error, the challenge's figure. Links are
    reported with the fluid model's carried load and drop share.

    Parameters
    ----------
    hidden : int, default 32
        Size of path and link states.
    iterations : int, default 2
        Message-passing rounds; 0 is the MLP baseline (no message passing).
    epochs : int, default 60
        Passes over the training samples.
    lr : float, default 3e-3
        Adam learning rate, cosine-decayed to a tenth over training.
    batch_size : int, default 5
        Networks per gradient step.
    features : {"queues", "flows"}, default "queues"
        The input features and model; see :data:`CONGESTION_FEATURE_SETS`.
    log_warmup : float, default 0.0
        Share of the epochs trained on the absolute log error of the delay
        before the percentage error (``features="flows"`` only).
    average : float, default 0.0
        Share of the final epochs whose end-of-epoch weights are averaged
        into the kept model (stochastic weight averaging: steadier than any
        single late epoch). With ``average > 0`` no epoch is selected on
        validation data.
    random_state : int, default 0
        Seeds initialisation and the order of samples; two fits with the
        same value give identical models.
    progress : bool, default False
        Show a progress bar while training.

    Attributes
    ----------
    model_ : RouteNet or FlowRouteNet
        The trained network.
    history_ : list of dict
        Per epoch: ``epoch``, ``loss``, ``seconds`` and, with validation
        samples, ``val_path_delay_mape``.
    best_epoch_ : int
        The epoch whose weights were kept (the last, or the best on the
        validation samples; with ``average``, the last of those averaged).
    loss_threshold_ : float
        Predicted loss probability from which a link is flagged congested,
        chosen for the best congested-link F1 on the training samples.

    Examples
    --------
    >>> from rca.gnn import CongestionPredictor
    >>> model = CongestionPredictor.pretrained()          # doctest: +SKIP
    >>> model.predict(sample).to_frame("link").head()     # doctest: +SKIP
    """

    def __init__(
        self,
        *,
        hidden: int = 32,
        iterations: int = 2,
        epochs: int = 60,
        lr: float = 3e-3,
        batch_size: int = 5,
        features: str = "queues",
        log_warmup: float = 0.0,
        average: float = 0.0,
        random_state: int = 0,
        progress: bool = False,
    ) -> None:
        self.hidden = hidden
        self.iterations = iterations
        self.epochs = epochs
        self.lr = lr
        self.batch_size = batch_size
        self.features = features
        self.log_warmup = log_warmup
        self.average = average
        self.random_state = random_state
        self.progress = progress

    # -- training ---------------------------------------------------------

    def _new_model(self) -> RouteNet:
        if self.features not in CONGESTION_FEATURE_SETS:
            raise InputError(
                f"CongestionPredictor: features must be one of {list(CONGESTION_FEATURE_SETS)}, "
                f"found {self.features!r}"
            )
        kind = FlowRouteNet if self.features == "flows" else RouteNet
        with torch.random.fork_rng(devices=[]):  # seeds init without touching global state
            torch.manual_seed(int(self.random_state))
            return kind(hidden=int(self.hidden), iterations=int(self.iterations))

    def fit(
        self,
        samples: Iterable[NetworkSample | HeteroData],
        y: None = None,
        *,
        validation: Iterable[NetworkSample | HeteroData] | None = None,
        select: bool = True,
    ) -> CongestionPredictor:
        """Train on labelled samples; keep the epoch best on ``validation`` if given.

        Parameters
        ----------
        samples : iterable of samples (or converted ``HeteroData``)
            Labelled networks, e.g. from :func:`rca.datasets.load_gnnet`.
        y : None
            Unused; the labels are in the samples.
        validation : iterable of samples, optional
            Labelled networks scored after every epoch (per-path delay MAPE,
            in ``history_``).
        select : bool, default True
            Keep the epoch best on ``validation``; with False the last
            epoch is kept and ``validation`` is only scored (so that it can
            be reported as held out).

        Returns
        -------
        self
        """
        for name in ("hidden", "epochs", "batch_size"):
            if int(getattr(self, name)) < 1:
                raise InputError(
                    f"CongestionPredictor: {name} must be at least 1, found {getattr(self, name)!r}"
                )
        if int(self.iterations) < 0:
            raise InputError(
                f"CongestionPredictor: iterations must be >= 0, found {self.iterations!r}"
            )
        for name in ("log_warmup", "average"):
            if not 0.0 <= float(getattr(self, name)) <= 1.0:
                raise InputError(
                    f"CongestionPredictor: {name} must be within [0, 1], found {getattr(self, name)!r}"
                )
        train = [_as_data(s) for s in samples]
        if not train:
            raise InputError("CongestionPredictor.fit: no training samples")
        val = [_as_data(s) for s in validation] if validation is not None else []
        model = self._new_model()
        flows = self.features == "flows"
        warmup = int(round(float(self.log_warmup) * int(self.epochs)))
        rng = np.random.default_rng(self.random_state)
        opt = torch.optim.Adam(model.parameters(), lr=float(self.lr))
        n_batches = -(-len(train) // int(self.batch_size))
        total = int(self.epochs) * n_batches
        sched = torch.optim.lr_scheduler.LambdaLR(
            opt, lambda step: 0.1 + 0.9 * 0.5 * (1 + np.cos(np.pi * min(step, total) / total))
        )
        history: list[dict[str, Any]] = []
        best, best_epoch, best_state = float("inf"), int(self.epochs), None
        n_average = int(round(float(self.average) * int(self.epochs)))
        first_averaged = int(self.epochs) - n_average + 1
        averaged: dict[str, torch.Tensor] | None = None
        epochs: Iterable[int] = range(1, int(self.epochs) + 1)
        if self.progress:
            from tqdm.auto import tqdm

            epochs = tqdm(epochs, desc="congestion", unit="epoch")
        for epoch in epochs:
            start = time.perf_counter()
            model.train()
            order = rng.permutation(len(train))
            losses = []
            for b in range(n_batches):
                batch = Batch.from_data_list(
                    [train[i] for i in order[b * self.batch_size : (b + 1) * self.batch_size]]
                )
                opt.zero_grad()
                loss = (
                    _flow_loss(model(batch), batch, epoch <= warmup)
                    if flows
                    else _loss(model(batch), batch)
                )
                loss.backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                opt.step()
                sched.step()
                losses.append(float(loss.detach()))
            record: dict[str, Any] = {
                "epoch": epoch,
                "loss": float(np.mean(losses)),
                "seconds": time.perf_counter() - start,
            }
            if val:
                mape = _delay_mape(model, val)
                record["val_path_delay_mape"] = mape
                if select and n_average == 0 and mape < best:
                    best, best_epoch, best_state = mape, epoch, copy.deepcopy(model.state_dict())
            if n_average and epoch >= first_averaged:
                state = model.state_dict()
                if averaged is None:
                    averaged = {k: v.detach().clone() for k, v in state.items()}
                else:
                    for k, v in state.items():
                        averaged[k] += v.detach()
            history.append(record)
            logger.info("epoch %d: %s", epoch, record)
        if averaged is not None:
            model.load_state_dict({k: v / n_average for k, v in averaged.items()})
            if val:
                history[-1]["val_path_delay_mape_averaged"] = _delay_mape(model, val)
        elif best_state is not None:
            model.load_state_dict(best_state)
        model.eval()
        self.loss_threshold_ = 0.5 if flows else _pick_loss_threshold(model, train)
        self.model_ = model
        self.history_ = history
        self.best_epoch_ = best_epoch
        return self

    # -- inference ----------------------------------------------------------

    def _check_fitted(self) -> RouteNet:
        model = getattr(self, "model_", None)
        if model is None:
            raise NotFittedError(
                f"This {type(self).__name__} is not fitted yet: call fit() or load() first"
            )
        return model

    def predict(self, sample: NetworkSample) -> CongestionPrediction:
        """Predict one network.

        Parameters
        ----------
        sample : NetworkSample
            Links (capacities, queue sizes) and paths (node sequences, traffic).

        Returns
        -------
        CongestionPrediction
        """
        model = self._check_fitted()
        data = congestion_data(sample)
        with torch.inference_mode():
            out = model(data)
        return _prediction(sample, out, self.loss_threshold_)

    def evaluate(self, samples: Iterable[NetworkSample]) -> CongestionScores:
        """Predict every labelled sample and score the predictions."""
        kept = list(samples)
        return score_congestion([self.predict(s) for s in kept], kept)

    # -- files ----------------------------------------------------------------

    def save(self, path: str | Path) -> None:
        """Write the weights and parameters (a dict of tensors and JSON, no pickled objects)."""
        model = self._check_fitted()
        config = {k: v for k, v in self.get_params().items() if k != "progress"}
        # no wall-clock times in the file, so that retraining reproduces it byte for byte
        history = [{k: v for k, v in h.items() if k != "seconds"} for h in self.history_]
        extra = {
            "best_epoch": self.best_epoch_,
            "history": history,
            "loss_threshold": self.loss_threshold_,
        }
        write_model_file(path, _FORMAT, _FORMAT_VERSION, config, model.state_dict(), extra)

    @classmethod
    def load(cls, path: str | Path) -> CongestionPredictor:
        """Read a file of :meth:`save`.

        Raises
        ------
        rca.errors.ModelFileError
            The file is corrupted, not a congestion model, of an unsupported
            version, or its weights do not fit its parameters. Loading uses
            ``torch.load(weights_only=True)``: no code in the file runs.
        """
        config, state, extra = read_model_file(path, _FORMAT, _FORMAT_VERSION, sizes=_SIZES)
        try:
            est = cls(**config)
            model = est._new_model()
            model.load_state_dict(state, strict=True)
        except (TypeError, ValueError, RuntimeError, InputError) as exc:
            raise ModelFileError(
                f"{path}: congestion model does not fit its parameters: {exc}"
            ) from exc
        est.model_ = model.eval()
        est.history_ = list(extra.get("history", []))
        est.best_epoch_ = int(extra.get("best_epoch", config.get("epochs", 0)))
        est.loss_threshold_ = float(extra.get("loss_threshold", 0.5))
        return est

    @classmethod
    def pretrained(cls, network: str = "simulated") -> CongestionPredictor:
        """A shipped model.

        Parameters
        ----------
        network : {"simulated", "realnet"}, default "simulated"
            ``"simulated"``: trained on the GNNet 2021 simulations
            (``congestion.pt``, ``rca train congestion`` reproduces it);
            ``"realnet"``: trained on the GNNet 2023 measurements of a real
            testbed network, both traffic families, all five folds
            (``congestion_realnet.pt``, ``rca train congestion --realnet``).
        """
        names = {"simulated": PRETRAINED_CONGESTION, "realnet": PRETRAINED_CONGESTION_REALNET}
        if network not in names:
            raise InputError(
                f"CongestionPredictor.pretrained: network must be one of {list(names)}, "
                f"found {network!r}"
            )
        ref = resources.files("rca.gnn").joinpath("weights").joinpath(names[network])
        with resources.as_file(ref) as path:
            return cls.load(path)


def _delay_mape(model: RouteNet, datas: Sequence[HeteroData]) -> float:
    model.eval()
    errs = []
    with torch.inference_mode():
        for d in datas:
            y = d["path"].y_delay
            ok = torch.isfinite(y) & (y > 0)
            errs.append(((model(d)["delay"][ok] - y[ok]).abs() / y[ok]).double())
    model.train()
    return float(100 * torch.cat(errs).mean())


def _pick_loss_threshold(model: RouteNet, datas: Sequence[HeteroData]) -> float:
    """The loss-probability threshold with the best congested-link F1 on ``datas``."""
    probs, util, truth = [], [], []
    with torch.inference_mode():
        for d in datas:
            out = model(d)
            y = d["link"].y_congested
            ok = torch.isfinite(y)
            probs.append(torch.sigmoid(out["loss_logit"])[ok])
            util.append(out["utilization"][ok])
            truth.append(y[ok] > 0)
    p, u, t = torch.cat(probs), torch.cat(util), torch.cat(truth)
    best, best_f1 = 0.5, -1.0
    for thr in np.round(np.arange(0.05, 0.96, 0.05), 2):
        flag = (u >= CONGESTION_UTILIZATION) | (p >= float(thr))
        denom = int(flag.sum()) + int(t.sum())
        f1 = 2 * int((flag & t).sum()) / denom if denom else 0.0
        if f1 > best_f1 + 1e-12:
            best, best_f1 = float(thr), f1
    return best


class QueueingBaseline(BaseEstimator):
    """Closed-form M/M/1/K estimate per link from the offered load.

    Each link is an M/M/1/K queue (Poisson arrivals, exponential service,
    ``K`` = queue size + 1), fed with the sum of the traffic routed over it;
    a path's delay is the sum of its links' mean times in port. Nothing is
    learned; :meth:`fit` only marks the estimator as ready.

    Parameters
    ----------
    loss_threshold : float, default 1e-4
        A link is flagged congested when its utilisation is at least 0.8 or
        its blocking probability at least this.
    queue_size : float, optional
        Packets assumed for links whose queue size is unknown (NaN, as in
        measurements of a real network); default
        :data:`rca.gnn.ASSUMED_QUEUE_SIZE`. Links with a known queue size
        keep theirs.
    """

    def __init__(self, *, loss_threshold: float = 1e-4, queue_size: float | None = None) -> None:
        self.loss_threshold = loss_threshold
        self.queue_size = queue_size

    def fit(self, samples: Iterable[Any] = (), y: None = None) -> QueueingBaseline:
        """Nothing to learn; returns self."""
        self.fitted_ = True
        return self

    def predict(self, sample: NetworkSample) -> CongestionPrediction:
        """Predict one network; see :class:`CongestionPredictor.predict`."""
        if not getattr(self, "fitted_", False):
            raise NotFittedError("This QueueingBaseline is not fitted yet: call fit() first")
        data = congestion_data(sample)
        link = data["link"]
        qsize = link.queue_size.double().numpy()
        if self.queue_size is not None:
            if not float(self.queue_size) >= 1:
                raise InputError(
                    f"QueueingBaseline: queue_size must be at least 1 packet, found {self.queue_size!r}"
                )
            qsize = np.where(link.queue_known.numpy(), qsize, float(self.queue_size))
        q = mm1k(link.rho.double().numpy(), qsize + 1)
        e_path, e_link = data["path", "crosses", "link"].edge_index.numpy()
        per_hop = q.sojourn[e_link] * link.service_s.double().numpy()[e_link]
        delay = np.bincount(e_path, weights=per_hop, minlength=data["path"].num_nodes)
        block = np.clip(q.blocking, 1e-12, 1 - 1e-12)
        loss_logit = np.log(block / (1 - block)) - np.log(
            self.loss_threshold / (1 - self.loss_threshold)
        )
        out = {
            "utilization": torch.as_tensor(q.utilization),
            "occupancy": torch.as_tensor(q.occupancy),
            "loss_logit": torch.as_tensor(loss_logit),  # sigmoid >= 0.5 exactly at the threshold
            "delay": torch.as_tensor(delay),
        }
        pred = _prediction(sample, out)
        # report the blocking probability itself, not the thresholded logit
        return CongestionPrediction(**{**pred.__dict__, "loss_probability": q.blocking})

    def evaluate(self, samples: Iterable[NetworkSample]) -> CongestionScores:
        """Predict every labelled sample and score the predictions."""
        kept = list(samples)
        return score_congestion([self.predict(s) for s in kept], kept)
