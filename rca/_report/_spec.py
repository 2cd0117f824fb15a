"""Figures as plain dicts: plotly's graph objects validate every property, which costs more than the rest of a page.

The report's figures are built as :class:`FigureSpec` (the few methods of
``plotly.graph_objects.Figure`` they use) and serialized as they are; the
public functions wrap the same dict in a ``go.Figure`` (validated then).
"""

from __future__ import annotations

from typing import Any, Callable

__all__ = ["FigureSpec", "tracer"]


class FigureSpec:
    """``data`` (trace dicts) and ``layout`` (a dict), with ``add_trace``, ``add_shape``, ``add_annotation``, ``update_layout``."""

    def __init__(self) -> None:
        self.data: list[dict] = []
        self.layout: dict[str, Any] = {}

    def add_trace(self, trace: dict) -> None:
        self.data.append(trace)

    def add_shape(self, **shape: Any) -> None:
        self.layout.setdefault("shapes", []).append(shape)

    def add_annotation(self, **note: Any) -> None:
        self.layout.setdefault("annotations", []).append(note)

    def update_layout(self, **layout: Any) -> None:
        for key, value in layout.items():
            if isinstance(value, dict) and isinstance(self.layout.get(key), dict):
                self.layout[key] = {**self.layout[key], **value}
            else:
                self.layout[key] = value

    def to_dict(self) -> dict:
        return {"data": self.data, "layout": self.layout}

    def figure(self) -> Any:
        """As a validated ``plotly.graph_objects.Figure``."""
        import plotly.graph_objects as go

        return go.Figure(self.to_dict())


def tracer(kind: str) -> Callable[..., dict]:
    """A trace constructor: ``tracer("scatter")(x=..., y=...)`` is ``{"type": "scatter", "x": ..., "y": ...}``."""
    def make(**props: Any) -> dict:
        return {"type": kind, **{k: v for k, v in props.items() if v is not None}}
    return make
