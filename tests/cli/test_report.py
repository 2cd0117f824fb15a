"""``rca report``: folders and long logs in, index + pages + JSON + CSV out; failures listed, never fatal."""

from __future__ import annotations

import csv
import html
import json
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from rca import AlarmLog, Incident
from rca.cli import main
from rca.datasets import make_incident
from tests.test_report import XSS, small_incident

HOSTILE = '<img src=x onerror="document.body.setAttribute(\'data-pwned\',1)"></script><b>x</b>'


def hostile_incident(name: str = "hostile") -> Incident:
    """The small incident with a hostile alarm message and alarm type."""
    inc = small_incident(name=name)
    frame = inc.alarms.to_frame().drop(columns=["line"])
    frame.loc[0, "message"] = HOSTILE
    frame.loc[2, "alarm_type"] = "</script><script>document.title='pwned'</script>"
    return Incident(inc.topology, AlarmLog.from_frame(frame, topology=inc.topology), truth=inc.truth, name=name)


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> Path:
    """Three incident folders: a twin incident, the hostile one, and a broken one."""
    root = tmp_path_factory.mktemp("batch")
    make_incident(size="small", fault="link_down", random_state=2).write(root / "twin")
    hostile_incident().write(root / "hostile")
    broken = root / "broken"
    small_incident().write(broken)
    (broken / "alarms.csv").write_text("when,who\n1,2\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def report(batch, tmp_path_factory) -> tuple[Path, object]:
    out = tmp_path_factory.mktemp("out") / "report"
    res = CliRunner().invoke(main, ["report", str(batch), "--out", str(out), "--jobs", "1", "--no-progress"])
    return out, res


def test_writes_index_pages_json_csv_and_one_plotly(report) -> None:
    out, res = report
    assert (out / "index.html").is_file() and (out / "results.json").is_file() and (out / "summary.csv").is_file()
    pages = sorted(p.name for p in (out / "incidents").iterdir())
    assert "hostile.html" in pages and any(p.startswith("twin") for p in pages)
    from plotly.offline import get_plotlyjs

    js = get_plotlyjs()
    assert (out / "assets" / "plotly.min.js").read_text(encoding="utf-8") == js
    for page in (out / "incidents").iterdir():
        text = page.read_text(encoding="utf-8")
        assert js[:200] not in text and '<script src="../assets/plotly.min.js"></script>' in text
        assert page.stat().st_size < 400_000


def test_one_failing_incident_is_listed_and_sets_the_exit_code(report) -> None:
    out, res = report
    assert res.exit_code == 1, res.output
    assert "error: broken:" in res.output and "timestamp" in res.output
    assert "failed" in res.output and "report: " in res.output
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'id="failed"' in index and "broken" in index.split('id="failed"')[1]
    rows = list(csv.DictReader((out / "summary.csv").open(encoding="utf-8")))
    broken = [r for r in rows if r["incident_id"] == "broken"]
    assert broken and "timestamp" in broken[0]["error"] and broken[0]["page"] == ""


def test_results_json_is_the_spec_answer_with_id_and_window(report) -> None:
    out, _ = report
    answers = json.loads((out / "results.json").read_text(encoding="utf-8"))
    ok = [a for a in answers if not a.get("error")]
    assert ok and all({"incident", "incident_id", "start", "end", "candidates", "confident"} <= set(a) for a in ok)
    for a in ok:
        assert a["start"] <= a["end"] and a["start"].endswith("Z")
        assert all(0.0 <= c["score"] <= 1.0 and c["evidence"] for c in a["candidates"])
    rows = list(csv.DictReader((out / "summary.csv").open(encoding="utf-8")))
    assert [r["incident_id"] for r in rows] == [a["incident_id"] for a in answers]   # one row per incident
    assert set(rows[0]) >= {"start", "top_entity", "fault", "probability", "confident", "n_alarms", "error"}


def test_hostile_alarm_text_is_escaped_everywhere(report) -> None:
    out, _ = report
    page = (out / "incidents" / "hostile.html").read_text(encoding="utf-8")
    index = (out / "index.html").read_text(encoding="utf-8")
    for text in (page, index):
        assert "<img src=x" not in text and "document.title='pwned'</script>" not in text
        assert XSS not in text
    # the payloads are in the figure data, escaped for plotly's hover text, and come back intact as text
    from tests.test_report import parse

    figures = [json.loads(body) for attrs, body in parse(page).scripts if "data-figure" in attrs]
    hovers = [html.unescape(h) for fig in figures for tr in fig["data"] for h in (tr.get("hovertext") or [])]
    assert any(HOSTILE in h for h in hovers)
    assert [t for t, _ in parse(page).tags if t in ("img", "svg")] == []


def test_folder_whose_log_holds_two_incidents_gives_two(tmp_path) -> None:
    day = _two_storm_day(tmp_path / "day")
    out = tmp_path / "r"
    res = CliRunner().invoke(main, ["report", str(day), "--out", str(out), "-j", "1", "--no-progress"])
    assert res.exit_code == 0, res.output
    answers = json.loads((out / "results.json").read_text())
    assert [a["incident_id"] for a in answers] == ["day-001", "day-002"]
    res = CliRunner().invoke(main, ["report", str(day), "--out", str(tmp_path / "whole"), "-j", "1",
                                    "--no-progress", "--no-segment"])
    assert res.exit_code == 0 and len(json.loads((tmp_path / "whole" / "results.json").read_text())) == 1


def test_long_log_with_topology_and_vendor_columns(tmp_path) -> None:
    day = _two_storm_day(tmp_path / "day")
    frame = pd.read_csv(day / "alarms.csv").rename(columns={"device": "NE_NAME", "alarm_type": "ALARM_NAME",
                                                            "timestamp": "RAISE_TIME"})
    log = tmp_path / "export.csv"
    frame.to_csv(log, index=False)
    out = tmp_path / "r"
    args = ["report", str(log), "--out", str(out), "--topology", f"{day / 'nodes.csv'},{day / 'links.csv'}",
            "-j", "1", "--no-progress"]
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 1 and "'timestamp'" in res.output and "--columns" in res.output
    res = CliRunner().invoke(main, args + ["--columns", "device=NE_NAME,alarm_type=ALARM_NAME,timestamp=RAISE_TIME"])
    assert res.exit_code == 0, res.output
    assert "cut into 2 incidents" in res.output
    assert len(json.loads((out / "results.json").read_text())) == 2
    res = CliRunner().invoke(main, ["report", str(log), "--out", str(tmp_path / "x")])
    assert res.exit_code == 1 and "--topology" in res.output


def test_dask_scheduler_runs_the_same_report(tmp_path) -> None:
    distributed = pytest.importorskip("distributed")
    day = _two_storm_day(tmp_path / "day")
    with distributed.LocalCluster(n_workers=1, processes=False, threads_per_worker=1,
                                  dashboard_address=None) as cluster:
        res = CliRunner().invoke(main, ["report", str(day), "--out", str(tmp_path / "r"), "--no-progress",
                                        "--scheduler", cluster.scheduler_address])
    assert res.exit_code == 0, res.output
    answers = json.loads((tmp_path / "r" / "results.json").read_text())
    assert [a["incident_id"] for a in answers] == ["day-001", "day-002"]
    assert len(list((tmp_path / "r" / "incidents").iterdir())) == 2


def test_scheduler_without_dask_names_the_extra(tmp_path, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)   # import fails as when not installed
    day = _two_storm_day(tmp_path / "day")
    res = CliRunner().invoke(main, ["report", str(day), "--out", str(tmp_path / "r"), "--scheduler", "tcp://x:1"])
    assert res.exit_code == 2 and "netrca[dask]" in res.output and "Traceback" not in res.output


def test_no_candidates_is_a_warning_and_a_failure_exit(tmp_path) -> None:
    inc = small_incident(name="strangers")
    frame = inc.alarms.to_frame().drop(columns=["line"]).assign(device="NOT-IN-TOPOLOGY", link_id=None)
    Incident(inc.topology, AlarmLog.from_frame(frame), name="strangers").write(tmp_path / "strangers")
    res = CliRunner().invoke(main, ["report", str(tmp_path / "strangers"), "--out", str(tmp_path / "r"),
                                    "--no-progress"])
    assert res.exit_code == 1 and "warning: strangers: no candidates" in res.output
    res = CliRunner().invoke(main, ["analyze", str(tmp_path / "strangers")])
    assert res.exit_code == 1 and "no candidates" in res.output


def _two_storm_day(folder: Path) -> Path:
    """An incident folder whose log holds two storms in two regions, hours apart."""
    from tests.test_segment import T0, cut, two_regions

    topo = two_regions()
    rows = cut(0, "A2", "A3") + [(300, "A4", "NE_COMM_LOST", "critical", None)] + \
        cut(3 * 3600, "B2", "B3") + [(3 * 3600 + 300, "B4", "NE_COMM_LOST", "critical", None)]
    frame = pd.DataFrame(rows, columns=["timestamp", "device", "alarm_type", "severity", "link_id"])
    frame["timestamp"] += T0
    Incident(topo, AlarmLog.from_frame(frame, topology=topo), name=folder.name).write(folder)
    return folder
