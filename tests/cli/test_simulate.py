"""``rca simulate``: says what it wrote, and where."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from rca.cli import main


@pytest.mark.parametrize(
    "n, line",
    [
        (2, "wrote 2 incident folders to {out} (incident-0001 .. incident-0002)"),
        (1, "wrote 1 incident folder to {out} (incident-0001)"),
        (0, "wrote 0 incident folders to {out}"),
    ],
)
def test_simulate_prints_one_line_when_done(tmp_path, n, line):
    out = tmp_path / "sims"
    res = CliRunner().invoke(
        main,
        ["simulate", str(out), "--n", str(n), "--size", "small", "--seed", "1", "--no-progress"],
    )
    assert res.exit_code == 0, res.output
    assert res.stdout == line.format(out=out) + "\n"
    assert len(list(out.iterdir())) == n
