"""The GNNet challenge 2021 reader: shapes, nesting, and errors that name file and line."""

from __future__ import annotations

import numpy as np
import pytest

from rca.datasets._gnnet import find_gnnet_folders, load_gnnet, read_gnnet_graph, read_gnnet_routing
from rca.errors import InputError
from tests.gnn.tiny_gnnet import write_tarball, write_tiny_gnnet


def test_reads_shared_validation(shared_datasets):
    folder = shared_datasets / "gnnet-2021" / "validation"
    if not folder.is_dir():
        pytest.skip(f"{folder} is absent")
    samples = list(load_gnnet(folder, limit=2))
    assert len(samples) == 2
    s = samples[0]
    assert s.n_nodes == 30
    assert len(s.paths) == 30 * 29
    assert len(s.links) == s.graph.number_of_edges()
    assert (s.paths["delay"] > 0).all()
    assert s.links["utilization"].between(0, 1).all()
    # every path follows links of the graph
    for nodes in s.paths["nodes"].head(50):
        assert all(s.graph.has_edge(a, b) for a, b in zip(nodes[:-1], nodes[1:]))
    assert ".tar.gz#1" in s.name


def test_finds_challenge_folders_at_any_depth(tmp_path):
    write_tiny_gnnet(tmp_path / "x" / "y" / "set1", 2)
    write_tiny_gnnet(tmp_path / "z", 1)
    assert [p.name for p in find_gnnet_folders(tmp_path)] == ["set1", "z"]
    samples = list(load_gnnet(tmp_path))
    assert len(samples) == 3
    s = samples[0]
    assert s.n_nodes == 7
    assert np.isfinite(s.paths["delay"]).all()
    assert set(s.links.columns) >= {
        "capacity_bps",
        "queue_size",
        "utilization",
        "occupancy",
        "losses",
    }


def test_no_challenge_folder_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="no folder with graphs/"):
        list(load_gnnet(tmp_path))


def test_bad_gml_names_file_and_line(tmp_path):
    path = tmp_path / "g.txt"
    path.write_text(
        "graph [\n  node [\n    id 0\n  ]\n  edge [\n    source 0\n    target 7\n"
        "    bandwidth 10\n  ]\n]\n"
    )
    with pytest.raises(InputError) as err:
        read_gnnet_graph(path)
    assert f"{path}:5" in str(err.value) and "unknown node 7" in str(err.value)


def test_bad_gml_value_names_line(tmp_path):
    path = tmp_path / "g.txt"
    path.write_text("graph [\n  node [\n    id zero\n  ]\n]\n")
    with pytest.raises(InputError, match=r"g.txt:3"):
        read_gnnet_graph(path)


def test_routing_over_missing_link_names_line(tmp_path):
    write_tiny_gnnet(tmp_path, 1)
    graph = read_gnnet_graph(tmp_path / "graphs" / "graph-0.txt")
    bad = tmp_path / "r.txt"
    bad.write_text("0;1\n0;4;2\n")  # 0-4 is no link in the ring with chords of 7 nodes
    with pytest.raises(InputError) as err:
        read_gnnet_routing(bad, graph)
    assert err.value.line == 2 and err.value.file == str(bad)


def test_malformed_result_line_names_tarball_member_and_line(tmp_path):
    write_tiny_gnnet(tmp_path, 2)
    import tarfile

    with tarfile.open(tmp_path / "results_tiny.tar.gz") as tar:
        files = {
            m.name.split("/")[-1]: tar.extractfile(m).read().decode() for m in tar if m.isfile()
        }
    lines = files["linkUsage.txt"].splitlines()
    lines[1] = lines[1].replace("1000", "abc", 1)
    files["linkUsage.txt"] = "\n".join(lines) + "\n"
    write_tarball(tmp_path / "results_tiny.tar.gz", files)
    samples = load_gnnet(tmp_path)
    next(samples)  # the first line is fine
    with pytest.raises(InputError) as err:
        next(samples)
    assert err.value.line == 2
    assert "results_tiny.tar.gz:results_tiny/linkUsage.txt" in err.value.file


def test_corrupted_tarball_is_an_input_error(tmp_path):
    write_tiny_gnnet(tmp_path, 1)
    (tmp_path / "results_tiny.tar.gz").write_bytes(b"not a tarball")
    with pytest.raises(InputError, match="cannot read result tarball"):
        list(load_gnnet(tmp_path))
