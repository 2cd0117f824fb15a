"""The ranker on network-twin incidents: evidence is consistent, accuracy holds."""

import pytest

from rca import analyze
from rca.datasets import make_incident
from rca.evaluation import score_incident, summarize
from rca.vocabulary import alarm_role

SEEDS = range(900, 924)


@pytest.fixture(scope="module")
def analysed():
    out = []
    for seed in SEEDS:
        inc = make_incident(size="small", random_state=seed)
        out.append((inc, analyze(inc)))
    return out


def test_dead_elements_do_not_explain_their_own_alarms(analysed):
    for inc, result in analysed:
        for c in result.candidates[:3]:
            if c.fault != "node_down":
                continue
            for e in c.evidence:
                for a in e.alarms:
                    if a.device == c.entity:
                        assert alarm_role(a.alarm_type.replace(" (cleared)", "")) in (
                            "comm_lost",
                            "dying_gasp",
                            "restart",
                            "power",
                            "service",
                        ), (inc.name, c.entity, a)


def test_evidence_paths_are_topology_walks(analysed):
    for inc, result in analysed:
        topo = inc.topology
        for c in result.candidates[:5]:
            for e in c.evidence:
                walk = list(e.path) if c.kind == "node" else list(e.path[1:])
                assert e.path[0] == c.entity
                for a, b in zip(walk, walk[1:]):
                    assert topo.link_between(a, b) is not None, (c.entity, e.path)
                if e.source == "topology" and e.alarms:
                    assert e.path[-1] == e.alarms[0].device


def test_accuracy_floor_on_small_twin(analysed):
    # A regression guard two incidents below what the ranker scores on these
    # 24 seeds (AC@1 0.71, AC@3 0.86); the benchmark figures are in the README.
    ev = summarize([score_incident(r, inc.truth) for inc, r in analysed])
    overall = ev.to_dict()["overall"]
    assert overall["AC@1"] >= 0.625
    assert overall["AC@3"] >= 0.78
    assert overall["AC@5"] >= 0.8


def test_ties_are_declared_and_scores_fall_with_the_rank(analysed):
    # Candidates that nothing observed tells apart (the same explained alarms,
    # the same likelihood) are declared as tie groups; scores never rise
    # with the rank.
    n_groups = 0
    for inc, result in analysed:
        cands = result.candidates
        assert all(a.score >= b.score for a, b in zip(cands, cands[1:])), inc.name
        for group in result.ties:
            members = [cands[r - 1] for r in group]
            assert len({round(c.scores["log_likelihood_ratio"], 6) for c in members}) == 1, (
                inc.name,
                group,
            )
            assert len({c.explained for c in members}) == 1, (inc.name, group)
            assert all("nothing observed tells them apart" in c.reason for c in members)
            n_groups += 1
    assert n_groups > 0  # real ties remain (a duct cut's links, identical footprints)
