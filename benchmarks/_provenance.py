"""What a benchmark's JSON records about the run: netrca's version, the git commit, the command."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import rca


def git_commit(*, short: bool = True) -> str | None:
    """The checkout's HEAD commit (abbreviated unless ``short=False``), or None outside git."""
    try:
        out = subprocess.run(
            ["git", "rev-parse", *(["--short"] if short else []), "HEAD"],
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
            cwd=Path(__file__).parent,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return out or None


def provenance(argv: list[str] | None = None) -> dict[str, str | None]:
    """``{"netrca": version, "commit": HEAD or None, "command": the command line}``."""
    commit = git_commit()
    args = sys.argv if argv is None else argv
    command = " ".join(["python", f"benchmarks/{Path(args[0]).name}", *args[1:]])
    return {"netrca": rca.__version__, "commit": commit, "command": command}
