"""``rca demo``: simulate an incident, analyse it, print the answer, write the report."""

from __future__ import annotations

import json
import tempfile
import textwrap
import time
from collections.abc import Sequence
from pathlib import Path

import click

from .._text import plural
from .._text import terminal_safe as safe
from ..evaluation import _key
from ..faults import same_fault
from ..incident import Incident, RootCause
from ..result import Candidate, RCAResult

__all__ = ["demo"]

#: Candidates printed, and evidence paths printed per candidate.
TOP, PATHS = 5, 2
WIDTH = 100


@click.command("demo")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write the HTML report [default: rca-demo.html in the system's temporary folder].",
)
@click.option(
    "--seed",
    type=int,
    default=7,
    show_default=True,
    help="Seed of the simulated network and incident.",
)
@click.option(
    "--size",
    type=click.Choice(["small", "medium"]),
    default="small",
    show_default=True,
    help="Network size: about 60 or 300 elements.",
)
@click.option(
    "--fault",
    default=None,
    help="Fault type to inject (e.g. node_down, link_down); random by default.",
)
@click.option(
    "--json", "as_json", is_flag=True, help="Print the answer as JSON instead of a table."
)
def demo(out: Path | None, seed: int, size: str, fault: str | None, as_json: bool) -> None:
    """Simulate an incident on a built-in network, rank its root causes, write an HTML report.

    Runs offline in a few seconds: the network twin makes a network and an
    incident with a known root cause, the analysis ranks candidates with
    evidence paths, and the report (plotly inlined) shows them on the
    topology and the alarm timeline. The report goes to the temporary
    folder unless --out says where, so the demo leaves nothing behind in the
    current folder; the last line prints its path.
    """
    from ..errors import RCAError
    from ..report import write_report
    from ._common import fail

    try:
        started = time.perf_counter()
        incident = _simulate(size=size, fault=fault, seed=seed)
        simulated = time.perf_counter() - started
        result = _analyze(incident)
        if out is None:
            out = Path(tempfile.gettempdir()) / "rca-demo.html"
        path = write_report(incident, result, out, title=f"netrca demo: {incident.name}")
    except (RCAError, OSError) as exc:
        fail(exc)
        return
    if as_json:
        data = result.to_dict()
        data["truth"] = [r.to_dict() for r in incident.truth.root_causes] if incident.truth else []
        data["report"] = str(path.resolve())
        click.echo(json.dumps(data, indent=1))
        return
    click.echo(summary(incident, result, simulated=simulated))
    click.echo(f"\nReport: {path.resolve()}")


def _simulate(*, size: str, fault: str | None, seed: int) -> Incident:
    """The demo incident (a seam for tests)."""
    from ..datasets import make_incident

    return make_incident(size=size, fault=fault, random_state=seed, name=f"demo-{size}-seed{seed}")


def _analyze(incident: Incident) -> RCAResult:
    """The demo analysis (a seam for tests)."""
    from ..analysis import analyze

    return analyze(incident)


def summary(
    incident: Incident, result: RCAResult, *, simulated: float | None = None, top: int = TOP
) -> str:
    """The plain-text answer: the incident, its true root(s), the top candidates with evidence.

    Every id and text from the incident goes through
    :func:`~rca._report._escape.terminal_safe`, so alarm text cannot send
    escape sequences to the terminal.
    """
    topo = incident.topology
    took = f" in {simulated:.2f} s" if simulated is not None else ""
    lines = [
        f"Simulated incident {safe(incident.name)}{took}: {plural(topo.n_nodes, 'element')}, "
        f"{plural(topo.n_links, 'link')}, {plural(len(incident.alarms), 'alarm')} from "
        f"{plural(incident.alarms.frame['device'].nunique(), 'device')}"
    ]
    roots = incident.truth.root_causes if incident.truth is not None else ()
    for r in roots:
        found = _candidate_of(result, r)
        lines.append(
            f"True root cause: {safe(r.entity)} ({r.kind}{', ' + safe(r.fault) if r.fault else ''})"
            f" -> {_verdict(found, r) if found else 'not among the candidates'}"
        )
    lines.append("")
    if not result.candidates:
        lines.append(
            "The analysis returned no candidates. " + "; ".join(safe(n) for n in result.notes)
        )
        return "\n".join(lines)
    lines.append(
        f"Top {min(top, len(result))} of {plural(len(result), 'candidate')} "
        f"({safe(result.method)}, {result.seconds:.2f} s):"
    )
    lines.append(f"{'rank':>4}  {'entity':<24} {'kind':<5} {'fault':<16} {'score':>6}")
    for c in result.candidates[:top]:
        lines.extend(_candidate_lines(c, _mark(c, roots)))
    for note in result.notes:
        lines.append(f"note: {safe(note)}")
    return "\n".join(lines)


def _candidate_of(result: RCAResult, root: RootCause) -> Candidate | None:
    """The candidate naming ``root``'s entity (a link whichever way round its id is written)."""
    key = _key(root.entity, root.kind)
    return next((c for c in result.candidates if _key(c.entity, c.kind) == key), None)


def _verdict(found: Candidate, root: RootCause) -> str:
    """Where the true root's entity ranks, and whether the fault named there is of its family."""
    text = f"entity at rank {found.rank}"
    if not root.fault:
        return text
    if same_fault(found.fault, root.fault):
        same = "" if found.fault == root.fault else f" ({safe(found.fault)}, the same family)"
        return f"{text}; fault right{same}"
    return f"{text}; fault wrong (named {safe(found.fault) or 'none'})"


def _mark(c: Candidate, roots: Sequence[RootCause]) -> str:
    """``<- true root`` for the true root's entity with its fault family; says so when only the entity is right."""
    for r in roots:
        if _key(c.entity, c.kind) == _key(r.entity, r.kind):
            if not r.fault or same_fault(c.fault, r.fault):
                return "  <- true root"
            return f"  <- true root's entity, but the fault is {safe(r.fault)}"
    return ""


def _candidate_lines(c: Candidate, mark: str) -> list[str]:
    out = [
        f"{c.rank:>4}  {safe(c.entity, limit=24):<24} {c.kind:<5} {safe(c.fault, limit=16):<16} "
        f"{c.score:>6.3f}{mark}"
    ]
    out += textwrap.wrap(
        f"why: {safe(c.reason)}", WIDTH, initial_indent=" " * 6, subsequent_indent=" " * 11
    )
    for e in c.evidence[:PATHS]:
        path = " -> ".join(safe(p, limit=40) for p in e.path)
        cited = ", ".join(
            f"{safe(a.alarm_type, limit=30)}@{safe(a.device, limit=30)}" for a in e.alarms[:3]
        )
        out.append(f"      path: {path}")
        out += textwrap.wrap(
            f"{safe(e.why)}" + (f" [{cited}]" if cited else ""),
            WIDTH,
            initial_indent=" " * 12,
            subsequent_indent=" " * 12,
        )
    if len(c.evidence) > PATHS:
        out.append(f"      (+{len(c.evidence) - PATHS} more evidence paths in the report)")
    return out
