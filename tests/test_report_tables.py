"""What the HTML report says, read back cell by cell: the candidates table, the truth line, the issues.

The page is parsed the way a browser reads it (the tables' cells as text),
and every expected value is written out here.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pandas as pd
import pytest

from rca import AlarmLog, Incident, RootCause, Topology, Truth
from rca.report import render_report, write_report
from rca.result import Candidate, Evidence, EvidenceAlarm, RCAResult

T0 = 1772359200.0  # 2026-03-01T10:00:00Z


class Page(HTMLParser):
    """The page's sections: their text, their tables (header and rows of cell texts), row classes."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.sections: dict[str, dict] = {}
        self.header_text = ""
        self._section: str | None = None
        self._in_header = False
        self._cell: list[str] | None = None
        self._row: dict | None = None
        self._skip = 0
        self.feed(text)
        self.close()

    _BLOCKS = frozenset(
        {"div", "p", "li", "ul", "h1", "h2", "section", "header", "table", "tr", "td", "th"}
    )

    def _gap(self, tag: str) -> None:
        """A block element separates words, as a browser shows it."""
        if tag in self._BLOCKS and not self._skip:
            self.handle_data(" ")

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        self._gap(tag)
        if tag in ("script", "style"):
            self._skip += 1
        elif tag == "header":
            self._in_header = True
        elif tag == "section" and a.get("id"):
            self._section = a["id"]
            self.sections[self._section] = {"text": "", "tables": []}
        elif tag == "table" and self._section:
            self.sections[self._section]["tables"].append({"header": [], "rows": [], "classes": []})
        elif tag == "tr" and self._section:
            self._row = {"cells": [], "class": (a.get("class") or "").split()}
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        self._gap(tag)
        if tag in ("script", "style"):
            self._skip -= 1
        elif tag == "header":
            self._in_header = False
        elif tag == "section":
            self._section = None
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row["cells"].append((tag, " ".join("".join(self._cell).split())))
            self._cell = None
        elif tag == "tr" and self._row is not None and self._section:
            table = self.sections[self._section]["tables"][-1]
            cells = self._row["cells"]
            if cells and all(t == "th" for t, _ in cells):
                table["header"] = [c for _, c in cells]
            else:
                table["rows"].append([c for _, c in cells])
                table["classes"].append(self._row["class"])
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._cell is not None:
            self._cell.append(data)
        if self._in_header:
            self.header_text += data
        if self._section:
            self.sections[self._section]["text"] += data

    def text(self, section: str) -> str:
        return " ".join(self.sections[section]["text"].split())

    def header(self) -> str:
        return " ".join(self.header_text.split())


# ----------------------------------------------------------------- builders
def network() -> Topology:
    """G - A - B - C, and D behind B; G and A at one site."""
    nodes = pd.DataFrame(
        {
            "node_id": ["G", "A", "B", "C", "D"],
            "node_type": [
                "core_router",
                "agg_router",
                "access_switch",
                "agg_router",
                "base_station",
            ],
            "site": ["S1", "S1", "S2", "S3", "S4"],
            "gateway": [True, False, False, False, False],
        }
    )
    links = pd.DataFrame({"source": ["G", "A", "B", "B"], "target": ["A", "B", "C", "D"]})
    return Topology.from_frames(nodes, links)


def alarms(topo: Topology) -> AlarmLog:
    return AlarmLog.from_frame(
        pd.DataFrame(
            {
                "timestamp": [T0 + 2, T0 + 3, T0 + 95, T0 + 96, T0 + 100],
                "device": ["A", "C", "B", "D", "ZZ"],
                "alarm_type": ["LINK_DOWN", "LINK_DOWN", "NE_COMM_LOST", "NE_COMM_LOST", "LOS"],
                "link_id": ["A--B", "B--C", None, None, None],
            }
        ),
        topology=topo,
    )


def cand(
    rank: int,
    entity: str,
    kind: str,
    score: float,
    fault: str,
    reason: str,
    path: tuple[str, ...],
    *,
    explained: int = 0,
    contradicted: int = 0,
    alarms=(),
) -> Candidate:
    return Candidate(
        rank,
        entity,
        kind,
        score,
        fault,
        reason,
        (Evidence(path, f"why {entity}", tuple(alarms)),),
        explained=explained,
        contradicted=contradicted,
    )


def ranking() -> RCAResult:
    """B first, the link A--B second, C third; scores chosen to show the rounding."""
    return RCAResult(
        "inc",
        (
            cand(
                1,
                "B",
                "node",
                0.61249,
                "node_down",
                "B went down",
                ("B", "D"),
                explained=4,
                alarms=(EvidenceAlarm("D", "NE_COMM_LOST", T0 + 96),),
            ),
            cand(
                2,
                "A--B",
                "link",
                0.3,
                "link_down",
                "the link A--B failed",
                ("A--B", "A"),
                explained=2,
                contradicted=1,
                alarms=(EvidenceAlarm("A", "LINK_DOWN", T0 + 2, "A--B"),),
            ),
            cand(3, "C", "node", 0.0004, "node_down", "C lost", ("C",)),
        ),
        1.234,
        method="explain",
        n_alarms=5,
        notes=("first note", "second note"),
    )


def incident(truth: Truth | None, name: str = "inc") -> Incident:
    topo = network()
    return Incident(topo, alarms(topo), truth=truth, name=name)


def page_of(truth: Truth | None = None, result: RCAResult | None = None, **kw) -> Page:
    return Page(render_report(incident(truth), result if result is not None else ranking(), **kw))


# ----------------------------------------------------------------- candidates
CANDIDATE_COLUMNS = ["rank", "entity", "kind", "fault", "probability", "reason"]


def test_candidate_table_columns_and_cells_in_rank_order():
    (table,) = page_of().sections["candidates"]["tables"]
    assert table["header"] == CANDIDATE_COLUMNS
    rows = [dict(zip(CANDIDATE_COLUMNS, r)) for r in table["rows"]]
    assert [(r["rank"], r["entity"], r["kind"], r["fault"], r["probability"]) for r in rows] == [
        ("1", "B", "node", "node_down", "0.612"),
        ("2", "A--B", "link", "link_down", "0.300"),
        ("3", "C", "node", "node_down", "0.000"),
    ]
    # the reason cell: the reason, the counts, why a lower row ranks lower, then the evidence paths
    assert rows[0]["reason"] == (
        "B went down explains 4, contradicted by 0 "
        "1 evidence path B -> D topology why B NE_COMM_LOST on D at 2026-03-01T10:01:36Z"
    )
    assert rows[1]["reason"] == (
        "the link A--B failed explains 2, contradicted by 1 "
        "ranks lower: probability 0.300 against 0.612; explains 2 symptoms against 4; "
        "1 observation speaks against it; a link down rather than an element down "
        "1 evidence path A--B -> A topology why A--B LINK_DOWN on A (link A--B) "
        "at 2026-03-01T10:00:02Z"
    )
    assert rows[2]["reason"] == (
        "C lost explains 0, contradicted by 0 "
        "ranks lower: probability 0.000 against 0.612; explains 0 symptoms against 4 "
        "1 evidence path C topology why C"
    )
    # the first row is marked as the top answer, and only it
    assert [("top" in c) for c in table["classes"]] == [True, False, False]


def test_true_root_is_tagged_in_its_row_only():
    (table,) = page_of(Truth((RootCause("A--B", "link", "link_down"),))).sections["candidates"][
        "tables"
    ]
    assert [r[1] for r in table["rows"]] == ["B", "A--B true root", "C"]
    assert [("true" in c) for c in table["classes"]] == [False, True, False]
    (plain,) = page_of(None).sections["candidates"]["tables"]
    assert [r[1] for r in plain["rows"]] == ["B", "A--B", "C"]
    assert not any("true" in c for c in plain["classes"])


def test_notes_are_listed_in_order():
    text = page_of().text("answer")
    assert text.endswith("Notes from the analysis: first note second note")


def test_no_candidates_says_so_without_a_table():
    p = page_of(result=RCAResult("inc", (), 0.5))
    assert p.sections["candidates"]["tables"] == []
    assert "The analysis returned no candidates." in p.text("candidates")
    assert "analysis explain in 0.50 s, 0 candidates" in p.header()


# ----------------------------------------------------------------- header and truth line
def test_header_counts_window_and_analysis():
    h = page_of().header()
    assert "incident inc" in h
    assert "5 elements" in h and "4 links" in h and "4 sites" in h
    assert "5 alarms of 3 types from 5 devices" in h
    assert "1 alarming devices not in the topology" in h
    assert "alarms from 2026-03-01T10:00:02Z to 2026-03-01T10:01:40Z" in h
    assert "analysis explain in 1.23 s, 3 candidates" in h


@pytest.mark.parametrize(
    ("roots", "line"),
    [
        ((("B", "node", "node_down"),), "true root cause (evaluation): B node node_down, ranked 1"),
        (
            (("A--B", "link", "link_down"),),
            "true root cause (evaluation): A--B link link_down, ranked 2",
        ),
        ((("C", "node", None),), "true root cause (evaluation): C node, ranked 3"),
        (
            (("D", "node", "node_down"),),
            "true root cause (evaluation): D node node_down, not ranked",
        ),
        (
            (("C", "node", "node_down"), ("B", "node", "node_down")),
            "true root causes (evaluation): C node node_down, ranked 3; B node node_down, ranked 1",
        ),
    ],
    ids=["first", "second", "third-no-fault", "absent", "two-roots"],
)
def test_truth_line_gives_each_roots_rank(roots, line):
    h = page_of(Truth(tuple(RootCause(*r) for r in roots))).header()
    assert line in h


def test_no_truth_no_truth_line():
    assert "true root" not in page_of(None).header()


def test_title_and_name():
    p = render_report(incident(None, name="ring <7>"), ranking(), title="Night shift")
    assert "<title>Night shift</title>" in p and "<h1>Night shift</h1>" in p
    assert "incident <b>ring &lt;7&gt;</b>" in p
    default = render_report(incident(None, name="ring"), ranking())
    assert "<title>RCA report: ring</title>" in default


def test_topology_heading_names_the_top_candidate():
    assert page_of().text("topology") == (
        "Topology around the root: B (node), its evidence paths and the elements it affects"
    )
    assert page_of(result=RCAResult("inc", (), 0.0)).text("topology") == "Topology around the root"


# ----------------------------------------------------------------- validation issues
ISSUE_COLUMNS = ["kind", "file", "lines", "count", "action", "message"]


def test_validation_issues_table_from_a_damaged_file(tmp_path):
    topo = network()
    topo.write_csv(tmp_path)
    (tmp_path / "alarms.csv").write_text(
        "timestamp,device,alarm_type,link_id\n"
        "2026-03-01T10:00:02Z,A,LINK_DOWN,A--B\n"
        "yesterday,B,LOS,\n"  # line 3: bad timestamp, dropped
        "2026-03-01T10:00:02Z,A,LINK_DOWN,A--B\n"  # line 4: duplicate of line 2, dropped
        "2026-03-01T10:00:05Z,Q1,LOS,\n"  # line 5: unknown device
        "2026-03-01T10:00:06Z,Q2,LOS,\n"
    )  # line 6: unknown device
    from rca import read_incident

    inc = read_incident(tmp_path)
    issues = {i.kind: i for i in inc.report}
    page = Page(render_report(inc, ranking()))
    (table,) = page.sections["issues"]["tables"]
    assert table["header"] == ISSUE_COLUMNS
    rows = {r[0]: dict(zip(ISSUE_COLUMNS, r)) for r in table["rows"]}
    assert len(table["rows"]) == len(inc.report)
    assert (
        rows["bad_timestamp"]["file"] == str(tmp_path / "alarms.csv")
        and rows["bad_timestamp"]["lines"] == "3"
    )
    assert rows["bad_timestamp"]["action"] == "dropped" and rows["bad_timestamp"]["count"] == "1"
    assert rows["duplicate_row"]["lines"] == "4"
    assert rows["unknown_device"]["lines"] == "5, 6" and rows["unknown_device"]["count"] == "2"
    for kind, row in rows.items():
        assert row["message"] == " ".join(issues[kind].message.split())
    # the header counts them, kind by kind
    n = len(inc.report)
    assert f"{n} validation issues:" in page.header()
    for kind in issues:
        assert kind in page.header()


def test_lines_cell_shows_the_first_ten():
    from rca.validation import ValidationReport

    base = incident(None)
    report = ValidationReport()
    report.add(
        "unknown_device",
        "27 rows name devices not in the topology",
        file="alarms.csv",
        lines=range(2, 29),
        count=27,
        action="kept",
    )
    report.add("duplicate_row", "one duplicate", file="alarms.csv", lines=[40], action="dropped")
    inc = Incident(base.topology, AlarmLog(base.alarms.frame, report=report), name="many")
    page = Page(render_report(inc, ranking()))
    (table,) = page.sections["issues"]["tables"]
    assert table["rows"] == [
        [
            "unknown_device",
            "alarms.csv",
            "2, 3, 4, 5, 6, 7, 8, 9, 10, 11",
            "27",
            "kept",
            "27 rows name devices not in the topology",
        ],
        ["duplicate_row", "alarms.csv", "40", "1", "dropped", "one duplicate"],
    ]
    assert "2 validation issues: duplicate_row, unknown_device" in page.header()
    report.add("duplicate_row", "another", file="alarms.csv", lines=[41], action="dropped")
    assert (
        "3 validation issues: duplicate_row ×2, unknown_device"
        in Page(render_report(inc, ranking())).header()
    )
    one = ValidationReport()
    one.add("bad_timestamp", "x", file="alarms.csv", lines=[3], action="dropped")
    solo = Incident(base.topology, AlarmLog(base.alarms.frame, report=one), name="one")
    assert "1 validation issue: bad_timestamp" in Page(render_report(solo, ranking())).header()


def test_no_issues_says_so():
    inc = incident(None)
    clean = Incident(
        inc.topology,
        AlarmLog.from_frame(
            inc.alarms.frame[inc.alarms.frame["device"] != "ZZ"].drop(columns=["line"])
        ),
        name="clean",
    )
    page = Page(render_report(clean, ranking()))
    assert page.sections["issues"]["tables"] == []
    assert "The readers found nothing to repair or drop." in page.text("issues")
    assert "no validation issues" in page.header()


# ----------------------------------------------------------------- the embedded result and the written file
def test_embedded_result_is_the_ranking():
    page = render_report(incident(None), ranking())
    body = re.search(
        r'<script type="application/json" id="rca-result">(.*?)</script>', page, re.S
    ).group(1)
    data = json.loads(body)
    assert [(c["rank"], c["entity"], c["score"]) for c in data["candidates"]] == [
        (1, "B", 0.6125),
        (2, "A--B", 0.3),
        (3, "C", 0.0004),
    ]  # to_dict keeps 4 decimals


def test_written_file_is_the_rendered_page(tmp_path):
    inc, res = incident(Truth((RootCause("B", "node", "node_down"),))), ranking()
    out = write_report(inc, res, tmp_path / "a" / "b.html", title="T")
    assert out.read_text(encoding="utf-8") == render_report(inc, res, title="T")


def test_generator_names_the_version_and_plotly_is_kept_inside_its_element(monkeypatch):
    import rca.report as report

    page = render_report(incident(None), ranking())
    assert f'<meta name="generator" content="netrca {report._version()}">' in page
    monkeypatch.setattr(
        report, "version", lambda name: (_ for _ in ()).throw(report.PackageNotFoundError(name))
    )
    assert report._version() == "unknown"
    # a bundle that held '</script' would end the element early: it is written '<\/script'
    import plotly.offline

    report._plotly_js.cache_clear()
    monkeypatch.setattr(
        plotly.offline, "get_plotlyjs", lambda: "var a = '</script>'; var b = '</SCRIPT>';"
    )
    try:
        assert str(report._plotly_js()) == "var a = '<\\/script>'; var b = '<\\/SCRIPT>';"
    finally:
        report._plotly_js.cache_clear()


def _figures(page: str) -> tuple[dict, dict]:
    bodies = re.findall(
        r'<script type="application/json" data-figure="fig-(\w+)">(.*?)</script>', page, re.S
    )
    figs = {name: json.loads(body) for name, body in bodies}
    return figs["topology"], figs["timeline"]


def test_the_timeline_marks_the_top_candidates_elements_and_rings_its_evidence():
    _, timeline = _figures(render_report(incident(None), ranking()))
    labels = {y for tr in timeline["data"] for y in tr["y"]}
    assert "<b>B</b>" in labels and "B" not in labels and "A" in labels  # B is the top candidate
    (ring,) = [tr for tr in timeline["data"] if tr["name"].startswith("cited as evidence")]
    assert ring["name"] == "cited as evidence (1)" and ring["y"] == ["D"]
    # a link candidate on top marks both its ends
    link_first = RCAResult("inc", (ranking().candidates[1],), 0.1)
    _, timeline = _figures(render_report(incident(None), link_first))
    labels = {y for tr in timeline["data"] for y in tr["y"]}
    assert {"<b>A</b>", "<b>B</b>"} <= labels


def test_an_incident_without_alarms():
    base = incident(None)
    quiet = Incident(
        base.topology,
        AlarmLog.from_frame(pd.DataFrame(columns=["timestamp", "device", "alarm_type"])),
        name="quiet",
    )
    p = Page(render_report(quiet, RCAResult("quiet", (), 0.0)))
    assert "0 alarms of 0 types from 0 devices" in p.header()
    assert "alarms from" not in p.header() and "not in the topology" not in p.header()


def test_an_issue_without_a_file_has_an_empty_file_cell():
    from rca.validation import ValidationReport

    base = incident(None)
    report = ValidationReport()
    report.add("note", "something about the whole incident")
    inc = Incident(base.topology, AlarmLog(base.alarms.frame, report=report), name="n")
    (table,) = Page(render_report(inc, ranking())).sections["issues"]["tables"]
    assert table["rows"] == [["note", "", "", "1", "kept", "something about the whole incident"]]


def test_rendering_is_logged_with_its_size(caplog):
    from importlib.metadata import version

    import rca.report as report

    assert report._version() == version("netrca")
    with caplog.at_level("INFO", logger="rca.report"):
        page = render_report(incident(None), ranking())
    (record,) = [r for r in caplog.records if r.name == "rca.report"]
    m = re.fullmatch(
        r"rendered report of 'inc': (\d+\.\d) kB in (\d+\.\d\d) s", record.getMessage()
    )
    assert m and m.group(1) == f"{len(page) / 1e3:.1f}" and 0 <= float(m.group(2)) < 60


# ----------------------------------------------------------------- the answer and tie groups
def test_answer_section_is_exact():
    text = page_of().text("answer")
    assert text.startswith(
        "Answer 61 % B (node): element down, probability 61 %; it explains 4 of the 5 alarms. "
    )
    assert (
        "What to check Is B powered and answering on its console or out-of-band port? Check the power and "
        "the alarms of the site of B; dispatch if it stays unreachable. Why: B went down"
    ) in text


def test_a_doubtful_answer_is_marked_low():
    sure = render_report(incident(None), ranking())
    assert '<span class="prob">61 %</span>' in sure
    r = ranking()
    doubtful = RCAResult(
        r.incident, r.candidates, r.seconds, r.method, r.n_alarms, r.notes, confident=False
    )
    assert '<span class="prob low">61 %</span>' in render_report(incident(None), doubtful)


def test_a_tie_of_three_is_one_row_with_its_rank_range():
    r = ranking()
    tied = RCAResult(
        r.incident, r.candidates, r.seconds, r.method, r.n_alarms, r.notes, ties=((1, 2, 3),)
    )
    (table,) = page_of(result=tied).sections["candidates"]["tables"]
    assert [row[:2] for row in table["rows"]] == [["1-3", "B, A--B, C tied: one answer in 3 names"]]
