"""``rca congestion train|evaluate`` on a tiny data set."""

from __future__ import annotations

import json

from click.testing import CliRunner

from rca.cli import main
from tests.gnn.tiny_gnnet import write_tiny_gnnet


def test_train_then_evaluate_json(tmp_path):
    data = write_tiny_gnnet(tmp_path / "deep" / "set", 3)
    runner = CliRunner()
    out = tmp_path / "m.pt"
    res = runner.invoke(
        main,
        [
            "congestion",
            "train",
            str(tmp_path),
            "--out",
            str(out),
            "--epochs",
            "2",
            "--hidden",
            "8",
            "--no-progress",
        ],
    )
    assert res.exit_code == 0, res.output
    assert out.is_file()
    res = runner.invoke(main, ["congestion", "evaluate", str(data), "--model", str(out), "--json"])
    assert res.exit_code == 0, res.output
    scores = json.loads(res.output)
    assert scores["n_samples"] == 3
    assert {"path_delay_mape", "link_util_mae", "congestion_f1"} <= set(scores)


def test_evaluate_defaults_to_pretrained_and_reports_errors(tmp_path):
    data = write_tiny_gnnet(tmp_path / "set", 1)
    runner = CliRunner()
    res = runner.invoke(main, ["congestion", "evaluate", str(data)])
    assert res.exit_code == 0, res.output
    assert "path_delay_mape" in res.output
    bad = tmp_path / "bad.pt"
    bad.write_bytes(b"garbage")
    res = runner.invoke(main, ["congestion", "evaluate", str(data), "--model", str(bad)])
    assert res.exit_code != 0 and "not a readable netrca model file" in res.output
