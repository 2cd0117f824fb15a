"""Hand-built networks and incidents for unit tests (independent of the twin)."""

from __future__ import annotations

import pandas as pd

from rca import AlarmLog, Incident, Metrics, Topology

T0 = 1_772_359_200.0  # 2026-03-01T10:00:00Z


def small_network(coordinates: dict[str, tuple[float, float]] | None = None) -> Topology:
    """Two core routers (gateways), dual-homed aggregation, an access ring, radio sites.

    ::

        C1 ==== C2            (core, site CORE)
        |  \\  /  |
        A1      A2            (aggregation; A1 at site S_A1, A2 at S_A2)
        |        |
        S1 - S2 - S3          (access ring S1-S2-S3, closed by S1-A1 and S3-A2)
             |
             B2               (base station behind S2, same site as S2: SITE2)
        S3 - B3 - B4          (a chain of radio sites behind S3, microwave)

    ``coordinates`` maps elements to ``(lat, lon)``; by default none has any.
    """
    nodes = pd.DataFrame(
        [
            ("C1", "core_router", "CORE", "core", True),
            ("C2", "core_router", "CORE", "core", True),
            ("A1", "agg_router", "S_A1", "aggregation", False),
            ("A2", "agg_router", "S_A2", "aggregation", False),
            ("S1", "access_switch", "SITE1", "access", False),
            ("S2", "access_switch", "SITE2", "access", False),
            ("S3", "access_switch", "SITE3", "access", False),
            ("B2", "base_station", "SITE2", "ran", False),
            ("B3", "base_station", "SITE_B3", "ran", False),
            ("B4", "base_station", "SITE_B4", "ran", False),
        ],
        columns=["node_id", "node_type", "site", "layer", "gateway"],
    )
    links = pd.DataFrame(
        [
            ("C1", "C2", "fiber"),
            ("C1", "A1", "fiber"),
            ("C2", "A1", "fiber"),
            ("C1", "A2", "fiber"),
            ("C2", "A2", "fiber"),
            ("A1", "S1", "fiber"),
            ("S1", "S2", "fiber"),
            ("S2", "S3", "fiber"),
            ("S3", "A2", "fiber"),
            ("S2", "B2", "fiber"),
            ("S3", "B3", "microwave"),
            ("B3", "B4", "microwave"),
        ],
        columns=["source", "target", "link_type"],
    )
    if coordinates is not None:  # (lat, lon) per element; the others stay without
        nodes["lat"] = nodes["node_id"].map(lambda v: coordinates.get(v, (None, None))[0])
        nodes["lon"] = nodes["node_id"].map(lambda v: coordinates.get(v, (None, None))[1])
    return Topology.from_frames(nodes, links)


def incident(
    topology: Topology, rows: list[tuple], *, metrics: list[tuple] | None = None, name: str = "t"
) -> Incident:
    """An incident from rows ``(seconds after T0, device, alarm_type, link_id)``."""
    frame = pd.DataFrame(
        [(T0 + dt, dev, atype, lid) for dt, dev, atype, lid in rows],
        columns=["timestamp", "device", "alarm_type", "link_id"],
    )
    alarms = AlarmLog.from_frame(frame, topology=topology)
    m = None
    if metrics is not None:
        m = Metrics.from_frame(
            pd.DataFrame(
                [(T0 + dt, e, k, v) for dt, e, k, v in metrics],
                columns=["timestamp", "entity", "metric", "value"],
            )
        )
    return Incident(topology, alarms, m, name=name)


def background(seed_rows: int = 0) -> list[tuple]:
    """Unrelated alarms spread over the window: a flapping link, noise of symptom types."""
    rows = []
    for k in range(4):  # C1--C2 flaps four times, well before and during the incident
        rows.append((-1200 + 400 * k, "C1", "LINK_DOWN", "C1--C2"))
        rows.append((-1199 + 400 * k, "C2", "LINK_DOWN", "C1--C2"))
    rows.append((-900, "A2", "HIGH_CPU", None))
    rows.append((30, "S1", "SLA_LATENCY_HIGH", None))
    return rows
