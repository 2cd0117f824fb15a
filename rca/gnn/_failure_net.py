"""The failure network: one shared encoder over the incidence graph, four heads.

Message passing alternates between elements and the links and sites they
belong to (an element hears the mean of its links and its site; a link the
mean of its two ends; a site the mean of its members), as two sparse
mean-aggregation matrix products per round. ``layers=0`` is the MLP
baseline: the same features and heads, no message passing.
"""

from __future__ import annotations

import warnings
import weakref
from typing import cast

import torch
from torch import nn

__all__ = ["FailureNet", "mean_adjacency"]

_ADJACENCY: dict[int, tuple] = {}  # id(edge_index) -> (weakref, key, matrices)


def mean_adjacency(
    edge_index: torch.Tensor, edge_kind: torch.Tensor, n: int
) -> tuple[torch.Tensor, torch.Tensor]:
    """Row-normalised sparse adjacency of each edge kind (incidence, membership).

    Cached per ``edge_index`` tensor (a topology's static edges are built once),
    as CSR for inference and COO when gradients are needed.
    """
    key = (n, torch.is_grad_enabled() and not torch.is_inference_mode_enabled())
    cached = _ADJACENCY.get(id(edge_index))
    if cached is not None and cached[0]() is edge_index and cached[1] == key:
        return cached[2]
    out = []
    for kind in (0, 1):
        mask = edge_kind == kind
        src, dst = edge_index[0][mask], edge_index[1][mask]
        count = torch.zeros(n).index_add_(0, dst, torch.ones(dst.shape[0]))
        weight = 1.0 / count.clamp(min=1.0)[dst]
        with warnings.catch_warnings():  # torch flags sparse tensors as beta
            warnings.simplefilter("ignore", UserWarning)
            adj = torch.sparse_coo_tensor(torch.stack([dst, src]), weight, (n, n)).coalesce()
            out.append(adj if key[1] else adj.to_sparse_csr())
    pair = (out[0], out[1])
    if not key[1]:  # static topologies at inference; training batches are built once each
        ident = id(edge_index)

        def forget(_: object) -> None:
            _ADJACENCY.pop(ident, None)

        _ADJACENCY[ident] = (weakref.ref(edge_index, forget), key, pair)
    return pair


class FailureNet(nn.Module):
    """Shared encoder with root, fault-type, symptom and delay heads.

    Parameters
    ----------
    n_features : int
        Input features per entity.
    n_faults : int
        Fault types of the fault head.
    hidden : int, default 32
        Width of the entity states.
    layers : int, default 4
        Message-passing rounds (0: an MLP on each entity alone).

    Shapes:
        - input: ``x`` ``(N, n_features)``, ``edge_index`` ``(2, E)``,
          ``edge_kind`` ``(E,)``
        - output: dict of ``root`` ``(N,)`` logits, ``fault`` ``(N, n_faults)``
          logits, ``symptom`` ``(N,)`` logits, ``delay`` ``(N,)`` log1p seconds
          (only the heads of ``task``)
    """

    def __init__(
        self, n_features: int, n_faults: int, *, hidden: int = 32, layers: int = 4
    ) -> None:
        super().__init__()
        self.encode = nn.Linear(n_features, hidden)
        self.mix = nn.ModuleList(nn.Linear(3 * hidden, hidden) for _ in range(layers))
        self.root = nn.Sequential(nn.Linear(hidden + n_features, 16), nn.ReLU(), nn.Linear(16, 1))
        self.fault = nn.Linear(hidden + n_features, n_faults)
        self.symptom = nn.Sequential(
            nn.Linear(hidden + n_features, 16), nn.ReLU(), nn.Linear(16, 2)
        )

    def forward(
        self,
        x: torch.Tensor,
        edge_index: torch.Tensor,
        edge_kind: torch.Tensor,
        *,
        task: str = "both",
    ) -> dict[str, torch.Tensor]:
        if not torch.is_grad_enabled():
            return self._infer(x, edge_index, edge_kind, task)
        h = torch.relu(self.encode(x))
        if len(self.mix):
            incidence, membership = mean_adjacency(edge_index, edge_kind, x.shape[0])
            for mix in self.mix:
                h = h + torch.relu(mix(torch.cat([h, incidence @ h, membership @ h], dim=1)))
        out: dict[str, torch.Tensor] = {}
        both = torch.cat([h, x], dim=1)  # the heads also see the raw features
        if task in ("both", "localise"):
            out["root"] = self.root(both).squeeze(1)
            out["fault"] = self.fault(both)
        if task in ("both", "propagate"):
            sym = self.symptom(both)
            out["symptom"], out["delay"] = sym[:, 0], sym[:, 1]
        return out

    def _infer(
        self, x: torch.Tensor, edge_index: torch.Tensor, edge_kind: torch.Tensor, task: str
    ) -> dict[str, torch.Tensor]:
        """The same function without autograd, for large graphs.

        No concatenations: each linear layer over ``[h, incidence @ h,
        membership @ h]`` (or ``[h, x]``) is split into one product per block,
        the sparse products act on the projected states, and two buffers are
        reused across rounds. Fresh large tensors cost page faults on every
        call, so this is about three times faster at 100,000 elements.
        """
        hid = self.encode.out_features
        n = x.shape[0]
        h = torch.addmm(self.encode.bias, x, self.encode.weight.t()).relu_()
        if len(self.mix):
            incidence, membership = mean_adjacency(edge_index, edge_kind, n)
            z, y = torch.empty(n, hid), torch.empty(n, hid)
            for layer in self.mix:
                mix = cast(nn.Linear, layer)
                w = mix.weight
                torch.addmm(mix.bias, h, w[:, :hid].t(), out=z)
                torch.mm(h, w[:, hid : 2 * hid].t(), out=y)
                z.addmm_(incidence, y)
                torch.mm(h, w[:, 2 * hid :].t(), out=y)
                z.addmm_(membership, y)
                h.add_(z.relu_())

        def linear(layer: nn.Linear) -> torch.Tensor:  # layer([h, x]) without building [h, x]
            return torch.addmm(layer.bias, h, layer.weight[:, :hid].t()).addmm_(
                x, layer.weight[:, hid:].t()
            )

        out: dict[str, torch.Tensor] = {}
        if task in ("both", "localise"):
            out["root"] = self.root[2](linear(cast(nn.Linear, self.root[0])).relu_()).squeeze(1)
            out["fault"] = linear(self.fault)
        if task in ("both", "propagate"):
            sym = self.symptom[2](linear(cast(nn.Linear, self.symptom[0])).relu_())
            out["symptom"], out["delay"] = sym[:, 0], sym[:, 1]
        return out
