"""Background knowledge for discovery: alarm edges known to exist, and known not to."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from rca.errors import InputError

__all__ = ["column_prior", "prior_masks", "prior_pairs", "read_prior"]

logger = logging.getLogger(__name__)

Pair = tuple[str, str]


def prior_masks(
    types: Sequence[str], forbidden: Iterable[Pair] = (), required: Iterable[Pair] = ()
) -> tuple[np.ndarray, np.ndarray]:
    """Boolean ``(n_types, n_types)`` masks of forbidden and required edges.

    Parameters
    ----------
    types : sequence of str
        The alarm types, in the order of the masks.
    forbidden, required : iterable of (cause, effect)
        Alarm type names. A pair naming a type that is not in ``types`` is
        skipped with a warning (a prior may cover types this log lacks).

    Raises
    ------
    InputError
        A self-loop, a pair both forbidden and required, or required edges
        that form a directed cycle.
    """
    index = {str(t): i for i, t in enumerate(types)}
    masks = []
    for kind, pairs in (("forbidden", forbidden), ("required", required)):
        mask = np.zeros((len(index), len(index)), dtype=bool)
        skipped = []
        for cause, effect in pairs:
            cause, effect = str(cause), str(effect)
            if cause == effect:
                raise InputError(f"{kind} edge {cause} -> {effect} is a self-loop", node=cause)
            if cause not in index or effect not in index:
                skipped.append(f"{cause}->{effect}")
                continue
            mask[index[cause], index[effect]] = True
        if skipped:
            logger.warning(
                "%d %s edges name alarm types not in the log, skipped: %s",
                len(skipped),
                kind,
                ", ".join(skipped[:5]) + (" ..." if len(skipped) > 5 else ""),
            )
        masks.append(mask)
    forbid, require = masks
    both = np.argwhere(forbid & require)
    if both.size:
        i, j = both[0]
        raise InputError(
            f"edge {types[i]} -> {types[j]} is both forbidden and required", node=str(types[i])
        )
    graph = nx.DiGraph([(str(types[i]), str(types[j])) for i, j in np.argwhere(require)])
    try:
        cycle = nx.find_cycle(graph)
    except nx.NetworkXNoCycle:
        cycle = None
    if cycle:
        path = " -> ".join([u for u, _ in cycle] + [cycle[0][0]])
        raise InputError(f"required edges form a cycle: {path}", node=cycle[0][0])
    return forbid, require


def column_prior(forbid: np.ndarray, require: np.ndarray, effect: int) -> dict[str, Any]:
    """The ``forbidden`` and ``required`` parent types of ``effect``, as a parent search takes them."""
    return {
        "forbidden": set(np.flatnonzero(forbid[:, effect]).tolist()),
        "required": np.flatnonzero(require[:, effect]).tolist(),
    }


def prior_pairs(prior: pd.DataFrame) -> tuple[list[Pair], list[Pair]]:
    """Forbidden and required pairs of a labelled prior matrix.

    Parameters
    ----------
    prior : pandas.DataFrame
        ``[cause, effect]``: 1 a known edge, 0 a known non-edge, -1 unknown
        (the PCIC / NeurIPS 2023 ``causal_prior.npy`` convention). The
        diagonal is ignored.

    Returns
    -------
    forbidden, required : list of (cause, effect)
    """
    mat = prior.to_numpy()
    rows, cols = [str(x) for x in prior.index], [str(x) for x in prior.columns]
    off = np.not_equal.outer(np.array(rows, dtype=object), np.array(cols, dtype=object))
    forbidden = [(rows[i], cols[j]) for i, j in np.argwhere((mat == 0) & off)]
    required = [(rows[i], cols[j]) for i, j in np.argwhere((mat == 1) & off)]
    return forbidden, required


def read_prior(
    path: str | Path, labels: Sequence[str] | None = None
) -> tuple[list[Pair], list[Pair]]:
    """Read prior knowledge about alarm edges.

    Parameters
    ----------
    path : str or Path
        ``.npy``: a square matrix in the PCIC convention (1 known edge, 0
        known non-edge, -1 unknown), its rows labelled ``labels`` (default
        ``"0" .. "n-1"``, the PCIC alarm ids). Otherwise a CSV with columns
        ``cause, effect, edge`` (``edge`` 1: known edge, 0: known non-edge).
    labels : sequence of str, optional
        Row labels of a ``.npy`` matrix.

    Returns
    -------
    forbidden, required : list of (cause, effect)

    Raises
    ------
    InputError
        An unreadable file, a matrix that is not square or holds other values,
        a missing column or a bad value (with its line).
    """
    path = Path(path)
    if path.suffix.lower() == ".npy":
        from rca.datasets._pcic import _read_matrix

        mat = _read_matrix(path, values=(-1, 0, 1))
        names = (
            [str(x) for x in labels]
            if labels is not None
            else [str(i) for i in range(mat.shape[0])]
        )
        if len(names) != mat.shape[0]:
            raise InputError(
                f"the prior is {mat.shape[0]}x{mat.shape[0]} but {len(names)} labels were given",
                file=path,
            )
        return prior_pairs(pd.DataFrame(mat, index=names, columns=names))
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise InputError(f"cannot read the prior: {exc}", file=path) from None
    missing = [c for c in ("cause", "effect", "edge") if c not in frame.columns]
    if missing:
        raise InputError(
            f"missing column {missing[0]!r}; the header has {list(frame.columns)}",
            file=path,
            column=missing[0],
        )
    forbidden: list[tuple[str, str]] = []
    required: list[tuple[str, str]] = []
    for line, (cause, effect, edge) in enumerate(
        frame[["cause", "effect", "edge"]].itertuples(index=False), 2
    ):
        if not cause.strip() or not effect.strip():
            raise InputError(
                "empty alarm type",
                file=path,
                line=line,
                column="cause" if not cause.strip() else "effect",
            )
        if edge.strip() not in ("0", "1"):
            raise InputError(
                f"expected 1 (known edge) or 0 (known non-edge), found {edge!r}",
                file=path,
                line=line,
                column="edge",
            )
        (required if edge.strip() == "1" else forbidden).append((cause.strip(), effect.strip()))
    return forbidden, required
