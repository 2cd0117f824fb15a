"""Input that users have: vendor column names, GraphML city labels, link ids either way round, a bare log."""

from __future__ import annotations

import pandas as pd
import pytest
from click.testing import CliRunner

from rca import AlarmLog, SchemaError, Topology, read_incident
from rca.alarms import parse_columns
from rca.cli import main
from rca.errors import InputError

GRAPHML = """<?xml version="1.0" encoding="utf-8"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
  <key attr.name="label" attr.type="string" for="node" id="d0"/>
  <graph edgedefault="undirected">
    <node id="7"><data key="d0">Lyon</data></node>
    <node id="10"><data key="d0">Paris</data></node>
    <node id="3"><data key="d0">Nice</data></node>
    <node id="4"><data key="d0">Nice</data></node>
    <edge source="10" target="7"/>
    <edge source="7" target="3"/>
    <edge source="3" target="4"/>
  </graph>
</graphml>
"""


@pytest.fixture
def zoo(tmp_path) -> Topology:
    path = tmp_path / "topology.graphml"
    path.write_text(GRAPHML, encoding="utf-8")
    return Topology.read_graphml(path)


def test_graphml_labels_are_usable_as_device_names(zoo, tmp_path) -> None:
    alarms = tmp_path / "alarms.csv"
    alarms.write_text("timestamp,device,alarm_type\n2026-03-01T10:00:00Z,Lyon,LINK_DOWN\n"
                      "2026-03-01T10:00:01Z,Paris,LINK_DOWN\n2026-03-01T10:00:02Z,Nice,LINK_DOWN\n", encoding="utf-8")
    log = AlarmLog.read_csv(alarms, topology=zoo)
    assert log.frame["device"].tolist() == ["7", "10", "Nice"]
    kinds = {i.kind: i for i in log.report}
    assert kinds["device_by_label"].lines == (2, 3)
    assert kinds["ambiguous_label"].lines == (4,) and "Nice" in kinds["ambiguous_label"].message
    assert kinds["unknown_device"].count == 1      # Nice: two nodes share the label; kept, reported


def test_a_link_id_is_accepted_either_way_round(zoo, tmp_path) -> None:
    assert "10--7" in zoo.link_ids                # the tool's own id: sorted as text
    alarms = tmp_path / "alarms.csv"
    alarms.write_text("timestamp,device,alarm_type,link_id\n2026-03-01T10:00:00Z,7,LINK_DOWN,7--10\n"
                      "2026-03-01T10:00:01Z,7,LINK_DOWN,10--7\n", encoding="utf-8")
    log = AlarmLog.read_csv(alarms, topology=zoo)
    assert log.frame["link_id"].tolist() == ["10--7", "10--7"]
    (issue,) = [i for i in log.report if i.kind == "link_id_reversed"]
    assert issue.lines == (2,) and "unknown_link" not in log.report.kinds()


def test_vendor_columns_are_mapped_in_the_library(tmp_path) -> None:
    path = tmp_path / "export.csv"
    path.write_text("RAISE_TIME,NE_NAME,ALARM_NAME,device\n2026-03-01T10:00:00Z,R1,LINK_DOWN,rack 3\n", encoding="utf-8")
    log = AlarmLog.read_csv(path, columns="device=NE_NAME,alarm_type=ALARM_NAME,timestamp=RAISE_TIME")
    assert log.frame["device"].tolist() == ["R1"] and log.frame["device_original"].tolist() == ["rack 3"]
    with pytest.raises(SchemaError, match="'TEXT' \\(mapped to 'message'\\) is not in the header") as err:
        AlarmLog.read_csv(path, columns={"device": "NE_NAME", "alarm_type": "ALARM_NAME", "timestamp": "RAISE_TIME",
                                         "message": "TEXT"})
    assert str(path) in str(err.value)
    frame = pd.DataFrame({"RAISE_TIME": ["2026-03-01T10:00:00Z"], "NE_NAME": ["R1"], "ALARM_NAME": ["LOS"]})
    assert AlarmLog.from_frame(frame, columns={"device": "NE_NAME", "alarm_type": "ALARM_NAME",
                                               "timestamp": "RAISE_TIME"}).frame["alarm_type"].tolist() == ["LOS"]


@pytest.mark.parametrize("bad, match", [("device", "OURS=THEIRS"), ("node=X", "not an alarm column"),
                                        ("device=X,message=X", "mapped twice")])
def test_bad_column_mappings_are_named(bad, match) -> None:
    with pytest.raises(InputError, match=match):
        parse_columns(bad)


def test_analyze_a_bare_alarms_folder_with_topology_and_columns(tmp_path) -> None:
    from tests.test_report import small_incident

    inc = small_incident()
    inc.topology.write_csv(tmp_path / "net")
    bare = tmp_path / "bare"
    bare.mkdir()
    inc.alarms.to_frame().drop(columns=["line"]).rename(columns={"device": "NE_NAME"}).to_csv(bare / "alarms.csv",
                                                                                             index=False)
    res = CliRunner().invoke(main, ["analyze", str(bare), "--json"])
    assert res.exit_code == 1 and "no topology" in res.output and "--topology" in res.output
    res = CliRunner().invoke(main, ["analyze", str(bare), "--json", "--columns", "device=NE_NAME",
                                    "--topology", f"{tmp_path / 'net' / 'nodes.csv'},{tmp_path / 'net' / 'links.csv'}"])
    assert res.exit_code == 0, res.output
    assert '"entity": "A1"' in res.output
    assert read_incident(bare, columns="device=NE_NAME", topology=inc.topology).alarms.frame["device"].iloc[0] == "A1"


def test_topology_spec_forms(tmp_path, zoo) -> None:
    from tests.test_report import small_incident

    small_incident().topology.write_csv(tmp_path)
    assert Topology.read(f"{tmp_path / 'nodes.csv'},{tmp_path / 'links.csv'}").n_links == 7
    assert Topology.read(tmp_path).n_links == 7
    with pytest.raises(InputError, match="file not found"):
        Topology.read(tmp_path / "nope.graphml")
