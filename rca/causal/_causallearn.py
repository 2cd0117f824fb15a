"""PC, FCI and GES from causal-learn over binned alarm counts, through a thin adapter."""

from __future__ import annotations

import contextlib
import io
import logging
import threading
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import pandas as pd

from rca._extras import require
from rca._text import plural
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
    max_parents : int, optional
        GES only, causal-learn's ``maxP``: an edge into a type is tried only
        while the type has at most this many parents. GES's search grows fast with the number of types: on the 59 types
        of the NeurIPS 2023 sample it runs about 20 minutes unbounded, 6
        with ``max_parents=3``, 1.5 with 2 and 20 s with 1 (one core).
    progress : bool
        Show the elapsed time on stderr while causal-learn runs (it reports
        no progress of its own that could be shown instead).
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
        max_parents: int | None = None,
        progress: bool = False,
    ) -> None:
        self.algorithm = algorithm
        self.resolution = resolution
        self.alpha = alpha
        self.forbidden = forbidden
        self.orient_by_time = orient_by_time
        self.max_hop = max_hop
        self.max_parents = max_parents
        self.progress = progress

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
        empty = pd.DataFrame(columns=["cause", "effect", "weight", "lag_s", "support"])
        if data.shape[1] < 2:
            return empty, {}
        n = len(names)
        if (
            algo == "ges"
        ):  # BIC scores tolerate collinear columns (causal-learn falls back to a pseudo-inverse)
            keep, twins = list(range(n)), dict[int, int]()
        else:
            keep, twins = _testable_columns(data)
            if len(keep) < n:
                logger.warning(
                    "%s: %s of %g s for %s: %s with another and %s of others in these counts; "
                    "the Fisher-z tests use %d (a longer history or a finer resolution separates them)",
                    algo,
                    plural(len(data), "bin"),
                    self.resolution,
                    plural(n, "alarm type"),
                    plural(len(twins), "moves in step", "move in step"),
                    plural(
                        n - len(keep) - len(twins),
                        "is a linear combination",
                        "are linear combinations",
                    ),
                    len(keep),
                )
            if len(keep) < 2:
                return empty, {"bins": int(len(data))}
        labels = [f"X{i + 1}" for i in range(len(keep))]
        index = {names[k]: i for i, k in enumerate(keep)}
        bk = None
        if self.forbidden:
            from causallearn.graph.GraphNode import GraphNode
            from causallearn.utils.PCUtils.BackgroundKnowledge import BackgroundKnowledge

            bk = BackgroundKnowledge()
            nodes = [GraphNode(lab) for lab in labels]
            for c, e in self.forbidden:
                if str(c) in index and str(e) in index:
                    bk.add_forbidden_by_node(nodes[index[str(c)]], nodes[index[str(e)]])
        cause_mat = np.zeros((n, n), dtype=np.int64)
        with _elapsed(f"{algo}: {len(keep)} alarm types, {len(data)} bins", enabled=self.progress):
            cause_mat[np.ix_(keep, keep)] = self._run(algo, data[:, keep], labels, bk)
        for (
            twin,
            rep,
        ) in twins.items():  # a column that moves in step with a tested one shares its edges
            cause_mat[twin, :], cause_mat[:, twin] = cause_mat[rep, :], cause_mat[:, rep]
            cause_mat[twin, twin] = 0
            cause_mat[twin, rep] = cause_mat[rep, twin] = (
                2  # and is dependent on it, direction unknown
            )
        for a in twins:
            for b in twins:
                if a < b and twins[a] == twins[b]:
                    cause_mat[a, b] = cause_mat[b, a] = 2
        prec = (
            precedence_counts(events, self.resolution, self.max_hop)
            if self.orient_by_time
            else None
        )
        sub = np.flatnonzero(varying)
        rows: list[dict[str, Any]] = []
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
                if any(
                    r["cause"] == events.types[a] and r["effect"] == events.types[b] for r in rows
                ):
                    continue
                if (events.types[a], events.types[b]) in {
                    (str(c), str(e)) for c, e in self.forbidden
                }:
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
        return pd.DataFrame(rows, columns=list(empty.columns)), {"bins": int(len(data))}

    def _run(self, algo: str, data: np.ndarray, labels: list[str], bk: Any) -> np.ndarray:
        """Adjacency states from causal-learn's int-coded graph (decoded here only)."""
        n = data.shape[1]
        if algo == "pc":
            from causallearn.search.ConstraintBased.PC import pc

            g = pc(
                data,
                self.alpha,
                "fisherz",
                background_knowledge=bk,
                show_progress=False,
                node_names=labels,
            ).G.graph
        elif algo == "fci":
            from causallearn.search.ConstraintBased.FCI import fci

            with contextlib.redirect_stdout(io.StringIO()):  # fci prints its edges
                g = fci(
                    data,
                    "fisherz",
                    self.alpha,
                    background_knowledge=bk,
                    show_progress=False,
                    node_names=labels,
                )[0].graph
        else:
            from causallearn.search.ScoreBased.GES import ges

            g = ges(data, score_func="local_score_BIC", maxP=self.max_parents, node_names=labels)[
                "G"
            ].graph
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


@contextlib.contextmanager
def _elapsed(desc: str, *, enabled: bool) -> Iterator[None]:
    """Show ``desc`` and the elapsed time on stderr, refreshed every second, while the block runs.

    The refresh runs in a daemon thread; the block itself stays in the main
    thread, so Ctrl-C interrupts it as usual, and the line is cleared however
    the block ends. Where stderr is not a terminal (a log file), the line is
    refreshed every 30 s instead.
    """
    if not enabled:
        yield
        return
    import sys

    from tqdm.auto import tqdm

    bar = tqdm(desc=desc, bar_format="{desc} [{elapsed} elapsed]", leave=False, file=sys.stderr)
    every = 1.0 if sys.stderr.isatty() else 30.0
    done = threading.Event()

    def tick() -> None:
        while not done.wait(every):
            bar.refresh()

    thread = threading.Thread(target=tick, name="netrca-elapsed", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()
        bar.close()


def _testable_columns(data: np.ndarray, *, rtol: float = 1e-8) -> tuple[list[int], dict[int, int]]:
    """Columns whose correlation matrix is invertible, and the columns that duplicate one of them.

    The Fisher-z test inverts the correlation matrix of the two variables and
    their conditioning set, so it fails on columns that are linear
    combinations of others: alarm types that always occur in the same bins
    with the same counts (common in a short log), or more types than bins.
    Exact twins (correlation +1 or -1) are set aside and given their
    representative's edges; of the rest, a pivoted QR decomposition keeps a
    largest linearly independent set (so every sub-matrix the tests invert
    is positive definite, and ``bins - 3 - |conditioning set|`` stays >= 0).

    Parameters
    ----------
    data : ndarray of shape (n_bins, n_types)
        Non-constant columns.
    rtol : float
        A column counts as dependent when its QR pivot is below ``rtol``
        times the largest one.

    Returns
    -------
    keep : list of int
        The columns to test, in increasing order.
    twins : dict of int to int
        Column -> the kept column it moves in step with.

    Examples
    --------
    >>> x = np.array([[0., 1., 0.], [1., 3., 2.], [2., 5., 1.], [0., 1., 3.]])
    >>> _testable_columns(x)  # column 1 is 2 * column 0 + 1
    ([0, 2], {1: 0})
    """
    from scipy.linalg import qr

    z = (data - data.mean(axis=0)) / data.std(axis=0)
    first = np.argmax(np.abs(z) > 1e-12, axis=0)
    signed = np.round(z * np.sign(z[first, np.arange(z.shape[1])]), 9)
    reps: dict[bytes, int] = {}
    twins: dict[int, int] = {}
    for j in range(z.shape[1]):
        twins_of = reps.setdefault(signed[:, j].tobytes(), j)
        if twins_of != j:
            twins[j] = twins_of
    distinct = [j for j in range(z.shape[1]) if j not in twins]
    _, r, pivots = qr(z[:, distinct], mode="economic", pivoting=True)
    diag = np.abs(np.diag(r))
    rank = int(np.sum(diag > rtol * diag[0])) if len(diag) else 0
    keep = sorted(distinct[p] for p in pivots[:rank])
    kept = set(keep)
    return keep, {j: rep for j, rep in twins.items() if rep in kept}


class BaselineGraph(CausalDiscovery):
    """Trivial graphs for reference: ``"empty"``, ``"complete"`` (every ordered pair) or ``"random"``.

    Parameters
    ----------
    kind : {"empty", "complete", "random"}
    density : float
        Edge probability of ``"random"``.
    random_state : int, optional
    """

    def __init__(
        self, *, kind: str = "empty", density: float = 0.25, random_state: int | None = None
    ) -> None:
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
            pd.DataFrame(
                {
                    "cause": [events.types[i] for i in ii],
                    "effect": [events.types[j] for j in jj],
                    "weight": 1.0,
                }
            ),
            {},
        )
