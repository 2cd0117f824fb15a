"""Shared records: a symptom (one alarm condition or event before the NMS
touches it) and the per-incident protocol and management constants."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = ["Sym", "Params", "draw_params", "Effects"]


@dataclass(slots=True)
class Sym:
    """A symptom as the network produces it, before delivery and rendering.

    Attributes
    ----------
    t : float
        True time (epoch seconds) at which the condition is declared.
    device : str
        Element the alarm is about (the ``device`` column).
    code : str
        Canonical symptom code, rendered per vendor by :mod:`fieldsim.vocab`.
    raiser : str or None
        Element whose own management channel carries the alarm; ``None``
        when the NMS/EMS itself raises it (polling, heartbeats).
    clear : bool
        True for the clear of an earlier raise with the same ``key``.
    link : str or None
        Link the alarm concerns (its port gives the interface name).
    ctx : dict
        Extra values for the message (peer, value, threshold, ...).
    origin : str
        ``"root0"``, ``"root1"`` or ``"bg"`` (diagnostics only, never written).
    event : bool
        True for one-shot events that are never cleared.
    maint : bool
        True when raised on an element under planned maintenance.
    """

    t: float
    device: str
    code: str
    raiser: str | None
    clear: bool = False
    link: str | None = None
    ctx: dict = field(default_factory=dict)
    origin: str = "bg"
    event: bool = False
    maint: bool = False

    @property
    def key(self) -> str:
        """Identity pairing a raise with its clear."""
        extra = self.ctx.get("peer") or self.ctx.get("cell") or self.ctx.get("item") or ""
        return f"{self.code}|{self.device}|{self.link or ''}|{extra}"


@dataclass
class Params:
    """Per-incident protocol timers and management-system behaviour."""

    igp_hold: float
    igp_hello: float
    igp_form: tuple[float, float]
    bgp_hold: float
    bgp_fast: bool
    ldp_hold: float
    pw_bfd: bool
    carrier_delay: float
    flap_limit: int
    ems_poll: dict[str, float]
    missed_polls: int
    ping: bool
    ping_poll: float
    s1_detect: tuple[float, float]


def draw_params(rng: np.random.Generator, igp: str) -> Params:
    """Draw the timers of one operator's configuration."""
    isis = igp == "isis"
    return Params(
        igp_hold=float(rng.choice([27.0, 30.0])) if isis else float(rng.choice([40.0, 40.0, 12.0])),
        igp_hello=9.0 if isis else 10.0,
        igp_form=(2.0, 12.0) if isis else (5.0, 40.0),
        bgp_hold=float(rng.choice([90.0, 180.0, 30.0], p=[0.5, 0.35, 0.15])),
        bgp_fast=bool(rng.random() < 0.35),
        ldp_hold=float(rng.choice([15.0, 30.0, 45.0])),
        pw_bfd=bool(rng.random() < 0.3),
        carrier_delay=float(rng.choice([0.0, 0.05, 0.5, 2.0])),
        flap_limit=int(rng.integers(3, 7)),
        ems_poll={
            v: float(rng.choice([60.0, 120.0, 180.0, 300.0]))
            for v in ("cisco", "juniper", "nokia", "huawei", "ericsson", "zte")
        },
        missed_polls=int(rng.integers(1, 4)),
        ping=bool(rng.random() < 0.4),
        ping_poll=float(rng.choice([60.0, 120.0, 300.0])),
        s1_detect=(10.0, float(rng.uniform(30, 90))),
    )


@dataclass
class Effects:
    """Changes to traffic and load that metrics must reflect.

    Attributes
    ----------
    surges : list of (link, start, end, factor, tag)
        Extra offered traffic on a link, as a multiple of its capacity.
    capacity : dict of link -> list of (time, factor)
        Piecewise-constant capacity factor (adaptive modulation on radio hops).
    cpu : list of (node, start, end, level, tag)
        CPU forced towards ``level`` percent.
    starve : list of (node, start, end, p_miss, tag)
        SNMP agent starved: polls missed with probability ``p_miss``.
    busy_nodes, busy_links : set of str
        Elements/links running hot in normal operation (background).
    """

    surges: list = field(default_factory=list)
    capacity: dict = field(default_factory=dict)
    cpu: list = field(default_factory=list)
    starve: list = field(default_factory=list)
    busy_nodes: set = field(default_factory=set)
    busy_links: set = field(default_factory=set)
