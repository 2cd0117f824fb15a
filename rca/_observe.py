"""Observed symptoms of an incident, indexed for hypothesis scoring.

Alarms are reduced to *observations*: one per (element, role) or per
(element, link) for link alarms, carrying the first time it was seen and how
often it repeated (flapping). Metrics add anomaly and silence observations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ._telemetry import (
    change_points,
    full_scale,
    is_share,
    sampling_period,
    segment_medians,
    stopped_reporting,
)
from .incident import Incident
from .topology import Topology
from .vocabulary import CLEARED, alarm_role, cleared_type, metric_role

__all__ = ["Observation", "Observations", "incident_onset", "observe"]

# Weight of each observation role: how much a hypothesis gains by explaining it.
ROLE_WEIGHT = {
    "comm_lost": 1.0,
    "dying_gasp": 1.0,
    "restart": 1.0,
    "power": 1.0,
    "link": 1.0,
    "protocol": 0.5,
    "cpu": 1.0,
    "hardware": 1.0,
    "sla": 0.5,
    "service": 0.5,
    "other": 0.3,
    "silent": 0.7,
    "metric_load": 1.0,
    "metric_cpu": 1.0,
    "metric_sla": 0.5,
}
#: Weight kept by a symptom whose every raise cleared within TRANSIENT_S seconds.
TRANSIENT_FACTOR = 0.35
TRANSIENT_S = 600.0
#: Roles an element raises itself, so they show it was alive and reachable.
#: (Service and SLA alarms are often raised on an element's behalf by the OSS.)
ALIVE_ROLES = frozenset({"link", "protocol", "cpu", "hardware"})


@dataclass
class Observation:
    """One symptom: an element (or link) showing one role."""

    key: tuple
    entity: str  # the element (or link, for metric observations on links)
    role: str
    time: float  # first time seen
    count: int  # raised how many times
    weight: float
    link: str | None = None
    alarms: list = field(default_factory=list)  # (time, device, alarm_type, link_id)
    open: int = 0  # raises not (yet) cleared
    lasted: bool = False  # a raise stood longer than a transient before it cleared
    cleared: float | None = None  # when its last open raise cleared (None while one stands)
    level: float | None = None  # load/cpu metrics: the level reached, as a fraction of full
    saturated: bool = False  # load/cpu metrics: high throughout, not a rise
    clear_only: bool = False  # only its clear arrived (at ``time``): it was raised some time before
    types: set = field(default_factory=set)  # every alarm type seen in it


@dataclass
class Observations:
    """All observations of an incident with the indexes the scorer needs."""

    topology: Topology
    items: list[Observation]
    onset: float
    by_entity: dict[str, list[int]]
    by_link: dict[str, list[int]]
    alive_after: dict[str, list[float]]  # element -> times of alarms that prove it alive
    recovered: dict[str, list[float]]  # element -> times it sent a clear (it was up again then)
    has_comm_lost: bool
    unplaced: int = 0
    #: (entity, "load" | "cpu") -> the highest level a share-of-capacity series reached, in [0, 1]
    metric_peaks: dict[tuple[str, str], float] = field(default_factory=dict)
    #: metric role -> how many entities report a series of that role
    metric_entities: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.total_weight = float(sum(o.weight for o in self.items))


def incident_onset(
    times: np.ndarray, devices: np.ndarray | None = None, *, window: float = 300.0
) -> float:
    """The start of the densest burst of alarms: the first alarm of the ``window``-second stretch with the most devices.

    Parameters
    ----------
    times : numpy.ndarray
        Alarm times (epoch seconds).
    devices : numpy.ndarray, optional
        Device of each alarm; the window with most *distinct* devices wins
        (a single chatty device does not make an onset). Without it, counts.

    Returns
    -------
    float
        NaN when there are no alarms.

    Examples
    --------
    >>> import numpy as np
    >>> incident_onset(np.array([0.0, 5000.0, 5010.0, 5020.0, 9000.0]))
    5000.0
    """
    t = np.asarray(times, dtype=np.float64)
    if len(t) == 0:
        return float("nan")
    order = np.argsort(t, kind="stable")
    t = t[order]
    end = np.searchsorted(t, t + window, side="right")
    if devices is None:
        best = int(np.argmax(end - np.arange(len(t))))
        return float(t[best])
    codes = pd.factorize(np.asarray(devices, dtype=object)[order])[0]
    # distinct devices in [t_i, t_i + window): count first occurrences inside each window
    counts = np.empty(len(t), dtype=np.int64)
    step = max(1, len(t) // 2000)  # evaluate every step-th start on very long logs
    for i in range(0, len(t), step):
        counts[i] = len(np.unique(codes[i : end[i]]))
    if step > 1:
        counts[np.arange(len(t)) % step != 0] = -1
    return float(t[int(np.argmax(counts))])


_TOKEN_SPLIT = re.compile(r"[\s,;:()\[\]{}'\"=<>]+")


def _port_named_in(
    topo: Topology, device: str, message: str, cache: dict[str, dict[str, str | None]]
) -> str | None:
    """The link of a port alarm without ``link_id`` whose message names it or its far end.

    ``"port 2/0 to R7 down"`` on R3 is the link R3 - R7 when exactly one
    link joins them; a message naming no neighbour, or an ambiguous one,
    gives None.
    """
    names = cache.get(device)
    if names is None:
        names = {}
        for link in topo.incident_links(device):
            a, b = topo.link_endpoints(link)
            far = b if a == device else a
            for name in (link, far):
                names[name] = None if name in names and names[name] != link else link
        cache[device] = names
    found = {names[token] for token in _TOKEN_SPLIT.split(message) if token in names}
    return found.pop() if len(found) == 1 else None


def _port_links(
    topo: Topology, devices: list, link_ids: list, link_rows: list, messages: list
) -> list[str | None]:
    """The link each alarm is about (None when it cannot be told).

    Its ``link_id``; for a port alarm without one, the far end its message names
    (:func:`_port_named_in`); else a port name the log itself ties to one
    link. An export may give the link of a port alarm on some rows and leave
    it out on others from the same port (``"Port 1/1/0 down"``): a message
    token with a digit in it (``1/1/0``, ``GigabitEthernet0/1/1``) that only
    ever appears on one device with one link names that link.
    """
    link_set = set(topo.links.index)
    named: dict[str, dict[str, str | None]] = {}
    # port alarms with a message, on an element of the topology
    readable = [
        is_link and isinstance(msg, str) and dev in topo
        for dev, is_link, msg in zip(devices, link_rows, messages)
    ]
    direct = [
        lid if lid in link_set else _port_named_in(topo, dev, msg, named) if ok else None
        for dev, lid, ok, msg in zip(devices, link_ids, readable, messages)
    ]
    seen: dict[tuple[str, str], set[str]] = {}
    for dev, lid, ok, msg in zip(devices, direct, readable, messages):
        if lid is not None and ok:
            for token in set(_TOKEN_SPLIT.split(msg)):
                if len(token) >= 3 and any(ch.isdigit() for ch in token):
                    seen.setdefault((dev, token), set()).add(lid)
    learned = {key: next(iter(links)) for key, links in seen.items() if len(links) == 1}
    out = []
    for dev, lid, ok, msg in zip(devices, direct, readable, messages):
        if lid is None and ok:
            found = {
                learned[(dev, token)]
                for token in _TOKEN_SPLIT.split(msg)
                if (dev, token) in learned
            }
            lid = found.pop() if len(found) == 1 else None
        out.append(lid)
    return out


def _clear_times(clears: list[tuple]) -> dict[str, list[float]]:
    """Element -> the times of the clears it sent, sorted."""
    out: dict[str, list[float]] = {}
    for t, dev, *_ in clears:
        out.setdefault(dev, []).append(t)
    return {dev: sorted(times) for dev, times in out.items()}


def observe(incident: Incident) -> Observations:
    """Reduce an incident's alarms and metrics to observations."""
    topo = incident.topology
    frame = incident.alarms.frame
    node_set = set(topo.node_ids)
    link_set = set(topo.links.index)
    times = frame["time"].to_numpy(dtype="float64")
    onset = incident_onset(times, frame["device"].to_numpy())
    # the type decides; a type that says nothing (entConfigChange, a generic
    # trap) is read from its message ("module failed")
    types, messages = frame["alarm_type"].tolist(), frame["message"].tolist()
    roles = [alarm_role(t) for t in types]
    roles = [
        alarm_role(t, m) if r == "other" and isinstance(m, str) else r
        for r, t, m in zip(roles, types, messages)
    ]
    items: dict[tuple, Observation] = {}
    alive: dict[str, list[float]] = {}
    unplaced = 0
    clears: list[tuple[float, str, str, str | None, str]] = []
    repeats: dict[tuple, dict[str, int]] = {}
    raised: dict[tuple, list[tuple]] = {}  # condition -> (observation key, time) of open raises
    was_cleared: set[tuple] = set()  # (device, alarm_type, link) cleared at least once
    reraises: dict[tuple, int] = {}  # observation key -> raises after a clear (flapping)
    devices = frame["device"].tolist()
    cleared_types = [cleared_type(t) for t in types]
    link_rows = [
        (alarm_role(c) if c is not None else r) == "link" for c, r in zip(cleared_types, roles)
    ]
    port_links = _port_links(topo, devices, frame["link_id"].tolist(), link_rows, messages)
    for t, dev, atype, cleared, lid, role, sev in zip(
        times.tolist(), devices, types, cleared_types, port_links, roles, frame["severity"].tolist()
    ):
        if cleared is not None:  # a clear named by its type (LINK_UP, ..._CLEARED)
            atype, role, sev = cleared, alarm_role(cleared), "cleared"
        if dev not in node_set:
            if dev in link_set and topo.has_link(dev):  # an NMS alarm whose subject is a link
                lid, role = dev, ("link" if role in ("other", "comm_lost") else role)
                dev = topo.link_endpoints(dev)[0]
            else:
                unplaced += 1
                continue
        # a port's alarms (LOS, LINK_DOWN, LOF...) are one condition: any of
        # their clears brings the port back up
        cond = (dev, "link", lid) if role == "link" and lid else (dev, atype, lid)
        if isinstance(sev, str) and sev in CLEARED:
            clears.append((t, dev, atype, lid, role))
            pending = raised.get(cond)
            if pending:
                while pending:  # one clear ends every open raise of the condition
                    key, t_raise = pending.pop()
                    items[key].open -= 1
                    items[key].lasted |= t - t_raise > TRANSIENT_S
                    if items[key].open <= 0:
                        items[key].cleared = t
                was_cleared.add(cond)
            continue
        if role in ALIVE_ROLES:
            alive.setdefault(dev, []).append(t)
        key = (dev, role, lid) if role in ("link", "sla") and lid else (dev, role)
        obs = items.get(key)
        if obs is None:
            items[key] = Observation(
                key,
                dev,
                role,
                t,
                1,
                ROLE_WEIGHT[role],
                link=lid,
                alarms=[(t, dev, atype, lid)],
                types={atype},
            )
        else:
            obs.types.add(atype)
            obs.count += 1
            if len(obs.alarms) < 3:
                obs.alarms.append((t, dev, atype, lid))
        items[key].open += 1
        items[key].cleared = None
        raised.setdefault(cond, []).append((key, t))
        if cond in was_cleared:
            reraises[key] = reraises.get(key, 0) + 1
        per_type = repeats.setdefault(key, {})
        per_type[atype] = per_type.get(atype, 0) + 1
    # flapping: the same alarm raised again and again, or again after it
    # cleared, is weaker evidence of a root (re-sent duplicates are not flaps)
    for key, per_type in repeats.items():
        flaps = max(max(per_type.values()) - 2, 0) + 2 * reraises.get(key, 0)
        if flaps:
            items[key].weight = items[key].weight / (1.0 + 0.25 * flaps)
    # A condition that cleared on its own (a flap, a transient) is weaker
    # evidence of a root than one still standing; losing an element stays strong.
    for obs in items.values():
        if (
            obs.open <= 0
            and not obs.lasted
            and obs.role not in ("comm_lost", "dying_gasp", "restart", "power")
        ):
            obs.weight *= TRANSIENT_FACTOR
    for t, dev, atype, lid, role in clears:
        # A clear shows the element back at that time: recovery, which a
        # transient fault (a reboot, a fading hop) predicts, so it is no
        # contradiction. A clear whose raise never arrived still tells the condition happened.
        if role in ("comm_lost", "link"):
            key = (dev, role, lid) if role == "link" and lid else (dev, role)
            if key not in items:
                items[key] = Observation(
                    key,
                    dev,
                    role,
                    t,
                    1,
                    0.8 * ROLE_WEIGHT[role],
                    link=lid,
                    alarms=[(t, dev, f"{atype} (cleared)", lid)],
                    clear_only=True,
                    types={atype},
                )
    peaks: dict[tuple[str, str], float] = {}
    entities: dict[str, int] = {}
    if incident.metrics is not None and len(incident.metrics) > 0:
        if np.isnan(onset):
            onset = float(np.median(incident.metrics.frame["time"].to_numpy()))
        _metric_observations(
            incident.metrics.frame, onset, items, node_set, link_set, alive, peaks, entities
        )
    obs_list = list(items.values())
    by_entity: dict[str, list[int]] = {}
    by_link: dict[str, list[int]] = {}
    for i, o in enumerate(obs_list):
        by_entity.setdefault(o.entity, []).append(i)
        if o.link is not None:
            by_link.setdefault(o.link, []).append(i)
    return Observations(
        topology=topo,
        items=obs_list,
        onset=onset,
        by_entity=by_entity,
        by_link=by_link,
        alive_after={k: sorted(v) for k, v in alive.items()},
        recovered=_clear_times(clears),
        has_comm_lost=any(o.role == "comm_lost" for o in obs_list),
        unplaced=unplaced,
        metric_peaks=peaks,
        metric_entities=entities,
    )


def _metric_observations(
    metrics: pd.DataFrame,
    onset: float,
    items: dict,
    node_set: set,
    link_set: set,
    alive: dict[str, list[float]],
    peaks: dict[tuple[str, str], float],
    entities: dict[str, int],
) -> None:
    """Add metric anomalies (sudden rises, saturation) and silences (samples stop) to ``items``.

    Samples an element keeps sending after the onset prove it alive and
    reachable; they are added to ``alive``. Every series is summarised at
    once (:class:`_SeriesStats`); only those that show something are visited.
    The highest level each share-of-capacity load or CPU series reached goes
    to ``peaks`` (a CPU that never passed 40 % was not overloaded, whatever
    an alarm says), and the number of entities reporting each metric role
    to ``entities``.
    """
    metrics = metrics[metrics["entity"].isin(node_set | link_set)]
    if metrics.empty:
        return
    st = _SeriesStats(metrics, onset)
    for role in set(st.roles):
        entities[f"metric_{role}"] = len({e for e, r in zip(st.entity, st.roles) if r == role})
    for series in np.flatnonzero(st.share).tolist():
        if st.roles[series] in ("load", "cpu") and np.isfinite(st.peak_level[series]):
            key = (str(st.entity[series]), st.roles[series])
            peaks[key] = max(peaks.get(key, 0.0), float(st.peak_level[series]))
    is_node = np.asarray([e in node_set for e in st.entity], dtype=bool)
    for i in np.flatnonzero(st.keep_alive & is_node[st.group]).tolist():
        alive.setdefault(str(st.entity[st.group[i]]), []).append(float(st.times[i]))
    shows = st.silent | st.saturated | (st.strength > 0)
    for series in np.flatnonzero(shows).tolist():
        entity, metric, role = str(st.entity[series]), str(st.metric[series]), st.roles[series]
        if st.silent[series]:  # it reported before the onset, and stops well before the end
            key = (entity, "silent")
            if entity in node_set and key not in items:
                items[key] = Observation(
                    key,
                    entity,
                    "silent",
                    float(st.last_t[series] + st.period),
                    1,
                    ROLE_WEIGHT["silent"],
                )
            continue
        link = entity if entity in link_set else None
        if st.saturated[series]:
            _add(
                items,
                Observation(
                    (entity, f"metric_{role}"),
                    entity,
                    f"metric_{role}",
                    float(st.saturated_since[series]),
                    1,
                    ROLE_WEIGHT[f"metric_{role}"] * SATURATED_STRENGTH,
                    link=link,
                    level=float(st.median_level[series]),
                    saturated=True,
                    alarms=[
                        (
                            float(st.saturated_since[series]),
                            entity,
                            f"{metric}={st.median[series]:.3g} (saturated)",
                            None,
                        )
                    ],
                ),
            )
        if st.strength[series] > 0:
            onset_t, peak, base = (
                float(st.rise_t[series]),
                float(st.peak[series]),
                float(st.base[series]),
            )
            _add(
                items,
                Observation(
                    (entity, f"metric_{role}"),
                    entity,
                    f"metric_{role}",
                    onset_t,
                    1,
                    float(st.weight[series]),
                    link=link,
                    alarms=[(onset_t, entity, f"{metric}={peak:.3g} (baseline {base:.3g})", None)],
                    level=float(st.level[series]) if role in ("load", "cpu") else None,
                ),
            )


def _add(items: dict, obs: Observation) -> None:
    """Keep ``obs`` unless an observation with its key weighs at least as much."""
    old = items.get(obs.key)
    if old is None or old.weight < obs.weight:
        items[obs.key] = obs


#: Median level (share of full scale) at which a link or CPU is saturated for
#: the whole window: the overload began before the metrics do.
SATURATED_LEVEL = 0.9
#: Its symptom's strength: that of a link that became saturated (0.7), sustained
#: over the whole window (x1.5, as a rise that holds).
SATURATED_STRENGTH = 0.7 * 1.5


class _SeriesStats:
    """Per-series summaries of a metrics frame, computed for all series at once.

    A series is one (entity, metric). Its rise is read at its change point
    (the split where its mean rises most; the GNN features use the same
    splits): the median and median absolute deviation before, and the
    second-highest sample after (a sustained rise, not a one-sample spike).
    A load or CPU series whose median is at least :data:`SATURATED_LEVEL` of
    full scale is saturated even with no rise to find (the overload began
    before the metrics do).
    """

    def __init__(self, metrics: pd.DataFrame, onset: float) -> None:
        entity_codes, entities = pd.factorize(metrics["entity"])
        metric_codes, metric_names = pd.factorize(metrics["metric"])
        codes = entity_codes * len(metric_names) + metric_codes
        order = np.lexsort((metrics["time"].to_numpy(), codes))
        codes = codes[order]
        self.times = metrics["time"].to_numpy(dtype="float64")[order]
        values = metrics["value"].to_numpy(dtype="float64")[order]
        self.starts = np.flatnonzero(np.r_[True, np.diff(codes) != 0])
        self.stops = np.r_[self.starts[1:], len(codes)]
        self.group = np.repeat(np.arange(len(self.starts)), self.stops - self.starts)
        self.period = sampling_period(codes, self.times)
        self.entity = np.asarray(entities, dtype=object)[codes[self.starts] // len(metric_names)]
        self.metric = np.asarray(metric_names, dtype=object)[codes[self.starts] % len(metric_names)]
        self.roles = [metric_role(m) for m in self.metric]
        self._liveness(onset)
        self._saturation(values)
        self._rise(values)

    def _liveness(self, onset: float) -> None:
        """The first samples after the onset (proof of life) and series that went silent."""
        t, starts, group = self.times, self.starts, self.group
        window = (t > onset) & (t < onset + 900.0)
        seen = np.cumsum(window)
        seen -= np.r_[0, seen][starts][group]  # per-series count so far
        self.keep_alive = window & (seen <= 5)  # the first five samples after the onset
        n_before = np.add.reduceat((t < onset).astype(np.int64), starts)
        self.last_t = t[self.stops - 1]
        self.silent = np.asarray(
            stopped_reporting(n_before, self.last_t, float(t.max()), self.period, onset), dtype=bool
        )

    def _saturation(self, v: np.ndarray) -> None:
        """Median level of each series, and which load or CPU shares are saturated."""
        starts, group = self.starts, self.group
        role = np.asarray(self.roles, dtype=object)
        finite = np.isfinite(v)
        n_finite = np.add.reduceat(finite.astype(np.int64), starts)
        peak_all = np.maximum.reduceat(np.where(finite, v, -np.inf), starts)
        unit = full_scale(peak_all)
        high = finite & (v >= (SATURATED_LEVEL * unit)[group])
        n_high = np.add.reduceat(high.astype(np.int64), starts)
        # only a share of capacity can be saturated: a utilisation or CPU in [0, 1] or in
        # percent, not a rate in bps or packets
        share = is_share(self.metric, peak_all)
        self.share = share
        # the second-highest sample: one spike is no overload
        n = np.maximum(n_finite, 1)
        sorted_peak = np.where(finite, v, -np.inf)[
            np.lexsort((np.where(finite, v, -np.inf), group))
        ]
        second = sorted_peak[np.maximum(self.stops - 2, starts)]
        self.peak_level = np.where(n >= 2, second, peak_all) / unit
        loadlike = (role == "load") | (role == "cpu")
        lengths = self.stops - starts
        self.saturated = (
            loadlike & share & (lengths >= 3) & (n_finite >= 3) & (2 * n_high >= n_finite)
        )
        first_high = np.minimum.reduceat(np.where(high, np.arange(len(v)), len(v)), starts)
        self.saturated_since = self._earliest(np.minimum(first_high, len(v) - 1))
        sorted_finite = np.where(finite, v, np.inf)[
            np.lexsort((np.where(finite, v, np.inf), group))
        ]
        ok = n_finite > 0
        self.median = np.where(
            ok,
            segment_medians(sorted_finite, np.where(ok, starts, 0), np.maximum(n_finite, 1)),
            np.nan,
        )
        self.median_level = self.median / unit

    def _earliest(self, sample: np.ndarray) -> np.ndarray:
        """When the change first seen at each ``sample`` may have begun.

        After a gap in the telemetry (a collector outage, more than 1.5
        polling periods without a sample) the change may have begun anywhere
        in the gap: it is dated one period after the last sample before it.
        """
        t = self.times
        prev = np.maximum(sample - 1, 0)
        gap = (sample > self.starts[self.group[sample]]) & (t[sample] - t[prev] > 1.5 * self.period)
        return np.where(gap, t[prev] + self.period, t[sample])

    def _rise(self, v: np.ndarray) -> None:
        """The rise at each series' change point: its strength, time, peak, baseline and symptom weight.

        Non-finite samples never split a series.
        """
        starts, stops, group = self.starts, self.stops, self.group
        role = np.asarray(self.roles, dtype=object)
        finite = np.isfinite(v)
        last_before = change_points(group, starts, np.where(finite, v, 0.0), 1.0)
        last_before[np.unique(group[~finite])] = -1
        rises = (last_before >= 0) & (role != "other")
        split = np.where(rises, last_before + 1, stops)  # first sample after the split
        after = np.arange(len(v)) >= split[group]
        vals = np.where(finite, v, 0.0)
        seg = 2 * group + after  # contiguous: before, then after
        xs = vals[np.lexsort((vals, seg))]
        n_b = np.maximum(split - starts, 1)
        base = segment_medians(xs, starts, n_b)
        dev = np.abs(vals - base[group])
        ds = dev[np.lexsort((dev, seg))]
        spread = segment_medians(ds, starts, n_b) * 1.4826
        scale = np.maximum(np.maximum(spread, 0.05 * np.abs(base)), 1e-6)
        n_a = stops - split
        peak = xs[np.where(n_a >= 2, stops - 2, stops - 1)]
        per_unit = full_scale(np.maximum(xs[np.maximum(split - 1, starts)], xs[stops - 1]))
        z = (peak - base) / scale
        strength = np.clip((z - 4.0) / 6.0, 0.0, 1.0)
        level = peak / per_unit
        # an idle (backup) link that starts carrying traffic shows a rerouting,
        # not a congestion, unless the level itself is high
        is_load = role == "load"
        became_saturated = is_load & (level >= 0.8) & (base / per_unit < 0.7)
        idle = is_load & ~became_saturated & (base / per_unit < 0.02)
        strength = np.where(became_saturated, np.maximum(0.7, strength), strength)
        strength = np.where(idle, strength * level / 0.8, strength)
        self.strength = np.where(rises, strength, 0.0)
        rising = after & (vals > (base + 3 * scale)[group])
        first_rise = np.minimum.reduceat(np.where(rising, np.arange(len(v)), len(v)), starts)
        self.rise_t = self._earliest(
            np.where(first_rise < len(v), first_rise, np.minimum(split, len(v) - 1))
        )
        # a level shift that holds (saturation, runaway cpu) outweighs a blip
        loadlike = is_load | (role == "cpu")
        sustained = np.where(
            loadlike, np.add.reduceat(rising.astype(np.int64), starts) / np.maximum(n_a, 1), 0.0
        )
        role_weight = np.asarray([ROLE_WEIGHT.get(f"metric_{r}", 0.0) for r in self.roles])
        self.weight = role_weight * self.strength * (1.0 + 0.5 * sustained)
        self.peak, self.base, self.level = peak, base, level
