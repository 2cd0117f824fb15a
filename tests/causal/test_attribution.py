"""Metric attribution (DoWhy gcm) on a hand-built network with synthetic telemetry."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rca import Incident
from rca.causal._attribution import MetricAttribution, attribution_ranking, kpi_window
from rca.causal._kpi_graph import kpi_graph, traffic_sinks
from tests._builders import T0, incident, small_network

ROOT = "A2--S3"  # the aggregation uplink of the access switch S3
ONSET_STEP = 25
STEPS = 45
PERIOD = 60.0


def _telemetry(random_state: int = 0) -> pd.DataFrame:
    """Utilisation of every link, cpu of every router/switch, latency of every base station.

    From step 25 on, ``A2--S3`` saturates; the base stations behind S3 (B3,
    B4, and B2 behind S2, whose traffic also crosses S3) see their latency
    rise, as a queue on that link would make it.
    """
    rng = np.random.default_rng(random_state)
    topo = small_network()
    rows = []
    for step in range(STEPS):
        t = step * PERIOD
        hot = step >= ONSET_STEP
        util = {}
        for link in topo.link_ids:
            base = 40.0 if link != ROOT else 45.0
            util[link] = (99.5 if hot and link == ROOT else base) + rng.normal(0, 1.5)
            rows.append((t, link, "utilization", util[link]))
        for node in ("C1", "C2", "A1", "A2", "S1", "S2", "S3"):
            rows.append((t, node, "cpu", 30.0 + rng.normal(0, 2.0)))
        for node in ("B2", "B3", "B4"):
            queue = 0.02 * util[ROOT] + (60.0 if hot else 0.0)
            rows.append((t, node, "latency_ms", 5.0 + queue + rng.normal(0, 0.3)))
    return pd.DataFrame(rows, columns=["dt", "entity", "metric", "value"])


def _incident(frame: pd.DataFrame, name: str = "congested") -> Incident:
    topo = small_network()
    rows = list(frame.itertuples(index=False, name=None))
    return incident(
        topo, [(ONSET_STEP * PERIOD + 5, "S3", "HIGH_UTILIZATION", ROOT)], metrics=rows, name=name
    )


@pytest.fixture(scope="module")
def congested() -> Incident:
    return _incident(_telemetry())


def _is_topology_walk(topo, path: tuple[str, ...], kind: str) -> bool:
    walk = list(path) if kind == "node" else list(path[1:])
    if kind == "link" and len(path) > 1 and path[1] not in topo.link_endpoints(path[0]):
        return False
    if kind == "site" and len(path) > 1 and path[1] not in topo.sites[path[0]]:
        return False
    return all(topo.link_between(a, b) is not None for a, b in zip(walk, walk[1:]))


def test_kpi_graph_points_from_upstream_resources_to_downstream_service_kpis():
    topo = small_network()
    variables = [(l, "utilization") for l in topo.link_ids] + [("S3", "cpu"), ("B4", "latency_ms")]
    graph = kpi_graph(topo, variables).graph
    assert sorted(traffic_sinks(topo)) == ["C1", "C2"]
    causes = set(graph.predecessors("latency_ms@B4"))
    # B4 -> B3 -> S3 -> A2 -> core: every link and element on that path, nothing off it
    assert {"utilization@B3--B4", "utilization@B3--S3", "cpu@S3", "utilization@A2--S3"} <= causes
    assert "utilization@A1--S1" not in causes
    # resource KPIs are causes only; the graph is a DAG
    assert graph.in_degree("utilization@A2--S3") == 0
    import networkx as nx

    assert nx.is_directed_acyclic_graph(graph)


def test_upstream_root_ranks_first(congested):
    result = MetricAttribution(random_state=0).rank(congested)
    assert result.method == "attribution"
    top = result[0]
    assert (top.entity, top.kind, top.fault) == (ROOT, "link", "congestion")
    assert 0.0 < top.score <= 1.0
    assert all(0.0 <= c.score <= 1.0 for c in result.candidates)
    assert "utilization" in top.reason
    # it explains the latency of the base stations behind it, not only its own utilisation
    ends = {e.path[-1] for e in top.evidence}
    assert {"B3", "B4"} <= ends
    assert all(e.source == "metrics" and e.alarms == () for e in top.evidence)


def test_onset_is_found_from_the_data(congested):
    topo = congested.topology
    window = kpi_window(
        congested.metrics.frame, set(topo.node_ids) | set(topo.link_ids), set(topo.node_ids)
    )
    assert window.period == PERIOD
    assert abs(window.onset - (T0 + ONSET_STEP * PERIOD)) <= 2 * PERIOD


def test_evidence_paths_are_topology_paths(congested):
    result = MetricAttribution(random_state=0).rank(congested)
    topo = congested.topology
    for c in result.candidates:
        assert c.evidence
        for e in c.evidence:
            assert e.path[0] == c.entity
            assert _is_topology_walk(topo, e.path, c.kind), (c.entity, e.path)


def test_missing_samples_and_a_silent_element_do_not_break_it():
    frame = _telemetry(random_state=1)
    rng = np.random.default_rng(7)
    frame = frame[rng.random(len(frame)) >= 0.08]  # dropped rows
    gap = (frame["entity"] == "B3") & frame["dt"].between(30 * PERIOD, 31 * PERIOD)
    frame = frame[~gap]  # a two-step gap in a target KPI
    frame.loc[
        (frame["entity"] == "A1--S1") & frame["dt"].between(5 * PERIOD, 12 * PERIOD), "value"
    ] = np.nan
    silent = (frame["entity"] == "B2") & (frame["dt"] >= 30 * PERIOD)
    frame = frame[~silent]  # B2 stops reporting
    frame = frame.dropna(subset=["value"])
    result = MetricAttribution(random_state=0).rank(_incident(frame, "gappy"))
    assert result[0].entity == ROOT
    silent_cands = [c for c in result.candidates if c.entity == "B2"]
    assert silent_cands and "stopped reporting" in silent_cands[0].reason + " ".join(
        e.why for e in silent_cands[0].evidence
    )


def test_a_collector_gap_is_not_read_as_elements_going_silent():
    """Five elements stop and resume together (the collector's outage); B2 stops alone and stays silent."""
    frame = _telemetry(random_state=2)
    together = frame["entity"].isin(["C1", "A1", "S1", "S2", "B4"]) & frame["dt"].between(
        10 * PERIOD, 17 * PERIOD
    )
    alone = (frame["entity"] == "B2") & (frame["dt"] >= 30 * PERIOD)
    inc = _incident(frame[~together & ~alone], "collector-gap")
    topo = inc.topology
    window = kpi_window(
        inc.metrics.frame, set(topo.node_ids) | set(topo.link_ids), set(topo.node_ids)
    )
    assert set(window.silent) == {"B2"}
    assert any("collection gap" in n for n in window.notes)
    assert MetricAttribution(random_state=0).rank(inc)[0].entity == ROOT


def test_no_metrics_gives_an_empty_result_with_a_note():
    inc = incident(small_network(), [(0, "S3", "LINK_DOWN", ROOT)])
    result = attribution_ranking(inc)
    assert len(result) == 0
    assert result.method == "attribution"
    assert any("no metrics" in n for n in result.notes)


def test_deterministic_under_random_state_and_leaves_global_rng_alone(congested):
    np.random.seed(123)
    expected_next = np.random.random()
    np.random.seed(123)
    a = MetricAttribution(random_state=3).rank(congested)
    assert np.random.random() == expected_next  # the caller's global RNG is untouched
    b = MetricAttribution(random_state=3).rank(congested)
    assert [(c.entity, round(c.score, 12)) for c in a.candidates] == [
        (c.entity, round(c.score, 12)) for c in b.candidates
    ]


def test_estimator_contract_clone_keeps_parameters():
    from sklearn.base import clone

    est = MetricAttribution(random_state=5, max_targets=7)
    copy = clone(est)
    assert copy.get_params() == est.get_params()
    assert copy.get_params()["max_targets"] == 7


def test_input_frame_is_not_mutated(congested):
    before = congested.metrics.frame.copy()
    MetricAttribution(random_state=0).rank(congested)
    pd.testing.assert_frame_equal(congested.metrics.frame, before)


def test_metrics_of_unknown_entities_are_left_out_with_a_note():
    frame = _telemetry()
    extra = pd.DataFrame(
        {"dt": frame["dt"].unique(), "entity": "GHOST", "metric": "cpu", "value": 1.0}
    )
    result = MetricAttribution(random_state=0).rank(_incident(pd.concat([frame, extra]), "ghost"))
    assert result[0].entity == ROOT
    assert any("not in the topology" in n for n in result.notes)


def test_on_a_twin_incident_the_congested_link_ranks_first():
    from rca.datasets import make_incident

    inc = make_incident(fault="congestion", size="small", random_state=1001)
    result = attribution_ranking(inc, max_candidates=5)
    assert result[0].entity == inc.truth.root_causes[0].entity


def test_importing_dowhy_leaves_the_session_display_alone():
    """DoWhy's import calls SymPy's init_printing(); the user's REPL must keep printing ('a', 1)."""
    import subprocess
    import sys

    pytest.importorskip("dowhy")
    code = (
        "import sys; hook = sys.displayhook\n"
        "from rca.causal._attribution import _dowhy_gcm\n"
        "_dowhy_gcm()\n"
        "print(sys.displayhook is hook)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "True"
