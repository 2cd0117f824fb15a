"""The explain ranker's likelihood, features and root selection, worked out by hand on four observations.

The network: routers R1, R2, R3 and switches S1, S2, S3 (node_type is the
class of an element). The observations, made by hand (not read from alarms):

====  ======  =========  ======  ======  ===========  =====
 i    entity  role       time    weight  type         open
====  ======  =========  ======  ======  ===========  =====
 0    R1      link       1000    1.0     LINK_DOWN    1
 1    S1      comm_lost  1100    1.0     NE_COMM_LOST 1
 2    R2      cpu         400    1.0     HIGH_CPU     0
 3    R3      cpu         500    0.5     HIGH_CPU     0
====  ======  =========  ======  ======  ===========  =====

Every expected value below is the arithmetic of the module docstrings,
written out; none calls the code under test to get it.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from rca import Topology
from rca._observe import Observation, Observations
from rca.explain._features import FEATURES, features
from rca.explain._footprint import Footprint
from rca.explain._hypotheses import Hypothesis
from rca.explain._likelihood import EvidenceModel
from rca.explain._outage import Slots
from rca.explain._select import Ranked, key_of, marginals, posterior, tie_groups


def network(node_type=True) -> Topology:
    ids = ["R1", "R2", "R3", "S1", "S2", "S3"]
    nodes = pd.DataFrame({"node_id": ids, "gateway": [True] + [False] * 5})
    if node_type:
        nodes["node_type"] = ["router"] * 3 + ["switch"] * 3
    links = pd.DataFrame(
        {"source": ["R1", "R1", "R2", "S1", "S2"], "target": ["R2", "S1", "R3", "S2", "S3"]}
    )
    return Topology.from_frames(nodes, links)


def observations(
    topo=None, *, comm_lost=True, times=(1000.0, 1100.0, 400.0, 500.0)
) -> Observations:
    topo = topo or network()
    items = [
        Observation(
            ("R1", "link", "R1--S1"),
            "R1",
            "link",
            times[0],
            1,
            1.0,
            link="R1--S1",
            open=1,
            types={"LINK_DOWN"},
        ),
        Observation(
            ("S1", "comm_lost"),
            "S1",
            "comm_lost" if comm_lost else "service",
            times[1],
            1,
            1.0,
            open=1,
            types={"NE_COMM_LOST"},
        ),
        Observation(("R2", "cpu"), "R2", "cpu", times[2], 1, 1.0, types={"HIGH_CPU"}),
        Observation(("R3", "cpu"), "R3", "cpu", times[3], 1, 0.5, types={"HIGH_CPU"}),
    ]
    by_entity = {o.entity: [i] for i, o in enumerate(items)}
    return Observations(
        topo,
        items,
        onset=1000.0,
        by_entity=by_entity,
        by_link={"R1--S1": [0]},
        alive_after={},
        recovered={},
        has_comm_lost=comm_lost,
    )


def slots(lost_seen=0, lost_unseen=0, dead_unseen=0, ports_seen=0, ports_unseen=0) -> Slots:
    s = Slots()
    s.lost_seen, s.lost_unseen, s.dead_unseen, s.ports_seen, s.ports_unseen = (
        lost_seen,
        lost_unseen,
        dead_unseen,
        ports_seen,
        ports_unseen,
    )
    return s


def footprint(
    entity="R1", fault="node_down", explained=None, *, t_fault=1000.0, kind="node", **kw
) -> Footprint:
    return Footprint(
        Hypothesis(entity, kind, fault),
        t_fault,
        dict(explained or {}),
        kw.pop("slots", Slots()),
        **kw,
    )


# ---------------------------------------------------------------------------------------- background
# role rates over the 6 elements, each shrunk toward half an element: (elements + 0.5) / (6 + 1)
LINK_ROLE, LOST_ROLE, CPU_ROLE = 1.5 / 7, 1.5 / 7, 2.5 / 7
# class rates (3 routers, 3 switches), shrunk toward the role's with 10 pseudo-elements
LINK_ROUTER = (1 + 10 * LINK_ROLE) / (3 + 10)
LOST_SWITCH = (1 + 10 * LOST_ROLE) / (3 + 10)
CPU_ROUTER = (2 + 10 * CPU_ROLE) / (3 + 10)
# type rates over the 6 elements, shrunk toward the class's with 5 pseudo-elements
LINK_DOWN = (1 + 5 * LINK_ROUTER) / (6 + 5)
NE_COMM_LOST = (1 + 5 * LOST_SWITCH) / (6 + 5)
HIGH_CPU = (2 + 5 * CPU_ROUTER) / (6 + 5)
# the log spans 1100 - 400 = 700 s; windows: link 60 + 90 = 150 s, comm_lost 1260 s, cpu 900 s
B = [LINK_DOWN * 150 / 700, NE_COMM_LOST * 1.0, HIGH_CPU * 1.0, HIGH_CPU * 1.0]


def test_background_rates_by_hand():
    model = EvidenceModel(observations())
    assert model.span == 700.0
    assert model.total_weight == 3.5
    assert [model.background(i) for i in range(4)] == pytest.approx(B)
    assert [model.reliability(i) for i in range(4)] == [1.0, 1.0, 1.0, 0.5]


def test_span_is_at_least_ten_minutes():
    model = EvidenceModel(observations(times=(1000.0, 1010.0, 1020.0, 1030.0)))
    assert model.span == 600.0
    assert model.background(0) == pytest.approx(LINK_DOWN * 150 / 600)


def test_without_classes_every_element_is_one_class():
    # no node_type nor layer column: opportunities are the 6 elements, and the class rate shrinks
    # toward the role's over them: link (1 + 10 * 1.5/7) / (6 + 10)
    model = EvidenceModel(observations(network(node_type=False)))
    link = (1 + 10 * LINK_ROLE) / (6 + 10)
    cpu = (2 + 10 * CPU_ROLE) / (6 + 10)
    assert model.background(0) == pytest.approx((1 + 5 * link) / 11 * 150 / 700)
    assert model.background(2) == pytest.approx((2 + 5 * cpu) / 11)


def test_layer_is_a_class_too():
    topo = network(node_type=False)
    nodes = topo.nodes.reset_index().assign(layer=["core"] * 3 + ["access"] * 3)
    model = EvidenceModel(observations(Topology.from_frames(nodes, topo.links.reset_index())))
    assert model.background(2) == pytest.approx(HIGH_CPU)  # the same 3 + 3 split as node_type


def test_background_is_kept_between_its_bounds():
    # 1000 elements, one raising LINK_DOWN in a 150 s window of a 3-hour log: below 1e-4, so 1e-4
    ids = [f"N{k}" for k in range(1000)]
    topo = Topology.from_frames(
        pd.DataFrame({"node_id": ids, "gateway": [True] + [False] * 999}),
        pd.DataFrame({"source": ids[:-1], "target": ids[1:]}),
    )
    items = [
        Observation(
            ("N1", "link", "N0--N1"), "N1", "link", 0.0, 1, 1.0, link="N0--N1", types={"LINK_DOWN"}
        ),
        Observation(("N2", "other"), "N2", "other", 10_800.0, 1, 0.3, types={"X"}),
    ]
    obs = Observations(topo, items, 0.0, {"N1": [0], "N2": [1]}, {"N0--N1": [0]}, {}, {}, False)
    model = EvidenceModel(obs)
    assert model.background(0) == 1e-4
    # the same type raised by every element at once: at most 0.5
    items = [
        Observation((f"N{k}", "other"), f"N{k}", "other", 0.0, 1, 0.3, types={"X"})
        for k in range(1000)
    ]
    obs = Observations(topo, items, 0.0, {f"N{k}": [k] for k in range(1000)}, {}, {}, {}, False)
    assert EvidenceModel(obs).background(0) == 0.5


# ---------------------------------------------------------------------------------------- evidence
def test_gain_of_an_explained_observation():
    model = EvidenceModel(observations())
    b0 = B[0]
    assert model.gain(0, 1.0) == pytest.approx(math.log(1 + 1.0 * (1 - b0) / b0))
    assert model.gain(0, 0.5) == pytest.approx(math.log(1 + 0.5 * (1 - b0) / b0))
    # half a symptom (reliability 0.5) counts as half the chance
    assert model.gain(3, 1.0) == pytest.approx(math.log(1 + 0.5 * (1 - B[3]) / B[3]))
    assert model.gain(3, 1.0) == model.gain(3, 1.0)  # cached, the same
    assert model.weight(3, 0.8) == pytest.approx(0.8 * 0.5)


def test_missing_symptoms_at_the_prior_reporting_rates():
    model = EvidenceModel(observations())
    assert (model.report_lost, model.report_port) == (0.7, 0.7)
    fp = footprint(slots=slots(lost_unseen=2, ports_unseen=3))
    lost, ports = model.missing(fp)
    assert lost == pytest.approx(-2 * math.log(1 - 0.7)) and ports == pytest.approx(
        -3 * math.log(1 - 0.7)
    )
    assert model.missing(footprint()) == (0.0, 0.0)


def test_an_nms_that_never_reports_losses_makes_missing_ones_no_evidence():
    model = EvidenceModel(observations(comm_lost=False))
    assert model.report_lost == 0.0
    lost, ports = model.missing(footprint(slots=slots(lost_unseen=5, ports_unseen=1)))
    assert lost == 0.0 and ports == pytest.approx(-math.log(0.3))


def test_llr_adds_gains_and_subtracts_what_is_missing_and_contradicted():
    model = EvidenceModel(observations())
    fp = footprint(
        explained={0: 1.0, 1: 0.8},
        slots=slots(lost_unseen=1, ports_unseen=1),
        contradictions=[("S2", 1.0), ("S3", 0.5)],
    )
    gains = math.log(1 + (1 - B[0]) / B[0]) + math.log(1 + 0.8 * (1 - B[1]) / B[1])
    expected = gains + math.log(0.3) + math.log(0.3) + 1.5 * math.log(0.05)
    assert model.llr(fp) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("fault", "level", "factor"),
    [
        ("cpu_overload", 0.4, (0.4 / 0.8) ** 4),
        ("congestion", 0.2, 0.01),
        ("congestion", 0.9, 1.0),
        ("cpu_overload", None, 1.0),
        ("node_down", 0.4, 1.0),
    ],
)
def test_a_load_fault_pays_for_a_low_peak(fault, level, factor):
    model = EvidenceModel(observations())
    fp = footprint("R2", fault, {2: 1.0}, level=level)
    assert model.llr(fp) == pytest.approx(math.log(1 + (1 - B[2]) / B[2]) + math.log(factor))


def test_refit_moves_the_rates_to_what_the_roots_leave():
    model = EvidenceModel(observations())
    root = footprint(
        explained={0: 1.0, 1: 1.0},
        slots=slots(lost_seen=1, lost_unseen=1, ports_seen=1, ports_unseen=2),
    )
    model.refit(frozenset({0, 1}), [root])
    # reporting: Beta(0.7 * 4) prior and the root's slots: lost 1 of 2, ports 1 of 3
    assert model.report_lost == pytest.approx((1 + 2.8) / (2 + 4))
    assert model.report_port == pytest.approx((1 + 2.8) / (3 + 4))
    # the background no longer counts R1's link and S1's loss: link role (0 + 0.5) / 7
    link_role = 0.5 / 7
    link_router = (0 + 10 * link_role) / 13
    assert model.background(0) == pytest.approx((0 + 5 * link_router) / 11 * 150 / 700)
    assert model.background(2) == pytest.approx(B[2])  # the CPU alarms are still background
    # an incident whose NMS reports no losses keeps reporting none
    quiet = EvidenceModel(observations(comm_lost=False))
    quiet.refit(frozenset({0}), [root])
    assert quiet.report_lost == 0.0


def test_refit_without_roots_keeps_the_reporting_rates():
    model = EvidenceModel(observations())
    model.refit(frozenset({0}), [])
    assert (model.report_lost, model.report_port) == (0.7, 0.7)


# ---------------------------------------------------------------------------------------- features
def test_features_by_hand():
    obs = observations()
    model = EvidenceModel(obs)
    obs.items[
        1
    ].weight = 0.5  # S1's loss flapped: half its weight, reliability 1/2 (model read it at 1.0)
    model = EvidenceModel(obs)
    fp = footprint(
        "R1",
        "node_down",
        {0: 1.0, 1: 0.8},
        t_fault=1900.0,
        slots=slots(lost_unseen=2, dead_unseen=1, ports_unseen=1),
        contradictions=[("S2", 1.0)],
    )
    x = dict(zip(FEATURES, features(fp, obs, model)))
    symptom = 1.0 * 1.0 + 0.5 * 0.8  # 1.4 of a total weight 1.0 + 0.5 + 1.0 + 0.5 = 3.0
    assert x["coverage"] == pytest.approx(symptom / 3.0)
    assert x["log_coverage"] == pytest.approx(math.log(symptom / 3.0))
    assert x["breadth"] == pytest.approx(math.log(1 + 2))  # R1 and S1
    assert x["roles"] == 2  # link, comm_lost
    assert x["missing_lost"] == pytest.approx(-2 * math.log(0.3))
    assert x["missing_ports"] == pytest.approx(-1 * math.log(0.3))
    assert x["contradicted"] == 1.0
    assert x["below_capacity"] == 0.0
    assert x["transient"] == pytest.approx((0.0 + 0.5) / 2)  # S1's half symptom
    assert x["persistent"] == pytest.approx(2 / 2)  # both still open
    assert x["off_onset"] == pytest.approx(900 / 1800)  # 1900 s against an onset at 1000 s
    assert x["log_prior"] == pytest.approx(math.log(0.985))  # node_down
    against = 0.5 * (2 + 0.2 * 1) + 0.3 * 1 + 1.5 * 1.0 + 0.5
    assert x["log_precision"] == pytest.approx(math.log(symptom / (symptom + against)))


def test_features_of_a_load_fault_and_of_a_degrading_link():
    obs = observations()
    model = EvidenceModel(obs)
    x = dict(
        zip(
            FEATURES,
            features(
                footprint("R2", "cpu_overload", {2: 1.0, 3: 1.0}, t_fault=4600.0, level=0.4),
                obs,
                model,
            ),
        )
    )
    assert x["below_capacity"] == pytest.approx(-math.log((0.4 / 0.8) ** 4))
    assert x["off_onset"] == 1.0  # an hour away: at most 1
    assert x["persistent"] == 0.0 and x["transient"] == pytest.approx(0.5 / 2)
    assert x["log_prior"] == pytest.approx(math.log(0.9))
    assert x["log_precision"] == pytest.approx(math.log(1.5 / (1.5 + 0.5)))
    # a degrading link flaps by nature: its link and comm-lost symptoms are not transient
    obs.items[0].weight = obs.items[1].weight = 0.5
    model = EvidenceModel(obs)
    x = dict(
        zip(
            FEATURES,
            features(
                footprint("R1--S1", "link_degraded", {0: 1.0, 1: 1.0, 3: 1.0}, kind="link"),
                obs,
                model,
            ),
        )
    )
    assert x["transient"] == pytest.approx((0 + 0 + 0.5) / 3)


def test_features_of_a_hypothesis_that_explains_nothing():
    obs = observations()
    model = EvidenceModel(obs)
    x = dict(zip(FEATURES, features(footprint("S3", "node_down", {}), obs, model)))
    assert x["coverage"] == 0.0 and x["log_coverage"] == pytest.approx(math.log(1e-6))
    assert x["log_precision"] == pytest.approx(math.log(1e-6))
    assert (
        x["breadth"] == 0.0 and x["roles"] == 0 and x["transient"] == 0.0 and x["persistent"] == 0.0
    )


def test_missing_losses_count_only_where_the_nms_reports_them():
    obs = observations(comm_lost=False)
    model = EvidenceModel(obs)
    fp = footprint(
        "R1", "node_down", {0: 1.0}, slots=slots(lost_unseen=3, dead_unseen=3, ports_unseen=2)
    )
    x = dict(zip(FEATURES, features(fp, obs, model)))
    assert x["log_precision"] == pytest.approx(math.log(1.0 / (1.0 + 0.3 * 2 + 0.5)))


def _announcement_then_port_down(announcer, role, alarm_type, reporter, link) -> Observations:
    """``announcer``'s own alarm (observation 0) at 1000 s, then ``reporter``'s port on ``link`` down (1)."""
    items = [
        Observation((announcer, role), announcer, role, 1000.0, 1, 1.0, open=1, types={alarm_type}),
        Observation(
            (reporter, "link", link),
            reporter,
            "link",
            1001.0,
            1,
            1.0,
            link=link,
            open=1,
            types={"LINK_DOWN"},
        ),
    ]
    by_entity: dict[str, list[int]] = {announcer: [0]}
    by_entity.setdefault(reporter, []).append(1)
    return Observations(network(), items, 1000.0, by_entity, {link: [1]}, {}, {}, False)


def test_a_card_failure_announced_by_a_hardware_alarm_keeps_its_prior():
    obs = _announcement_then_port_down("R1", "hardware", "CARD_FAIL", "R1", "R1--S1")
    model = EvidenceModel(obs)
    announced = dict(
        zip(FEATURES, features(footprint("R1", "card_failure", {0: 1.0, 1: 1.0}), obs, model))
    )
    silent = dict(zip(FEATURES, features(footprint("R1", "card_failure", {1: 1.0}), obs, model)))
    assert announced["log_prior"] == pytest.approx(math.log(0.95))
    assert silent["log_prior"] == pytest.approx(math.log(0.95 * 0.8))
    assert math.isfinite(announced["off_onset"]) and announced["off_onset"] == 0.0


def test_a_site_going_dark_without_a_power_alarm_is_less_likely_than_with_one():
    """Sites report losing mains (or send a dying gasp) before they go dark."""
    obs = _announcement_then_port_down("S3", "dying_gasp", "DYING_GASP", "S2", "S2--S3")
    model = EvidenceModel(obs)

    def prior(explained):
        fp = footprint("SITE-S3", "site_power", explained, kind="site")
        return dict(zip(FEATURES, features(fp, obs, model)))["log_prior"]

    assert prior({0: 1.0, 1: 1.0}) == pytest.approx(math.log(0.97))
    assert prior({1: 1.0}) == pytest.approx(math.log(0.97 * 0.8))
    # an element failing needs no announcement of its own
    node = dict(zip(FEATURES, features(footprint("S3", "node_down", {1: 1.0}), obs, model)))
    assert node["log_prior"] == pytest.approx(math.log(0.985))


def test_no_onset_means_no_distance_from_it():
    obs = observations()
    obs.onset = float("nan")
    x = dict(
        zip(
            FEATURES,
            features(
                footprint("R1", "node_down", {0: 1.0}, t_fault=5000.0), obs, EvidenceModel(obs)
            ),
        )
    )
    assert x["off_onset"] == 0.0


# ---------------------------------------------------------------------------------------- selection
def test_posterior_is_a_tempered_softmax_against_no_root():
    p, none = posterior([2.0, 0.0], 0.0, 1.0)
    z = math.exp(2) + 1 + 1
    assert p == pytest.approx([math.exp(2) / z, 1 / z]) and none == pytest.approx(1 / z)
    # temperature 2 halves every log score
    p, none = posterior([2.0, 0.0], 0.0, 2.0)
    z = math.e + 1 + 1
    assert p == pytest.approx([math.e / z, 1 / z]) and none == pytest.approx(1 / z)
    # no root beats both
    p, none = posterior([-1.0, -3.0], 1.0, 1.0)
    z = math.exp(-1) + math.exp(-3) + math.exp(1)
    assert p == pytest.approx([math.exp(-1) / z, math.exp(-3) / z]) and none == pytest.approx(
        math.exp(1) / z
    )
    # the alternative is tempered too
    p, none = posterior([2.0, 0.0], 1.0, 2.0)
    z = math.e + 1 + math.exp(0.5)
    assert p == pytest.approx([math.e / z, 1 / z]) and none == pytest.approx(math.exp(0.5) / z)
    # large scores do not overflow, whatever the temperature
    p, none = posterior([1000.0, 999.0], 0.0, 0.5)
    assert p == pytest.approx([1 / (1 + math.exp(-2)), math.exp(-2) / (1 + math.exp(-2))])
    p, none = posterior([1000.0, 999.0], 0.0, 1.0)
    assert (
        p == pytest.approx([1 / (1 + math.exp(-1)), math.exp(-1) / (1 + math.exp(-1))])
        and none < 1e-300
    )
    assert posterior([], 5.0, 1.0) == ([], 1.0)


def test_key_of_names_the_hypothesis():
    assert key_of(footprint("R1--S1", "link_down", kind="link")) == ("R1--S1", "link", "link_down")


def test_marginals_weigh_each_stage_by_the_chance_the_earlier_roots_were_right():
    a, b, c = footprint("A"), footprint("B"), footprint("C")
    b2, c2 = footprint("B"), footprint("C")  # B and C again, scored after A was chosen
    stages = [([a, b, c], [0.6, 0.3, 0.1], a), ([b2, c2], [0.5, 0.2], b2), ([c2], [0.9], None)]
    out = marginals(stages)
    # stage 2 counts with 0.6 (A right), stage 3 with 0.6 * 0.5 (A and B right)
    assert out == pytest.approx(
        {
            ("A", "node", "node_down"): 0.6,
            ("B", "node", "node_down"): 0.3 + 0.6 * 0.5,
            ("C", "node", "node_down"): 0.1 + 0.6 * 0.2 + 0.6 * 0.5 * 0.9,
        }
    )
    # no root chosen: the later stages are not reached
    assert marginals([([a, b], [0.7, 0.2], None), ([c], [1.0], None)]) == pytest.approx(
        {("A", "node", "node_down"): 0.7, ("B", "node", "node_down"): 0.2}
    )


def test_tie_groups_are_candidates_nothing_observed_tells_apart():
    def ranked(entity, explained, llr):
        fp = footprint(entity, explained=explained)
        fp.llr = llr
        return Ranked(fp, 0.1)

    rs = [
        ranked("A", {0: 1.0, 1: 1.0}, 5.0),
        ranked("B", {2: 1.0}, 1.0),
        ranked("SITE", {0: 1.0, 1: 1.0}, 5.0000001),
        ranked("L", {2: 1.0}, 1.0),
        ranked("X", {0: 1.0, 1: 1.0}, 4.0),
        ranked("N", {}, 0.0),
        ranked("M", {}, 0.0),
        ranked("P", {2: 0.5}, 1.0),
    ]
    # A and SITE: the same observations, the same likelihood to 6 decimals; B, L and P likewise (the set of
    # observations and the likelihood decide, not the chance given to each). X differs in likelihood.
    # Candidates that explain nothing are never tied.
    assert tie_groups(rs) == [[0, 2], [1, 3, 7]]
    assert tie_groups(rs[:2]) == []
    # groups come in the order of their best candidate; likelihoods 5.0 and 5.3 are not tied
    rs = [
        ranked("A", {0: 1.0}, 5.0),
        ranked("B", {1: 1.0}, 2.0),
        ranked("C", {1: 1.0}, 2.0),
        ranked("D", {0: 1.0}, 5.0),
        ranked("E", {0: 1.0}, 5.3),
    ]
    assert tie_groups(rs) == [[0, 3], [1, 2]]


# ---------------------------------------------------------------------------------------- more edges
def test_an_incident_without_observations():
    obs = Observations(network(), [], float("nan"), {}, {}, {}, {}, False)
    model = EvidenceModel(obs)
    assert model.span == 600.0 and model.total_weight == 0.0 and model.report_lost == 0.0
    x = dict(zip(FEATURES, features(footprint("R1"), obs, model)))
    assert x["coverage"] == 0.0 and x["off_onset"] == 0.0


def test_one_element_network():
    topo = Topology.from_frames(
        pd.DataFrame({"node_id": ["R1"], "node_type": ["router"], "gateway": [True]}),
        pd.DataFrame({"source": [], "target": []}),
    )
    items = [Observation(("R1", "cpu"), "R1", "cpu", 0.0, 1, 1.0, types={"HIGH_CPU"})]
    model = EvidenceModel(Observations(topo, items, 0.0, {"R1": [0]}, {}, {}, {}, False))
    role = (1 + 0.5) / (1 + 1)
    cls = (1 + 10 * role) / (1 + 10)
    assert model.background(0) == pytest.approx(min(0.5, (1 + 5 * cls) / (1 + 5)))


def test_reliability_is_the_share_of_the_roles_full_weight_at_most_one():
    topo = network()
    items = [
        Observation(("R1", "protocol"), "R1", "protocol", 0.0, 1, 0.5, types={"OSPF_DOWN"}),
        Observation(("R2", "protocol"), "R2", "protocol", 1.0, 1, 0.25, types={"OSPF_DOWN"}),
        Observation(
            ("R1--R2", "metric_load"),
            "R1--R2",
            "metric_load",
            2.0,
            1,
            1.05,
            link="R1--R2",
            saturated=True,
        ),
    ]
    model = EvidenceModel(
        Observations(
            topo,
            items,
            0.0,
            {"R1": [0], "R2": [1], "R1--R2": [2]},
            {"R1--R2": [2]},
            {},
            {},
            False,
            metric_entities={"metric_load": 4},
        )
    )
    assert [model.reliability(i) for i in range(3)] == [1.0, 0.5, 1.0]


def test_an_nms_that_reports_silences_reports_losses():
    topo = network()
    items = [
        Observation(("S1", "silent"), "S1", "silent", 0.0, 1, 0.7)
    ]  # metrics stopped: no alarm type
    model = EvidenceModel(Observations(topo, items, 0.0, {"S1": [0]}, {}, {}, {}, False))
    assert model.report_lost == 0.7
    role = (1 + 0.5) / (6 + 1)
    cls = (1 + 10 * role) / (3 + 10)  # S1 is a switch; no type to shrink toward
    assert model.background(0) == pytest.approx(cls * 1.0)  # window 1260 s > the 600 s span


def test_metric_observations_are_one_class_over_the_reporting_entities():
    # two load series rose, on a router's link and on a switch: one class ("metric"), opportunities
    # are the entities reporting load (10), not the elements
    topo = network()
    items = [
        Observation(("R1--R2", "metric_load"), "R1--R2", "metric_load", 0.0, 1, 1.0, link="R1--R2"),
        Observation(("S2", "metric_load"), "S2", "metric_load", 100.0, 1, 1.0),
        Observation(("R3", "metric_cpu"), "R3", "metric_cpu", 200.0, 1, 1.0),
    ]
    obs = Observations(
        topo,
        items,
        0.0,
        {"R1--R2": [0], "S2": [1], "R3": [2]},
        {"R1--R2": [0]},
        {},
        {},
        False,
        metric_entities={"metric_load": 10},
    )
    model = EvidenceModel(obs)
    load_role = (2 + 0.5) / (10 + 1)
    load = (2 + 10 * load_role) / (10 + 10)  # 0.21: under the cap
    cpu_role = (1 + 0.5) / (1 + 1)  # no count of CPU series: one opportunity
    cpu = (1 + 10 * cpu_role) / (1 + 10)
    window = min(1.0, (600 + 1800) / 600)  # metric windows: 2400 s, the span 600 s
    assert [model.background(i) for i in range(3)] == pytest.approx(
        [min(0.5, load * window)] * 2 + [min(0.5, cpu * window)]
    )
    assert model.background(0) == pytest.approx(load) and load < 0.5


def test_transient_share_adds_every_explained_symptom():
    obs = observations()
    obs.items[0].weight = obs.items[1].weight = 0.5  # both flapped: reliability 1/2 each
    model = EvidenceModel(obs)
    x = dict(zip(FEATURES, features(footprint("R1", "node_down", {0: 1.0, 1: 1.0}), obs, model)))
    assert x["transient"] == pytest.approx((0.5 + 0.5) / 2)
    one = dict(zip(FEATURES, features(footprint("R3", "node_down", {3: 1.0}), obs, model)))
    assert one["transient"] == pytest.approx(0.5 / 1) and one["persistent"] == 0.0
    cong = dict(
        zip(FEATURES, features(footprint("R2", "congestion", {2: 1.0}, level=0.4), obs, model))
    )
    assert cong["below_capacity"] == pytest.approx(-math.log((0.4 / 0.8) ** 4))


def test_learned_weights_do_not_depend_on_the_order_floats_are_summed_in():
    """A retraining sums the same numbers in another order; the weights file must not change."""
    import numpy as np

    from rca.explain._learn import Sample, fit_weights

    rng = np.random.default_rng(0)
    samples = []
    for k in range(40):
        n = 6 + k % 5
        X = rng.normal(size=(n, len(FEATURES)))
        y = np.zeros(n, dtype=bool)
        y[int(np.argmax(X[:, 0] + rng.normal(scale=1.5, size=n)))] = True
        X2 = rng.normal(size=(3, len(FEATURES)))
        samples.append(Sample(f"s{k}", X, y, X2, np.array([k % 3 == 0, False, False])))
    a = fit_weights(samples)
    b = fit_weights(samples[::-1])
    assert a == b
    assert all(round(w, 4) == w for w in a["weights"] + a["further_weights"])
    assert a["weights"][0] > 0.5  # the feature that decides the root weighs most
