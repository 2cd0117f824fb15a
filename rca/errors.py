"""The exception hierarchy of netrca.

Every error raised on bad input derives from :class:`InputError`, which is
also a :class:`ValueError`, and says what was expected, what was found and
where (file, line, column, node).
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "RCAError",
    "InputError",
    "SchemaError",
    "TopologyError",
    "UnknownEntityError",
    "ModelFileError",
    "NotFittedError",
    "MissingExtraError",
]


class RCAError(Exception):
    """Base class of every error raised by netrca."""


class InputError(RCAError, ValueError):
    """The input (a file, a frame, a graph) is malformed.

    Parameters
    ----------
    message : str
        What was expected and what was found.
    file : str or Path, optional
        The file at fault.
    line : int, optional
        The 1-based line number in ``file`` (the header is line 1).
    column : str, optional
        The column at fault.
    node : str, optional
        The node, link or site id at fault.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        line: int | None = None,
        column: str | None = None,
        node: str | None = None,
    ) -> None:
        self.file = str(file) if file is not None else None
        self.line = line
        self.column = column
        self.node = node
        self.reason = message
        super().__init__(self._format())

    def _format(self) -> str:
        where = []
        if self.file is not None:
            where.append(self.file if self.line is None else f"{self.file}:{self.line}")
        elif self.line is not None:
            where.append(f"line {self.line}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        if self.node is not None:
            where.append(f"node {self.node!r}")
        return f"{', '.join(where)}: {self.reason}" if where else self.reason


class SchemaError(InputError):
    """A table lacks a required column, or a column has the wrong type."""


class TopologyError(InputError):
    """The topology is inconsistent (duplicate ids, links to unknown nodes...)."""


class UnknownEntityError(InputError, KeyError):
    """A node, link or site id that the topology does not contain."""

    def __str__(self) -> str:  # KeyError would quote the message
        return self._format()


class ModelFileError(RCAError, ValueError):
    """A model file is corrupted, of another version, or not a model file."""


class NotFittedError(RCAError, AttributeError):
    """An estimator was used before :meth:`fit`."""


class MissingExtraError(RCAError, ImportError):
    """An optional dependency is not installed; the message names the extra that installs it.

    Raised by :func:`rca._extras.require`, which every lazy import of torch,
    torch-geometric, causal-learn and DoWhy goes through.

    Parameters
    ----------
    extra : str
        The extra to install (``"gnn"``, ``"causal"``).
    module : str
        The module that failed to import.
    feature : str
        What needs it, as the message names it.
    reason : str, optional
        The original import error's text.

    Examples
    --------
    >>> str(MissingExtraError("gnn", "torch", feature="rca.gnn"))
    "rca.gnn needs the 'gnn' extra: pip install 'netrca[gnn]' (cannot import torch)"
    """

    def __init__(self, extra: str, module: str, *, feature: str, reason: str | None = None) -> None:
        self.extra = extra
        super().__init__(
            f"{feature} needs the '{extra}' extra: pip install 'netrca[{extra}]' "
            f"({reason or f'cannot import {module}'})",
            name=module,
        )
