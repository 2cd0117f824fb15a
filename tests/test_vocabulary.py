import pytest

from rca.vocabulary import alarm_role, metric_role


@pytest.mark.parametrize(("metric", "role"), [
    ("utilization", "load"), ("if_out_bps", "load"), ("queue_occupancy", "load"),
    ("cpu", "cpu"), ("cpu_util", "cpu"), ("CPU Utilization", "cpu"), ("memory_usage", "cpu"), ("mem_util", "cpu"),
    ("latency_ms", "sla"), ("packet_loss", "sla"), ("jitter", "sla"),
    ("temperature", "other"), ("membership", "other"),
])
def test_metric_names_map_to_roles(metric, role):
    assert metric_role(metric) == role


@pytest.mark.parametrize(("alarm_type", "role"), [
    ("NE_COMM_LOST", "comm_lost"), ("NODE_DOWN", "comm_lost"), ("DEVICE_DOWN", "comm_lost"), ("NE_DOWN", "comm_lost"),
    ("OSPF_NBR_DOWN", "protocol"), ("ENODEB_DOWN", "service"),
    ("LINE_DOWN", "link"), ("OPTICAL_POWER_LOW", "link"), ("RX_POWER_LOW", "link"), ("AIS", "link"), ("BER_SF", "link"),
    ("MAINS_FAILURE", "power"), ("POWER_FAIL", "power"), ("PSU_FAILURE", "hardware"),
    ("COLD_START", "restart"), ("HIGH_CPU", "cpu"), ("SLA_LATENCY_HIGH", "sla"), ("XYZ_42", "other"),
    # a utilisation threshold is load on the port, not the port going down
    ("LINK_UTIL_HIGH", "sla"), ("PortUtilizationHigh", "sla"), ("ifUtilRising", "sla"), ("CPU_UTIL_HIGH", "cpu"),
    # radio degradation (received level, bit errors) is a degradation, not a loss of signal
    ("RSL_LOW", "sla"), ("rslLow", "sla"), ("RADIO_BER_HIGH", "sla"),
])
def test_alarm_types_map_to_roles(alarm_type, role):
    assert alarm_role(alarm_type) == role


def test_clear_rows_by_severity_or_by_name_and_without_a_severity_column():
    import pandas as pd

    from rca.vocabulary import clear_rows

    frame = pd.DataFrame({"alarm_type": ["LINK_DOWN", "LINK_DOWN", "linkUp", "HIGH_CPU_CLEARED", "BACKUP"],
                          "severity": ["major", "cleared", "minor", None, "minor"]})
    assert clear_rows(frame).tolist() == [False, True, True, True, False]
    assert clear_rows(frame.drop(columns="severity")).tolist() == [False, False, True, True, False]


def test_an_up_event_clears_its_down_alarm_for_ports_protocols_and_the_nms():
    from rca.vocabulary import cleared_type

    assert cleared_type("linkUp") == "linkDown"
    assert cleared_type("OSPF_NBR_UP") == "OSPF_NBR_DOWN"
    assert cleared_type("nodeUp") == "nodeDown"     # the NMS reaches the element again
    assert cleared_type("BACKUP") is None and cleared_type("CELL_UP") is None
