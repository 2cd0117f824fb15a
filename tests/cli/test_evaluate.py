"""``rca evaluate`` on tiny incident folders written by hand."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

import rca.analysis
from rca.analysis import METHODS
from rca.cli import main

# A ring G-A-B-C-G (G is the NMS gateway) with a base station D behind B.
NODES = """node_id,node_type,layer,gateway
G,core_router,core,true
A,agg_router,aggregation,false
B,access_switch,access,false
C,agg_router,aggregation,false
D,base_station,ran,false
"""
LINKS = """source,target,link_type
G,A,fiber
A,B,fiber
B,C,fiber
C,G,fiber
B,D,fiber
"""
# B dies: both its neighbours report their link to it down, the NMS loses B and D behind it.
B_DOWN = """timestamp,device,alarm_type,link_id
2026-03-01T10:00:02Z,A,LINK_DOWN,A--B
2026-03-01T10:00:03Z,C,LINK_DOWN,B--C
2026-03-01T10:01:35Z,B,NE_COMM_LOST,
2026-03-01T10:01:36Z,D,NE_COMM_LOST,
"""
TRUTH_B = {
    "root_causes": [
        {"entity": "B", "kind": "node", "fault": "node_down", "time": "2026-03-01T10:00:00Z"}
    ]
}

COLUMNS = [
    "fault",
    "n",
    "AC@1",
    "AC@3",
    "AC@5",
    "Avg@5",
    "MRR",
    "AC@1_fault",
    "ECE",
    "median_ms",
    "p95_ms",
]


def write_folder(root, name, alarms=B_DOWN, truth=TRUTH_B):
    folder = root / name
    folder.mkdir()
    (folder / "nodes.csv").write_text(NODES)
    (folder / "links.csv").write_text(LINKS)
    if isinstance(alarms, bytes):
        (folder / "alarms.csv").write_bytes(alarms)
    else:
        (folder / "alarms.csv").write_text(alarms)
    (folder / "truth.json").write_text(json.dumps(truth))
    return folder


def evaluate(*args):
    return CliRunner().invoke(main, ["evaluate", *map(str, args), "--no-progress"])


def test_table_has_every_column_and_the_count_line(tmp_path):
    write_folder(tmp_path, "one")
    write_folder(
        tmp_path,
        "two",
        truth={"root_causes": [{"entity": "B", "kind": "node", "fault": "node_reboot"}]},
    )
    out = evaluate(tmp_path)
    assert out.exit_code == 0, out.output
    lines = out.stdout.splitlines()
    assert lines[0].split() == COLUMNS
    all_row = next(line.split() for line in lines if line.split()[:1] == ["all"])
    assert all_row[1:4] == ["2", "1.000", "1.000"]  # n, AC@1, AC@3: the dead node ranks first
    assert all_row[COLUMNS.index("AC@1_fault")] == "1.000"  # node_down answers a reboot's family
    title = lines.index("reliability of the rank-1 scores (bins with answers):")
    assert lines[title + 1].split() == ["bin_low", "bin_high", "n", "mean_score", "accuracy"]
    assert lines[-1] == "2 analysed, 0 failed"


@pytest.mark.parametrize(
    ("alarms", "error"),
    [
        (b"timestamp,device,alarm_type\n2026-03-01T10:00:02Z,A\xff\xfe,LINK_DOWN\n", "UTF-8"),
        ("timestamp,alarm_type\n2026-03-01T10:00:02Z,LINK_DOWN\n", "device"),
    ],
    ids=["not-utf8", "no-device-column"],
)
def test_broken_folder_is_a_failed_miss(tmp_path, alarms, error):
    write_folder(tmp_path, "a_good")
    write_folder(tmp_path, "b_broken", alarms=alarms)
    write_folder(tmp_path, "c_good")
    out = evaluate(tmp_path)
    assert out.exit_code == 1, out.output
    lines = out.stdout.splitlines()
    all_row = next(line.split() for line in lines if line.split()[:1] == ["all"])
    assert all_row[1:3] == ["3", "0.667"]  # n counts the failure; AC@1 = (1 + 0 + 1) / 3
    assert lines[-1] == "3 analysed, 1 failed"
    failed = [line for line in out.stderr.splitlines() if line.startswith("failed: ")]
    assert len(failed) == 1 and failed[0].startswith("failed: b_broken: ") and error in failed[0]

    out = evaluate(tmp_path, "--json")
    assert out.exit_code == 1
    data = json.loads(out.stdout)
    assert data["overall"]["n"] == 3 and data["overall"]["AC@1"] == pytest.approx(2 / 3)
    assert [f["incident"] for f in data["failures"]] == ["b_broken"]
    broken = next(i for i in data["incidents"] if i["incident"] == "b_broken")
    assert (
        broken["ranks"] == [None] and broken["fault"] == "node_down"
    )  # its truth.json was still read


def test_any_exception_while_ranking_is_that_incidents_failure(tmp_path, monkeypatch):
    write_folder(tmp_path, "fine")
    write_folder(tmp_path, "crash")
    real = rca.analysis.analyze

    def flaky(incident, **kwargs):
        if incident.name == "crash":
            raise ZeroDivisionError("boom")
        return real(incident, **kwargs)

    monkeypatch.setattr(rca.analysis, "analyze", flaky)
    out = evaluate(tmp_path)
    assert out.exit_code == 1, out.output
    assert "failed: crash: ZeroDivisionError: boom" in out.stderr
    assert out.stdout.splitlines()[-1] == "2 analysed, 1 failed"


def test_bogus_method_is_a_usage_error(tmp_path):
    write_folder(tmp_path, "one")
    out = evaluate(tmp_path, "--method", "bogus")
    assert out.exit_code == 2
    assert "Traceback" not in out.output
    assert "bogus" in out.output
    for name in METHODS:
        assert name in out.output


def test_json_values(tmp_path):
    write_folder(tmp_path, "one")
    write_folder(tmp_path, "two")
    out = evaluate(tmp_path, "--json")
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert data["method"] == "explain"
    o = data["overall"]
    assert o["n"] == 2
    assert o["AC@1"] == 1.0 and o["MRR"] == 1.0 and o["AC@1_fault"] == 1.0
    assert set(data["per_fault"]) == {"node_down"}
    assert all(i["top_hit"] and i["ranks"] == [1] for i in data["incidents"])
    # the same incident twice: one rank-1 score s, both right, so one bin of 2 and ECE = |1 - s|
    s1, s2 = (i["top_score"] for i in data["incidents"])
    assert s1 == s2 and 0 <= s1 <= 1
    assert o["ECE"] == pytest.approx(abs(1.0 - s1))
    rel = [r for r in data["reliability"] if r["n"] > 0]
    assert len(rel) == 1 and rel[0]["n"] == 2 and rel[0]["accuracy"] == 1.0
    assert rel[0]["bin_low"] <= s1 <= rel[0]["bin_high"]
    c = data["confident"]
    assert c["n_confident"] + c["n_not_confident"] == 2
    assert data["failures"] == []
