"""Escaping untrusted text for the report: HTML text, plotly labels, JSON in ``<script>``.

Everything that comes from an incident (alarm messages and types, device and
link ids, node attributes, the incident name) is untrusted. Three places see
it, and each needs its own escaping:

* the HTML of the page: jinja2 with autoescape on;
* plotly labels and hover text: plotly renders a subset of HTML tags there
  (``<b>``, ``<a href>``...), so text goes in through :func:`esc`, and plotly
  turns the entities back into literal characters;
* JSON embedded in ``<script>`` elements: :func:`script_json` writes ``<``,
  ``>``, ``&`` and the JavaScript line separators as ``\\uXXXX`` escapes, so
  no string can close the element or open a comment.
"""

from __future__ import annotations

import html
import json
from typing import Any

import plotly.io as pio

from .._text import terminal_safe, text

__all__ = ["esc", "text", "script_json", "figure_json", "terminal_safe"]

_SCRIPT_SWAP = (
    ("<", "\\u003c"),
    (">", "\\u003e"),
    ("&", "\\u0026"),
    ("\u2028", "\\u2028"),
    ("\u2029", "\\u2029"),
)


def esc(value: object, *, limit: int | None = None) -> str:
    """Untrusted text for a plotly label or hover: HTML-escaped, optionally shortened.

    Parameters
    ----------
    value : object
        Anything; missing values give ``""``.
    limit : int, optional
        Keep at most this many characters (an ellipsis marks the cut).
        Shortening happens before escaping, so no entity is cut in half.

    Examples
    --------
    >>> esc('<img src=x onerror="alert(1)">')
    '&lt;img src=x onerror=&quot;alert(1)&quot;&gt;'
    >>> esc("abcdef", limit=4)
    'abc…'
    """
    s = text(value)
    if limit is not None and len(s) > limit:
        s = s[: max(0, limit - 1)] + "…"
    return html.escape(s, quote=True)


def script_json(obj: Any) -> str:
    """JSON text that is safe inside an HTML ``<script>`` element.

    Examples
    --------
    >>> script_json({"m": "</script><b>&"})
    '{"m": "\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026"}'
    """
    return _script_safe(json.dumps(obj, ensure_ascii=False, allow_nan=False, default=str))


def figure_json(fig: Any) -> str:
    """A plotly figure as JSON that is safe inside an HTML ``<script>`` element.

    plotly's serializer already escapes ``<``, ``>`` and ``/``; this does
    not rely on it and escapes again (idempotent).
    """
    return _script_safe(pio.to_json(fig, validate=False, remove_uids=True))


def _script_safe(json_text: str) -> str:
    out = json_text
    for raw, safe in _SCRIPT_SWAP:
        if raw in out:
            out = out.replace(raw, safe)
    return out
