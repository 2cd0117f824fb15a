"""Validation reports: what a reader skipped or repaired, and why.

Readers never drop input silently. Recoverable problems (a duplicate row, an
alarm from an unknown device, rows out of order) are recorded here, logged,
and kept on the object that was read.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field

import pandas as pd

__all__ = ["ValidationIssue", "ValidationReport"]


@dataclass(frozen=True)
class ValidationIssue:
    """One kind of problem found in one file.

    Attributes
    ----------
    kind : str
        Short machine-readable code, e.g. ``"duplicate_row"``.
    message : str
        What was found and what was done about it.
    file : str or None
        The file the problem is in.
    lines : tuple of int
        1-based line numbers (the header is line 1), at most 20 kept.
    count : int
        How many rows or items are affected.
    action : str
        ``"kept"``, ``"dropped"``, ``"repaired"`` or ``"reordered"``.
    """

    kind: str
    message: str
    file: str | None = None
    lines: tuple[int, ...] = ()
    count: int = 1
    action: str = "kept"

    def __str__(self) -> str:
        where = self.file or ""
        if self.lines:
            shown = ", ".join(str(n) for n in self.lines[:5])
            more = "" if len(self.lines) <= 5 else f", ... ({self.count} in all)"
            where += f" line{'s' if len(self.lines) > 1 else ''} {shown}{more}"
        prefix = f"{where}: " if where else ""
        return f"{prefix}{self.message} [{self.kind}, {self.count} {self.action}]"


@dataclass
class ValidationReport:
    """A list of :class:`ValidationIssue`, with helpers to read it."""

    issues: list[ValidationIssue] = field(default_factory=list)

    def add(
        self,
        kind: str,
        message: str,
        *,
        file: str | None = None,
        lines: list[int] | tuple[int, ...] = (),
        count: int | None = None,
        action: str = "kept",
        logger: logging.Logger | None = None,
        level: int = logging.WARNING,
    ) -> ValidationIssue:
        """Record an issue and log it (a warning unless ``level`` says otherwise)."""
        lines = tuple(int(n) for n in list(lines)[:20])
        issue = ValidationIssue(
            kind=kind,
            message=message,
            file=file,
            lines=lines,
            count=count if count is not None else max(1, len(lines)),
            action=action,
        )
        self.issues.append(issue)
        (logger or logging.getLogger(__name__)).log(level, "%s", issue)
        return issue

    def extend(self, other: ValidationReport) -> None:
        """Append the issues of another report."""
        self.issues.extend(other.issues)

    def __iter__(self) -> Iterator[ValidationIssue]:
        return iter(self.issues)

    def __len__(self) -> int:
        return len(self.issues)

    def __bool__(self) -> bool:
        return bool(self.issues)

    def kinds(self) -> set[str]:
        """The set of issue kinds present."""
        return {i.kind for i in self.issues}

    def by_kind(self, kind: str) -> list[ValidationIssue]:
        """The issues of one kind."""
        return [i for i in self.issues if i.kind == kind]

    def to_frame(self) -> pd.DataFrame:
        """One row per issue."""
        return pd.DataFrame(
            [
                {
                    "kind": i.kind,
                    "file": i.file,
                    "lines": list(i.lines),
                    "count": i.count,
                    "action": i.action,
                    "message": i.message,
                }
                for i in self.issues
            ],
            columns=["kind", "file", "lines", "count", "action", "message"],
        )

    def __str__(self) -> str:
        if not self.issues:
            return "no issues"
        return "\n".join(str(i) for i in self.issues)
