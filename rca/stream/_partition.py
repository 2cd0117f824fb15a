"""The partition key: which region an alarm belongs to, so that workers can split a network.

A large operator runs several ``rca watch`` workers, each on its share of
the network. The share is a *region*, and the partition key of an alarm is
the region of its ``device``:

* the ``region`` column of ``nodes.csv`` when it has one (an operator's
  own regions: the best choice);
* otherwise :func:`regions` derives them: the elements of the innermost
  layer (the core) are region ``core``; every other element belongs to the
  connected piece of the network that remains without the core, named
  after its first element in sorted order (``r-<node_id>``): an aggregation
  cluster with the access and radio sites behind it.

An alarm that names a link the topology knows goes with the link, not
its device: a link's region is that of its ends, and an uplink (one end in
the core, the other not) belongs to the region it serves. Both ends of a
cut uplink then report to one worker, which sees the fault whole (the core
router's LOS and the aggregation switch's LINK_DOWN on one link).

A producer writes each alarm to the stream ``<stream>:<region>``
(``rca replay --partition`` does); a worker reads the streams of its
regions (``rca watch --regions``). Alarms are cut into incidents by
topological proximity, so a fault inside a region is seen whole by its
worker. A fault on a region's edge (a core router, an uplink) raises alarms
in two regions, and each worker answers for the part it sees; regions cut
along the network's seams (aggregation clusters) keep those few.
"""

from __future__ import annotations

import networkx as nx

from ..topology import Topology

__all__ = ["CORE", "UNKNOWN", "partition_of", "regions"]

#: Region of the innermost layer when regions are derived.
CORE = "core"
#: Partition of an alarm whose device the topology does not know.
UNKNOWN = "unknown"


def regions(topology: Topology) -> dict[str, str]:
    """The region of every element (see the module docstring).

    Examples
    --------
    >>> import pandas as pd
    >>> topo = Topology.from_frames(
    ...     pd.DataFrame({"node_id": ["C1", "C2", "A1", "S1", "A2"],
    ...                   "layer": ["core", "core", "aggregation", "access", "aggregation"]}),
    ...     pd.DataFrame({"source": ["C1", "C1", "A1", "C2"], "target": ["C2", "A1", "S1", "A2"]}))
    >>> regions(topo)
    {'A1': 'r-A1', 'A2': 'r-A2', 'C1': 'core', 'C2': 'core', 'S1': 'r-A1'}
    """
    ids = topology.node_ids
    if "region" in topology.nodes.columns:
        given = dict(zip(ids, topology.nodes["region"].astype(object).tolist()))
        named = {n: str(r).strip() for n, r in given.items() if isinstance(r, str) and r.strip()}
        if len(named) == len(ids):
            return dict(sorted(named.items()))
    ranks = topology.layer_rank
    inner = min(ranks.values()) if ranks else 0
    core = {n for n, r in ranks.items() if r == inner} if len(set(ranks.values())) > 1 else set()
    out = {n: CORE for n in core}
    g = nx.Graph()
    g.add_nodes_from(n for n in ids if n not in core)
    for _, row in topology.links.iterrows():
        a, b = str(row["source"]), str(row["target"])
        if a not in core and b not in core:
            g.add_edge(a, b)
    for piece in nx.connected_components(g):
        name = f"r-{min(piece)}"
        for n in piece:
            out[n] = name
    if "region" in topology.nodes.columns:  # some elements have one: theirs wins
        for n, r in zip(ids, topology.nodes["region"].astype(object).tolist()):
            if isinstance(r, str) and r.strip():
                out[n] = r.strip()
    return dict(sorted(out.items()))


def partition_of(
    device: object,
    link_id: object,
    region_of: dict[str, str],
    link_ends: dict[str, tuple[str, str]] | None = None,
) -> str:
    """The partition key of one alarm (see the module docstring); ``unknown`` when it cannot be placed.

    The region of its link when ``link_id`` is a link of ``link_ends`` (an
    uplink's non-core end), else the region of its device.

    Examples
    --------
    >>> ends = {"L1": ("A1", "C1"), "L2": ("S1", "A1")}
    >>> region_of = {"A1": "r-A1", "S1": "r-A1", "C1": "core"}
    >>> partition_of("C1", "L1", region_of, ends), partition_of("C1", None, region_of, ends)
    ('r-A1', 'core')
    >>> partition_of("X9", "L2", region_of, ends), partition_of("X9", None, region_of)
    ('r-A1', 'unknown')
    """
    if link_ends and isinstance(link_id, str) and link_id in link_ends:
        known = [region_of[e] for e in link_ends[link_id] if e in region_of]
        outer = [r for r in known if r != CORE]
        if outer or known:
            return (outer or known)[0]
    if isinstance(device, str) and device in region_of:
        return region_of[device]
    return UNKNOWN
