"""Reader for the Graph Neural Networking Challenge 2021 data set format.

A challenge folder holds ``graphs/`` (GML topologies whose nodes carry the
queue settings and whose edges carry the link bandwidths), ``routings/``
(one path per line, as node ids separated by ``;``) and one or more
``results_*.tar.gz`` tarballs. Each tarball holds, one simulated sample per
line, ``input_files.txt`` (which graph and routing the sample used),
``traffic.txt`` (the traffic matrix), ``simulationResults.txt`` (per-path
delay, jitter and losses) and ``linkUsage.txt`` (per-link utilisation and
queue occupancy).

The reader streams the tarballs (nothing is extracted to disk) and yields
one :class:`GnnetSample` per simulation. Units are those of the simulator:
bandwidths and traffic in bits per second, packet sizes in bits, delays in
seconds, queue sizes and occupancies in packets.
"""

from __future__ import annotations

import logging
import math
import re
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from rca.errors import InputError

from ._home import find_in_data_home

__all__ = [
    "GnnetSample",
    "load_gnnet",
    "find_gnnet_folders",
    "read_gnnet_graph",
    "read_gnnet_routing",
]

logger = logging.getLogger(__name__)

_RESULT_FILES = ("input_files.txt", "traffic.txt", "simulationResults.txt", "linkUsage.txt")

# Number of parameters after the code, for each inter-arrival time
# distribution of the simulator (code -> count); the first is always the
# equivalent rate in bits per second.
_TIME_DIST_PARAMS = {0: 3, 1: 2, 2: 3, 3: 3, 4: 5, 5: 4, 6: 1, 7: 1}
_TIME_DIST_NAMES = {
    0: "exponential",
    1: "deterministic",
    2: "uniform",
    3: "normal",
    4: "on-off",
    5: "ppbp",
    6: "trace",
    7: "external",
}
# Packet size distributions: code -> parameter count (None: the count is
# the second parameter, for the "generic" distribution of (size, probability)
# pairs). The first parameter is always the mean packet size in bits.
_SIZE_DIST_PARAMS: dict[int, int | None] = {0: 1, 1: 3, 2: 3, 3: None}
_SIZE_DIST_NAMES = {0: "deterministic", 1: "uniform", 2: "binomial", 3: "generic"}


@dataclass(frozen=True)
class GnnetSample:
    """One simulated network: topology, queues, routing, traffic and labels.

    Attributes
    ----------
    name : str
        ``<tarball>#<line>``, unique within a data set.
    graph : networkx.DiGraph
        Nodes are integer ids with ``queue_sizes`` (tuple of packets, one per
        QoS level), ``scheduling_policy`` and ``levels_qos``; edges carry
        ``capacity_bps``, ``port`` and ``weight``.
    links : pandas.DataFrame
        One row per directed link, indexed by ``link_id`` (``"s->t"``), in the
        order of the GML file. Columns ``source``, ``target`` (int),
        ``capacity_bps``, ``queue_size`` (packets, first QoS queue of the
        sending node), ``scheduling_policy`` and the labels ``utilization``
        (carried load over capacity), ``losses`` (fraction of packets lost),
        ``avg_packet_size`` (bits), ``occupancy`` (mean packets in the output
        port) and ``max_occupancy`` (NaN when unlabelled).
    paths : pandas.DataFrame
        One row per source-destination pair with traffic, in the routing
        file's order. Columns ``source``, ``target`` (int), ``nodes`` (tuple of
        node ids), ``traffic_bps``, ``packets_per_s``, ``avg_packet_size``
        (bits), ``tos``, ``time_dist``, ``size_dist`` and the labels
        ``delay`` (mean, seconds), ``jitter`` (delay variance) and ``loss``
        (fraction of generated packets dropped), NaN when unlabelled.
    graph_file, routing_file : str
        The files of ``graphs/`` and ``routings/`` the sample used.
    """

    name: str
    graph: nx.DiGraph = field(repr=False)
    links: pd.DataFrame = field(repr=False)
    paths: pd.DataFrame = field(repr=False)
    graph_file: str = ""
    routing_file: str = ""

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return self.graph.number_of_nodes()

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able summary (name, files and sizes)."""
        return {
            "name": self.name,
            "graph_file": self.graph_file,
            "routing_file": self.routing_file,
            "n_nodes": self.n_nodes,
            "n_links": len(self.links),
            "n_paths": len(self.paths),
        }


# ---------------------------------------------------------------------------
# GML


_GML_TOKEN = re.compile(r'\s*(?:(\[)|(\])|"([^"]*)"|([^\s\[\]"]+))')


def _gml_tokens(text: str, file: str) -> Iterator[tuple[str, Any, int]]:
    """Yield ``(kind, value, line)`` with kind in ``[ ] str atom``."""
    for lineno, raw in enumerate(text.splitlines(), start=1):
        pos = 0
        line = raw.rstrip()
        while pos < len(line):
            if line[pos:].lstrip().startswith("#"):
                break
            m = _GML_TOKEN.match(line, pos)
            if m is None or m.end() == pos:
                raise InputError(
                    f"unreadable GML at column {pos + 1}: {line[pos:]!r}", file=file, line=lineno
                )
            pos = m.end()
            if m.group(1):
                yield "[", None, lineno
            elif m.group(2):
                yield "]", None, lineno
            elif m.group(3) is not None:
                yield "str", m.group(3), lineno
            elif m.group(4):
                yield "atom", m.group(4), lineno


def _gml_parse(text: str, file: str) -> list[tuple[str, Any, int]]:
    """Parse GML into nested lists of ``(key, value, line)``."""
    stack: list[list[tuple[str, Any, int]]] = [[]]
    key: tuple[str, int] | None = None
    for kind, value, lineno in _gml_tokens(text, file):
        if key is None:
            if kind == "]":
                if len(stack) == 1:
                    raise InputError("unbalanced ']'", file=file, line=lineno)
                done = stack.pop()
                stack[-1][-1] = (stack[-1][-1][0], done, stack[-1][-1][2])
                continue
            if kind != "atom":
                raise InputError(f"expected a key, found {kind} {value!r}", file=file, line=lineno)
            key = (value, lineno)
            continue
        name, keyline = key
        key = None
        if kind == "[":
            stack[-1].append((name, None, keyline))
            stack.append([])
        elif kind == "str":
            stack[-1].append((name, value, keyline))
        elif kind == "atom":
            try:
                num: Any = int(value)
            except ValueError:
                try:
                    num = float(value)
                except ValueError:
                    raise InputError(
                        f"key {name!r}: expected a number or a quoted string, found {value!r}",
                        file=file,
                        line=lineno,
                    ) from None
            stack[-1].append((name, num, keyline))
        else:
            raise InputError(f"key {name!r} has no value", file=file, line=lineno)
    if len(stack) != 1 or key is not None:
        raise InputError("unexpected end of file (unclosed '[' or dangling key)", file=file)
    return stack[0]


def _queue_sizes(value: Any, file: str, line: int) -> tuple[int, ...]:
    try:
        sizes = tuple(int(float(v)) for v in str(value).split(","))
    except ValueError:
        raise InputError(
            f"queueSizes: expected comma-separated integers, found {value!r}", file=file, line=line
        ) from None
    if not sizes or min(sizes) <= 0:
        raise InputError(f"queueSizes must be positive, found {value!r}", file=file, line=line)
    return sizes


def read_gnnet_graph(path: str | Path) -> nx.DiGraph:
    """Read a challenge GML topology.

    Parameters
    ----------
    path : str or Path
        A file of ``graphs/``.

    Returns
    -------
    networkx.DiGraph
        Node attributes ``queue_sizes``, ``scheduling_policy``, ``levels_qos``;
        edge attributes ``capacity_bps``, ``port``, ``weight`` and ``line``
        (where the edge is defined in the file).

    Raises
    ------
    rca.errors.InputError
        The file is not valid GML, or a node or edge lacks a required field;
        the message names the file and line.
    """
    path = Path(path)
    file = str(path)
    try:
        text = path.read_text()
    except OSError as exc:
        raise InputError(f"cannot read graph: {exc}", file=file) from exc
    top = _gml_parse(text, file)
    graphs = [(v, ln) for k, v, ln in top if k == "graph"]
    if len(graphs) != 1 or not isinstance(graphs[0][0], list):
        raise InputError(f"expected one 'graph [ ... ]' block, found {len(graphs)}", file=file)
    g = nx.DiGraph()
    g.graph["file"] = file
    for key, value, line in graphs[0][0]:
        if key == "node":
            attrs = {k: v for k, v, _ in value}
            if "id" not in attrs:
                raise InputError("node without 'id'", file=file, line=line)
            qs = _queue_sizes(attrs.get("queueSizes", "32"), file, line)
            g.add_node(
                int(attrs["id"]),
                queue_sizes=qs,
                scheduling_policy=str(attrs.get("schedulingPolicy", "FIFO")),
                levels_qos=int(attrs.get("levelsQoS", len(qs))),
                line=line,
            )
        elif key == "edge":
            attrs = {k: v for k, v, _ in value}
            for req in ("source", "target", "bandwidth"):
                if req not in attrs:
                    raise InputError(f"edge without {req!r}", file=file, line=line)
            s, t = int(attrs["source"]), int(attrs["target"])
            for n in (s, t):
                if n not in g:
                    raise InputError(
                        f"edge refers to unknown node {n}", file=file, line=line, node=str(n)
                    )
            bw = float(attrs["bandwidth"])
            if not bw > 0:
                raise InputError(f"bandwidth must be positive, found {bw}", file=file, line=line)
            if g.has_edge(s, t):
                raise InputError(f"duplicate edge {s}->{t}", file=file, line=line)
            g.add_edge(
                s,
                t,
                capacity_bps=bw,
                port=int(attrs.get("port", -1)),
                weight=float(attrs.get("weight", 1)),
                line=line,
            )
    if g.number_of_nodes() == 0:
        raise InputError("graph has no nodes", file=file)
    if sorted(g.nodes) != list(range(g.number_of_nodes())):
        raise InputError("node ids must be 0..n-1", file=file)
    return g


# ---------------------------------------------------------------------------
# Routing


def read_gnnet_routing(
    path: str | Path, graph: nx.DiGraph
) -> dict[tuple[int, int], tuple[int, ...]]:
    """Read a routing file: one path per line, node ids separated by ``;``.

    Parameters
    ----------
    path : str or Path
        A file of ``routings/``.
    graph : networkx.DiGraph
        The topology the paths must follow.

    Returns
    -------
    dict
        ``(source, target) -> tuple of node ids``.

    Raises
    ------
    rca.errors.InputError
        A line that is not a path of ``graph``; the message names file and line.
    """
    file = str(path)
    try:
        text = Path(path).read_text()
    except OSError as exc:
        raise InputError(f"cannot read routing: {exc}", file=file) from exc
    routes: dict[tuple[int, int], tuple[int, ...]] = {}
    for lineno, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        try:
            nodes = tuple(int(x) for x in line.split(";"))
        except ValueError:
            raise InputError(
                f"expected node ids separated by ';', found {line!r}", file=file, line=lineno
            ) from None
        if len(nodes) < 2:
            raise InputError(
                f"a path needs at least two nodes, found {line!r}", file=file, line=lineno
            )
        for a, b in zip(nodes[:-1], nodes[1:]):
            if not graph.has_edge(a, b):
                raise InputError(
                    f"path uses {a}->{b}, which is not a link of the graph", file=file, line=lineno
                )
        if (nodes[0], nodes[-1]) in routes:
            raise InputError(f"second path for {nodes[0]}->{nodes[-1]}", file=file, line=lineno)
        routes[(nodes[0], nodes[-1])] = nodes
    return routes


# ---------------------------------------------------------------------------
# Result lines


def _floats(block: str, file: str, line: int, what: str) -> list[float]:
    try:
        return [float(x) for x in block.split(",")]
    except ValueError:
        raise InputError(
            f"{what}: expected comma-separated numbers, found {block[:60]!r}", file=file, line=line
        ) from None


def _split_matrix(
    text: str, n: int, file: str, line: int, what: str, header: bool
) -> tuple[str | None, list[str]]:
    head = None
    if header:
        if "|" not in text:
            raise InputError(
                f"{what}: expected 'header|blocks', found no '|'", file=file, line=line
            )
        head, text = text.split("|", 1)
    blocks = text.rstrip(";").split(";")
    if len(blocks) != n * n:
        raise InputError(
            f"{what}: expected {n * n} blocks for {n} nodes, found {len(blocks)}",
            file=file,
            line=line,
        )
    return head, blocks


def _parse_traffic(
    text: str, n: int, file: str, line: int
) -> dict[tuple[int, int], tuple[float, ...]]:
    """(src, dst) -> (traffic_bps, packets_per_s, avg_pkt_size, tos, time_dist, size_dist)."""
    _, blocks = _split_matrix(text, n, file, line, "traffic", header=True)
    out: dict[tuple[int, int], tuple[float, ...]] = {}
    for k, block in enumerate(blocks):
        i, j = divmod(k, n)
        if i == j:
            continue
        v = _floats(block, file, line, f"traffic {i}->{j}")
        tdist = int(v[0])
        if tdist < 0:
            continue
        if tdist not in _TIME_DIST_PARAMS:
            raise InputError(
                f"traffic {i}->{j}: unknown time distribution {tdist}", file=file, line=line
            )
        off = 1 + _TIME_DIST_PARAMS[tdist]
        try:
            sdist = int(v[off])
            nsize = _SIZE_DIST_PARAMS[sdist]
            if nsize is None:
                nsize = 2 + 2 * int(v[off + 2])
            tos = int(v[off + 1 + nsize])
            avg_size = v[off + 1]
        except (IndexError, KeyError):
            raise InputError(
                f"traffic {i}->{j}: block {block!r} does not match its distributions",
                file=file,
                line=line,
            ) from None
        out[(i, j)] = (v[1], v[2] if tdist == 0 else v[1] / avg_size, avg_size, tos, tdist, sdist)
    return out


def _parse_results(
    text: str, n: int, file: str, line: int
) -> dict[tuple[int, int], tuple[float, ...]]:
    """(src, dst) -> (pkts_gen, pkts_drop, delay, jitter)."""
    _, blocks = _split_matrix(text, n, file, line, "simulation results", header=True)
    out: dict[tuple[int, int], tuple[float, ...]] = {}
    for k, block in enumerate(blocks):
        i, j = divmod(k, n)
        if i == j:
            continue
        v = _floats(block, file, line, f"path {i}->{j}")
        if len(v) < 11:
            raise InputError(
                f"path {i}->{j}: expected 11 values, found {len(v)}", file=file, line=line
            )
        out[(i, j)] = (v[1], v[2], v[3], v[10])
    return out


def _parse_link_usage(
    text: str, n: int, file: str, line: int
) -> dict[tuple[int, int], tuple[float, ...]]:
    """(src, dst) -> (utilization, losses, avg_packet_size, occupancy, max_occupancy)."""
    _, blocks = _split_matrix(text, n, file, line, "link usage", header=False)
    out: dict[tuple[int, int], tuple[float, ...]] = {}
    for k, block in enumerate(blocks):
        if block.strip() in ("-1", ""):
            continue
        i, j = divmod(k, n)
        v = _floats(block, file, line, f"link {i}->{j}")
        if len(v) < 8 or (len(v) - 3) % 5:
            raise InputError(
                f"link {i}->{j}: expected 3 + 5 per QoS queue values, found {len(v)}",
                file=file,
                line=line,
            )
        queues = np.asarray(v[3:], dtype=float).reshape(-1, 5)
        out[(i, j)] = (v[0], v[1], v[2], float(queues[:, 2].sum()), float(queues[:, 3].max()))
    return out


# ---------------------------------------------------------------------------
# Folders and samples


def find_gnnet_folders(path: str | Path, *, data_home: str | Path | None = None) -> list[Path]:
    """Every folder at or below ``path`` in the challenge layout.

    A challenge folder has ``graphs/`` and ``routings/`` sub-folders and at
    least one ``results*.tar.gz`` tarball (or an extracted ``results*/``
    folder holding ``input_files.txt``). ``path`` may also be relative to
    the data home (``"gnnet-2021/validation"``, see
    :func:`~rca.datasets.get_data_home`).
    """
    root = find_in_data_home(path, data_home=data_home)
    if not root.is_dir():
        raise InputError("expected a folder in the GNNet challenge layout", file=root)
    found = []
    for d in sorted([root, *(p for p in root.rglob("*") if p.is_dir())]):
        if (d / "graphs").is_dir() and (d / "routings").is_dir() and _result_sources(d):
            found.append(d)
    return found


def _result_sources(folder: Path) -> list[Path]:
    tars = sorted(folder.glob("results*.tar.gz")) + sorted(folder.glob("results*.tgz"))
    dirs = sorted(
        p for p in folder.glob("results*") if p.is_dir() and (p / "input_files.txt").is_file()
    )
    return tars + dirs


def _read_result_files(source: Path) -> dict[str, tuple[str, list[str]]]:
    """basename -> (display name, lines), streamed from a tarball or a folder."""
    files: dict[str, tuple[str, list[str]]] = {}
    if source.is_dir():
        for name in _RESULT_FILES:
            p = source / name
            if p.is_file():
                files[name] = (str(p), p.read_text().splitlines())
        return files
    try:
        with tarfile.open(source, "r:gz") as tar:
            for member in tar:
                base = member.name.rsplit("/", 1)[-1]
                if member.isfile() and base in _RESULT_FILES:
                    fh = tar.extractfile(member)
                    if fh is not None:
                        files[base] = (f"{source}:{member.name}", fh.read().decode().splitlines())
    except (tarfile.TarError, OSError, EOFError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read result tarball: {exc}", file=source) from exc
    return files


def load_gnnet(
    path: str | Path, *, limit: int | None = None, data_home: str | Path | None = None
) -> Iterator[GnnetSample]:
    """Yield every sample of every challenge-layout folder under ``path``.

    Parameters
    ----------
    path : str or Path
        A folder in the challenge layout, or a folder holding such folders
        at any depth; or its path inside the data home
        (``"gnnet-2021/train"``).
    limit : int, optional
        Stop after this many samples.
    data_home : str or Path, optional
        See :func:`~rca.datasets.get_data_home`.

    Yields
    ------
    GnnetSample
        In folder, tarball and line order.

    Raises
    ------
    rca.errors.InputError
        No challenge folder under ``path``, or a malformed file (the message
        names the file, inside the tarball where it applies, and the line).

    Examples
    --------
    >>> from rca.datasets._gnnet import load_gnnet
    >>> sample = next(load_gnnet("gnnet-2021/train"))  # doctest: +SKIP
    >>> sample.paths[["source", "target", "traffic_bps", "delay"]].head()  # doctest: +SKIP
    """
    folders = find_gnnet_folders(path, data_home=data_home)
    if not folders:
        raise InputError("no folder with graphs/, routings/ and results*.tar.gz found", file=path)
    count = 0
    for folder in folders:
        graphs: dict[str, nx.DiGraph] = {}
        routings: dict[tuple[str, str], dict[tuple[int, int], tuple[int, ...]]] = {}
        for source in _result_sources(folder):
            files = _read_result_files(source)
            missing = [f for f in _RESULT_FILES if f not in files]
            if missing:
                raise InputError(f"result set lacks {', '.join(missing)}", file=source)
            inputs_name, inputs = files["input_files.txt"]
            for k, spec in enumerate(inputs):
                if not spec.strip():
                    continue
                parts = spec.strip().split(";")
                if len(parts) < 3:
                    raise InputError(
                        f"expected 'index;graph;routing', found {spec!r}",
                        file=inputs_name,
                        line=k + 1,
                    )
                gname, rname = parts[1], parts[2]
                if gname not in graphs:
                    gpath = folder / "graphs" / gname
                    if not gpath.is_file():
                        raise InputError(
                            f"graph {gname!r} not found in {folder / 'graphs'}",
                            file=inputs_name,
                            line=k + 1,
                        )
                    graphs[gname] = read_gnnet_graph(gpath)
                if (gname, rname) not in routings:
                    rpath = folder / "routings" / rname
                    if not rpath.is_file():
                        raise InputError(
                            f"routing {rname!r} not found in {folder / 'routings'}",
                            file=inputs_name,
                            line=k + 1,
                        )
                    routings[(gname, rname)] = read_gnnet_routing(rpath, graphs[gname])
                lines = {}
                for name in _RESULT_FILES[1:]:
                    fname, flines = files[name]
                    if k >= len(flines):
                        raise InputError(
                            f"has {len(flines)} lines, input_files.txt has more", file=fname
                        )
                    lines[name] = (fname, flines[k])
                yield _make_sample(
                    f"{source}#{k + 1}",
                    graphs[gname],
                    routings[(gname, rname)],
                    lines,
                    k + 1,
                    gname,
                    rname,
                )
                count += 1
                if limit is not None and count >= limit:
                    return


def _make_sample(
    name: str,
    graph: nx.DiGraph,
    routes: dict[tuple[int, int], tuple[int, ...]],
    lines: dict[str, tuple[str, str]],
    lineno: int,
    gname: str,
    rname: str,
) -> GnnetSample:
    n = graph.number_of_nodes()
    traffic = _parse_traffic(lines["traffic.txt"][1], n, lines["traffic.txt"][0], lineno)
    results = _parse_results(
        lines["simulationResults.txt"][1], n, lines["simulationResults.txt"][0], lineno
    )
    usage = _parse_link_usage(lines["linkUsage.txt"][1], n, lines["linkUsage.txt"][0], lineno)

    link_rows = []
    for s, t, d in graph.edges(data=True):
        u = usage.get((s, t), (math.nan,) * 5)
        node = graph.nodes[s]
        link_rows.append(
            (
                f"{s}->{t}",
                s,
                t,
                d["capacity_bps"],
                node["queue_sizes"][0],
                node["scheduling_policy"],
                *u,
            )
        )
    links = pd.DataFrame(
        link_rows,
        columns=[
            "link_id",
            "source",
            "target",
            "capacity_bps",
            "queue_size",
            "scheduling_policy",
            "utilization",
            "losses",
            "avg_packet_size",
            "occupancy",
            "max_occupancy",
        ],
    ).set_index("link_id")

    path_rows = []
    for (s, t), nodes in routes.items():
        tr = traffic.get((s, t))
        if tr is None:
            continue
        res = results.get((s, t))
        if res is None:
            gen = drop = delay = jitter = math.nan
        else:
            gen, drop, delay, jitter = res
        loss = drop / gen if gen and gen > 0 else (0.0 if gen == 0 else math.nan)
        path_rows.append(
            (
                s,
                t,
                nodes,
                tr[0],
                tr[1],
                tr[2],
                int(tr[3]),
                _TIME_DIST_NAMES[int(tr[4])],
                _SIZE_DIST_NAMES[int(tr[5])],
                delay,
                jitter,
                loss,
            )
        )
    missing = [p for p in traffic if p not in routes]
    if missing:
        raise InputError(
            f"traffic from {missing[0][0]} to {missing[0][1]} has no route in {rname}",
            file=lines["traffic.txt"][0],
            line=lineno,
        )
    paths = pd.DataFrame(
        path_rows,
        columns=[
            "source",
            "target",
            "nodes",
            "traffic_bps",
            "packets_per_s",
            "avg_packet_size",
            "tos",
            "time_dist",
            "size_dist",
            "delay",
            "jitter",
            "loss",
        ],
    )
    return GnnetSample(
        name=name, graph=graph, links=links, paths=paths, graph_file=gname, routing_file=rname
    )
