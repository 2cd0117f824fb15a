"""The report's figures read back trace by trace: what is drawn where, what the hover says, and in which order.

Expected positions, sizes and texts are worked out here from the documented
rules (marker size ``min(9 + 2.5 sqrt(alarms), 22)``, links drawn as
segments separated by gaps, devices ordered by their first alarm...).
"""

from __future__ import annotations

import json
import math

import pandas as pd
import plotly.graph_objects as go
import pytest

from rca import AlarmLog, Incident, RootCause, Topology, Truth
from rca._report import _layout
from rca._report._escape import esc, figure_json, script_json
from rca._report._layout import node_positions
from rca._report._timeline import MAX_TYPES, timeline_figure
from rca._report._topology import (
    GL_THRESHOLD,
    LABEL_LIMIT,
    alarm_counts,
    highlighted,
    topology_figure,
)
from rca.result import Candidate, Evidence, EvidenceAlarm, RCAResult

T0 = 1772359200.0  # 2026-03-01T10:00:00Z

# A - B - C in a row, D hanging off B; A and B at one site; positions given by hand.
POS = {"A": (0.0, 0.0), "B": (2.0, 0.0), "C": (4.0, 0.0), "D": (2.0, 2.0)}


def topo(link_type=True) -> Topology:
    nodes = pd.DataFrame(
        {
            "node_id": ["A", "B", "C", "D"],
            "node_type": ["router", "router", "switch", None],
            "site": ["S1", "S1", "S2", None],
            "layer": ["core", "core", "access", None],
            "gateway": [True, False, False, False],
        }
    )
    links = pd.DataFrame({"source": ["A", "B", "B"], "target": ["B", "C", "D"]})
    if link_type:
        links["link_type"] = ["fiber", "fiber", "microwave"]
    return Topology.from_frames(nodes, links)


def alarms(rows, topology=None) -> AlarmLog:
    frame = pd.DataFrame(
        rows, columns=["timestamp", "device", "alarm_type", "severity", "link_id", "message"]
    )
    return AlarmLog.from_frame(frame, topology=topology)


ROWS = [
    (T0, "B", "LINK_DOWN", "major", "A--B", "port to A down"),
    (T0 + 1, "C", "NE_COMM_LOST", None, None, None),
    (T0 + 2, "B", "LINK_DOWN", "major", "B--C", None),
    (T0 + 3, "B", "LINK_DOWN", "major", "B--D", None),
    (T0 + 4, "B", "LINK_DOWN", "major", None, None),
]


def incident(truth=None) -> Incident:
    t = topo()
    return Incident(t, alarms(ROWS, t), truth=truth, name="inc")


def candidate(entity, kind, paths=(), fault="node_down") -> Candidate:
    ev = tuple(Evidence(tuple(p), "why") for p in paths) or (Evidence((entity,), "why"),)
    return Candidate(1, entity, kind, 0.9, fault, "r", ev)


def traces(fig) -> dict[str, go.Scatter]:
    return {t.name: t for t in fig.data}


# ------------------------------------------------------------------------- topology figure
def test_trace_order_and_names():
    res = RCAResult("inc", (candidate("B", "node", [("B", "C")]),), 0.1)
    fig = topology_figure(incident(Truth((RootCause("C", "node"),))), res, positions=POS)
    assert [t.name for t in fig.data] == [
        "links",
        "evidence paths (top candidate)",
        "quiet elements (2)",
        "alarming elements (2)",
        "link hover",
        "top candidate: B (node)",
        "true root (evaluation)",
    ]
    assert all(type(t) is go.Scatter for t in fig.data)


def test_links_are_segments_with_gaps():
    fig = topology_figure(incident(), RCAResult("inc", (), 0.0), positions=POS)
    links = traces(fig)["links"]
    # A--B, B--C, B--D in the topology's (sorted) order
    assert list(links.x) == [0.0, 2.0, None, 2.0, 4.0, None, 2.0, 2.0, None]
    assert list(links.y) == [0.0, 0.0, None, 0.0, 0.0, None, 0.0, 2.0, None]
    assert links.mode == "lines" and links.hoverinfo == "skip"
    assert "evidence paths (top candidate)" not in traces(fig)  # no candidate, no evidence trace


def test_alarming_and_quiet_elements_with_sizes_by_alarm_count():
    fig = topology_figure(incident(), RCAResult("inc", (), 0.0), positions=POS)
    t = traces(fig)
    alarmed, quiet = t["alarming elements (2)"], t["quiet elements (2)"]
    assert list(alarmed.text) == ["B", "C"] and list(quiet.text) == ["A", "D"]
    assert list(alarmed.x) == [2.0, 4.0] and list(quiet.y) == [0.0, 2.0]
    # B raised 4 alarms: 9 + 2.5 * 2 = 14; C one: 11.5; quiet ones 7
    assert list(alarmed.marker.size) == [14.0, 11.5] and list(quiet.marker.size) == [7.0, 7.0]
    assert alarmed.marker.color != quiet.marker.color
    assert (
        alarmed.hovertext[0] == "<b>B</b><br>type: router<br>site: S1<br>layer: core<br>alarms: 4"
    )
    assert quiet.hovertext[1] == "<b>D</b><br>type: <br>site: <br>layer: <br>alarms: 0"
    assert alarm_counts(incident()) == {"B": 4, "C": 1}


def test_marker_size_is_capped():
    t = topo()
    rows = [(T0 + k, "C", "LOS", "major", None, None) for k in range(36)]  # 9 + 2.5 * 6 = 24 -> 22
    fig = topology_figure(
        Incident(t, alarms(rows, t), name="x"), RCAResult("x", (), 0.0), positions=POS
    )
    assert list(traces(fig)["alarming elements (1)"].marker.size) == [22.0]
    assert alarm_counts(Incident(t, alarms([], t), name="q")) == {}


def test_link_hover_at_midpoints():
    fig = topology_figure(incident(), RCAResult("inc", (), 0.0), positions=POS)
    hover = traces(fig)["link hover"]
    assert list(hover.x) == [1.0, 3.0, 2.0] and list(hover.y) == [0.0, 0.0, 1.0]
    assert list(hover.hovertext) == [
        "<b>link A--B</b><br>A — B<br>type: fiber",
        "<b>link B--C</b><br>B — C<br>type: fiber",
        "<b>link B--D</b><br>B — D<br>type: microwave",
    ]
    assert hover.showlegend is False
    plain = Incident(topo(link_type=False), alarms([], topo(False)), name="p")
    t = traces(topology_figure(plain, RCAResult("p", (), 0.0), positions=POS))["link hover"]
    assert t.hovertext[0] == "<b>link A--B</b><br>A — B<br>type: "


def test_top_link_candidate_draws_the_link_and_its_ends():
    res = RCAResult("inc", (candidate("B--C", "link", [("B--C", "C")], fault="link_down"),), 0.1)
    t = traces(topology_figure(incident(), res, positions=POS))
    line = t["top candidate: B--C (link), link"]
    assert list(line.x) == [2.0, 4.0, None] and list(line.customdata) == ["B--C"] * 3
    ends = t["top candidate: B--C (link)"]
    assert list(ends.customdata) == ["B", "C"] and list(ends.x) == [2.0, 4.0]
    assert (
        ends.hovertext[1]
        == "<b>top candidate B--C</b><br>link: link_down<br>element: C<br>alarms: 1"
    )
    # the evidence path starts at the link: drawn from its midpoint
    ev = t["evidence paths (top candidate)"]
    assert list(ev.x) == [3.0, 4.0, None] and list(ev.y) == [0.0, 0.0, None]
    # the top candidate's rings are the largest markers on the map
    others = [s for tr in fig_markers(t) for s in tr]
    assert ends.marker.size > max(others)


def fig_markers(t):
    return [
        list(tr.marker.size) for name, tr in t.items() if name.startswith(("alarming", "quiet"))
    ]


def test_site_candidate_and_paths_through_a_site_or_a_causal_step():
    res = RCAResult(
        "inc",
        (
            candidate(
                "S1", "site", [("S1", "B", "C"), ("S1", "LINK_DOWN", "C")], fault="site_power"
            ),
        ),
        0.1,
    )
    t = traces(topology_figure(incident(), res, positions=POS))
    assert list(t["top candidate: S1 (site)"].customdata) == ["A", "B"]
    # S1 is drawn at the centroid of A and B, (1, 0); the alarm type is no place: its segments are left out
    ev = t["evidence paths (top candidate)"]
    assert list(ev.x) == [1.0, 2.0, None, 2.0, 4.0, None] and list(ev.y) == [
        0.0,
        0.0,
        None,
        0.0,
        0.0,
        None,
    ]


def test_truth_marks_each_root_element_once():
    truth = Truth((RootCause("A--B", "link"), RootCause("B", "node"), RootCause("S2", "site")))
    t = traces(topology_figure(incident(truth), RCAResult("inc", (), 0.0), positions=POS))
    marks = t["true root (evaluation)"]
    assert list(marks.customdata) == ["A", "B", "C"]
    assert list(marks.x) == [0.0, 2.0, 4.0]
    assert list(marks.hovertext) == ["true root: A", "true root: B", "true root: C"]


def test_highlighted():
    t = topo()
    assert highlighted(t, "B", "node") == (["B"], [])
    assert highlighted(t, "B--C", "link") == (["B", "C"], [("B", "C")])
    assert highlighted(t, "S1", "site") == (["A", "B"], [])
    assert highlighted(t, "B", "site") == ([], []) and highlighted(t, "S1", "node") == ([], [])


def test_labels_only_on_small_maps_and_webgl_on_large_ones():
    def chain(n):
        ids = [f"N{k:04d}" for k in range(n)]
        return Topology.from_frames(
            pd.DataFrame({"node_id": ids, "gateway": [True] + [False] * (n - 1)}),
            pd.DataFrame({"source": ids[:-1], "target": ids[1:]}),
        )

    for n, labelled in ((LABEL_LIMIT, True), (LABEL_LIMIT + 1, False)):
        t = chain(n)
        fig = topology_figure(
            Incident(t, alarms([], t), name="c"),
            RCAResult("c", (), 0.0),
            positions={v: (float(i), 0.0) for i, v in enumerate(t.node_ids)},
        )
        quiet = traces(fig)[f"quiet elements ({n})"]
        assert (quiet.text is not None) == labelled and quiet.mode == (
            "markers+text" if labelled else "markers"
        )
    for n, kind in ((GL_THRESHOLD - 1, go.Scatter), (GL_THRESHOLD, go.Scattergl)):
        t = chain(n)
        fig = topology_figure(
            Incident(t, alarms([], t), name="c"),
            RCAResult("c", (), 0.0),
            positions={v: (float(i), 0.0) for i, v in enumerate(t.node_ids)},
        )
        assert {type(tr) for tr in fig.data} == {kind}


def test_long_ids_are_cut_for_labels():
    long = "X" * 30
    t = Topology.from_frames(
        pd.DataFrame({"node_id": [long, "Y"], "gateway": [True, False]}),
        pd.DataFrame({"source": [long], "target": ["Y"]}),
    )
    fig = topology_figure(
        Incident(t, alarms([], t), name="l"),
        RCAResult("l", (), 0.0),
        positions={long: (0.0, 0.0), "Y": (1.0, 0.0)},
    )
    assert list(traces(fig)["quiet elements (2)"].text) == ["X" * 23 + "…", "Y"]


# ------------------------------------------------------------------------- timeline
def test_timeline_traces_by_type_hover_and_device_order():
    inc = incident()
    fig = timeline_figure(inc.alarms, highlight_devices=["C"])
    assert [t.name for t in fig.data] == ["LINK_DOWN (4)", "NE_COMM_LOST (1)"]
    link_down = fig.data[0]
    assert list(link_down.y) == ["B"] * 4 and list(fig.data[1].y) == ["<b>C</b>"]  # C marked
    assert link_down.hovertext[0] == (
        "<b>LINK_DOWN</b> (major)<br>device: B<br>link: A--B<br>"
        "2026-03-01 10:00:00.000 UTC<br>port to A down"
    )
    assert (
        link_down.hovertext[3]
        == "<b>LINK_DOWN</b> (major)<br>device: B<br>2026-03-01 10:00:04.000 UTC<br>"
    )
    assert fig.data[1].hovertext[0] == (
        "<b>NE_COMM_LOST</b> (no severity)<br>device: C<br>2026-03-01 10:00:01.000 UTC<br>"
    )
    assert list(fig.layout.yaxis.categoryarray) == ["B", "<b>C</b>"]  # by first alarm
    assert fig.layout.height == 260


def test_timeline_height_grows_with_devices_up_to_900():
    for n, height in ((3, 260), (30, 16 * 30 + 120), (60, 900)):
        rows = [(T0 + k, f"D{k:02d}", "LOS", None, None, None) for k in range(n)]
        assert timeline_figure(alarms(rows)).layout.height == height


def test_timeline_groups_rare_types_beyond_the_first_twenty():
    def log(n_types):
        rows = [
            (T0 + 100 * k + j, "A", f"T{k:02d}", None, None, None)
            for k in range(n_types)
            for j in range(n_types - k)
        ]
        return alarms(rows)

    fig = timeline_figure(log(MAX_TYPES + 1))  # 21 types: each its own
    assert len(fig.data) == MAX_TYPES + 1
    fig = timeline_figure(log(MAX_TYPES + 2))  # 22: the 20 most frequent, then the rest together
    assert [t.name for t in fig.data[:2]] == ["T00 (22)", "T01 (21)"]
    assert fig.data[-1].name == "other types: 2 (3)"  # T20 twice, T21 once
    assert sum(len(t.x) for t in fig.data) == sum(range(1, 23))


def test_timeline_cited_alarms_and_empty_log():
    cited = (EvidenceAlarm("C", "NE_COMM_LOST", T0 + 1), EvidenceAlarm("Q", "X<b>", T0 + 9))
    fig = timeline_figure(incident().alarms, cited=cited)
    ring = fig.data[-1]
    assert ring.name == "cited as evidence (2)" and list(ring.y) == ["C", "Q"]
    assert list(ring.hovertext) == [
        "cited as evidence: <b>NE_COMM_LOST</b><br>device: C",
        "cited as evidence: <b>X&lt;b&gt;</b><br>device: Q",
    ]
    assert pd.Timestamp(ring.x[0]) == pd.Timestamp(T0 + 1, unit="s")
    empty = timeline_figure(alarms([]))
    assert (
        empty.data == ()
        and empty.layout.annotations[0].text == "no alarms"
        and empty.layout.height == 200
    )


def test_timeline_webgl_from_a_thousand_alarms_and_messages_cut():
    rows = [(T0 + k, "A", "LOS", None, None, "m" * 300) for k in range(GL_THRESHOLD)]
    fig = timeline_figure(alarms(rows))
    assert type(fig.data[0]) is go.Scattergl
    assert fig.data[0].hovertext[0].endswith("<br>" + "m" * 199 + "…")
    assert type(timeline_figure(alarms(rows[:-1])).data[0]) is go.Scatter


# ------------------------------------------------------------------------- layout
def test_geo_layout_when_more_than_half_have_coordinates():
    nodes = pd.DataFrame(
        {
            "node_id": ["A", "B", "C", "D"],
            "lat": [1.0, 1.0, 3.0, None],
            "lon": [0.0, 2.0, 2.0, None],
            "gateway": [True, False, False, False],
        }
    )
    t = Topology.from_frames(
        nodes, pd.DataFrame({"source": ["A", "B", "B"], "target": ["B", "C", "D"]})
    )
    pos = node_positions(t)
    assert pos["A"] == (0.0, 1.0) and pos["C"] == (2.0, 3.0)  # x = lon, y = lat
    # D has no coordinates: the mean of its placed neighbours, B; then B and D share a point and are spread
    # on a circle of 1 % of the span (2 degrees): B at angle 0, D at angle pi
    r = 0.01 * 2.0
    assert pos["B"] == pytest.approx((2.0 + r, 1.0))
    assert pos["D"] == pytest.approx((2.0 - r, 1.0))
    # 3 of 4 placed: a map unless more than 3/4 are asked for
    assert node_positions(t, min_geo_fraction=0.74) == pos
    assert node_positions(t, min_geo_fraction=0.75) != pos


def test_geo_layout_places_the_unreachable_in_a_row_below():
    nodes = pd.DataFrame(
        {
            "node_id": ["A", "B", "C", "D", "E"],
            "lat": [0.0, 0.0, 4.0, None, None],
            "lon": [0.0, 4.0, 4.0, None, None],
            "gateway": [True] + [False] * 4,
        }
    )
    t = Topology.from_frames(
        nodes, pd.DataFrame({"source": ["A", "B", "D"], "target": ["B", "C", "E"]})
    )
    pos = node_positions(t)
    # D and E have no placed neighbour: x from the westmost, step span / 2 = 2; y 0.1 * span below the southmost
    assert pos["D"] == pytest.approx((0.0, -0.4)) and pos["E"] == pytest.approx((2.0, -0.4))


def test_geo_layout_fills_chains_up_to_three_hops():
    ids = ["A", "B", "C", "D", "E", "F"]
    nodes = pd.DataFrame(
        {
            "node_id": ids,
            "lat": [0.0, 0.0, 0.0, None, None, None],
            "lon": [0.0, 1.0, 2.0, None, None, None],
            "gateway": [True] + [False] * 5,
        }
    )
    t = Topology.from_frames(
        nodes,
        pd.DataFrame({"source": ["A", "B", "C", "D", "E"], "target": ["B", "C", "D", "E", "F"]}),
    )
    geo = _layout._geo_layout(t, _layout._geo_coordinates(t))
    # C -> D -> E -> F: each takes its placed neighbour's point, then each shared point is spread
    assert sorted(geo) == ids and len(set(geo.values())) == len(ids)
    assert all(abs(geo[n][1]) <= 0.01 * 2.0 + 1e-12 for n in "CDEF")


def test_radial_layout_from_the_gateways():
    ids = ["G", "A", "B", "A1", "A2"]
    t = Topology.from_frames(
        pd.DataFrame({"node_id": ids, "gateway": [True, False, False, False, False]}),
        pd.DataFrame({"source": ["G", "G", "A", "A"], "target": ["A", "B", "A1", "A2"]}),
    )
    pos = _layout._radial_layout(t)
    # G at radius 1 in the middle of the whole circle; A's subtree has 2 leaves, B's 1: A gets 2/3 of the circle
    assert pos["G"] == pytest.approx((math.cos(math.pi), math.sin(math.pi)))
    a_mid, b_mid = (0 + 4 * math.pi / 3) / 2, (4 * math.pi / 3 + 2 * math.pi) / 2
    assert pos["A"] == pytest.approx((2 * math.cos(a_mid), 2 * math.sin(a_mid)))
    assert pos["B"] == pytest.approx((2 * math.cos(b_mid), 2 * math.sin(b_mid)))
    a1_mid = (0 + 2 * math.pi / 3) / 2
    assert pos["A1"] == pytest.approx((3 * math.cos(a1_mid), 3 * math.sin(a1_mid)))


def test_layouts_without_coordinates(monkeypatch):
    t = topo()
    spring = node_positions(t)
    assert spring == node_positions(t) and spring != node_positions(t, random_state=8)
    monkeypatch.setattr(_layout, "SPRING_LIMIT", 3)
    assert node_positions(t) == _layout._radial_layout(t)


# ------------------------------------------------------------------------- escaping
def test_esc_cuts_before_escaping():
    assert esc("abcd", limit=4) == "abcd" and esc("abcde", limit=4) == "abc…"
    assert esc("<<<<<", limit=3) == "&lt;&lt;…"
    assert esc("ab", limit=1) == "…" and esc(None) == "" and esc(float("nan")) == ""
    assert esc("\"&'") == "&quot;&amp;&#x27;"


def test_script_json_closes_no_element():
    out = script_json({"a": "</script><!--&\u2028\u2029", "n": 1, "d": pd.Timestamp(0, unit="s")})
    assert (
        "<" not in out
        and ">" not in out
        and "&" not in out
        and "\u2028" not in out
        and "\u2029" not in out
    )
    assert json.loads(out) == {
        "a": "</script><!--&\u2028\u2029",
        "n": 1,
        "d": "1970-01-01 00:00:00",
    }
    with pytest.raises(ValueError):
        script_json({"x": float("nan")})


def test_figure_json_is_safe_and_complete():
    fig = go.Figure(go.Scatter(x=[1], y=[2], name="</script>&", hovertext=["\u2028"]))
    out = figure_json(fig)
    assert "<" not in out and ">" not in out and "&" not in out and "\u2028" not in out
    back = json.loads(out)
    assert back["data"][0]["name"] == "</script>&" and back["data"][0]["hovertext"] == ["\u2028"]
    assert "uid" not in back["data"][0]


# ------------------------------------------------------------------------- edges found by the mutation run
def test_site_paths_start_at_the_centroid_and_long_top_ids_are_cut():
    pos = {"A": (0.0, 1.0), "B": (2.0, 3.0), "C": (4.0, 0.0), "D": (2.0, 2.0)}
    res = RCAResult("inc", (candidate("S1", "site", [("S1", "C")], fault="site_power"),), 0.1)
    ev = traces(topology_figure(incident(), res, positions=pos))["evidence paths (top candidate)"]
    assert list(ev.x) == [1.0, 4.0, None] and list(ev.y) == [
        2.0,
        0.0,
        None,
    ]  # S1 at ((0+2)/2, (1+3)/2)
    long = "L" * 45
    t = Topology.from_frames(
        pd.DataFrame({"node_id": [long, "Y"], "gateway": [True, False]}),
        pd.DataFrame({"source": [long], "target": ["Y"]}),
    )
    fig = topology_figure(
        Incident(t, alarms([], t), name="l"),
        RCAResult("l", (candidate(long, "node"),), 0.0),
        positions={long: (0.0, 0.0), "Y": (1.0, 0.0)},
    )
    assert f"top candidate: {'L' * 39}… (node)" in traces(fig)


def test_the_top_links_trace_is_lines_without_hover():
    res = RCAResult("inc", (candidate("B--C", "link", [("B--C",)], fault="link_down"),), 0.1)
    line = traces(topology_figure(incident(), res, positions=POS))[
        "top candidate: B--C (link), link"
    ]
    assert line.mode == "lines" and line.hoverinfo == "skip"


def test_geo_spread_on_a_circle_of_three_and_spans_under_one():
    # three elements at one point, spread at angles 0, 120, 240 degrees on 1 % of the span (0.5 here)
    nodes = pd.DataFrame(
        {
            "node_id": ["A", "B", "C", "D"],
            "lat": [1.0, 1.0, 1.0, 1.5],
            "lon": [2.0, 2.0, 2.0, 2.2],
            "gateway": [True, False, False, False],
        }
    )
    t = Topology.from_frames(
        nodes, pd.DataFrame({"source": ["A", "B", "C"], "target": ["B", "C", "D"]})
    )
    pos = node_positions(t)
    r = 0.01 * 0.5
    for k, n in enumerate("ABC"):
        a = 2 * math.pi * k / 3
        assert pos[n] == pytest.approx((2.0 + r * math.cos(a), 1.0 + r * math.sin(a)))
    assert pos["D"] == (2.2, 1.5)


def test_geo_elements_all_at_one_point():
    # no spread to measure: the span counts as 1 degree, the circle is 0.01
    nodes = pd.DataFrame(
        {"node_id": ["A", "B"], "lat": [1.0, 1.0], "lon": [2.0, 2.0], "gateway": [True, False]}
    )
    pos = node_positions(
        Topology.from_frames(nodes, pd.DataFrame({"source": ["A"], "target": ["B"]}))
    )
    assert pos["A"] == pytest.approx((2.01, 1.0)) and pos["B"] == pytest.approx((1.99, 1.0))


def test_geo_chains_fill_three_hops_then_the_row_below():
    # A..C placed (lon 1, 2, 3; lat 5); D, E, F, G a chain beyond C: three rounds place D, E, F at C's point
    # (spread), G is left for the row below: x from the westmost (1), y 0.1 * span (2) below the southmost (5)
    ids = list("ABCDEFG")
    nodes = pd.DataFrame(
        {
            "node_id": ids,
            "lat": [5.0, 5.0, 5.0] + [None] * 4,
            "lon": [1.0, 2.0, 3.0] + [None] * 4,
            "gateway": [True] + [False] * 6,
        }
    )
    links = pd.DataFrame({"source": ids[:-1], "target": ids[1:]})
    pos = node_positions(Topology.from_frames(nodes, links), min_geo_fraction=0.4)
    assert pos["G"] == pytest.approx((1.0, 5.0 - 0.2))
    assert all(
        abs(pos[n][0] - 3.0) <= 0.02 + 1e-9 and abs(pos[n][1] - 5.0) <= 0.02 + 1e-9 for n in "CDEF"
    )


def test_radial_layout_of_deeper_trees_and_unmarked_components():
    ids = ["G", "A", "B", "A1", "A2", "B1", "X", "Y"]
    t = Topology.from_frames(
        pd.DataFrame({"node_id": ids, "gateway": [True] + [False] * 7}),
        pd.DataFrame(
            {"source": ["G", "G", "A", "A", "B", "X"], "target": ["A", "B", "A1", "A2", "B1", "Y"]}
        ),
    )
    pos = _layout._radial_layout(t)
    assert set(pos) == set(ids)
    # G's tree has 3 leaves (A1, A2, B1) of the 4 (X-Y is a second tree, one leaf): G gets 3/4 of the circle,
    # A 2/3 of that and B 1/3: B spans (pi, 3 pi / 2), and B1 its middle at depth 3
    b1 = 5 * math.pi / 4
    assert pos["B1"] == pytest.approx((3 * math.cos(b1), 3 * math.sin(b1)))
    x = (3 * math.pi / 2 + 2 * math.pi) / 2
    assert pos["X"] == pytest.approx((math.cos(x), math.sin(x)))


def test_figure_json_drops_trace_uids_and_script_json_keeps_text_as_it_is():
    fig = go.Figure(go.Scatter(x=[1], y=[2], uid="u1"))
    assert "uid" not in json.loads(figure_json(fig))["data"][0]
    assert script_json({"a": "é ✓"}) == '{"a": "é ✓"}'


# ------------------------------------------------------------------------- exact figure settings
LONG = "x" * 100


def cut(s: str, limit: int) -> str:
    return s[: limit - 1] + "…"


def test_timeline_layout_is_exact():
    fig = timeline_figure(incident().alarms).to_plotly_json()["layout"]
    # 3 devices: 16 * 3 + 120 = 168 is under the 260 floor
    assert fig["height"] == 260
    assert fig["margin"] == {"l": 10, "r": 10, "t": 30, "b": 40}
    assert (fig["hovermode"], fig["plot_bgcolor"], fig["paper_bgcolor"]) == (
        "closest",
        "white",
        "white",
    )
    assert fig["legend"] == {"orientation": "v", "x": 1.01, "y": 1, "font": {"size": 10}}


def test_timeline_without_alarms_is_one_centred_note():
    empty = alarms([])
    fig = timeline_figure(empty).to_plotly_json()["layout"]
    assert fig["annotations"] == [
        {
            "text": "no alarms",
            "showarrow": False,
            "x": 0.5,
            "y": 0.5,
            "xref": "paper",
            "yref": "paper",
        }
    ]
    assert (
        fig["height"] == 200
        and fig["xaxis"] == {"visible": False}
        and fig["yaxis"] == {"visible": False}
    )


def test_timeline_fault_line_and_label_are_exact():
    fig = timeline_figure(incident().alarms, fault_time=T0 + 1.5).to_plotly_json()["layout"]
    at = "2026-03-01T10:00:01.500000"
    assert fig["shapes"] == [
        {
            "type": "line",
            "x0": at,
            "x1": at,
            "y0": 0,
            "y1": 1,
            "xref": "x",
            "yref": "paper",
            "line": {"color": "#d62728", "width": 2, "dash": "dash"},
            "name": "fault time",
        }
    ]
    assert fig["annotations"] == [
        {
            "x": at,
            "y": 1,
            "xref": "x",
            "yref": "paper",
            "text": "fault",
            "showarrow": False,
            "yanchor": "bottom",
            "font": {"color": "#d62728", "size": 11},
        }
    ]


def test_timeline_cuts_long_names_at_their_limits():
    rows = [(T0, LONG, "T" * 100, None, "L" * 100, None), (T0 + 1, "B", "X", None, None, None)]
    cited = [EvidenceAlarm(LONG, "T" * 100, T0), EvidenceAlarm("Q" * 100, "X", T0 + 1)]
    fig = timeline_figure(alarms(rows), highlight_devices=[LONG], cited=cited)
    by_name = traces(fig)
    (first,) = [t for t in fig.data if t.name.startswith(cut("T" * 100, 40))]
    assert list(first.y) == [f"<b>{cut(LONG, 40)}</b>"]
    assert first.hovertext[0] == (
        f"<b>{cut('T' * 100, 60)}</b> (no severity)<br>device: {cut(LONG, 80)}"
        f"<br>link: {cut('L' * 100, 80)}<br>2026-03-01 10:00:00.000 UTC<br>"
    )
    ring = by_name["cited as evidence (2)"]
    # a cited device with no alarm of its own gets its label cut like the others
    assert list(ring.y) == [f"<b>{cut(LONG, 40)}</b>", cut("Q" * 100, 40)]
    assert ring.hoverinfo == "text"
    assert list(ring.hovertext) == [
        f"cited as evidence: <b>{cut('T' * 100, 60)}</b><br>device: {cut(LONG, 80)}",
        f"cited as evidence: <b>X</b><br>device: {cut('Q' * 100, 80)}",
    ]


def test_topology_layout_is_exact():
    fig = topology_figure(incident(), RCAResult("inc", (), 0.0), positions=POS).to_plotly_json()[
        "layout"
    ]
    assert fig["height"] == 620 and fig["margin"] == {"l": 10, "r": 10, "t": 30, "b": 10}
    assert (fig["hovermode"], fig["plot_bgcolor"], fig["paper_bgcolor"]) == (
        "closest",
        "white",
        "white",
    )
    assert fig["legend"] == {"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0}
    assert fig["xaxis"] == {"visible": False}
    assert fig["yaxis"] == {"visible": False, "scaleanchor": "x", "scaleratio": 1}


def test_topology_traces_are_exact():
    nodes = pd.DataFrame({"node_id": ["A", "B"], "gateway": [True, False]})
    links = pd.DataFrame(
        {
            "source": ["A", "B"],
            "target": ["B", "A"],
            "link_id": ["A--B", "dep"],
            "directed": [False, True],
        }
    )
    t = Topology.from_frames(nodes, links)
    deps = t.links[~t.links.index.isin(t.link_ids)]
    assert len(deps) == 1
    res = RCAResult("i", (candidate("A", "node", [("A", "B")]),), 0.0)
    fig = topology_figure(
        Incident(t, alarms([], t), truth=Truth((RootCause("B", "node"),)), name="i"),
        res,
        positions={"A": (0.0, 0.0), "B": (1.0, 0.0)},
    )
    data = {d["name"]: d for d in fig.to_plotly_json()["data"]}
    dep = data["dependencies"]
    assert (dep["mode"], dep["line"], dep["hoverinfo"]) == (
        "lines",
        {"color": "#d5d9e0", "width": 1, "dash": "dot"},
        "skip",
    )
    ev = data["evidence paths (top candidate)"]
    assert (
        ev["line"] == {"color": "#7b2cbf", "width": 4}
        and ev["opacity"] == 0.8
        and ev["hoverinfo"] == "skip"
    )
    quiet = data["quiet elements (2)"]
    assert quiet["textfont"] == {"size": 9} and quiet["marker"]["line"] == {
        "color": "white",
        "width": 0.5,
    }
    assert data["link hover"]["mode"] == "markers"
    # the top candidate raised no alarm: its hover says 0
    assert data["top candidate: A (node)"]["hovertext"] == [
        "<b>top candidate A</b><br>node: node_down<br>element: A<br>alarms: 0"
    ]
    assert data["true root (evaluation)"]["marker"] == {
        "symbol": "x-thin-open",
        "size": 16,
        "color": "#2ca02c",
        "line": {"width": 2, "color": "#2ca02c"},
    }


def test_topology_hover_cuts_long_names_at_their_limits():
    nodes = pd.DataFrame(
        {
            "node_id": [LONG, "B"],
            "node_type": ["T" * 100, None],
            "site": ["S" * 100, None],
            "layer": ["Y" * 100, None],
            "gateway": [True, False],
        }
    )
    links = pd.DataFrame({"source": [LONG], "target": ["B"], "link_type": ["K" * 100]})
    t = Topology.from_frames(nodes, links)
    inc = Incident(t, alarms([(T0, LONG, "X", None, None, None)], t), name="i")
    top = Candidate(1, LONG, "node", 0.9, "F" * 100, "r", (Evidence((LONG,), "why"),))
    fig = topology_figure(
        inc, RCAResult("i", (top,), 0.0), positions={LONG: (0.0, 0.0), "B": (1.0, 0.0)}
    )
    by_name = traces(fig)
    assert by_name["alarming elements (1)"].hovertext[0] == (
        f"<b>{cut(LONG, 80)}</b><br>type: {cut('T' * 100, 60)}<br>site: {cut('S' * 100, 60)}"
        f"<br>layer: {cut('Y' * 100, 60)}<br>alarms: 1"
    )
    assert (
        by_name["quiet elements (1)"].hovertext[0]
        == "<b>B</b><br>type: <br>site: <br>layer: <br>alarms: 0"
    )
    (link,) = by_name["link hover"].hovertext
    assert (
        link
        == f"<b>link {cut('B--' + LONG, 80)}</b><br>{cut(LONG, 40)} — B<br>type: {cut('K' * 100, 40)}"
    )
    (mark,) = [tr for tr in fig.data if tr.name.startswith("top candidate")]
    assert mark.hovertext[0] == (
        f"<b>top candidate {cut(LONG, 80)}</b><br>node: {cut('F' * 100, 60)}"
        f"<br>element: {cut(LONG, 80)}<br>alarms: 1"
    )


def test_link_hover_cuts_the_far_end_too():
    nodes = pd.DataFrame({"node_id": ["A", LONG], "gateway": [True, False]})
    t = Topology.from_frames(nodes, pd.DataFrame({"source": ["A"], "target": [LONG]}))
    fig = topology_figure(
        Incident(t, alarms([], t), name="i"),
        RCAResult("i", (), 0.0),
        positions={"A": (0.0, 0.0), LONG: (1.0, 0.0)},
    )
    (link,) = traces(fig)["link hover"].hovertext
    assert link.split("<br>")[1] == f"A — {cut(LONG, 40)}"
    back = Topology.from_frames(
        nodes, pd.DataFrame({"source": [LONG], "target": ["A"], "link_id": ["l1"]})
    )
    fig = topology_figure(
        Incident(back, alarms([], back), name="i"),
        RCAResult("i", (), 0.0),
        positions={"A": (0.0, 0.0), LONG: (1.0, 0.0)},
    )
    (link,) = traces(fig)["link hover"].hovertext
    assert link == f"<b>link l1</b><br>{cut(LONG, 40)} — A<br>type: "


def test_alarm_counts_keep_the_order_of_first_appearance():
    rows = [
        (T0, "C", "X", None, None, None),
        (T0 + 1, "B", "X", None, None, None),
        (T0 + 2, "B", "X", None, None, None),
    ]
    t = topo()
    assert list(alarm_counts(Incident(t, alarms(rows, t), name="i")).items()) == [
        ("C", 1),
        ("B", 2),
    ]


def test_layout_logs_when_it_falls_back_to_radial(caplog):
    ids = [f"N{i:03d}" for i in range(_layout.SPRING_LIMIT + 1)]
    t = Topology.from_frames(
        pd.DataFrame({"node_id": ids, "gateway": [True] + [False] * (len(ids) - 1)}),
        pd.DataFrame({"source": ids[:-1], "target": ids[1:]}),
    )
    with caplog.at_level("INFO", logger="rca._report._layout"):
        node_positions(t)
    assert f"{len(ids)} elements without coordinates: radial layout from the gateways" in [
        r.getMessage() for r in caplog.records
    ]


def test_a_thousand_links_make_a_webgl_figure():
    # 999 elements in a chain (998 links) and two chords: 1,000 links, under 1,000 elements
    ids = [f"N{i:03d}" for i in range(999)]
    links = pd.DataFrame(
        {"source": ids[:-1] + ["N000", "N000"], "target": ids[1:] + ["N500", "N600"]}
    )
    t = Topology.from_frames(
        pd.DataFrame({"node_id": ids, "gateway": [True] + [False] * 998}), links
    )
    assert (t.n_nodes, t.n_links) == (GL_THRESHOLD - 1, GL_THRESHOLD)
    fig = topology_figure(
        Incident(t, alarms([], t), name="big"),
        RCAResult("big", (), 0.0),
        positions={n: (float(i), 0.0) for i, n in enumerate(ids)},
    )
    assert {type(tr) for tr in fig.data} == {go.Scattergl}
