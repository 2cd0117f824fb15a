"""The registry of discovery methods by name, and the default one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rca.errors import InputError

from ._base import CausalDiscovery
from ._causallearn import BaselineGraph, CausalLearnDiscovery
from ._granger import GrangerDiscovery
from ._hawkes import TopologicalHawkes
from ._multiscale import MultiScaleHawkes

__all__ = ["DEFAULT_METHOD", "METHODS", "make_method"]

#: the method used when none is named
DEFAULT_METHOD = "thp"

METHODS: dict[str, Callable[..., CausalDiscovery]] = {
    "thp": TopologicalHawkes,
    "mshawkes": MultiScaleHawkes,
    "granger": GrangerDiscovery,
    "pc": lambda **kw: CausalLearnDiscovery(algorithm="pc", **kw),
    "fci": lambda **kw: CausalLearnDiscovery(algorithm="fci", **kw),
    "ges": lambda **kw: CausalLearnDiscovery(algorithm="ges", **kw),
    "empty": lambda **kw: BaselineGraph(kind="empty", **kw),
    "complete": lambda **kw: BaselineGraph(kind="complete", **kw),
    "random": lambda **kw: BaselineGraph(kind="random", **kw),
}


def make_method(name: str = DEFAULT_METHOD, **params: Any) -> CausalDiscovery:
    """A discovery estimator by name (``thp``, ``mshawkes``, ``granger``, ``pc``, ``fci``, ``ges``, baselines)."""
    key = str(name).lower()
    if key not in METHODS:
        raise InputError(f"unknown method {name!r}; choose one of {sorted(METHODS)}")
    return METHODS[key](**params)
