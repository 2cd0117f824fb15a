"""Jupyter: compact, escaped ``_repr_html_``; public figures; ``to_frame`` with what matters first."""

from __future__ import annotations

import html

import pytest

import rca
from rca import plot
from tests.test_report import BAD_DEVICE, XSS, result_for, small_incident


@pytest.fixture(scope="module")
def analysed():
    from rca.datasets import make_incident

    inc = make_incident(size="small", fault="link_down", random_state=2)
    return inc, rca.analyze(inc)


def test_result_repr_is_compact_and_shows_the_answer(analysed) -> None:
    inc, result = analysed
    out = result._repr_html_()
    assert len(out) < 8_000 < len(repr(result))
    top = result.candidates[0]
    assert html.escape(top.entity) in out and f"{top.score:.3f}" in out and "<svg" in out and "<script" not in out
    assert f"{len(result.candidates) - 5} more" in out


def test_reprs_escape_untrusted_text() -> None:
    inc = small_incident(name="n<b>1</b>")
    res = result_for((XSS, "node"), ("A1", "node"))
    for out in (inc._repr_html_(), res._repr_html_(), inc.topology._repr_html_()):
        assert "<script>" not in out and "<img" not in out and "<b>1</b>" not in out
    assert html.escape(XSS)[:30] in res._repr_html_()
    assert "alarms over time" in inc._repr_html_() and "by layer" in inc.topology._repr_html_()


def test_to_frame_shows_entity_fault_probability_and_reason_first(analysed) -> None:
    _, result = analysed
    frame = result.to_frame()
    assert list(frame.columns[:4]) == ["entity", "fault", "probability", "reason"]
    assert frame.index.name == "rank" and frame.loc[1, "entity"] == result.candidates[0].entity


def test_public_figures(analysed) -> None:
    inc, result = analysed
    fig = plot.topology(inc, result)
    names = [t.name for t in fig.data]
    assert any(n.startswith("root: ") for n in names) and "evidence paths" in names
    root = [t for t in fig.data if t.name.startswith("root: ")][0]
    assert set(root.customdata) <= set(inc.topology.node_ids)
    second = plot.topology(inc, result, rank=2)
    assert [t for t in second.data if t.name.startswith("root: ")][0].name != root.name
    assert len(plot.topology(inc.topology).data) >= 2                      # a topology alone, whole
    tl = plot.timeline(inc, result)
    assert tl.layout.shapes and tl.layout.annotations[0].text == "fault"
    assert sum(len(t.x) for t in tl.data if not t.name.startswith("cited")) == len(inc.alarms)
    with pytest.raises(ValueError, match="rank"):
        plot.topology(inc, result, rank=999)


def test_layout_is_layered_from_the_root() -> None:
    inc = small_incident()
    fig = plot.topology(inc, result_for(("A1", "node")))
    xy = {n: (x, y) for t in fig.data if t.text is not None for n, x, y in zip(t.text, t.x, t.y)}
    assert xy["A1"][0] == 0 and xy["B1"][0] == xy["B2"][0] == xy["C1"][0] == 1 and "B3" not in xy
    assert len(set(xy.values())) == len(xy)                          # no two labels on one spot
    assert html.escape(BAD_DEVICE) not in xy                          # not in the topology: not drawn
