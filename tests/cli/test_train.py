"""``rca train <model>`` on tiny settings: it writes a model that loads, and says so truthfully.

The shipped recipes take minutes to hours; here each recipe is shrunk (a
handful of incidents or samples, one or two epochs) so that the command's
own work (reading the recipe, training, writing, reporting) runs in seconds.
"""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

import rca.gnn._recipes as recipes
from rca.cli import main
from rca.explain._features import FEATURES
from rca.explain._learn import load_weights

pytest.importorskip("torch")


def train(*args):
    return CliRunner().invoke(main, ["train", *map(str, args), "--no-progress"])


def small_corpus(n, *, random_state=0):
    """Ten small twin incidents instead of the recipe's mix of sizes (the command's work, in seconds)."""
    from rca.datasets import make_incident

    return (
        make_incident(size="small", random_state=1000 + random_state + k, name=f"t{k}")
        for k in range(n)
    )


@pytest.mark.slow
def test_train_explain_on_ten_incidents(tmp_path, monkeypatch):
    monkeypatch.setattr("rca.explain._learn.training_incidents", small_corpus)
    out = tmp_path / "w.json"
    res = train("explain", "--n", "10", "--out", out)
    assert res.exit_code == 0, res.output
    data = json.loads(out.read_text())
    m = re.fullmatch(
        rf"wrote {re.escape(str(out))} in \d+ s: (\d+) incidents, log loss (\d\.\d{{3}})\n",
        res.stdout,
    )
    assert m, res.stdout
    # every incident whose true root is among the hypotheses is used (at most the ten simulated)
    assert int(m.group(1)) == data["n_incidents"] and 5 <= data["n_incidents"] <= 10
    assert m.group(2) == f"{data['train_log_loss']:.3f}"
    assert data["recipe"] == {"n_incidents": 10, "random_state": 0, "l2": 0.01}
    assert data["command"] == "rca train explain"
    w, w2, bias = load_weights(out)
    assert list(data["features"]) == list(FEATURES) and len(w) == len(w2) == len(FEATURES)
    # coverage and precision of the evidence are evidence for a root, whatever the corpus size
    assert w[FEATURES.index("log_coverage")] > 0 and w[FEATURES.index("log_precision")] > 0


def test_train_explain_refuses_fewer_than_ten(tmp_path):
    res = train("explain", "--n", "3", "--out", tmp_path / "w.json")
    assert res.exit_code == 2 and "3 is not in the range x>=10" in res.output
    assert not (tmp_path / "w.json").exists()


@pytest.fixture
def tiny_forecast(monkeypatch):
    for key, value in {"n_incidents": 3, "epochs": 1, "hidden": 8, "batch_windows": 16}.items():
        monkeypatch.setitem(recipes.FORECAST_RECIPE, key, value)


@pytest.mark.slow
def test_train_forecast_tiny(tmp_path, tiny_forecast):
    from rca.gnn._forecast import CongestionForecaster

    out = tmp_path / "f.pt"
    res = train("forecast", "--out", out)
    assert res.exit_code == 0, res.output
    kib = out.stat().st_size / 1024
    assert re.fullmatch(
        rf"wrote {re.escape(str(out))} \({kib:.0f} KiB\) in \d+ s \(\+\d+ s simulating 3 incidents\)\n",
        res.stdout,
    ), res.stdout
    model = CongestionForecaster.load(out)
    assert (model.window, model.horizon, model.hidden) == (8, 3, 8)


@pytest.fixture
def tiny_propagation(monkeypatch):
    for key, value in {
        "n_localisation": 4,
        "n_propagation": 2,
        "n_othersim": 2,
        "epochs": 1,
        "hidden": 8,
        "layers": 2,
        "batch_size": 4,
    }.items():
        monkeypatch.setitem(recipes.PROPAGATION_RECIPE, key, value)
    monkeypatch.setattr(
        "rca.gnn._corpus.zoo_cores", lambda *a, **k: []
    )  # twin networks only: no data home


@pytest.mark.slow
def test_train_propagation_tiny_and_its_corpus_cache(tmp_path, tiny_propagation):
    from rca.gnn._failure_model import FailureGNN

    out, cache = tmp_path / "p.pt", tmp_path / "cache"
    res = train("propagation", "--out", out, "--cache", cache)
    assert res.exit_code == 0, res.output
    m = re.fullmatch(
        rf"wrote {re.escape(str(out))} \((\d+) KiB\): corpus \d+ s, training \d+ s on (\d+) samples; "
        r"seed 2\n",
        res.stdout,
    )
    assert m, res.stdout
    assert int(m.group(1)) == round(out.stat().st_size / 1024)
    # 4 twin and 2 othersim localisation samples, and up to 2 propagation ones (a fibre cut has no single
    # root and is skipped)
    assert 6 <= int(m.group(2)) <= 8
    (cached,) = cache.glob("netrca-failure-corpus-*.pt")
    assert cached.name.startswith(
        f"netrca-failure-corpus-{recipes.PROPAGATION_RECIPE['data_seed']}-4-2-2-"
    )
    model = FailureGNN.load(out)
    assert (model.hidden, model.layers) == (8, 2)
    # a second run reads the corpus from the cache: the same samples, without simulating
    monkeypatch_twin = pytest.MonkeyPatch()
    try:
        for simulator in ("twin_incidents", "othersim_incidents"):
            monkeypatch_twin.setattr(
                f"rca.gnn._corpus.{simulator}",
                lambda *a, **k: (_ for _ in ()).throw(AssertionError("simulated again")),
            )
        again = train("propagation", "--out", tmp_path / "p2.pt", "--cache", cache)
    finally:
        monkeypatch_twin.undo()
    assert again.exit_code == 0, again.output
    assert f"on {m.group(2)} samples" in again.stdout


@pytest.mark.slow
def test_train_congestion_tiny(tmp_path, monkeypatch):
    from rca.gnn._congestion import CongestionPredictor
    from tests.gnn.tiny_gnnet import write_tiny_gnnet

    write_tiny_gnnet(tmp_path / "data" / "train", 3)
    write_tiny_gnnet(tmp_path / "data" / "validation", 2, seed=10)
    for key, value in {"epochs": 2, "hidden": 8}.items():
        monkeypatch.setitem(recipes.CONGESTION_RECIPE, key, value)
    out = tmp_path / "c.pt"
    res = train("congestion", "--data", tmp_path / "data", "--out", out)
    assert res.exit_code == 0, res.output
    m = re.fullmatch(
        rf"wrote {re.escape(str(out))} \((\d+) KiB\) in \d+ s; seed 0, best epoch (\d+)\n",
        res.stdout,
    )
    assert m, res.stdout
    assert int(m.group(2)) in (1, 2)
    assert CongestionPredictor.load(out).hidden == 8


def test_train_congestion_without_data_names_the_folder(tmp_path):
    res = train("congestion", "--data", tmp_path / "nowhere", "--out", tmp_path / "c.pt")
    assert res.exit_code == 1
    assert (
        f"{tmp_path / 'nowhere' / 'train'} not found: pass --data pointing at gnnet-2021"
        in res.output
    )
    assert not (tmp_path / "c.pt").exists()


def test_train_lists_its_models():
    res = CliRunner().invoke(main, ["train", "--help"])
    assert res.exit_code == 0
    for name in ("congestion", "explain", "forecast", "propagation"):
        assert re.search(rf"^\s+{name}\s", res.output, re.M), name
