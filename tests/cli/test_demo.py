"""``rca demo``: simulate, analyse, print, write the report."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from rca.cli import _demo, main
from rca.result import Candidate, Evidence, RCAResult
from tests.test_report import small_incident


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_demo_end_to_end(runner: CliRunner, tmp_path) -> None:
    out = tmp_path / "demo.html"
    res = runner.invoke(main, ["demo", "--out", str(out), "--seed", "7", "--size", "small"])
    assert res.exit_code == 0, res.output
    assert "True root cause: " in res.output and "Top 5 of " in res.output
    assert "path: " in res.output and "why: " in res.output
    assert f"Report: {out.resolve()}" in res.output
    page = out.read_text(encoding="utf-8")
    top = res.output.split("score\n")[1].split()[1]  # first entity of the table
    assert f"<code>{top}</code>" in page and '<script src="http' not in page


def test_demo_json(runner: CliRunner, tmp_path) -> None:
    out = tmp_path / "d.html"
    res = runner.invoke(main, ["demo", "--json", "--out", str(out), "--fault", "link_down", "--seed", "1"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["truth"][0]["kind"] == "link" and data["truth"][0]["fault"] == "link_down"
    assert data["candidates"] and all(c["evidence"] for c in data["candidates"])
    assert data["report"] == str(out.resolve()) and out.exists()


def test_demo_bad_fault_is_a_clean_error(runner: CliRunner, tmp_path) -> None:
    res = runner.invoke(main, ["demo", "--fault", "bogus", "--out", str(tmp_path / "x.html")])
    assert res.exit_code != 0
    assert "bogus" in res.output and "Traceback" not in res.output
    assert not (tmp_path / "x.html").exists()


def test_demo_output_is_terminal_safe(runner: CliRunner, tmp_path, monkeypatch) -> None:
    evil = "A1\x1b[2J\x07"
    result = RCAResult("small", (Candidate(1, evil, "node", 0.5, "node_down", "why \x1b[31mred",
                                           (Evidence((evil, "B1"), "B1 \x1b]0;title\x07 lost"),)),), 0.1)
    monkeypatch.setattr(_demo, "_simulate", lambda **kw: small_incident())
    monkeypatch.setattr(_demo, "_analyze", lambda incident: result)
    res = runner.invoke(main, ["demo", "--out", str(tmp_path / "r.html")])
    assert res.exit_code == 0, res.output
    assert "\x1b" not in res.output and "\x07" not in res.output
    assert "A1\\x1b[2J\\x07" in res.output
    assert "True root cause: A1 (node, node_down) -> not among the candidates" in res.output
