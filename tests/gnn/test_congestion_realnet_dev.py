"""benchmarks/gnn_congestion_real_dev.py: the development split, the extra inputs, the ensemble."""

from __future__ import annotations

import json
import runpy
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import rca.datasets
import rca.gnn._routenet as routenet
from rca.gnn import FLOW_EDGE_FEATURES, FLOW_LINK_FEATURES, FLOW_PATH_FEATURES, congestion_data
from tests.gnn.tiny_realnet import write_tiny_realnet

pytest.importorskip("torch")

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "gnn_congestion_real_dev.py"


@pytest.fixture(scope="module")
def dev_module():
    sys.path.insert(0, str(SCRIPT.parent))
    try:
        return runpy.run_path(str(SCRIPT), run_name="dev")
    finally:
        sys.path.remove(str(SCRIPT.parent))


def _sample():
    """Links 0 (1 Gbit/s) and 1 (10 Gbit/s); a CBR flow on 0, a multi-burst flow on 0 then 1."""
    links = pd.DataFrame(
        {"capacity_bps": [1e9, 1e10], "queue_size": np.nan}, index=pd.Index(["0", "1"])
    )
    paths = pd.DataFrame(
        {
            "source": 0,
            "target": 1,
            "route": [("0",), ("0", "1")],
            "traffic_bps": [3e8, 1e8],
            "avg_packet_size": [12000.0, 4000.0],
            "flow_type": ["cbr", "mb"],
        }
    )
    return type("Sample", (), {"name": "planted", "links": links, "paths": paths})()


def test_extra_features_by_hand(dev_module):
    sample = _sample()
    data = congestion_data(sample)
    dev_module["extra_features"](sample, data, {"link", "edge", "path", "graph"})
    link = data["link"].xf[:, len(FLOW_LINK_FEATURES) :].double().numpy()
    # link 0: 4e8 bit/s of which 1e8 multi-burst; 25,000 + 25,000 packets/s
    assert link[0, 0] == pytest.approx(0.25)  # burst share
    assert link[0, 1] == pytest.approx(np.log1p(1) / 3)  # one multi-burst flow
    assert link[0, 2] == pytest.approx(50000 * 12000 / 1e9)  # packet load
    assert link[0, 3] == pytest.approx(0.5)  # largest flow's share of the packets
    mean = (3e8 * 12000 + 1e8 * 4000) / 4e8
    spread = np.sqrt((3e8 * (12000 - mean) ** 2 + 1e8 * (4000 - mean) ** 2) / 4e8)
    assert link[0, 4] == pytest.approx(spread / 12000)
    assert link[0, 5] == pytest.approx(1.0)
    assert link[1, 0] == pytest.approx(1.0) and link[1, 4] == pytest.approx(0.0)
    # graph columns, the same on every link and flow: offered over capacity crossed ...
    assert link[:, 6] == pytest.approx([4e8 / 1.1e10] * 2)
    assert link[:, 8] == pytest.approx([0.25] * 2)  # ... and the multi-burst share
    edge = data["path", "crosses", "link"].xf[:, len(FLOW_EDGE_FEATURES) :].double().numpy()
    e_path, e_link = data["path", "crosses", "link"].edge_index.numpy()
    first = np.flatnonzero((e_path == 1) & (e_link == 0))[0]
    assert edge[first] == pytest.approx([0.5, 0.25, 0.25])
    path = data["path"].xf[:, len(FLOW_PATH_FEATURES) :].double().numpy()
    assert path[1, :3] == pytest.approx([(0.25 + 1.0) / 2, 1.0, 0.25])
    assert path[0, 2] == pytest.approx(0.75)  # the CBR flow carries 3/4 of its bottleneck


def test_dev_split_reads_no_fold_0_and_ensembles(tmp_path, monkeypatch, capsys):
    data = write_tiny_realnet(tmp_path / "gnnet-2023-realnet", 2)
    read: list = []
    real = rca.datasets.load_gnnet2023

    def recording(*args, **kwargs):
        read.append(kwargs.get("folds"))
        return real(*args, **kwargs)

    monkeypatch.setattr(rca.datasets, "load_gnnet2023", recording)
    log, preds = tmp_path / "log.jsonl", tmp_path / "preds"

    def run(*argv):
        monkeypatch.setattr(
            sys,
            "argv",
            [str(SCRIPT), "--data", str(data), "--log", str(log), "--predictions", str(preds)]
            + list(argv),
        )
        runpy.run_path(str(SCRIPT), run_name="__main__")

    monkeypatch.syspath_prepend(str(SCRIPT.parent))
    run("--name", "a", "--extra", "graph,link", "--set", "epochs=1", "hidden=4")
    assert sorted(set(read)) == [1, 2, 3, 4]
    # the feature sizes the model is built with are restored
    assert routenet.FLOW_LINK_FEATURES == FLOW_LINK_FEATURES
    run("--name", "one", "--extra", "graph,link", "--ensemble", str(preds / "a.npz"))
    first, ensemble = (json.loads(line) for line in log.read_text().splitlines())
    assert first["extra"] == ["graph", "link"] and first["overrides"] == {
        "epochs": 1,
        "hidden": 4,
    }
    for family in ("cbr_mb", "mb"):
        assert first[family]["mape"] > 0
        # the geometric mean of one model's predictions is that model
        assert ensemble[family] == first[family]
        where = ensemble["where"][family]
        for table in ("by_busiest_load", "by_delay_decile_s"):
            rows = where[table]
            # every flow of fold 1 in one bin
            assert sum(r["n"] for r in rows) == sum(
                len(s.paths) for s in real(data, family=family, folds=1)
            )
            assert sum(r["points"] for r in rows) == pytest.approx(first[family]["mape"], abs=0.05)
    assert "--name one" in ensemble["command"]
