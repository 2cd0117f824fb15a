import networkx as nx
import pandas as pd
import pytest

from rca import InputError, SchemaError, Topology, TopologyError, UnknownEntityError
from tests._builders import small_network


def write(path, text):
    path.write_text(text)
    return path


def test_reads_csv_with_extras_and_defaults(tmp_path):
    n = write(
        tmp_path / "nodes.csv",
        "node_id,layer,gateway,vendor\nC1,core,true,acme\nA1,access,false,acme\n",
    )
    l = write(tmp_path / "links.csv", "source,target,capacity_mbps\nC1,A1,1000\n")
    topo = Topology.read_csv(n, l)
    assert topo.link_ids == ["A1--C1"]
    assert topo.nodes.loc["C1", "vendor"] == "acme"
    assert topo.links.loc["A1--C1", "capacity_mbps"] == 1000.0
    assert topo.gateways == ["C1"]


def test_duplicate_node_id_names_both_lines(tmp_path):
    n = write(tmp_path / "nodes.csv", "node_id\nA\nB\nA\n")
    with pytest.raises(TopologyError) as err:
        Topology.read_csv(n)
    assert "nodes.csv:4" in str(err.value) and "lines 2, 4" in str(err.value)
    assert err.value.column == "node_id" and err.value.node == "A"


def test_missing_column_is_schema_error_with_hint(tmp_path):
    n = write(tmp_path / "nodes.csv", "Node_ID\nA\n")
    with pytest.raises(SchemaError, match="case-sensitive") as err:
        Topology.read_csv(n)
    assert err.value.line == 1


def test_empty_nodes_file(tmp_path):
    with pytest.raises(InputError, match="empty file"):
        Topology.read_csv(write(tmp_path / "nodes.csv", ""))
    with pytest.raises(TopologyError, match="no rows"):
        Topology.read_csv(write(tmp_path / "nodes.csv", "node_id\n"))


def test_duplicate_link_id_and_unknown_endpoint(tmp_path):
    n = write(tmp_path / "nodes.csv", "node_id\nA\nB\n")
    l = write(tmp_path / "links.csv", "link_id,source,target\nL1,A,B\nL1,B,A\n")
    with pytest.raises(TopologyError, match="duplicate link_id 'L1'") as err:
        Topology.read_csv(n, l)
    assert err.value.line == 3
    l = write(tmp_path / "links.csv", "source,target\nA,B\nB,GHOST\n")
    topo = Topology.read_csv(n, l)
    issue = topo.report.by_kind("unknown_node_in_link")[0]
    assert issue.lines == (3,) and "GHOST" in issue.message
    assert "GHOST" in topo and bool(topo.nodes.loc["GHOST", "inferred"])


def test_bad_boolean_and_number_are_reported_by_line(tmp_path):
    n = write(tmp_path / "nodes.csv", "node_id,gateway,lat\nA,maybe,1.5\nB,true,north\n")
    topo = Topology.read_csv(n)
    assert topo.report.by_kind("bad_boolean")[0].lines == (2,)
    assert topo.report.by_kind("bad_number")[0].lines == (3,)


def test_parallel_links_give_redundancy():
    nodes = pd.DataFrame({"node_id": ["G", "X"], "gateway": [True, False]})
    links = pd.DataFrame({"link_id": ["L1", "L2"], "source": ["G", "G"], "target": ["X", "X"]})
    topo = Topology.from_frames(nodes, links)
    assert topo.lost_if_fails("L1") == []
    assert topo.unreachable_if(failed_links=["L1", "L2"]) == ["X"]


def test_reachability_matches_brute_force():
    topo = small_network()
    g = nx.Graph(topo.graph)
    for v in topo.node_ids:
        h = g.copy()
        h.remove_node(v)
        reach = set().union(
            *(nx.node_connected_component(h, gw) for gw in topo.gateways if gw in h)
        )
        expected = {v} | (set(h) - reach)
        assert set(topo.lost_if_fails(v)) == expected, v
    for l in topo.link_ids:
        a, b = topo.link_endpoints(l)
        h = g.copy()
        h.remove_edge(a, b)
        reach = set().union(*(nx.node_connected_component(h, gw) for gw in topo.gateways))
        assert set(topo.lost_if_fails(l)) == set(h) - reach, l
    assert sorted(topo.lost_if_fails("SITE2")) == ["B2", "S2"]


def test_queries():
    topo = small_network()
    assert sorted(topo.neighbors("S3")) == ["A2", "B3", "S2"]
    assert topo.link_between("S3", "B3") == "B3--S3"
    assert topo.kind_of("B3--S3") == "link" and topo.kind_of("SITE2") == "site"
    assert topo.shortest_path("C1", "B4") in (["C1", "A2", "S3", "B3", "B4"],)
    assert set(topo.downstream_of("S3")) >= {"S3", "B3", "B4"}
    with pytest.raises(UnknownEntityError, match="'NOPE'"):
        topo.neighbors("NOPE")


def test_layers_define_gateways_when_column_absent():
    nodes = pd.DataFrame({"node_id": ["a", "b", "c"], "layer": ["access", "core", "aggregation"]})
    links = pd.DataFrame({"source": ["a", "c"], "target": ["c", "b"]})
    topo = Topology.from_frames(nodes, links)
    assert topo.gateways == ["b"]
    assert "gateways_inferred" in topo.report.kinds()


@pytest.mark.slow
def test_every_topology_zoo_file_loads(shared_datasets):
    files = sorted((shared_datasets / "topology-zoo").glob("*.graphml"))
    assert len(files) == 276
    for f in files:
        topo = Topology.read_graphml(f)
        assert topo.n_nodes >= 1
        assert topo.gateways
        # a single-failure query works on every one of them
        topo.lost_if_fails(topo.node_ids[0])


def test_bad_graphml_is_a_clear_error(tmp_path):
    bad = write(tmp_path / "x.graphml", "<graphml><graph><node id='a'/><edge source='a' target=")
    with pytest.raises(InputError, match="x.graphml: not a readable GraphML"):
        Topology.read_graphml(bad)


def test_bearing_between_elements():
    topo = small_network(
        {"C1": (50.0, 4.0), "A1": (50.0, 5.0), "A2": (49.0, 4.0), "S1": (50.0, 4.0)}
    )
    assert topo.bearing("C1", "A1") == pytest.approx(90.0)  # due east
    assert topo.bearing("C1", "A2") == pytest.approx(180.0)  # due south
    assert topo.bearing("A1", "C1") == pytest.approx(270.0)
    assert topo.bearing("C1", "S1") is None  # the same place
    assert topo.bearing("C1", "C2") is None  # C2 has no coordinates
    assert small_network().bearing("C1", "A1") is None
    with pytest.raises(UnknownEntityError):
        topo.bearing("C1", "NOPE")


# --------------------------------------------------------------- hardening
GRAPHML = """<?xml version="1.0" encoding="UTF-8"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
  <key id="d0" for="node" attr.name="Latitude" attr.type="double"/>
  <graph edgedefault="undirected">
    <node id="A"><data key="d0">52.1</data></node>
    <node id="B"/>
    <node id="C"/>
    <edge id="FIBRE-7" source="A" target="B"/>
    <edge id="7" source="B" target="C"/>
    <edge source="A" target="C"/>
    <edge id="MW-1" source="C" target="Z"/>
  </graph>
</graphml>
"""


def test_graphml_edge_ids_are_link_ids(tmp_path):
    from rca import AlarmLog

    topo = Topology.read_graphml(write(tmp_path / "t.graphml", GRAPHML))
    assert sorted(topo.link_ids) == ["7", "A--C", "FIBRE-7", "MW-1"]
    assert topo.link_endpoints("FIBRE-7") == ("A", "B")
    log = AlarmLog.from_frame(
        pd.DataFrame(
            {
                "timestamp": ["2026-03-01T10:00:00Z"],
                "device": ["A"],
                "alarm_type": ["LINK_DOWN"],
                "link_id": ["FIBRE-7"],
            }
        ),
        topology=topo,
    )
    assert "unknown_link" not in log.report.kinds()


def test_graphml_edge_to_undeclared_node_is_reported_by_line(tmp_path):
    topo = Topology.read_graphml(write(tmp_path / "t.graphml", GRAPHML))
    issue = topo.report.by_kind("undeclared_node")[0]
    assert issue.lines == (11,) and "Z" in issue.message and issue.file.endswith("t.graphml")
    assert bool(topo.nodes.loc["Z", "inferred"]) and not bool(topo.nodes.loc["A", "inferred"])


def test_missing_links_file_is_reported(tmp_path):
    n = write(tmp_path / "nodes.csv", "node_id\nA\nB\n")
    topo = Topology.read_csv(n, tmp_path / "links.csv")
    issue = topo.report.by_kind("missing_file")[0]
    assert issue.file.endswith("links.csv") and topo.n_links == 0


def test_non_finite_coordinates_and_capacities_are_reported(tmp_path):
    n = write(tmp_path / "nodes.csv", "node_id,lat,lon\nA,inf,4.0\nB,51.0,999\nC,50.0,4.0\n")
    l = write(tmp_path / "links.csv", "source,target,capacity_mbps\nA,B,-inf\nB,C,1000\n")
    topo = Topology.read_csv(n, l)
    assert topo.nodes["lat"].isna().tolist() == [True, False, False]
    assert topo.nodes["lon"].isna().tolist() == [False, True, False]
    lines = sorted(line for i in topo.report.by_kind("bad_number") for line in i.lines)
    assert lines == [2, 2, 3]  # nodes.csv:2 (lat), nodes.csv:3 (lon), links.csv:2 (capacity)
    assert topo.links["capacity_mbps"].isna().tolist() == [True, False]


def test_row_order_never_changes_the_topology():
    nodes, links = small_network().to_frames()
    base = Topology.from_frames(nodes, links.drop(columns=["link_id"]))
    for seed in range(5):
        shuffled = Topology.from_frames(
            nodes.sample(frac=1, random_state=seed),
            links.drop(columns=["link_id"]).sample(frac=1, random_state=seed),
        )
        assert shuffled.node_ids == base.node_ids == sorted(base.node_ids)
        assert shuffled.link_ids == base.link_ids
        pd.testing.assert_frame_equal(shuffled.nodes, base.nodes)
        pd.testing.assert_frame_equal(shuffled.links, base.links)
        for n in base.node_ids:
            assert shuffled.neighbors(n) == base.neighbors(n)
            assert shuffled.downstream_of(n) == base.downstream_of(n)
            assert shuffled.lost_if_fails(n) == base.lost_if_fails(n)


def test_inferred_gateway_does_not_depend_on_row_order():
    # no layers, no gateway column: the best-connected element; a tie is broken by id
    nodes = pd.DataFrame({"node_id": ["X", "B", "A", "Y"]})
    links = pd.DataFrame({"source": ["A", "B", "A"], "target": ["X", "Y", "B"]})
    for seed in range(4):
        topo = Topology.from_frames(
            nodes.sample(frac=1, random_state=seed), links.sample(frac=1, random_state=seed)
        )
        assert topo.gateways == ["A"]
