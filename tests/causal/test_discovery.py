"""Discovery methods: planted structures are recovered; the estimator contract holds."""

from __future__ import annotations

import pandas as pd
import pytest
from sklearn.base import clone

from rca.causal import (
    BaselineGraph,
    CausalLearnDiscovery,
    GrangerDiscovery,
    TopologicalHawkes,
    binned_counts,
    event_sequences,
    hop_matrices,
    local_pairs,
    simulate_hawkes_events,
)
from rca.errors import NotFittedError


@pytest.fixture(scope="module")
def planted():
    return simulate_hawkes_events(n_types=5, n_devices=10, random_state=1)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_thp_recovers_planted_chain(seed):
    frame, truth = simulate_hawkes_events(n_types=5, n_devices=10, random_state=seed)
    graph = TopologicalHawkes().fit(frame).graph_
    assert sorted(graph.edge_set()) == truth
    # lag_s is the kernel-weighted mean delay of the pairs. The planted delays are exponential with mean
    # 1 / decay = 10 s and the kernel weighs a pair by exp(-decay * dt): the weighted delays are exponential
    # with rate 2 * decay, mean 5 s (the background's chance pairs move it a little)
    lags = graph.edges["lag_s"]
    assert lags.between(4.0, 6.5).all(), lags.tolist()
    assert abs(lags.mean() - 5.0) < 0.8


def test_thp_uses_topology_across_devices():
    # a cause on one device excites the effect on its neighbour only
    import numpy as np

    rng = np.random.default_rng(0)
    rows = []
    for i in range(400):
        t = i * 500.0 + rng.uniform(0, 50)
        rows.append((t, "u", "POWER"))
        rows.append((t + rng.exponential(10.0), "v", "COMM_LOST"))
        rows.append((rng.uniform(0, 200_000), "w", "COMM_LOST"))
    frame = pd.DataFrame(rows, columns=["time", "device", "alarm_type"])
    topo = pd.DataFrame(
        [[0, 1, 0], [1, 0, 0], [0, 0, 0]], index=["u", "v", "w"], columns=["u", "v", "w"]
    )
    with_topo = TopologicalHawkes(max_hop=1).fit(frame, topo).graph_
    assert with_topo.edge_set() == {("POWER", "COMM_LOST")}
    without = TopologicalHawkes(max_hop=0).fit(frame, topo).graph_
    assert len(without) == 0


def test_granger_and_pc_find_true_edges(planted):
    frame, truth = planted
    for est in (GrangerDiscovery(), CausalLearnDiscovery(algorithm="pc")):
        edges = est.fit(frame).graph_.edge_set()
        true_found = len(edges & set(truth))
        assert true_found >= 4, type(est).__name__
        assert len(edges - set(truth)) < true_found, type(
            est
        ).__name__  # indirect edges are possible


@pytest.mark.parametrize(
    "est",
    [
        TopologicalHawkes(),
        GrangerDiscovery(),
        CausalLearnDiscovery(algorithm="ges"),
        BaselineGraph(kind="random", random_state=0),
    ],
    ids=lambda e: type(e).__name__,
)
def test_estimator_contract(est, planted):
    frame, _ = planted
    before = frame.copy()
    with pytest.raises(NotFittedError):
        _ = clone(est).graph
    a = clone(est)
    assert a.fit(frame) is a
    b = clone(est).fit(frame)
    assert a.graph_.edge_set() == b.graph_.edge_set()
    pd.testing.assert_frame_equal(frame, before)
    assert a.graph_.nodes == ("A0", "A1", "A2", "A3", "A4")
    assert set(a.graph_.params) >= set(est.get_params())


def test_random_baseline_follows_random_state(planted):
    frame, _ = planted
    g1 = BaselineGraph(kind="random", random_state=3).fit(frame).graph_
    g2 = BaselineGraph(kind="random", random_state=3).fit(frame).graph_
    assert g1.edge_set() == g2.edge_set()
    assert len(BaselineGraph(kind="complete").fit(frame).graph_) == 20


def test_forbidden_edges_are_respected(planted):
    frame, _ = planted
    g = (
        CausalLearnDiscovery(algorithm="pc", forbidden=[("A0", "A1"), ("A1", "A0")])
        .fit(frame)
        .graph_
    )
    assert not g.has_edge("A0", "A1") and not g.has_edge("A1", "A0")


def test_series_views():
    frame = pd.DataFrame(
        {
            "time": [0.0, 5.0, 7.0, 100.0],
            "device": ["a", "b", "c", "a"],
            "alarm_type": ["X", "Y", "Y", "X"],
        }
    )
    topo = pd.DataFrame([[0, 1, 0], [1, 0, 1], [0, 1, 0]], index=list("abc"), columns=list("abc"))
    ev = event_sequences(frame, topo)
    assert [m.nnz for m in hop_matrices(ev, 3)] == [3, 4, 2]
    pairs = local_pairs(ev, 10.0, max_hop=1)
    got = {
        (ev.devices[ev.device_code[c]], ev.devices[ev.device_code[e]])
        for c, e in zip(pairs.cause, pairs.effect)
    }
    assert got == {("a", "b"), ("b", "c")}  # a and c are 2 hops apart
    counts = binned_counts(ev, 60.0)
    assert counts.to_numpy().tolist() == [[1, 2], [1, 0]]
    assert binned_counts(ev, 60.0, by_device=True).loc[("a", 60.0), "X"] == 1


@pytest.mark.parametrize("algorithm", ["pc", "fci"])
def test_constraint_based_methods_survive_alarm_types_that_move_in_step(planted, algorithm):
    # "TWIN" is raised with every A0 (same bin, same count): the binned counts have a singular
    # correlation matrix, on which causal-learn's Fisher-z test raised "matrix is singular"
    frame, truth = planted
    twin = frame[frame["alarm_type"] == "A0"].assign(alarm_type="TWIN")
    both = pd.concat([frame, twin]).sort_values("time", kind="stable", ignore_index=True)
    alone = CausalLearnDiscovery(algorithm=algorithm).fit(frame).graph_.edge_set()
    edges = CausalLearnDiscovery(algorithm=algorithm).fit(both).graph_.edge_set()
    # the twin shares A0's edges, and the others are found as without it
    assert {(c, e) for c, e in edges if "TWIN" not in (c, e)} == alone
    assert {("TWIN" if c == "A0" else c, "TWIN" if e == "A0" else e) for c, e in alone} <= edges


def test_constraint_based_methods_on_fewer_bins_than_alarm_types():
    # one short incident: 3 bins of 600 s, 6 alarm types; the tests have no degrees of freedom
    rows = [(t * 300.0 + k, "d1", f"T{k}") for t in range(6) for k in range(6) if (t + k) % 3]
    frame = pd.DataFrame(rows, columns=["time", "device", "alarm_type"])
    for algorithm in ("pc", "fci"):
        graph = CausalLearnDiscovery(algorithm=algorithm).fit(frame).graph_
        assert set(graph.nodes) == {f"T{k}" for k in range(6)}


def test_hawkes_likelihood_when_parents_explain_every_event():
    # no event is left to the baseline alone (n_zero = 0), so EM drives the baseline to exactly 0:
    # the likelihood is log(lambda) - compensator = 0 - 1, not 0 * log(0) = NaN with a warning
    import warnings

    import numpy as np

    from rca.causal._hawkes import _em

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        mu, alpha, ll = _em(np.array([[1.0]]), 0, np.array([1.0]), 1e9, 100, 0.0)
    assert mu == 0.0 and alpha.tolist() == [1.0] and ll == -1.0


def test_ges_max_parents_reaches_causal_learn(planted, monkeypatch):
    # the bound is causal-learn's maxP (its run time on many types is what it bounds)
    import causallearn.search.ScoreBased.GES as ges_module

    seen = []
    real = ges_module.ges
    monkeypatch.setattr(
        ges_module, "ges", lambda *a, **kw: seen.append(kw["maxP"]) or real(*a, **kw)
    )
    frame, truth = planted
    graph = CausalLearnDiscovery(algorithm="ges", max_parents=1).fit(frame).graph_
    assert seen == [1] and graph.edge_set() & set(truth)
    CausalLearnDiscovery(algorithm="ges").fit(frame)
    assert seen == [1, None]


def test_causal_learn_progress_shows_elapsed_time_and_stops_on_interrupt(
    planted, monkeypatch, capsys
):
    import threading

    frame, _ = planted
    CausalLearnDiscovery(algorithm="pc", progress=True).fit(frame)
    assert "pc: 5 alarm types" in capsys.readouterr().err
    CausalLearnDiscovery(algorithm="pc").fit(frame)
    assert capsys.readouterr().err == ""  # opt-in in the library

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(
        "causallearn.search.ScoreBased.GES.ges", interrupted
    )  # Ctrl-C during the search
    with pytest.raises(KeyboardInterrupt):
        CausalLearnDiscovery(algorithm="ges", progress=True).fit(frame)
    assert not [t for t in threading.enumerate() if t.name == "netrca-elapsed"]
