"""The alarm timeline: time on x, device on y, one colour per alarm type."""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import qualitative

from ..alarms import AlarmLog
from ..result import EvidenceAlarm
from ._escape import esc
from ._spec import FigureSpec, tracer
from ._topology import GL_THRESHOLD

__all__ = ["timeline_figure", "timeline_spec", "MAX_TYPES"]

#: Alarm types drawn in their own colour (the most frequent); the others
#: share one grey trace, and their hover still names the type.
MAX_TYPES = 20
#: Characters of an alarm message kept in its hover text.
MESSAGE_LIMIT = 200


def timeline_figure(alarms: AlarmLog, *, highlight_devices: Sequence[str] = (),
                    cited: Sequence[EvidenceAlarm] = (), fault_time: float | None = None) -> go.Figure:
    """Every alarm as a point (a validated plotly figure of :func:`timeline_spec`)."""
    return timeline_spec(alarms, highlight_devices=highlight_devices, cited=cited, fault_time=fault_time).figure()


def timeline_spec(alarms: AlarmLog, *, highlight_devices: Sequence[str] = (),
                  cited: Sequence[EvidenceAlarm] = (), fault_time: float | None = None) -> FigureSpec:
    """Every alarm as a point: when (x), which device (y), which type (colour).

    Parameters
    ----------
    alarms : AlarmLog
    highlight_devices : sequence of str
        Devices whose row labels are marked (the top candidate's elements).
    cited : sequence of EvidenceAlarm
        Alarms cited as evidence (the top candidate's), ringed in a trace
        of their own named ``cited as evidence``.
    fault_time : float, optional
        When the answer's fault began (epoch seconds): a dashed vertical
        line labelled ``fault``.

    Returns
    -------
    plotly.graph_objects.Figure
        One trace per alarm type (the :data:`MAX_TYPES` most frequent), then
        one ``other types`` trace, then the cited alarms. Devices are
        ordered by their first alarm, earliest on top. No alarm is left out.
    """
    frame = alarms.frame
    fig = FigureSpec()
    if not len(frame):
        fig.add_annotation(text="no alarms", showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
        fig.update_layout(height=200, xaxis={"visible": False}, yaxis={"visible": False})
        return fig
    when = pd.to_datetime(frame["time"].to_numpy(), unit="s")
    iso = when.strftime("%Y-%m-%d %H:%M:%S.%f").str[:-3]
    marked = set(highlight_devices)
    device_label = {d: (f"<b>{esc(d, limit=40)}</b>" if d in marked else esc(d, limit=40))
                    for d in frame["device"].unique()}
    y = frame["device"].map(device_label)
    hover = [f"<b>{esc(t, limit=60)}</b> ({esc(s, limit=20) or 'no severity'})<br>device: {esc(d, limit=80)}"
             f"{'<br>link: ' + esc(lk, limit=80) if esc(lk) else ''}<br>{ts} UTC<br>{esc(m, limit=MESSAGE_LIMIT)}"
             for t, s, d, lk, ts, m in zip(frame["alarm_type"], frame["severity"], frame["device"],
                                           frame["link_id"], iso, frame["message"])]
    Scatter = tracer("scattergl" if len(frame) >= GL_THRESHOLD else "scatter")
    types = frame["alarm_type"].value_counts()
    own = list(types.index[:MAX_TYPES]) if len(types) > MAX_TYPES + 1 else list(types.index)
    palette = qualitative.Dark24
    kind = frame["alarm_type"].to_numpy()
    groups: list[tuple[str, np.ndarray, str]] = [
        (f"{esc(t, limit=40)} ({types[t]})", np.flatnonzero(kind == t), palette[i % len(palette)])
        for i, t in enumerate(own)]
    rest = np.flatnonzero(~frame["alarm_type"].isin(own).to_numpy())
    if len(rest):
        groups.append((f"other types: {len(types) - len(own)} ({len(rest)})", rest, "#8c8c8c"))
    labels = y.to_numpy()
    for name, at, color in groups:
        fig.add_trace(Scatter(x=when[at], y=labels[at], mode="markers", name=name,
                              hovertext=[hover[i] for i in at], hoverinfo="text",
                              marker={"color": color, "size": 7, "opacity": 0.85}))
    if cited:
        label = {d: device_label.get(d, esc(d, limit=40)) for d in {a.device for a in cited}}
        fig.add_trace(Scatter(
            x=pd.to_datetime([a.time for a in cited], unit="s"), y=[label[a.device] for a in cited],
            mode="markers", name=f"cited as evidence ({len(cited)})", hoverinfo="text",
            hovertext=[f"cited as evidence: <b>{esc(a.alarm_type, limit=60)}</b><br>device: {esc(a.device, limit=80)}"
                       for a in cited],
            marker={"symbol": "circle-open", "size": 13, "color": "#d62728", "line": {"width": 2}}))
    order = list(dict.fromkeys(y.tolist()))
    if fault_time is not None and np.isfinite(fault_time):
        at = pd.Timestamp(fault_time, unit="s").isoformat()
        fig.add_shape(type="line", x0=at, x1=at, y0=0, y1=1, xref="x", yref="paper",
                      line={"color": "#d62728", "width": 2, "dash": "dash"}, name="fault time")
        fig.add_annotation(x=at, y=1, xref="x", yref="paper", text="fault", showarrow=False, yanchor="bottom",
                           font={"color": "#d62728", "size": 11})
    fig.update_layout(
        height=int(min(max(260, 16 * len(order) + 120), 900)), margin={"l": 10, "r": 10, "t": 30, "b": 40},
        hovermode="closest", plot_bgcolor="white", paper_bgcolor="white",
        legend={"orientation": "v", "x": 1.01, "y": 1, "font": {"size": 10}},
        xaxis={"title": {"text": "time (UTC)"}, "gridcolor": "#eee"},
        yaxis={"type": "category", "categoryorder": "array", "categoryarray": order, "autorange": "reversed",
               "automargin": True, "gridcolor": "#f3f3f3", "tickfont": {"size": 9}},
    )
    return fig
