"""The topology figure: elements coloured by alarms, the top candidate highlighted."""

from __future__ import annotations

import logging
from collections.abc import Iterable

import plotly.graph_objects as go

from ..incident import Incident
from ..result import Candidate, RCAResult
from ..topology import Topology
from ._escape import esc, text
from ._layout import Positions, node_positions

__all__ = ["topology_figure", "highlighted", "alarm_counts", "GL_THRESHOLD", "LABEL_LIMIT"]

logger = logging.getLogger(__name__)

#: From this many points on, traces use WebGL (``scattergl``).
GL_THRESHOLD = 1000
#: Up to this many elements, ids are written next to the markers.
LABEL_LIMIT = 60

QUIET, ALARMED, LINK, EVIDENCE, TOP, TRUTH = (
    "#b0b7c3",
    "#f28e2b",
    "#d5d9e0",
    "#7b2cbf",
    "#d62728",
    "#2ca02c",
)


def alarm_counts(incident: Incident) -> dict[str, int]:
    """Number of alarms raised by each device."""
    frame = incident.alarms.frame
    if not len(frame):
        return {}
    return {str(k): int(v) for k, v in frame["device"].value_counts(sort=False).items()}


def highlighted(
    topology: Topology, entity: str, kind: str
) -> tuple[list[str], list[tuple[str, str]]]:
    """The elements and links to highlight for a root-cause entity.

    A node highlights the element, a link the link and its two ends, a site
    every element of the site. An entity the topology does not know
    highlights nothing (and is logged).

    Parameters
    ----------
    topology : Topology
    entity : str
        A node, link or site id.
    kind : {"node", "link", "site"}

    Returns
    -------
    nodes : list of str
    links : list of (str, str)
        Endpoint pairs.
    """
    if kind == "node" and entity in topology:
        return [entity], []
    if kind == "link" and entity in topology.links.index:
        a, b = (str(v) for v in topology.links.loc[entity, ["source", "target"]])
        return [a, b], [(a, b)]
    if kind == "site" and entity in topology.sites:
        return list(topology.sites[entity]), []
    logger.warning("%s %r is not in the topology; nothing highlighted", kind, entity)
    return [], []


def topology_figure(
    incident: Incident,
    result: RCAResult,
    *,
    positions: Positions | None = None,
    random_state: int = 7,
) -> go.Figure:
    """Draw the network with alarming elements, evidence paths and the top candidate.

    Parameters
    ----------
    incident : Incident
    result : RCAResult
    positions : dict, optional
        node id -> (x, y); by default :func:`node_positions`.
    random_state : int, default 7
        Seed of the layout when the elements have no coordinates.

    Returns
    -------
    plotly.graph_objects.Figure
        Traces, in drawing order: ``links``, ``dependencies`` (when any),
        ``evidence paths``, ``quiet elements``, ``alarming elements``,
        ``link hover``, ``top candidate`` and ``true root`` (when the
        incident has truth). The highlight traces carry the raw ids of what
        they mark in ``customdata``.
    """
    topo = incident.topology
    pos = positions if positions is not None else node_positions(topo, random_state=random_state)
    counts = alarm_counts(incident)
    big = topo.n_nodes >= GL_THRESHOLD or topo.n_links >= GL_THRESHOLD
    Scatter = go.Scattergl if big else go.Scatter
    fig = go.Figure()

    phys = topo.links[topo.links.index.isin(topo.link_ids)]
    fig.add_trace(
        Scatter(
            **_segments(pos, zip(phys["source"], phys["target"])),
            mode="lines",
            name="links",
            line={"color": LINK, "width": 1},
            hoverinfo="skip",
        )
    )
    deps = topo.links[~topo.links.index.isin(topo.link_ids)]
    if len(deps):
        fig.add_trace(
            Scatter(
                **_segments(pos, zip(deps["source"], deps["target"])),
                mode="lines",
                name="dependencies",
                line={"color": LINK, "width": 1, "dash": "dot"},
                hoverinfo="skip",
            )
        )

    top = result.candidates[0] if result.candidates else None
    if top is not None:
        segs = [(a, b) for ev in top.evidence for a, b in zip(ev.path, ev.path[1:])]
        points = {
            e: p for e in {x for s in segs for x in s} if (p := _point(topo, pos, e)) is not None
        }
        fig.add_trace(
            Scatter(
                **_segments(points, segs),
                mode="lines",
                name="evidence paths (top candidate)",
                line={"color": EVIDENCE, "width": 4},
                opacity=0.8,
                hoverinfo="skip",
            )
        )

    nodes = topo.nodes
    columns = {
        c: nodes[c].tolist() if c in nodes.columns else [None] * len(nodes)
        for c in ("node_type", "site", "layer")
    }
    ids = topo.node_ids
    hover = [
        f"<b>{esc(n, limit=80)}</b><br>type: {esc(t, limit=60)}<br>site: {esc(s, limit=60)}"
        f"<br>layer: {esc(layer, limit=60)}<br>alarms: {counts.get(n, 0)}"
        for n, t, s, layer in zip(ids, columns["node_type"], columns["site"], columns["layer"])
    ]
    labels = len(ids) <= LABEL_LIMIT
    for name, want, color in (
        ("quiet elements", False, QUIET),
        ("alarming elements", True, ALARMED),
    ):
        sel = [i for i, n in enumerate(ids) if (counts.get(n, 0) > 0) == want]
        fig.add_trace(
            Scatter(
                x=[pos[ids[i]][0] for i in sel],
                y=[pos[ids[i]][1] for i in sel],
                mode="markers+text" if labels else "markers",
                name=f"{name} ({len(sel)})",
                text=[esc(ids[i], limit=24) for i in sel] if labels else None,
                textposition="top center",
                textfont={"size": 9},
                hovertext=[hover[i] for i in sel],
                hoverinfo="text",
                marker={
                    "color": color,
                    "size": [_size(counts.get(ids[i], 0)) for i in sel],
                    "line": {"color": "white", "width": 0.5},
                },
            )
        )

    link_hover = [
        f"<b>link {esc(lid, limit=80)}</b><br>{esc(a, limit=40)} — {esc(b, limit=40)}"
        f"<br>type: {esc(t, limit=40)}"
        for lid, a, b, t in zip(
            phys.index,
            phys["source"],
            phys["target"],
            phys["link_type"] if "link_type" in phys.columns else [None] * len(phys),
        )
    ]
    mids = [_midpoint(pos, a, b) for a, b in zip(phys["source"], phys["target"])]
    fig.add_trace(
        Scatter(
            x=[m[0] for m in mids],
            y=[m[1] for m in mids],
            mode="markers",
            name="link hover",
            hovertext=link_hover,
            hoverinfo="text",
            showlegend=False,
            marker={"size": 6, "color": LINK, "opacity": 0},
        )
    )

    if top is not None:
        _add_highlight(fig, Scatter, topo, pos, top, counts)
    if incident.truth is not None:
        truth_nodes = []
        for root in incident.truth.root_causes:
            truth_nodes += [
                n for n in highlighted(topo, root.entity, root.kind)[0] if n not in truth_nodes
            ]
        fig.add_trace(
            Scatter(
                x=[pos[n][0] for n in truth_nodes],
                y=[pos[n][1] for n in truth_nodes],
                mode="markers",
                name="true root (evaluation)",
                customdata=truth_nodes,
                hovertext=[f"true root: {esc(n, limit=80)}" for n in truth_nodes],
                hoverinfo="text",
                marker={
                    "symbol": "x-thin-open",
                    "size": 16,
                    "color": TRUTH,
                    "line": {"width": 2, "color": TRUTH},
                },
            )
        )

    fig.update_layout(
        height=620,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        hovermode="closest",
        plot_bgcolor="white",
        paper_bgcolor="white",
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0},
        xaxis={"visible": False},
        yaxis={"visible": False, "scaleanchor": "x", "scaleratio": 1},
    )
    return fig


def _add_highlight(
    fig: go.Figure,
    Scatter: type,
    topo: Topology,
    pos: Positions,
    top: Candidate,
    counts: dict[str, int],
) -> None:
    nodes, links = highlighted(topo, top.entity, top.kind)
    label = f"top candidate: {esc(top.entity, limit=40)} ({esc(top.kind)})"
    if links:
        fig.add_trace(
            Scatter(
                **_segments(pos, links),
                mode="lines",
                name=f"{label}, link",
                customdata=[top.entity] * (3 * len(links)),
                line={"color": TOP, "width": 6},
                hoverinfo="skip",
            )
        )
    hover = [
        f"<b>top candidate {esc(top.entity, limit=80)}</b><br>{esc(top.kind)}: {esc(top.fault, limit=60)}"
        f"<br>element: {esc(n, limit=80)}<br>alarms: {counts.get(n, 0)}"
        for n in nodes
    ]
    fig.add_trace(
        Scatter(
            x=[pos[n][0] for n in nodes],
            y=[pos[n][1] for n in nodes],
            mode="markers",
            name=label,
            customdata=nodes,
            hovertext=hover,
            hoverinfo="text",
            marker={
                "symbol": "circle-open",
                "size": 22,
                "color": TOP,
                "line": {"width": 3, "color": TOP},
            },
        )
    )


def _size(n_alarms: int) -> float:
    return 7.0 if n_alarms == 0 else min(9.0 + 2.5 * n_alarms**0.5, 22.0)


def _point(topo: Topology, pos: Positions, entity: str) -> tuple[float, float] | None:
    """Where to draw a node, link (midpoint) or site (centroid) named in a path."""
    if entity in pos:
        return pos[entity]
    if entity in topo.links.index:
        a, b = topo.links.loc[entity, ["source", "target"]]
        return _midpoint(pos, str(a), str(b))
    members = topo.sites.get(entity)
    if members:
        return (
            sum(pos[m][0] for m in members) / len(members),
            sum(pos[m][1] for m in members) / len(members),
        )
    return None  # a causal step (an alarm type...): not on the map


def _midpoint(pos: Positions, a: str, b: str) -> tuple[float, float]:
    (xa, ya), (xb, yb) = pos[a], pos[b]
    return (xa + xb) / 2, (ya + yb) / 2


def _segments(pos: Positions, pairs: Iterable[tuple[str, str]]) -> dict[str, list[float | None]]:
    """x/y lists of line segments separated by gaps; pairs with an unplaced end are skipped."""
    xs: list[float | None] = []
    ys: list[float | None] = []
    for a, b in pairs:
        pa, pb = pos.get(text(a)), pos.get(text(b))
        if pa is None or pb is None:
            continue
        xs += [pa[0], pb[0], None]
        ys += [pa[1], pb[1], None]
    return {"x": xs, "y": ys}
