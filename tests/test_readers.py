import json

import numpy as np
import pandas as pd
import pytest

from rca import AlarmLog, InputError, Metrics, SchemaError, Topology, read_incident, read_truth
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


# --------------------------------------------------------------- the CSV reader, exactly
from rca._csv import LINE, cap_lengths, read_table  # noqa: E402
from rca.validation import ValidationReport  # noqa: E402

HEAD = "timestamp,device,alarm_type\n"


def table(
    tmp_path, text, *, data=None, required=("timestamp", "device", "alarm_type"), limits=None
):
    p = tmp_path / "t.csv"
    p.write_bytes(data if data is not None else text.encode())
    report = ValidationReport()
    frame = read_table(p, required=required, report=report, limits=limits)
    return frame, {i.kind: i for i in report}


def test_blank_lines_are_skipped_and_lines_counted(tmp_path):
    frame, issues = table(tmp_path, "\n\n" + HEAD + "1,A,X\n\n   \n2,B,Y\n")
    assert frame[LINE].tolist() == [4, 7] and frame["device"].tolist() == ["A", "B"]
    assert issues == {}


def test_header_names_are_stripped_and_a_bom_ignored(tmp_path):
    frame, _ = table(tmp_path, "", data=b"\xef\xbb\xbf timestamp , device,alarm_type\n1, A ,X\n")
    assert list(frame.columns) == ["timestamp", "device", "alarm_type", LINE]
    assert frame["device"].tolist() == ["A"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty file: expected a header row"),
        ("\n\n", "empty file: expected a header row"),
        ("timestamp,device,device,alarm_type\n", "the header names column 'device' twice"),
        (
            "timestamp,Device,alarm type\n",
            "missing required columns 'device', 'alarm_type'; the header has "
            "['timestamp', 'Device', 'alarm type'] (found 'Device', column names are "
            "case-sensitive; found 'alarm type', column names are case-sensitive)",
        ),
        (
            "timestamp,device\n",
            "missing required column 'alarm_type'; the header has ['timestamp', 'device']",
        ),
    ],
)
def test_header_problems(tmp_path, text, message):
    with pytest.raises(InputError) as err:
        table(tmp_path, text)
    assert message in str(err.value)
    if "column" in message:
        assert isinstance(err.value, SchemaError) and err.value.line == 1


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        read_table(tmp_path / "absent.csv", required=(), report=ValidationReport())


def test_nul_bytes_mean_not_text(tmp_path):
    utf16 = HEAD.encode("utf-16-le")
    with pytest.raises(
        InputError, match=r"not a text file \(it holds NUL bytes; UTF-16 or binary\?\)"
    ):
        table(tmp_path, "", data=utf16)
    # a few NUL bytes (a quarter of the start or less) are not a binary file: the rows are read
    frame, issues = table(tmp_path, "", data=(HEAD + "1,A,X\n2,B\x00,Y\n3,C,Z\n").encode())
    assert frame["device"].tolist() == ["A", "B\x00", "C"] and issues == {}
    # ... nor is a UTF-8 file that starts with a BOM
    frame, _ = table(tmp_path, "", data=b"\xef\xbb\xbf" + (HEAD + "1,A\x00\x00\x00,X\n").encode())
    assert len(frame) == 1


def test_a_record_the_parser_refuses_is_dropped_by_line(tmp_path):
    frame, issues = table(tmp_path, HEAD + "1,A,X\n2," + "B" * 140_000 + ",Y\n3,C,Z\n")
    assert frame["device"].tolist() == ["A", "C"] and frame[LINE].tolist() == [2, 4]
    issue = issues["malformed_record"]
    assert (
        issue.lines == (3,)
        and issue.action == "dropped"
        and "field larger than field limit" in issue.message
    )


def test_not_utf8_names_line_and_character(tmp_path):
    with pytest.raises(InputError) as err:
        table(tmp_path, "", data=(HEAD + "1,A,X\n2,B").encode() + b"\xff,Y\n")
    assert err.value.line == 3
    assert (
        "not UTF-8 text (invalid start byte: byte 0xff at character 4 of the line); export the file as UTF-8"
        in str(err.value)
    )


def test_field_counts_are_repaired_and_reported(tmp_path):
    frame, issues = table(tmp_path, HEAD + "1,A,X,,\n2,B\n3,C,Z,extra\n4,D,W\n")
    # empty trailing fields are not extra; 'extra' is
    assert issues["extra_fields"].lines == (4,) and issues["extra_fields"].action == "repaired"
    assert (
        issues["extra_fields"].message
        == "more fields than the 3 header columns; the extra fields were ignored"
    )
    assert issues["missing_fields"].lines == (3,)
    assert issues["missing_fields"].message == (
        "fewer fields than the 3 header columns; the missing ones were left empty"
    )
    assert frame.values.tolist() == [
        ["1", "A", "X", 2],
        ["2", "B", "", 3],
        ["3", "C", "Z", 4],
        ["4", "D", "W", 5],
    ]


def test_multiline_fields_are_counted_in_lines(tmp_path):
    frame, issues = table(
        tmp_path,
        HEAD.replace("\n", ",message\n") + '1,A,X,"one\ntwo\nthree"\n2,B,Y,"a\nb"\n3,C,Z,plain\n',
    )
    assert frame[LINE].tolist() == [2, 5, 7]
    issue = issues["multiline_field"]
    assert issue.lines == (2, 5) and issue.count == 3 and issue.action == "kept"
    assert "3 line(s) read as the text of the row they continue" in issue.message
    assert frame["message"].tolist() == ["one\ntwo\nthree", "a\nb", "plain"]


def test_a_stray_quote_keeps_the_header_width(tmp_path):
    frame, issues = table(
        tmp_path, HEAD.replace("\n", ",message\n") + '1,A,X,"say hi\n2,B,Y,ok\n3,C,Z,fine\n'
    )
    assert frame["device"].tolist() == ["A", "B", "C"] and frame[LINE].tolist() == [2, 3, 4]
    assert (
        issues["unbalanced_quote"].lines == (2,) and issues["unbalanced_quote"].action == "repaired"
    )


def test_cap_lengths_by_column_and_limit(tmp_path):
    frame, issues = table(
        tmp_path,
        HEAD.replace("\n", ",message\n") + "1,AAAAAA,X,mm\n2,B,Y,mmmmmm\n3,C,Z,m\n",
        limits={"device": 4, "message": 5},
    )
    assert frame["device"].tolist() == ["AAAA", "B", "C"] and frame["message"].tolist() == [
        "mm",
        "mmmmm",
        "m",
    ]
    assert [(k, i.lines, i.count) for k, i in issues.items()] == [("field_too_long", (3,), 1)]
    # two issues of one kind: the report keeps both; the dict above kept the last
    report = ValidationReport()
    cap_lengths(
        pd.DataFrame({"device": ["AAAAAA", "BB"], "n": [1, 2]}),
        file=None,
        report=report,
        limits={"device": 4},
    )
    (issue,) = list(report)
    assert issue.lines == (2,) and issue.file is None  # no line column: row i is line i + 2
    assert (
        issue.message
        == "values of column 'device' longer than 4 characters (the longest has 6); cut to 4"
    )
    report = ValidationReport()
    frame = pd.DataFrame(
        {"device": ["A" * 1025, "B"], "message": ["m" * 16384, "m" * 16385], LINE: [7, 9]}
    )
    out = cap_lengths(frame, file="x.csv", report=report)
    assert [len(v) for v in out["device"]] == [1024, 1] and [len(v) for v in out["message"]] == [
        16384,
        16384,
    ]
    assert [(i.lines, i.file) for i in report] == [((7,), "x.csv"), ((9,), "x.csv")]


# --------------------------------------------------------------- the alarm log, exactly
def test_alarm_log_columns_severity_and_empty_fields(tmp_path):
    p = write(
        tmp_path / "alarms.csv",
        "timestamp,device,alarm_type,severity,vendor\n"
        "2026-03-01T10:00:00Z,A,X,MAJOR,v1\n"
        "2026-03-01T10:00:01Z,,Y,minor,v2\n"
        "2026-03-01T10:00:02Z,B,,minor,v3\n"
        "2026-03-01T10:00:03Z,C,Z,,v4\n",
    )
    log = AlarmLog.read_csv(p)
    assert list(log.frame.columns) == [
        "time",
        "device",
        "alarm_type",
        "severity",
        "link_id",
        "message",
        "line",
        "vendor",
    ]
    assert log.frame["severity"].iloc[0] == "major" and pd.isna(log.frame["severity"].iloc[1])
    assert log.frame["link_id"].isna().all() and log.frame["message"].isna().all()
    assert log.report.by_kind("empty_device")[0].lines == (3,)
    assert log.report.by_kind("empty_device")[0].message == "rows with an empty 'device'"
    assert log.report.by_kind("empty_alarm_type")[0].lines == (4,)
    assert log.frame["vendor"].tolist() == ["v1", "v4"]


def test_alarm_log_views():
    log = AlarmLog.from_frame(
        pd.DataFrame(
            {
                "timestamp": [
                    "2026-03-01T10:00:05Z",
                    "2026-03-01T10:00:00Z",
                    "2026-03-01T10:00:09Z",
                ],
                "device": ["B", "A", "B"],
                "alarm_type": ["Y", "X", "X"],
            }
        )
    )
    assert len(log) == 3
    assert log.times.tolist() == [1772359200.0, 1772359205.0, 1772359209.0]
    assert (log.start, log.end) == (1772359200.0, 1772359209.0)
    assert log.devices == ["A", "B"] and log.alarm_types == ["X", "Y"]
    assert (
        repr(log)
        == "AlarmLog(3 alarms, 2 devices, 2 types, 2026-03-01T10:00:00Z .. 2026-03-01T10:00:09Z)"
    )
    iso = log.to_frame()
    assert iso.columns[0] == "timestamp" and "time" not in iso.columns
    assert iso["timestamp"].tolist() == [
        "2026-03-01T10:00:00Z",
        "2026-03-01T10:00:05Z",
        "2026-03-01T10:00:09Z",
    ]
    assert log.to_frame(iso=False)["timestamp"].tolist() == [
        1772359200.0,
        1772359205.0,
        1772359209.0,
    ]
    empty = AlarmLog.from_frame(pd.DataFrame(columns=["timestamp", "device", "alarm_type"]))
    assert repr(empty) == "AlarmLog(empty)" and len(empty) == 0
    assert np.isnan(empty.start) and np.isnan(empty.end) and empty.devices == []


def test_alarm_log_written_and_read_back(tmp_path):
    log = AlarmLog.from_frame(
        pd.DataFrame(
            {
                "timestamp": [1772359200.5, 1772359201],
                "device": ["A", "B"],
                "alarm_type": ["X", "Y"],
                "link_id": ["A--B", None],
                "message": ["m, with a comma", None],
            }
        )
    )
    log.write_csv(tmp_path / "alarms.csv")
    text = (tmp_path / "alarms.csv").read_text()
    assert text.splitlines()[0] == "timestamp,device,alarm_type,severity,link_id,message"
    assert text.splitlines()[1] == '2026-03-01T10:00:00.500Z,A,X,,A--B,"m, with a comma"'
    back = AlarmLog.read_csv(tmp_path / "alarms.csv")
    assert back.times.tolist() == log.times.tolist()
    assert back.frame["message"].iloc[0] == "m, with a comma" and pd.isna(
        back.frame["message"].iloc[1]
    )


def test_strict_ignores_notes_and_names_the_first_problem(tmp_path):
    # relative seconds are a note on how the file was read, not a problem
    p = write(tmp_path / "alarms.csv", HEAD + "0,A,X\n5,B,Y\n")
    assert len(AlarmLog.read_csv(p, strict=True)) == 2
    p = write(tmp_path / "alarms.csv", HEAD + "1772359200,A,X\n1772359201,B\n")
    with pytest.raises(SchemaError) as err:
        AlarmLog.read_csv(p, strict=True)
    # the location once, then the issue
    assert str(err.value) == (
        f"{p}:3: fewer fields than the 3 header columns; the missing ones were left empty "
        "[missing_fields, 1 repaired]"
    )
    assert (err.value.file, err.value.line) == (str(p), 3)
    # a frame's rows have no line numbers: the error names the source alone
    with pytest.raises(SchemaError) as err:
        AlarmLog.from_frame(
            pd.DataFrame({"timestamp": [1772359200], "device": ["A" * 2000], "alarm_type": ["X"]}),
            source="feed",
            strict=True,
        )
    assert (err.value.file, err.value.line) == ("feed", None)
    assert str(err.value) == (
        "feed: values of column 'device' longer than 1024 characters (the longest has 2000); "
        "cut to 1024 [field_too_long, 1 repaired]"
    )


def test_unknown_devices_and_links_are_kept_and_reported(tmp_path):
    log = AlarmLog.from_frame(
        pd.DataFrame(
            {
                "timestamp": [1772359200, 1772359201, 1772359202],
                "device": ["S1", "Q9", "S2"],
                "alarm_type": ["X", "Y", "Z"],
                "link_id": [None, None, "S2--NOWHERE"],
            }
        ),
        topology=small_network(),
    )
    assert len(log) == 3
    unknown = log.report.by_kind("unknown_device")[0]
    assert (
        unknown.action == "kept"
        and "Q9" in unknown.message
        and "cannot be placed" in unknown.message
    )
    link = log.report.by_kind("unknown_link")[0]
    assert "S2--NOWHERE" in link.message and "the link is ignored" in link.message


# --------------------------------------------------------------- errors name file, line and column
def _error(tmp_path, data: bytes, **kw):
    p = tmp_path / "t.csv"
    p.write_bytes(data)
    with pytest.raises(InputError) as err:
        read_table(
            p,
            required=kw.pop("required", ("timestamp", "device", "alarm_type")),
            report=ValidationReport(),
        )
    return p, err.value


@pytest.mark.parametrize(
    ("data", "reason", "line", "column"),
    [
        (b"", "empty file: expected a header row", None, None),
        (
            "\x00".join(HEAD).encode("latin-1"),
            "not a text file (it holds NUL bytes; UTF-16 or binary?); expected UTF-8 CSV",
            None,
            None,
        ),
        (
            ("timestamp,device," + "A" * 140_000 + "\n1,A,X\n").encode(),
            "malformed CSV header: field larger than field limit (131072)",
            1,
            None,
        ),
        (
            b"timestamp,device,device,alarm_type\n",
            "the header names column 'device' twice",
            1,
            "device",
        ),
        (
            b"timestamp,device\n",
            "missing required column 'alarm_type'; the header has ['timestamp', 'device']",
            1,
            "alarm_type",
        ),
        (
            b"timestamp,Device\n",
            "missing required columns 'device', 'alarm_type'; the header has ['timestamp', "
            "'Device'] (found 'Device', column names are case-sensitive)",
            1,
            "device",
        ),
    ],
    ids=["empty", "binary", "header-parse", "twice", "missing", "case"],
)
def test_errors_carry_where(tmp_path, data, reason, line, column):
    p, err = _error(tmp_path, data)
    assert err.reason == reason
    assert (err.file, err.line, err.column) == (str(p), line, column)


def test_missing_file_is_named(tmp_path):
    with pytest.raises(InputError) as err:
        read_table(tmp_path / "absent.csv", required=(), report=ValidationReport())
    assert (err.value.reason, err.value.file) == ("file not found", str(tmp_path / "absent.csv"))


def test_unreadable_file_is_named(tmp_path, monkeypatch):
    p = write(tmp_path / "t.csv", HEAD)

    def denied(self):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(type(p), "read_bytes", denied)
    with pytest.raises(InputError) as err:
        read_table(p, required=(), report=ValidationReport())
    assert (
        err.value.reason == "cannot open: [Errno 13] Permission denied" and err.value.file == str(p)
    )


def test_a_quarter_of_nul_bytes_is_still_text(tmp_path):
    # the first 4096 bytes hold exactly 1024 NULs (a quarter: not more); byte 4097, one more, is not looked at
    prefix = HEAD.encode() + b"1,A,"
    body = prefix + b"\x00" * 1024 + b"y" * (4096 - len(prefix) - 1024) + b"\x00,X\n"
    assert body[:4096].count(b"\x00") == 1024 and body[4096:4097] == b"\x00"
    frame, _ = table(tmp_path, "", data=body)
    assert frame["device"].tolist() == ["A"]
    _, err = _error(tmp_path, HEAD.encode() + b"\x00" * 2000)  # more than a quarter: refused
    assert "not a text file" in err.reason
    # a BOM says UTF-8 whatever follows
    frame, _ = table(
        tmp_path, "", data=b"\xef\xbb\xbf" + HEAD.encode() + b"1,A" + b"\x00" * 200 + b",X\n"
    )
    assert frame["device"].tolist() == ["A" + "\x00" * 200]


def test_not_utf8_on_a_line_after_a_blank_first_line(tmp_path):
    _, err = _error(tmp_path, b"\n\xff" + HEAD.encode())
    assert err.line == 2 and "byte 0xff at character 1 of the line" in err.reason


def test_a_row_whose_first_field_is_empty_is_kept(tmp_path):
    frame, _ = table(tmp_path, HEAD + ",A,X\n1,B,Y\n")
    assert frame["device"].tolist() == ["A", "B"] and frame["timestamp"].tolist() == ["", "1"]


def test_crlf_files_and_line_ends_inside_quotes(tmp_path):
    frame, issues = table(
        tmp_path, "", data=b'timestamp,device,alarm_type,message\r\n1,A,X,"a\r\nb"\r\n2,B,Y,c\r\n'
    )
    assert frame["message"].tolist() == ["a\r\nb", "c"] and frame[LINE].tolist() == [2, 4]
    assert issues["multiline_field"].lines == (2,)


STRAY_HEAD = "timestamp,device,alarm_type,message\n"


@pytest.mark.parametrize(
    ("text", "devices", "messages", "stray"),
    [
        # a comma after the stray quote: the row read alone has 5 plain fields; the header's width (4) decides
        (
            STRAY_HEAD + '1,A,X,"say, hi\n2,B,Y,ok\n3,C,Z,fine\n',
            ["A", "B", "C"],
            ["say, hi", "ok", "fine"],
            True,
        ),
        # the quote opens a field that is not the last: read with the quote as a plain character
        (STRAY_HEAD + '1,A,"X,m\n2,B,Y,ok\n', ["A", "B"], ["m", "ok"], True),
        # only one row after it
        (STRAY_HEAD + '1,A,X,"oops\n2,B,Y,ok\n', ["A", "B"], ["oops", "ok"], True),
        # what follows is free text, not rows: a real multi-line field
        (STRAY_HEAD + '1,A,X,"line one\nline two\n', ["A"], ["line one\nline two"], False),
        # rows of the header's width, but also a line of one field: free text after all
        (STRAY_HEAD + '1,A,X,"one\n2,B,Y,ok\nfree\n', ["A"], ["one\n2,B,Y,ok\nfree"], False),
    ],
    ids=["comma-after", "not-last-field", "one-row-after", "free-text", "one-field-line"],
)
def test_stray_quotes_or_real_multiline_fields(tmp_path, text, devices, messages, stray):
    frame, issues = table(tmp_path, text)
    assert frame["device"].tolist() == devices
    assert frame["message"].tolist() == messages
    assert ("unbalanced_quote" in issues) == stray
    if stray:
        assert issues["unbalanced_quote"].lines == (2,)


def test_stray_quote_in_a_file_too_long_for_one_field(tmp_path):
    # the open quote would swallow 3000 rows, more than the csv module's field limit: still repaired by line
    rows = "".join(f"{k},D{k},TYPE_{k},message number {k} of the export\n" for k in range(2, 3002))
    frame, issues = table(tmp_path, STRAY_HEAD + '1,A,X,"oops\n' + rows)
    assert len(frame) == 3001 and frame[LINE].tolist() == list(range(2, 3003))
    assert frame["message"].tolist()[:2] == ["oops", "message number 2 of the export"]
    assert issues["unbalanced_quote"].lines == (2,) and "malformed_record" not in issues


def test_stray_quotes_in_narrow_tables(tmp_path):
    # two columns: a stray quote is still told from a real multi-line field
    frame, issues = table(tmp_path, 'a,b\n1,"x\n2,y\n3,z\n', required=("a",))
    assert frame["b"].tolist() == ["x", "y", "z"] and issues["unbalanced_quote"].lines == (2,)
    # one column: every line is one field, so nothing tells a stray quote from a multi-line value
    frame, issues = table(tmp_path, 'a\n"x\ny\nz\n', required=("a",))
    assert frame["a"].tolist() == ["x\ny\nz"] and "unbalanced_quote" not in issues


def test_stray_quote_in_the_header(tmp_path):
    frame, issues = table(tmp_path, 'timestamp,device,"alarm_type\n1,A,X\n2,B,Y\n')
    assert list(frame.columns) == ["timestamp", "device", "alarm_type", LINE]
    assert frame["device"].tolist() == ["A", "B"] and frame[LINE].tolist() == [2, 3]


# --------------------------------------------------------------- the alarm log's frames and sources
def test_from_frame_source_and_line_column(caplog):
    frame = pd.DataFrame(
        {
            "timestamp": [1772359200, 1772359201],
            "device": ["S1", "Q9"],
            "alarm_type": ["X", "Y"],
            "link_id": [None, "S2--NOWHERE"],
            "message": ["m" * 20000, None],
        }
    )
    with caplog.at_level("WARNING"):
        log = AlarmLog.from_frame(frame, topology=small_network(), source="feed.json")
    assert log.source == "feed.json" and AlarmLog.from_frame(frame).source == "<frame>"
    assert AlarmLog(log.frame).source == "<frame>" and len(AlarmLog(log.frame).report) == 0
    assert log.frame[LINE].dtype == "Int64" and log.frame[LINE].isna().all()
    issues = {i.kind: i for i in log.report}
    assert {k: i.file for k, i in issues.items()} == {
        "field_too_long": "feed.json",
        "unknown_device": "feed.json",
        "unknown_link": "feed.json",
    }
    assert issues["unknown_device"].message == (
        "alarms from 1 id(s) not in the topology (Q9); kept, but they cannot be placed"
    )
    assert issues["unknown_link"].message == (
        "alarms about 1 id(s) not in the topology (S2--NOWHERE); kept, the link is ignored"
    )
    assert {r.name for r in caplog.records if "not in the topology" in r.getMessage()} == {
        "rca.alarms"
    }
    assert {r.name for r in caplog.records if "longer than" in r.getMessage()} == {"rca._csv"}
    mine = __import__("rca.validation", fromlist=["ValidationReport"]).ValidationReport()
    assert AlarmLog(log.frame, report=mine).report is mine


def test_from_frame_errors_name_the_source_and_strict_applies():
    with pytest.raises(SchemaError, match="feed.json"):
        AlarmLog.from_frame(pd.DataFrame({"timestamp": [1], "device": ["A"]}), source="feed.json")
    dup = pd.DataFrame(
        {"timestamp": [1772359200] * 2, "device": ["A"] * 2, "alarm_type": ["X"] * 2}
    )
    assert len(AlarmLog.from_frame(dup)) == 1
    with pytest.raises(SchemaError, match="duplicate"):
        AlarmLog.from_frame(dup, strict=True)


def test_a_time_column_beside_timestamp_is_not_read(caplog):
    # 'timestamp' is read as a file's timestamps (here milliseconds), whatever other columns there are
    frame = pd.DataFrame(
        {"timestamp": [1772359200000], "time": [5.0], "device": ["A"], "alarm_type": ["X"]}
    )
    with caplog.at_level("WARNING"):
        log = AlarmLog.from_frame(frame)
    assert log.times.tolist() == [1772359200.0]
    assert log.report.by_kind("epoch_unit")
    assert [r.name for r in caplog.records if "milliseconds" in r.getMessage()] == ["rca.alarms"]


def test_to_iso_keeps_the_earliest_time_pandas_holds():
    from rca._time import to_iso

    assert to_iso(-9.2e9).startswith("1678-")


def test_every_repair_names_its_file_count_and_action_and_is_logged(tmp_path, caplog):
    text = (
        STRAY_HEAD
        + '1,A,X,"oops\n2,B,Y,ok\n3,C,Z,m,extra\n4,D\n5,E,Q,"two\nlines"\n6,'
        + "F" * 140_000
        + ",W,m\n7,G,"
        + "T" * 1100
        + ",m\n"
    )
    with caplog.at_level("INFO", logger="rca._csv"):
        frame, issues = table(tmp_path, text)
    path = str(tmp_path / "t.csv")
    assert {k: (i.file, i.lines, i.count, i.action) for k, i in issues.items()} == {
        "unbalanced_quote": (path, (2,), 1, "repaired"),
        "malformed_record": (path, (8,), 1, "dropped"),
        "extra_fields": (path, (4,), 1, "repaired"),
        "missing_fields": (path, (5,), 1, "repaired"),
        "multiline_field": (path, (6,), 1, "kept"),
        "field_too_long": (path, (9,), 1, "repaired"),
    }
    assert issues["unbalanced_quote"].message == (
        "a quote opened in the row is never closed on its line; the row "
        "was read from its own line and the lines after it as rows of "
        "their own"
    )
    assert issues["malformed_record"].message == (
        "records the CSV parser could not read (field larger than field limit (131072)); skipped"
    )
    levels = {
        r.getMessage().split("[")[-1].split(",")[0]: r.levelname
        for r in caplog.records
        if r.name == "rca._csv"
    }
    assert levels == {
        "unbalanced_quote": "WARNING",
        "malformed_record": "WARNING",
        "extra_fields": "WARNING",
        "missing_fields": "WARNING",
        "multiline_field": "INFO",
        "field_too_long": "WARNING",
    }
    assert frame[LINE].dtype == "int64" and frame[LINE].tolist() == [2, 3, 4, 5, 6, 9]


# ----------------------------------------------------------------- devices by label, link ids either way
def _labelled_topology():
    nodes = pd.DataFrame(
        {
            "node_id": ["n1", "n2", "n3", "n4"],
            "label": ["Oslo", "Bergen", "Bergen", None],
            "gateway": [True, False, False, False],
        }
    )
    links = pd.DataFrame({"source": ["n1", "n2", "n3"], "target": ["n2", "n3", "n4"]})
    return Topology.from_frames(nodes, links)


def test_devices_named_by_a_unique_label_are_read_as_the_node():
    topo = _labelled_topology()
    frame = pd.DataFrame(
        {
            "timestamp": [1.0e9, 1.0e9 + 1, 1.0e9 + 2, 1.0e9 + 3],
            "device": ["Oslo", "n2", "Bergen", " Oslo"],
            "alarm_type": ["X"] * 4,
        }
    )
    log = AlarmLog.from_frame(frame, topology=topo)
    assert log.frame["device"].tolist() == [
        "n1",
        "n2",
        "Bergen",
        "n1",
    ]  # (device names are stripped first)
    (by_label,) = log.report.by_kind("device_by_label")
    assert by_label.message == (
        "alarms name 1 device(s) by their node label (e.g. 'Oslo' is node 'n1'); "
        "read as the node ids"
    )
    assert (by_label.count, by_label.action) == (2, "repaired")
    (ambiguous,) = log.report.by_kind("ambiguous_label")
    assert (
        ambiguous.message
        == "alarms name 1 device(s) by a label several nodes share (Bergen); kept as they are"
    )
    assert (ambiguous.count, ambiguous.action) == (1, "kept")


def test_no_labels_no_mapping():
    nodes = pd.DataFrame({"node_id": ["n1", "n2"], "label": [None, "  "], "gateway": [True, False]})
    topo = Topology.from_frames(nodes, pd.DataFrame({"source": ["n1"], "target": ["n2"]}))
    log = AlarmLog.from_frame(
        pd.DataFrame({"timestamp": [1.0e9], "device": ["n3"], "alarm_type": ["X"]}), topology=topo
    )
    assert log.frame["device"].tolist() == ["n3"]
    assert not log.report.by_kind("device_by_label") and not log.report.by_kind("ambiguous_label")


def test_a_link_id_the_other_way_round_is_the_topologys():
    topo = _labelled_topology()
    frame = pd.DataFrame(
        {
            "timestamp": [1.0e9, 1.0e9 + 1, 1.0e9 + 2, 1.0e9 + 3],
            "device": ["n1", "n2", "n3", "n3"],
            "alarm_type": ["X"] * 4,
            "link_id": ["n2--n1", "n1--n2", "n9--n3", "n3n4"],
        }
    )
    log = AlarmLog.from_frame(frame, topology=topo)
    assert log.frame["link_id"].tolist() == ["n1--n2", "n1--n2", "n9--n3", "n3n4"]
    (rev,) = log.report.by_kind("link_id_reversed")
    assert rev.message == (
        "1 link id(s) written with the ends the other way round (e.g. 'n2--n1' for 'n1--n2'); "
        "read as the topology's"
    )
    assert (rev.count, rev.action) == (1, "repaired")


def test_label_and_link_repairs_name_the_file_and_are_logged(tmp_path, caplog):
    path = tmp_path / "alarms.csv"
    path.write_text(
        "timestamp,device,alarm_type,link_id\n1000000000,Oslo,X,\n1000000001,n1,X,n2--n1\n"
    )
    with caplog.at_level("INFO", logger="rca.alarms"):
        log = AlarmLog.read_csv(path, topology=_labelled_topology())
    assert (
        log.frame["device"].tolist() == ["n1", "n1"]
        and log.frame["link_id"].tolist()[1] == "n1--n2"
    )
    assert pd.isna(log.frame["link_id"].iloc[0])
    (by_label,) = log.report.by_kind("device_by_label")
    (rev,) = log.report.by_kind("link_id_reversed")
    assert (by_label.file, by_label.lines) == (str(path), (2,))
    assert (rev.file, rev.lines, rev.count) == (str(path), (3,), 1)
    logged = [r.getMessage() for r in caplog.records if r.name == "rca.alarms"]
    assert any("by their node label" in m for m in logged) and any(
        "other way round" in m for m in logged
    )
