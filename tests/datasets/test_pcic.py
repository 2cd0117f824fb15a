"""The PCIC alarm data set reader: real folders, both layouts, and clear errors."""

from __future__ import annotations

import numpy as np
import pytest

from rca.datasets._pcic import load_pcic
from rca.errors import InputError, SchemaError

HEADER = "alarm_id,device_id,start_timestamp,end_timestamp\n"


def _write(folder, rows, dag=None, topo=None, lower=False):
    (folder / ("alarm.csv" if lower else "Alarm.csv")).write_text(HEADER + rows)
    if dag is not None:
        np.save(folder / ("true_graph.npy" if lower else "DAG.npy"), np.asarray(dag))
    if topo is not None:
        np.save(folder / ("topology.npy" if lower else "Topology.npy"), np.asarray(topo))
    return folder


def test_reads_small_folder(tmp_path):
    ds = load_pcic(
        _write(tmp_path, "1,0,10,12\n0,1,5,5\n", dag=[[0, 1], [0, 0]], topo=[[0, 1], [1, 0]])
    )
    assert ds.alarms.frame["alarm_type"].tolist() == ["0", "1"]  # sorted by time
    assert ds.alarms.frame["time"].tolist() == [5.0, 10.0]
    assert ds.true_graph.loc["0", "1"] == 1 and ds.true_graph.loc["1", "0"] == 0
    assert ds.topology.n_links == 1
    assert ds.alarm_ids == ("0", "1")


def test_lower_case_layout_with_prior(tmp_path):
    _write(tmp_path, "0,0,1,2\n1,0,3,4\n", dag=[[0.0, 1.0], [0.0, 0.0]], lower=True)
    np.save(tmp_path / "causal_prior.npy", np.array([[-1.0, 1.0], [0.0, -1.0]]))
    ds = load_pcic(tmp_path)
    assert ds.prior.loc["0", "1"] == 1 and ds.prior.loc["1", "0"] == 0


@pytest.mark.parametrize(
    "rows, line, column",
    [
        ("0,0,10,12\n1,x,5,5\n", 3, "device_id"),
        ("0,0,1.5,2\n", 2, "start_timestamp"),
        ("0,0,1,2\n-1,0,1,2\n", 3, "alarm_id"),
    ],
)
def test_bad_value_names_file_line_column(tmp_path, rows, line, column):
    _write(tmp_path, rows)
    with pytest.raises(InputError) as err:
        load_pcic(tmp_path)
    assert err.value.line == line and err.value.column == column
    assert "Alarm.csv" in str(err.value) and f":{line}" in str(err.value)


def test_missing_column_and_missing_file(tmp_path):
    (tmp_path / "Alarm.csv").write_text("alarm_id,device_id,start_timestamp\n1,2,3\n")
    with pytest.raises(SchemaError, match="end_timestamp"):
        load_pcic(tmp_path)
    with pytest.raises(InputError, match="no alarm file"):
        load_pcic(tmp_path / "..")


def test_bad_matrices(tmp_path):
    _write(tmp_path, "0,0,1,2\n", dag=[[0, 2], [0, 0]])
    with pytest.raises(InputError, match=r"entry \[0, 1\]"):
        load_pcic(tmp_path)
    np.save(tmp_path / "DAG.npy", np.zeros((2, 3)))
    with pytest.raises(InputError, match="square"):
        load_pcic(tmp_path)
    np.save(tmp_path / "DAG.npy", np.zeros((1, 1)))
    _write(tmp_path, "0,0,1,2\n3,0,1,2\n")
    with pytest.raises(InputError, match="outside") as err:
        load_pcic(tmp_path)
    assert err.value.line == 3
    (tmp_path / "DAG.npy").write_bytes(b"not numpy")
    with pytest.raises(InputError, match="DAG.npy"):
        load_pcic(tmp_path)


def test_device_outside_topology(tmp_path):
    _write(tmp_path, "0,5,1,2\n", topo=[[0, 1], [1, 0]])
    with pytest.raises(InputError, match="device id 5"):
        load_pcic(tmp_path)


def test_real_data_sets(shared_datasets):
    base = shared_datasets / "huawei-alarms"
    wireless = load_pcic(base / "18V_55N_Wireless")
    assert wireless.to_dict() == {
        "name": "18V_55N_Wireless",
        "events": 34838,
        "alarm_types": 18,
        "devices": 55,
        "topology_links": None,
        "true_edges": 69,
    }
    micro = load_pcic(base / "24V_439N_Microwave")
    assert micro.topology.n_links == 395 and micro.true_graph.shape == (24, 24)
    sample = load_pcic(base / "neurips2023_csl_sample")
    assert sample.prior is not None and sample.true_graph.shape == (59, 59)
