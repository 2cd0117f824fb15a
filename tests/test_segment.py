"""Segmentation: storms that one fault explains are one incident; others and the noise are not."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rca import AlarmLog, Topology
from rca.segment import Segmenter, segment

T0 = 1772359200.0


def two_regions() -> Topology:
    """Two chains hanging off one core: A-side (A1..A4) and B-side (B1..B4), far apart."""
    nodes = ["C"] + [f"A{i}" for i in range(1, 5)] + [f"B{i}" for i in range(1, 5)]
    links = [("C", "A1"), ("A1", "A2"), ("A2", "A3"), ("A3", "A4"), ("C", "B1"), ("B1", "B2"), ("B2", "B3"), ("B3", "B4")]
    return Topology.from_frames(pd.DataFrame({"node_id": nodes, "layer": ["core"] + ["access"] * 8}),
                                pd.DataFrame({"source": [a for a, _ in links], "target": [b for _, b in links]}))


def log(rows: list[tuple]) -> AlarmLog:
    """rows: (seconds after T0, device, alarm_type, severity, link_id)."""
    return AlarmLog.from_frame(pd.DataFrame(rows, columns=["timestamp", "device", "alarm_type", "severity", "link_id"])
                               .assign(timestamp=lambda f: f["timestamp"] + T0))


def cut(t: float, a: str, b: str, *, clear_after: float | None = None) -> list[tuple]:
    """Both ends of link a--b report it down (and up again after ``clear_after`` seconds)."""
    link = "--".join(sorted((a, b)))
    rows = [(t, a, "LINK_DOWN", "major", link), (t + 1, b, "LINK_DOWN", "major", link)]
    if clear_after is not None:
        rows += [(t + clear_after, a, "LINK_DOWN", "cleared", link), (t + clear_after + 1, b, "LINK_DOWN", "cleared", link)]
    return rows


def test_simultaneous_storms_in_two_regions_are_two_incidents() -> None:
    alarms = log(cut(0, "A2", "A3") + [(200, "A4", "NE_COMM_LOST", "critical", None)]
                 + cut(5, "B2", "B3") + [(210, "B4", "NE_COMM_LOST", "critical", None)])
    seg = segment(alarms, two_regions(), name="day")
    assert [s.incident_id for s in seg] == ["day-001", "day-002"]
    assert [set(s.devices) for s in seg] == [{"A2", "A3", "A4"}, {"B2", "B3", "B4"}]
    assert (seg.labels >= 0).all()


def test_the_same_place_hours_apart_is_two_incidents() -> None:
    alarms = log(cut(0, "A2", "A3") + cut(4 * 3600, "A2", "A3"))
    seg = segment(alarms, two_regions())
    assert len(seg) == 2 and seg[1].start - seg[0].start == pytest.approx(4 * 3600)


def test_a_flap_and_lone_alarms_stay_background() -> None:
    alarms = log(cut(0, "A1", "A2", clear_after=20)                 # a flap: cleared within a minute
                 + [(100, "B4", "TEMP_HIGH", "minor", None),          # one element's own condition
                    (3000, "B1", "CONFIG_CHANGE", "warning", None)]
                 + cut(7200, "B2", "B3"))                            # the real one, later
    seg = segment(alarms, two_regions())
    assert len(seg) == 1 and set(seg[0].devices) == {"B2", "B3"}
    frame = seg.to_frame()
    assert len(frame) == len(alarms)                                # nothing dropped
    assert (frame["incident_id"] == "").sum() == seg.n_background == 6


def test_late_comm_lost_of_a_cut_off_region_joins_its_cause() -> None:
    # the NMS notices the elements behind the cut at its next polls, 10 minutes later
    alarms = log(cut(0, "A1", "A2") + [(600 + i, f"A{i}", "NE_COMM_LOST", "critical", None) for i in (2, 3, 4)])
    seg = segment(alarms, two_regions())
    assert len(seg) == 1 and set(seg[0].devices) == {"A1", "A2", "A3", "A4"}


def test_noise_does_not_chain_two_storms_together() -> None:
    # a configuration change on the core between two storms merges nothing
    alarms = log(cut(0, "A1", "C") + [(30, "C", "CONFIG_CHANGE", "warning", None)] + cut(60, "B1", "C"))
    seg = segment(alarms, two_regions())
    assert len(seg) == 1   # the two cuts touch at C within the window: one storm...
    alarms = log(cut(0, "A2", "A3") + [(30, "C", "CONFIG_CHANGE", "warning", None)] + cut(60, "B2", "B3"))
    assert len(segment(alarms, two_regions())) == 2   # ...these do not, and the change does not bridge them


def test_unknown_devices_are_background_and_counted() -> None:
    alarms = log(cut(0, "A2", "A3") + [(10, "GHOST", "LINK_DOWN", "major", None)])
    seg = segment(alarms, two_regions())
    assert seg.unplaced == 1 and seg.labels[alarms.frame["device"].tolist().index("GHOST")] == -1


def test_online_segmenter_gives_the_batch_partition() -> None:
    rows = cut(0, "A2", "A3") + cut(5, "B2", "B3") + [(300 + i, f"A{i}", "NE_COMM_LOST", "critical", None)
                                                        for i in (3, 4)] + cut(9000, "A1", "A2")
    alarms = log(rows)
    batch = segment(alarms, two_regions())
    online = Segmenter(two_regions())
    frame = alarms.frame
    seen = []
    for start in range(0, len(frame), 3):          # in chunks, as a live feed
        seen += online.add(frame.iloc[start:start + 3])
    final = online.close()
    assert sorted(s.rows for s in final) == sorted(s.rows for s in batch)
    assert set(seen) <= {s.incident_id for s in final} | {m for s in final for m in s.merged_from}
    assert (online.labels() >= 0).sum() == (batch.labels >= 0).sum()


def test_alarms_out_of_time_order_are_refused() -> None:
    s = Segmenter(two_regions())
    frame = log(cut(100, "A1", "A2")).frame
    s.add(frame)
    with pytest.raises(ValueError, match="time order"):
        s.add(frame.iloc[:1].assign(time=T0))


def test_segment_incident_keeps_its_own_alarms_and_the_background_around_it() -> None:
    alarms = log(cut(0, "A2", "A3") + [(0.5, "C", "TEMP_HIGH", "minor", None)] + cut(2, "B2", "B3"))
    seg = segment(alarms, two_regions())
    first = seg.incident(0, context="window")
    assert set(first.alarms.frame["device"]) == {"A2", "A3", "C"}      # not B2/B3: the other incident's
    assert set(seg.incident(0, context="segment").alarms.frame["device"]) == {"A2", "A3"}
    assert first.name == seg[0].incident_id and first.truth is None


def test_twin_incident_is_found_with_its_root_inside() -> None:
    from rca.datasets import make_incident

    inc = make_incident(size="small", fault="node_down", random_state=4)
    seg = segment(inc.alarms, inc.topology)
    root = inc.truth.root_causes[0].entity
    near = set(inc.topology.neighbors(root)) | {root}
    assert any(near & set(s.devices) for s in seg)
    assert np.isin(seg.labels, np.arange(-1, len(seg))).all()
