"""``rca discover`` on an alarms CSV and on a PCIC folder."""

from __future__ import annotations

import json

import numpy as np
from click.testing import CliRunner

from rca.causal import simulate_hawkes_events
from rca.cli import main


def test_discover_json_on_alarms_csv(tmp_path):
    frame, truth = simulate_hawkes_events(n_types=4, n_devices=6, random_state=0)
    csv = tmp_path / "alarms.csv"
    frame.rename(columns={"time": "timestamp"}).to_csv(csv, index=False)
    res = CliRunner().invoke(main, ["discover", str(csv), "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["nodes"] == ["A0", "A1", "A2", "A3"]
    assert {(e["cause"], e["effect"]) for e in data["edges"]} == set(truth)
    assert data["method"] == "thp" and data["seconds"] >= 0
    assert set(data["edges"][0]) == {"cause", "effect", "weight", "lag_s"}


def test_discover_on_pcic_folder_scores_against_truth(tmp_path):
    frame, _ = simulate_hawkes_events(n_types=3, n_devices=4, random_state=0)
    (tmp_path / "Alarm.csv").write_text(
        "alarm_id,device_id,start_timestamp,end_timestamp\n"
        + "".join(
            f"{int(a[1:])},{int(d[1:])},{int(t)},{int(t) + 5}\n"
            for t, d, a in frame[["time", "device", "alarm_type"]].itertuples(index=False)
        )
    )
    np.save(tmp_path / "DAG.npy", np.array([[0, 1, 1], [0, 0, 1], [0, 0, 0]]))
    res = CliRunner().invoke(main, ["discover", str(tmp_path), "--method", "granger"])
    assert res.exit_code == 0, res.output
    assert "vs true graph" in res.output


def test_discover_reports_bad_input(tmp_path):
    (tmp_path / "Alarm.csv").write_text("alarm_id,device_id,start_timestamp\n1,2,3\n")
    res = CliRunner().invoke(main, ["discover", str(tmp_path)])
    assert res.exit_code != 0
    assert "end_timestamp" in res.output
