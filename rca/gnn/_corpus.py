"""Training samples for the failure GNN, from twin cascades.

- :func:`localisation_sample`: an incident's observed graph, labelled with
  its root entities (and their fault types).
- :func:`propagation_sample`: a single-root incident as a hypothesis graph,
  labelled with which elements showed symptoms and when.
- :func:`twin_incidents`: incidents with widely randomised networks (sizes,
  Topology Zoo cores), alarm vocabularies, knobs, noise and root counts.
- :func:`othersim_incidents`: incidents of the independently written
  :mod:`rca.datasets.othersim` (its own shapes, vocabularies and noise),
  read back from their folders as a real export would be.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from torch_geometric.data import Data

from rca._time import parse_timestamps
from rca.datasets import FAULT_TYPES, VOCABULARIES, make_incident, make_network
from rca.errors import InputError
from rca.gnn._graph_data import entity_index, failure_graph
from rca.incident import Incident, Truth

__all__ = [
    "localisation_sample",
    "propagation_sample",
    "twin_incidents",
    "othersim_incidents",
    "zoo_cores",
]

logger = logging.getLogger(__name__)

_SYMPTOM_WINDOW = (-2700.0, 1800.0)  # around the fault time: mains warnings before, NMS polls after
_VOCABULARIES = (*sorted(VOCABULARIES), "mixed")


def _fault_time(incident: Incident) -> float:
    times = [r.time for r in _check_truth(incident).root_causes if r.time]
    if not times:
        return float("nan")
    secs, _ = parse_timestamps(pd.Series(times))
    return float(np.nanmin(secs))


def _check_truth(incident: Incident) -> Truth:
    if incident.truth is None or not incident.truth.root_causes:
        raise InputError(f"incident {incident.name!r} has no truth: training needs its root causes")
    return incident.truth


def _strip(data: Data) -> Data:
    del data.entity_ids
    del data.onset
    return data


def localisation_sample(incident: Incident) -> Data:
    """The observed graph of an incident, labelled with its roots.

    Adds ``y_root`` (each true root ``1 / n_roots``, else 0), ``y_fault``
    (the root's fault type index in :data:`rca.datasets.FAULT_TYPES`, else
    -1), and NaN ``y_symptom`` / ``y_delay``.

    Raises
    ------
    rca.errors.InputError
        The incident has no truth, or a root is not in its topology.
    """
    _check_truth(incident)
    data = failure_graph(incident.topology, incident.alarms, incident.metrics)
    n = data.num_nodes
    idx = entity_index(incident.topology)
    y_root = torch.zeros(n)
    y_fault = torch.full((n,), -1, dtype=torch.long)
    roots = _check_truth(incident).root_causes
    for r in roots:
        if r.entity not in idx._pos:
            raise InputError(
                f"incident {incident.name!r}: root {r.entity!r} is not in the topology",
                node=r.entity,
            )
        p = idx.position(r.entity)
        y_root[p] += 1.0 / len(roots)
        if r.fault in FAULT_TYPES:
            y_fault[p] = FAULT_TYPES.index(r.fault)
    data.y_root = y_root
    data.y_fault = y_fault
    data.y_symptom = torch.full((n,), float("nan"))
    data.y_delay = torch.full((n,), float("nan"))
    return _strip(data)


def propagation_sample(incident: Incident) -> Data:
    """A single-root incident as a fault hypothesis with its observed footprint.

    Adds ``y_symptom`` (1 for an element that raised, or was the subject of,
    an alarm within 45 min before to 30 min after the fault; 0 for other
    elements; NaN for links and sites) and ``y_delay`` (log1p seconds from
    the fault to that first alarm, NaN without one). Use noise-free
    incidents (``noise=0``), else background alarms count as symptoms.

    Raises
    ------
    rca.errors.InputError
        The incident has no truth or more than one root.
    """
    roots = _check_truth(incident).root_causes
    if len(roots) != 1:
        raise InputError(
            f"incident {incident.name!r}: a propagation sample needs exactly one root, "
            f"found {len(roots)}"
        )
    root = roots[0]
    data = failure_graph(incident.topology, hypothesis=(str(root.fault), root.entity))
    idx = entity_index(incident.topology)
    t_fault = _fault_time(incident)
    frame = incident.alarms.frame
    rel = frame["time"].to_numpy(dtype=np.float64) - t_fault
    inside = (rel >= _SYMPTOM_WINDOW[0]) & (rel <= _SYMPTOM_WINDOW[1])
    first: dict[str, float] = {}
    for dev, r in zip(frame["device"].astype(object).to_numpy()[inside], rel[inside]):
        first[str(dev)] = min(first.get(str(dev), np.inf), float(r))
    n = data.num_nodes
    y_sym = torch.full((n,), float("nan"))
    y_delay = torch.full((n,), float("nan"))
    y_sym[: idx.n_nodes] = 0.0
    for dev, r in first.items():
        p = idx._pos.get(dev)
        if p is not None and p < idx.n_nodes:
            y_sym[p] = 1.0
            y_delay[p] = float(np.log1p(max(r, 0.0)))
    data.y_symptom = y_sym
    data.y_delay = y_delay
    data.y_root = torch.full((n,), float("nan"))
    data.y_fault = torch.full((n,), -1, dtype=torch.long)
    return _strip(data)


def zoo_cores(root: str | Path | None = None, *, max_nodes: int = 40) -> list[Path]:
    """Topology Zoo GraphML files with at most ``max_nodes`` nodes (empty when the folder is absent)."""
    from rca.datasets._loaders import topology_zoo_root

    folder = topology_zoo_root(root)
    if not folder.is_dir():
        return []
    out = []
    for path in sorted(folder.glob("*.graphml")):
        text = path.read_text(errors="replace")
        if 4 <= text.count("<node ") <= max_nodes:
            out.append(path)
    return out


def twin_incidents(
    n: int,
    *,
    random_state: int,
    sizes: Sequence[tuple[str | int, float]] = (("small", 0.6), (120, 0.2), ("medium", 0.1)),
    zoo_share: float = 0.1,
    zoo: Sequence[Path] = (),
    noise: tuple[float, float] = (0.3, 2.0),
    roots: Sequence[float] = (0.6, 0.3, 0.1),
    single_fault_noise_free: bool = False,
) -> Iterator[Incident]:
    """Twin incidents with randomised networks, vocabularies, knobs, noise and root counts.

    Parameters
    ----------
    n : int
        Incidents to yield (a draw the twin cannot host is redrawn).
    random_state : int
        Seed; incident ``i`` depends only on it and ``i``.
    sizes : sequence of (size, weight)
        Network sizes of :func:`rca.datasets.make_network` and their weights.
    zoo_share : float, default 0.1
        Share of networks grown around a Topology Zoo core from ``zoo``.
    zoo : sequence of Path
        GraphML cores (see :func:`zoo_cores`).
    noise : (low, high)
        Background noise scale, uniform.
    roots : sequence of float
        Probability of 1, 2, 3... independent roots.
    single_fault_noise_free : bool, default False
        One root and ``noise=0`` (for propagation labels).
    """
    seeds = np.random.SeedSequence(random_state).spawn(int(n))
    size_names = [s for s, _ in sizes]
    size_p = np.asarray([w for _, w in sizes], dtype=float)
    size_p /= size_p.sum()
    root_p = np.asarray(roots, dtype=float) / np.sum(roots)
    for i in range(int(n)):
        rng = np.random.default_rng(seeds[i])
        for _attempt in range(5):
            if zoo and rng.random() < zoo_share:
                core = zoo[int(rng.integers(len(zoo)))]
                target = int(rng.integers(80, 200))
                try:
                    net = make_network(target, core=core, random_state=rng)
                except (InputError, ValueError) as exc:  # a core the builder cannot grow from
                    logger.debug("skipping core %s: %s", core, exc)
                    continue
            else:
                net = make_network(
                    size_names[int(rng.choice(len(size_names), p=size_p))], random_state=rng
                )
            n_roots = 1 if single_fault_noise_free else int(rng.choice(len(root_p), p=root_p)) + 1
            level = 0.0 if single_fault_noise_free else float(rng.uniform(*noise))
            vocab = _VOCABULARIES[int(rng.integers(len(_VOCABULARIES)))]
            try:
                yield make_incident(
                    net,
                    n_roots=n_roots,
                    noise=level,
                    random_state=rng,
                    vocabulary=vocab,
                    name=f"twin-{random_state}-{i:05d}",
                )
                break
            except InputError as exc:  # e.g. no entity left for another root
                logger.debug("redrawing incident %d: %s", i, exc)


def othersim_incidents(n: int, *, random_state: int) -> Iterator[Incident]:
    """Incidents of :mod:`rca.datasets.othersim`: sizes small, medium and large, every fault type in turn.

    Incident ``i`` is ``othersim.make_incident(size, random_state=random_state + i)``, written to a
    temporary folder and read back with :func:`rca.read_incident` (its deliberate export defects are
    reported at debug level).
    """
    import tempfile

    from rca.datasets import othersim
    from rca.incident import read_incident

    sizes = ("small", "medium", "small", "medium", "large")
    quiet = logging.getLogger("rca")
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(int(n)):
            size = sizes[i % len(sizes)]
            fault = othersim.FAULT_TYPES[(i // len(sizes)) % len(othersim.FAULT_TYPES)]
            sim = othersim.make_incident(size, random_state=int(random_state) + i, fault=fault)
            folder = othersim.write_incident(sim, Path(tmp) / f"othersim-{random_state}-{i:05d}")
            level = quiet.level
            quiet.setLevel(logging.ERROR)
            try:
                yield read_incident(folder)
            finally:
                quiet.setLevel(level)
