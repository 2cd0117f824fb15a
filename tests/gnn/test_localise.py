"""Root localisation with the shipped failure GNN: planted cases, result contract, twin floor."""

from __future__ import annotations

import pytest

from rca import analyze
from rca.datasets import make_incident
from rca.evaluation import score_incident
from rca.gnn import localise
from tests._builders import background, incident, small_network

NODE_DOWN_S3 = background() + [
    (2, "S2", "LINK_DOWN", "S2--S3"),
    (3, "A2", "LINK_DOWN", "A2--S3"),
    (95, "S3", "NE_COMM_LOST", None),
    (96, "B3", "NE_COMM_LOST", None),
    (97, "B4", "NE_COMM_LOST", None),
]

LINK_DOWN_S1_S2 = background() + [
    (1, "S1", "LINK_DOWN", "S1--S2"),
    (1.5, "S2", "LINK_DOWN", "S1--S2"),
    (2, "S1", "LOS", "S1--S2"),
    (2.2, "S2", "LOS", "S1--S2"),
]


def _is_walk(topo, path):
    for a, b in zip(path, path[1:]):
        if b not in topo.neighbors(a):
            return False
    return True


def test_planted_isolated_node_down_ranks_its_root_first():
    inc = incident(small_network(), NODE_DOWN_S3)
    res = localise(inc)
    assert (res[0].entity, res[0].kind) == ("S3", "node")
    # the fault head may call it a card failure (links down, element lost); never a link or cpu fault
    assert res[0].fault in ("node_down", "node_reboot", "card_failure")


def test_planted_link_cut_ranks_the_link_in_the_top_two():
    inc = incident(small_network(), LINK_DOWN_S1_S2)
    res = localise(inc)
    assert res.rank_of("S1--S2") is not None and res.rank_of("S1--S2") <= 2


def test_result_contract():
    topo = small_network()
    res = analyze(incident(topo, NODE_DOWN_S3), method="gnn", max_candidates=7)
    assert res.method == "gnn" and len(res) == 7
    assert [c.rank for c in res.candidates] == list(range(1, 8))
    scores = [c.score for c in res.candidates]
    assert scores == sorted(scores, reverse=True) and all(0.0 <= s <= 1.0 for s in scores)
    for c in res.candidates:
        assert c.kind in ("node", "link", "site") and c.reason and c.evidence
        assert c.scores["gnn"] == pytest.approx(c.score)
        for e in c.evidence:
            assert e.source == "gnn" and e.path[0] == c.entity
            walk = e.path if c.kind == "node" else e.path[1:]
            assert _is_walk(topo, walk)


def test_no_alarms_gives_a_ranking_with_a_note():
    inc = incident(small_network(), [])
    res = localise(inc, max_candidates=3)
    assert len(res) == 3 and any("no alarms" in n for n in res.notes)


def test_twin_single_root_floor():
    # held-out seeds; a weak floor that only a broken model misses
    hits = 0
    faults = ("node_down", "link_down", "site_power", "node_reboot", "card_failure", "node_down")
    for i, fault in enumerate(faults):
        inc = make_incident(size="small", fault=fault, random_state=9100 + i)
        hits += score_incident(localise(inc), inc.truth).ac[2] == 1.0
    assert hits >= 4
