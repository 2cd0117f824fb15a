"""``python -m rca`` runs the command line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_python_m_rca_help():
    out = subprocess.run(
        [sys.executable, "-m", "rca", "--help"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("Usage: python -m rca [OPTIONS] COMMAND [ARGS]...")
    for command in ("analyze", "demo", "discover", "evaluate", "simulate"):
        assert f"\n  {command} " in out.stdout
    assert out.stderr == ""
