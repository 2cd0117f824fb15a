"""Root-cause chains: a learned alarm-type graph instantiated on an incident's alarms and topology."""

from __future__ import annotations

import json
import pickle

import pytest

import rca
from rca.causal import (
    CausalGraph,
    ChainFinder,
    add_chains,
    learn_knowledge,
    load_knowledge,
    order_ties_by_chains,
    read_alarm_history,
    root_cause_chains,
    save_knowledge,
)
from rca.datasets import make_incident
from rca.errors import InputError, ModelFileError
from rca.result import Candidate, Evidence, RCAResult
from tests._builders import background, incident, small_network

# a fibre S1--S2 fails: LOS on S2's port, LINK_DOWN on S1, then the routing protocols above it
CHAIN_ROWS = [
    (0.0, "S2", "LOS", "S1--S2"),
    (2.0, "S1", "LINK_DOWN", "S1--S2"),
    (5.0, "A1", "OSPF_NBR_DOWN", "A1--S1"),
    (8.0, "C1", "BGP_PEER_DOWN", "A1--C1"),
]
PLANTED = ("LOS", "LINK_DOWN", "OSPF_NBR_DOWN", "BGP_PEER_DOWN")


def graph_of(
    *edges: tuple[str, str], weight: float = 5.0, nodes: tuple[str, ...] = ()
) -> CausalGraph:
    names = tuple(dict.fromkeys([n for e in edges for n in e] + list(nodes)))
    return CausalGraph(
        names, [{"cause": c, "effect": e, "weight": weight} for c, e in edges], method="manual"
    )


LEARNED = graph_of(*zip(PLANTED, PLANTED[1:]), ("HIGH_CPU", "SLA_LATENCY_HIGH"))


@pytest.fixture()
def planted():
    return incident(small_network(), background() + CHAIN_ROWS)


def test_planted_chain_is_found_with_its_alarm_type_steps(planted):
    chains = root_cause_chains(planted, LEARNED, "S1--S2")
    assert chains, "the planted chain was not found"
    best = chains[0]
    assert best.alarm_types == PLANTED
    assert [s.device for s in best.steps] == ["S2", "S1", "A1", "C1"]
    assert best.path == ("S1--S2", "S2:LOS", "S1:LINK_DOWN", "A1:OSPF_NBR_DOWN", "C1:BGP_PEER_DOWN")
    assert best.weights == (5.0, 5.0, 5.0)


def test_chain_steps_are_observed_neighbouring_and_forward_in_time(planted):
    topo = planted.topology
    observed = set(
        zip(
            planted.alarms.frame["device"],
            planted.alarms.frame["alarm_type"],
            planted.alarms.frame["time"],
        )
    )
    for entity in ("S1--S2", "S2", "S1", "C1--C2"):
        for chain in root_cause_chains(planted, LEARNED, entity, max_chains=5):
            for step in chain.steps:
                assert (step.device, step.alarm_type, step.time) in observed
            for a, b in zip(chain.steps, chain.steps[1:]):
                assert b.device == a.device or b.device in topo.neighbors(a.device)
                assert b.time - a.time >= -5.0
                assert LEARNED.has_edge(a.alarm_type, b.alarm_type)


def test_why_names_the_types_devices_and_timing(planted):
    why = root_cause_chains(planted, LEARNED, "S1--S2")[0].why
    assert (
        "LOS on S2 at 10:00:00 -> LINK_DOWN on S1 (+2.0 s) -> OSPF_NBR_DOWN on A1 (+5.0 s)" in why
    )
    assert "BGP_PEER_DOWN on C1 (+8.0 s)" in why


def test_root_alarms_belong_to_the_candidate(planted):
    # S3 and its links raised nothing of the chain: no chain starts there
    assert root_cause_chains(planted, LEARNED, "S3") == []
    assert root_cause_chains(planted, LEARNED, "S2--S3") == []
    # the site of S2 holds S2 (and B2): the chain starts at S2's LOS
    assert root_cause_chains(planted, LEARNED, "SITE2")[0].alarm_types == PLANTED


def test_graph_without_matching_edges_adds_no_chain(planted):
    reversed_graph = graph_of(*zip(PLANTED[1:], PLANTED))  # every edge the wrong way round
    assert root_cause_chains(planted, reversed_graph, "S1--S2", tolerance_s=0) == []
    unrelated = graph_of(("FAN_FAILURE", "TEMP_HIGH"))
    assert root_cause_chains(planted, unrelated, "S1--S2") == []
    result = rca.analyze(planted)
    out = add_chains(result, planted, unrelated)
    assert [c.evidence for c in out.candidates] == [c.evidence for c in result.candidates]
    assert any("no root-cause chain" in n for n in out.notes)


def test_hops_delay_and_tolerance_bound_the_steps():
    topo = small_network()
    g = graph_of(("LOS", "LINK_DOWN"))
    two_hops = incident(
        topo, [(0, "S2", "LOS", "S1--S2"), (2, "A1", "LINK_DOWN", "A1--C1")]
    )  # A1 is 2 hops from S2
    assert root_cause_chains(two_hops, g, "S2") == []
    assert root_cause_chains(two_hops, g, "S2", max_hops=2)[0].alarm_types == ("LOS", "LINK_DOWN")
    late = incident(topo, [(0, "S2", "LOS", "S1--S2"), (700, "S1", "LINK_DOWN", "S1--S2")])
    assert root_cause_chains(late, g, "S2") == []
    assert root_cause_chains(late, g, "S2", max_delay_s=800) != []
    skewed = incident(
        topo, [(3, "S2", "LOS", "S1--S2"), (0, "S1", "LINK_DOWN", "S1--S2")]
    )  # effect stamped 3 s early
    assert root_cause_chains(skewed, g, "S2", tolerance_s=5)[0].alarm_types == ("LOS", "LINK_DOWN")
    assert root_cause_chains(skewed, g, "S2", tolerance_s=0) == []


def test_clears_are_not_steps():
    topo = small_network()
    frame_rows = [(0, "S2", "LOS", "S1--S2"), (2, "S1", "LINK_DOWN", "S1--S2")]
    inc = incident(topo, frame_rows)
    inc.alarms.frame.loc[inc.alarms.frame["device"] == "S1", "severity"] = "cleared"
    assert root_cause_chains(inc, graph_of(("LOS", "LINK_DOWN")), "S2") == []


def test_a_cyclic_graph_gives_chains_without_repeated_types(planted):
    g = graph_of(("LOS", "LINK_DOWN"), ("LINK_DOWN", "LOS"), ("LINK_DOWN", "OSPF_NBR_DOWN"))
    chains = ChainFinder(planted, g).chains("S1--S2", max_chains=5)
    assert chains
    for chain in chains:
        assert len(set(chain.alarm_types)) == len(chain.alarm_types)


def test_add_chains_keeps_the_ranking_and_adds_causal_evidence(planted):
    result = rca.analyze(planted)
    out = add_chains(result, planted, LEARNED)
    assert [(c.rank, c.entity, c.score) for c in out.candidates] == [
        (c.rank, c.entity, c.score) for c in result.candidates
    ]
    with_chain = [c for c in out.candidates if any(e.source == "causal" for e in c.evidence)]
    assert with_chain
    for cand in with_chain:
        before = next(c for c in result.candidates if c.entity == cand.entity)
        assert cand.evidence[0] == before.evidence[0]  # the ranker's own best path stays first
        causal = [e for e in cand.evidence if e.source == "causal"]
        assert causal[0].path[0] == cand.entity and all(":" in step for step in causal[0].path[1:])
        assert 0 < cand.scores["causal"] <= 1
    assert (
        result.candidates[0].evidence == rca.analyze(planted).candidates[0].evidence
    )  # input not mutated
    json.loads(out.to_json())  # still the spec's JSON


def test_analyze_with_knowledge_on_a_twin_incident_only_reorders_ties():
    history = [make_incident(size="small", random_state=seed) for seed in range(3)]
    frames = []
    for k, inc in enumerate(history):
        f = inc.alarms.frame[["time", "device", "alarm_type"]].copy()
        f["device"] = f"{k}/" + f["device"]
        f["time"] = f["time"] - f["time"].min() + k * 86_400.0
        frames.append(f)
    import pandas as pd

    graph = learn_knowledge(rca.causal.AlarmHistory(pd.concat(frames, ignore_index=True)))
    inc = make_incident(size="small", random_state=11)
    plain = rca.analyze(inc)
    with_knowledge = rca.analyze(inc, knowledge=graph)
    # the same candidates and scores; only equally scored ones may swap, by chain support
    assert [c.score for c in with_knowledge.candidates] == [c.score for c in plain.candidates]
    assert sorted(c.entity for c in with_knowledge.candidates) == sorted(
        c.entity for c in plain.candidates
    )
    for a, b in zip(with_knowledge.candidates, with_knowledge.candidates[1:]):
        if a.score == b.score:
            assert a.scores.get("causal", 0.0) >= b.scores.get("causal", 0.0)
    for cand in with_knowledge.candidates:
        for ev in (e for e in cand.evidence if e.source == "causal"):
            assert len(ev.alarms) >= 2 and len(ev.path) == len(ev.alarms) + 1


def test_an_unknown_entity_has_no_chain_and_bad_graph_is_refused(planted):
    with pytest.raises(InputError):
        root_cause_chains(planted, LEARNED, "NOPE")
    with pytest.raises(InputError, match="CausalGraph"):
        ChainFinder(planted, {"LOS": "LINK_DOWN"})  # type: ignore[arg-type]


# -- knowledge files -----------------------------------------------------------
def test_knowledge_round_trip_keeps_edges_and_provenance(tmp_path):
    path = save_knowledge(LEARNED, tmp_path / "k.json", source="hist", n_alarms=12, n_incidents=3)
    data = json.loads(path.read_text())
    assert data["knowledge"]["n_alarms"] == 12 and data["knowledge"]["created"].endswith("Z")
    back = load_knowledge(path)
    assert back.edge_set() == LEARNED.edge_set()
    assert back.params["knowledge"]["source"] == "hist"


@pytest.mark.parametrize(
    "content, words",
    [
        (b"{not json", "not JSON"),
        (b"[1, 2]", "not a knowledge file"),
        (b'{"nodes": ["A"], "edges": [{"cause": "A", "effect": "B"}]}', "'B'"),
        (b'{"nodes": ["A", "B"], "edges": [{"cause": "A"}]}', "edge 0"),
        (pickle.dumps({"nodes": ["A"]}), "k.json"),
    ],
)
def test_malformed_knowledge_file_is_a_clear_error(tmp_path, content, words):
    path = tmp_path / "k.json"
    path.write_bytes(content)
    with pytest.raises(ModelFileError, match="k.json") as info:
        load_knowledge(path)
    assert words in str(info.value)


def test_history_keeps_incident_networks_apart(tmp_path):
    for k in range(2):
        incident(
            small_network(),
            [(k, "S2", "LOS", "S1--S2"), (k + 1, "S1", "LINK_DOWN", "S1--S2")],
            name=f"i{k}",
        ).write(tmp_path / f"i{k}")
    history = read_alarm_history(tmp_path)
    assert history.n_incidents == 2
    assert set(history.alarms["device"]) == {"i0/S1", "i0/S2", "i1/S1", "i1/S2"}
    assert history.topology.has_edge("i0/S1", "i0/S2") and not history.topology.has_edge(
        "i0/S1", "i1/S2"
    )
    assert history.alarms["time"].max() - history.alarms["time"].min() > 86_000  # a day apart


def test_history_errors_name_the_path(tmp_path):
    with pytest.raises(InputError, match="no Alarm.csv") as info:
        read_alarm_history(tmp_path)
    assert str(tmp_path) in str(info.value)


def test_ties_are_ordered_by_chain_support_and_nothing_else_moves():
    def cand(rank, entity, score, causal=None):
        scores = {"explain": score} if causal is None else {"explain": score, "causal": causal}
        return Candidate(
            rank, entity, "node", score, "node_down", "", (Evidence((entity,), ""),), scores=scores
        )

    # B and C tie below A; C's chain reaches more of the incident. D scores above
    # its predecessor (a fused ranking's lead rule can do that) and stays put.
    result = RCAResult(
        "t",
        (
            cand(1, "A", 0.9, 0.1),
            cand(2, "B", 0.5),
            cand(3, "C", 0.5, 0.4),
            cand(4, "D", 0.7, 0.9),
            cand(5, "E", 0.2, 0.3),
        ),
        0.0,
    )
    out = order_ties_by_chains(result)
    assert [(c.rank, c.entity) for c in out.candidates] == [
        (1, "A"),
        (2, "C"),
        (3, "B"),
        (4, "D"),
        (5, "E"),
    ]
    assert [c.entity for c in result.candidates] == ["A", "B", "C", "D", "E"]  # input unchanged
