"""``rca demo``: simulate, analyse, print, write the report."""

from __future__ import annotations

import dataclasses
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
    res = runner.invoke(
        main, ["demo", "--json", "--out", str(out), "--fault", "link_down", "--seed", "1"]
    )
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
    result = RCAResult(
        "small",
        (
            Candidate(
                1,
                evil,
                "node",
                0.5,
                "node_down",
                "why \x1b[31mred",
                (Evidence((evil, "B1"), "B1 \x1b]0;title\x07 lost"),),
            ),
        ),
        0.1,
    )
    monkeypatch.setattr(_demo, "_simulate", lambda **kw: small_incident())
    monkeypatch.setattr(_demo, "_analyze", lambda incident: result)
    res = runner.invoke(main, ["demo", "--out", str(tmp_path / "r.html")])
    assert res.exit_code == 0, res.output
    assert "\x1b" not in res.output and "\x07" not in res.output
    assert "A1\\x1b[2J\\x07" in res.output
    assert "True root cause: A1 (node, node_down) -> not among the candidates" in res.output


def test_demo_without_out_writes_to_the_temporary_folder(
    runner: CliRunner, tmp_path, monkeypatch
) -> None:
    import tempfile

    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    res = runner.invoke(main, ["demo", "--seed", "7"])
    assert res.exit_code == 0, res.output
    assert list(cwd.iterdir()) == []  # nothing left in the current folder
    assert (temp / "rca-demo.html").is_file()
    assert f"Report: {(temp / 'rca-demo.html').resolve()}" in res.output


def _one_root_incident(fault: str | None):
    from rca.incident import RootCause, Truth

    inc = small_incident()
    return dataclasses.replace(inc, truth=Truth((RootCause("A1", "node", fault),)))


def _ranked(fault: str, entity: str = "A1", kind: str = "node") -> RCAResult:
    return RCAResult(
        "small", (Candidate(1, entity, kind, 0.9, fault, "why", (Evidence((entity,), "it"),)),), 0.1
    )


@pytest.mark.parametrize(
    "true_fault, named, verdict, mark",
    [
        # a card failure named node_down: the entity is right, the fault is not
        (
            "card_failure",
            "node_down",
            "entity at rank 1; fault wrong (named node_down)",
            "<- true root's entity, but the fault is card_failure",
        ),
        (
            "node_reboot",
            "node_down",
            "entity at rank 1; fault right (node_down, the same family)",
            "<- true root",
        ),
        ("node_down", "node_down", "entity at rank 1; fault right", "<- true root"),
    ],
)
def test_demo_compares_entity_and_fault_family(
    runner, tmp_path, monkeypatch, true_fault, named, verdict, mark
):
    monkeypatch.setattr(_demo, "_simulate", lambda **kw: _one_root_incident(true_fault))
    monkeypatch.setattr(_demo, "_analyze", lambda incident: _ranked(named))
    res = runner.invoke(main, ["demo", "--out", str(tmp_path / "r.html")])
    assert res.exit_code == 0, res.output
    assert f"True root cause: A1 (node, {true_fault}) -> {verdict}\n" in res.output
    row = next(line for line in res.output.splitlines() if line.strip().startswith("1  A1"))
    assert row.endswith(mark)


def test_demo_matches_a_link_root_written_the_other_way_round():
    from rca.incident import RootCause

    root = RootCause("R2--R1", "link", "fiber_cut")
    assert _demo._candidate_of(_ranked("link_down", "R1--R2", "link"), root).rank == 1
    assert _demo._verdict(_ranked("link_down", "R1--R2", "link").candidates[0], root) == (
        "entity at rank 1; fault right (link_down, the same family)"
    )


def test_demo_counts_read_in_the_singular(runner, tmp_path, monkeypatch):
    monkeypatch.setattr(_demo, "_simulate", lambda **kw: _one_root_incident("node_down"))
    monkeypatch.setattr(_demo, "_analyze", lambda incident: _ranked("node_down"))
    res = runner.invoke(main, ["demo", "--out", str(tmp_path / "r.html")])
    assert "8 elements, 7 links, 5 alarms from " in res.output
    assert "Top 1 of 1 candidate (" in res.output
