"""Fusion of root-cause rankers: rank combination, evidence kept, sources pluggable, torch-free import."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace

import pytest

from rca import analyze
from rca.fusion import DEFAULT_SOURCES, FusionSource, fuse, fused_ranking
from rca.result import Candidate, Evidence, RCAResult
from tests._builders import background, incident, small_network

NODE_DOWN_S3 = background() + [
    (2, "S2", "LINK_DOWN", "S2--S3"), (3, "A2", "LINK_DOWN", "A2--S3"),
    (95, "S3", "NE_COMM_LOST", None), (96, "B3", "NE_COMM_LOST", None), (97, "B4", "NE_COMM_LOST", None)]


def _result(name, entities, scores=None):
    scores = scores or [1.0 - 0.001 * r for r in range(len(entities))]  # near-ties unless given
    cands = tuple(Candidate(r, e, "node", s, "node_down", f"{name} says {e}",
                            (Evidence((e,), f"{name} evidence", source=name),))
                  for r, (e, s) in enumerate(zip(entities, scores), start=1))
    return RCAResult("x", cands, 0.0, name)


def _fixed(name, entities, weight=1.0, scores=None, floor=0.1):
    return FusionSource(name, lambda inc, k: _result(name, entities, scores), weight, floor)


def _fuse(*sources, **kw):
    return fuse([(s, s.rank(None, 20)) for s in sources], **kw)


def test_agreement_beats_a_single_first_place():
    a = _fixed("a", ["X", "Y", "Z"], scores=[1.0, 0.9, 0.8])
    b = _fixed("b", ["W", "Y", "X"], scores=[1.0, 0.9, 0.5])
    out = _fuse(a, b, lead_margin=None)  # the product alone (a's 10 % lead would keep X first)
    order = [c.entity for c in out]
    # Y, strong in both, beats X (first in a, weak in b); W, first only in b, follows both
    assert order == ["Y", "X", "W", "Z"]
    assert [c.rank for c in out] == list(range(1, len(out) + 1))
    top = out[0]
    assert set(top.scores) == {"a", "b", "fused"} and top.scores["a"] == 0.9
    assert 0.0 < out[-1].score < top.score < 1.0
    assert [e.source for e in top.evidence] == ["a", "b"]  # evidence of every source, first source first
    assert top.reason == "a says Y"
    # first everywhere is the most a candidate can earn
    assert _fuse(a, _fixed("b", ["X"], scores=[0.7]))[0].score == pytest.approx(1.0)


def test_weights_decide_disagreements():
    a = _fixed("a", ["X", "Y"], scores=[1.0, 0.8])
    for weight, winner in ((3.0, "Y"), (0.5, "X")):
        b = _fixed("b", ["Y", "X"], weight=weight, scores=[1.0, 0.8])
        assert _fuse(a, b, lead_margin=None)[0].entity == winner


def test_an_improbable_candidate_earns_next_to_nothing():
    # b is sharp like the GNN's softmax: its second place Z holds 0.5 % of the
    # probability. A rank vote would credit Z as b's runner-up and push a's
    # close alternative Y down; the product does not.
    a = _fixed("a", ["X", "Y", "Z"], scores=[1.0, 0.8, 0.05])
    b = _fixed("b", ["X", "Z"], weight=0.3, floor=0.001, scores=[0.99, 0.005])
    assert [c.entity for c in _fuse(a, b)] == ["X", "Y", "Z"]


def test_a_source_that_abstains_takes_no_part():
    a = _fixed("a", ["X", "Y"], scores=[1.0, 0.8])
    silent = FusionSource("b", lambda inc, k: RCAResult("x", (), 0.0, "b"), 5.0)
    out = _fuse(a, silent)
    assert [c.entity for c in out] == ["X", "Y"] and out[0].score == pytest.approx(1.0)


def test_a_clear_leader_of_the_first_source_stays_first():
    a = _fixed("a", ["X", "Y", "Z"], scores=[1.0, 0.5, 0.4])
    b = _fixed("b", ["Y", "Z", "X"], weight=3.0, scores=[1.0, 0.9, 0.1])
    kept = _fuse(a, b)
    assert [c.entity for c in kept] == ["X", "Y", "Z"]  # b reorders only what follows a's answer
    # the promoted leader shows just above the best product, so scores still fall with the rank
    assert kept[0].score > kept[1].score > kept[2].score and kept[0].scores["fused"] < kept[1].score
    assert kept[0].score == pytest.approx(kept[1].score, abs=1e-5)
    # so ordering equal scores by learned chains (rca analyze --knowledge) cannot undo the rule
    from rca.causal import order_ties_by_chains
    chained = tuple(replace(c, scores={**c.scores, "causal": 1.0 if c.entity == "Y" else 0.0}) for c in kept)
    assert order_ties_by_chains(RCAResult("x", chained, 0.0, "fused"))[0].entity == "X"
    assert _fuse(a)[0].score == pytest.approx(1.0)  # a lone source's leader shows its own product
    assert _fuse(a, b, lead_margin=None)[0].entity == "Y"      # without the rule, b's weight wins
    # a lead below the margin is a near-tie that the other sources break
    a_tied = _fixed("a", ["X", "Y", "Z"], scores=[1.0, 0.99, 0.4])
    assert _fuse(a_tied, b)[0].entity == "Y"


def test_a_source_needs_a_positive_floor():
    with pytest.raises(ValueError, match="'b'.*floor"):
        FusionSource("b", lambda inc, k: None, 1.0, 0.0)


def test_fused_ranking_on_a_planted_incident():
    inc = incident(small_network(), NODE_DOWN_S3)
    res = analyze(inc, method="fused", max_candidates=5)
    assert res.method == "fused" and len(res) <= 5
    assert (res[0].entity, res[0].kind) == ("S3", "node")
    scores = [c.score for c in res]
    assert scores == sorted(scores, reverse=True)
    assert {"explain", "gnn", "fused"} <= set(res[0].scores)
    assert {e.source for e in res[0].evidence} >= {"gnn"} and len({e.source for e in res[0].evidence}) >= 2


def test_a_third_source_can_join():
    inc = incident(small_network(), NODE_DOWN_S3)
    extra = _fixed("attribution", ["B4", "S3"], weight=0.5)
    res = fused_ranking(inc, sources=(*DEFAULT_SOURCES, extra))
    assert "attribution" in res[0].scores or res.rank_of("B4") is not None
    with pytest.raises(ValueError, match="at least one source"):
        fused_ranking(inc, sources=())


def test_importing_fusion_does_not_import_torch():
    code = "import sys; import rca.fusion; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
