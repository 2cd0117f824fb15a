"""The failure GNN: graph features, estimator contract, safe files, propagation with the shipped weights."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.base import clone

from rca.datasets import make_incident
from rca.errors import InputError, ModelFileError, NotFittedError, UnknownEntityError
from rca.gnn import (
    FEATURES,
    HYPOTHESIS_FEATURES,
    OBSERVED_FEATURES,
    FailureGNN,
    PropagationPrediction,
    failure_graph,
    localisation_sample,
    propagate,
    propagation_sample,
)
from rca.gnn._serialize import write_model_file
from rca.topology import Topology
from tests._builders import small_network


@pytest.fixture(scope="module")
def incidents():
    return [make_incident(size="small", n_roots=1 + i % 2, random_state=500 + i) for i in range(4)]


@pytest.fixture(scope="module")
def samples(incidents):
    clean = make_incident(size="small", fault="node_down", noise=0.0, random_state=77)
    return [localisation_sample(i) for i in incidents] + [propagation_sample(clean)]


@pytest.fixture(scope="module")
def tiny_model(samples):
    return FailureGNN(hidden=8, layers=2, epochs=2, batch_size=2, random_state=0).fit(samples)


def _chain() -> Topology:
    """G (gateway) - A - B - C, each element on its own site."""
    nodes = pd.DataFrame(
        {
            "node_id": ["G", "A", "B", "C"],
            "site": ["SG", "SA", "SB", "SC"],
            "layer": ["core", "aggregation", "access", "access"],
            "gateway": [True, False, False, False],
        }
    )
    links = pd.DataFrame({"source": ["G", "A", "B"], "target": ["A", "B", "C"]})
    return Topology.from_frames(nodes, links)


# -- graph -------------------------------------------------------------------------


def test_failure_graph_shapes_and_entity_order():
    topo = small_network()
    g = failure_graph(topo)
    n, m, s = topo.n_nodes, topo.n_links, len(topo.sites)
    assert g.x.shape == (n + m + s, len(FEATURES))
    assert g.entity_ids[:n] == topo.node_ids and g.entity_ids[n : n + m] == topo.link_ids
    assert g.entity_kind.tolist() == [0] * n + [1] * m + [2] * s
    members = sum(len(v) for v in topo.sites.values())
    assert g.edge_index.shape == (2, 4 * m + 2 * members)
    # each link entity is joined to exactly its two endpoints
    link = n + topo.link_ids.index("S2--S3")
    ends = {g.entity_ids[i] for i in g.edge_index[0][g.edge_index[1] == link].tolist()}
    assert ends == {"S2", "S3"}
    # without alarms or a hypothesis, those blocks are zero
    start = len(FEATURES) - len(OBSERVED_FEATURES) - len(HYPOTHESIS_FEATURES)
    assert float(g.x[:, start:].abs().sum()) == 0.0


def test_inside_site_marks_links_between_elements_of_one_site():
    nodes = pd.DataFrame(
        {"node_id": ["G", "A", "B"], "site": ["S1", "S2", "S2"], "gateway": [True, False, False]}
    )
    links = pd.DataFrame({"source": ["G", "A"], "target": ["A", "B"]})
    g = failure_graph(Topology.from_frames(nodes, links))
    col = g.x[:, FEATURES.index("inside_site")]
    inside = {e: float(col[i]) for i, e in enumerate(g.entity_ids)}
    assert inside["A--B"] == 1.0 and inside["A--G"] == 0.0
    assert inside["A"] == inside["S2"] == 0.0


@pytest.mark.parametrize("random_state", range(6))
@pytest.mark.parametrize("vocabulary", ["vendor_a", "vendor_b"])
def test_features_do_not_depend_on_the_alarm_vocabulary(random_state, vocabulary):
    """The same incident named by another vendor gives the same node features."""
    a = make_incident(
        size="small", fault="site_power", random_state=random_state, vocabulary="generic"
    )
    b = make_incident(
        size="small", fault="site_power", random_state=random_state, vocabulary=vocabulary
    )
    assert set(a.alarms.frame["alarm_type"]) != set(b.alarms.frame["alarm_type"])
    ga = failure_graph(a.topology, a.alarms, a.metrics)
    gb = failure_graph(b.topology, b.alarms, b.metrics)
    assert torch.equal(ga.x, gb.x)


def test_metric_features_come_from_each_series_own_change_point():
    """A load that rises long before the alarms still counts; levels, falls and silence are read."""
    topo = _chain()
    t = np.arange(0.0, 7200.0, 60.0)  # two hours of one-minute samples
    onset = 6000.0  # the alarm storm starts late
    rows = []
    for i, ti in enumerate(t):
        rows.append(
            (ti, "A--B", "utilization", 30.0 + (i % 3) + (60.0 if ti >= 1800.0 else 0.0))
        )  # rises 70 min early
        rows.append(
            (ti, "A--G", "utilization", 40.0 + (i % 2) - (35.0 if ti >= 3000.0 else 0.0))
        )  # traffic leaves
        rows.append((ti, "B--C", "utilization", 20.0 + (i % 2)))  # flat
        if ti < 5900.0:  # C goes quiet
            rows.append((ti, "C", "cpu_util", 15.0 + (i % 2)))
    metrics = pd.DataFrame(rows, columns=["time", "entity", "metric", "value"])
    alarms = pd.DataFrame(
        {
            "time": [onset, onset + 5.0],
            "device": ["B", "A"],
            "alarm_type": ["SLA_DELAY", "SLA_DELAY"],
        }
    )
    g = failure_graph(topo, alarms, metrics)
    x = {e: g.x[i] for i, e in enumerate(g.entity_ids)}
    f = FEATURES.index
    assert float(x["A--B"][f("load_up")]) == 1.0  # far above its own baseline
    assert float(x["A--B"][f("load_level")]) == pytest.approx(0.92)  # 92 % at its highest
    assert float(x["A--G"][f("load_down")]) == 1.0 and float(x["A--G"][f("load_up")]) < 0.5
    assert float(x["B--C"][f("load_up")]) < 0.5 and float(x["B--C"][f("load_level")]) < 0.25
    assert float(x["C"][f("metric_silent")]) == 1.0
    assert float(x["B"][f("metric_silent")]) == 0.0


def test_median_level_reads_an_overload_that_began_before_the_telemetry():
    """One sample before a gap, then saturated: no rise to find, but the median says overloaded."""
    topo = _chain()
    rows = [(0.0, "C", "cpu", 16.8)]
    rows += [(1200.0 + 120.0 * i, "C", "cpu", 91.0 + (i % 5)) for i in range(15)]
    rows += [(120.0 * i, "B", "cpu", 20.0 + (i % 3)) for i in range(25)]
    rows += [(120.0 * i, "A--B", "if_in_bps", 9.6e9) for i in range(25)]  # a rate, not a share
    rows += [
        (120.0 * i, "B--C", "utilization", 0.95 + 0.01 * (i % 2)) for i in range(25)
    ]  # a fraction
    metrics = pd.DataFrame(rows, columns=["time", "entity", "metric", "value"])
    alarms = pd.DataFrame(
        {"time": [1500.0, 1510.0], "device": ["B", "A"], "alarm_type": ["SLA_DELAY"] * 2}
    )
    g = failure_graph(topo, alarms, metrics)
    x = {e: g.x[i] for i, e in enumerate(g.entity_ids)}
    f = FEATURES.index("median_level")
    assert float(x["C"][f]) == pytest.approx(0.93, abs=0.01)
    assert float(x["B"][f]) == pytest.approx(0.21, abs=0.01)
    assert float(x["A--B"][f]) == 0.0
    assert float(x["B--C"][f]) == pytest.approx(0.955, abs=0.006)


def test_hypothesis_marks_what_the_fault_cuts_off():
    topo = _chain()
    g = failure_graph(topo, hypothesis=("node_down", "B"))
    lost = [float(g.x[g.entity_ids.index(n), FEATURES.index("hyp_lost")]) for n in "GABC"]
    assert lost == [0.0, 0.0, 1.0, 1.0]  # B and C behind it
    assert g.x[:, FEATURES.index("hyp_node_down")].eq(1).all()
    assert float(g.x[g.entity_ids.index("B"), FEATURES.index("hyp_root")]) == 1.0


def test_bad_hypotheses_are_reported():
    topo = _chain()
    with pytest.raises(InputError, match="fault must be one of"):
        failure_graph(topo, hypothesis=("meteor", "A"))
    with pytest.raises(InputError, match="link_down fault hits a link, but 'A' is a node"):
        failure_graph(topo, hypothesis=("link_down", "A"))
    with pytest.raises(UnknownEntityError, match="nowhere"):
        failure_graph(topo, hypothesis=("node_down", "nowhere"))
    with pytest.raises(InputError, match="lacks column"):
        failure_graph(topo, pd.DataFrame({"when": [1.0]}))


def test_samples_carry_labels(incidents):
    inc = incidents[1]
    s = localisation_sample(inc)
    assert float(s.y_root.sum()) == pytest.approx(1.0)
    assert int((s.y_root > 0).sum()) == len(inc.truth.root_causes)
    with pytest.raises(InputError, match="exactly one root"):
        propagation_sample(inc)  # two roots


# -- estimator contract ------------------------------------------------------------


def test_fit_is_deterministic_and_seed_dependent(samples, tiny_model):
    again = clone(tiny_model).fit(samples)
    for k, v in tiny_model.model_.state_dict().items():
        assert torch.equal(v, again.model_.state_dict()[k]), k
    other = clone(tiny_model).set_params(random_state=1).fit(samples)
    assert any(
        not torch.equal(v, other.model_.state_dict()[k])
        for k, v in tiny_model.model_.state_dict().items()
    )


def test_not_fitted_and_bad_parameters(samples, incidents):
    with pytest.raises(NotFittedError):
        FailureGNN().predict(incidents[0])
    with pytest.raises(InputError, match="layers"):
        FailureGNN(layers=-1).fit(samples)
    with pytest.raises(InputError, match="not a labelled failure graph"):
        FailureGNN(epochs=1).fit([failure_graph(small_network())])


def test_predict_shapes_and_mlp_baseline(samples, incidents, tiny_model):
    inc = incidents[0]
    scores = tiny_model.predict(inc)
    n = len(scores.entity_ids)
    assert scores.probability.shape == (n,) and scores.probability.sum() == pytest.approx(1.0)
    assert set(scores.kinds) == {"node", "link", "site"}
    # a link never gets a node fault, a site only site_power
    for kind, fault in zip(scores.kinds, scores.fault):
        assert (kind, fault) in {
            ("node", f) for f in ("node_down", "card_failure", "cpu_overload", "node_reboot")
        } | {("link", f) for f in ("link_down", "congestion", "fiber_cut", "microwave_fading")} | {
            ("site", "site_power")
        }
    mlp = FailureGNN(hidden=8, layers=0, epochs=1, random_state=0).fit(samples)
    assert not any("mix" in k for k in mlp.model_.state_dict())
    assert mlp.predict(inc).probability.shape == (n,)


# -- files -------------------------------------------------------------------------


def test_save_load_round_trip(tmp_path, tiny_model, incidents):
    path = tmp_path / "m.pt"
    tiny_model.save(path)
    back = FailureGNN.load(path)
    assert back.get_params() == {**tiny_model.get_params(), "progress": False}
    np.testing.assert_array_equal(
        back.predict(incidents[0]).probability, tiny_model.predict(incidents[0]).probability
    )


class _Evil:
    def __reduce__(self):
        return (print, ("pwned",))


def test_unsafe_or_broken_files_raise_model_file_error(tmp_path, tiny_model):
    corrupt = tmp_path / "corrupt.pt"
    corrupt.write_bytes(b"not a model at all")
    with pytest.raises(ModelFileError):
        FailureGNN.load(corrupt)
    evil = tmp_path / "evil.pt"
    torch.save(
        {
            "format": "netrca-failure",
            "format_version": 1,
            "config": "{}",
            "extra": "{}",
            "state": {"x": _Evil()},
        },
        str(evil),
    )
    with pytest.raises(ModelFileError, match="refused for safety"):
        FailureGNN.load(evil)
    raw = tmp_path / "pickle.pt"
    raw.write_bytes(pickle.dumps(_Evil()))
    with pytest.raises(ModelFileError):
        FailureGNN.load(raw)
    # a model made for other features is incompatible
    stale = tmp_path / "stale.pt"
    write_model_file(
        stale,
        "netrca-failure",
        1,
        {"hidden": 8, "layers": 2},
        tiny_model.model_.state_dict(),
        {"features": ["a", "b"], "fault_types": []},
    )
    with pytest.raises(ModelFileError, match="other input features"):
        FailureGNN.load(stale)
    # weights that do not fit the parameters
    wrong = tmp_path / "wrong.pt"
    from rca.datasets import FAULT_TYPES

    write_model_file(
        wrong,
        "netrca-failure",
        1,
        {"hidden": 16, "layers": 2},
        tiny_model.model_.state_dict(),
        {"features": list(FEATURES), "fault_types": list(FAULT_TYPES)},
    )
    with pytest.raises(ModelFileError, match="does not fit"):
        FailureGNN.load(wrong)
    with pytest.raises(ModelFileError, match="not found"):
        FailureGNN.load(tmp_path / "missing.pt")


# -- propagation with the shipped weights ------------------------------------------------


def test_shipped_node_down_affects_what_it_cuts_off():
    topo = _chain()
    pred = propagate(topo, "node_down", "B")
    assert isinstance(pred, PropagationPrediction)
    p = dict(zip(pred.elements, pred.probability))
    # B dies and C behind it is cut off: the NMS loses both; G, two hops away, is least affected
    assert p["B"] > 0.5 and p["C"] > 0.5
    assert p["G"] < min(p["B"], p["C"])
    assert (pred.delay_s >= 0).all()
    doc = pred.to_dict()
    probs = [a["probability"] for a in doc["affected"]]
    assert probs == sorted(probs, reverse=True) and {"B", "C"} <= {
        a["entity"] for a in doc["affected"]
    }


def test_shipped_link_down_is_seen_at_both_ends():
    topo = small_network()
    pred = propagate(topo, "link_down", "S2--S3")
    p = dict(zip(pred.elements, pred.probability))
    assert min(p["S2"], p["S3"]) > max(p["C1"], p["C2"])


@pytest.mark.parametrize(
    "module", ["rca._observe", "rca.gnn._graph_data", "rca.datasets._twin", "rca.topology"]
)
def test_training_corpus_cache_key_follows_the_code_that_makes_the_samples(monkeypatch, module):
    # a cached corpus built by other feature or twin code must not be reused
    import importlib
    import inspect

    from rca.gnn._recipes import PROPAGATION_RECIPE, corpus_key

    before = corpus_key(PROPAGATION_RECIPE)
    target = importlib.import_module(module)
    real = inspect.getsource
    monkeypatch.setattr(
        inspect, "getsource", lambda obj: real(obj) + ("# edited\n" if obj is target else "")
    )
    assert corpus_key(PROPAGATION_RECIPE) != before


@pytest.mark.parametrize(
    "name, value", [("hidden", 20_000), ("layers", 10_000), ("hidden", True), ("hidden", "8")]
)
def test_oversized_model_is_refused_before_it_is_built(
    tmp_path, tiny_model, monkeypatch, name, value
):
    # a 1.4 kB file asking for a 20,000-wide layer used to allocate 3.6 GB before load_state_dict refused it
    from rca.datasets import FAULT_TYPES

    path = tmp_path / "huge.pt"
    config = {"hidden": 8, "layers": 2, name: value}
    write_model_file(
        path,
        "netrca-failure",
        1,
        config,
        {},
        {"features": list(FEATURES), "fault_types": list(FAULT_TYPES)},
    )
    built = []
    monkeypatch.setattr(
        FailureGNN, "_new_model", lambda self: built.append(self) or tiny_model.model_
    )
    with pytest.raises(ModelFileError, match=rf"{name}={value!r}.*from 1 to"):
        FailureGNN.load(path)
    assert not built


def test_model_file_over_the_size_limit_is_refused_unread(tmp_path, monkeypatch):
    import rca.gnn._serialize as serialize

    path = tmp_path / "big.pt"
    path.write_bytes(b"\0" * 4096)
    monkeypatch.setattr(serialize, "MAX_MODEL_FILE_BYTES", 1024)
    monkeypatch.setattr(serialize.torch, "load", lambda *a, **k: pytest.fail("the file was read"))
    with pytest.raises(ModelFileError, match="4096 bytes is larger"):
        FailureGNN.load(path)


def test_model_files_are_written_atomically(tmp_path, tiny_model, monkeypatch):
    path = tmp_path / "model.pt"
    tiny_model.save(path)
    before = path.read_bytes()

    def disk_full(obj, handle, *args, **kwargs):
        handle.write(b"half a fi")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(torch, "save", disk_full)
    with pytest.raises(OSError, match="No space"):
        tiny_model.save(path)
    assert path.read_bytes() == before  # the old file, whole
    assert [p.name for p in tmp_path.iterdir()] == ["model.pt"]  # no temporary left behind
