"""The self-contained HTML report of an analysis.

One file that works offline: plotly.js is inlined once, the figures' data is
embedded as JSON, and every piece of text from the incident is escaped (see
:mod:`rca._report._escape` for where and how).

Examples
--------
>>> from rca.report import render_report          # doctest: +SKIP
>>> html = render_report(incident, result)        # doctest: +SKIP
>>> write_report(incident, result, "report.html") # doctest: +SKIP
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from functools import lru_cache
from pathlib import Path

import jinja2
from importlib.metadata import PackageNotFoundError, version
from markupsafe import Markup

from ._io import atomic_write_text, check_destination
from ._report._escape import figure_json, script_json
from ._report._timeline import timeline_figure
from ._report._topology import highlighted, topology_figure
from ._time import to_iso
from .incident import Incident
from .result import Candidate, RCAResult

__all__ = ["render_report", "write_report"]

logger = logging.getLogger(__name__)


def render_report(incident: Incident, result: RCAResult, *, title: str | None = None,
                  plotly_src: str | None = None, index_href: str | None = None) -> str:
    """The HTML report of one analysed incident, as text.

    Parameters
    ----------
    incident : Incident
        What was analysed (topology, alarms, validation issues, truth).
    result : RCAResult
        The ranked candidates with their evidence.
    title : str, optional
        Page title; default ``"RCA report: <incident name>"``.
    plotly_src : str, optional
        Load plotly.js from this (relative) address instead of inlining it:
        the pages of a batch share one copy (:func:`rca.report.write_batch`).
    index_href : str, optional
        A link back to the index of a batch.

    Returns
    -------
    str
        A complete HTML page, summary first: the answer in one sentence
        with its probability and what to check; the topology around the
        root with its evidence paths; the alarm timeline with the fault time
        marked; the ranked hypotheses, near-identical ones grouped, evidence
        collapsed; validation issues. It needs no network access.
    """
    started = time.perf_counter()
    context = _context(incident, result, title)
    context.update(plotly_src=plotly_src, index_href=index_href,
                   plotly_js=Markup("") if plotly_src else _plotly_js())
    page = _environment().get_template("report.html").render(**context)
    logger.info("rendered report of %r: %.1f kB in %.2f s", incident.name, len(page) / 1e3,
                time.perf_counter() - started)
    return page


def write_report(incident: Incident, result: RCAResult, path: str | Path, *, title: str | None = None) -> Path:
    """Write the HTML report of :func:`render_report` to ``path``.

    Parameters
    ----------
    incident : Incident
    result : RCAResult
    path : str or Path
        The file to write (UTF-8); missing parent folders are created.
    title : str, optional
        Page title.

    Returns
    -------
    Path
        ``path``.

    The page is written to a temporary file beside ``path`` and renamed
    over it: a full disk or an interruption leaves the previous file (or
    none), never a truncated page.

    Raises
    ------
    InputError
        ``path`` is an existing folder or a symbolic link (writing through a
        link would overwrite its target).
    OSError
        The page could not be written.
    """
    path = check_destination(path)
    page = render_report(incident, result, title=title)
    return atomic_write_text(path, page)


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("rca", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _version() -> str:
    try:
        return version("netrca")
    except PackageNotFoundError:  # running from a source tree
        return "unknown"


@lru_cache(maxsize=1)
def _plotly_js() -> Markup:
    from plotly.offline import get_plotlyjs

    js = get_plotlyjs()
    if "</script" in js.lower():  # never in a released bundle; it would end the element early
        js = js.replace("</script", "<\\/script").replace("</SCRIPT", "<\\/SCRIPT")
    return Markup(js)


def _context(incident: Incident, result: RCAResult, title: str | None) -> dict:
    from ._report._around import around_spec
    from ._report._timeline import timeline_spec
    from ._report._summary import answer_sentence, fault_time, group_candidates, what_to_check, why_lower

    topo = incident.topology
    frame = incident.alarms.frame
    issues = list(incident.report)
    truth = list(incident.truth.root_causes) if incident.truth is not None else []
    true_ids = {r.entity for r in truth}
    top = result.candidates[0] if result.candidates else None
    groups = group_candidates(result)
    top_group = groups[0].members if groups else []
    top_names = [c.entity for c in top_group]
    devices = frame["device"].unique().tolist() if len(frame) else []
    unknown = [d for d in devices if d not in topo]
    t_fault = fault_time(top) if top is not None else None
    top_nodes = tuple(highlighted(topo, top.entity, top.kind)[0]) if top is not None else ()
    if top is not None:
        topology_fig = around_spec(incident, top_group).to_dict()
    else:
        topology_fig = topology_figure(incident, result)
    rows = []
    for i, g in enumerate(groups):
        members = [_candidate_row(c, true_ids) for c in g.members]
        ranks = [c.rank for c in g.members]
        rows.append({"first": members[0], "members": members, "tie": g.tie,
                     "ranks": str(ranks[0]) if len(ranks) == 1 else f"{ranks[0]}-{ranks[-1]}"
                     if ranks == list(range(ranks[0], ranks[-1] + 1)) else ", ".join(map(str, ranks)),
                     "is_true": any(m["is_true"] for m in members),
                     "why_lower": why_lower(g, top) if i > 0 and top is not None else ""})
    return {
        "title": title if title is not None else f"RCA report: {incident.name}",
        "name": incident.name,
        "version": _version(),
        "counts": {
            "elements": topo.n_nodes, "links": topo.n_links, "sites": len(topo.sites),
            "alarms": len(frame), "devices": len(devices), "unknown_devices": len(unknown),
            "types": int(frame["alarm_type"].nunique()) if len(frame) else 0,
        },
        "window": (to_iso(incident.alarms.start), to_iso(incident.alarms.end)) if len(frame) else None,
        "analysis": {"method": result.method, "seconds": f"{result.seconds:.2f}", "n": len(result)},
        "issue_kinds": sorted(Counter(i.kind for i in issues).items()),
        "issues": [{"kind": i.kind, "file": i.file or "", "lines": ", ".join(map(str, i.lines[:10])),
                    "count": i.count, "action": i.action, "message": i.message} for i in issues],
        "notes": list(result.notes),
        "truth": [{"entity": r.entity, "kind": r.kind, "fault": r.fault or "", "rank": result.rank_of(r.entity)}
                  for r in truth],
        "top": top,
        "confident": bool(result.confident),
        "top_probability": f"{round(100 * top.score)} %" if top is not None else "",
        "top_names": top_names,
        "sentence": answer_sentence(result, top_names),
        "checks": what_to_check(top, topo) if top is not None else [],
        "fault_time": to_iso(t_fault) if t_fault is not None else "",
        "groups": rows,
        "candidates": [_candidate_row(c, true_ids) for c in result.candidates],
        "topology_json": Markup(figure_json(topology_fig)),
        "timeline_json": Markup(figure_json(timeline_spec(
            incident.alarms, highlight_devices=top_nodes,
            cited=[a for e in top.evidence for a in e.alarms] if top is not None else (),
            fault_time=t_fault).to_dict())),
        "result_json": Markup(script_json(result.to_dict())),
    }


def _candidate_row(c: Candidate, true_ids: set[str]) -> dict:
    return {
        "rank": c.rank, "entity": c.entity, "kind": c.kind, "fault": c.fault, "score": f"{c.score:.3f}",
        "reason": c.reason, "explained": c.explained, "contradicted": c.contradicted,
        "is_true": c.entity in true_ids,
        "evidence": [{"path": " -> ".join(e.path), "why": e.why, "source": e.source,
                      "alarms": [{"device": a.device, "alarm_type": a.alarm_type, "time": to_iso(a.time),
                                  "link_id": a.link_id or ""} for a in e.alarms]}
                     for e in c.evidence],
    }
