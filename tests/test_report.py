"""The HTML report: self-contained, complete, escaped, and fast on large incidents."""

from __future__ import annotations

import html
import json
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from plotly.offline import get_plotlyjs

from rca import AlarmLog, Incident, InputError, RootCause, Topology, Truth
from rca._report import highlighted, node_positions, terminal_safe, timeline_figure, topology_figure
from rca._report import _layout
from rca.report import render_report, write_report
from rca.result import Candidate, Evidence, EvidenceAlarm, RCAResult

XSS = "<script>alert(1)</script><img src=x onerror=alert(1)>"
BAD_DEVICE = 'X"</script><svg onload=alert(2)>'
T0 = 1772359200.0


# ----------------------------------------------------------------- builders
def small_incident(*, coords: bool = True, name: str = "small") -> Incident:
    """Two core routers at one site, two aggregation routers, four access switches."""
    nodes = pd.DataFrame({
        "node_id": ["C1", "C2", "A1", "A2", "B1", "B2", "B3", "B4"],
        "node_type": ["core_router"] * 2 + ["agg_router"] * 2 + ["access_switch"] * 4,
        "layer": ["core"] * 2 + ["aggregation"] * 2 + ["access"] * 4,
        "site": ["S1", "S1", "S2", "S3", "S4", "S5", "S6", "S7"],
    })
    if coords:
        nodes["lat"] = [40.0, 40.0, 40.5, 39.5, 41.0, 41.0, 39.0, 39.0]
        nodes["lon"] = [-3.0, -3.0, -3.5, -2.5, -4.0, -3.2, -2.8, -2.0]
    links = pd.DataFrame({"source": ["C1", "C1", "C2", "A1", "A1", "A2", "A2"],
                          "target": ["C2", "A1", "A2", "B1", "B2", "B3", "B4"]})
    topo = Topology.from_frames(nodes, links)
    alarms = AlarmLog.from_frame(pd.DataFrame({
        "timestamp": [T0, T0 + 5, T0 + 6, T0 + 7, T0 + 8],
        "device": ["A1", "B1", "B2", BAD_DEVICE, "B1"],
        "alarm_type": ["LINK_DOWN", "NE_COMM_LOST", "NE_COMM_LOST", XSS, XSS],
        "severity": ["major", "critical", "critical", "minor", "minor"],
        "link_id": ["A1--C1", None, None, None, None],
        "message": ["port down", XSS, None, "unknown box", BAD_DEVICE],
    }), topology=topo)
    truth = Truth((RootCause("A1", "node", "node_down"),))
    return Incident(topo, alarms, truth=truth, name=name)


def result_for(*candidates: tuple[str, str]) -> RCAResult:
    """A hand-made result ranking (entity, kind) pairs in the order given."""
    paths = {"A1": ("A1", "B1"), "A1--C1": ("A1--C1", "A1", "B1"), "S1": ("S1", "C1", "A1", "B2")}
    out = []
    for rank, (entity, kind) in enumerate(candidates, start=1):
        path = paths.get(entity, (entity,))
        ev = Evidence(path, f"{path[-1]} lost behind {entity}",
                      (EvidenceAlarm(path[-1], "NE_COMM_LOST", T0 + 5),))
        out.append(Candidate(rank, entity, kind, 1.0 / rank, f"{kind}_down", f"explains {3 - rank} alarms",
                             (ev,), explained=2))
    return RCAResult("small", tuple(out), 0.25, n_alarms=5)


class _Tags(HTMLParser):
    """Start tags and script bodies, parsed the way a browser splits them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[tuple[dict, str]] = []
        self._in: dict | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in = dict(attrs)
            self.scripts.append((self._in, ""))

    def handle_data(self, data: str) -> None:
        if self._in is not None:
            attrs, body = self.scripts[-1]
            self.scripts[-1] = (attrs, body + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in = None


def parse(page: str) -> _Tags:
    p = _Tags()
    p.feed(page)
    p.close()
    return p


@pytest.fixture(scope="module")
def page() -> str:
    return render_report(small_incident(name="net <b>one</b>"), result_for(("A1", "node"), ("A1--C1", "link")))


# -------------------------------------------------------------------- page
def test_page_inlines_plotly_once_and_loads_nothing(page: str) -> None:
    js = get_plotlyjs()
    assert page.count(js[:300]) == 1
    assert "</script" not in js.lower()
    tags = parse(page)
    assert not [a for t, a in tags.tags if "src" in a or (t == "link" and "href" in a)]
    assert "cdn.plot.ly" not in page.replace(js, "")


def test_page_shows_header_candidates_and_issues(page: str) -> None:
    assert "8</b> elements" in page and "7</b> links" in page and "5</b> alarms" in page
    # the top candidate and its evidence path, as A -> B
    assert "<code>A1</code>" in page
    assert html.escape("A1 -> B1") in page
    assert html.escape("A1--C1 -> A1 -> B1") in page
    assert "NE_COMM_LOST</code> on <code>B1</code>" in page and "2026-03-01T10:00:05Z" in page
    # the unknown device is reported by the alarm reader and listed
    assert "unknown_device" in page or "not in the topology" in page
    # the truth is shown with the rank it got
    assert "ranked <b>1</b>" in page


def test_page_result_json_round_trips(page: str) -> None:
    scripts = parse(page).scripts
    (attrs, body), = [s for s in scripts if s[0].get("id") == "rca-result"]
    data = json.loads(body)
    assert data["candidates"][0]["entity"] == "A1"
    assert data["candidates"][0]["evidence"][0]["path"] == ["A1", "B1"]


def test_untrusted_text_cannot_break_out(page: str) -> None:
    tags = parse(page)
    # exactly our five scripts; no element from the payloads
    assert [t for t, _ in tags.tags if t in ("script", "img", "svg")] == ["script"] * 5
    assert XSS not in page and BAD_DEVICE not in page
    assert "<b>one</b>" not in page and html.escape("net <b>one</b>") in page
    # the figure data survives intact: the payloads are in it, escaped for plotly's hover
    figures = [json.loads(body) for attrs, body in tags.scripts if "data-figure" in attrs]
    assert len(figures) == 2
    hovers = [h for fig in figures for tr in fig["data"] for h in (tr.get("hovertext") or [])]
    assert all("<script" not in h and "<img" not in h for h in hovers)
    assert any(XSS in html.unescape(h) for h in hovers)
    assert any(BAD_DEVICE in html.unescape(h) for h in hovers)
    timeline = figures[1]
    assert html.escape(BAD_DEVICE) in timeline["layout"]["yaxis"]["categoryarray"]
    assert all("<" not in (tr.get("name") or "").replace("<b>", "") for tr in timeline["data"])


def test_write_report(tmp_path) -> None:
    out = write_report(small_incident(), result_for(("A1", "node")), tmp_path / "sub" / "r.html", title="T")
    assert out == tmp_path / "sub" / "r.html"
    assert "<title>T</title>" in out.read_text(encoding="utf-8")
    with pytest.raises(InputError, match="directory"):
        write_report(small_incident(), result_for(("A1", "node")), tmp_path)


def test_write_report_never_writes_through_a_symlink(tmp_path) -> None:
    target = tmp_path / "precious.txt"
    target.write_text("keep me")
    link = tmp_path / "r.html"
    link.symlink_to(target)
    with pytest.raises(InputError, match="symbolic link"):
        write_report(small_incident(), result_for(("A1", "node")), link)
    assert target.read_text() == "keep me" and link.is_symlink()


def test_write_report_is_atomic_on_a_full_disk(tmp_path, monkeypatch) -> None:
    import rca._io

    out = write_report(small_incident(), result_for(("A1", "node")), tmp_path / "r.html", title="old")

    def disk_full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(rca._io.os, "fsync", disk_full)
    with pytest.raises(OSError, match="No space"):
        write_report(small_incident(), result_for(("A1", "node")), out, title="new")
    assert "<title>old</title>" in out.read_text(encoding="utf-8")   # the previous page, whole
    assert [p.name for p in tmp_path.iterdir()] == ["r.html"]          # no temporary file left


def test_empty_result_and_no_alarms_render() -> None:
    inc = small_incident()
    empty = Incident(inc.topology, AlarmLog.from_frame(pd.DataFrame(columns=["timestamp", "device", "alarm_type"])),
                     name="quiet")
    page = render_report(empty, RCAResult("quiet", (), 0.0))
    assert "returned no candidates" in page and "0</b> alarms" in page


# ----------------------------------------------------------------- figures
def _trace(fig: go.Figure, prefix: str):
    found = [t for t in fig.data if (t.name or "").startswith(prefix)]
    assert found, [t.name for t in fig.data]
    return found


def test_node_candidate_is_highlighted_with_its_evidence() -> None:
    inc = small_incident()
    fig = topology_figure(inc, result_for(("A1", "node")))
    (top,) = _trace(fig, "top candidate")
    assert list(top.customdata) == ["A1"]
    (ev,) = _trace(fig, "evidence paths")
    pos = node_positions(inc.topology)
    assert list(ev.x) == [pos["A1"][0], pos["B1"][0], None]
    (alarmed,) = _trace(fig, "alarming elements")
    assert alarmed.name == "alarming elements (3)"  # A1, B1, B2; the unknown device is not on the map


def test_link_candidate_highlights_the_link_and_its_ends() -> None:
    inc = small_incident()
    fig = topology_figure(inc, result_for(("A1--C1", "link"), ("A1", "node")))
    line, ends = _trace(fig, "top candidate")
    pos = node_positions(inc.topology)
    assert sorted(ends.customdata) == ["A1", "C1"]
    assert {line.x[0], line.x[1]} == {pos["A1"][0], pos["C1"][0]} and line.x[2] is None
    assert line.line.width > 1
    assert highlighted(inc.topology, "A1--C1", "link") == (["C1", "A1"], [("C1", "A1")])


def test_site_candidate_highlights_every_element_of_the_site() -> None:
    fig = topology_figure(small_incident(), result_for(("S1", "site")))
    (top,) = _trace(fig, "top candidate")
    assert sorted(top.customdata) == ["C1", "C2"]


def test_unknown_candidate_highlights_nothing(caplog) -> None:
    fig = topology_figure(small_incident(), result_for(("nowhere", "node")))
    (top,) = _trace(fig, "top candidate")
    assert len(top.customdata) == 0
    assert "not in the topology" in caplog.text


def test_timeline_keeps_every_alarm_and_escapes_labels() -> None:
    inc = small_incident()
    fig = timeline_figure(inc.alarms)
    assert sum(len(t.x) for t in fig.data) == len(inc.alarms)
    names = [t.name for t in fig.data]
    assert html.escape(XSS[:39]) + "… (2)" in names  # escaped, long names shortened
    assert list(fig.layout.yaxis.categoryarray)[:2] == ["A1", "B1"]  # by first alarm


def test_timeline_rings_the_alarms_cited_by_the_top_candidate(page: str) -> None:
    (_, body), = [s for s in parse(page).scripts if s[0].get("data-figure") == "fig-timeline"]
    (cited,) = [t for t in json.loads(body)["data"] if t["name"].startswith("cited as evidence")]
    assert cited["name"] == "cited as evidence (1)"
    assert cited["y"] == ["B1"]
    assert cited["x"][0].startswith("2026-03-01T10:00:05")


def test_positions_from_coordinates_or_a_seeded_layout(monkeypatch) -> None:
    geo = node_positions(small_incident().topology)
    assert geo["A1"] == (-3.5, 40.5)
    assert geo["C1"] != geo["C2"]  # same site, spread apart
    topo = small_incident(coords=False).topology
    assert node_positions(topo) == node_positions(topo)
    monkeypatch.setattr(_layout, "SPRING_LIMIT", 3)
    radial = node_positions(topo)
    assert set(radial) == set(topo.node_ids) and len(set(radial.values())) == len(radial)


def test_large_incident_renders() -> None:
    rng = np.random.default_rng(0)
    n, m = 2000, 5000
    ids = [f"N{i}" for i in range(n)]
    parents = [int(rng.integers(0, i // 3 + 1)) for i in range(1, n)]
    topo = Topology.from_frames(pd.DataFrame({"node_id": ids, "site": [f"S{i // 4}" for i in range(n)]}),
                                pd.DataFrame({"source": [ids[p] for p in parents], "target": ids[1:]}))
    alarms = AlarmLog.from_frame(pd.DataFrame({
        "timestamp": T0 + np.sort(rng.random(m) * 900), "device": rng.choice(ids, m),
        "alarm_type": rng.choice([f"TYPE_{k}" for k in range(40)], m), "message": "vendor text"}))
    inc = Incident(topo, alarms, name="large")
    cand = Candidate(1, "N1", "node", 0.9, "node_down", "r", (Evidence(("N1", ids[5]), "w"),))
    page = render_report(inc, RCAResult("large", (cand,), 1.0))
    figures = [json.loads(b) for a, b in parse(page).scripts if "data-figure" in a]
    topo_fig, timeline = figures
    # the page draws the subgraph around the root, not the 2,000 elements
    drawn = {x for t in topo_fig["data"] if t["name"].startswith(("quiet", "alarming", "cut off"))
             for x in t["text"]}
    assert "N1" in drawn and 5 < len(drawn) <= 100
    assert sum(len(t["x"]) for t in timeline["data"] if not t["name"].startswith("cited")) == m  # none dropped
    assert any(t["name"].startswith("other types: 20") for t in timeline["data"])
    assert len(page) < len(get_plotlyjs()) + 4_000_000


def test_terminal_safe() -> None:
    assert terminal_safe("R7\x1b[2J") == "R7\\x1b[2J"
    assert terminal_safe("abcdef", limit=3) == "ab…"


# ------------------------------------------------------- summary-first page
def test_page_leads_with_the_answer_then_figures_then_hypotheses(page: str) -> None:
    answer, topology, timeline, ranked = (page.index(f'id="{s}"') for s in ("answer", "topology", "timeline", "candidates"))
    assert answer < topology < timeline < ranked
    head = page[answer:topology]
    assert "A1 (node): element down, probability 100 %" in head
    assert "What to check" in head and "<li>" in head
    # evidence collapsed: inside <details> without "open"
    body = page[ranked:]
    assert "<details><summary>1 evidence path</summary>" in body


def test_tied_and_same_evidence_candidates_are_one_group() -> None:
    from rca._report._summary import group_candidates

    ev = (Evidence(("L1",), "w", (EvidenceAlarm("B1", "LOS", T0),)),)
    other = (Evidence(("X",), "w", (EvidenceAlarm("B2", "LOS", T0 + 9),)),)
    cands = (Candidate(1, "A1", "node", 0.8, "node_down", "r", other),
             Candidate(2, "L1", "link", 0.1, "fiber_cut", "duct cut of L1, L2", ev),
             Candidate(3, "L2", "link", 0.1, "fiber_cut", "duct cut of L1, L2", ev),
             Candidate(4, "S1", "site", 0.05, "site_power", "s", other),
             Candidate(5, "S2", "site", 0.05, "site_power", "s", other))
    groups = group_candidates(RCAResult("x", cands, 0.1, ties=((4, 5),)))
    assert [[c.rank for c in g.members] for g in groups] == [[1], [2, 3], [4, 5]]
    assert [g.tie for g in groups] == [False, False, True]
    page = render_report(small_incident(), RCAResult("x", cands, 0.1, ties=((4, 5),)))
    assert "tied: one answer in 2 names" in page and "the same alarms, 2 names" in page
    assert "ranks lower: probability 0.100 against 0.800" in page


def test_timeline_marks_the_fault_time() -> None:
    inc = small_incident()
    cand = Candidate(1, "A1", "node", 0.9, "node_down", "A1 down at ~2026-03-01T10:00:00Z: explains 2",
                     (Evidence(("A1", "B1"), "w"),))
    page = render_report(inc, RCAResult("small", (cand,), 0.1))
    (_, body), = [s for s in parse(page).scripts if s[0].get("data-figure") == "fig-timeline"]
    layout = json.loads(body)["layout"]
    assert layout["shapes"][0]["x0"].startswith("2026-03-01T10:00:00")
    assert layout["annotations"][0]["text"] == "fault"
    assert "fault began at about <b>2026-03-01T10:00:00Z</b>" in page


def test_shared_plotly_page_loads_it_by_address() -> None:
    page = render_report(small_incident(), result_for(("A1", "node")), plotly_src="../assets/plotly.min.js",
                         index_href="../index.html")
    assert '<script src="../assets/plotly.min.js"></script>' in page and get_plotlyjs()[:300] not in page
    assert len(page) < 200_000 and 'href="../index.html"' in page
