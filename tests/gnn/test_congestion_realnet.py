"""The "flows" congestion model on measured-network samples: features, physics, contract, files, CLI."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import torch
from click.testing import CliRunner
from sklearn.base import clone

from rca.cli import main
from rca.datasets import load_gnnet2023
from rca.datasets._gnnet import load_gnnet
from rca.errors import InputError, ModelFileError
from rca.gnn import (
    ASSUMED_QUEUE_SIZE,
    FLOW_EDGE_FEATURES,
    FLOW_LINK_FEATURES,
    FLOW_PATH_FEATURES,
    CongestionPredictor,
    FlowRouteNet,
    QueueingBaseline,
    congestion_data,
    fluid_rates,
    link_devices,
)
from tests.conftest import require_shared
from tests.gnn.tiny_gnnet import write_tiny_gnnet
from tests.gnn.tiny_realnet import write_tiny_realnet


@pytest.fixture(scope="module")
def realnet_dir(tmp_path_factory):
    return write_tiny_realnet(tmp_path_factory.mktemp("realnet") / "gnnet-2023-realnet", 3)


@pytest.fixture(scope="module")
def samples(realnet_dir):
    return list(load_gnnet2023(realnet_dir))


def _fit(samples, seed=0, **kw):
    params = {
        "features": "flows",
        "hidden": 8,
        "iterations": 2,
        "epochs": 3,
        "batch_size": 4,
        "log_warmup": 0.5,
        "random_state": seed,
        **kw,
    }
    return CongestionPredictor(**params).fit(samples)


def _sample(routes, traffic, capacity_gbps, kinds=None, name="planted"):
    """A measured-network sample: routes of link ids, traffic in bit/s, no queue sizes."""
    links = pd.DataFrame(
        {"capacity_bps": np.asarray(capacity_gbps, float) * 1e9, "queue_size": np.nan},
        index=pd.Index([str(i) for i in range(len(capacity_gbps))]),
    )
    paths = pd.DataFrame(
        {
            "source": 0,
            "target": 1,
            "route": [tuple(str(x) for x in r) for r in routes],
            "traffic_bps": np.asarray(traffic, float),
            "avg_packet_size": 8000.0,
            "flow_type": kinds or ["cbr"] * len(routes),
        }
    )
    return type("Sample", (), {"name": name, "links": links, "paths": paths})()


# -- features ------------------------------------------------------------------


def test_flow_features_shapes_and_meaning():
    # link 0 carries both flows (0.6 + 0.6 of 1 Gbit/s): overloaded; link 1 follows it for flow 0
    s = _sample([[0, 1], [0, 2]], [6e8, 6e8], [1.0, 1.0, 10.0], kinds=["cbr", "mb"])
    d = congestion_data(s)
    assert d["link"].xf.shape == (3, len(FLOW_LINK_FEATURES))
    assert d["path"].xf.shape == (2, len(FLOW_PATH_FEATURES))
    assert d["path", "crosses", "link"].xf.shape == (4, len(FLOW_EDGE_FEATURES))
    x = pd.DataFrame(d["link"].xf.numpy(), columns=FLOW_LINK_FEATURES)
    assert x.loc[0, "offered_load"] == pytest.approx(1.2)
    assert x.loc[0, "cbr_load"] == pytest.approx(0.6) and x.loc[0, "burst_load"] == pytest.approx(
        0.6
    )
    # the bottleneck forwards 1/1.2 of what it is offered: link 1 carries 0.5, not 0.6
    assert x.loc[1, "offered_load"] == pytest.approx(0.6)
    assert x.loc[1, "carried_load"] == pytest.approx(0.5)
    p = pd.DataFrame(d["path"].xf.numpy(), columns=FLOW_PATH_FEATURES)
    assert p["delivered"].tolist() == pytest.approx([1 / 1.2, 1 / 1.2])
    assert p[["is_cbr", "is_burst", "is_other"]].values.tolist() == [[1, 0, 0], [0, 1, 0]]
    # unknown buffers read as the assumed size, and are marked unknown
    assert d["link"].queue_size.tolist() == [ASSUMED_QUEUE_SIZE] * 3
    assert not d["link"].queue_known.any()


def test_route_to_unknown_link_is_an_input_error():
    s = _sample([[0, 5]], [1e8], [1.0, 1.0])
    with pytest.raises(InputError, match="crosses link '5', which is not in the links frame"):
        congestion_data(s)


def test_fluid_rates_chain_of_bottlenecks():
    # one flow of 4 over links of capacity 2 then 1: 2 reach the second link, 1 is delivered
    fr = fluid_rates(np.array([2.0, 1.0]), np.array([4.0]), np.array([0, 0]), np.array([0, 1]))
    assert fr.reaching.tolist() == pytest.approx([1.0, 0.5])
    assert fr.carried_load.tolist() == pytest.approx([4.0, 2.0])
    assert fr.delivered.tolist() == pytest.approx([0.25])


def test_link_devices_from_routes():
    # routes 0 -> 1 -> 2 and 3 -> 1: links 0 and 3 enter the device link 1 leaves
    tail, head = link_devices(4, np.array([0, 0, 0, 1, 1]), np.array([0, 1, 2, 3, 1]))
    assert head[0] == tail[1] == head[3]
    assert head[1] == tail[2]
    assert len({tail[0], tail[1], tail[2], tail[3]}) == 4


def test_time_dist_of_simulations_reads_as_flow_type(tmp_path):
    s = next(load_gnnet(write_tiny_gnnet(tmp_path / "t", 1)))
    d = congestion_data(s)  # exponential inter-arrivals: neither CBR nor multi-burst
    p = pd.DataFrame(d["path"].xf.numpy(), columns=FLOW_PATH_FEATURES)
    assert (p["is_other"] == 1).all()


# -- the model -----------------------------------------------------------------


def test_inference_path_computes_the_training_function(samples):
    model = _fit(samples[:6])
    for sample in samples[6:9]:
        data = congestion_data(sample)
        with torch.enable_grad():
            reference = model.model_(data)
        with torch.inference_mode():
            unrolled = model.model_(data, model.model_.walk(data))
        for key, value in reference.items():
            torch.testing.assert_close(unrolled[key], value.detach(), rtol=1e-5, atol=1e-9)


def test_delay_is_the_sum_of_hop_delays(samples):
    net = FlowRouteNet(hidden=8, iterations=2)
    data = congestion_data(samples[0])
    with torch.inference_mode():
        out = net(data)
    e_path = data["path", "crosses", "link"].edge_index[0]
    summed = torch.zeros_like(out["delay"]).index_add_(0, e_path, out["hop_delay"])
    torch.testing.assert_close(summed, out["delay"])
    assert (out["hop_delay"] > 0).all()


def test_untrained_model_starts_at_the_queue(samples):
    # the readout starts near zero: a flow over a loaded link is slower than the same flow alone
    net = FlowRouteNet(hidden=8, iterations=1)
    busy = _sample([[0, 1], [0, 2]], [4e8, 5e8], [1.0, 1.0, 1.0])
    idle = _sample([[0, 1]], [4e8], [1.0, 1.0, 1.0])
    with torch.inference_mode():
        slow = net(congestion_data(busy))["delay"][0]
        fast = net(congestion_data(idle))["delay"][0]
    assert slow > 1.5 * fast


def test_learns_the_queueing_law_of_the_tiny_network(samples):
    # the readout and the two-stage loss, without message passing (which needs more steps to pay off)
    train, held = samples[:12], samples[24:]
    before = _fit(train[:1], iterations=0, epochs=1)
    after = _fit(train, iterations=0, epochs=20, batch_size=2, lr=1e-2)
    assert after.evaluate(held).path_delay_mape < 0.6 * before.evaluate(held).path_delay_mape


def test_fit_returns_self_predicts_and_scores(samples):
    model = CongestionPredictor(features="flows", hidden=8, iterations=2, epochs=2, batch_size=4)
    assert model.fit(samples[:8]) is model
    pred = model.predict(samples[0])
    assert pred.path_delay.shape == (len(samples[0].paths),) and (pred.path_delay > 0).all()
    assert np.isnan(pred.occupancy).all()
    assert ((pred.utilization >= 0) & (pred.utilization <= 1)).all()
    scores = model.evaluate(samples[:3])
    assert scores.n_paths == sum(len(s.paths) for s in samples[:3])
    assert np.isnan(scores.link_util_mae)  # measurements label flows only
    d = scores.to_dict()
    assert d["link_util_mae"] is None and d["path_delay_median_ape"] > 0


def test_same_seed_same_model_and_clone(samples):
    a, b = _fit(samples[:6], seed=3), _fit(samples[:6], seed=3)
    c = _fit(samples[:6], seed=4)
    for va, vb in zip(a.model_.state_dict().values(), b.model_.state_dict().values()):
        torch.testing.assert_close(va, vb)
    assert any(
        not torch.equal(va, vc)
        for va, vc in zip(a.model_.state_dict().values(), c.model_.state_dict().values())
    )
    assert clone(a).get_params() == a.get_params()


def test_validation_is_scored_not_selected_when_asked(samples):
    model = _fit(samples[:6], epochs=3).fit(samples[:6], validation=samples[6:9], select=False)
    assert model.best_epoch_ == 3
    assert all("val_path_delay_mape" in h for h in model.history_)


def test_mlp_baseline_reads_flow_features(samples):
    model = _fit(samples[:6], iterations=0)
    assert not hasattr(model.model_, "path_gru")
    assert (model.predict(samples[0]).path_delay > 0).all()


def test_bad_parameters_are_input_errors(samples):
    with pytest.raises(InputError, match="features must be one of"):
        CongestionPredictor(features="links").fit(samples[:2])
    with pytest.raises(InputError, match="log_warmup"):
        CongestionPredictor(features="flows", log_warmup=2.0).fit(samples[:2])


def test_save_load_round_trip(samples, tmp_path):
    model = _fit(samples[:6])
    path = tmp_path / "flows.pt"
    model.save(path)
    back = CongestionPredictor.load(path)
    assert back.features == "flows" and isinstance(back.model_, FlowRouteNet)
    np.testing.assert_allclose(
        back.predict(samples[0]).path_delay, model.predict(samples[0]).path_delay
    )


def test_file_with_unknown_feature_set_is_refused(samples, tmp_path):
    from rca.gnn._serialize import read_model_file, write_model_file

    path = tmp_path / "flows.pt"
    _fit(samples[:4]).save(path)
    config, state, extra = read_model_file(path, "netrca-congestion", 1)
    write_model_file(path, "netrca-congestion", 1, {**config, "features": "links"}, state, extra)
    with pytest.raises(ModelFileError, match="features must be one of"):
        CongestionPredictor.load(path)


def test_queueing_baseline_buffer_applies_to_unknown_buffers_only(samples):
    small = QueueingBaseline(queue_size=2).fit().predict(samples[0]).path_delay
    large = QueueingBaseline(queue_size=4096).fit().predict(samples[0]).path_delay
    default = QueueingBaseline().fit().predict(samples[0]).path_delay
    assert (large >= small).all() and (large > small).any()
    assert not np.allclose(default, small)
    with pytest.raises(InputError, match="queue_size must be at least 1"):
        QueueingBaseline(queue_size=0).fit().predict(samples[0])


# -- CLI -----------------------------------------------------------------------


def test_cli_trains_on_four_folds_and_evaluates_the_fifth(realnet_dir, tmp_path):
    runner = CliRunner()
    out = tmp_path / "m.pt"
    res = runner.invoke(
        main,
        [
            "congestion",
            "train",
            str(realnet_dir),
            "--out",
            str(out),
            "--folds",
            "1,2,3,4",
            "--validation-folds",
            "0",
            "--epochs",
            "2",
            "--hidden",
            "8",
            "--no-progress",
        ],
    )
    assert res.exit_code == 0, res.output
    assert "validation MAPE" in res.output and out.is_file()
    res = runner.invoke(
        main,
        [
            "congestion",
            "evaluate",
            str(realnet_dir),
            "--model",
            str(out),
            "--folds",
            "0",
            "--family",
            "mb",
            "--json",
        ],
    )
    assert res.exit_code == 0, res.output
    scores = json.loads(res.output)
    assert scores["n_samples"] == 3 and scores["link_util_mae"] is None
    res = runner.invoke(
        main,
        ["congestion", "evaluate", str(realnet_dir / "mb_fold0.jsonl.gz"), "--baseline", "mm1k"],
    )
    assert res.exit_code == 0, res.output
    assert "path_delay_median_ape" in res.output and "n/a" in res.output


def test_cli_fold_options_refused_on_the_2021_layout(tmp_path):
    data = write_tiny_gnnet(tmp_path / "set", 1)
    res = CliRunner().invoke(main, ["congestion", "evaluate", str(data), "--folds", "0"])
    assert res.exit_code != 0 and "select GNNet 2023 real-network files" in res.output


def test_cli_malformed_line_is_reported_with_file_and_line(realnet_dir, tmp_path):
    bad = tmp_path / "mb_fold0.jsonl"
    good = realnet_dir / "mb_fold0.jsonl.gz"
    import gzip

    lines = gzip.open(good, "rt").read().splitlines()
    bad.write_text(
        lines[0] + "\n" + lines[1].replace('"flow_mean_delay": [', '"flow_mean_delay": [-') + "\n"
    )
    res = CliRunner().invoke(main, ["congestion", "evaluate", str(bad), "--baseline", "mm1k"])
    assert res.exit_code != 0 and f"{bad}:2" in res.output


def test_rca_train_congestion_realnet(realnet_dir, tmp_path, monkeypatch):
    import rca.gnn._recipes as recipes

    monkeypatch.setitem(recipes.CONGESTION_REALNET_RECIPE, "epochs", 1)
    monkeypatch.setitem(recipes.CONGESTION_REALNET_RECIPE, "hidden", 8)
    out = tmp_path / "r.pt"
    res = CliRunner().invoke(
        main,
        [
            "train",
            "congestion",
            "--realnet",
            "--data",
            str(realnet_dir),
            "--out",
            str(out),
            "--no-progress",
        ],
    )
    assert res.exit_code == 0, res.output
    model = CongestionPredictor.load(out)
    assert model.features == "flows" and "30 samples" in res.output


def test_benchmark_rotations_run_apart_and_merge(realnet_dir, tmp_path, monkeypatch, capsys):
    import runpy
    import sys
    from pathlib import Path

    script = Path(__file__).resolve().parents[2] / "benchmarks" / "gnn_congestion_real.py"

    def run(*argv):
        monkeypatch.setattr(sys, "argv", [str(script), "--data", str(realnet_dir), *argv])
        runpy.run_path(str(script), run_name="__main__")

    for k in (3, 0):
        run(
            "--epochs",
            "1",
            "--hidden",
            "4",
            "--rotations",
            str(k),
            "--out",
            str(tmp_path / f"r{k}.json"),
        )
    part = json.loads((tmp_path / "r3.json").read_text())
    models = {"trained", "zero-shot", "M/M/1/K", "M/M/1/K fitted", "per-hop median"}
    assert {(r["family"], r["fold"], r["model"]) for r in part["scores"]} == {
        (f, 3, m) for f in ("cbr_mb", "mb") for m in models
    }
    assert [t["train_folds"] for t in part["training"]] == [[0, 1, 2, 4]]
    assert part["meta"]["recipe"]["epochs"] == 1
    assert all(r["n_flows"] == 18 and r["mape"] > 0 for r in part["scores"])
    capsys.readouterr()
    run(
        "--merge",
        str(tmp_path / "r3.json"),
        str(tmp_path / "r0.json"),
        "--out",
        str(tmp_path / "all.json"),
    )
    merged = json.loads((tmp_path / "all.json").read_text())
    assert [t["rotation"] for t in merged["training"]] == [0, 3]
    assert {m["folds"] == [0, 3] for m in merged["means"]} == {True}
    assert "per validation fold" in capsys.readouterr().out


# -- the shipped model ------------------------------------------------------------


def test_shipped_realnet_model_is_the_recipe():
    from rca.gnn._recipes import CONGESTION_REALNET_RECIPE

    model = CongestionPredictor.pretrained("realnet")
    assert isinstance(model.model_, FlowRouteNet)
    params = model.get_params()
    assert {k: params[k] for k in CONGESTION_REALNET_RECIPE} == CONGESTION_REALNET_RECIPE
    assert (
        model.best_epoch_ == CONGESTION_REALNET_RECIPE["epochs"]
        and len(model.history_) == model.best_epoch_
    )
    with pytest.raises(InputError, match="network must be one of"):
        CongestionPredictor.pretrained("testbed")


@pytest.mark.parametrize(
    ("family", "max_mape", "max_median"), [("cbr_mb", 35.0, 15.0), ("mb", 42.0, 22.0)]
)
def test_shipped_realnet_model_on_the_shared_measurements(family, max_mape, max_median):
    # in-sample (the shipped model saw every fold): a check that the file is the trained model,
    # not a figure of merit; the cross-validation figures are in benchmarks/README.md
    folder = require_shared("gnnet-2023-realnet")
    samples = list(load_gnnet2023(folder, family=family, folds=0, limit=40))
    ours = CongestionPredictor.pretrained("realnet").evaluate(samples)
    queue = QueueingBaseline().fit().evaluate(samples)
    assert ours.path_delay_mape < max_mape < queue.path_delay_mape
    assert ours.to_dict()["path_delay_median_ape"] < max_median
