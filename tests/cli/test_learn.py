"""``rca learn`` writes readable knowledge; ``rca analyze --knowledge`` cites its chains."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from rca.cli import main
from tests._builders import incident, small_network


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    out = tmp_path_factory.mktemp("hist") / "hist"
    res = CliRunner().invoke(
        main, ["simulate", str(out), "--n", "12", "--size", "small", "--seed", "1", "--no-progress"]
    )
    assert res.exit_code == 0, res.output
    return out


@pytest.fixture(scope="module")
def knowledge(history, tmp_path_factory):
    path = tmp_path_factory.mktemp("k") / "knowledge.json"
    res = CliRunner().invoke(main, ["learn", str(history), "--out", str(path)])
    assert res.exit_code == 0, res.output
    assert "from 12 incidents" in res.output and str(path) in res.output
    return path


def test_learn_writes_readable_json_with_provenance(knowledge, history):
    data = json.loads(knowledge.read_text())
    assert data["format"] == "netrca.causal-graph" and data["method"] == "thp"
    assert data["edges"] and {"cause", "effect", "weight", "lag_s"} <= set(data["edges"][0])
    assert data["knowledge"]["source"] == str(history)
    assert data["knowledge"]["n_incidents"] == 12 and data["knowledge"]["n_alarms"] > 100
    assert ("LOS", "LINK_DOWN") in {(e["cause"], e["effect"]) for e in data["edges"]}


def test_learn_takes_an_operators_prior(history, tmp_path):
    prior = tmp_path / "prior.csv"
    prior.write_text("cause,effect,edge\nLOS,LINK_DOWN,0\nNOT_IN_THIS_LOG,LOS,1\n")
    path = tmp_path / "k.json"
    res = CliRunner().invoke(
        main, ["learn", str(history), "--out", str(path), "--prior", str(prior)]
    )
    assert res.exit_code == 0, res.output
    data = json.loads(path.read_text())
    assert ("LOS", "LINK_DOWN") not in {(e["cause"], e["effect"]) for e in data["edges"]}
    assert data["params"]["forbidden"] == [["LOS", "LINK_DOWN"]]


def test_analyze_with_knowledge_adds_causal_evidence(knowledge, tmp_path):
    out = tmp_path / "held"
    res = CliRunner().invoke(
        main, ["simulate", str(out), "--n", "3", "--size", "small", "--seed", "99", "--no-progress"]
    )
    assert res.exit_code == 0, res.output
    plain = CliRunner().invoke(main, ["analyze", str(out), "--json"])
    res = CliRunner().invoke(main, ["analyze", str(out), "--json", "--knowledge", str(knowledge)])
    assert res.exit_code == 0, res.output
    answers = json.loads(res.output)
    # the same candidates with the same scores; equal scores may be reordered by chain support
    for a, p in zip(answers, json.loads(plain.output)):
        assert [c["score"] for c in a["candidates"]] == [c["score"] for c in p["candidates"]]
        assert sorted(c["entity"] for c in a["candidates"]) == sorted(
            c["entity"] for c in p["candidates"]
        )
    causal = [
        e
        for a in answers
        for c in a["candidates"]
        for e in c["evidence"]
        if e["source"] == "causal"
    ]
    assert causal, "no candidate gained a causal chain"
    for ev in causal:
        assert (
            all(":" in step for step in ev["path"][1:]) and len(ev["alarms"]) == len(ev["path"]) - 1
        )
        assert ev["why"].startswith("causal chain ")


def test_analyze_table_shows_the_chain(knowledge, tmp_path):
    rows = [
        (0, "S2", "LOS", "S1--S2"),
        (1, "S1", "LOS", "S1--S2"),
        (2, "S1", "LINK_DOWN", "S1--S2"),
        (2.5, "S2", "LINK_DOWN", "S1--S2"),
    ]
    folder = incident(small_network(), rows).write(tmp_path / "inc")
    res = CliRunner().invoke(main, ["analyze", str(folder), "--knowledge", str(knowledge)])
    assert res.exit_code == 0, res.output
    assert ":LOS -> " in res.output and "causal chain LOS on " in res.output


@pytest.mark.parametrize(
    "content", ["{broken", "[]", '{"nodes": ["A"], "edges": [{"cause": "A", "effect": "Z"}]}']
)
def test_malformed_knowledge_fails_clearly(tmp_path, content):
    folder = incident(small_network(), [(0, "S2", "LOS", "S1--S2")]).write(tmp_path / "inc")
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    res = CliRunner().invoke(main, ["analyze", str(folder), "--knowledge", str(bad)])
    assert res.exit_code != 0
    assert "bad.json" in res.output and "Traceback" not in res.output


def test_learn_from_an_alarms_csv_with_topology(tmp_path):
    rows = []
    for k in range(40):  # a fibre flapping: LOS then LINK_DOWN on the far end, again and again
        rows += [
            (600 * k, "S2", "LOS", "S1--S2"),
            (600 * k + 2, "S1", "LINK_DOWN", "S1--S2"),
            (600 * k + 300, "A2", "HIGH_CPU", None),
        ]
    folder = incident(small_network(), rows).write(tmp_path / "log")
    out = tmp_path / "k.json"
    res = CliRunner().invoke(
        main, ["learn", str(folder / "alarms.csv"), "--topology", str(folder), "--out", str(out)]
    )
    assert res.exit_code == 0, res.output
    edges = {(e["cause"], e["effect"]) for e in json.loads(out.read_text())["edges"]}
    assert ("LOS", "LINK_DOWN") in edges and ("HIGH_CPU", "LOS") not in edges


def test_learn_reports_bad_history(tmp_path):
    res = CliRunner().invoke(main, ["learn", str(tmp_path), "--out", str(tmp_path / "k.json")])
    assert res.exit_code != 0
    assert "no Alarm.csv, alarms.csv or incident folders" in res.output
    assert not (tmp_path / "k.json").exists()


def test_learn_prints_the_edges_it_wrote(history, tmp_path):
    path = tmp_path / "k.json"
    res = CliRunner().invoke(main, ["learn", str(history), "--out", str(path)])
    assert res.exit_code == 0, res.output
    data = json.loads(path.read_text())
    lines = res.stdout.splitlines()
    n_types, n_edges = len(data["nodes"]), len(data["edges"])
    assert lines[0].startswith(
        f"thp: {data['knowledge']['n_alarms']} alarms from 12 incidents, {n_types} alarm types, "
        f"{n_edges} causal edges in "
    )
    assert lines[0].endswith(f" s; wrote {path}")
    shown = [
        f"  {e['cause']} -> {e['effect']}  weight {e['weight']:.3g}"
        + ("" if e["lag_s"] is None else f"  lag {e['lag_s']:.0f} s")
        for e in data["edges"][:10]
    ]
    assert lines[1 : 1 + min(10, n_edges)] == shown
    if n_edges > 10:
        assert lines[-1] == f"  ... and {n_edges - 10} more"
