"""The records passed between fault injection, the NMS engine and the exporter."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Symptom:
    """One alarm before it is named by an NMS style.

    Attributes
    ----------
    time : float
        Epoch seconds at which the alarm is raised (or cleared).
    device : str
        The element that raises it, or that an NMS/OSS alarm is about.
    role : str
        Key into the vocabularies of :mod:`._vendors`.
    link_id : str or None
        The link the alarm is about, when it is about one.
    clear : bool
        A clear of an earlier raise.
    origin : {"device", "nms", "oss"}
        Who raises it. Device alarms reach the NMS only while the device is
        alive and reachable; NMS/OSS alarms always arrive.
    fields : dict
        Values for the message template.
    """

    time: float
    device: str
    role: str
    link_id: str | None = None
    clear: bool = False
    origin: str = "device"
    fields: dict = field(default_factory=dict)


@dataclass
class Change:
    """A state change: an element or a link goes down (``down=True``) or back up."""

    time: float
    kind: str  # "node" or "link"
    entity: str
    down: bool


@dataclass
class MetricEffect:
    """Override a metric of an entity with values drawn in ``[low, high]`` over a time span."""

    entity: str
    metric: str  # "util" or "cpu"
    start: float
    end: float
    low: float
    high: float


@dataclass
class Fault:
    """One injected root cause with everything it does to the network."""

    entity: str
    kind: str
    fault: str
    time: float
    changes: list[Change] = field(default_factory=list)
    symptoms: list[Symptom] = field(default_factory=list)
    effects: list[MetricEffect] = field(default_factory=list)
