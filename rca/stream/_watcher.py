"""The watcher: live root-cause answers for the incidents of an alarm stream.

:class:`Watcher` is the transport-free core of ``rca watch``. It takes
batches of :class:`~rca.stream.Message` in stream order and returns, for
each batch, the answers to publish, the dead letters, and the messages that
may be acknowledged once those are stored (:class:`Outcome`).

Event time
----------
Everything is decided by the alarms' own timestamps, so a replay at any
speed gives the same incidents and the same answers as the live feed did:

* the *clock* is the latest alarm time seen. An alarm older than the clock
  (a skewed device clock, a slow path) is placed as if it came at the clock
  (counted as ``late``) and keeps its own time in the incident it joins;
* alarms are cut into incidents by :class:`rca.segment.Segmenter`, the
  segmentation of ``rca report``, fed one alarm at a time;
* an incident is ranked (:func:`rca.analyze`) as soon as it exists, then
  again when new alarms joined it, at most once per ``rank_every_s`` seconds
  of event time (longer for big incidents: ``rank_every_s`` per
  ``rank_scale`` alarms). An answer is published when the ranking (the first
  five candidates) or the top probability (to 0.01) or ``confident``
  changed: version 1, 2, ...;
* it *settles* when no alarm joined it for ``quiet_s`` seconds of event
  time: a final answer (``"final": true``), then it is dropped from memory
  and its alarms are acknowledged.

A wall-clock backstop covers a feed that goes silent: after ``timeout_s``
seconds without any message, the clock moves on with the wall clock from
the last alarm's time (finals then say ``"reason": "timeout"``).

Memory
------
What the watcher holds is bounded by event time, not by how long it runs:
the alarms of open incidents, of groups that may still become one (the
segmentation's ``late_window_s + flap_s``), the duplicate filter
(``dedupe_s``) and the metrics samples near open incidents. A flood only
makes those windows fuller: past ``max_held`` alarms, the oldest groups
that are no incident are dropped early (``shed``), and past that the
oldest open incident is settled early (``"reason": "memory"``). Both are
counted and logged; no alarm is dropped unaccounted.

Topology changes
----------------
:meth:`Watcher.set_topology` starts a new segmentation on the new graph.
The open incidents finish on the graph they started with: an alarm that
touches one of them (the same element or a neighbour, in the old graph)
still joins it; every other alarm goes to the new graph.
"""

from __future__ import annotations

import hashlib
import heapq
import logging
import math
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from typing import Any

import pandas as pd

from .._time import to_iso
from .._transaction import describe
from ..alarms import AlarmLog
from ..errors import MissingExtraError
from ..incident import Incident
from ..metrics import Metrics
from ..segment import Segmenter
from ..topology import Topology
from ._message import (
    Alarm,
    BadMessage,
    DeadLetter,
    Heartbeat,
    Message,
    Sample,
    read_record,
)

__all__ = ["Outcome", "PartitionedWatcher", "WatchStats", "Watcher"]

logger = logging.getLogger(__name__)

#: Candidates compared to decide whether an answer changed.
SIGNATURE_TOP = 5


@dataclass
class Outcome:
    """What one step of the watcher produced.

    Publish ``dead`` and ``answers`` first; acknowledge ``acks`` only once
    both are stored (see :mod:`rca.stream._base`).
    """

    answers: list[dict] = field(default_factory=list)
    dead: list[DeadLetter] = field(default_factory=list)
    acks: list[Message] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.answers or self.dead or self.acks)


@dataclass
class WatchStats:
    """Counters of a watcher (every message is in exactly one of the first group).

    Attributes
    ----------
    messages : int
        Messages read.
    alarms, samples, heartbeats : int
        Alarms, metrics samples and heartbeats taken.
    bad : int
        Messages sent to the dead letters (``bad_reasons`` by reason).
    duplicates : int
        Alarms or samples equal to one taken within ``dedupe_s`` seconds.
    late : int
        Alarms older than the clock when they came (placed at the clock).
    background : int
        Alarms acknowledged without being in an answer: clears of nothing
        open, groups that became no incident.
    shed : int
        Of those, alarms of groups dropped early because of ``max_held``.
    incidents, finals, answers, ranks, rank_errors : int
    held : int
        Alarms held now in groups.
    buffered : int
        Alarms held back now for reordering (``reorder_s``).
    open : int
        Open incidents now.
    """

    messages: int = 0
    alarms: int = 0
    samples: int = 0
    heartbeats: int = 0
    bad: int = 0
    duplicates: int = 0
    late: int = 0
    background: int = 0
    shed: int = 0
    incidents: int = 0
    finals: int = 0
    answers: int = 0
    ranks: int = 0
    rank_errors: int = 0
    rank_seconds: float = 0.0
    held: int = 0
    buffered: int = 0
    open: int = 0
    topologies: int = 1
    bad_reasons: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}


class _Record:
    """An alarm held while its group may still be, or is, an open incident."""

    __slots__ = ("ack", "alarm_type", "device", "extra", "link_id", "message", "severity", "time")

    def __init__(self, a: Alarm, device: str, link_id: str | None, ack: Message) -> None:
        self.time = a.time
        self.device = device
        self.alarm_type = a.alarm_type
        self.severity = a.severity
        self.link_id = link_id
        self.message = a.message
        self.extra = a.extra
        self.ack = ack


class _Open:
    """An incident the watcher is answering."""

    __slots__ = (
        "answer",
        "closed",
        "dirty",
        "epoch",
        "incident_id",
        "last_rank",
        "n",
        "position",
        "rank_due",
        "seg_id",
        "signature",
        "version",
    )

    def __init__(self, seg_id: str, incident_id: str, epoch: _Epoch) -> None:
        self.seg_id = seg_id
        self.incident_id = incident_id
        self.epoch = epoch
        self.version = 0
        self.signature: tuple | None = None
        self.last_rank: float | None = None
        self.rank_due: float | None = None
        self.dirty = True
        self.answer: dict | None = None
        self.position = ""
        self.closed = False
        self.n = 0  # alarms in it, as of the last ranking and the alarms since


class _Epoch:
    """One topology and the segmentation running on it."""

    def __init__(self, number: int, topology: Topology, params: dict, name: str) -> None:
        self.number = number
        self.topology = topology
        self.seg = Segmenter(topology, name=f"{name}.{number}", **params)
        self.records: dict[int, _Record] = {}
        self.rows = 0
        self.open: dict[str, _Open] = {}
        self.retired = False
        self.near: set[str] = set()
        self.nodes = frozenset(topology.node_ids)
        self.links = frozenset(str(x) for x in topology.links.index)
        self.by_label: dict[str, str] = {}
        if "label" in topology.nodes.columns:
            seen: dict[str, list[str]] = {}
            for node, label in zip(
                topology.node_ids, topology.nodes["label"].astype(object).tolist()
            ):
                if isinstance(label, str) and label.strip():
                    seen.setdefault(label.strip(), []).append(node)
            self.by_label = {k: v[0] for k, v in seen.items() if len(v) == 1}

    def place(self, device: str, link_id: str | None) -> tuple[str, str | None, bool]:
        """The device and link as this topology names them, and whether the alarm can be placed."""
        if device not in self.nodes and device in self.by_label:
            device = self.by_label[device]
        if link_id is not None and link_id not in self.links:
            a, sep, b = link_id.partition("--")
            if sep and f"{b}--{a}" in self.links:
                link_id = f"{b}--{a}"
        return (
            device,
            link_id,
            device in self.nodes or (link_id is not None and link_id in self.links),
        )

    def footprint(self, device: str, link_id: str | None) -> list[str]:
        foot = [device] if device in self.nodes else []
        if link_id is not None and self.topology.has_link(link_id):
            foot += list(self.topology.link_endpoints(link_id))
        return foot

    def update_near(self) -> None:
        """Elements one hop from the open incidents' elements (routing while retired)."""
        near: set[str] = set()
        for o in self.open.values():
            seg = self.seg.segment(o.seg_id)
            if seg is None:
                continue
            for d in seg.devices:
                if d in self.nodes:
                    near.update(self.topology.hops_from(d, 1))
        self.near = near


class Watcher:
    """Live answers for the incidents of an alarm stream (the core of ``rca watch``).

    Parameters
    ----------
    topology : Topology
        The network; :meth:`set_topology` replaces it for new incidents.
    method : str, default "explain"
        The ranker (:data:`rca.analysis.METHODS`), called through
        :func:`rca.analyze`.
    knowledge : CausalGraph, optional
        A learned alarm causal graph, as for :func:`rca.analyze`.
    max_candidates : int, default 10
        Candidates in each answer.
    quiet_s : float, default 600
        An incident settles (final answer) after this many seconds of event
        time with no alarm joining it.
    rank_every_s : float, default 2
        Seconds of event time between two rankings of one incident.
    rank_scale : int, default 1000
        Above this many alarms, an incident is ranked less often
        (``rank_every_s * n / rank_scale``): ranking costs grow with it.
    timeout_s : float, default 60
        Wall-clock backstop: after this many seconds without any message,
        the clock moves on with the wall clock.
    dedupe_s : float, default 600
        An alarm equal in every field to one taken this recently (event
        time) is a duplicate (counted, acknowledged, not fed again).
    metrics_pad_s : float, default 600
        An incident is ranked with the samples from this long before its
        first alarm to after its last (as :meth:`rca.segment.Segmentation.incident`).
    max_held : int, default 1000000
        Most alarms held; see the module docstring.
    expire_every_s : float, default 60
        Seconds of event time between two sweeps for groups that can no
        longer become incidents.
    reorder_s : float, default 0
        Hold each alarm back until an alarm this many seconds younger came,
        and feed them in time order, as the batch reader does. Disorder
        within this window then cuts incidents exactly as ``rca report``
        does; it delays every answer by this much event time.
    positions : bool, default False
        Final answers also list ``positions``: the stream position of every
        alarm in the incident (which alarms make it; can be long).
    name : str, default "watch"
        Prefix of the incident ids.
    segment_params : dict, optional
        The constants of :class:`rca.segment.Segmenter` (``window_s``,
        ``late_window_s``, ``hops``, ``flap_s``, ``min_devices``).
    clock : callable, default time.monotonic
        The wall clock (seconds), for the backstop.

    Notes
    -----
    Incident ids are ``<name>-<onset, UTC>-<6 hex digits>``, made from the
    time and element of the incident's first alarm: a watcher restarted on
    the same unacknowledged alarms gives its incidents the same ids, so a
    consumer can drop repeats by ``(incident_id, version)``.

    Examples
    --------
    >>> import rca
    >>> from rca.datasets import make_incident
    >>> from rca.stream import Message
    >>> inc = make_incident(size="small", fault="node_down", noise=0.0, random_state=3)
    >>> w = Watcher(inc.topology, quiet_s=900)
    >>> rows = inc.alarms.to_frame(iso=False).drop(columns=["line"]).to_dict("records")
    >>> out = w.process([Message("alarms", str(i), r) for i, r in enumerate(rows)])
    >>> end = w.close(end_of_stream=True)
    >>> finals = [a for a in out.answers + end.answers if a["final"]]
    >>> [a["candidates"][0]["entity"] for a in finals] == [rca.analyze(inc).candidates[0].entity]
    True
    """

    def __init__(
        self,
        topology: Topology,
        *,
        method: str = "explain",
        knowledge: Any = None,
        max_candidates: int = 10,
        quiet_s: float = 600.0,
        rank_every_s: float = 2.0,
        rank_scale: int = 1000,
        timeout_s: float = 60.0,
        dedupe_s: float = 600.0,
        metrics_pad_s: float = 600.0,
        max_held: int = 1_000_000,
        expire_every_s: float = 60.0,
        reorder_s: float = 0.0,
        positions: bool = False,
        name: str = "watch",
        segment_params: dict | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        from ..analysis import METHODS

        if method not in METHODS:
            raise ValueError(
                f"unknown ranking method {method!r}; choose one of: {', '.join(METHODS)}"
            )
        for label, value in (
            ("quiet_s", quiet_s),
            ("rank_every_s", rank_every_s),
            ("timeout_s", timeout_s),
            ("dedupe_s", dedupe_s),
            ("metrics_pad_s", metrics_pad_s),
            ("expire_every_s", expire_every_s),
            ("reorder_s", reorder_s),
        ):
            if not (isinstance(value, (int, float)) and math.isfinite(value) and value >= 0):
                raise ValueError(f"{label} must be a finite number >= 0; got {value!r}")
        if int(max_held) < 1 or int(rank_scale) < 1 or int(max_candidates) < 1:
            raise ValueError("max_held, rank_scale and max_candidates must be >= 1")
        self.method = method
        self.knowledge = knowledge
        self.max_candidates = int(max_candidates)
        self.quiet_s = float(quiet_s)
        self.rank_every_s = float(rank_every_s)
        self.rank_scale = int(rank_scale)
        self.timeout_s = float(timeout_s)
        self.dedupe_s = float(dedupe_s)
        self.metrics_pad_s = float(metrics_pad_s)
        self.max_held = int(max_held)
        self.expire_every_s = float(expire_every_s)
        self.reorder_s = float(reorder_s)
        self.positions = bool(positions)
        self.name = name
        self.segment_params = dict(segment_params or {})
        self._wall = clock
        Segmenter(
            topology, **self.segment_params
        )  # check the constants now, not at the first alarm
        self._epochs: list[_Epoch] = [_Epoch(1, topology, self.segment_params, name)]
        self._clock = (
            -math.inf
        )  # event time: the latest alarm time seen (or moved on by the backstop)
        self._last_alarm = -math.inf  # the latest alarm time seen
        self._last_arrival: float | None = None
        self._dues: list[tuple[float, int, str, Any]] = []
        self._seq = 0
        self._seen: dict[tuple, float] = {}
        self._seen_order: deque[tuple[float, tuple]] = deque()
        self._samples: deque[tuple[float, str, str, float, Message]] = deque()
        self._buffer: list[
            tuple
        ] = []  # alarms held back for reordering (heap by time, then canonical order)
        self._position = ""
        self._reason = "quiet"
        self._out = Outcome()
        self._next_expire = -math.inf
        self._warned_shed = -math.inf
        self.stats = WatchStats()
        seg = self._epochs[0].seg
        self._late_horizon = seg.late_window_s + seg.flap_s

    # ------------------------------------------------------------ public
    @property
    def topology(self) -> Topology:
        """The graph new incidents start on."""
        return self._epochs[-1].topology

    @property
    def clock(self) -> float:
        """Event time now (epoch seconds; -inf before the first alarm)."""
        return self._clock

    @property
    def open_incidents(self) -> list[str]:
        """Ids of the incidents answered and not yet final."""
        return [o.incident_id for e in self._epochs for o in e.open.values()]

    def process(self, messages: Iterable[Message]) -> Outcome:
        """Take a batch of messages in stream order; what to publish and acknowledge.

        A message that cannot be used is a dead letter (with its reason and
        position) and never stops the batch.
        """
        n = 0
        for m in messages:
            n += 1
            self.stats.messages += 1
            try:
                record = read_record(m)
                if isinstance(record, Sample):
                    self._take_sample(record, m)
                elif isinstance(record, Heartbeat):
                    self._take_heartbeat(record, m)
                else:
                    self._take_alarm(record, m)
            except BadMessage as exc:
                self._dead(m, exc.reason, str(exc))
        if n:
            self._last_arrival = self._wall()
        self._reason = "quiet"
        self._advance_to(self._clock)
        return self._flush()

    def tick(self) -> Outcome:
        """The wall-clock backstop: call when no message came for a while (cheap otherwise)."""
        if self._last_arrival is not None and math.isfinite(self._last_alarm):
            idle = self._wall() - self._last_arrival
            if idle >= self.timeout_s:
                target = self._last_alarm + idle - self.reorder_s
                self._reason = "timeout"
                self._unbuffer(target)
                if target > self._clock:
                    self._advance_to(target)
                self._reason = "quiet"
        return self._flush()

    def set_topology(self, topology: Topology) -> None:
        """Replace the graph for new incidents; the open ones finish on theirs."""
        old = self._epochs[-1]
        old.retired = True
        old.update_near()
        self._epochs.append(_Epoch(old.number + 1, topology, self.segment_params, self.name))
        self.stats.topologies += 1
        logger.info(
            "topology replaced (%d elements, %d links); %d open incident(s) finish on the previous one",
            topology.n_nodes,
            topology.n_links,
            len(old.open),
        )

    def close(self, *, end_of_stream: bool = False) -> Outcome:
        """Final answers for the open incidents.

        Parameters
        ----------
        end_of_stream : bool, default False
            True when the input has ended for good (a file read to its end,
            a closed pipe): as in a batch, raises never cleared count as
            lasting, so groups become incidents and are answered too
            (``"reason": "end_of_stream"``). False (a shutdown): only the
            incidents already open get a final answer (``"reason":
            "shutdown"``); alarms of other groups stay unacknowledged, for
            the next run to read again.
        """
        reason = "end_of_stream" if end_of_stream else "shutdown"
        if end_of_stream:
            self._unbuffer(math.inf)
        elif self._buffer:
            logger.warning(
                "%d alarms still held back for reordering were not taken; they stay unacknowledged "
                "for the next run",
                len(self._buffer),
            )
        at = self._clock if math.isfinite(self._clock) else 0.0
        if end_of_stream:
            for epoch in self._epochs:
                for seg in epoch.seg.close():
                    if seg.incident_id not in epoch.open:
                        self._changed(epoch, seg.incident_id, at)
        for epoch in list(self._epochs):
            for o in sorted(epoch.open.values(), key=lambda o: o.incident_id):
                if not o.closed:
                    self._finalize(o, reason, at)
            if end_of_stream:
                self._release(
                    epoch, epoch.seg.forget(stale=True, before=math.inf), reason="background"
                )
        if end_of_stream:
            self._prune_samples(math.inf)
            self._epochs = self._epochs[-1:]
        return self._flush()

    # ------------------------------------------------------------ intake
    def _dead(self, m: Message, reason: str, detail: str) -> None:
        self.stats.bad += 1
        self.stats.bad_reasons[reason] = self.stats.bad_reasons.get(reason, 0) + 1
        logger.warning("skipped the message at %s: %s", m.position, detail)
        self._out.dead.append(DeadLetter(m, reason, detail))
        self._out.acks.append(_slim(m))

    def _duplicate(self, key: tuple, t: float) -> bool:
        if key in self._seen:
            self.stats.duplicates += 1
            return True
        self._seen[key] = t
        self._seen_order.append((t, key))
        horizon = self._clock - self.dedupe_s
        while self._seen_order and self._seen_order[0][0] < horizon:
            _, old = self._seen_order.popleft()
            self._seen.pop(old, None)
        return False

    def _take_sample(self, s: Sample, m: Message) -> None:
        epoch = self._epochs[-1]
        if s.entity not in epoch.nodes and s.entity not in epoch.links:
            raise BadMessage(
                "unknown_entity",
                f"metrics entity {s.entity!r} is no element or link of the topology",
            )
        if self._duplicate(("metric", s.time, s.entity, s.metric), s.time):
            self._out.acks.append(_slim(m))
            return
        self.stats.samples += 1
        self._samples.append((s.time, s.entity, s.metric, s.value, _slim(m)))

    def _take_heartbeat(self, h: Heartbeat, m: Message) -> None:
        self.stats.heartbeats += 1
        self._last_alarm = max(self._last_alarm, h.time)
        self._unbuffer(h.time - self.reorder_s)
        self._advance_to(h.time - self.reorder_s)
        self._out.acks.append(_slim(m))

    def _take_alarm(self, a: Alarm, m: Message) -> None:
        epoch = self._epochs[-1]
        device, link_id, placeable = epoch.place(a.device, a.link_id)
        if not placeable:
            raise BadMessage(
                "unknown_device",
                f"device {a.device!r} is no element of the topology"
                + (f" and link {a.link_id!r} is no link of it" if a.link_id else ""),
            )
        if self._duplicate((a.time, device, a.alarm_type, a.severity, link_id, a.message), a.time):
            self._out.acks.append(_slim(m))
            return
        self.stats.alarms += 1
        self._last_alarm = max(self._last_alarm, a.time)
        if self.reorder_s <= 0:
            self._feed(a, device, link_id, _slim(m), m.position)
            return
        # held back up to reorder_s seconds, to be fed in time order (the order of the batch reader)
        self._seq += 1
        order = tuple(
            "" if v is None else "~" + v
            for v in (device, a.alarm_type, a.severity, link_id, a.message)
        )
        heapq.heappush(
            self._buffer, (a.time, order, self._seq, a, device, link_id, _slim(m), m.position)
        )
        self.stats.buffered += 1
        self._unbuffer(self._last_alarm - self.reorder_s)

    def _unbuffer(self, upto: float) -> None:
        """Feed the held-back alarms up to event time ``upto``, in time order."""
        while self._buffer and self._buffer[0][0] <= upto:
            _, _, _, a, device, link_id, ack, position = heapq.heappop(self._buffer)
            self.stats.buffered -= 1
            self._feed(a, device, link_id, ack, position)

    def _feed(
        self, a: Alarm, device: str, link_id: str | None, ack: Message, position: str
    ) -> None:
        """One alarm into the segmentation (at the clock if it is older)."""
        epoch = self._epochs[-1]
        t = a.time
        if t < self._clock:
            self.stats.late += 1
            t = self._clock
        self._advance_to(t)
        self._position = position
        target = self._route(epoch, device, link_id)
        row = target.rows
        target.rows += 1
        placed, inc = target.seg.add_alarm(t, device, a.alarm_type, a.severity, link_id, a.message)
        if not placed:  # a clear of nothing open: in no group, now or later
            self.stats.background += 1
            self._out.acks.append(ack)
            return
        target.records[row] = _Record(a, device, link_id, ack)
        self.stats.held += 1
        if inc is not None:
            self._changed(target, inc, t)
        if self.stats.held > self.max_held:
            self._relieve()

    def _route(self, current: _Epoch, device: str, link_id: str | None) -> _Epoch:
        """The retired epoch whose open incident the alarm touches, else the current one."""
        for epoch in self._epochs[:-1]:
            if epoch.open and epoch.near:
                foot = epoch.footprint(device, link_id)
                if any(n in epoch.near for n in foot):
                    return epoch
        return current

    # ------------------------------------------------------------ time
    def _push(self, t: float, kind: str, item: Any) -> None:
        self._seq += 1
        heapq.heappush(self._dues, (t, self._seq, kind, item))

    def _advance_to(self, t: float) -> None:
        """Everything due at or before event time ``t``, in time order."""
        if not math.isfinite(t):
            return
        if self._next_expire == -math.inf:
            self._next_expire = t + self.expire_every_s
        while True:
            # the earliest of: a group that may become an incident, a ranking or settling due, a sweep
            grow = min(self._epochs, key=lambda e: e.seg.next_advance)
            nexts = (
                grow.seg.next_advance,
                self._dues[0][0] if self._dues else math.inf,
                self._next_expire,
            )
            at = min(nexts)
            if at > t:
                break
            if at == nexts[0]:
                for inc in grow.seg.advance(at):
                    self._changed(grow, inc, at)
            elif at == nexts[1]:
                d, _, kind, item = heapq.heappop(self._dues)
                if kind == "rank":
                    self._due_rank(item, d)
                elif kind == "settle":
                    self._due_settle(item, d)
            else:
                self._next_expire = at + max(self.expire_every_s, 1e-3)
                self._expire(at)
        for epoch in self._epochs:
            epoch.seg.advance(t)
        self._clock = max(self._clock, t)

    def _interval(self, n: int) -> float:
        return self.rank_every_s * max(1.0, n / self.rank_scale)

    def _changed(self, epoch: _Epoch, seg_id: str, t: float) -> None:
        """Alarms joined (or made) incident ``seg_id`` at event time ``t``."""
        o = epoch.open.get(seg_id)
        if o is None:
            seg = epoch.seg.segment(seg_id)
            if seg is None or seg.incident_id != seg_id:
                return
            o = _Open(
                seg_id,
                _stable_id(self.name, seg.start, seg.devices[0] if seg.devices else ""),
                epoch,
            )
            epoch.open[seg_id] = o
            self.stats.incidents += 1
            self.stats.open += 1
            self._push(seg.end + self.quiet_s, "settle", o)
            if epoch.retired:
                epoch.update_near()
        if o.closed:
            return
        o.dirty = True
        o.position = self._position
        o.n += 1
        due = t if o.last_rank is None else max(t, o.last_rank + self._interval(o.n))
        if o.rank_due is None or due < o.rank_due:
            o.rank_due = due
            self._push(due, "rank", o)

    def _due_rank(self, o: _Open, d: float) -> None:
        if o.closed or o.rank_due != d:
            return
        o.rank_due = None
        if o.dirty:
            self._rank(o, d)

    def _due_settle(self, o: _Open, d: float) -> None:
        if o.closed:
            return
        seg = o.epoch.seg.segment(o.seg_id)
        if seg is None or seg.incident_id != o.seg_id:
            self._merged(o, seg.incident_id if seg is not None else None, d)
            return
        if seg.end + self.quiet_s <= d + 1e-9:
            self._finalize(o, self._reason, d)
        else:
            self._push(seg.end + self.quiet_s, "settle", o)

    # ------------------------------------------------------------ answers
    def _rank(self, o: _Open, at: float, *, final: bool = False, reason: str | None = None) -> None:
        """Rank incident ``o`` as it stands; publish when its answer changed (always when final)."""
        epoch = o.epoch
        seg = epoch.seg.segment(o.seg_id)
        if seg is None:
            return
        if seg.incident_id != o.seg_id:
            self._merged(o, seg.incident_id, at)
            return
        for other in seg.merged_from:
            absorbed = epoch.open.get(other)
            if absorbed is not None and absorbed is not o and not absorbed.closed:
                self._merged(absorbed, o.seg_id, at)
        records = [epoch.records[r] for r in seg.rows if r in epoch.records]
        o.n = len(records)
        o.last_rank = at
        o.dirty = False
        started = time.perf_counter()
        answer = self._answer(o, records, epoch.topology)
        self.stats.ranks += 1
        self.stats.rank_seconds += time.perf_counter() - started
        signature = _signature(answer)
        if final or signature != o.signature or o.answer is None:
            o.version += 1
            o.signature = signature
            answer["version"] = o.version
            answer["final"] = bool(final)
            answer["as_of"] = to_iso(at)
            if final:
                answer["reason"] = reason
                if self.positions:
                    answer["positions"] = [r.ack.position for r in records]
            o.answer = answer
            self._publish(answer)
        else:
            o.answer = answer

    def _answer(self, o: _Open, records: list[_Record], topology: Topology) -> dict:
        times = [r.time for r in records]
        head = {
            "incident": o.incident_id,
            "incident_id": o.incident_id,
            "version": 0,
            "final": False,
            "start": to_iso(min(times)) if times else None,
            "end": to_iso(max(times)) if times else None,
            "n_alarms": len(records),
            "position": o.position,
        }
        try:
            incident = self._incident(o.incident_id, records, topology, min(times), max(times))
            from ..analysis import analyze

            result = analyze(
                incident,
                method=self.method,
                knowledge=self.knowledge,
                max_candidates=self.max_candidates,
            )
        except MissingExtraError:
            raise
        except Exception as exc:  # one incident's failure never stops the stream
            self.stats.rank_errors += 1
            logger.error(
                "incident %s (as of %s) could not be ranked: %s",
                o.incident_id,
                o.position,
                describe(exc),
            )
            logger.debug("traceback", exc_info=exc)
            return {**head, "candidates": [], "confident": False, "error": describe(exc)}
        body = result.to_dict()
        body.pop("seconds", None)
        body.pop("incident", None)
        return {**head, **body}

    def _incident(
        self, name: str, records: list[_Record], topology: Topology, start: float, end: float
    ) -> Incident:
        """The incident to rank: its alarms and the samples around them, in the batch reader's order."""
        extra_cols: dict[str, None] = {}
        for r in records:
            for k, _ in r.extra:
                extra_cols.setdefault(k, None)
        extras = list(extra_cols)

        def text(
            v: object,
        ) -> str:  # canonical order: a missing cell first, then text (rca._tables)
            return "" if v is None else "~" + str(v)

        keyed: list[tuple[tuple, _Record, dict]] = []
        for r in records:
            ex = dict(r.extra) if r.extra else {}
            key = (
                r.time,
                text(r.device),
                text(r.alarm_type),
                text(r.severity),
                text(r.link_id),
                text(r.message),
                *(text(ex.get(k)) for k in extras),
            )
            keyed.append((key, r, ex))
        keyed.sort(key=lambda x: x[0])
        ordered = [x[1] for x in keyed]
        data: dict[str, list] = {
            "time": [r.time for r in ordered],
            "device": [r.device for r in ordered],
            "alarm_type": [r.alarm_type for r in ordered],
            "severity": [r.severity for r in ordered],
            "link_id": [r.link_id for r in ordered],
            "message": [r.message for r in ordered],
        }
        frame = pd.DataFrame(data)
        frame["line"] = pd.array([pd.NA] * len(ordered), dtype="Int64")
        for k in extras:
            frame[k] = [x[2].get(k) for x in keyed]
        log = AlarmLog(frame, source=name)
        metrics = None
        lo, hi = start - self.metrics_pad_s, end + self.metrics_pad_s
        samples = sorted((s[0], s[1], s[2], s[3]) for s in self._samples if lo <= s[0] <= hi)
        if samples:
            mf = pd.DataFrame(samples, columns=["time", "entity", "metric", "value"])
            mf["line"] = pd.array([pd.NA] * len(mf), dtype="Int64")
            metrics = Metrics(mf, source=name)
        return Incident(topology, log, metrics, None, name=name)

    def _publish(self, answer: dict) -> None:
        self.stats.answers += 1
        self._out.answers.append(answer)

    def _finalize(self, o: _Open, reason: str, at: float) -> None:
        """The final answer of ``o``; then it is forgotten and its alarms may be acknowledged."""
        if o.closed:
            return
        if o.dirty or o.answer is None:
            self._rank(o, at, final=True, reason=reason)
        else:
            o.version += 1
            answer = dict(o.answer, version=o.version, final=True, reason=reason, as_of=to_iso(at))
            if self.positions:
                seg = o.epoch.seg.segment(o.seg_id)
                answer["positions"] = [
                    o.epoch.records[r].ack.position
                    for r in (seg.rows if seg else ())
                    if r in o.epoch.records
                ]
            o.answer = answer
            self._publish(answer)
        if o.closed:  # merged while ranking
            return
        self._close(o)
        rows = o.epoch.seg.forget([o.seg_id], stale=False)
        self._release(o.epoch, rows, reason=None)
        self.stats.finals += 1
        if o.epoch.retired:
            o.epoch.update_near()

    def _merged(self, o: _Open, into_seg: str | None, at: float) -> None:
        """``o`` was merged into another incident: its last answer, final, names that one."""
        into = o.epoch.open.get(into_seg) if into_seg is not None else None
        if into is None and into_seg is not None:
            self._changed(o.epoch, into_seg, at)
            into = o.epoch.open.get(into_seg)
        if o.answer is not None:
            o.version += 1
            answer = dict(
                o.answer,
                version=o.version,
                final=True,
                reason="merged",
                as_of=to_iso(at),
                merged_into=into.incident_id if into is not None else None,
            )
            self._publish(answer)
        self._close(o)
        self.stats.finals += 1
        if into is not None:
            into.dirty = True
            if into.rank_due is None:
                into.rank_due = at
                self._push(at, "rank", into)

    def _close(self, o: _Open) -> None:
        o.closed = True
        o.epoch.open.pop(o.seg_id, None)
        self.stats.open -= 1

    def _release(self, epoch: _Epoch, rows: Iterable[int], *, reason: str | None) -> None:
        """Forget the records of ``rows``; acknowledge them (after this step's answers are stored)."""
        n = 0
        for r in rows:
            rec = epoch.records.pop(r, None)
            if rec is not None:
                self._out.acks.append(rec.ack)
                n += 1
        self.stats.held -= n
        if reason is not None:
            self.stats.background += n
            if reason == "shed":
                self.stats.shed += n

    def _expire(self, at: float) -> None:
        """Drop the groups that can no longer become incidents, and old samples; retire spent epochs."""
        for epoch in list(self._epochs):
            for inc in epoch.seg.advance(at):
                self._changed(epoch, inc, at)
            self._release(epoch, epoch.seg.forget(stale=True), reason="background")
            if epoch.retired and not epoch.open and epoch.seg.held == 0:
                self._epochs.remove(epoch)
        oldest = min(
            (_onset(o) for epoch in self._epochs for o in epoch.open.values()), default=math.inf
        )
        self._prune_samples(min(at - self._late_horizon, oldest) - self.metrics_pad_s)

    def _prune_samples(self, before: float) -> None:
        while self._samples and self._samples[0][0] < before:
            self._out.acks.append(self._samples.popleft()[4])

    def _relieve(self) -> None:
        """Too many alarms held: drop the oldest groups that are no incident, then settle the oldest incident."""
        now = self._clock
        for cut in (
            now - self._late_horizon / 2,
            now - self._epochs[-1].seg.window_s,
            now - 60.0,
            now,
        ):
            for epoch in self._epochs:
                self._release(epoch, epoch.seg.forget(stale=True, before=cut), reason="shed")
            if self.stats.held <= self.max_held * 0.9:
                break
        if now - self._warned_shed > 60:
            self._warned_shed = now
            logger.warning(
                "more than %d alarms held: groups that were no incident were dropped early "
                "(%d alarms so far); answers may miss late alarms",
                self.max_held,
                self.stats.shed,
            )
        while self.stats.held > self.max_held:
            opened = [o for e in self._epochs for o in e.open.values()]
            if not opened:
                break
            oldest = min(opened, key=lambda o: (_onset(o), o.incident_id))
            logger.warning(
                "more than %d alarms held: incident %s settled early",
                self.max_held,
                oldest.incident_id,
            )
            self._finalize(oldest, "memory", now)

    def _flush(self) -> Outcome:
        out, self._out = self._out, Outcome()
        return out


def _onset(o: _Open) -> float:
    """The first alarm time of an open incident (inf when its segmentation no longer knows it)."""
    seg = o.epoch.seg.segment(o.seg_id)
    return seg.start if seg is not None else math.inf


def _slim(m: Message) -> Message:
    """What acknowledging a message needs (its fields and text are not kept)."""
    return Message(m.source, m.offset, None, received=m.received)


def _stable_id(name: str, onset: float, device: str) -> str:
    stamp = (
        time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(onset)) if math.isfinite(onset) else "unknown"
    )
    digest = hashlib.blake2b(
        f"{onset!r}|{device}".encode("utf-8", "surrogatepass"), digest_size=3
    ).hexdigest()
    return f"{name}-{stamp}-{digest}"


def _signature(answer: dict) -> tuple:
    """What makes two answers different: the first candidates, the top probability, confident."""
    cands = answer.get("candidates") or []
    top = tuple((c.get("entity"), c.get("kind"), c.get("fault")) for c in cands[:SIGNATURE_TOP])
    p = round(float(cands[0].get("score", 0.0)), 2) if cands else None
    return top, p, bool(answer.get("confident")), answer.get("error")


class PartitionedWatcher:
    """One :class:`Watcher` per partition (a region's stream), behind the watcher's interface.

    Partitions are independent: each has its own event time (a region
    whose alarms come later does not make another's look late), its own
    incidents and memory. A message goes to the watcher of its
    ``Message.source``, made on first use by ``make()``.

    Parameters
    ----------
    make : callable
        Returns a new :class:`Watcher` (all with the same settings).
    """

    def __init__(self, make: Callable[[], Watcher]) -> None:
        self._make = make
        self._parts: dict[str, Watcher] = {}
        self._topology: Topology | None = None

    def _part(self, source: str) -> Watcher:
        w = self._parts.get(source)
        if w is None:
            w = self._parts[source] = self._make()
            if self._topology is not None:
                w.set_topology(self._topology)
        return w

    def process(self, messages: Iterable[Message]) -> Outcome:
        by_source: dict[str, list[Message]] = {}
        for m in messages:
            by_source.setdefault(m.source, []).append(m)
        return _merge(self._part(s).process(ms) for s, ms in by_source.items())

    def tick(self) -> Outcome:
        return _merge(w.tick() for w in self._parts.values())

    def close(self, *, end_of_stream: bool = False) -> Outcome:
        return _merge(w.close(end_of_stream=end_of_stream) for w in self._parts.values())

    def set_topology(self, topology: Topology) -> None:
        self._topology = topology
        for w in self._parts.values():
            w.set_topology(topology)

    @property
    def open_incidents(self) -> list[str]:
        return [i for w in self._parts.values() for i in w.open_incidents]

    @property
    def stats(self) -> WatchStats:
        """The counters of all partitions, added up."""
        total = WatchStats(topologies=0)
        for w in self._parts.values():
            for f in fields(WatchStats):
                if f.name == "bad_reasons":
                    for k, v in w.stats.bad_reasons.items():
                        total.bad_reasons[k] = total.bad_reasons.get(k, 0) + v
                else:
                    setattr(total, f.name, getattr(total, f.name) + getattr(w.stats, f.name))
        total.topologies = max((w.stats.topologies for w in self._parts.values()), default=1)
        return total


def _merge(outcomes: Iterable[Outcome]) -> Outcome:
    out = Outcome()
    for o in outcomes:
        out.answers += o.answers
        out.dead += o.dead
        out.acks += o.acks
    return out
