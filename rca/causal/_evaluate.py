"""Scores of a learned causal graph against a true one."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from rca.errors import InputError

from ._result import CausalGraph

__all__ = ["GraphScore", "score_graph"]


@dataclass(frozen=True)
class GraphScore:
    """Directed-edge scores of a predicted graph.

    Attributes
    ----------
    tp, fp, fn : int
        True positives, false positives (a reversed edge counts as one), false negatives.
    precision, recall, f1 : float
        The usual directed-edge scores (0 where undefined).
    shd : int
        Structural Hamming distance: edge additions, deletions and reversals
        needed to turn the prediction into the truth (a reversal counts once).
    g_score : float
        ``max(0, TP - FP) / (TP + FN)`` (the PCIC / NeurIPS 2023 competition score).
    n_pred, n_true : int
        Number of predicted and true edges.
    skeleton_precision, skeleton_recall, skeleton_f1 : float
        The same scores over unordered pairs, direction ignored: how well
        the method finds which alarm types are related at all.
    orientation : float
        Of the predicted edges between truly related types, the share that
        points the true way (NaN when there is none). Below about 0.5 the
        directions are no better than a coin.
    """

    tp: int
    fp: int
    fn: int
    precision: float
    recall: float
    f1: float
    shd: int
    g_score: float
    n_pred: int
    n_true: int
    skeleton_precision: float
    skeleton_recall: float
    skeleton_f1: float
    orientation: float

    def to_dict(self) -> dict[str, float | int]:
        """The scores as a dict."""
        return asdict(self)

    def to_frame(self) -> pd.DataFrame:
        """One-row DataFrame of the scores."""
        return pd.DataFrame([self.to_dict()])


def _as_matrix(
    graph: CausalGraph | pd.DataFrame | np.ndarray, nodes: list[str] | None
) -> tuple[np.ndarray, list]:
    if isinstance(graph, CausalGraph):
        graph = graph.adjacency()
    if isinstance(graph, pd.DataFrame):
        labels = [str(x) for x in graph.index]
        if nodes is not None:
            extra = sorted(set(labels) - set(nodes))
            if extra:
                raise InputError(f"graph has nodes {extra[:5]} that the truth lacks", node=extra[0])
            frame = graph.copy()
            frame.index, frame.columns = labels, [str(c) for c in graph.columns]
            frame = frame.reindex(
                index=nodes, columns=nodes, fill_value=0
            )  # nodes the graph lacks: no edges
            return frame.to_numpy() != 0, nodes
        return graph.to_numpy() != 0, labels
    mat = np.asarray(graph)
    if mat.ndim != 2 or mat.shape[0] != mat.shape[1]:
        raise InputError(f"adjacency must be a square matrix, found shape {mat.shape}")
    return mat != 0, nodes if nodes is not None else [str(i) for i in range(mat.shape[0])]


def score_graph(
    predicted: CausalGraph | pd.DataFrame | np.ndarray,
    truth: CausalGraph | pd.DataFrame | np.ndarray,
) -> GraphScore:
    """Compare a predicted directed graph with the true one.

    Parameters
    ----------
    predicted, truth : CausalGraph, labelled adjacency DataFrame or square array
        ``[i, j] != 0`` means ``i -> j``. Labelled inputs are aligned on the
        truth's node labels (a predicted graph may omit nodes); arrays must
        share the node order. The diagonal is ignored.

    Returns
    -------
    GraphScore

    Examples
    --------
    >>> import numpy as np
    >>> truth = np.array([[0, 1, 1], [0, 0, 1], [0, 0, 0]])
    >>> pred = np.array([[0, 1, 0], [0, 0, 0], [1, 0, 0]])   # one right, one reversed
    >>> s = score_graph(pred, truth)
    >>> (s.tp, s.fp, s.fn, s.shd, s.g_score)
    (1, 1, 2, 2, 0.0)
    """
    t, labels = _as_matrix(truth, None)
    if isinstance(truth, np.ndarray) and not isinstance(predicted, np.ndarray):
        p, _ = _as_matrix(predicted, None)
    else:
        p, _ = _as_matrix(predicted, labels if not isinstance(predicted, np.ndarray) else None)
    if p.shape != t.shape:
        raise InputError(f"predicted graph has shape {p.shape}, the truth {t.shape}")
    off = ~np.eye(t.shape[0], dtype=bool)
    p, t = p & off, t & off
    tp = int((p & t).sum())
    fp = int((p & ~t).sum())
    fn = int((~p & t).sum())
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    # SHD over unordered pairs: a pair counts once if its edge set differs
    diff = (p != t) | (p.T != t.T)
    shd = int(np.triu(diff, 1).sum())
    g = max(0, tp - fp) / (tp + fn) if tp + fn else 0.0
    return GraphScore(
        tp,
        fp,
        fn,
        precision,
        recall,
        f1,
        shd,
        g,
        int(p.sum()),
        int(t.sum()),
        *_skeleton_scores(p, t),
    )


def _skeleton_scores(p: np.ndarray, t: np.ndarray) -> tuple[float, float, float, float]:
    """Precision, recall and F1 over unordered pairs, and the share of edges on true pairs that point the true way."""
    upper = np.triu(np.ones_like(t, dtype=bool), 1)
    ps, ts = (p | p.T) & upper, (t | t.T) & upper
    hit = int((ps & ts).sum())
    precision = hit / int(ps.sum()) if ps.any() else 0.0
    recall = hit / int(ts.sum()) if ts.any() else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    on_true_pairs = p & (t | t.T)
    orientation = (
        float((p & t).sum() / on_true_pairs.sum()) if on_true_pairs.any() else float("nan")
    )
    return precision, recall, f1, orientation
