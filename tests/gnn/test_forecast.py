"""The congestion forecaster: series, shapes, contract, determinism, safe files, planted trends, evidence."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.base import clone

from rca.datasets import make_incident
from rca.errors import InputError, ModelFileError, NotFittedError
from rca.gnn import CongestionPredictor, congestion_data
from rca.gnn._forecast import (
    CongestionForecaster,
    congestion_evidence,
    forecast_evidence,
    linear_trend_forecast,
    link_adjacency,
    persistence_forecast,
    utilization_series,
    window_features,
)
from rca.metrics import Metrics
from rca.result import Candidate, Evidence, RCAResult
from tests._builders import T0, small_network

RISING = "S1--S2"


@pytest.fixture(scope="module")
def pretrained():
    return CongestionForecaster.pretrained()


@pytest.fixture(scope="module")
def twin():
    return [
        make_incident(size="small", fault="congestion", random_state=s, metric_period_s=120.0)
        for s in (3, 4)
    ]


def _planted_metrics(topology, samples: int = 12) -> Metrics:
    """Every link flat at about 30 %, except RISING: 20 % rising to 72 % over the last 8 intervals."""
    rng = np.random.default_rng(0)
    rows = []
    for i in range(samples):
        for link in topology.link_ids:
            value = 30.0 + rng.normal(0, 1.0)
            if link == RISING:
                value = 20.0 + 7.5 * max(0, i - (samples - 8))
            rows.append((T0 + 60.0 * i, link, "utilization", value))
    return Metrics.from_frame(
        pd.DataFrame(rows, columns=["timestamp", "entity", "metric", "value"])
    )


def _fit(incidents, seed=0, **kw):
    params = {"hidden": 8, "epochs": 1, "batch_windows": 16, "random_state": seed, **kw}
    return CongestionForecaster(**params).fit(incidents)


# -- series and windows ------------------------------------------------------------------


def test_series_in_percent_becomes_a_fraction_on_the_polling_grid():
    topo = small_network()
    series = utilization_series(topo, _planted_metrics(topo))
    assert series.values.shape == (12, len(topo.link_ids))
    k = series.link_ids.index(RISING)
    assert series.values[-1, k] == pytest.approx(0.725)
    assert np.nanmax(series.values) < 1.0
    assert np.diff(series.times) == pytest.approx(np.full(11, 60.0))


def test_series_unit_can_be_stated():
    topo = small_network()
    link = topo.link_ids[0]
    idle = pd.DataFrame(
        {
            "time": [T0, T0 + 60],
            "entity": [link, link],
            "metric": "utilization",
            "value": [0.9, 1.2],
        }
    )
    assert np.nanmax(utilization_series(topo, idle).values) == pytest.approx(
        1.2
    )  # auto: read as fractions
    assert np.nanmax(utilization_series(topo, idle, unit="percent").values) == pytest.approx(0.012)
    with pytest.raises(InputError, match="unit must be"):
        utilization_series(topo, idle, unit="bps")


def test_series_without_link_samples_is_an_input_error():
    topo = small_network()
    frame = pd.DataFrame({"time": [T0], "entity": ["C1"], "metric": ["cpu"], "value": [50.0]})
    with pytest.raises(InputError, match="no 'utilization' samples"):
        utilization_series(topo, frame)


def test_window_features_fill_gaps_and_mark_them():
    values = np.array([[np.nan, 0.1], [0.5, np.nan], [np.nan, np.nan], [0.7, np.nan]])
    x = window_features(values, [3], window=4)
    assert x.shape == (1, 2, 8)
    np.testing.assert_allclose(
        x[0, 0, :4], [0.5, 0.5, 0.5, 0.7]
    )  # leading gap back-filled, inner gap carried
    np.testing.assert_array_equal(x[0, 0, 4:], [0, 1, 0, 1])
    np.testing.assert_allclose(x[0, 1, :4], [0.1, 0.1, 0.1, 0.1])
    # a window reaching before the series is padded as missing
    assert window_features(values, [1], window=4)[0, 0, 4:].tolist() == [0, 0, 0, 1]


def test_baselines_persist_and_extrapolate():
    x = window_features(np.linspace(0.1, 0.45, 8)[:, None], [7], window=8)
    np.testing.assert_allclose(persistence_forecast(x, 3)[0, 0], [0.45] * 3, rtol=1e-6)
    np.testing.assert_allclose(linear_trend_forecast(x, 3)[0, 0], [0.5, 0.55, 0.6], rtol=1e-5)


def test_adjacency_averages_links_that_share_an_element():
    topo = small_network()
    adj = link_adjacency(topo).to_dense()
    k = topo.link_ids.index("B3--B4")
    assert adj[k].sum() == pytest.approx(1.0)
    neighbours = {topo.link_ids[j] for j in torch.nonzero(adj[k]).ravel().tolist()}
    assert neighbours == {"B3--S3"}


# -- estimator contract --------------------------------------------------------------------


def test_shapes_of_a_forecast(pretrained, twin):
    inc = twin[0]
    forecast = pretrained.predict(inc.topology, inc.metrics)
    n = len(inc.topology.link_ids)
    assert forecast.utilization.shape == forecast.probability.shape == (n, pretrained.horizon)
    assert forecast.current.shape == forecast.observed.shape == (n,)
    assert np.all((forecast.probability >= 0) & (forecast.probability <= 1))
    frame = forecast.to_frame()
    assert len(frame) == n * pretrained.horizon
    assert frame["time"].min() == pytest.approx(forecast.now + forecast.interval_s)


def test_not_fitted_clone_and_bad_parameters(twin):
    model = CongestionForecaster(hidden=8)
    with pytest.raises(NotFittedError):
        model.predict(twin[0].topology, twin[0].metrics)
    assert clone(model).get_params() == model.get_params()
    with pytest.raises(InputError, match="window must be at least 2"):
        CongestionForecaster(window=1).fit(twin)
    with pytest.raises(InputError, match="no incident has"):
        CongestionForecaster(window=500).fit(twin)


def test_fit_returns_self_and_is_deterministic(twin):
    a = _fit(twin, seed=3)
    b = _fit(twin, seed=3)
    c = _fit(twin, seed=4)
    sa, sb, sc = a.model_.state_dict(), b.model_.state_dict(), c.model_.state_dict()
    assert all(torch.equal(sa[k], sb[k]) for k in sa)
    assert not all(torch.equal(sa[k], sc[k]) for k in sa)
    model = CongestionForecaster(hidden=8, epochs=1, random_state=0)
    assert model.fit(twin) is model


def test_fit_does_not_touch_global_rng_or_input(twin):
    frame = twin[0].metrics.frame.copy()
    torch.manual_seed(123)
    expected = torch.rand(1)
    torch.manual_seed(123)
    _fit(twin)
    assert torch.equal(torch.rand(1), expected)
    pd.testing.assert_frame_equal(twin[0].metrics.frame, frame)


# -- files -------------------------------------------------------------------------------------


def test_save_load_round_trip(tmp_path, twin):
    model = _fit(twin)
    path = tmp_path / "forecast.pt"
    model.save(path)
    loaded = CongestionForecaster.load(path)
    a = model.predict(twin[1].topology, twin[1].metrics)
    b = loaded.predict(twin[1].topology, twin[1].metrics)
    np.testing.assert_array_equal(a.utilization, b.utilization)
    assert loaded.get_params() == {**model.get_params(), "progress": False}


def test_corrupted_or_foreign_files_are_refused(tmp_path):
    bad = tmp_path / "bad.pt"
    bad.write_bytes(b"PK\x03\x04 definitely not a model")
    with pytest.raises(ModelFileError, match="not a readable netrca model file"):
        CongestionForecaster.load(bad)
    foreign = tmp_path / "congestion.pt"
    CongestionPredictor.pretrained().save(foreign)
    with pytest.raises(ModelFileError, match="expected a 'netrca-forecast' model file"):
        CongestionForecaster.load(foreign)
    with pytest.raises(ModelFileError, match="not found"):
        CongestionForecaster.load(tmp_path / "absent.pt")


def test_weights_that_do_not_fit_the_parameters_are_refused(tmp_path, twin):
    from rca.gnn._serialize import read_model_file, write_model_file

    path = tmp_path / "m.pt"
    _fit(twin).save(path)
    config, state, extra = read_model_file(path, "netrca-forecast", 1)
    write_model_file(path, "netrca-forecast", 1, {**config, "hidden": 16}, state, extra)
    with pytest.raises(ModelFileError, match="does not fit its parameters"):
        CongestionForecaster.load(path)


# -- behaviour of the shipped model -----------------------------------------------------------


def test_rising_link_is_forecast_congested_flat_links_are_not(pretrained):
    topo = small_network()
    forecast = pretrained.predict(topo, _planted_metrics(topo))
    flagged = {forecast.link_ids[k] for k in np.flatnonzero(forecast.congested)}
    assert flagged == {RISING}
    k = forecast.link_ids.index(RISING)
    # heading for the threshold (the ramp alone would reach 0.95; the model is cautious, see the README)
    assert forecast.current[k] < forecast.utilization[k, 0] and forecast.utilization[k, -1] >= 0.75
    assert np.all(np.diff(forecast.utilization[k]) > 0)
    assert forecast.probability[k, -1] > 0.5
    others = np.delete(forecast.probability, k, axis=0)
    assert others.max() < 0.05


def test_sustained_twin_congestion_is_forecast_on_the_root_link(pretrained):
    inc = make_incident(fault="congestion", size="small", random_state=1)
    root = inc.truth.root_causes[0].entity
    evidence = congestion_evidence(inc, forecaster=pretrained)
    assert root in evidence
    assert evidence[root].source == "gnn"
    assert evidence[root].path == (root,)


def _candidate(rank, entity, kind, fault):
    return Candidate(
        rank,
        entity,
        kind,
        1.0 / rank,
        fault,
        "test",
        (Evidence(path=(entity,), why="from the ranker"),),
    )


def test_evidence_goes_to_the_congestion_candidates_that_cross_the_threshold(pretrained):
    topo = small_network()
    metrics = _planted_metrics(topo)
    from rca import AlarmLog, Incident

    alarms = AlarmLog.from_frame(
        pd.DataFrame({"timestamp": [T0], "device": ["S1"], "alarm_type": ["HIGH_UTILIZATION"]}),
        topology=topo,
    )
    inc = Incident(topo, alarms, metrics, name="planted")
    result = RCAResult(
        "planted",
        (
            _candidate(1, "S2--S3", "link", "congestion"),  # flat: nothing to add
            _candidate(2, RISING, "link", "congestion"),
            _candidate(
                3, RISING, "link", "link_degraded"
            ),  # the same link, another fault: still evidence
            _candidate(4, "S2", "node", "congestion"),  # an end of the rising link
            _candidate(5, "S1", "node", "node_down"),  # an end, but not a congestion hypothesis
        ),
        seconds=0.0,
    )
    out = forecast_evidence(result, inc, forecaster=pretrained)
    assert [(c.rank, c.entity, c.fault, c.score) for c in out.candidates] == [
        (c.rank, c.entity, c.fault, c.score) for c in result.candidates
    ]
    added = [c.evidence[1:] for c in out.candidates]
    assert added[0] == () and added[4] == ()
    assert added[2] == added[1]
    (link_ev,), (node_ev,) = added[1], added[3]
    assert link_ev.source == node_ev.source == "gnn"
    assert link_ev.path == (RISING,)
    assert node_ev.path == ("S2", "S1")  # from the candidate over the rising link
    assert link_ev.why.startswith("predicted utilisation ")
    assert f"on {RISING} over the next 3 intervals (now 0.72" in link_ev.why


def test_incident_without_metrics_gets_no_evidence(pretrained):
    inc = make_incident(fault="congestion", size="small", random_state=1)
    from dataclasses import replace

    bare = replace(inc, metrics=None)
    assert congestion_evidence(bare, forecaster=pretrained) == {}
    result = RCAResult("x", (_candidate(1, "L001", "link", "congestion"),), seconds=0.0)
    assert forecast_evidence(result, bare, forecaster=pretrained) is result


# -- the congestion RouteNet's fast inference path --------------------------------------------


def test_routenet_inference_loop_matches_the_packed_gru():
    """The unrolled inference path computes what the packed (training) path computes."""
    from rca.datasets._gnnet import GnnetSample

    rng = np.random.default_rng(0)
    import networkx as nx

    g = nx.convert_node_labels_to_integers(nx.random_regular_graph(3, 12, seed=1))
    links = pd.DataFrame(
        [(f"{a}->{b}", a, b, 1e9, 32) for u, v in g.edges for a, b in ((u, v), (v, u))],
        columns=["link_id", "source", "target", "capacity_bps", "queue_size"],
    ).set_index("link_id")
    pairs = [(s, t) for s in range(12) for t in range(12) if s != t]
    paths = pd.DataFrame(
        {
            "nodes": [tuple(nx.shortest_path(g, s, t)) for s, t in pairs],
            "traffic_bps": rng.uniform(1e6, 2e7, len(pairs)),
            "avg_packet_size": 1000.0,
        }
    )
    data = congestion_data(GnnetSample(name="g", graph=g, links=links, paths=paths))
    net = CongestionPredictor.pretrained().model_
    with torch.no_grad():
        fast = net(data, net.walk(data))
    with torch.enable_grad():
        packed = net(data)
    for key in fast:
        torch.testing.assert_close(fast[key], packed[key].detach(), rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("seed", [100, 101, 102])
def test_on_twin_congestion_only_the_root_candidate_gets_forecast_evidence(pretrained, seed):
    import rca

    inc = make_incident(fault="congestion", size="small", random_state=seed)
    result = rca.analyze(inc)
    out = forecast_evidence(result, inc, forecaster=pretrained)
    root = inc.truth.root_causes[0].entity
    with_forecast = [c.entity for c in out.candidates if any(e.source == "gnn" for e in c.evidence)]
    assert with_forecast == [root]
    assert [c.entity for c in out.candidates] == [c.entity for c in result.candidates]
