"""MultiScaleHawkes: planted structures at several time scales, storms, self-excitation, the contract."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from rca.causal import event_sequences, simulate_hawkes_events
from rca.causal._methods import make_method
from rca.causal._multiscale import MultiScaleHawkes, storm_profile
from rca.errors import InputError, NotFittedError


def _cascades(
    rng, n, cause, effect, lag, span=400_000.0, device="u", effect_device=None, jitter=50.0
):
    """``n`` cause events, each followed by one effect after an exponential delay of mean ``lag``."""
    starts = np.sort(rng.uniform(0, span, n)) + rng.uniform(0, jitter, n)
    rows = [(t, device, cause) for t in starts]
    rows += [(t + rng.exponential(lag), effect_device or device, effect) for t in starts]
    return rows


def _noise(rng, n, alarm_type, devices, span=400_000.0):
    return [
        (t, devices[i % len(devices)], alarm_type) for i, t in enumerate(rng.uniform(0, span, n))
    ]


def _frame(rows):
    return pd.DataFrame(rows, columns=["time", "device", "alarm_type"]).sort_values(
        "time", kind="stable"
    )


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_recovers_planted_chain(seed):
    frame, truth = simulate_hawkes_events(n_types=5, n_devices=10, random_state=seed)
    graph = MultiScaleHawkes().fit(frame).graph_
    assert sorted(graph.edge_set()) == truth
    assert graph.edges["weight"].gt(0).all()


def test_a_requested_type_without_events_is_a_node_without_edges():
    frame, truth = simulate_hawkes_events(n_types=5, n_devices=10, random_state=0)
    types = [*sorted(frame["alarm_type"].unique()), "NEVER_SEEN"]
    graph = MultiScaleHawkes().fit(frame, types=types).graph_
    assert "NEVER_SEEN" in graph.nodes
    assert sorted(graph.edge_set()) == truth


def test_each_edge_gets_its_own_time_scale():
    # FAST -> ECHO within about a second, SLOW -> LATE within about two minutes
    rng = np.random.default_rng(0)
    rows = _cascades(rng, 600, "FAST", "ECHO", 1.0, device="a") + _cascades(
        rng, 600, "SLOW", "LATE", 120.0, device="b"
    )
    rows += _noise(rng, 300, "ECHO", ["a", "b"]) + _noise(rng, 300, "LATE", ["a", "b"])
    graph = MultiScaleHawkes(baseline_bin=None).fit(_frame(rows)).graph_
    assert graph.edge_set() == {("FAST", "ECHO"), ("SLOW", "LATE")}
    lag = graph.edges.set_index("cause")["lag_s"]
    assert lag["FAST"] < 5.0 < 30.0 < lag["SLOW"]


def test_uses_topology_across_devices():
    rng = np.random.default_rng(1)
    rows = _cascades(rng, 400, "POWER", "COMM_LOST", 10.0, device="u", effect_device="v")
    rows += _noise(rng, 400, "COMM_LOST", ["w"])
    topo = pd.DataFrame([[0, 1, 0], [1, 0, 0], [0, 0, 0]], index=list("uvw"), columns=list("uvw"))
    assert MultiScaleHawkes(max_hop=1).fit(_frame(rows), topo).graph_.edge_set() == {
        ("POWER", "COMM_LOST")
    }
    assert len(MultiScaleHawkes(max_hop=0).fit(_frame(rows), topo).graph_) == 0


def _storms(seed):
    """Two unrelated types whose baselines rise together in hour-long storms."""
    rng = np.random.default_rng(seed)
    rows = []
    for hour in range(200):
        rate = 40.0 if hour % 10 == 0 else 0.5  # one storm hour in ten
        for alarm_type in ("FAN", "TEMP"):
            for t in hour * 3600.0 + rng.uniform(0, 3600.0, rng.poisson(rate)):
                rows.append((t, "d", alarm_type))
    return _frame(rows)


def test_storm_baseline_keeps_unrelated_types_apart():
    frame = _storms(0)
    plain = MultiScaleHawkes(baseline_bin=None, self_excitation=False).fit(frame).graph_
    assert len(plain) > 0  # the storms look like excitation to a constant baseline
    assert len(MultiScaleHawkes(baseline_bin=3600.0, self_excitation=False).fit(frame).graph_) == 0


def test_storm_profile_averages_one_over_bins():
    ev = event_sequences(_storms(1))
    prof = storm_profile(ev, 3600.0)
    assert [p.size for p in prof] == ev.counts().tolist()
    bins = np.floor((ev.time - ev.time[0]) / 3600.0).astype(int)
    level = np.zeros(bins.max() + 1)
    level[bins[ev.type_code == 0]] = prof[0]
    assert level.max() > 10 * np.median(level[level > 0])


def test_self_excitation_is_never_an_edge():
    # BURST flaps (self-excites); CALM is independent noise
    rng = np.random.default_rng(2)
    rows = []
    for t in rng.uniform(0, 400_000.0, 800):
        rows += [(t + k * rng.exponential(5.0), "d", "BURST") for k in range(4)]
    rows += _noise(rng, 800, "CALM", ["d"])
    graph = MultiScaleHawkes().fit(_frame(rows)).graph_
    assert not any(c == e for c, e in graph.edge_set())
    assert len(graph) == 0


def test_orientation_both_keeps_a_superset():
    frame, _ = simulate_hawkes_events(n_types=5, n_devices=10, random_state=3)
    dag = MultiScaleHawkes().fit(frame).graph_.edge_set()
    both = MultiScaleHawkes(orientation="both").fit(frame).graph_.edge_set()
    assert dag <= both


def test_estimator_contract_and_determinism():
    frame, _ = simulate_hawkes_events(n_types=5, n_devices=10, random_state=1)
    before = frame.copy()
    est = MultiScaleHawkes()
    with pytest.raises(NotFittedError):
        _ = clone(est).graph
    a = clone(est)
    assert a.fit(frame) is a
    b = clone(est).fit(frame)
    pd.testing.assert_frame_equal(a.graph_.edges, b.graph_.edges)
    pd.testing.assert_frame_equal(frame, before)
    assert a.alpha_.shape == (5, 5, 3, 1)
    assert set(a.graph_.params) >= set(est.get_params())


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"orientation": "sideways"}, "sideways"),
        ({"decays": ()}, r"decays .* found \[\]"),
        ({"decays": (0.1, -1.0)}, "-1.0"),
        ({"max_hop": -1}, "max_hop must be >= 0, found -1"),
        ({"baseline_bin": 0.0}, "baseline_bin .* found 0.0"),
    ],
)
def test_bad_parameters_name_the_value(params, message):
    frame, _ = simulate_hawkes_events(n_types=3, random_state=0)
    with pytest.raises(InputError, match=message):
        MultiScaleHawkes(**params).fit(frame)


def test_registered_by_name():
    assert isinstance(make_method("mshawkes"), MultiScaleHawkes)
    assert make_method("MSHawkes", orientation="both").orientation == "both"
