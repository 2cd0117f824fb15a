"""Reducing alarms to observations: what the ranker reads from sparse or vendor-shaped logs."""

import pandas as pd

from rca import AlarmLog, Incident, analyze
from rca._observe import observe
from tests._builders import T0, small_network


def _incident(topo, rows, columns):
    frame = pd.DataFrame([(T0 + r[0], *r[1:]) for r in rows], columns=["timestamp", *columns])
    return Incident(topo, AlarmLog.from_frame(frame, topology=topo), None, name="t")


def test_port_alarm_without_link_id_takes_the_link_its_message_names():
    topo = small_network()
    inc = _incident(
        topo,
        [
            (2, "S2", "LINK_DOWN", "port 1/1 to S3 down"),
            (3, "A2", "LOS", "ge-0/0/1 (S3): loss of signal"),
            (4, "S1", "LINK_DOWN", "port 1/2 down"),  # names no neighbour: stays unplaced on S1
            (95, "S3", "NE_COMM_LOST", "no response"),
        ],
        ["device", "alarm_type", "message"],
    )
    links = {(o.entity, o.link) for o in observe(inc).items if o.role == "link"}
    assert links == {("S2", "S2--S3"), ("A2", "A2--S3"), ("S1", None)}


def test_port_named_with_its_link_elsewhere_in_the_log_places_rows_without_one():
    # the export gives the link on some rows of port 1/1/0 and leaves it empty on others
    topo = small_network()
    inc = _incident(
        topo,
        [
            (2, "S1", "PORT_DOWN", "major", "S1--S2", "Port 1/1/0 operationally down"),
            (9, "S1", "PORT_DOWN", "cleared", None, "Port 1/1/0 operationally down - cleared"),
            (60, "S1", "PORT_DOWN", "major", None, "Port 1/1/0 operationally down"),
            (
                61,
                "S1",
                "PORT_DOWN",
                "major",
                None,
                "Port 1/1/7 operationally down",
            ),  # never named with a link
            (62, "S2", "PORT_DOWN", "major", "S1--S2", "Port 2/1 down"),
            (
                63,
                "S2",
                "PORT_DOWN",
                "major",
                "S2--S3",
                "Port 2/1 down",
            ),  # 2/1 with two links: ambiguous
            (64, "S2", "PORT_DOWN", "major", None, "Port 2/1 down"),
            (70, "S3", "LOS", "major", None, "Loss of signal on 1/2/2"),
            (
                90,
                "S3",
                "LOS",
                "cleared",
                None,
                "Loss of signal on 1/2/2 (to B3) - cleared",
            ),  # far end named
        ],
        ["device", "alarm_type", "severity", "link_id", "message"],
    )
    obs = {(o.entity, o.link): o for o in observe(inc).items if o.role == "link"}
    assert set(obs) == {
        ("S1", "S1--S2"),
        ("S1", None),
        ("S2", "S1--S2"),
        ("S2", "S2--S3"),
        ("S2", None),
        ("S3", "B3--S3"),
    }
    assert obs["S3", "B3--S3"].open == 0
    # the clear without a link ended the first raise; the second is still open
    assert obs["S1", "S1--S2"].count == 2 and obs["S1", "S1--S2"].open == 1
    assert obs["S1", None].count == 1 and obs["S2", None].count == 1


def test_clears_named_by_alarm_type_end_the_condition():
    topo = small_network()
    inc = _incident(
        topo,
        [
            (2, "S1", "LINK_DOWN", "S1--S2"),
            (40, "S1", "LINK_UP", "S1--S2"),
            (5, "A2", "HIGH_CPU", None),
            (60, "A2", "HIGH_CPU_CLEARED", None),
            (8, "S3", "LINK_DOWN", "S2--S3"),
        ],
        ["device", "alarm_type", "link_id"],
    )
    obs = {(o.entity, o.role): o for o in observe(inc).items}
    assert obs["S1", "link"].open == 0 and obs["A2", "cpu"].open == 0
    assert obs["S3", "link"].open == 1
    assert ("S1", "LINK_UP") not in {(a[1], a[2]) for o in obs.values() for a in o.alarms}


def test_a_clear_whose_raise_never_arrived_is_kept_and_marks_its_sender_up_again():
    topo = small_network()
    inc = _incident(
        topo,
        [
            (2, "S1", "LINK_DOWN", "S1--S2"),
            (40, "S1", "LINK_UP", "S1--S2"),
            (300, "S3", "LINK_UP", "S2--S3"),
        ],
        ["device", "alarm_type", "link_id"],
    )
    result = observe(inc)
    obs = {(o.entity, o.role): o for o in result.items}
    assert obs["S3", "link"].clear_only and obs["S3", "link"].time == T0 + 300
    assert not obs["S1", "link"].clear_only
    assert result.recovered == {"S1": [T0 + 40], "S3": [T0 + 300]}
    assert "S3" not in result.alive_after  # a clear is recovery, not an alarm raised


def test_node_down_found_without_link_ids_when_messages_name_the_far_end():
    topo = small_network()
    inc = _incident(
        topo,
        [
            (2, "S2", "LINK_DOWN", "interface to S3 down"),
            (3, "A2", "LINK_DOWN", "interface to S3 down"),
            (95, "S3", "NE_COMM_LOST", None),
            (96, "B3", "NE_COMM_LOST", None),
            (97, "B4", "NE_COMM_LOST", None),
        ],
        ["device", "alarm_type", "message"],
    )
    result = analyze(inc)
    assert (result[0].entity, result[0].fault) == ("S3", "node_down")


def test_type_that_says_nothing_is_read_from_its_message():
    topo = small_network()
    inc = _incident(
        topo,
        [
            (1, "S3", "entConfigChange", None, "entPhysicalIndex 2: module failed"),
            (
                2,
                "S3",
                "LINK_DOWN",
                "S2--S3",
                "ifOperStatus=down, module failed",
            ),  # the type decides
            (3, "S2", "LINK_DOWN", "S2--S3", None),
            (
                4,
                "S1",
                "CFG_CHANGED",
                None,
                "interface ge-0/0/1 (to S2) shutdown removed by admin",
            ),  # no port symptom
        ],
        ["device", "alarm_type", "link_id", "message"],
    )
    roles = {(o.entity, o.role) for o in observe(inc).items}
    assert roles == {("S3", "hardware"), ("S3", "link"), ("S2", "link"), ("S1", "other")}
    # the card alarm, known only from its message, makes a failed card the better answer than a cut
    result = analyze(inc)
    assert (result[0].entity, result[0].fault) == ("S3", "card_failure")


def test_metric_rises_saturation_silence_and_gaps():
    from tests._builders import incident

    topo = small_network()
    metrics = []
    for k in range(-10, 10):
        t = 60.0 * k
        metrics.append((t, "A1", "cpu", 20.0 + (k % 3) if k < 0 else 97.0))  # rises at the onset
        metrics.append((t, "A2", "cpu", 93.0 + (k % 4)))  # saturated throughout
        metrics.append(
            (t, "S1--S2", "utilization", 0.2 if k < 0 else 0.9)
        )  # rises, one sample unreadable
        if k < 2:
            metrics.append((t, "S3", "cpu", 15.0))  # stops reporting
        metrics.append((t, "C1", "cpu", 30.0 + (k % 2)))  # nothing happens
    metrics = [
        (t, e, m, float("nan") if (e == "S1--S2" and t == 120.0) else v) for t, e, m, v in metrics
    ]
    inc = incident(topo, [(0, "S2", "LINK_DOWN", "S1--S2")], metrics=metrics)
    obs = {o.key: o for o in observe(inc).items}
    assert obs["A1", "metric_cpu"].time == T0 and obs["A1", "metric_cpu"].level == 0.97
    assert (
        "saturated" in obs["A2", "metric_cpu"].alarms[0][2]
        and obs["A2", "metric_cpu"].time == T0 - 600
    )
    assert (
        obs["S1--S2", "metric_load"].level == 0.9 and obs["S1--S2", "metric_load"].link == "S1--S2"
    )
    assert ("S3", "silent") in obs and ("S3", "metric_cpu") not in obs
    assert not [k for k in obs if k[0] == "C1"]
    alive = observe(inc).alive_after
    assert len(alive["C1"]) == 5 and alive["S3"] == [
        T0 + 60
    ]  # the first five samples after the onset


def test_a_rate_is_never_saturated_only_a_share_of_capacity():
    from tests._builders import incident

    topo = small_network()
    metrics = [(60.0 * k, "S1--S2", "if_in_bps", 9.6e9) for k in range(-10, 10)]
    metrics += [(60.0 * k, "S2--S3", "bw_util", 0.95) for k in range(-10, 10)]
    inc = incident(topo, [(0, "S2", "LINK_DOWN", "S1--S2")], metrics=metrics)
    obs = {o.key: o for o in observe(inc).items}
    assert ("S1--S2", "metric_load") not in obs
    assert obs["S2--S3", "metric_load"].level == 0.95


def test_a_change_seen_after_a_telemetry_gap_is_dated_at_the_start_of_the_gap():
    """A collector outage hides when the load rose: it may have begun right after the last sample."""
    from tests._builders import incident

    topo = small_network()
    metrics = []
    for k in range(-20, 10):
        t = 60.0 * k
        if -12 <= k < 0:
            continue  # twelve minutes without samples
        metrics.append((t, "S1--S2", "utilization", 0.2 + 0.01 * (k % 3) if k < 0 else 0.95))
        metrics.append(
            (t, "A2", "cpu", 20.0 if k < -12 else 96.0 + (k % 3))
        )  # saturated after the gap
        metrics.append((t, "C1", "cpu", 30.0 + (k % 2)))  # steady: sets the period
    inc = incident(topo, [(0, "S2", "SLA_LATENCY_HIGH", None)], metrics=metrics)
    obs = {o.key: o for o in observe(inc).items}
    assert (
        obs["S1--S2", "metric_load"].time == T0 - 12 * 60
    )  # one period after the last sample, not T0
    assert obs["A2", "metric_cpu"].time == T0 - 12 * 60
