"""``rca congestion evaluate``: the scores printed are those of the model asked for, in the table and the JSON."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from rca.cli import main
from tests.gnn.tiny_gnnet import write_tiny_gnnet

pytest.importorskip("torch")


@pytest.fixture(scope="module")
def data_and_model(tmp_path_factory):
    root = tmp_path_factory.mktemp("gnnet")
    data = write_tiny_gnnet(root / "set", 3)
    model = root / "m.pt"
    res = CliRunner().invoke(
        main,
        [
            "congestion",
            "train",
            str(data),
            "--out",
            str(model),
            "--epochs",
            "2",
            "--hidden",
            "8",
            "--no-progress",
        ],
    )
    assert res.exit_code == 0, res.output
    return data, model


def evaluate(*args):
    res = CliRunner().invoke(main, ["congestion", "evaluate", *map(str, args)])
    assert res.exit_code == 0, res.output
    return res.output


def test_the_model_given_is_the_model_scored(data_and_model):
    from rca.datasets._gnnet import load_gnnet
    from rca.gnn import CongestionPredictor, QueueingBaseline

    data, model = data_and_model
    samples = list(load_gnnet(data))
    mine = json.loads(evaluate(data, "--model", model, "--json"))
    assert mine == pytest.approx(CongestionPredictor.load(model).evaluate(samples).to_dict())
    shipped = json.loads(evaluate(data, "--json"))
    assert shipped == pytest.approx(CongestionPredictor.pretrained().evaluate(samples).to_dict())
    assert mine["path_delay_mape"] != pytest.approx(
        shipped["path_delay_mape"]
    )  # a 2-epoch model is not it
    mm1k = json.loads(evaluate(data, "--baseline", "mm1k", "--json"))
    assert mm1k == pytest.approx(QueueingBaseline().fit().evaluate(samples).to_dict())


def test_the_table_is_the_json(data_and_model):
    data, model = data_and_model
    scores = json.loads(evaluate(data, "--model", model, "--json"))
    lines = evaluate(data, "--model", model).splitlines()
    width = max(len(k) for k in scores)
    # a score the data cannot give (null in the JSON) reads n/a in the table
    assert lines == [
        f"{k:<{width}}  {v:.4g}"
        if isinstance(v, float)
        else f"{k:<{width}}  n/a"
        if v is None
        else f"{k:<{width}}  {v}"
        for k, v in scores.items()
    ]
