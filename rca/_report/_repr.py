"""Compact HTML for Jupyter (``_repr_html_``): tables and inline SVG bars, no script, everything escaped.

A notebook shows an object's ``_repr_html_`` instead of its 38,000-character
text; these stay small (a few kB) and need neither plotly nor JavaScript.
The figures are :mod:`rca.plot`'s.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Sequence

from .._time import to_iso

if TYPE_CHECKING:  # pragma: no cover
    from ..incident import Incident
    from ..result import RCAResult
    from ..topology import Topology

__all__ = ["incident_html", "result_html", "topology_html", "bars_svg"]

_STYLE = ("font-family:system-ui,sans-serif;font-size:13px;line-height:1.4;max-width:980px")
_TD = "padding:2px 8px;text-align:left;vertical-align:top;border-bottom:1px solid #eee"


def _e(value: object, limit: int = 120) -> str:
    text = "" if value is None else str(value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return escape(text, quote=True)


def bars_svg(values: Sequence[float], labels: Sequence[str] = (), *, width: int = 220, height: int = 14,
             color: str = "#d62728", scale: float | None = None) -> str:
    """Horizontal bars as inline SVG, one row per value (labels go in a title tooltip).

    Examples
    --------
    >>> bars_svg([0.5], ["<x>"]).count("<rect")
    1
    >>> "&lt;x&gt;" in bars_svg([0.5], ["<x>"])
    True
    """
    top = scale if scale is not None else (max(values) if len(values) else 1.0) or 1.0
    rows = []
    for i, v in enumerate(values):
        w = max(1.0, width * float(v) / top)
        title = f"<title>{_e(labels[i])}</title>" if i < len(labels) else ""
        rows.append(f'<rect x="0" y="{i * height + 2}" width="{w:.1f}" height="{height - 4}" fill="{color}">{title}</rect>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height * max(1, len(values))}" '
            f'role="img">{"".join(rows)}</svg>')


def _columns_svg(counts: Sequence[int], *, width: int = 420, height: int = 60, color: str = "#f28e2b") -> str:
    if not len(counts):
        return ""
    top = max(counts) or 1
    w = width / len(counts)
    bars = "".join(f'<rect x="{i * w:.1f}" y="{height - height * c / top:.1f}" width="{max(w - 1, 1):.1f}" '
                   f'height="{height * c / top:.1f}" fill="{color}"/>' for i, c in enumerate(counts))
    return f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img">{bars}</svg>'


def result_html(result: "RCAResult", *, top: int = 5) -> str:
    """The first ``top`` candidates with probability bars, ties, notes and counts."""
    cands = result.candidates[:top]
    tied = {r: g for g in result.ties for r in g}
    head = (f"<b>RCAResult</b> {_e(result.incident)}: {len(result.candidates)} candidates from "
            f"{result.n_alarms} alarms ({_e(result.method)}, {result.seconds * 1000:.0f} ms); "
            + ("confident" if result.confident else "<span style='color:#9a5b00'>not confident</span>"))
    if not cands:
        return f'<div style="{_STYLE}">{head}<br><i>no candidates</i>: {_e("; ".join(result.notes), 400)}</div>'
    bars = bars_svg([c.score for c in cands], [c.entity for c in cands], width=120, height=18, scale=1.0)
    rows = []
    for i, c in enumerate(cands):
        tie = tied.get(c.rank)
        tie_text = f" <span style='color:#5a189a'>(tied with {', '.join(str(r) for r in tie if r != c.rank)})</span>" \
            if tie else ""
        rows.append(f"<tr><td style='{_TD}'>{c.rank}</td><td style='{_TD}'><code>{_e(c.entity, 60)}</code>{tie_text}</td>"
                    f"<td style='{_TD}'>{_e(c.kind)}</td><td style='{_TD}'>{_e(c.fault)}</td>"
                    f"<td style='{_TD};text-align:right'>{c.score:.3f}</td>"
                    f"<td style='{_TD}'>{_e(c.reason, 160)}</td>"
                    + (f"<td rowspan='{len(cands)}' style='{_TD}'>{bars}</td>" if i == 0 else "") + "</tr>")
    more = len(result.candidates) - len(cands)
    tail = f"<div style='color:#68707c'>{more} more: <code>result.to_frame()</code></div>" if more > 0 else ""
    return (f'<div style="{_STYLE}">{head}<table style="border-collapse:collapse;margin-top:4px">'
            f"<tr><th style='{_TD}'>rank</th><th style='{_TD}'>entity</th><th style='{_TD}'>kind</th>"
            f"<th style='{_TD}'>fault</th><th style='{_TD}'>probability</th><th style='{_TD}'>reason</th>"
            f"<th style='{_TD}'></th></tr>{''.join(rows)}</table>{tail}</div>")


def incident_html(incident: "Incident") -> str:
    """Counts, the alarms per minute, the most frequent types, what the readers reported, the truth."""
    import numpy as np

    frame = incident.alarms.frame
    topo = incident.topology
    parts = [f"<b>Incident</b> {_e(incident.name)}: {topo.n_nodes} elements, {topo.n_links} links, "
             f"{len(topo.sites)} sites; {len(frame)} alarms"]
    if len(frame):
        parts[0] += (f" of {frame['alarm_type'].nunique()} types from {frame['device'].nunique()} devices, "
                     f"{_e(to_iso(incident.alarms.start))} to {_e(to_iso(incident.alarms.end))}")
        times = frame["time"].to_numpy(dtype=float)
        span = max(times.max() - times.min(), 60.0)
        bins = int(min(120, max(10, span // 60)))
        counts, _ = np.histogram(times, bins=bins)
        parts.append(f"<div>alarms over time ({span / bins:.0f} s per bar):<br>{_columns_svg(counts.tolist())}</div>")
        types = frame["alarm_type"].value_counts().head(6)
        parts.append("<div>most frequent types: " + ", ".join(f"<code>{_e(t, 40)}</code> {n}" for t, n in types.items())
                     + "</div>")
    if incident.metrics is not None:
        parts.append(f"<div>metrics: {len(incident.metrics)} samples</div>")
    report = incident.report
    if len(report):
        parts.append(f"<div style='color:#9a5b00'>{len(report)} validation issue(s): "
                     + ", ".join(sorted({_e(i.kind) for i in report})) + " (<code>incident.report</code>)</div>")
    if incident.truth is not None:
        parts.append("<div>truth: " + "; ".join(f"<code>{_e(r.entity, 60)}</code> {_e(r.kind)} {_e(r.fault or '')}"
                                                for r in incident.truth.root_causes) + "</div>")
    return f'<div style="{_STYLE}">{"".join(parts)}</div>'


def topology_html(topology: "Topology") -> str:
    """Counts, gateways and the elements per layer and per type as bars."""
    nodes = topology.nodes
    parts = [f"<b>Topology</b>: {topology.n_nodes} elements, {topology.n_links} links, "
             f"{len(topology.sites)} sites; gateways: "
             + ", ".join(f"<code>{_e(g, 40)}</code>" for g in topology.gateways[:5])
             + ("…" if len(topology.gateways) > 5 else "")]
    for column in ("layer", "node_type"):
        if column in nodes.columns and nodes[column].notna().any():
            counts = nodes[column].fillna("(none)").value_counts().head(8)
            rows = "".join(f"<tr><td style='{_TD}'>{_e(k, 40)}</td><td style='{_TD};text-align:right'>{v}</td>"
                           f"<td style='{_TD}'>{bars_svg([v], [str(k)], width=160, height=14, color='#4c78a8', scale=float(counts.max()))}</td></tr>"
                           for k, v in counts.items())
            parts.append(f"<div style='display:inline-block;vertical-align:top;margin-right:24px'><i>by {column}</i>"
                         f"<table style='border-collapse:collapse'>{rows}</table></div>")
    issues = len(topology.report)
    if issues:
        parts.append(f"<div style='color:#68707c'>{issues} note(s) from the reader (<code>topology.report</code>)</div>")
    return f'<div style="{_STYLE}">{"<br>".join(parts[:1])}<div>{"".join(parts[1:])}</div></div>'
