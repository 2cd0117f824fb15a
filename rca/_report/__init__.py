"""Building blocks of the HTML report: layout, figures, escaping.

The public entry points are :func:`rca.report.render_report` and
:func:`rca.report.write_report`.
"""

from __future__ import annotations

from ._escape import esc, figure_json, script_json, terminal_safe
from ._layout import node_positions
from ._timeline import timeline_figure
from ._topology import highlighted, topology_figure

__all__ = [
    "esc",
    "figure_json",
    "highlighted",
    "node_positions",
    "script_json",
    "terminal_safe",
    "timeline_figure",
    "topology_figure",
]
