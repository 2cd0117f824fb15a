"""PC, FCI and GES from causal-learn over binned alarm counts, through a thin adapter."""

from __future__ import annotations

import contextlib
import io
import logging
from typing import Any, Sequence

import numpy as np
import pandas as pd

from rca._extras import require
from rca.errors import InputError

from ._base import CausalDiscovery
from ._precedence import precedence_counts
from ._series import EventSequences, binned_counts

__all__ = ["CausalLearnDiscovery", "BaselineGraph"]

logger = logging.getLogger(__name__)

_METHODS = ("pc", "fci", "ges")


class CausalLearnDiscovery(CausalDiscovery):
    """Constraint- or score-based discovery (causal-learn) on binned alarm counts.

    Counts per ``resolution`` bin over the whole network (``log1p``
    transformed, constant columns dropped) go to causal-learn's PC, FCI
    (Fisher-z tests) or GES (BIC). Background knowledge: ``forbidden`` pairs
    are never edges (PC/FCI); and since an effect never precedes its cause,
    edges the method leaves unoriented (or oriented against time) are
    oriented by temporal precedence: ``a -> b`` when type ``a`` precedes ``b``
    on the same device (within ``max_hop`` hops) more often than the reverse,
    within one bin width.

    Parameters
    ----------
    algorithm : {"pc", "fci", "ges"}
    resolution : float
        Bin width in seconds.
    alpha : float
        Significance level of the independence tests (PC, FCI).
    forbidden : sequence of (cause, effect), optional
        Edges excluded a priori.
    orient_by_time : bool
        Orient undirected / time-contradicting edges by precedence.
    max_hop : int
        Neighbourhood of the precedence counts.
    """

    uses_topology = True

    def __init__(
        self,
        *,
        algorithm: str = "pc",
        resolution: float = 600.0,
        alpha: float = 0.01,
        forbidden: Sequence[tuple[str, str]] = (),
        orient_by_time: bool = True,
        max_hop: int = 1,
    ) -> None:
        self.algorithm = algorithm
        self.resolution = resolution
        self.alpha = alpha
        self.forbidden = forbidden
        self.orient_by_time = orient_by_time
        self.max_hop = max_hop

    @property
    def method_name(self) -> str:  # type: ignore[override]
        return str(self.algorithm)

    def _discover(self, events: EventSequences) -> tuple[pd.DataFrame, dict[str, Any]]:
        algo = str(self.algorithm).lower()
        if algo not in _METHODS:
            raise InputError(f"algorithm must be one of {list(_METHODS)}, found {self.algorithm!r}")
        require("causal", "causallearn", feature=f"rca discover -m {algo} (causal-learn)")
        counts = binned_counts(events, self.resolution)
        data = np.log1p(counts.to_numpy(dtype=float))
        varying = data.std(axis=0) > 0
        names = [events.types[i] for i in np.flatnonzero(varying)]
        data = data[:, varying]
        if data.shape[1] < 2:
            return pd.DataFrame(columns=["cause", "effect"]), {}
        labels = [f"X{i + 1}" for i in range(len(names))]
        index = {n: i for i, n in enumerate(names)}
        bk = None
        if self.forbidden:
            from causallearn.graph.GraphNode import GraphNode
            from causallearn.utils.PCUtils.BackgroundKnowledge import BackgroundKnowledge

            bk = BackgroundKnowledge()
            nodes = [GraphNode(lab) for lab in labels]
            for c, e in self.forbidden:
                if str(c) in index and str(e) in index:
                    bk.add_forbidden_by_node(nodes[index[str(c)]], nodes[index[str(e)]])
        cause_mat = self._run(algo, data, labels, bk)
        prec = precedence_counts(events, self.resolution, self.max_hop) if self.orient_by_time else None
        sub = np.flatnonzero(varying)
        rows = []
        n = len(names)
        for i in range(n):
            for j in range(n):
                state = cause_mat[i, j]  # 1: i -> j, 2: undirected / ambiguous, 0: none
                if state == 0:
                    continue
                a, b = sub[i], sub[j]
                if prec is not None and state == 2:
                    if prec[a, b] <= prec[b, a]:
                        continue
                elif prec is not None and prec[a, b] < prec[b, a] and cause_mat[j, i] == 0:
                    # an effect never precedes its cause: flip edges that contradict time
                    a, b = b, a
                if any(r["cause"] == events.types[a] and r["effect"] == events.types[b] for r in rows):
                    continue
                if (events.types[a], events.types[b]) in {(str(c), str(e)) for c, e in self.forbidden}:
                    continue
                rows.append(
                    {
                        "cause": events.types[a],
                        "effect": events.types[b],
                        "weight": 1.0 if state == 1 else 0.5,
                        "lag_s": np.nan,
                        "support": int(prec[a, b]) if prec is not None else 0,
                    }
                )
        return pd.DataFrame(rows, columns=["cause", "effect", "weight", "lag_s", "support"]), {"bins": int(len(data))}

    def _run(self, algo: str, data: np.ndarray, labels: list[str], bk: Any) -> np.ndarray:
        """Adjacency states from causal-learn's int-coded graph (decoded here only)."""
        n = data.shape[1]
        if algo == "pc":
            from causallearn.search.ConstraintBased.PC import pc

            g = pc(data, self.alpha, "fisherz", background_knowledge=bk, show_progress=False, node_names=labels).G.graph
        elif algo == "fci":
            from causallearn.search.ConstraintBased.FCI import fci

            with contextlib.redirect_stdout(io.StringIO()):  # fci prints its edges
                g = fci(data, "fisherz", self.alpha, background_knowledge=bk, show_progress=False, node_names=labels)[0].graph
        else:
            from causallearn.search.ScoreBased.GES import ges

            g = ges(data, score_func="local_score_BIC", node_names=labels)["G"].graph
        # causal-learn endpoint codes at g[i, j] (mark at j's end... ): -1 tail, 1 arrow, 2 circle
        out = np.zeros((n, n), dtype=np.int64)
        for i in range(n):
            for j in range(n):
                if i == j or g[i, j] == 0:
                    continue
                tail_i, head_j = g[j, i], g[i, j]  # g[j, i]: mark at i; g[i, j]: mark at j
                if head_j == 1 and tail_i == -1:
                    out[i, j] = 1  # i -> j
                elif head_j == 1 and tail_i == 1:
                    continue  # bidirected: latent confounder, no direct edge
                elif head_j == 1 and tail_i == 2:
                    out[i, j] = 2  # i o-> j: i possibly causes j
                elif head_j in (-1, 2) and tail_i in (-1, 2) and i < j:
                    out[i, j] = out[j, i] = 2  # undirected / o-o
        return out


class BaselineGraph(CausalDiscovery):
    """Trivial graphs for reference: ``"empty"``, ``"complete"`` (every ordered pair) or ``"random"``.

    Parameters
    ----------
    kind : {"empty", "complete", "random"}
    density : float
        Edge probability of ``"random"``.
    random_state : int, optional
    """

    def __init__(self, *, kind: str = "empty", density: float = 0.25, random_state: int | None = None) -> None:
        self.kind = kind
        self.density = density
        self.random_state = random_state

    @property
    def method_name(self) -> str:  # type: ignore[override]
        return f"baseline-{self.kind}"

    def _discover(self, events: EventSequences) -> tuple[pd.DataFrame, dict[str, Any]]:
        k = events.n_types
        if self.kind == "empty":
            mat = np.zeros((k, k), dtype=bool)
        elif self.kind == "complete":
            mat = ~np.eye(k, dtype=bool)
        elif self.kind == "random":
            rng = np.random.default_rng(self.random_state)
            mat = (rng.random((k, k)) < self.density) & ~np.eye(k, dtype=bool)
        else:
            raise InputError(f"kind must be 'empty', 'complete' or 'random', found {self.kind!r}")
        ii, jj = np.nonzero(mat)
        return (
            pd.DataFrame({"cause": [events.types[i] for i in ii], "effect": [events.types[j] for j in jj], "weight": 1.0}),
            {},
        )
