"""Fusion: the explain ranker's probabilities updated by learned sources, only where they know the network."""

from __future__ import annotations

import math
import subprocess
import sys

import pytest

from rca import analyze
from rca.fusion import DEFAULT_SOURCES, FusionSource, fit_source, fuse, fused_ranking
from rca.result import Candidate, Evidence, RCAResult
from tests._builders import background, incident, small_network

NODE_DOWN_S3 = background() + [
    (2, "S2", "LINK_DOWN", "S2--S3"), (3, "A2", "LINK_DOWN", "A2--S3"),
    (95, "S3", "NE_COMM_LOST", None), (96, "B3", "NE_COMM_LOST", None), (97, "B4", "NE_COMM_LOST", None)]


def _result(name, entities, scores):
    cands = tuple(Candidate(r, e, "node", s, "node_down", f"{name} says {e}",
                            (Evidence((e,), f"{name} evidence", source=name),), scores={name: s})
                  for r, (e, s) in enumerate(zip(entities, scores), start=1))
    return RCAResult("x", cands, 0.0, name)


EXPLAIN = _result("explain", ["A", "B", "C"], [0.45, 0.44, 0.05])


def _source(weight, center=0.0, floor=0.01):
    return FusionSource("gnn", lambda inc, k: None, weight, center, floor)


def test_a_familiar_source_breaks_a_near_tie_by_its_likelihood_ratio():
    gnn = _result("gnn", ["B", "A"], [0.9, 0.09])
    out = fuse(EXPLAIN, [(_source(1.0), gnn, 1.0)])
    assert [c.entity for c in out] == ["B", "A", "C"]
    # worked out: logit(0.44) + 1 * log(1 + 0.01) vs logit(0.45) + log(0.1 + 0.01)
    b = 1 / (1 + math.exp(-(math.log(0.44 / 0.56) + math.log(1.01))))
    assert out[0].score == pytest.approx(b)
    assert out[0].scores["gnn"] == pytest.approx(1.0) and out[0].scores["explain"] == pytest.approx(0.44)
    assert out[1].scores["gnn"] == pytest.approx(0.1)
    # a candidate the source does not list gets only its floor
    c = next(c for c in out if c.entity == "C")
    assert c.score == pytest.approx(1 / (1 + math.exp(-(math.log(0.05 / 0.95) + math.log(0.01)))))


def test_an_unfamiliar_or_weightless_source_leaves_the_explain_answer_as_it_is():
    gnn = _result("gnn", ["C", "B"], [0.99, 0.01])
    for source, familiarity in ((_source(1.0), 0.0), (_source(0.0), 1.0)):
        out = fuse(EXPLAIN, [(source, gnn, familiarity)])
        assert [(c.entity, round(c.score, 9)) for c in out] == [("A", 0.45), ("B", 0.44), ("C", 0.05)]
    # familiarity scales the ratio: half as familiar, half the log odds moved
    full = fuse(EXPLAIN, [(_source(1.0), gnn, 1.0)])
    half = fuse(EXPLAIN, [(_source(1.0), gnn, 0.5)])
    logit = lambda p: math.log(p / (1 - p))  # noqa: E731
    c_full = next(c.score for c in full if c.entity == "C")
    c_half = next(c.score for c in half if c.entity == "C")
    assert logit(c_half) - logit(0.05) == pytest.approx(0.5 * (logit(c_full) - logit(0.05)))


def test_the_source_reweighs_the_explain_candidates_and_adds_none():
    gnn = _result("gnn", ["Z", "A"], [1.0, 0.5])
    out = fuse(EXPLAIN, [(_source(2.0), gnn, 1.0)], max_candidates=2)
    assert [c.entity for c in out] == ["A", "B"] and [c.rank for c in out] == [1, 2]
    assert all(c.evidence[0].source == "explain" for c in out)


def test_fit_source_finds_an_informative_source_and_ignores_a_misleading_one():
    good = [(0.5, 1.0, 1.0, True), (0.5, 0.05, 1.0, False)] * 30 + [(0.5, 1.0, 1.0, False)] * 5
    weight, center = fit_source(good)
    assert weight > 0.3
    bad = [(0.5, 0.05, 1.0, True), (0.5, 1.0, 1.0, False)] * 30
    assert fit_source(bad)[0] == pytest.approx(0.0, abs=1e-6)
    assert fit_source([]) == (0.0, 0.0)
    with pytest.raises(ValueError, match="weight must be >= 0"):
        FusionSource("x", lambda inc, k: None, -1.0)


def test_fused_ranking_on_a_planted_incident():
    inc = incident(small_network(), NODE_DOWN_S3)
    res = analyze(inc, method="fused", max_candidates=5)
    assert res.method == "fused" and len(res) <= 5
    assert (res[0].entity, res[0].kind) == ("S3", "node")
    scores = [c.score for c in res]
    assert scores == sorted(scores, reverse=True)
    assert {"explain", "fused"} <= set(res[0].scores)
    # the notes say how far each learned source took part
    assert any(n.startswith("gnn: ") and "familiarity" in n for n in res.notes)


def test_a_source_of_its_own_can_join():
    inc = incident(small_network(), NODE_DOWN_S3)
    extra = FusionSource("mine", lambda i, k: _result("mine", ["B4", "S3"], [1.0, 0.2]), 3.0, 0.0)
    base = fused_ranking(inc, sources=())
    res = fused_ranking(inc, sources=(extra,))
    assert res.rank_of("B4") < base.rank_of("B4")
    assert "mine: familiarity 1.00" in res.notes


def test_importing_fusion_does_not_import_torch():
    code = "import sys; import rca.fusion; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_defaults_are_the_gnn_and_the_attribution():
    assert [s.name for s in DEFAULT_SOURCES] == ["gnn", "attribution"]


def test_the_gnn_knows_its_training_families_and_not_other_networks(tmp_path):
    from rca import read_incident
    from rca.datasets import familiarity, make_incident, othersim

    assert familiarity(make_incident(size="small", random_state=4)) == 1.0
    folder = othersim.write_incident(othersim.make_incident("small", random_state=4), tmp_path / "o")
    assert familiarity(read_incident(folder)) > 0.9   # its odd rows (unknown devices' alarms) aside
    assert familiarity(incident(small_network(), NODE_DOWN_S3)) == 1.0   # the twin's names and types
    renamed = incident(small_network(), [(t, d, "X_" + a, l) for t, d, a, l in NODE_DOWN_S3])
    assert familiarity(renamed) == 0.0
