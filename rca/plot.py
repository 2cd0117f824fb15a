"""Figures for notebooks: the topology around a root cause and the alarm timeline, as plotly figures.

These are the figures of the HTML report, public. Every label and hover
text taken from the incident is escaped (plotly renders a subset of HTML in
them).

Examples
--------
>>> import rca
>>> from rca.datasets import make_incident
>>> incident = make_incident(size="small", fault="node_down", random_state=1)
>>> result = rca.analyze(incident)
>>> fig = topology(incident, result)
>>> [t.name for t in fig.data][-1].startswith("root") or "true root (evaluation)" in [t.name for t in fig.data]
True
>>> timeline(incident, result).layout.shapes[0].line.dash
'dash'
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .alarms import AlarmLog
from .incident import Incident
from .result import RCAResult
from .topology import Topology

if TYPE_CHECKING:  # pragma: no cover
    import plotly.graph_objects as go

__all__ = ["topology", "timeline"]


def topology(incident: Incident | Topology, result: RCAResult | None = None, *, around: bool = True,
             rank: int = 1, max_nodes: int = 80) -> "go.Figure":
    """The network, or the part of it around a candidate root cause.

    Parameters
    ----------
    incident : Incident or Topology
        A topology alone is drawn whole, without alarms.
    result : RCAResult, optional
        With a result and ``around=True``: the affected subgraph around the
        candidate of ``rank`` (and those tied with it), in layers by hop
        distance, with its evidence paths; with ``around=False``: the whole
        network with the first candidate highlighted.
    around : bool, default True
    rank : int, default 1
        Which candidate to centre on (check an alternative with ``rank=2``).
    max_nodes : int, default 80
        Most elements drawn around the root.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    from ._report._around import around_figure
    from ._report._topology import topology_figure

    if isinstance(incident, Topology):
        import pandas as pd

        empty = AlarmLog.from_frame(pd.DataFrame(columns=["timestamp", "device", "alarm_type"]))
        incident = Incident(incident, empty, name="topology")
    if result is None:
        return topology_figure(incident, RCAResult(incident.name, (), 0.0))
    if not 1 <= rank <= len(result.candidates):
        raise ValueError(f"rank must be between 1 and {len(result.candidates)}; got {rank}")
    if not around:
        return topology_figure(incident, result)
    chosen = result.candidates[rank - 1]
    group = next((g for g in result.ties if rank in g), (rank,))
    candidates = [chosen] + [result.candidates[r - 1] for r in group if r != rank and r <= len(result.candidates)]
    return around_figure(incident, candidates, max_nodes=max_nodes)


def timeline(incident: Incident | AlarmLog, result: RCAResult | None = None, *, rank: int = 1) -> "go.Figure":
    """Every alarm as a point (time, device, type); with a result, its cited alarms ringed and its fault time marked.

    Parameters
    ----------
    incident : Incident or AlarmLog
    result : RCAResult, optional
    rank : int, default 1
        Whose evidence and fault time to show.

    Returns
    -------
    plotly.graph_objects.Figure
    """
    from ._report._summary import fault_time
    from ._report._timeline import timeline_figure
    from ._report._topology import highlighted

    alarms = incident.alarms if isinstance(incident, Incident) else incident
    if result is None or not result.candidates:
        return timeline_figure(alarms)
    c = result.candidates[rank - 1]
    devices = highlighted(incident.topology, c.entity, c.kind)[0] if isinstance(incident, Incident) else ()
    return timeline_figure(alarms, highlight_devices=devices, cited=[a for e in c.evidence for a in e.alarms],
                           fault_time=fault_time(c))
