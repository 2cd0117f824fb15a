"""``rca discover`` on an alarms CSV and on a PCIC folder."""

from __future__ import annotations

import json

import numpy as np
import pytest
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


def _pcic_folder(tmp_path):
    """A PCIC Alarm.csv of a simulated 3-type chain in ``tmp_path``; returns the planted edges as alarm ids."""
    frame, truth = simulate_hawkes_events(n_types=3, n_devices=4, random_state=0)
    (tmp_path / "Alarm.csv").write_text(
        "alarm_id,device_id,start_timestamp,end_timestamp\n"
        + "".join(
            f"{int(a[1:])},{int(d[1:])},{int(t)},{int(t) + 5}\n"
            for t, d, a in frame[["time", "device", "alarm_type"]].itertuples(index=False)
        )
    )
    return {(c[1:], e[1:]) for c, e in truth}


def test_discover_on_pcic_folder_scores_against_truth(tmp_path):
    _pcic_folder(tmp_path)
    np.save(tmp_path / "DAG.npy", np.array([[0, 1, 1], [0, 0, 1], [0, 0, 0]]))
    res = CliRunner().invoke(main, ["discover", str(tmp_path), "--method", "granger"])
    assert res.exit_code == 0, res.output
    assert "vs true graph" in res.output


def test_discover_reports_bad_input(tmp_path):
    (tmp_path / "Alarm.csv").write_text("alarm_id,device_id,start_timestamp\n1,2,3\n")
    res = CliRunner().invoke(main, ["discover", str(tmp_path)])
    assert res.exit_code != 0
    assert "end_timestamp" in res.output


def test_discover_uses_a_prior_file_and_the_folders_own_prior(tmp_path):
    truth = _pcic_folder(tmp_path)
    assert ("0", "1") in truth and ("2", "0") not in truth
    prior = tmp_path / "prior.csv"
    prior.write_text("cause,effect,edge\n0,1,0\n2,0,1\n")
    res = CliRunner().invoke(main, ["discover", str(tmp_path), "--json", "--prior", str(prior)])
    assert res.exit_code == 0, res.output
    edges = {(e["cause"], e["effect"]) for e in json.loads(res.stdout)["edges"]}
    assert ("0", "1") not in edges and ("2", "0") in edges
    assert "1 known non-edge, 1 known edge" in res.stderr
    # a PCIC folder's causal_prior.npy is used unless --prior none
    np.save(tmp_path / "causal_prior.npy", np.array([[-1, 0, -1], [-1, -1, -1], [-1, -1, -1]]))
    res = CliRunner().invoke(main, ["discover", str(tmp_path), "--json"])
    assert ("0", "1") not in {(e["cause"], e["effect"]) for e in json.loads(res.stdout)["edges"]}
    res = CliRunner().invoke(main, ["discover", str(tmp_path), "--json", "--prior", "none"])
    assert ("0", "1") in {(e["cause"], e["effect"]) for e in json.loads(res.stdout)["edges"]}


def test_discover_reports_a_bad_prior(tmp_path):
    _pcic_folder(tmp_path)
    prior = tmp_path / "prior.csv"
    prior.write_text("cause,effect,edge\n0,1,yes\n")
    res = CliRunner().invoke(main, ["discover", str(tmp_path), "--prior", str(prior)])
    assert res.exit_code != 0 and "prior.csv:2" in res.output and "'edge'" in res.output
    prior.write_text("cause,effect,edge\n0,1,1\n")
    res = CliRunner().invoke(
        main, ["discover", str(tmp_path), "--method", "granger", "--prior", str(prior)]
    )
    assert res.exit_code != 0 and "takes no required edges" in res.output


@pytest.mark.parametrize("method", ["pc", "fci"])
def test_discover_pc_and_fci_on_one_simulated_incident(tmp_path, method, caplog):
    # a short log: fewer 600 s bins than alarm types, several types always raised together
    from rca.datasets import make_incident

    folder = make_incident(size="small", random_state=1).write(tmp_path / "incident")
    res = CliRunner().invoke(main, ["discover", str(folder / "alarms.csv"), "-m", method, "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["method"] == method and len(data["nodes"]) > 2
    assert "the Fisher-z tests use" in caplog.text  # says why most types are left out


def test_discover_ges_says_it_can_be_slow_and_takes_max_parents(tmp_path):
    _pcic_folder(tmp_path)
    res = CliRunner().invoke(main, ["discover", str(tmp_path), "-m", "ges"])
    assert res.exit_code == 0, res.output
    assert "--max-parents 1 or 2 bounds it" in res.stderr and "ges: 3 alarm types" in res.stderr
    res = CliRunner().invoke(
        main, ["discover", str(tmp_path), "-m", "ges", "--max-parents", "1", "--no-progress"]
    )
    assert res.exit_code == 0, res.output
    assert res.stderr == ""
    res = CliRunner().invoke(main, ["discover", str(tmp_path), "-m", "thp", "--max-parents", "1"])
    assert res.exit_code == 2 and "applies to ges only" in res.output
