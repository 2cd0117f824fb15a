"""The GNNet 2023 real-network reader: units, folds, and errors that name file and line."""

from __future__ import annotations

import gzip
import json

import numpy as np
import pytest

from rca.datasets import find_gnnet2023_files, is_gnnet2023, load_gnnet2023
from rca.errors import InputError
from tests.conftest import require_shared


def _record(**changes):
    """One sample: 3 links, 2 flows (one constant bit rate, one multi-burst)."""
    rec = {
        "sample": "results_cbr-mb_0000-0024.tar.gz",
        "sample_id": 7,
        "flow_id": ["0_1_0", "0_2_1"],
        "flow_traffic_bps": [5.0e7, 2.0e8],
        "flow_packets": [5000.0, 20000.0],
        "flow_packet_size": [10000.0, 10000.0],
        "flow_type": [[1, 0], [0, 1]],
        "flow_links": [[0, 1], [0, 2, 1]],
        "link_capacity": [1.0, 10.0, 80.0],
        "flow_mean_delay": [0.5, 12.0],
    }
    rec.update(changes)
    return rec


def _write(path, records, *, compress=True):
    text = "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records)
    if compress:
        with gzip.open(path, "wt") as handle:
            handle.write(text)
    else:
        path.write_text(text)
    return path


def test_units_routes_and_types(tmp_path):
    _write(tmp_path / "cbr_mb_fold3.jsonl.gz", [_record()])
    (s,) = load_gnnet2023(tmp_path)
    assert (s.family, s.fold, s.sample_id) == ("cbr_mb", 3, 7)
    assert s.name.endswith("cbr_mb_fold3.jsonl.gz:1")
    # Gbit/s -> bit/s, milliseconds -> seconds
    assert s.links["capacity_bps"].tolist() == [1e9, 1e10, 8e10]
    assert s.links["queue_size"].isna().all()
    assert s.paths["delay"].tolist() == pytest.approx([0.0005, 0.012])
    assert s.paths["route"].tolist() == [("0", "1"), ("0", "2", "1")]
    assert s.paths["flow_type"].tolist() == ["cbr", "mb"]
    assert s.paths[["source", "target"]].values.tolist() == [[0, 1], [0, 2]]
    assert set(s.paths["route"].explode()) <= set(s.links.index)


def test_folds_and_families_are_selected(tmp_path):
    for fam in ("cbr_mb", "mb"):
        for k in range(5):
            _write(
                tmp_path / f"{fam}_fold{k}.jsonl.gz",
                [_record(sample_id=k), _record(sample_id=10 + k)],
            )
    assert is_gnnet2023(tmp_path) and not is_gnnet2023(tmp_path / "x.tar.gz")
    picked = [
        (s.family, s.fold, s.sample_id) for s in load_gnnet2023(tmp_path, family="mb", folds=[4, 1])
    ]
    assert picked == [("mb", 1, 1), ("mb", 1, 11), ("mb", 4, 4), ("mb", 4, 14)]
    assert [f for f, _, _ in find_gnnet2023_files(tmp_path, folds=0)] == ["cbr_mb", "mb"]
    assert len(list(load_gnnet2023(tmp_path, limit=3))) == 3
    with pytest.raises(InputError, match="unknown fold 5"):
        list(load_gnnet2023(tmp_path, folds=5))
    with pytest.raises(InputError, match="unknown family 'cbr'"):
        list(load_gnnet2023(tmp_path, family="cbr"))


def test_missing_fold_and_empty_folder_are_errors(tmp_path):
    with pytest.raises(InputError, match="no <family>_fold<k>.jsonl.gz file"):
        list(load_gnnet2023(tmp_path))
    _write(tmp_path / "mb_fold0.jsonl.gz", [_record()])
    with pytest.raises(InputError, match=r"lacks fold\(s\) \[2\]"):
        list(load_gnnet2023(tmp_path, folds=[0, 2]))


def test_reads_one_uncompressed_file(tmp_path):
    path = _write(tmp_path / "mb_fold2.jsonl", [_record(), _record(sample_id=8)], compress=False)
    assert [s.sample_id for s in load_gnnet2023(path)] == [7, 8]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "not a JSON object"),
        ("[1, 2]", "expected a JSON object"),
        (_record(flow_links=[[0, 1]]), "flow_links: expected a list of one entry per flow"),
        (
            {k: v for k, v in _record().items() if k != "link_capacity"},
            r"lacks field\(s\) \['link_capacity'\]",
        ),
        (_record(flow_links=[[0, 1], [0, 3]]), "uses link 3; the sample has links 0-2"),
        (_record(flow_links=[[0, 1], []]), "expected a non-empty list of link indices"),
        (_record(link_capacity=[1.0, 0.0, 80.0]), "link_capacity must be positive"),
        (
            _record(flow_traffic_bps=[5e7, -1.0]),
            "flow_traffic_bps of flow 1 .* must be a non-negative number",
        ),
        (_record(flow_packet_size=["a", 1.0]), "flow_packet_size: expected a list of numbers"),
        (_record(flow_type=[[1, 0], [1, 1]]), r"flow_type of flow 1 .*found \[1, 1\]"),
        (_record(flow_mean_delay=[0.5, None]), "flow_mean_delay of flow 1 .* positive number"),
        (_record(flow_mean_delay=[0.5, 0.0]), "flow_mean_delay of flow 1 .* positive number"),
        (_record(flow_id=["0_1_0", "zero"]), "expected '<source>_<target>_<n>', found 'zero'"),
    ],
)
def test_malformed_line_names_file_and_line(tmp_path, line, message):
    path = _write(tmp_path / "cbr_mb_fold0.jsonl.gz", [_record(), line])
    with pytest.raises(InputError, match=message) as err:
        list(load_gnnet2023(path))
    assert f"{path}:2" in str(err.value)


def test_corrupted_gzip_is_an_input_error(tmp_path):
    path = tmp_path / "mb_fold0.jsonl.gz"
    path.write_bytes(b"\x1f\x8b\x08\x00garbage")
    with pytest.raises(InputError, match="cannot read the file") as err:
        list(load_gnnet2023(path))
    assert str(path) in str(err.value)


def test_reads_shared_realnet():
    folder = require_shared("gnnet-2023-realnet")
    samples = list(load_gnnet2023(folder, family="mb", folds=0, limit=3))
    assert len(samples) == 3
    s = samples[0]
    assert (s.paths["flow_type"] == "mb").all()
    assert set(s.links["capacity_bps"]) <= {1e9, 1e10, 8e10}
    assert np.all(s.paths["delay"] > 0) and np.all(s.paths["delay"] < 1.0)  # seconds
    assert all(set(r) <= set(s.links.index) for r in s.paths["route"])
