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
"""

from __future__ import annotations

import torch
from torch import Tensor, nn
from torch.nn.utils.rnn import PackedSequence
from torch_geometric.data import HeteroData
from torch_geometric.utils import scatter

from rca.gnn._tensors import LINK_FEATURES, PATH_FEATURES

__all__ = ["RouteNet"]

_REL = ("path", "crosses", "link")


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
        self.link_embed = nn.Sequential(nn.Linear(n_link, hidden), nn.ReLU(), nn.Linear(hidden, hidden))
        if iterations > 0:
            self.path_embed = nn.Sequential(nn.Linear(n_path, hidden), nn.ReLU(), nn.Linear(hidden, hidden))
            self.path_gru = nn.GRU(hidden + 1, hidden)
            self.link_gru = nn.GRUCell(2 * hidden, hidden)
        self.readout = nn.Sequential(nn.Linear(hidden + n_link, hidden), nn.ReLU(), nn.Linear(hidden, 4))
        with torch.no_grad():  # start at the M/M/1/K estimate, no loss
            last = self.readout[-1]
            last.weight.mul_(0.1)
            last.bias.copy_(torch.tensor([0.0, 0.0, -2.0, -6.0]))

    def forward(self, data: HeteroData) -> dict[str, Tensor]:
        """Predict per-link and per-path figures; see the class docstring."""
        x_link = data["link"].x
        rel = data[_REL]
        e_path, e_link = rel.edge_index
        share = rel.share
        n_links = x_link.shape[0]
        n_paths = data["path"].x.shape[0]

        h_link = self.link_embed(x_link)
        if self.iterations > 0:
            order, batch_sizes, paths_sorted = self._packing(e_path, rel.pos, n_paths)
            link_seq = e_link[order]
            share_seq = share[order, None]
            h_path = self.path_embed(data["path"].x)[paths_sorted].unsqueeze(0)
            for _ in range(self.iterations):
                # inputs of the path GRU do not depend on the path state: one fused pass
                seq = PackedSequence(torch.cat([h_link[link_seq], share_seq], dim=1), batch_sizes)
                messages, h_path = self.path_gru(seq, h_path)
                msg = messages.data  # the path state on leaving each link, in ``order``
                weighted = scatter(msg * share_seq, link_seq, dim=0, dim_size=n_links, reduce="sum")
                mean = scatter(msg, link_seq, dim=0, dim_size=n_links, reduce="mean")
                h_link = self.link_gru(torch.cat([weighted, mean], dim=1), h_link)

        out = self.readout(torch.cat([h_link, x_link], dim=1))
        log_sojourn = x_link[:, 1] + out[:, 0]
        sojourn = torch.exp(log_sojourn)
        k = data["link"].queue_size + 1
        occupancy = torch.exp(torch.log1p(x_link[:, 3] * k) + out[:, 1])
        utilization = data["link"].rho * (1 - torch.sigmoid(out[:, 3]))
        per_hop = sojourn[e_link] * data["link"].service_s[e_link]
        delay = scatter(per_hop, e_path, dim=0, dim_size=n_paths, reduce="sum")
        return {
            "delay": delay,
            "sojourn": sojourn,
            "utilization": utilization,
            "occupancy": occupancy,
            "loss_logit": out[:, 2],
        }

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
