import pytest

from rca.vocabulary import alarm_role, cleared_type, metric_role


@pytest.mark.parametrize(
    ("metric", "role"),
    [
        ("utilization", "load"),
        ("if_out_bps", "load"),
        ("queue_occupancy", "load"),
        ("cpu", "cpu"),
        ("cpu_util", "cpu"),
        ("CPU Utilization", "cpu"),
        ("memory_usage", "cpu"),
        ("mem_util", "cpu"),
        ("latency_ms", "sla"),
        ("packet_loss", "sla"),
        ("jitter", "sla"),
        ("temperature", "other"),
        ("membership", "other"),
    ],
)
def test_metric_names_map_to_roles(metric, role):
    assert metric_role(metric) == role


@pytest.mark.parametrize(
    ("alarm_type", "role"),
    [
        ("NE_COMM_LOST", "comm_lost"),
        ("NODE_DOWN", "comm_lost"),
        ("DEVICE_DOWN", "comm_lost"),
        ("NE_DOWN", "comm_lost"),
        ("OSPF_NBR_DOWN", "protocol"),
        ("ENODEB_DOWN", "service"),
        ("LINE_DOWN", "link"),
        ("OPTICAL_POWER_LOW", "link"),
        ("RX_POWER_LOW", "link"),
        ("AIS", "link"),
        ("BER_SF", "link"),
        ("MAINS_FAILURE", "power"),
        ("POWER_FAIL", "power"),
        ("PSU_FAILURE", "hardware"),
        ("COLD_START", "restart"),
        ("HIGH_CPU", "cpu"),
        ("SLA_LATENCY_HIGH", "sla"),
        ("XYZ_42", "other"),
        # a utilisation threshold is load on the port, not the port going down
        ("LINK_UTIL_HIGH", "sla"),
        ("PortUtilizationHigh", "sla"),
        ("ifUtilRising", "sla"),
        ("CPU_UTIL_HIGH", "cpu"),
        # radio degradation (received level, bit errors) is a degradation, not a loss of signal
        ("RSL_LOW", "sla"),
        ("rslLow", "sla"),
        ("RADIO_BER_HIGH", "sla"),
    ],
)
def test_alarm_types_map_to_roles(alarm_type, role):
    assert alarm_role(alarm_type) == role


def test_clear_rows_by_severity_or_by_name_and_without_a_severity_column():
    import pandas as pd

    from rca.vocabulary import clear_rows

    frame = pd.DataFrame(
        {
            "alarm_type": ["LINK_DOWN", "LINK_DOWN", "linkUp", "HIGH_CPU_CLEARED", "BACKUP"],
            "severity": ["major", "cleared", "minor", None, "minor"],
        }
    )
    assert clear_rows(frame).tolist() == [False, True, True, True, False]
    assert clear_rows(frame.drop(columns="severity")).tolist() == [False, False, True, True, False]


def test_an_up_event_clears_its_down_alarm_for_ports_protocols_and_the_nms():
    from rca.vocabulary import cleared_type

    assert cleared_type("linkUp") == "linkDown"
    assert cleared_type("OSPF_NBR_UP") == "OSPF_NBR_DOWN"
    assert cleared_type("nodeUp") == "nodeDown"  # the NMS reaches the element again
    assert cleared_type("BACKUP") is None and cleared_type("CELL_UP") is None


# --------------------------------------------------------------- bounded work
@pytest.mark.slow
def test_clear_names_take_linear_time_on_hostile_types():
    # the former "^(.+?)[ _-]*(clear|...)$" took about 55 s of CPU on 40,000 separators, and grows
    # with the square of the length: 200,000 would take over 20 minutes. Run apart, with a deadline.
    import subprocess
    import sys

    code = (
        "from rca.vocabulary import cleared_type, alarm_role\n"
        "for unit in ('_', ' ', '-', '_ -', 'LINK_', 'up_', 'comm_', 're_'):\n"
        "    text = unit * (200_000 // len(unit)) + 'x'\n"
        "    assert cleared_type(text) is None and alarm_role(text, text)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_clear_names_match_the_former_expression():
    import re

    from hypothesis import given, settings
    from hypothesis import strategies as st

    former = re.compile(
        r"^(.+?)[ _-]*(clear|cleared|cease|ceased|restored|recovered|resolved)$", re.IGNORECASE
    )
    parts = st.sampled_from(
        [
            "a",
            "X",
            "_",
            " ",
            "-",
            "\n",
            "CLEAR",
            "cleared",
            "Cease",
            "ceased",
            "RESTORED",
            "recovered",
            "resolved",
            "DOWN",
            "é",
        ]
    )

    @settings(max_examples=300, deadline=None)
    @given(st.lists(parts, max_size=6).map("".join))
    def check(text):
        match = former.match(text)
        if match:
            assert cleared_type(text) == match.group(1)
        else:
            assert cleared_type(text) is None or text.lower().rstrip("\n").endswith("up")

    check()


def test_overlong_alarm_types_from_a_frame_are_cut_and_reported():
    import pandas as pd

    from rca import AlarmLog
    from rca.limits import MAX_ID_CHARS

    log = AlarmLog.from_frame(
        pd.DataFrame(
            {
                "timestamp": ["2026-03-01T10:00:00Z"],
                "device": ["A"],
                "alarm_type": ["_" * 40_000 + "CLEARED"],
            }
        )
    )
    assert len(log.frame["alarm_type"].iloc[0]) == MAX_ID_CHARS
    assert log.report.by_kind("field_too_long")[0].count == 1


@pytest.mark.parametrize(
    ("alarm_type", "role"),
    [
        ("PORT_BW_USAGE_HIGH", "sla"),  # bandwidth usage is load, not the port
        ("CellOperationDegraded", "service"),  # a cell degrading is its service
        ("BD_STATUS_FAULT", "hardware"),  # "BD" is a board
        ("OamLossThresholdCrossed", "sla"),
        ("MW_RSL_LOW", "sla"),
        ("MODEM_BER_HIGH", "sla"),
        ("MW_BER_SD", "sla"),  # a signal degrade, unlike BER_SF
        ("TEMP_HIGH", "other"),  # a temperature threshold announces no failure
        ("TemperatureThresholdCrossed", "other"),
        ("OVER_TEMPERATURE", "other"),
    ],
)
def test_vendor_spellings_map_to_the_roles_of_their_generic_names(alarm_type, role):
    assert alarm_role(alarm_type) == role


def test_every_dialect_of_both_simulators_gives_one_role_per_alarm():
    """The same alarm named by another vendor or NMS style has the same role."""
    from rca.datasets._vocabulary import CANONICAL, VOCABULARIES
    from rca.datasets.othersim._vendors import STYLES

    for kind in CANONICAL:
        roles = {d: alarm_role(VOCABULARIES[d][kind]) for d in VOCABULARIES}
        assert len(set(roles.values())) == 1, (kind, roles)
    for symptom in STYLES["tmf"]:
        roles = {
            s: alarm_role(STYLES[s][symptom][0], STYLES[s][symptom][2].format_map(_Filled()))
            for s in STYLES
        }
        assert len(set(roles.values())) == 1, (symptom, roles)


class _Filled(dict):
    """Message template fields filled with a neutral number."""

    def __missing__(self, key: str) -> str:
        return "7"
