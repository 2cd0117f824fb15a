"""Fusion worked out by hand: log odds plus weighted likelihood ratios, notes, ties, the fitted sources.

Every expected probability below is computed in the test from the formula
of :mod:`rca.fusion` (``logit(p) + familiarity * weight * (log(share + floor)
- center)``), never by calling the code under test.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest

import rca.explain
import rca.fusion
from rca.fusion import DEFAULT_SOURCES, FusionSource, fit_source, fuse, fused_ranking
from rca.result import Candidate, Evidence, RCAResult
from tests._builders import incident, small_network

REPO = Path(__file__).resolve().parents[1]


def logit(p: float) -> float:
    return math.log(p / (1 - p))


def sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-z))


def result(name: str, pairs, *, ties=(), notes=()) -> RCAResult:
    """A ranking of ``(entity, score)`` pairs, best first; ``"X--Y"`` are links."""
    cands = tuple(
        Candidate(
            r,
            e,
            "link" if "--" in e else "node",
            s,
            "node_down",
            f"{name}: {e}",
            (Evidence((e,), "seen", source=name),),
            scores={name: s},
        )
        for r, (e, s) in enumerate(pairs, start=1)
    )
    return RCAResult("x", cands, 0.0, name, notes=tuple(notes), ties=tuple(ties))


def source(
    name="gnn", weight=1.0, center=0.0, floor=0.01, rank=None, familiarity=None
) -> FusionSource:
    return FusionSource(name, rank or (lambda inc, k: None), weight, center, floor, familiarity)


# --------------------------------------------------------------------- the ratio
def test_log_ratio_formula_and_clipping():
    s = source(weight=2.0, center=-1.0, floor=0.05)
    assert s.log_ratio(0.5) == pytest.approx(2.0 * (math.log(0.55) + 1.0))
    assert s.log_ratio(1.7) == pytest.approx(
        2.0 * (math.log(1.05) + 1.0)
    )  # a share above 1 counts as 1
    assert s.log_ratio(-0.3) == pytest.approx(2.0 * (math.log(0.05) + 1.0))  # below 0 as 0
    assert source(weight=0.0).log_ratio(0.3) == 0.0


def test_source_settings_are_checked():
    with pytest.raises(
        ValueError,
        match=r"fusion source 'gnn': weight must be >= 0 and floor > 0 "
        r"\(got weight=1.0, floor=0.0\)",
    ):
        source(floor=0.0)
    with pytest.raises(ValueError, match="got weight=-0.5"):
        source(weight=-0.5)
    assert source(weight=0.0).weight == 0.0  # a silent source is allowed
    assert FusionSource("x", lambda i, k: None).familiarity is None
    assert (
        FusionSource("x", lambda i, k: None).weight,
        FusionSource("x", lambda i, k: None).center,
        FusionSource("x", lambda i, k: None).floor,
    ) == (1.0, 0.0, 0.01)


# --------------------------------------------------------------------- fuse
EXPLAIN = result("explain", [("A", 0.5), ("B", 0.2), ("C", 0.2)], ties=((2, 3),))


def test_one_source_by_hand():
    # the source scores C 4.0 and B 2.0 (shares 1 and 0.5) and does not list A
    gnn = result("gnn", [("C", 4.0), ("B", 2.0)])
    out = fuse(EXPLAIN, [(source(weight=1.5, center=-0.5), gnn, 1.0)])
    expected = {
        "A": sigmoid(logit(0.5) + 1.5 * (math.log(0.0 + 0.01) + 0.5)),
        "B": sigmoid(logit(0.2) + 1.5 * (math.log(0.5 + 0.01) + 0.5)),
        "C": sigmoid(logit(0.2) + 1.5 * (math.log(1.0 + 0.01) + 0.5)),
    }
    order = sorted(expected, key=lambda e: -expected[e])
    assert order == ["C", "B", "A"]
    assert [c.entity for c in out] == order and [c.rank for c in out] == [1, 2, 3]
    for c in out:
        assert c.score == pytest.approx(expected[c.entity])
        assert c.scores["fused"] == pytest.approx(expected[c.entity])
        assert c.scores["explain"] == pytest.approx({"A": 0.5, "B": 0.2, "C": 0.2}[c.entity])
    assert {c.entity: c.scores["gnn"] for c in out} == pytest.approx({"A": 0.0, "B": 0.5, "C": 1.0})


def test_two_sources_add_their_weighted_ratios():
    gnn = result("gnn", [("B", 1.0), ("A", 0.25)])
    attr = result("attribution", [("A", 0.8), ("C", 0.4)])
    out = fuse(
        EXPLAIN,
        [(source("gnn", 1.0, 0.0), gnn, 0.5), (source("attribution", 2.0, -1.0), attr, 1.0)],
    )
    z = {
        "A": logit(0.5) + 0.5 * math.log(0.25 + 0.01) + 2.0 * (math.log(1.0 + 0.01) + 1.0),
        "B": logit(0.2) + 0.5 * math.log(1.0 + 0.01) + 2.0 * (math.log(0.0 + 0.01) + 1.0),
        "C": logit(0.2) + 0.5 * math.log(0.0 + 0.01) + 2.0 * (math.log(0.5 + 0.01) + 1.0),
    }
    assert {c.entity: c.score for c in out} == pytest.approx({e: sigmoid(v) for e, v in z.items()})
    assert [c.entity for c in out] == sorted(z, key=lambda e: -z[e])
    assert set(out[0].scores) == {"explain", "gnn", "attribution", "fused"}


def test_links_match_by_entity_and_kind():
    explain = result("explain", [("A--B", 0.4), ("A", 0.4)])
    gnn = RCAResult(
        "x",
        (
            Candidate(1, "A--B", "node", 1.0, "node_down", "", (Evidence(("A--B",), ""),)),
            Candidate(2, "A--B", "link", 0.5, "link_down", "", (Evidence(("A--B",), ""),)),
        ),
        0.0,
    )
    out = {c.entity: c.scores["gnn"] for c in fuse(explain, [(source(), gnn, 1.0)])}
    assert out == {"A--B": 0.5, "A": 0.0}  # the link's share, not the same id's as a node


def test_sources_that_take_no_part():
    empty = result("gnn", [])
    out = fuse(
        EXPLAIN, [(source(), empty, 1.0), (source("attribution"), result("a", [("C", 1.0)]), 0.0)]
    )
    assert [(c.entity, c.score) for c in out] == [
        ("A", pytest.approx(0.5)),
        ("B", pytest.approx(0.2)),
        ("C", pytest.approx(0.2)),
    ]
    assert all(set(c.scores) == {"explain", "fused"} for c in out)


def test_a_source_whose_scores_are_all_zero_does_not_reorder():
    zeros = result("gnn", [("C", 0.0), ("B", 0.0)])
    out = fuse(EXPLAIN, [(source(), zeros, 1.0)])
    assert [c.entity for c in out] == ["A", "B", "C"]
    assert all(c.scores["gnn"] == 0.0 for c in out)


def test_equal_fused_scores_keep_the_explain_order():
    explain = result("explain", [("Z", 0.3), ("Y", 0.3), ("X", 0.3)])
    assert [c.entity for c in fuse(explain, [])] == ["Z", "Y", "X"]


def test_cut_to_max_candidates_and_renumbered():
    gnn = result("gnn", [("C", 1.0)])
    out = fuse(EXPLAIN, [(source(weight=3.0), gnn, 1.0)], max_candidates=2)
    # C: logit(0.2) + 3 log(1.01) = -1.356; A: 0 + 3 log(0.01) = -13.8; B: -1.386 + 3 log(0.01) = -15.2
    assert [(c.rank, c.entity) for c in out] == [(1, "C"), (2, "A")]
    assert fuse(EXPLAIN, [], max_candidates=0) == []


def test_certain_and_impossible_explain_scores_stay_finite():
    explain = result("explain", [("A", 1.0), ("B", 0.0)])
    out = fuse(explain, [])
    assert out[0].score == pytest.approx(1 - 1e-6, abs=1e-12) and out[1].score == pytest.approx(
        1e-6, abs=1e-12
    )


# --------------------------------------------------------------------- fused_ranking
class FakeRanker:
    """Stands in for the explain ranker: answers a fixed result, records its depth."""

    answer: RCAResult = EXPLAIN
    depths: list[int] = []

    def __init__(self, max_candidates: int = 20, **kw) -> None:
        FakeRanker.depths.append(max_candidates)

    def rank(self, incident) -> RCAResult:
        return FakeRanker.answer


@pytest.fixture
def fake_explain(monkeypatch):
    FakeRanker.answer = result(
        "explain",
        [("A", 0.5), ("B", 0.2), ("C", 0.2)],
        ties=((2, 3),),
        notes=("explain note", "shared note"),
    )
    FakeRanker.depths = []
    monkeypatch.setattr(rca.explain, "ExplainRanker", FakeRanker)
    return FakeRanker


INC = incident(small_network(), [(0, "S3", "LOS", None)], name="tiny")


def test_fused_ranking_with_its_own_sources(fake_explain):
    asked = []

    def rank(inc, depth):
        asked.append(depth)
        return result("mine", [("C", 4.0), ("B", 2.0)], notes=("source note", "shared note"))

    mine = source("mine", 1.0, 0.0, rank=rank, familiarity=lambda inc: 0.5)
    res = fused_ranking(INC, max_candidates=5, sources=(mine,))
    # ranker and source are asked for at least 20 candidates
    assert fake_explain.depths == [20] and asked == [20]
    z = {
        "A": logit(0.5) + 0.5 * math.log(0.01),
        "B": logit(0.2) + 0.5 * math.log(0.51),
        "C": logit(0.2) + 0.5 * math.log(1.01),
    }
    assert [c.entity for c in res] == ["C", "B", "A"]
    assert [c.score for c in res] == pytest.approx([sigmoid(z[e]) for e in ("C", "B", "A")])
    assert (
        res.method == "fused" and res.incident == "tiny" and res.n_alarms == 1 and res.seconds >= 0
    )
    assert res.notes == (
        "explain note",
        "shared note",
        "mine: familiarity 0.50",
        "mine: source note",
        "mine: shared note",
    )
    # B and C were tied for the explain ranker (ranks 2, 3); now C is 1st and B 2nd
    assert res.ties == ((1, 2),)
    assert not res.confident  # sigmoid(z["C"]) = 0.20 < 0.5


def test_deeper_requests_pass_through(fake_explain):
    asked = []
    mine = source(
        "mine", rank=lambda inc, depth: asked.append(depth) or result("mine", [("A", 1.0)])
    )
    fused_ranking(INC, max_candidates=30, sources=(mine,))
    assert fake_explain.depths == [30] and asked == [30]


def test_unfamiliar_or_weightless_sources_are_not_run_and_say_why(fake_explain):
    def boom(inc, depth):
        raise AssertionError("a source that takes no part must not be run")

    cold = source("cold", 1.0, rank=boom, familiarity=lambda inc: 0.0)
    mute = source("mute", 0.0, rank=boom)
    res = fused_ranking(INC, sources=(cold, mute))
    assert res.notes[-2:] == (
        "cold: no part (familiarity 0.00, weight 1)",
        "mute: no part (familiarity 1.00, weight 0)",
    )
    assert [(c.entity, c.score) for c in res] == [
        ("A", pytest.approx(0.5)),
        ("B", pytest.approx(0.2)),
        ("C", pytest.approx(0.2)),
    ]
    assert res.ties == ((2, 3),)
    assert res.confident  # 0.5 reaches CONFIDENT_AT = 0.5


def test_confidence_threshold_is_the_rankers(fake_explain):
    from rca.explain._ranker import CONFIDENT_AT

    assert CONFIDENT_AT == 0.5
    FakeRanker.answer = result("explain", [("A", 0.499), ("B", 0.2)])
    assert not fused_ranking(INC, sources=()).confident
    FakeRanker.answer = result("explain", [])
    res = fused_ranking(INC, sources=())
    assert len(res) == 0 and not res.confident and res.ties == ()


def test_a_tie_cut_off_by_max_candidates_is_no_tie(fake_explain):
    res = fused_ranking(INC, max_candidates=2, sources=())
    assert [c.entity for c in res] == ["A", "B"] and res.ties == ()


def test_defaults_are_the_fitted_values():
    fitted = json.loads((REPO / "benchmarks" / "results" / "fit_fusion.json").read_text())["fitted"]
    assert [s.name for s in DEFAULT_SOURCES] == list(fitted)
    for s in DEFAULT_SOURCES:
        assert s.weight == pytest.approx(fitted[s.name]["weight"], abs=5e-4)
        assert s.center == pytest.approx(fitted[s.name]["center"], abs=5e-4)
        assert s.floor == fitted[s.name]["floor"]
        assert s.familiarity is not None


def test_attribution_takes_part_only_with_metrics():
    attribution = DEFAULT_SOURCES[1]
    assert attribution.familiarity(INC) == 0.0
    with_metrics = incident(
        small_network(), [(0, "S3", "LOS", None)], metrics=[(0, "S3", "cpu", 50.0)]
    )
    assert attribution.familiarity(with_metrics) == 1.0


# --------------------------------------------------------------------- fit_source
def test_fit_source_recovers_the_rates_it_was_given():
    """Two share values and no prior information (explain probability 1/2, offset 0).

    Where the source gives share 1, 24 of 30 candidates are roots; where it
    gives 0.05, 3 of 30. The maximum-likelihood logistic model reproduces
    those rates exactly: w x1 - b = logit(0.8) and w x0 - b = logit(0.1),
    with x = log(share + floor). (The L2 penalty of 1e-3 moves it slightly.)
    """
    rows = (
        [(0.5, 1.0, 1.0, True)] * 24
        + [(0.5, 1.0, 1.0, False)] * 6
        + [(0.5, 0.05, 1.0, True)] * 3
        + [(0.5, 0.05, 1.0, False)] * 27
    )
    x1, x0 = math.log(1.01), math.log(0.06)
    w = (logit(0.8) - logit(0.1)) / (x1 - x0)
    b = w * x1 - logit(0.8)
    weight, center = fit_source(rows)
    assert weight == pytest.approx(w, rel=0.02)
    assert center == pytest.approx(b / w, rel=0.02)
    # the fitted source gives back those rates
    s = source(weight=weight, center=center)
    assert sigmoid(s.log_ratio(1.0)) == pytest.approx(0.8, abs=0.01)
    assert sigmoid(s.log_ratio(0.05)) == pytest.approx(0.1, abs=0.01)


def test_fit_source_uses_the_explain_offset_and_the_familiarity():
    # the same counts, but the explain ranker already says 0.8 / 0.1: the source adds nothing
    rows = (
        [(0.8, 1.0, 1.0, True)] * 24
        + [(0.8, 1.0, 1.0, False)] * 6
        + [(0.1, 0.05, 1.0, True)] * 3
        + [(0.1, 0.05, 1.0, False)] * 27
    )
    weight, _ = fit_source(rows)
    assert weight == pytest.approx(0.0, abs=0.05)
    # familiarity 0 everywhere: the source can explain nothing, whatever its scores
    rows = [(0.5, r, 0.0, y) for _, r, _, y in rows]
    assert fit_source(rows)[0] == pytest.approx(0.0, abs=1e-6)


def test_fit_source_floor_and_penalty():
    rows = (
        [(0.5, 1.0, 1.0, True)] * 24
        + [(0.5, 1.0, 1.0, False)] * 6
        + [(0.5, 0.0, 1.0, True)] * 3
        + [(0.5, 0.0, 1.0, False)] * 27
    )
    for floor in (0.01, 0.1):
        x1, x0 = math.log(1 + floor), math.log(floor)
        w = (logit(0.8) - logit(0.1)) / (x1 - x0)  # 0.78 and 0.99: below 1
        b = w * x1 - logit(0.8)
        assert fit_source(rows, floor=floor) == (
            pytest.approx(w, rel=0.02),
            pytest.approx(b / w, rel=0.02),
        )
    # a strong penalty shrinks the weight (0.42 against 0.78)
    assert fit_source(rows, l2=10.0)[0] < 0.6 * fit_source(rows)[0]


# --------------------------------------------------------------------- defaults, wrappers, the forecast step
def test_twenty_candidates_by_default(fake_explain):
    many = result("explain", [(f"N{k:02d}", 0.9 - 0.01 * k) for k in range(25)])
    assert len(fuse(many, [])) == 20
    FakeRanker.answer = many
    assert len(fused_ranking(INC, sources=())) == 20


def test_fused_ranking_times_itself(fake_explain):
    res = fused_ranking(INC, sources=())
    assert 0.0 <= res.seconds < 60.0


def test_the_builtin_sources_ask_for_the_depth_they_are_given(monkeypatch):
    import rca.causal
    import rca.gnn

    asked = {}
    monkeypatch.setattr(rca.gnn, "localise", lambda inc, **kw: asked.setdefault("gnn", (inc, kw)))
    monkeypatch.setattr(
        rca.causal,
        "attribution_ranking",
        lambda inc, **kw: asked.setdefault("attribution", (inc, kw)),
    )
    for src in DEFAULT_SOURCES:
        src.rank(INC, 7)
    assert asked == {
        "gnn": (INC, {"max_candidates": 7}),
        "attribution": (INC, {"max_candidates": 7}),
    }


def test_attribution_familiarity_needs_at_least_one_metric_row():
    from rca import Incident, Metrics

    attribution = DEFAULT_SOURCES[1]
    empty = Metrics.from_frame(pd.DataFrame(columns=["timestamp", "entity", "metric", "value"]))
    assert len(empty) == 0
    assert attribution.familiarity(Incident(INC.topology, INC.alarms, empty, name="m0")) == 0.0


@pytest.fixture
def forecast_calls(monkeypatch):
    import rca.gnn

    calls = []

    def forecast(res, inc):
        calls.append((res, inc))
        return RCAResult(
            res.incident,
            res.candidates,
            res.seconds,
            res.method,
            res.n_alarms,
            res.notes + ("forecast looked",),
            res.confident,
            res.ties,
        )

    monkeypatch.setattr(rca.gnn, "forecast_evidence", forecast)
    return calls


ONE_METRIC = incident(
    small_network(), [(0, "S3", "LOS", None)], metrics=[(0, "S3", "cpu", 50.0)], name="m1"
)


def test_the_forecaster_adds_evidence_when_the_gnn_takes_part_and_there_are_metrics(
    fake_explain, forecast_calls
):
    gnn = source("gnn", rank=lambda inc, k: result("gnn", [("A", 1.0)]))
    res = fused_ranking(ONE_METRIC, sources=(gnn,))  # one metric row is enough
    assert len(forecast_calls) == 1
    before, inc = forecast_calls[0]
    assert inc is ONE_METRIC and before.method == "fused" and "forecast looked" not in before.notes
    assert res.notes[-1] == "forecast looked" and [c.entity for c in res] == [
        c.entity for c in before
    ]
    assert 0.0 <= res.seconds < 60.0


@pytest.mark.parametrize(
    ("inc", "name", "familiarity"),
    [(INC, "gnn", None), (ONE_METRIC, "mine", None), (ONE_METRIC, "gnn", lambda inc: 0.0)],
    ids=["no-metrics", "no-gnn", "gnn-silent"],
)
def test_no_forecast_without_metrics_or_without_the_gnn(
    fake_explain, forecast_calls, inc, name, familiarity
):
    src = source(name, rank=lambda i, k: result(name, [("A", 1.0)]), familiarity=familiarity)
    res = fused_ranking(inc, sources=(src,))
    assert forecast_calls == [] and "forecast looked" not in res.notes


def test_fit_source_clips_shares_and_centres_a_silent_source_at_zero():
    rows = (
        [(0.5, 1.0, 1.0, True)] * 24
        + [(0.5, 1.0, 1.0, False)] * 6
        + [(0.5, 0.05, 1.0, True)] * 3
        + [(0.5, 0.05, 1.0, False)] * 27
    )
    above = [
        (p, 1.5 if r == 1.0 else r, f, y) for p, r, f, y in rows
    ]  # a share above 1 counts as 1
    assert fit_source(above) == pytest.approx(fit_source(rows))
    misleading = [(0.5, 0.05, 1.0, True), (0.5, 1.0, 1.0, False)] * 30
    assert fit_source(misleading) == (pytest.approx(0.0, abs=1e-9), 0.0)


def test_fit_source_caps_the_weight_of_a_perfect_source():
    # a source that separates roots from the rest perfectly would take an infinite weight: it stays finite,
    # at most 20 (the optimiser stops near 19.8)
    rows = [(0.5, 1.0, 1.0, True)] * 30 + [(0.5, 0.0, 1.0, False)] * 30
    weight, center = fit_source(rows, l2=1e-9)
    assert 10.0 < weight <= 20.0
    s = source(weight=weight, center=center)
    assert sigmoid(s.log_ratio(1.0)) > 0.99 and sigmoid(s.log_ratio(0.0)) < 0.01


def test_fit_source_bounds_the_center_both_ways():
    # a source on which every candidate is a root (or none is) would push the offset b = weight * center
    # without end (with no penalty on it): the fit stops at b = -50 (or +50, the weight then at its cap of 20)
    never = [(0.5, 0.0, 1.0, False)] * 3000
    assert fit_source(never, l2=0.0) == (pytest.approx(20.0), pytest.approx(50.0 / 20.0))
    always = [(0.5, 1.0, 1.0, True)] * 3000
    weight, center = fit_source(always, l2=0.0)
    assert weight * center == pytest.approx(-50.0)


def test_empty_metrics_are_no_metrics_for_the_forecaster(fake_explain, forecast_calls):
    from rca import Incident, Metrics

    empty = Metrics.from_frame(pd.DataFrame(columns=["timestamp", "entity", "metric", "value"]))
    inc = Incident(ONE_METRIC.topology, ONE_METRIC.alarms, empty, name="m0")
    gnn = source("gnn", rank=lambda i, k: result("gnn", [("A", 1.0)]))
    res = fused_ranking(inc, sources=(gnn,))
    assert forecast_calls == [] and "forecast looked" not in res.notes


def test_the_time_includes_the_forecast_step(fake_explain, monkeypatch):
    import time

    import rca.gnn

    def slow_forecast(res, inc):
        time.sleep(0.2)
        return res

    monkeypatch.setattr(rca.gnn, "forecast_evidence", slow_forecast)
    gnn = source("gnn", rank=lambda inc, k: result("gnn", [("A", 1.0)]))
    assert 0.2 <= fused_ranking(ONE_METRIC, sources=(gnn,)).seconds < 60.0
