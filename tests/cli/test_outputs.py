"""What each command prints, read back: the tables agree with the JSON, and the values are the expected ones.

The incident is a node S3 dying in the small hand-built network
(:mod:`tests._builders`): its two neighbours report their links to it down
and the NMS loses S3 and the two radio sites behind it.
"""

from __future__ import annotations

import json
import re
import runpy
import sys

import numpy as np
import pytest
from click.testing import CliRunner

import rca
from rca.cli import main
from rca.incident import RootCause, Truth, read_incident
from tests._builders import background, incident, small_network
from tests.test_report_tables import Page

NODE_DOWN_S3 = background() + [
    (2, "S2", "LINK_DOWN", "S2--S3"),
    (3, "A2", "LINK_DOWN", "A2--S3"),
    (95, "S3", "NE_COMM_LOST", None),
    (96, "B3", "NE_COMM_LOST", None),
    (97, "B4", "NE_COMM_LOST", None),
]
N_ALARMS = len(NODE_DOWN_S3)  # 15

ROW = re.compile(
    r"^\s+(\d+)\s+(\S+)\s+(node|link|site)\s+(\S+)\s+(\d\.\d\d)((?:  tied with rank [\d, ]+)?)$"
)


def write(folder, root=("S3", "node", "node_down"), rows=NODE_DOWN_S3):
    inc = incident(small_network(), rows, name=folder.name)
    inc.truth = Truth((RootCause(*root),))
    return inc.write(folder)


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


# --------------------------------------------------------------------- analyze
def test_analyze_table_is_the_json_ranking(tmp_path):
    folder = write(tmp_path / "inc1")
    data = json.loads(run("analyze", folder, "--json", "--max-candidates", "5").stdout)
    ties = {r: g for g in json.loads(run("analyze", folder, "--json").stdout)["ties"] for r in g}
    out = run("analyze", folder, "--top", "5")
    assert out.exit_code == 0, out.output
    lines = out.stdout.splitlines()
    assert re.fullmatch(rf"inc1: {N_ALARMS} alarms analysed in \d+ ms", lines[0])
    top = data["candidates"][0]
    assert data["confident"] is True
    assert lines[1] == f"  root cause: S3 (node_down), probability {top['score']:.2f}"
    assert lines[2].split() == ["rank", "entity", "kind", "fault", "prob"]
    rows = [ROW.match(line).groups() for line in lines if ROW.match(line)]

    def tie(rank):
        return (
            f"  tied with rank {', '.join(str(r) for r in ties[rank] if r != rank)}"
            if rank in ties
            else ""
        )

    expected = [
        (str(c["rank"]), c["entity"], c["kind"], c["fault"], f"{c['score']:.2f}", tie(c["rank"]))
        for c in data["candidates"]
    ]
    assert rows == expected
    # S3 and the site SITE3 it alone makes up explain the same alarms: tied, and said so on both rows
    assert rows[0][5] == "  tied with rank 2" and rows[1][1:] == (
        "SITE3",
        "site",
        "site_power",
        rows[1][4],
        "  tied with rank 1",
    )
    # the injected root ranks first
    assert rows[0][1:4] == ("S3", "node", "node_down")
    # each candidate's first two evidence paths, in its own block
    for c in data["candidates"]:
        for e in c["evidence"][:2]:
            assert f"        path: {' -> '.join(e['path'])}   ({e['why']})" in lines
    third = [e for c in data["candidates"] for e in c["evidence"][2:3]]
    assert (
        third and f"path: {' -> '.join(third[0]['path'])}   ({third[0]['why']})" not in out.stdout
    )


def test_analyze_top_limits_the_table_and_max_candidates_the_json(tmp_path):
    folder = write(tmp_path / "inc1")
    out = run("analyze", folder, "--top", "2")
    assert [ROW.match(line).group(1) for line in out.stdout.splitlines() if ROW.match(line)] == [
        "1",
        "2",
    ]
    data = json.loads(run("analyze", folder, "--json", "--max-candidates", "3").stdout)
    assert [c["rank"] for c in data["candidates"]] == [1, 2, 3]
    assert "seconds" not in data
    timed = json.loads(run("analyze", folder, "--json", "--timing").stdout)
    assert timed["seconds"] >= 0
    assert {k: v for k, v in timed.items() if k != "seconds"} == json.loads(
        run("analyze", folder, "--json").stdout
    )


def test_analyze_notes_validation_issues_in_the_table(tmp_path):
    folder = write(tmp_path / "inc1")
    with open(folder / "alarms.csv", "a") as fh:
        fh.write("not a time,S3,LOS,\n")
    out = run("analyze", folder)
    assert out.exit_code == 0, out.output
    n = len(read_incident(folder).report)
    assert n >= 1
    assert n == 2  # a row with fewer fields (repaired), a time that is no time (dropped)
    assert out.stdout.splitlines()[-1] == "  input: 2 validation issues; run with -v to see them"


def _label_ranks(label: str) -> list[int]:
    """The ranks of a table row's label: ``"3"``, ``"1-2"`` (a run) or ``"11, 15"`` (a tie apart)."""
    ranks: list[int] = []
    for part in label.split(", "):
        lo, _, hi = part.partition("-")
        ranks += range(int(lo), int(hi or lo) + 1)
    return ranks


def test_analyze_html_is_the_same_ranking(tmp_path):
    folder = write(tmp_path / "inc1")
    page_path = tmp_path / "out" / "r.html"
    out = run("analyze", folder, "--json", "--html", page_path)
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    page = Page(page_path.read_text(encoding="utf-8"))
    (table,) = page.sections["candidates"]["tables"]
    # one row per answer: candidates that are one answer in several names (tied) share a row, in rank order
    rows = [r[:5] for r in table["rows"]]
    assert rows[:2] == [
        [
            "1-2",
            "S3 true root, SITE3 tied: one answer in 2 names",
            "node",
            "node_down",
            f"{data['candidates'][0]['score']:.3f}",
        ],
        ["3", "A2", "node", "cpu_overload", f"{data['candidates'][2]['score']:.3f}"],
    ]
    by_rank = {c["rank"]: c for c in data["candidates"]}
    shown = []
    for label, names, kind, fault, score in rows:
        ranks = _label_ranks(label)
        shown += ranks
        first = by_rank[ranks[0]]
        assert (kind, fault, score) == (first["kind"], first["fault"], f"{first['score']:.3f}")
        listed = names.split(" tied: ")[0].replace(" true root", "").split(", ")
        assert listed == [by_rank[r]["entity"] for r in ranks]
        assert names.endswith(f" tied: one answer in {len(ranks)} names") == (len(ranks) > 1)
    # every candidate once; a tie apart (ranks 11 and 15) is listed at its first rank
    assert sorted(shown) == [c["rank"] for c in data["candidates"]]
    assert len(shown) == len(set(shown))
    assert all(any(set(g) <= set(_label_ranks(r[0])) for r in rows) for g in data["ties"])
    assert "true root cause (evaluation): S3 node node_down, ranked 1" in page.header()


def test_analyze_batch_json_and_jsonl_name_each_incident(tmp_path):
    write(tmp_path / "a")
    write(
        tmp_path / "b",
        root=("S1--S2", "link", "link_down"),
        rows=[(2, "S1", "LOS", "S1--S2"), (3, "S2", "LINK_DOWN", "S1--S2")],
    )
    listed = json.loads(run("analyze", tmp_path, "--json").stdout)
    assert [a["incident"] for a in listed] == ["a", "b"]
    assert (listed[0]["candidates"][0]["entity"], listed[1]["candidates"][0]["entity"]) == (
        "S3",
        "S1--S2",
    )
    lines = run("analyze", tmp_path, "--jsonl").stdout.splitlines()
    assert [json.loads(line) for line in lines] == listed
    # a report per incident, named after its folder
    assert run("analyze", tmp_path, "--html", tmp_path / "pages").exit_code == 0
    assert sorted(p.name for p in (tmp_path / "pages").iterdir()) == ["a.html", "b.html"]
    assert "<code>S1--S2</code>" in (tmp_path / "pages" / "b.html").read_text(encoding="utf-8")


# --------------------------------------------------------------------- evaluate
def test_evaluate_table_values_worked_out_by_hand(tmp_path):
    # the same alarms twice: once the truth is S3 (ranked 1), once the site SITE3 that S3 alone
    # makes up (tied with it, ranked 2); AC@1 = (1 + 0) / 2, AC@3 = 1, MRR = (1/1 + 1/2) / 2
    write(tmp_path / "node", root=("S3", "node", "node_down"))
    write(tmp_path / "site", root=("SITE3", "site", "site_power"))
    data = json.loads(run("evaluate", tmp_path, "--json", "--no-progress").stdout)
    assert [(i["incident"], i["ranks"]) for i in data["incidents"]] == [
        ("node", [1]),
        ("site", [2]),
    ]
    o = data["overall"]
    assert (o["n"], o["AC@1"], o["AC@3"], o["AC@5"], o["MRR"]) == (2, 0.5, 1.0, 1.0, 0.75)
    assert o["Avg@5"] == pytest.approx((0.5 + 1 + 1 + 1 + 1) / 5)
    assert o["AC@1_fault"] == 0.5
    assert (
        data["per_fault"]["site_power"]["AC@1"] == 0.0
        and data["per_fault"]["site_power"]["MRR"] == 0.5
    )
    assert data["per_fault"]["node_down"]["AC@1"] == 1.0
    # both incidents' rank-1 answer is S3 with one score s; ECE = 1/2 |1 - s| + 1/2 |0 - s| ... in one bin:
    s = {i["top_score"] for i in data["incidents"]}
    assert len(s) == 1
    assert o["ECE"] == pytest.approx(abs(0.5 - s.pop()))

    out = run("evaluate", tmp_path, "--no-progress")
    assert out.exit_code == 0, out.output
    lines = out.stdout.splitlines()
    header = lines[0].split()
    table = {line.split()[0]: dict(zip(header, line.split())) for line in lines[1:4]}
    assert list(table) == ["node_down", "site_power", "all"]
    for col in ("AC@1", "AC@3", "AC@5", "Avg@5", "MRR", "AC@1_fault", "ECE"):
        assert table["all"][col] == f"{o[col]:.3f}", col
    assert table["site_power"]["MRR"] == "0.500" and table["all"]["n"] == "2"


def test_evaluate_method_is_the_one_scored(tmp_path):
    write(tmp_path / "node")
    inc = read_incident(tmp_path / "node")
    data = json.loads(
        run("evaluate", tmp_path, "--json", "--no-progress", "--method", "gnn").stdout
    )
    assert data["method"] == "gnn"
    expected = rca.analyze(inc, method="gnn")
    assert data["incidents"][0]["top_score"] == pytest.approx(expected[0].score)
    assert data["incidents"][0]["ranks"] == [expected.rank_of("S3")]
    explain = json.loads(run("evaluate", tmp_path, "--json", "--no-progress").stdout)
    assert explain["incidents"][0]["top_score"] == pytest.approx(rca.analyze(inc)[0].score)
    assert explain["incidents"][0]["top_score"] != pytest.approx(expected[0].score)


# --------------------------------------------------------------------- discover
def _pcic(tmp_path, dag):
    """A simulated 3-type chain 0 -> 1 -> 2 (and 0 -> 2) in PCIC form, with ``dag`` as DAG.npy."""
    from rca.causal import simulate_hawkes_events

    frame, truth = simulate_hawkes_events(n_types=3, n_devices=4, random_state=0)
    assert sorted(truth) == [("A0", "A1"), ("A0", "A2"), ("A1", "A2")]
    (tmp_path / "Alarm.csv").write_text(
        "alarm_id,device_id,start_timestamp,end_timestamp\n"
        + "".join(
            f"{int(a[1:])},{int(d[1:])},{int(t)},{int(t) + 5}\n"
            for t, d, a in frame[["time", "device", "alarm_type"]].itertuples(index=False)
        )
    )
    np.save(tmp_path / "DAG.npy", np.array(dag))
    return tmp_path


TRUE_DAG = [[0, 1, 1], [0, 0, 1], [0, 0, 0]]


def test_discover_text_is_the_json_graph(tmp_path):
    folder = _pcic(tmp_path, TRUE_DAG)
    data = json.loads(run("discover", folder, "--json").stdout)
    assert {(e["cause"], e["effect"]) for e in data["edges"]} == {
        ("0", "1"),
        ("0", "2"),
        ("1", "2"),
    }
    out = run("discover", folder)
    assert out.exit_code == 0, out.output
    lines = out.stdout.splitlines()
    assert re.fullmatch(r"thp: 3 alarm types, 3 edges, \d+\.\d s", lines[0])
    assert lines[1:4] == [
        f"  {e['cause']} -> {e['effect']}  weight {e['weight']:.3g}  lag {e['lag_s']:.0f} s"
        for e in data["edges"]
    ]
    assert lines[4] == (
        "vs true graph: precision 1.000 recall 1.000 F1 1.000 SHD 0 g-score 1.000; "
        "direction ignored F1 1.000, on true pairs 1.000 point the true way"
    )


@pytest.mark.parametrize(
    ("method", "dag", "line"),
    [
        # 6 edges, 3 right: precision 3/6, recall 3/3, F1 2/3; every pair differs (both ways vs one): SHD 3;
        # g = max(0, 3 - 3) / 3; pairs all right; of the 6 edges on true pairs, 3 point the true way
        (
            "complete",
            TRUE_DAG,
            "precision 0.500 recall 1.000 F1 0.667 SHD 3 g-score 0.000; "
            "direction ignored F1 1.000, on true pairs 0.500 point the true way",
        ),
        (
            "empty",
            TRUE_DAG,
            "precision 0.000 recall 0.000 F1 0.000 SHD 3 g-score 0.000; "
            "direction ignored F1 0.000, on true pairs - point the true way",
        ),
        # thp finds 0->1, 0->2, 1->2 but the file says only 2->0: no edge right, all 3 pairs differ;
        # pairs: 1 of 3 predicted is true (precision 1/3, recall 1/1, F1 1/2); 0->2 points the wrong way
        (
            "thp",
            [[0, 0, 0], [0, 0, 0], [1, 0, 0]],
            "precision 0.000 recall 0.000 F1 0.000 SHD 3 g-score 0.000; "
            "direction ignored F1 0.500, on true pairs 0.000 point the true way",
        ),
    ],
    ids=["complete", "empty", "wrong-truth"],
)
def test_discover_scores_what_it_learned(tmp_path, method, dag, line):
    out = run("discover", _pcic(tmp_path, dag), "-m", method)
    assert out.exit_code == 0, out.output
    assert out.stdout.splitlines()[-1] == "vs true graph: " + line


def test_discover_out_file_is_the_graph(tmp_path):
    folder = _pcic(tmp_path, TRUE_DAG)
    data = json.loads(run("discover", folder, "--json", "--out", tmp_path / "g.json").stdout)
    saved = json.loads((tmp_path / "g.json").read_text())
    assert {(e["cause"], e["effect"]) for e in saved["edges"]} == {
        (e["cause"], e["effect"]) for e in data["edges"]
    }


# --------------------------------------------------------------------- simulate
def test_simulate_writes_what_it_was_asked_for(tmp_path):
    out = tmp_path / "sims"
    res = run(
        "simulate",
        out,
        "--n",
        "2",
        "--size",
        "small",
        "--seed",
        "5",
        "--fault",
        "link_down",
        "--roots",
        "1",
        "--no-progress",
    )
    assert res.exit_code == 0, res.output
    folders = sorted(out.iterdir())
    assert [f.name for f in folders] == ["incident-0001", "incident-0002"]
    for f in folders:
        inc = read_incident(f)
        roots = inc.truth.root_causes
        assert len(roots) == 1 and roots[0].fault == "link_down" and roots[0].kind == "link"
        assert roots[0].entity in inc.topology.link_ids
        assert len(inc.alarms) > 0
    again = tmp_path / "again"
    run(
        "simulate",
        again,
        "--n",
        "2",
        "--size",
        "small",
        "--seed",
        "5",
        "--fault",
        "link_down",
        "--no-progress",
    )
    for name in ("incident-0001", "incident-0002"):
        assert (again / name / "alarms.csv").read_text() == (out / name / "alarms.csv").read_text()


# --------------------------------------------------------------------- propagate
def test_propagate_table_is_the_json(tmp_path):
    folder = write(tmp_path / "inc")
    data = json.loads(run("propagate", folder, "--fault", "node_down:S3", "--json").stdout)
    out = run("propagate", folder, "--fault", "node_down:S3")
    assert out.exit_code == 0, out.output
    lines = out.stdout.splitlines()
    n = len(data["affected"])
    assert (
        lines[0]
        == f"node_down at S3: {n} element{'s' if n != 1 else ''} with symptom probability >= 0.5"
    )
    assert lines[1:] == [
        f"  {a['entity']:<28} p={a['probability']:.2f}  first alarm after ~{a['delay_s']:.0f} s"
        for a in data["affected"]
    ]
    short = run("propagate", folder, "--fault", "node_down:S3", "--top", "1").stdout.splitlines()
    assert len(short) == 3 and short[2] == f"  ... {n - 1} more (use --json for all)"


# --------------------------------------------------------------------- python -m rca
def test_python_m_rca_runs_the_cli_in_process(monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["rca", "--version"])
    with pytest.raises(SystemExit) as stop:
        runpy.run_module("rca", run_name="__main__")
    assert stop.value.code == 0
    assert capsys.readouterr().out.startswith("rca, version ")
