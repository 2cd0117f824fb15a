"""A RouteNet-style message-passing network over paths and links.

After Rusek et al., "RouteNet: Leveraging Graph Neural Networks for network
modeling and optimization in SDN" (IEEE JSAC 2020) and Ferriol-Galmes et al.,
"RouteNet-Fermi: Network Modeling with Graph Neural Networks" (IEEE/ACM ToN
2023): a path's state is updated by a GRU that walks the sequence of links it
crosses; each link gathers the states its paths had on reaching it, and
updates its own state with a second GRU; after a few iterations a readout
turns each link state into a queueing figure.

Design for size generalisation (the model is trained on 30-node networks and
meant for larger ones):

- inputs are ratios only (see :mod:`rca.gnn._tensors`);
- a link aggregates its paths' messages weighted by each path's share of the
  link capacity (a sum bounded by the offered load, not by the number of
  paths), next to their mean;
- the readout predicts per-link quantities as multiplicative corrections of
  the closed-form M/M/1/K queue, and a path's delay is the sum, along the
  path, of each link's mean time in port (in service times) times its mean
  packet transmission time. Delays in seconds therefore scale with link
  speeds and path lengths by construction.

For FIFO links with one queue, as in the GNNet 2021 data, each link has one
queue and the link and queue states of RouteNet-Fermi coincide; the link
state plays both parts.

:class:`FlowRouteNet` is the same message passing on the ``"flows"``
features (:mod:`rca.gnn._tensors`: offered traffic, packet sizes, flow
types, routes and capacities, no buffer sizes), for measured networks. Its
readout is per path-link edge, as RouteNet-Fermi's: a flow's delay on a
link depends on the link's state and on the flow's own state there (a
multi-burst flow queues behind its own bursts), and the flow's delay is the
sum over its links.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import cast

import torch
from torch import Tensor, nn
from torch.nn.utils.rnn import PackedSequence
from torch_geometric.data import HeteroData
from torch_geometric.utils import scatter

from rca.gnn._tensors import (
    FLOW_EDGE_FEATURES,
    FLOW_LINK_FEATURES,
    FLOW_PATH_FEATURES,
    LINK_FEATURES,
    PATH_FEATURES,
)

__all__ = ["FlowRouteNet", "RouteNet", "PathWalk"]

_REL = ("path", "crosses", "link")


@dataclass(frozen=True)
class PathWalk:
    """Index tensors of a routing, in the order the path GRU walks the edges.

    Attributes
    ----------
    order : Tensor
        Path-link edges sorted by hop, then by path (longest paths first).
    batch_sizes : Tensor
        Paths still walking at each hop (on CPU, as packed sequences need).
    paths_sorted : Tensor
        Paths, longest first.
    link_seq, share_seq : Tensor
        The link, and the flow's share of its capacity, of each edge in ``order``.
    path_seq : Tensor
        The path of each edge in ``order``.
    edge_seq : Tensor
        The edge inputs of the path GRU, in ``order``: the share (``RouteNet``)
        or the ``FLOW_EDGE_FEATURES`` (``FlowRouteNet``).
    steps : tuple of (int, int)
        Start and length of each hop's block of edges in ``order``.
    aggregate : Tensor
        Sparse :math:`(2L, E)`: times the messages in ``order``, the
        share-weighted sum (first ``L`` rows) and the mean (last ``L``) per link.
    path_links : Tensor
        Sparse :math:`(P, L)`: how many times each path crosses each link.
    last_edge : Tensor
        Position in ``order`` of the last edge of each path in ``paths_sorted``.
    """

    order: Tensor
    batch_sizes: Tensor
    paths_sorted: Tensor
    link_seq: Tensor
    share_seq: Tensor
    steps: tuple[tuple[int, int], ...]
    aggregate: Tensor
    path_links: Tensor
    last_edge: Tensor
    path_seq: Tensor
    edge_seq: Tensor


def _csr(row_counts: Tensor, cols: Tensor, values: Tensor, size: tuple[int, int]) -> Tensor:
    """A sparse CSR matrix from per-row entry counts and row-major columns and values."""
    crow = torch.zeros(size[0] + 1, dtype=torch.long)
    torch.cumsum(row_counts, 0, out=crow[1:])
    with warnings.catch_warnings():  # "sparse CSR support is in beta": only sparse @ dense is used
        warnings.simplefilter("ignore", UserWarning)
        return torch.sparse_csr_tensor(crow, cols, values, size, check_invariants=True)


class RouteNet(nn.Module):
    r"""Path-link message passing that predicts per-link queueing and per-path delay.

    With ``iterations=0`` no message passes: each link's outputs depend on its
    own features only (the MLP baseline).

    Parameters
    ----------
    hidden : int
        Size of the link and path states.
    iterations : int
        Rounds of path-then-link updates.

    Shapes:
        - **input:** a :class:`~torch_geometric.data.HeteroData` (or a batch
          of them) from :func:`rca.gnn.congestion_data`: link features
          :math:`(L, 4)`, path features :math:`(P, 2)`, path-link edges
          :math:`(2, E)` with ``share`` :math:`(E)` and ``pos`` :math:`(E)`,
          ``link.service_s`` and ``link.queue_size`` :math:`(L)`.
        - **output:** a dict of ``delay`` :math:`(P)` in seconds,
          ``sojourn`` :math:`(L)` in service times, ``utilization``
          :math:`(L)`, ``occupancy`` :math:`(L)` in packets and
          ``loss_logit`` :math:`(L)`.
    """

    def __init__(self, hidden: int = 32, iterations: int = 4) -> None:
        super().__init__()
        self.hidden = hidden
        self.iterations = iterations
        n_link, n_path = len(LINK_FEATURES), len(PATH_FEATURES)
        self.link_embed = nn.Sequential(
            nn.Linear(n_link, hidden), nn.ReLU(), nn.Linear(hidden, hidden)
        )
        if iterations > 0:
            self.path_embed = nn.Sequential(
                nn.Linear(n_path, hidden), nn.ReLU(), nn.Linear(hidden, hidden)
            )
            self.path_gru = nn.GRU(hidden + 1, hidden)
            self.link_gru = nn.GRUCell(2 * hidden, hidden)
        self.readout = nn.Sequential(
            nn.Linear(hidden + n_link, hidden), nn.ReLU(), nn.Linear(hidden, 4)
        )
        with torch.no_grad():  # start at the M/M/1/K estimate, no loss
            last = cast(nn.Linear, self.readout[-1])
            last.weight.mul_(0.1)
            last.bias.copy_(torch.tensor([0.0, 0.0, -2.0, -6.0]))

    def walk(self, data: HeteroData) -> PathWalk:
        """The index tensors of a routing, to reuse across forward passes.

        A deployment computes them once per topology or routing change
        (like :func:`rca.gnn.congestion_data`) and passes them to
        :meth:`forward`; they depend on ``data``'s path-link edges and
        shares only, not on the weights.
        """
        rel = data[_REL]
        e_path, e_link = rel.edge_index
        n_links, n_paths = data["link"].x.shape[0], data["path"].x.shape[0]
        order, batch_sizes, paths_sorted = self._packing(e_path, rel.pos, n_paths)
        link_seq = e_link[order]
        share_seq = rel.share[order]
        sizes = batch_sizes.tolist()
        starts = [0]
        for size in sizes[:-1]:
            starts.append(starts[-1] + size)
        # one sparse product gives both link aggregates: rows 0..L-1 sum the
        # messages weighted by share, rows L..2L-1 average them
        per_link = torch.bincount(link_seq, minlength=n_links)
        by_link = torch.argsort(link_seq, stable=True)
        inverse = 1.0 / per_link.clamp(min=1).to(share_seq.dtype)
        aggregate = _csr(
            torch.cat([per_link, per_link]),
            torch.cat([by_link, by_link]),
            torch.cat([share_seq[by_link], inverse[link_seq[by_link]]]),
            (2 * n_links, link_seq.shape[0]),
        )
        with (
            warnings.catch_warnings()
        ):  # "sparse CSR support is in beta": only sparse @ dense is used
            warnings.simplefilter("ignore", UserWarning)
            path_links = (
                torch.sparse_coo_tensor(
                    rel.edge_index, torch.ones_like(rel.share), (n_paths, n_links)
                )
                .coalesce()
                .to_sparse_csr()
            )
        hops = torch.bincount(e_path, minlength=n_paths)[paths_sorted]
        device = e_path.device
        last_edge = torch.tensor(starts, dtype=torch.long, device=device)[hops - 1] + torch.arange(
            n_paths, device=device
        )
        return PathWalk(
            order,
            batch_sizes,
            paths_sorted,
            link_seq,
            share_seq[:, None],
            tuple(zip(starts, sizes)),
            aggregate,
            path_links,
            last_edge,
            e_path[order],
            self._edge_inputs(data)[order],
        )

    def _edge_inputs(self, data: HeteroData) -> Tensor:
        """What the path GRU reads about each path-link edge besides the link state: the flow's share."""
        return data[_REL].share[:, None]

    def forward(self, data: HeteroData, walk: PathWalk | None = None) -> dict[str, Tensor]:
        """Predict per-link and per-path figures; see the class docstring.

        ``walk`` (from :meth:`walk`) saves recomputing the routing's index
        tensors. Without autograd the path GRU runs as an explicit loop
        over hops whose input projections are computed once per link
        instead of once per path-link edge; with autograd it is the packed
        :class:`torch.nn.GRU`. Both compute the same function.
        """
        x_link = data["link"].x
        rel = data[_REL]
        e_path, e_link = rel.edge_index
        n_links = x_link.shape[0]
        n_paths = data["path"].x.shape[0]

        h_link = self.link_embed(x_link)
        if self.iterations > 0:
            if walk is None:
                walk = self.walk(data)
            h_path = self.path_embed(data["path"].x)
            if torch.is_grad_enabled():
                h_link, _ = self._iterate_packed(h_link, h_path[walk.paths_sorted], walk, n_links)
            else:
                h_link, _ = self._iterate_unrolled(
                    h_link, h_path.index_select(0, walk.paths_sorted), walk
                )

        out = self.readout(torch.cat([h_link, x_link], dim=1))
        log_sojourn = x_link[:, 1] + out[:, 0]
        sojourn = torch.exp(log_sojourn)
        k = data["link"].queue_size + 1
        occupancy = torch.exp(torch.log1p(x_link[:, 3] * k) + out[:, 1])
        utilization = data["link"].rho * (1 - torch.sigmoid(out[:, 3]))
        if walk is not None and not torch.is_grad_enabled():
            delay = walk.path_links @ (sojourn * data["link"].service_s)
        else:  # as first trained: the same rounding, so retraining reproduces the shipped weights
            per_hop = sojourn[e_link] * data["link"].service_s[e_link]
            delay = scatter(per_hop, e_path, dim=0, dim_size=n_paths, reduce="sum")
        return {
            "delay": delay,
            "sojourn": sojourn,
            "utilization": utilization,
            "occupancy": occupancy,
            "loss_logit": out[:, 2],
        }

    def _iterate_packed(
        self,
        h_link: Tensor,
        h_path: Tensor,
        walk: PathWalk,
        n_links: int,
    ) -> tuple[Tensor, Tensor]:
        """Message passing with the packed GRU (differentiable; used in training).

        Returns the link states and the last round's messages (each path's
        state on leaving each link, in walk order).
        """
        link_seq, share_seq, edge_seq = walk.link_seq, walk.share_seq, walk.edge_seq
        h_path = h_path.unsqueeze(0)
        msg = h_link.new_zeros(link_seq.shape[0], self.hidden)
        for _ in range(self.iterations):
            # inputs of the path GRU do not depend on the path state: one fused pass
            seq = PackedSequence(torch.cat([h_link[link_seq], edge_seq], dim=1), walk.batch_sizes)
            messages, h_path = self.path_gru(seq, h_path)
            msg = messages.data  # the path state on leaving each link, in walk order
            weighted = scatter(msg * share_seq, link_seq, dim=0, dim_size=n_links, reduce="sum")
            mean = scatter(msg, link_seq, dim=0, dim_size=n_links, reduce="mean")
            h_link = self.link_gru(torch.cat([weighted, mean], dim=1), h_link)
        return h_link, msg

    def _iterate_unrolled(
        self, h_link: Tensor, h_path: Tensor, walk: PathWalk
    ) -> tuple[Tensor, Tensor]:
        """Message passing as an explicit GRU loop over hops (inference only).

        The input projection of the path GRU depends on the link and the
        share only, so it is computed once per link and gathered per hop.
        Paths are sorted longest first, so the paths walking hop ``t + 1``
        are the first rows of hop ``t``'s block of messages: each block is
        the next one's state, and nothing is copied back.
        """
        hid = self.hidden
        gru = self.path_gru
        w_ih, w_hh, b_ih, b_hh = (
            cast(torch.Tensor, getattr(gru, name))
            for name in ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0")
        )
        # r and z add both biases; n keeps its hidden bias inside r * (...). The n gate gets its
        # own contiguous tensors: tanh on a strided slice costs three times as much.
        w_link_rz, w_link_n = w_ih[: 2 * hid, :hid].t(), w_ih[2 * hid :, :hid].t()
        w_rz, w_n, b_n = w_hh[: 2 * hid].t(), w_hh[2 * hid :].t(), b_hh[2 * hid :]
        # the edge inputs' part of the input projection (and the input biases) does not change
        # across iterations: once per edge
        edge_seq = walk.edge_seq
        share_rz = torch.addmm(
            b_ih[: 2 * hid] + b_hh[: 2 * hid], edge_seq, w_ih[: 2 * hid, hid:].t()
        )
        share_n = torch.addmm(b_ih[2 * hid :], edge_seq, w_ih[2 * hid :, hid:].t())
        messages = h_link.new_empty(walk.link_seq.shape[0], hid)
        blocks = [
            (
                messages[start : start + size],
                walk.link_seq[start : start + size],
                share_rz[start : start + size],
                share_n[start : start + size],
            )
            for start, size in walk.steps
        ]
        h = h_path
        for _ in range(self.iterations):
            link_rz = h_link @ w_link_rz
            link_n = h_link @ w_link_n
            state = h
            for out, links, edge_rz, edge_n in blocks:
                state = state[: out.shape[0]]
                rz = link_rz.index_select(0, links).add_(edge_rz)
                rz = rz.addmm_(state, w_rz).sigmoid_()
                n = link_n.index_select(0, links).add_(edge_n)
                n.addcmul_(torch.addmm(b_n, state, w_n), rz[:, :hid]).tanh_()
                torch.lerp(n, state, rz[:, hid:], out=out)  # (1 - z) * n + z * h
                state = out
            h = messages.index_select(0, walk.last_edge)  # each path's state after its last hop
            weighted_and_mean = walk.aggregate @ messages
            n_links = h_link.shape[0]
            inputs = torch.cat([weighted_and_mean[:n_links], weighted_and_mean[n_links:]], dim=1)
            h_link = self.link_gru(inputs, h_link)
        return h_link, messages

    @staticmethod
    def _packing(e_path: Tensor, pos: Tensor, n_paths: int) -> tuple[Tensor, Tensor, Tensor]:
        """Edges in packed-sequence order: by hop, then by path, longest paths first.

        Returns the edge order, the number of paths still walking at each hop
        (on CPU, as packed sequences require) and the paths, longest first.
        """
        hops = torch.bincount(e_path, minlength=n_paths)
        paths_sorted = torch.argsort(hops, descending=True, stable=True)
        rank = torch.empty_like(paths_sorted)
        rank[paths_sorted] = torch.arange(n_paths, device=e_path.device)
        order = torch.argsort(pos * n_paths + rank[e_path])
        batch_sizes = torch.bincount(pos).cpu()
        return order, batch_sizes, paths_sorted


class FlowRouteNet(RouteNet):
    r"""RouteNet on the ``"flows"`` features, with a per-hop delay readout.

    The message passing is :class:`RouteNet`'s (a GRU along each route, a
    GRU per link over the states of the flows crossing it); the inputs are
    the ``"flows"`` features of :func:`rca.gnn.congestion_data` (no buffer
    sizes), and the path GRU also reads each edge's
    :data:`~rca.gnn.FLOW_EDGE_FEATURES`. The readout is per path-link edge:
    from the flow's state on leaving the link, the link's state and both
    inputs, it predicts the log of the flow's time at that link in units of
    the link's mean packet transmission time, as a correction of the M/M/1
    queue at the link's fluid carried load (capped at 0.99). A flow's delay
    is the sum over its links; its logarithm spans the four decades of
    measured delays.

    With ``iterations=0`` no message passes and the readout sees the
    flow's embedded features in place of its state (the MLP baseline).

    Parameters
    ----------
    hidden : int
        Size of the link and path states.
    iterations : int
        Rounds of path-then-link updates.

    Shapes:
        - **input:** a :class:`~torch_geometric.data.HeteroData` (or a batch
          of them) from :func:`rca.gnn.congestion_data`: ``link.xf``
          :math:`(L, 14)`, ``path.xf`` :math:`(P, 9)`, path-link edges
          :math:`(2, E)` with ``xf`` :math:`(E, 4)`, ``share`` and ``pos``
          :math:`(E)`, ``link.service_s``, ``link.carried`` and ``link.rho``
          :math:`(L)`.
        - **output:** a dict of ``delay`` :math:`(P)` in seconds,
          ``hop_delay`` :math:`(E)` (seconds, in the order of the edges),
          ``link_delay`` :math:`(L)` (mean over the flows crossing the link,
          seconds; 0 where none does), ``utilization`` :math:`(L)` (fluid
          carried load, at most 1) and ``loss_logit`` :math:`(L)` (of the
          fluid model's drop share).
    """

    def __init__(self, hidden: int = 32, iterations: int = 3) -> None:
        nn.Module.__init__(self)
        self.hidden = hidden
        self.iterations = iterations
        n_link, n_path, n_edge = (
            len(FLOW_LINK_FEATURES),
            len(FLOW_PATH_FEATURES),
            len(FLOW_EDGE_FEATURES),
        )
        self.link_embed = nn.Sequential(
            nn.Linear(n_link, hidden), nn.ReLU(), nn.Linear(hidden, hidden)
        )
        self.path_embed = nn.Sequential(
            nn.Linear(n_path, hidden), nn.ReLU(), nn.Linear(hidden, hidden)
        )
        if iterations > 0:
            self.path_gru = nn.GRU(hidden + n_edge, hidden)
            self.link_gru = nn.GRUCell(2 * hidden, hidden)
        self.readout = nn.Sequential(
            nn.Linear(2 * hidden + n_edge + n_link, hidden),
            nn.ReLU(),
            nn.Linear(hidden, hidden // 2),
            nn.ReLU(),
            nn.Linear(hidden // 2, 1),
        )
        with torch.no_grad():  # start at the M/M/1 queue at the carried load
            last = cast(nn.Linear, self.readout[-1])
            last.weight.mul_(0.1)
            last.bias.zero_()

    def _edge_inputs(self, data: HeteroData) -> Tensor:
        return data[_REL].xf

    def forward(self, data: HeteroData, walk: PathWalk | None = None) -> dict[str, Tensor]:
        """Predict per-flow and per-link delays; see the class docstring."""
        x_link = data["link"].xf
        n_links = x_link.shape[0]
        n_paths = data["path"].xf.shape[0]
        if walk is None:
            walk = self.walk(data)
        h_link = self.link_embed(x_link)
        h_path = self.path_embed(data["path"].xf)
        if self.iterations > 0:
            if torch.is_grad_enabled():
                h_link, msg = self._iterate_packed(h_link, h_path[walk.paths_sorted], walk, n_links)
            else:
                h_link, msg = self._iterate_unrolled(
                    h_link, h_path.index_select(0, walk.paths_sorted), walk
                )
        else:
            msg = h_path[walk.path_seq]
        link_seq = walk.link_seq
        out = self.readout(
            torch.cat([msg, h_link[link_seq], walk.edge_seq, x_link[link_seq]], dim=1)
        )[:, 0]
        carried = data["link"].carried
        base = -torch.log1p(-carried.clamp(max=0.99))
        per_hop = data["link"].service_s[link_seq] * torch.exp(base[link_seq] + out)
        delay = scatter(per_hop, walk.path_seq, dim=0, dim_size=n_paths, reduce="sum")
        hop_delay = torch.empty_like(per_hop)
        hop_delay[walk.order] = per_hop
        link_delay = scatter(per_hop, link_seq, dim=0, dim_size=n_links, reduce="mean")
        drop = (1 - 1 / carried.clamp(min=1.0)).clamp(1e-6, 1 - 1e-6)
        return {
            "delay": delay,
            "hop_delay": hop_delay,
            "link_delay": link_delay,
            "utilization": carried.clamp(max=1.0),
            "loss_logit": torch.log(drop) - torch.log1p(-drop),
        }
