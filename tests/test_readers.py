import json

import pandas as pd
import pytest

from rca import AlarmLog, InputError, Metrics, SchemaError, read_incident, read_truth
from tests._builders import small_network


def write(path, text):
    path.write_text(text)
    return path


def test_iso_and_epoch_timestamps_with_zones(tmp_path):
    p = write(
        tmp_path / "alarms.csv",
        "timestamp,device,alarm_type\n2026-03-01T10:00:00Z,A,X\n2026-03-01T12:00:01+02:00,B,Y\n"
        "1772359202,C,Z\n2026-03-01 10:00:03,D,W\n",
    )
    log = AlarmLog.read_csv(p)
    assert log.times.tolist() == [1772359200.0, 1772359201.0, 1772359202.0, 1772359203.0]


def test_unparsable_timestamp_dropped_and_reported_by_line(tmp_path):
    p = write(
        tmp_path / "alarms.csv",
        "timestamp,device,alarm_type\n2026-03-01T10:00:00Z,A,X\nyesterday,B,Y\n",
    )
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
    p = write(
        tmp_path / "alarms.csv",
        "timestamp,device,alarm_type,link_id,message\n"
        "1772359205,S2,LINK_DOWN,S2--S3,down\n"
        "1772359200,S3,DYING_GASP,,\n"
        "1772359205,S2,LINK_DOWN,S2--S3,down\n"
        "1772359207,ZZ9,LOS,,\n"
        "1772359208,S2,LOS,NOPE,\n",
    )
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
    p = write(
        tmp_path / "alarms.csv",
        'timestamp,device,alarm_type,message\n1,A,X,"two\nlines"\n2,B\n3,C,Z,m,extra\n',
    )
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
    p = write(
        tmp_path / "metrics.csv", "timestamp,entity,metric,value\n1,A,cpu,0.5\n2,A,cpu,high\n"
    )
    m = Metrics.read_csv(p)
    assert len(m) == 1 and m.report.by_kind("bad_metric_row")[0].lines == (3,)


def test_incident_folder_roundtrip(tmp_path):
    topo = small_network()
    topo.write_csv(tmp_path)
    write(
        tmp_path / "alarms.csv",
        "timestamp,device,alarm_type,message\n2026-03-01T10:00:00Z,S2,LOS,<b>x</b>\n",
    )
    write(
        tmp_path / "truth.json",
        json.dumps({"root_causes": [{"entity": "S3", "kind": "node", "fault": "node_down"}]}),
    )
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
    log = AlarmLog.from_frame(
        pd.DataFrame({"time": [5.0, 1.0], "device": ["a", "b"], "alarm_type": ["x", "y"]})
    )
    assert log.times.tolist() == [1.0, 5.0]


# --------------------------------------------------------------- hardening
HEADER = "timestamp,device,alarm_type,severity,link_id,message\n"


def test_unclosed_quote_does_not_swallow_the_rows_after_it(tmp_path):
    rows = [
        f"2026-03-01T10:{k // 60:02d}:{k % 60:02d}Z,S{k},LINK_DOWN,major,,port {k} down\n"
        for k in range(1, 76)
    ]
    rows[9] = '2026-03-01T10:00:10Z,S10,LINK_DOWN,major,,"port 10 down\n'  # never closed
    log = AlarmLog.read_csv(write(tmp_path / "alarms.csv", HEADER + "".join(rows)))
    assert len(log) == 75  # not 10 rows and one 66-row message
    assert log.frame["message"].str.contains("\n").sum() == 0
    issue = log.report.by_kind("unbalanced_quote")[0]
    assert issue.lines == (11,) and issue.action == "repaired"
    assert log.frame.loc[log.frame["line"] == 11, "message"].tolist() == ["port 10 down"]


def test_quoted_newline_in_a_message_is_still_one_field(tmp_path):
    text = (
        HEADER
        + '2026-03-01T10:00:00Z,A,X,major,,"first\nsecond line"\n2026-03-01T10:00:01Z,B,Y,major,,ok\n'
    )
    log = AlarmLog.read_csv(write(tmp_path / "alarms.csv", text))
    assert log.frame["message"].tolist() == ["first\nsecond line", "ok"]
    assert "unbalanced_quote" not in log.report.kinds()


def test_record_the_csv_parser_refuses_is_skipped_and_reported(tmp_path):
    huge = "x" * 200_000  # over the csv module's own field limit
    text = HEADER + f"2026-03-01T10:00:00Z,A,X,major,,{huge}\n2026-03-01T10:00:01Z,B,Y,major,,ok\n"
    log = AlarmLog.read_csv(write(tmp_path / "alarms.csv", text))
    assert log.frame["device"].tolist() == ["B"]
    issue = log.report.by_kind("malformed_record")[0]
    assert issue.lines == (2,) and issue.action == "dropped" and "field limit" in issue.message


def test_overlong_fields_are_cut_and_reported(tmp_path):
    from rca.limits import MAX_ID_CHARS

    text = HEADER + f"2026-03-01T10:00:00Z,A,{'Q' * 40_000},major,,m\n"
    log = AlarmLog.read_csv(write(tmp_path / "alarms.csv", text))
    assert len(log.frame["alarm_type"].iloc[0]) == MAX_ID_CHARS
    issue = log.report.by_kind("field_too_long")[0]
    assert issue.lines == (2,) and "'alarm_type'" in issue.message and "40000" in issue.message


def test_not_utf8_names_the_line(tmp_path):
    p = tmp_path / "alarms.csv"
    p.write_bytes(
        b"timestamp,device,alarm_type\n2026-03-01T10:00:00Z,A,X\n2026-03-01T10:00:01Z,Z\xfcrich,X\n"
    )
    with pytest.raises(InputError, match=r"alarms.csv:3: not UTF-8.*0xfc"):
        AlarmLog.read_csv(p)


@pytest.mark.parametrize(
    "value, unit",
    [
        ("1772359200", None),
        ("1772359200000", "milliseconds"),
        ("1772359200000000", "microseconds"),
        ("1772359200000000000", "nanoseconds"),
    ],
)
def test_epoch_unit_inferred_from_magnitude_and_reported(tmp_path, value, unit):
    p = write(tmp_path / "alarms.csv", f"timestamp,device,alarm_type\n{value},A,X\n")
    log = AlarmLog.read_csv(p)
    assert log.times.tolist() == [1772359200.0]  # 2026, never the year 58038
    issues = log.report.by_kind("epoch_unit")
    if unit is None:
        assert not issues
    else:
        assert issues[0].lines == (2,) and unit in issues[0].message


@pytest.mark.parametrize(
    "value, why",
    [
        ("inf", "not a finite number"),
        ("nan", "not a finite number"),
        ("1e308", "outside 1990-2100"),
        ("-1e10", "outside 1990-2100"),
        ("1e10", "outside 1990-2100"),
        ("2150-01-01T00:00:00Z", "outside 1990-2100"),
        ("58038-01-01", "neither ISO 8601"),
    ],
)
def test_implausible_timestamps_are_refused_by_line(tmp_path, value, why):
    p = write(
        tmp_path / "alarms.csv",
        f"timestamp,device,alarm_type\n2026-03-01T10:00:00Z,A,X\n{value},B,Y\n",
    )
    log = AlarmLog.read_csv(p)
    assert log.frame["device"].tolist() == ["A"]
    issue = log.report.by_kind("bad_timestamp")[0]
    assert issue.lines == (3,) and why in issue.message and issue.action == "dropped"


def test_only_implausible_timestamps_is_a_clear_error(tmp_path):
    p = write(tmp_path / "alarms.csv", "timestamp,device,alarm_type\n1e308,B,Y\n")
    with pytest.raises(
        InputError, match=r"alarms.csv:2, column 'timestamp': .*'1e308'.*outside 1990-2100"
    ):
        AlarmLog.read_csv(p)


def test_relative_seconds_only_when_the_whole_column_is(tmp_path):
    log = AlarmLog.read_csv(
        write(tmp_path / "a.csv", "timestamp,device,alarm_type\n5,A,X\n0.5,B,Y\n")
    )
    assert log.times.tolist() == [0.5, 5.0] and log.report.by_kind("relative_time")
    mixed = AlarmLog.read_csv(
        write(tmp_path / "b.csv", "timestamp,device,alarm_type\n1772359200,A,X\n5,B,Y\n")
    )
    assert mixed.frame["device"].tolist() == ["A"] and mixed.report.by_kind("bad_timestamp")[
        0
    ].lines == (3,)


def test_frame_time_column_must_be_finite():
    log = AlarmLog.from_frame(
        pd.DataFrame(
            {
                "time": [1.0, float("inf"), 1e300],
                "device": ["a", "b", "c"],
                "alarm_type": ["x", "y", "z"],
            }
        )
    )
    assert (
        log.frame["device"].tolist() == ["a"] and log.report.by_kind("bad_timestamp")[0].count == 2
    )


def test_non_finite_metric_values_are_reported(tmp_path):
    p = write(
        tmp_path / "metrics.csv",
        "timestamp,entity,metric,value\n"
        "2026-03-01T10:00:00Z,A,cpu,0.5\n2026-03-01T10:00:01Z,A,cpu,inf\n2026-03-01T10:00:02Z,A,cpu,-inf\n"
        "2026-03-01T10:00:03Z,A,cpu,nan\n",
    )
    m = Metrics.read_csv(p)
    assert m.frame["value"].tolist() == [0.5]
    assert m.report.by_kind("bad_metric_row")[0].lines == (3, 4, 5)


def test_truth_json_not_utf8_is_a_clear_error(tmp_path):
    p = tmp_path / "truth.json"
    p.write_bytes(b'{"root_causes": [\n {"entity": "Z\xfcrich-R1", "kind": "node"}]}')
    with pytest.raises(InputError, match=r"truth.json:2: not UTF-8"):
        read_truth(p)


def test_writing_an_incident_leaves_no_temporary_files(tmp_path):
    topo = small_network()
    write(tmp_path / "alarms.csv", "timestamp,device,alarm_type\n2026-03-01T10:00:00Z,S2,LOS\n")
    topo.write_csv(tmp_path)
    inc = read_incident(tmp_path)
    out = inc.write(tmp_path / "copy")
    assert sorted(p.name for p in out.iterdir()) == ["alarms.csv", "links.csv", "nodes.csv"]
    again = read_incident(out)
    assert again.topology.node_ids == inc.topology.node_ids and len(again.alarms) == 1
