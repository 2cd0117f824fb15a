"""fieldsim: a field-style incident generator (held-out test data only).

Simulates operator networks (IP/MPLS core on a Topology Zoo backbone,
metro aggregation rings, cell-site routers, microwave chains, OLTs,
business switches, RAN) failing and alarming through their management
systems, and writes incident folders in the project's interchange format.
See README.md in this folder for the model. No ranker constant may be
tuned on this family.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd

from .backbone import zoo_dir
from .background import add_background
from .events import Effects, draw_params
from .faults import FAULT_TYPES, FAULT_WEIGHTS, choose_entity, inject, involved, iso
from .metrics import export as export_metrics
from .metrics import simulate, tcas
from .network import build_network
from .noise import deliver, draw_config, to_frame
from .render import Renderer
from .state import Timeline
from .symptoms import derive
from .writer import inventory, write_incident

__all__ = ["FAULT_TYPES", "FieldIncident", "make_incident", "write_incident", "generate_corpus"]

_EPOCH_LO = datetime(2024, 1, 1, tzinfo=timezone.utc).timestamp()
_EPOCH_HI = datetime(2026, 6, 30, tzinfo=timezone.utc).timestamp()


@dataclass
class FieldIncident:
    """One generated incident.

    Attributes
    ----------
    nodes, links, alarms : DataFrame
        The tables of nodes.csv, links.csv and alarms.csv.
    metrics : DataFrame or None
        metrics.csv (long format), or ``None`` when the incident has none.
    truth : dict
        truth.json: ``root_causes`` plus a ``fieldsim`` block of metadata.
    origins : list of str
        Per alarm row: ``"root0"``, ``"root1"`` or ``"bg"``; diagnostics
        only, never written to disk.
    """

    nodes: pd.DataFrame
    links: pd.DataFrame
    alarms: pd.DataFrame
    metrics: pd.DataFrame | None
    truth: dict
    origins: list[str] = field(default_factory=list, repr=False)


def make_incident(
    size: str = "medium", random_state: int = 0, fault: str | None = None
) -> FieldIncident:
    """Generate one incident.

    Parameters
    ----------
    size : {"small", "medium", "large"}
        About 40-80, 150-400 or 1000-2500 network elements.
    random_state : int
        Seed; the incident is a pure function of ``(size, random_state, fault)``.
    fault : str, optional
        Force the first root's fault type (one of :data:`FAULT_TYPES`).

    Returns
    -------
    FieldIncident
    """
    if fault is not None and fault not in FAULT_TYPES:
        raise ValueError(f"fault must be one of {FAULT_TYPES}, got {fault!r}")
    rng = np.random.default_rng(random_state)
    net = build_network(size, rng, zoo_dir())
    w0 = float(np.floor(rng.uniform(_EPOCH_LO, _EPOCH_HI)))
    length = float(rng.uniform(20, 150)) * 60.0
    w1 = w0 + length
    cfg = draw_config(net, rng, w0, w1)
    params = draw_params(rng, net.igp)
    tl = Timeline(net, w0 - 6 * 86400.0, w1 + 900.0)
    eff = Effects()
    syms: list = []
    roots: list[dict] = []
    f1 = fault or str(rng.choice(FAULT_TYPES, p=FAULT_WEIGHTS / FAULT_WEIGHTS.sum()))
    t1 = w0 + float(rng.uniform(0.1, 0.7)) * length
    e1 = choose_entity(net, f1, rng, set())
    if e1 is None:
        raise RuntimeError(f"no eligible entity for {f1}")  # the builder guarantees one
    roots += inject(net, tl, f1, e1, t1, rng, "root0", syms, eff)
    avoid = involved(net, f1, e1)
    if rng.random() < 0.13:
        f2 = str(rng.choice(FAULT_TYPES, p=FAULT_WEIGHTS / FAULT_WEIGHTS.sum()))
        t2 = float(np.clip(t1 + rng.uniform(-300, 1200), w0 + 60, w1 - 120))
        e2 = choose_entity(net, f2, rng, avoid)
        if e2 is not None:
            roots += inject(net, tl, f2, e2, t2, rng, "root1", syms, eff)
            avoid |= involved(net, f2, e2)
    notes = add_background(net, tl, rng, w0, w1, cfg.skew, eff, syms, avoid)
    tl.finalize()
    syms += derive(net, tl, params, rng)
    series = simulate(net, tl, eff, rng, w0 - 1800.0, w1)
    syms += tcas(series, net, eff, rng)
    delivered = deliver(syms, net, tl, cfg, rng, w0, w1)
    alarms, origins = to_frame(delivered, Renderer(net, rng), net, cfg, rng)
    metrics, mnotes = export_metrics(series, net, tl, eff, rng, size, w0, w1)
    nodes, links, stale = inventory(net, rng)
    truth = {
        "root_causes": roots,
        "fieldsim": {
            "generator": "fieldsim",
            "version": 1,
            "size": size,
            "random_state": int(random_state),
            "backbone": net.backbone,
            "window": {"start": iso(w0), "end": iso(w1)},
            "n_elements": len(net.elements),
            "timestamp_style": cfg.ts_style,
            "stale_links": stale,
            "renamed_devices": dict(cfg.renamed),
            "metrics": mnotes,
            **notes,
        },
    }
    return FieldIncident(nodes, links, alarms, metrics, truth, origins)


def generate_corpus(out: str | Path, n: int, *, size: str = "medium", seed: int = 1) -> list[Path]:
    """Write ``n`` incidents to ``out/<size>-<seed>-<i:03d>``.

    Incident ``i`` uses ``random_state = seed * 100000 + i`` and its first
    root's fault cycles through :data:`FAULT_TYPES`, so per-fault counts
    are balanced.
    """
    out = Path(out)
    paths = []
    for i in range(n):
        inc = make_incident(size, seed * 100000 + i, FAULT_TYPES[i % len(FAULT_TYPES)])
        paths.append(write_incident(inc, out / f"{size}-{seed}-{i:03d}"))
    return paths
