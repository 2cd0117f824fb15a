"""othersim: a second, independently written incident simulator.

Written apart from the twin (it imports nothing else from ``rca``): it
draws layered operator networks, injects faults, replays what an NMS would
show (port, routing, comm-lost, cell-outage, power, card, radio, CPU and SLA
alarms in one of three vendor vocabularies, with noise, clock skew, losses,
duplicates and late rows) and writes incident folders in the format of
``docs/incident-format.md``. Together with the twin it is the development
family of the rankers: the explain ranker's weights are learned on both,
and the benchmarks report them apart from a third, test-only family.

Examples
--------
>>> from rca.datasets.othersim import make_incident
>>> inc = make_incident("small", random_state=3)
>>> sorted(inc.truth["root_causes"][0])
['entity', 'fault', 'kind', 'time']
"""

from __future__ import annotations

from pathlib import Path

from ._faults import FAULT_TYPES
from ._incident import SimIncident, make_incident
from ._network import Network, make_network
from ._writer import write_incident

__all__ = [
    "FAULT_TYPES",
    "Network",
    "SimIncident",
    "generate_corpus",
    "make_incident",
    "make_network",
    "write_incident",
]


def generate_corpus(out: str | Path, n: int, *, size: str = "small", seed: int = 1) -> list[Path]:
    """Write ``n`` incident folders ``out/<size>-<seed>-<i>``.

    Incident i uses ``random_state=seed*100000+i`` and its first root has
    fault type ``FAULT_TYPES[i % 8]`` (uniform over the types, and balanced
    per-fault counts); a second root, when drawn, has a random type.
    """
    folders = []
    for i in range(n):
        inc = make_incident(
            size, random_state=seed * 100_000 + i, fault=FAULT_TYPES[i % len(FAULT_TYPES)]
        )
        folders.append(write_incident(inc, Path(out) / f"{size}-{seed}-{i:03d}"))
    return folders
