"""The failure GNN as an estimator: fit on twin cascades, predict roots, propagate faults.

:class:`FailureGNN` trains one :class:`~rca.gnn._failure_net.FailureNet` on
two kinds of samples at once (see :mod:`rca.gnn._corpus`): observed
incidents labelled with their roots (localisation: a softmax over every
element, link and site of the incident, and the root's fault type) and
fault hypotheses labelled with the footprint they left (propagation: per
element, whether it showed symptoms and after how long). ``layers=0`` is the
MLP baseline.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import torch
from sklearn.base import BaseEstimator
from torch_geometric.data import Batch, Data

from rca.datasets import FAULT_KINDS, FAULT_TYPES
from rca.errors import InputError, ModelFileError, NotFittedError
from rca.gnn._failure_net import FailureNet
from rca.gnn._graph_data import ENTITY_KINDS, FEATURES, failure_graph
from rca.gnn._serialize import read_model_file, write_model_file
from rca.incident import Incident
from rca.limits import MAX_MODEL_DEPTH, MAX_MODEL_WIDTH
from rca.topology import Topology

__all__ = ["FailureGNN", "PRETRAINED_PROPAGATION", "RootScores"]

logger = logging.getLogger(__name__)

# configuration entries that size the model, checked before it is built
_SIZES = {"hidden": MAX_MODEL_WIDTH, "layers": MAX_MODEL_DEPTH}
_FORMAT = "netrca-failure"
_FORMAT_VERSION = 1
PRETRAINED_PROPAGATION = "propagation.pt"
"""File name of the shipped weights, under ``rca/gnn/weights/``."""

# which fault types can hit which entity kind (rows: ENTITY_KINDS)
_ALLOWED = torch.tensor([[FAULT_KINDS[f] == k for f in FAULT_TYPES] for k in ENTITY_KINDS])


class RootScores:
    """Per-entity root probabilities of one incident (the GNN's raw answer).

    Attributes
    ----------
    entity_ids : tuple of str
        Elements, then links, then sites.
    kinds : tuple of str
        ``"node"``, ``"link"`` or ``"site"`` per entity.
    probability : numpy.ndarray
        Softmax over all entities (sums to 1).
    fault : tuple of str
        The most likely fault type per entity, among those its kind can host.
    data : torch_geometric.data.Data
        The graph the scores were computed on.
    """

    def __init__(
        self,
        entity_ids: tuple[str, ...],
        kinds: tuple[str, ...],
        probability: np.ndarray,
        fault: tuple[str, ...],
        data: Data,
    ) -> None:
        self.entity_ids = entity_ids
        self.kinds = kinds
        self.probability = probability
        self.fault = fault
        self.data = data

    def order(self) -> np.ndarray:
        """Entity positions, most probable root first (ties by position)."""
        return np.lexsort((np.arange(len(self.probability)), -self.probability))


def _masked_fault_logits(logits: torch.Tensor, entity_kind: torch.Tensor) -> torch.Tensor:
    return logits.masked_fill(~_ALLOWED[entity_kind], float("-inf"))


def _segment_log_softmax(logits: torch.Tensor, batch: torch.Tensor, n_graphs: int) -> torch.Tensor:
    top = torch.full((n_graphs,), float("-inf"), dtype=logits.dtype).scatter_reduce(
        0, batch, logits, "amax", include_self=True
    )
    shifted = logits - top[batch]
    total = torch.zeros(n_graphs, dtype=logits.dtype).index_add_(0, batch, shifted.exp())
    return shifted - total.log()[batch]


def _loss(out: dict[str, torch.Tensor], batch: Batch) -> torch.Tensor:
    terms = []
    y_root = batch.y_root
    loc = torch.isfinite(y_root)
    if loc.any():
        logp = _segment_log_softmax(out["root"], batch.batch, batch.num_graphs)
        n_loc = max(int(torch.unique(batch.batch[loc]).numel()), 1)
        terms.append(-(y_root[loc] * logp[loc]).sum() / n_loc)
    has_fault = batch.y_fault >= 0
    if has_fault.any():
        logits = _masked_fault_logits(out["fault"][has_fault], batch.entity_kind[has_fault])
        terms.append(0.3 * torch.nn.functional.cross_entropy(logits, batch.y_fault[has_fault]))
    sym = torch.isfinite(batch.y_symptom)
    if sym.any():
        terms.append(
            torch.nn.functional.binary_cross_entropy_with_logits(
                out["symptom"][sym], batch.y_symptom[sym]
            )
        )
    dl = torch.isfinite(batch.y_delay)
    if dl.any():
        terms.append(0.3 * torch.nn.functional.smooth_l1_loss(out["delay"][dl], batch.y_delay[dl]))
    return torch.stack(terms).sum()


class FailureGNN(BaseEstimator):
    """Failure propagation and root localisation on network topologies.

    One shared encoder over the incidence graph of elements, links and sites
    (:func:`rca.gnn.failure_graph`), trained on twin cascades over many
    generated topologies: given an incident's alarm pattern, a root score for
    every element, link and site (:meth:`predict`); given a fault hypothesis,
    the probability that each element shows symptoms and when
    (:meth:`propagate`).

    Parameters
    ----------
    hidden : int, default 32
        Width of the entity states.
    layers : int, default 4
        Message-passing rounds; 0 is the MLP baseline (same features, no graph).
    epochs : int, default 20
        Passes over the training samples.
    lr : float, default 3e-3
        Adam learning rate, cosine-decayed to a tenth over training.
    batch_size : int, default 16
        Graphs per gradient step.
    random_state : int, default 0
        Seeds initialisation and the sample order; two fits with the same
        value give identical models.
    progress : bool, default False
        Show a progress bar while training.

    Attributes
    ----------
    model_ : FailureNet
        The trained network.
    history_ : list of dict
        Per epoch: ``epoch``, ``loss`` and ``seconds``.

    Examples
    --------
    >>> from rca.gnn import FailureGNN
    >>> from rca.datasets import make_incident
    >>> model = FailureGNN.pretrained()
    >>> inc = make_incident(fault="node_down", size="small", random_state=2)
    >>> scores = model.predict(inc)
    >>> round(float(scores.probability.sum()), 3)
    1.0
    """

    def __init__(
        self,
        *,
        hidden: int = 32,
        layers: int = 4,
        epochs: int = 20,
        lr: float = 3e-3,
        batch_size: int = 16,
        random_state: int = 0,
        progress: bool = False,
    ) -> None:
        self.hidden = hidden
        self.layers = layers
        self.epochs = epochs
        self.lr = lr
        self.batch_size = batch_size
        self.random_state = random_state
        self.progress = progress

    # -- training -------------------------------------------------------------
    def _new_model(self) -> FailureNet:
        with torch.random.fork_rng(devices=[]):  # seeds init without touching global state
            torch.manual_seed(int(self.random_state))
            return FailureNet(
                len(FEATURES), len(FAULT_TYPES), hidden=int(self.hidden), layers=int(self.layers)
            )

    def fit(self, samples: Iterable[Data | Incident], y: None = None) -> FailureGNN:
        """Train on labelled samples.

        Parameters
        ----------
        samples : iterable of Data or Incident
            From :func:`rca.gnn.localisation_sample` and
            :func:`rca.gnn.propagation_sample`; an :class:`Incident` with
            truth is taken as a localisation sample.
        y : None
            Unused; the labels are in the samples.

        Returns
        -------
        self
        """
        from rca.gnn._corpus import localisation_sample

        for name in ("hidden", "epochs", "batch_size"):
            if int(getattr(self, name)) < 1:
                raise InputError(
                    f"FailureGNN: {name} must be at least 1, found {getattr(self, name)!r}"
                )
        if int(self.layers) < 0:
            raise InputError(f"FailureGNN: layers must be >= 0, found {self.layers!r}")
        train = [localisation_sample(s) if isinstance(s, Incident) else s for s in samples]
        if not train:
            raise InputError("FailureGNN.fit: no training samples")
        for i, d in enumerate(train):
            if (
                getattr(d, "x", None) is None
                or d.x.shape[1] != len(FEATURES)
                or getattr(d, "y_root", None) is None
            ):
                raise InputError(
                    f"FailureGNN.fit: sample {i} is not a labelled failure graph "
                    f"(use localisation_sample / propagation_sample)"
                )
        model = self._new_model()
        rng = np.random.default_rng(self.random_state)
        opt = torch.optim.Adam(model.parameters(), lr=float(self.lr))
        bs = int(self.batch_size)
        n_batches = -(-len(train) // bs)
        total = int(self.epochs) * n_batches
        sched = torch.optim.lr_scheduler.LambdaLR(
            opt, lambda step: 0.1 + 0.9 * 0.5 * (1 + np.cos(np.pi * min(step, total) / total))
        )
        history: list[dict[str, Any]] = []
        epochs: Iterable[int] = range(1, int(self.epochs) + 1)
        if self.progress:
            from tqdm.auto import tqdm

            epochs = tqdm(epochs, desc="failure gnn", unit="epoch")
        model.train()
        for epoch in epochs:
            start = time.perf_counter()
            order = rng.permutation(len(train))
            losses = []
            for b in range(n_batches):
                batch = Batch.from_data_list([train[i] for i in order[b * bs : (b + 1) * bs]])
                opt.zero_grad()
                loss = _loss(model(batch.x, batch.edge_index, batch.edge_kind), batch)
                loss.backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                opt.step()
                sched.step()
                losses.append(float(loss.detach()))
            record = {
                "epoch": epoch,
                "loss": float(np.mean(losses)),
                "seconds": time.perf_counter() - start,
            }
            history.append(record)
            logger.info("epoch %d: %s", epoch, record)
        self.model_ = model.eval()
        self.history_ = history
        return self

    # -- inference ---------------------------------------------------------------
    def _check_fitted(self) -> FailureNet:
        model = getattr(self, "model_", None)
        if model is None:
            raise NotFittedError(
                f"This {type(self).__name__} is not fitted yet: call fit() or load() first"
            )
        return model

    def forward(self, data: Data, task: str = "both") -> dict[str, torch.Tensor]:
        """The network's raw outputs on one graph of :func:`rca.gnn.failure_graph`.

        ``task``: ``"localise"`` (root and fault logits), ``"propagate"``
        (symptom logits, log1p delays) or ``"both"``.
        """
        model = self._check_fitted()
        with torch.inference_mode():
            return model(data.x, data.edge_index, data.edge_kind, task=task)

    def predict(self, incident: Incident) -> RootScores:
        """Root probability of every element, link and site of an incident.

        Parameters
        ----------
        incident : Incident
            Topology, alarms and (optional) metrics.

        Returns
        -------
        RootScores
        """
        if not isinstance(incident, Incident):
            raise InputError(
                f"FailureGNN.predict: expected an Incident, found {type(incident).__name__}"
            )
        data = failure_graph(incident.topology, incident.alarms, incident.metrics)
        out = self.forward(data, "localise")
        prob = torch.softmax(out["root"].double(), 0).numpy()
        faults = _masked_fault_logits(out["fault"], data.entity_kind).argmax(1).tolist()
        kinds = tuple(ENTITY_KINDS[k] for k in data.entity_kind.tolist())
        return RootScores(
            tuple(data.entity_ids), kinds, prob, tuple(FAULT_TYPES[f] for f in faults), data
        )

    def propagate(
        self, topology: Topology, fault: str, entity: str
    ) -> tuple[np.ndarray, np.ndarray, Data]:
        """Symptom probability and delay (seconds) of every element under a fault hypothesis.

        Returns
        -------
        probability, delay_s : numpy.ndarray
            One value per element, in ``topology.node_ids`` order.
        data : Data
            The hypothesis graph.
        """
        data = failure_graph(topology, hypothesis=(fault, entity))
        out = self.forward(data, "propagate")
        n = topology.n_nodes
        prob = torch.sigmoid(out["symptom"][:n].double()).numpy()
        delay = np.expm1(np.clip(out["delay"][:n].double().numpy(), 0.0, 12.0))
        return prob, delay, data

    # -- files -------------------------------------------------------------------
    def save(self, path: str | Path) -> None:
        """Write the weights and parameters (a dict of tensors and JSON, no pickled objects)."""
        model = self._check_fitted()
        config = {k: v for k, v in self.get_params().items() if k != "progress"}
        history = [{k: v for k, v in h.items() if k != "seconds"} for h in self.history_]
        extra = {"features": list(FEATURES), "fault_types": list(FAULT_TYPES), "history": history}
        write_model_file(path, _FORMAT, _FORMAT_VERSION, config, model.state_dict(), extra)

    @classmethod
    def load(cls, path: str | Path) -> FailureGNN:
        """Read a file of :meth:`save`.

        Raises
        ------
        rca.errors.ModelFileError
            The file is corrupted, not a failure model, of an unsupported
            version, made for other features or fault types, or its weights
            do not fit its parameters. Loading uses
            ``torch.load(weights_only=True)``: no code in the file runs.
        """
        config, state, extra = read_model_file(path, _FORMAT, _FORMAT_VERSION, sizes=_SIZES)
        if extra.get("features") != list(FEATURES) or extra.get("fault_types") != list(FAULT_TYPES):
            raise ModelFileError(
                f"{path}: failure model made for other input features or fault types; "
                "retrain with `rca train propagation`"
            )
        try:
            est = cls(**config)
            model = est._new_model()
            model.load_state_dict(state, strict=True)
        except (TypeError, ValueError, RuntimeError, InputError) as exc:
            raise ModelFileError(
                f"{path}: failure model does not fit its parameters: {exc}"
            ) from exc
        est.model_ = model.eval()
        est.history_ = list(extra.get("history", []))
        return est

    @classmethod
    def pretrained(cls) -> FailureGNN:
        """The shipped model (``rca train propagation`` reproduces it)."""
        ref = resources.files("rca.gnn").joinpath("weights").joinpath(PRETRAINED_PROPAGATION)
        with resources.as_file(ref) as path:
            return cls.load(path)


_SHIPPED: FailureGNN | None = None


def shipped_failure_model() -> FailureGNN:
    """The shipped :class:`FailureGNN`, loaded once per process."""
    global _SHIPPED
    if _SHIPPED is None:
        _SHIPPED = FailureGNN.pretrained()
    return _SHIPPED
