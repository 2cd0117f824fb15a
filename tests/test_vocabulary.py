import pytest

from rca.vocabulary import metric_role


@pytest.mark.parametrize(("metric", "role"), [
    ("utilization", "load"), ("if_out_bps", "load"), ("queue_occupancy", "load"),
    ("cpu", "cpu"), ("cpu_util", "cpu"), ("CPU Utilization", "cpu"), ("memory_usage", "cpu"), ("mem_util", "cpu"),
    ("latency_ms", "sla"), ("packet_loss", "sla"), ("jitter", "sla"),
    ("temperature", "other"), ("membership", "other"),
])
def test_metric_names_map_to_roles(metric, role):
    assert metric_role(metric) == role
