"""Optional dependencies: the one place that imports them and names the extra to install.

The base install (``pip install netrca``) runs ``import rca``, the explain
ranker, the reports and the CLI. Heavier parts need an *extra* (declared in
``pyproject.toml``):

- ``gnn``: ``torch`` and ``torch_geometric``, for :mod:`rca.gnn` (and so
  ``rca analyze --method gnn`` or ``fused``, ``rca propagate``,
  ``rca congestion``, ``rca train``);
- ``causal``: ``causallearn`` and ``dowhy``, for ``rca discover -m pc``,
  ``fci`` and ``ges`` and the metric attribution;
- ``dask``: ``dask`` and ``distributed``, for ``rca report --scheduler``
  (a batch report on a Dask cluster).

Every lazy import of these modules goes through :func:`require`, so a
missing one raises :class:`~rca.errors.MissingExtraError` with the ``pip``
command that installs it, and the CLI prints that line instead of a
traceback.

Examples
--------
>>> EXTRAS["causal"]
('causallearn', 'dowhy')
>>> require("gnn", "no_such_module")
Traceback (most recent call last):
...
rca.errors.MissingExtraError: the graph neural networks (rca.gnn) needs the 'gnn' extra: pip install 'netrca[gnn]' (No module named 'no_such_module')
"""

from __future__ import annotations

import importlib
from types import ModuleType

from .errors import MissingExtraError

__all__ = ["EXTRAS", "MissingExtraError", "require"]

#: The modules each extra provides, by import name.
EXTRAS: dict[str, tuple[str, ...]] = {
    "gnn": ("torch", "torch_geometric"),
    "causal": ("causallearn", "dowhy"),
    "dask": ("dask", "distributed"),
}

#: What each extra enables, as the error message names it.
_FEATURES: dict[str, str] = {
    "gnn": "the graph neural networks (rca.gnn)",
    "causal": "causal-learn and DoWhy",
    "dask": "a Dask cluster",
}


def require(extra: str, *modules: str, feature: str | None = None) -> list[ModuleType]:
    """Import an extra's modules, or raise :class:`~rca.errors.MissingExtraError` naming the extra.

    Parameters
    ----------
    extra : str
        A key of :data:`EXTRAS`.
    *modules : str
        The modules to import (default: every module of the extra).
    feature : str, optional
        What needs them, for the message (default: what the extra enables).

    Returns
    -------
    list of module
        The imported modules, in the order asked.

    Raises
    ------
    MissingExtraError
        A module is not installed or fails to import.
    ValueError
        ``extra`` is not a key of :data:`EXTRAS`.
    """
    if extra not in EXTRAS:
        raise ValueError(f"unknown extra {extra!r}; expected one of {', '.join(EXTRAS)}")
    out = []
    for name in modules or EXTRAS[extra]:
        try:
            out.append(importlib.import_module(name))
        except ImportError as exc:
            raise MissingExtraError(extra, name, feature=feature or _FEATURES[extra], reason=str(exc) or None) from exc
    return out
