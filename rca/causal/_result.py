"""The common result of every causal-discovery method: :class:`CausalGraph`."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from rca._io import atomic_write_text
from rca.errors import InputError, ModelFileError

__all__ = ["CausalGraph", "EDGE_COLUMNS"]

EDGE_COLUMNS: tuple[str, ...] = ("cause", "effect", "weight", "lag_s", "support")
_FORMAT = "netrca.causal-graph"
_VERSION = 1


def _edge_frame(edges: pd.DataFrame | Iterable[Mapping[str, Any]] | None) -> pd.DataFrame:
    if edges is None:
        edges = []
    frame = edges.copy() if isinstance(edges, pd.DataFrame) else pd.DataFrame(list(edges))
    for column in ("cause", "effect"):
        if column not in frame.columns:
            if len(frame):
                raise InputError(
                    f"edges need a {column!r} column; found {list(frame.columns)}", column=column
                )
            frame[column] = pd.Series([], dtype=object)
    for column, default in (("weight", 1.0), ("lag_s", math.nan), ("support", 0)):
        if column not in frame.columns:
            frame[column] = default
    out = pd.DataFrame(
        {
            "cause": frame["cause"].astype(str).to_numpy(dtype=object),
            "effect": frame["effect"].astype(str).to_numpy(dtype=object),
            "weight": pd.to_numeric(frame["weight"]).astype("float64").to_numpy(),
            "lag_s": pd.to_numeric(frame["lag_s"]).astype("float64").to_numpy(),
            "support": pd.to_numeric(frame["support"]).fillna(0).astype("int64").to_numpy(),
        }
    )
    return out.sort_values(
        ["weight", "cause", "effect"], ascending=[False, True, True], kind="stable"
    ).reset_index(drop=True)


@dataclass(frozen=True)
class CausalGraph:
    """A directed graph of alarm types, as learned by a discovery method.

    Attributes
    ----------
    nodes : tuple of str
        The alarm types (or alarm ids) that were considered, in input order.
    edges : pandas.DataFrame
        One row per directed edge, columns ``cause``, ``effect`` (str),
        ``weight`` (float, larger is stronger; its scale depends on the method),
        ``lag_s`` (typical delay from cause to effect in seconds, NaN if unknown)
        and ``support`` (number of effect events the edge is based on).
        Sorted by decreasing weight.
    method : str
        The name of the method that produced the graph.
    params : dict
        The method's parameters (JSON-serialisable values).
    seconds : float
        Wall time of the fit.

    Examples
    --------
    >>> g = CausalGraph(nodes=("LOS", "LINK_DOWN"),
    ...                 edges=[{"cause": "LOS", "effect": "LINK_DOWN", "weight": 2.0, "lag_s": 1.5}],
    ...                 method="manual")
    >>> g.has_edge("LOS", "LINK_DOWN"), g.has_edge("LINK_DOWN", "LOS")
    (True, False)
    >>> CausalGraph.from_json(g.to_json()).edge_set() == g.edge_set()
    True
    """

    nodes: tuple[str, ...]
    edges: pd.DataFrame = field(default_factory=lambda: _edge_frame(None))
    method: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)
    seconds: float = 0.0

    def __post_init__(self) -> None:
        nodes = tuple(str(n) for n in self.nodes)
        if len(set(nodes)) != len(nodes):
            dup = pd.Series(nodes)[pd.Series(nodes).duplicated()].iloc[0]
            raise InputError(f"node names must be unique; {dup!r} appears twice", node=dup)
        edges = _edge_frame(self.edges)
        known = set(nodes)
        for column in ("cause", "effect"):
            unknown = sorted(set(edges[column]) - known)
            if unknown:
                raise InputError(
                    f"edge {column} {unknown[0]!r} is not one of the graph's nodes",
                    column=column,
                    node=unknown[0],
                )
        loops = edges["cause"] == edges["effect"]
        if loops.any():
            raise InputError(
                "self-loops are not allowed", node=str(edges.loc[loops, "cause"].iloc[0])
            )
        if edges.duplicated(["cause", "effect"]).any():
            row = edges[edges.duplicated(["cause", "effect"])].iloc[0]
            raise InputError(f"edge {row['cause']} -> {row['effect']} appears twice")
        object.__setattr__(self, "nodes", nodes)
        object.__setattr__(self, "edges", edges)
        object.__setattr__(self, "params", dict(self.params))
        object.__setattr__(self, "seconds", float(self.seconds))

    # -- views -------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.edges)

    def __repr__(self) -> str:
        return (
            f"CausalGraph(method={self.method!r}, nodes={len(self.nodes)}, edges={len(self.edges)})"
        )

    def edge_set(self) -> set[tuple[str, str]]:
        """The set of ``(cause, effect)`` pairs."""
        return set(zip(self.edges["cause"], self.edges["effect"]))

    def has_edge(self, cause: str, effect: str) -> bool:
        """Whether ``cause -> effect`` is in the graph."""
        return (str(cause), str(effect)) in self.edge_set()

    def parents(self, node: str) -> list[str]:
        """Causes of ``node``, strongest first."""
        return self.edges.loc[self.edges["effect"] == str(node), "cause"].tolist()

    def children(self, node: str) -> list[str]:
        """Effects of ``node``, strongest first."""
        return self.edges.loc[self.edges["cause"] == str(node), "effect"].tolist()

    def adjacency(self) -> pd.DataFrame:
        """0/1 adjacency matrix labelled by node; ``[i, j] = 1`` means ``i -> j``."""
        idx = {n: i for i, n in enumerate(self.nodes)}
        mat = np.zeros((len(self.nodes), len(self.nodes)), dtype=np.int64)
        for c, e in zip(self.edges["cause"], self.edges["effect"]):
            mat[idx[c], idx[e]] = 1
        return pd.DataFrame(mat, index=list(self.nodes), columns=list(self.nodes))

    def top(self, n: int) -> CausalGraph:
        """The graph restricted to its ``n`` strongest edges."""
        return CausalGraph(
            self.nodes, self.edges.head(n), self.method, {**self.params, "top": n}, self.seconds
        )

    def to_frame(self) -> pd.DataFrame:
        """The edges, one row each (a copy)."""
        return self.edges.copy()

    def to_networkx(self) -> nx.DiGraph:
        """A DiGraph with every node and edge attributes weight, lag_s, support."""
        graph = nx.DiGraph(method=self.method)
        graph.add_nodes_from(self.nodes)
        for row in self.edges.itertuples(index=False):
            graph.add_edge(
                row.cause, row.effect, weight=row.weight, lag_s=row.lag_s, support=int(row.support)
            )
        return graph

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (NaN written as ``None``)."""

        def num(x: float) -> float | None:
            return None if not np.isfinite(x) else float(x)

        return {
            "format": _FORMAT,
            "version": _VERSION,
            "nodes": list(self.nodes),
            "edges": [
                {
                    "cause": r.cause,
                    "effect": r.effect,
                    "weight": num(r.weight),
                    "lag_s": num(r.lag_s),
                    "support": int(r.support),
                }
                for r in self.edges.itertuples(index=False)
            ],
            "method": self.method,
            "params": _jsonable(self.params),
            "seconds": round(self.seconds, 3),
        }

    def to_json(self, path: str | Path | None = None, *, indent: int | None = 2) -> str:
        """Serialise to JSON text, and write it to ``path`` if given."""
        text = json.dumps(self.to_dict(), indent=indent)
        if path is not None:
            atomic_write_text(path, text + "\n")
        return text

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, file: str | Path | None = None) -> CausalGraph:
        """Build from :meth:`to_dict` output, validating every field."""
        if not isinstance(data, Mapping):
            raise ModelFileError(
                f"{file or 'causal graph'}: expected a JSON object, found {type(data).__name__}"
            )
        fmt = data.get("format", _FORMAT)
        if fmt != _FORMAT:
            raise ModelFileError(f"{file or 'causal graph'}: format {fmt!r} is not {_FORMAT!r}")
        if int(data.get("version", _VERSION)) > _VERSION:
            raise ModelFileError(
                f"{file or 'causal graph'}: version {data.get('version')} is newer than {_VERSION}"
            )
        nodes = data.get("nodes")
        edges = data.get("edges", [])
        if not isinstance(nodes, list) or not all(isinstance(n, (str, int)) for n in nodes):
            raise ModelFileError(f"{file or 'causal graph'}: 'nodes' must be a list of strings")
        if not isinstance(edges, list) or not all(isinstance(e, Mapping) for e in edges):
            raise ModelFileError(f"{file or 'causal graph'}: 'edges' must be a list of objects")
        rows = []
        for i, e in enumerate(edges):
            try:
                rows.append(
                    {
                        "cause": str(e["cause"]),
                        "effect": str(e["effect"]),
                        "weight": math.nan if e.get("weight") is None else float(e["weight"]),
                        "lag_s": math.nan if e.get("lag_s") is None else float(e["lag_s"]),
                        "support": int(e.get("support") or 0),
                    }
                )
            except (KeyError, TypeError, ValueError) as exc:
                raise ModelFileError(
                    f"{file or 'causal graph'}: edge {i} is malformed ({exc!r})"
                ) from None
        params = data.get("params", {})
        try:
            return cls(
                nodes=tuple(str(n) for n in nodes),
                edges=rows,
                method=str(data.get("method", "")),
                params=params if isinstance(params, Mapping) else {},
                seconds=float(data.get("seconds") or 0.0),
            )
        except InputError as exc:
            raise ModelFileError(f"{file or 'causal graph'}: {exc}") from None

    @classmethod
    def from_json(cls, text_or_path: str | Path) -> CausalGraph:
        """Load from JSON text or a file path (plain JSON only; no code is run)."""
        file = None
        text = str(text_or_path)
        if isinstance(text_or_path, Path) or not text.lstrip().startswith("{"):
            file = Path(text_or_path)
            try:
                text = file.read_text(encoding="utf-8")
            except OSError as exc:
                raise ModelFileError(f"{file}: cannot read ({exc.strerror})") from None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ModelFileError(
                f"{file or 'causal graph'}: not JSON ({exc.msg} at line {exc.lineno})"
            ) from None
        return cls.from_dict(data, file=file)

    @classmethod
    def from_adjacency(
        cls,
        adjacency: pd.DataFrame,
        *,
        method: str = "adjacency",
        weights: pd.DataFrame | None = None,
    ) -> CausalGraph:
        """Build from a labelled 0/1 (or weighted) adjacency, ``[i, j] != 0`` meaning ``i -> j``."""
        if list(adjacency.index) != list(adjacency.columns):
            raise InputError("adjacency must have the same labels on rows and columns")
        names = [str(n) for n in adjacency.index]
        mat = adjacency.to_numpy(dtype=float)
        w = mat if weights is None else weights.to_numpy(dtype=float)
        ii, jj = np.nonzero((mat != 0) & ~np.eye(len(names), dtype=bool))
        edges = [
            {"cause": names[i], "effect": names[j], "weight": float(w[i, j])}
            for i, j in zip(ii, jj)
        ]
        return cls(nodes=tuple(names), edges=edges, method=method)


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        return float(value) if np.isfinite(value) else None
    if value is None or isinstance(value, (str, int, bool)):
        return value
    return repr(value)
