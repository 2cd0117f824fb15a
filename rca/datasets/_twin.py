"""The network twin: simulated incidents with known root causes.

:func:`make_incident` injects one or more independent faults into a network
(made by :func:`~rca.datasets.make_network` or given), lets the outages
propagate (neighbour link alarms, protocol adjacencies, NMS comm-lost for
everything cut off from the gateways, downstream SLA alarms), samples the
telemetry, adds the background noise of a live network and passes the lot
through an imperfect alarm feed: skewed device clocks, lost, duplicated and
reordered alarms.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._io import atomic_open
from .._time import to_iso
from ..alarms import AlarmLog
from ..errors import InputError
from ..incident import Incident, RootCause, Truth
from ..metrics import Metrics
from ..topology import Topology
from ._alarms_sim import background_alarms, deliver, outage_alarms
from ._context import SimContext
from ._faults import FAULT_TYPES, Fault, available_faults, inject
from ._metrics_sim import simulate_metrics, telemetry_defects
from ._network import make_network
from ._timeline import Timeline
from ._traffic import roles_of, route
from ._vocabulary import check_vocabulary, device_dialects

__all__ = ["make_incident", "make_incidents", "KNOBS"]

logger = logging.getLogger(__name__)

_EPOCH_2026 = 1767225600.0  # 2026-01-01T00:00:00Z

#: The twin's knobs and how a value is drawn when not given (one draw per incident).
KNOBS: dict[str, str] = {
    "pre_s": "seconds of window before the first fault, uniform 900-2400",
    "post_s": "seconds of window after the first fault, uniform 1200-2700",
    "root_spread_s": "later independent roots start within this many seconds of the first, uniform 0-600",
    "poll_period_s": "NMS polling period, one of 60, 120, 180, 300",
    "poll_phase_s": "offset of the NMS poll cycle, uniform within the period",
    "missed_polls": "polls missed before comm-lost is raised, 1-3",
    "sweep_s": "seconds one NMS poll sweep takes (comm-lost spread), uniform 1-30",
    "metric_period_s": "telemetry period, one of 60, 120, 300",
    "skew_s": "standard deviation of device clock offsets, uniform 0.5-5",
    "bad_clock_rate": "share of devices whose clock is off by 30-300 s, uniform 0-0.04",
    "loss_rate": "share of alarms lost, uniform 0-0.05",
    "dup_rate": "share of alarms delivered twice, uniform 0-0.05",
    "delivery_delay_s": "mean transport delay (reorders the feed), uniform 0.5-20",
    "dying_gasp_prob": "chance a dying element sends a dying gasp, uniform 0.2-0.9",
    "mains_alarm_prob": "chance a site power failure is announced by MAINS_FAILURE, uniform 0.3-0.9",
    "card_alarm_prob": "chance a failed card raises CARD_FAILURE, uniform 0.5-0.95",
    "inside_site_link_weight": "how often a link cut hits a link inside one site, relative to one between sites, 0.2",
    "los_prob": "chance a fibre end raises LOS with LINK_DOWN, uniform 0.4-1",
    "igp_prob": "chance a router end raises OSPF_NBR_DOWN, uniform 0.5-1",
    "bgp_prob": "chance a core/aggregation end raises BGP_PEER_DOWN, uniform 0.3-1",
    "bfd": "fast failure detection (protocol alarms within a second), true with chance 0.5",
    "igp_dead_s": "OSPF dead interval without BFD, one of 40, 120",
    "bgp_hold_s": "BGP hold time without BFD, one of 90, 180",
    "oss_feed": "the radio OSS reports CELL_OUTAGE for cut-off base stations, true with chance 0.6",
    "clear_prob": "chance a recovery is reported by a cleared alarm, uniform 0.5-1",
    "background_rate": "background alarm episodes per element-hour, uniform 0.2-0.6, times noise",
    "flappers": "mean number of unrelated links flapping around the fault, uniform 0.2-2, times noise",
    "anomaly_rate": "telemetry spikes per 100 element-hours, uniform 1-6, times noise",
    "metric_noise": "log-normal noise of link loads, uniform 0.04-0.15",
    "util_gauge": "utilisation is read at an instant (a flapping link reads 0 inside a down spell) or averaged "
    "over the poll interval (it loses the down share), chance 0.5 each",
    "missing_rate": "share of telemetry samples missing at random, uniform 0-0.02",
    "collector_gap_prob": "chance the collector misses a 10-40 min stretch of 30-100 % of the series, "
    "0.3 times noise (at most 1)",
    "queue_ms": "queueing delay scale, uniform 0.5-1.5",
    "buffer_ms": "extra delay of a full buffer, uniform 20-100",
    "util_threshold": "HIGH_UTILIZATION threshold in percent, uniform 80-92",
    "cpu_threshold": "HIGH_CPU threshold in percent, uniform 80-90",
    "latency_threshold_ms": "SLA_LATENCY_HIGH budget over a cell's normal delay, uniform 15-40",
    "vocabulary": "alarm names: generic (default), vendor_a, vendor_b or mixed",
}


def _draw_knobs(rng: np.random.Generator, noise: float, given: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(given) - set(KNOBS))
    if unknown:
        raise TypeError(f"unknown simulation knob(s) {unknown}; known knobs are {sorted(KNOBS)}")
    u = rng.uniform
    k: dict[str, Any] = {
        "pre_s": u(900, 2400),
        "post_s": u(1200, 2700),
        "root_spread_s": u(0, 600),
        "poll_period_s": float(rng.choice([60, 120, 180, 300])),
        "poll_phase_s": u(0, 1),
        "missed_polls": int(rng.integers(1, 4)),
        "sweep_s": u(1, 30),
        "metric_period_s": float(rng.choice([60, 120, 300], p=[0.25, 0.35, 0.4])),
        "skew_s": u(0.5, 5),
        "bad_clock_rate": u(0, 0.04),
        "loss_rate": u(0, 0.05),
        "dup_rate": u(0, 0.05),
        "delivery_delay_s": u(0.5, 20),
        "dying_gasp_prob": u(0.2, 0.9),
        "mains_alarm_prob": u(0.3, 0.9),
        "card_alarm_prob": u(0.5, 0.95),
        "inside_site_link_weight": 0.2,
        "los_prob": u(0.4, 1),
        "igp_prob": u(0.5, 1),
        "bgp_prob": u(0.3, 1),
        "bfd": bool(rng.random() < 0.5),
        "igp_dead_s": float(rng.choice([40, 120])),
        "bgp_hold_s": float(rng.choice([90, 180])),
        "oss_feed": bool(rng.random() < 0.6),
        "clear_prob": u(0.5, 1),
        "background_rate": u(0.2, 0.6) * noise,
        "flappers": u(0.2, 2) * noise,
        "anomaly_rate": u(1, 6) * noise,
        "metric_noise": u(0.04, 0.15),
        "missing_rate": u(0, 0.02),
        "collector_gap_prob": min(1.0, 0.3 * noise),
        "queue_ms": u(0.5, 1.5),
        "buffer_ms": u(20, 100),
        "util_threshold": u(80, 92),
        "cpu_threshold": u(80, 90),
        "latency_threshold_ms": u(15, 40),
        "vocabulary": "generic",
    }
    k.update(given)
    k["poll_phase_s"] = float(k["poll_phase_s"]) * (
        k["poll_period_s"] if "poll_phase_s" not in given else 1.0
    )
    check_vocabulary(k["vocabulary"])
    for name in (
        "loss_rate",
        "dup_rate",
        "bad_clock_rate",
        "missing_rate",
        "collector_gap_prob",
        "clear_prob",
        "dying_gasp_prob",
        "mains_alarm_prob",
        "card_alarm_prob",
        "los_prob",
        "igp_prob",
        "bgp_prob",
    ):
        if not 0.0 <= float(k[name]) <= 1.0:
            raise InputError(f"knob {name!r} must be a probability in [0, 1]; got {k[name]!r}")
    if not float(k["inside_site_link_weight"]) >= 0:
        raise InputError(
            f"knob 'inside_site_link_weight' must be at least 0; got {k['inside_site_link_weight']!r}"
        )
    for name in ("poll_period_s", "metric_period_s", "pre_s", "post_s"):
        if not float(k[name]) > 0:
            raise InputError(f"knob {name!r} must be positive; got {k[name]!r}")
    return k


class _FeedAlarmLog(AlarmLog):
    """An alarm log that writes the raw feed: delivery order, duplicates and all.

    ``frame`` is the validated view every analyser reads (sorted by time,
    exact duplicates dropped, as :func:`rca.read_incident` returns it);
    ``feed`` is what the NMS exported, and :meth:`write_csv` writes it.
    """

    def __init__(self, log: AlarmLog, feed: pd.DataFrame) -> None:
        super().__init__(log.frame, report=log.report, source=log.source)
        self.feed = feed

    def write_csv(self, path: str | Path) -> None:
        """Write the feed in delivery order, in the incident format (atomically)."""
        with atomic_open(path, newline="") as handle:
            self.feed.to_csv(handle, index=False)


def _faults_to_inject(fault: str | Sequence[str] | None, n_roots: int) -> list[str | None]:
    if isinstance(n_roots, bool) or not isinstance(n_roots, (int, np.integer)) or n_roots < 1:
        raise InputError(f"n_roots must be a positive integer; got {n_roots!r}")
    if fault is None or isinstance(fault, str):
        wanted: list[str | None] = [fault] * int(n_roots)
    else:
        wanted = list(fault)
        if len(wanted) != n_roots:
            wanted = [wanted[i % len(wanted)] for i in range(int(n_roots))]
    for f in wanted:
        if f is not None and f not in FAULT_TYPES:
            raise InputError(f"fault must be one of {FAULT_TYPES} or None; got {f!r}")
    return wanted


def make_incident(
    network: Topology | None = None,
    *,
    fault: str | Sequence[str] | None = None,
    n_roots: int = 1,
    size: str | int = "medium",
    noise: float = 1.0,
    random_state: int | np.random.Generator | None = None,
    name: str = "incident",
    **knobs: Any,
) -> Incident:
    """Simulate one incident with known root cause(s).

    Parameters
    ----------
    network : Topology, optional
        The network; by default a new one from :func:`make_network` of ``size``.
    fault : str or sequence of str, optional
        One of :data:`FAULT_TYPES` for every root, one per root, or None for
        a random fault type per root.
    n_roots : int, default 1
        Number of independent root causes.
    size : {"small", "medium", "large"} or int, default "medium"
        Size of the network made when ``network`` is None.
    noise : float, default 1.0
        Scales the background alarms, unrelated flapping links and telemetry
        spikes; 0 gives a clean incident (the feed is still imperfect unless
        ``loss_rate``, ``dup_rate``, ``skew_s``... are set to 0).
    random_state : int or numpy.random.Generator, optional
        Seed; the same seed gives the same incident, byte for byte.
    name : str, default "incident"
        The incident's name.
    **knobs
        Any of :data:`KNOBS` (e.g. ``loss_rate=0``, ``vocabulary="vendor_a"``,
        ``poll_period_s=300``); a knob not given is drawn per incident.

    Returns
    -------
    Incident
        With topology, alarms (``.alarms.frame`` sorted and de-duplicated;
        written as the raw feed), metrics and truth.

    Raises
    ------
    InputError
        A fault type the network cannot host, or a knob out of range.
    TypeError
        An unknown knob.

    Examples
    --------
    >>> inc = make_incident(fault="node_down", size="small", random_state=1)
    >>> [(r.kind, r.fault) for r in inc.truth.root_causes]
    [('node', 'node_down')]
    >>> len(inc.alarms) > 0, inc.metrics is not None
    (True, True)
    """
    rng = np.random.default_rng(random_state)
    wanted = _faults_to_inject(fault, n_roots)
    if noise < 0:
        raise InputError(f"noise must be >= 0; got {noise!r}")
    topo = network if network is not None else make_network(size, random_state=rng)
    if not isinstance(topo, Topology):
        raise TypeError(f"network must be a Topology; got {type(topo).__name__}")
    k = _draw_knobs(rng, float(noise), knobs)
    start = round(_EPOCH_2026 + float(rng.integers(0, 60 * 86400)), 0)
    fault_time = round(start + k["pre_s"], 3)
    roles = roles_of(topo)
    ctx = SimContext(
        topo, roles, rng, k, start, round(fault_time + k["post_s"], 3), fault_time, route(roles)
    )

    faults: list[Fault] = []
    taken: set[str] = set()
    for i, f in enumerate(wanted):
        t = fault_time if i == 0 else round(fault_time + rng.uniform(0, k["root_spread_s"]), 3)
        if f is None:
            choices = available_faults(ctx, taken)
            if not choices:
                raise InputError("the network has no entity left to inject another fault into")
            f = choices[int(rng.integers(len(choices)))]
        one = inject(ctx, f, t, taken)
        faults.append(one)
        for entity, kind in one.roots:
            taken.add(entity)
            if kind == "site":
                taken.update(topo.sites[entity])
            elif kind == "node" and topo.site_of(entity):
                taken.add(str(topo.site_of(entity)))

    timeline = Timeline(topo, [o for f in faults for o in f.outages])
    events = [e for f in faults for e in f.events]
    events += outage_alarms(ctx, timeline)
    metrics_frame, threshold_events = simulate_metrics(ctx, timeline, faults)
    events += threshold_events
    events += background_alarms(ctx)
    metrics_frame = telemetry_defects(ctx, metrics_frame)
    dialects = device_dialects(roles.ids, k["vocabulary"], rng)
    k["nms_dialect"] = "generic" if k["vocabulary"] == "mixed" else k["vocabulary"]
    feed = deliver(ctx, timeline, events, dialects)

    log = _FeedAlarmLog(AlarmLog.from_frame(feed, topology=topo, source=name), feed)
    metrics = Metrics.from_frame(metrics_frame, topology=topo, source=name)
    truth = Truth(
        tuple(
            RootCause(entity, kind, f.fault, to_iso(f.time))
            for f in faults
            for entity, kind in f.roots
        )
    )
    logger.debug("simulated %s: %s, %d alarms", name, [f.fault for f in faults], len(feed))
    return Incident(topo, log, metrics, truth, name=name)


def make_incidents(
    n: int,
    *,
    network: Topology | None = None,
    size: str | int = "medium",
    fault: str | Sequence[str] | None = None,
    n_roots: int = 1,
    noise: float = 1.0,
    random_state: int | np.random.Generator | None = None,
    progress: bool = False,
    **knobs: Any,
) -> Iterator[Incident]:
    """Simulate ``n`` incidents, each on a new network unless ``network`` is given.

    Incident ``i`` is named ``incident-0001``... and depends only on
    ``random_state`` and ``i``, so the same seed gives the same sequence.

    Examples
    --------
    >>> [inc.name for inc in make_incidents(2, size="small", random_state=0)]
    ['incident-0001', 'incident-0002']
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
        raise InputError(f"n must be a non-negative integer; got {n!r}")
    if isinstance(random_state, np.random.Generator):
        seeds = random_state.integers(0, 2**63 - 1, size=int(n)).tolist()
    else:
        seeds = np.random.SeedSequence(random_state).spawn(int(n))
    items = range(int(n))
    if progress:
        from tqdm.auto import tqdm

        items = tqdm(items, desc="simulating", unit="incident")
    for i in items:
        yield make_incident(
            network,
            fault=fault,
            n_roots=n_roots,
            size=size,
            noise=noise,
            random_state=np.random.default_rng(seeds[i]),
            name=f"incident-{i + 1:04d}",
            **knobs,
        )
