import json

import pandas as pd
import pytest

from rca import AlarmLog, InputError, Metrics, SchemaError, read_incident, read_truth
from tests._builders import small_network


def write(path, text):
    path.write_text(text)
    return path


def test_iso_and_epoch_timestamps_with_zones(tmp_path):
    p = write(tmp_path / "alarms.csv",
              "timestamp,device,alarm_type\n2026-03-01T10:00:00Z,A,X\n2026-03-01T12:00:01+02:00,B,Y\n"
              "1772359202,C,Z\n2026-03-01 10:00:03,D,W\n")
    log = AlarmLog.read_csv(p)
    assert log.times.tolist() == [1772359200.0, 1772359201.0, 1772359202.0, 1772359203.0]


def test_unparsable_timestamp_dropped_and_reported_by_line(tmp_path):
    p = write(tmp_path / "alarms.csv", "timestamp,device,alarm_type\n2026-03-01T10:00:00Z,A,X\nyesterday,B,Y\n")
    log = AlarmLog.read_csv(p)
    assert len(log) == 1
    issue = log.report.by_kind("bad_timestamp")[0]
    assert issue.lines == (3,) and issue.action == "dropped" and "yesterday" in issue.message


def test_all_timestamps_bad_is_fatal(tmp_path):
    p = write(tmp_path / "alarms.csv", "timestamp,device,alarm_type\nnope,B,Y\n")
    with pytest.raises(InputError, match=r"alarms.csv:2, column 'timestamp'"):
        AlarmLog.read_csv(p)


def test_missing_column_names_file_and_column(tmp_path):
    p = write(tmp_path / "alarms.csv", "time,device\n1,A\n")
    with pytest.raises(SchemaError, match="'timestamp', 'alarm_type'") as err:
        AlarmLog.read_csv(p)
    assert err.value.file.endswith("alarms.csv") and err.value.line == 1


def test_duplicates_out_of_order_unknown_devices_reported(tmp_path):
    p = write(tmp_path / "alarms.csv",
              "timestamp,device,alarm_type,link_id,message\n"
              "1772359205,S2,LINK_DOWN,S2--S3,down\n"
              "1772359200,S3,DYING_GASP,,\n"
              "1772359205,S2,LINK_DOWN,S2--S3,down\n"
              "1772359207,ZZ9,LOS,,\n"
              "1772359208,S2,LOS,NOPE,\n")
    log = AlarmLog.read_csv(p, topology=small_network())
    kinds = {i.kind: i for i in log.report}
    assert kinds["duplicate_row"].lines == (4,)
    assert kinds["out_of_order"].lines == (3,)
    assert kinds["unknown_device"].lines == (5,) and "ZZ9" in kinds["unknown_device"].message
    assert kinds["unknown_link"].lines == (6,)
    assert len(log) == 4  # the duplicate is the only row dropped
    assert log.frame["line"].tolist() == [3, 2, 5, 6]


def test_strict_mode_raises_on_recoverable_problem(tmp_path):
    p = write(tmp_path / "alarms.csv", "timestamp,device,alarm_type\n1,A,X\n1,A,X\n")
    with pytest.raises(InputError, match="duplicate"):
        AlarmLog.read_csv(p, strict=True)


def test_ragged_rows_and_quoted_newlines_keep_line_numbers(tmp_path):
    p = write(tmp_path / "alarms.csv",
              'timestamp,device,alarm_type,message\n1,A,X,"two\nlines"\n2,B\n3,C,Z,m,extra\n')
    log = AlarmLog.read_csv(p)
    assert log.frame["line"].tolist() == [2, 5]
    assert log.report.by_kind("missing_fields")[0].lines == (4,)
    assert log.report.by_kind("empty_alarm_type")[0].lines == (4,)
    assert log.report.by_kind("extra_fields")[0].lines == (5,)


def test_header_only_alarms_is_an_empty_log(tmp_path):
    log = AlarmLog.read_csv(write(tmp_path / "alarms.csv", "timestamp,device,alarm_type\n"))
    assert len(log) == 0


def test_not_utf8_is_clear(tmp_path):
    p = tmp_path / "alarms.csv"
    p.write_bytes(b"timestamp,device,alarm_type\n1,\xff\xfe,X\n")
    with pytest.raises(InputError, match="not UTF-8"):
        AlarmLog.read_csv(p)


def test_metrics_bad_values_reported(tmp_path):
    p = write(tmp_path / "metrics.csv", "timestamp,entity,metric,value\n1,A,cpu,0.5\n2,A,cpu,high\n")
    m = Metrics.read_csv(p)
    assert len(m) == 1 and m.report.by_kind("bad_metric_row")[0].lines == (3,)


def test_incident_folder_roundtrip(tmp_path):
    topo = small_network()
    topo.write_csv(tmp_path)
    write(tmp_path / "alarms.csv", "timestamp,device,alarm_type,message\n2026-03-01T10:00:00Z,S2,LOS,<b>x</b>\n")
    write(tmp_path / "truth.json", json.dumps({"root_causes": [{"entity": "S3", "kind": "node", "fault": "node_down"}]}))
    inc = read_incident(tmp_path)
    assert inc.topology.n_nodes == 10 and len(inc.alarms) == 1
    assert inc.truth.root_causes[0].entity == "S3"
    assert inc.alarms.frame["message"].iloc[0] == "<b>x</b>"


def test_incident_folder_errors(tmp_path):
    with pytest.raises(InputError, match="no topology"):
        read_incident(tmp_path)
    small_network().write_csv(tmp_path)
    with pytest.raises(InputError, match="missing alarms.csv"):
        read_incident(tmp_path)
    write(tmp_path / "truth.json", "{not json")
    with pytest.raises(InputError, match="truth.json:1"):
        read_truth(tmp_path / "truth.json")
    write(tmp_path / "truth.json", json.dumps({"root_causes": [{"entity": "X", "kind": "planet"}]}))
    with pytest.raises(SchemaError, match="kind must be one of"):
        read_truth(tmp_path / "truth.json")


def test_from_frame_accepts_time_column():
    log = AlarmLog.from_frame(pd.DataFrame({"time": [5.0, 1.0], "device": ["a", "b"], "alarm_type": ["x", "y"]}))
    assert log.times.tolist() == [1.0, 5.0]
