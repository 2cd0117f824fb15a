"""Helpers shared by the CLI commands."""

from __future__ import annotations

from pathlib import Path

import click

from .._text import terminal_safe as _safe
from ..result import RCAResult

#: ``--knowledge``, as analyze, report and watch take it.
knowledge_option = click.option(
    "--knowledge",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="A learned alarm causal graph (rca learn): adds root-cause chains to the evidence "
    "and orders equally scored candidates by them.",
)


def fail(exc: Exception) -> None:
    """Turn a library error into a clean CLI error (exit code 2).

    The message can quote untrusted text (ids, alarm types): terminal control
    sequences in it are shown escaped, never sent to the terminal.
    """
    raise click.ClickException(_safe(str(exc))) from exc


def incident_folders(path: Path) -> list[Path]:
    """``path`` itself when it is an incident folder, else its incident subfolders (sorted)."""
    if (path / "alarms.csv").exists():
        return [path]
    return sorted(p.parent for p in path.glob("*/alarms.csv"))


def skipped_folders(path: Path) -> list[Path]:
    """Subfolders of a batch folder that hold no ``alarms.csv`` (hidden ones aside), sorted.

    A batch reports them rather than skip them without a word.
    """
    if (path / "alarms.csv").exists():
        return []
    return sorted(
        p
        for p in path.iterdir()
        if p.is_dir() and not p.name.startswith(".") and not (p / "alarms.csv").exists()
    )


def format_result(result: RCAResult, *, top: int = 5, paths: int = 2) -> str:
    """A readable table of the top candidates with their evidence."""
    # ids and reasons carry untrusted alarm text: no terminal control sequences
    lines = [
        f"{_safe(result.incident)}: {result.n_alarms} alarms analysed in {result.seconds * 1000:.0f} ms"
    ]
    if not result.candidates:
        lines.append("  no candidates: " + "; ".join(result.notes))
        return "\n".join(lines)
    tied = {r: g for g in result.ties for r in g}
    first = result.candidates[0]
    if result.confident:
        lines.append(
            f"  root cause: {_safe(first.entity)} ({first.fault}), probability {first.score:.2f}"
        )
    else:
        lines.append(
            f"  no confident root: the likeliest, {_safe(first.entity)} ({first.fault}), "
            f"has probability {first.score:.2f}"
        )
    lines.append(f"  {'rank':>4}  {'entity':<22} {'kind':<5} {'fault':<13} {'prob':>5}")
    for c in result.candidates[:top]:
        tie = (
            f"  tied with rank {', '.join(str(r) for r in tied[c.rank] if r != c.rank)}"
            if c.rank in tied
            else ""
        )
        lines.append(
            f"  {c.rank:>4}  {_safe(c.entity):<22} {c.kind:<5} {c.fault:<13} {c.score:>5.2f}{tie}"
        )
        lines.append(f"        why: {_safe(c.reason)}")
        for e in c.evidence[:paths]:
            lines.append(f"        path: {_safe(' -> '.join(e.path))}   ({_safe(e.why)})")
    for note in result.notes:
        lines.append(f"  note: {_safe(note)}")
    return "\n".join(lines)


__all__ = ["fail", "format_result", "incident_folders", "skipped_folders"]
