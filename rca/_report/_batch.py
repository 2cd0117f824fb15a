"""A batch report: incidents found in folders or long logs, analysed in parallel, written as one site.

The work is cut into *tasks*: an incident folder (read, segmented, analysed
and rendered where the task runs) or one incident already cut from a long
log. A task returns :class:`Outcome` records (the answer, the summary row
and the rendered page, or the error); only the process that writes the
report touches the output folder, so a Dask cluster's workers need to read
the inputs but never write.

Layout of the output folder::

    index.html            incidents over time, the table (filter, sort), the failures
    incidents/<id>.html   one page per incident
    assets/plotly.min.js  one shared copy of plotly.js (offline)
    results.json          the answers (spec: incident_id, start, end added)
    summary.csv           one row per incident
"""

from __future__ import annotations

import csv
import io
import json
import logging
import os
import re
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

from markupsafe import Markup

from .._io import atomic_write_text
from .._time import to_iso
from .._transaction import describe, guarded
from ..errors import InputError, MissingExtraError
from ..incident import Incident
from ..result import RCAResult

__all__ = ["BatchOptions", "BatchSummary", "Outcome", "Task", "folder_tasks", "log_tasks", "run_task",
           "write_batch", "PLOTLY_ASSET"]

logger = logging.getLogger(__name__)

#: Where the shared plotly.js goes, relative to the output folder.
PLOTLY_ASSET = "assets/plotly.min.js"

_SUMMARY_COLUMNS = ("incident_id", "start", "end", "top_entity", "kind", "fault", "probability", "confident",
                    "n_alarms", "n_candidates", "page", "error")


@dataclass(frozen=True)
class BatchOptions:
    """How every incident of a batch is read and analysed (sent to the workers)."""

    method: str = "explain"
    max_candidates: int = 20
    knowledge: Any = None
    segment: bool = True
    context: str = "segment"
    columns: dict | None = None
    topology: Any = None         # a Topology for folders that hold alarms only
    segment_params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Task:
    """One unit of work: a folder to read (``path``) or an incident already cut (``incident``)."""

    name: str
    path: str | None = None
    incident: Incident | None = None


@dataclass
class Outcome:
    """What one incident gave: its answer and page, or its error."""

    incident_id: str
    start: float | None = None
    end: float | None = None
    n_alarms: int = 0
    answer: dict | None = None
    page: str | None = None
    error: str | None = None
    source: str = ""
    notes: tuple[str, ...] = ()

    @property
    def n_candidates(self) -> int:
        return len(self.answer["candidates"]) if self.answer else 0

    @property
    def top(self) -> dict | None:
        return self.answer["candidates"][0] if self.answer and self.answer["candidates"] else None


@dataclass
class BatchSummary:
    """What a batch wrote."""

    out: Path
    outcomes: list[Outcome]
    seconds: float
    no_incident: list[str] = field(default_factory=list)

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.error is not None]

    @property
    def empty(self) -> list[Outcome]:
        """Analysed without error but with no candidate."""
        return [o for o in self.outcomes if o.error is None and o.n_candidates == 0]

    @property
    def analysed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.error is None]


# ------------------------------------------------------------------- tasks
def folder_tasks(folders: Iterable[Path]) -> list[Task]:
    """One task per incident folder."""
    return [Task(Path(f).name, path=str(f)) for f in folders]


def log_tasks(incidents: Iterable[Incident]) -> list[Task]:
    """One task per incident already cut from a long log."""
    return [Task(inc.name, incident=inc) for inc in incidents]


def run_task(task: Task, options: BatchOptions) -> list[Outcome]:
    """Read (and segment) a folder, or take the incident; analyse and render each. Never raises for one incident.

    A :class:`~rca.errors.MissingExtraError` propagates: every incident would fail alike.
    """
    if task.incident is not None:
        return [_analyse(task.incident, options, source=task.name)]
    incidents, error = guarded(_incidents_of_folder, Path(task.path or "."), options)
    if error is not None:
        return [Outcome(task.name, error=describe(error), source=task.name)]
    return [_analyse(inc, options, source=task.name, notes=notes) for inc, notes in incidents]


def _incidents_of_folder(folder: Path, options: BatchOptions) -> list[tuple[Incident, tuple[str, ...]]]:
    from ..incident import read_incident
    from ..segment import segment

    inc = read_incident(folder, columns=options.columns, topology=options.topology)
    if not options.segment:
        return [(inc, ())]
    seg = segment(inc.alarms, inc.topology, inc.metrics, name=folder.name, **options.segment_params)
    if len(seg) == 0:
        note = (f"segmentation found no burst of lasting alarms in the {len(inc.alarms)} alarms of this folder; "
                "the whole log was analysed as one incident")
        return [(inc, (note,))]
    if len(seg) == 1:
        one = seg.incident(0, context=options.context)
        one.name = folder.name
        one.truth = inc.truth
        return [(one, ())]
    out = []
    for i in range(len(seg)):
        part = seg.incident(i, context=options.context)
        out.append((part, (f"one of {len(seg)} incidents found in {folder.name}",)))
    return out


def _analyse(inc: Incident, options: BatchOptions, *, source: str, notes: tuple[str, ...] = ()) -> Outcome:
    window = (inc.alarms.start, inc.alarms.end) if len(inc.alarms) else (None, None)
    out = Outcome(inc.name, window[0], window[1], len(inc.alarms), source=source, notes=notes)
    result, error = guarded(_rank, inc, options)
    if error is not None:
        out.error = describe(error)
        return out
    if notes:
        result = replace(result, notes=tuple(result.notes) + notes)
    answer = result.to_dict()
    answer.update(incident=inc.name, incident_id=inc.name,
                  start=to_iso(window[0]) if window[0] is not None else None,
                  end=to_iso(window[1]) if window[1] is not None else None)
    answer.pop("seconds", None)
    out.answer = answer
    page, error = guarded(_page, inc, result)
    if error is not None:
        out.error = f"page not rendered: {describe(error)}"
    out.page = page
    return out


def _rank(inc: Incident, options: BatchOptions) -> RCAResult:
    from ..analysis import analyze

    return analyze(inc, method=options.method, knowledge=options.knowledge, max_candidates=options.max_candidates)


def _page(inc: Incident, result: RCAResult) -> str:
    from ..report import render_report

    return render_report(inc, result, plotly_src=f"../{PLOTLY_ASSET}", index_href="../index.html")


# ---------------------------------------------------------------- executors
def _serial(tasks: Sequence[Task], options: BatchOptions) -> Iterator[tuple[Task, list[Outcome] | None, BaseException | None]]:
    for task in tasks:
        try:
            yield task, run_task(task, options), None
        except MissingExtraError:
            raise
        except Exception as exc:  # a bug outside one incident's transaction: still that task's
            yield task, None, exc


def _local(tasks: Sequence[Task], options: BatchOptions, jobs: int) -> Iterator[tuple[Task, list[Outcome] | None, BaseException | None]]:
    import concurrent.futures as cf
    import multiprocessing

    context = multiprocessing.get_context("forkserver" if "forkserver" in multiprocessing.get_all_start_methods()
                                          else "spawn")
    with cf.ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        futures = {pool.submit(run_task, t, options): t for t in tasks}
        try:
            for fut in cf.as_completed(futures):
                exc = fut.exception()
                if isinstance(exc, MissingExtraError):
                    raise exc
                yield futures[fut], None if exc is not None else fut.result(), exc
        except BaseException:
            for f in futures:
                f.cancel()
            raise


def _dask(tasks: Sequence[Task], options: BatchOptions, scheduler: str) -> Iterator[tuple[Task, list[Outcome] | None, BaseException | None]]:
    from .._extras import require

    (distributed,) = require("dask", "distributed", feature="rca report --scheduler (a Dask cluster)")
    client = distributed.Client(scheduler)
    try:
        futures = {client.submit(run_task, t, options, pure=False, key=f"rca-report-{i}-{t.name}"): t
                   for i, t in enumerate(tasks)}
        try:
            for fut in distributed.as_completed(list(futures)):
                exc = fut.exception()
                if isinstance(exc, MissingExtraError):
                    raise exc
                yield futures[fut], None if exc is not None else fut.result(), exc
        except BaseException:
            client.cancel(list(futures))
            raise
    finally:
        client.close()


# ------------------------------------------------------------------ writing
def write_batch(tasks: Sequence[Task], out: str | Path, *, options: BatchOptions | None = None, jobs: int = 1,
                scheduler: str | None = None, progress: bool = False,
                on_outcome: Callable[[Outcome], None] | None = None, title: str = "RCA report",
                no_incident: Sequence[str] = ()) -> BatchSummary:
    """Analyse every task and write the report folder (see the module docstring).

    Parameters
    ----------
    tasks : sequence of Task
        From :func:`folder_tasks` and :func:`log_tasks`.
    out : str or Path
        The output folder (created; files in it are replaced atomically).
    options : BatchOptions, optional
    jobs : int, default 1
        Local worker processes; 1 runs in this process.
    scheduler : str, optional
        The address of a Dask distributed scheduler: run the tasks there
        (needs the ``dask`` extra).
    progress : bool, default False
        A tqdm progress bar on stderr.
    on_outcome : callable, optional
        Called with each outcome as it arrives (the CLI prints errors).
    title : str
        Title of the index page.
    no_incident : sequence of str
        Inputs in which segmentation found no incident (listed in the index).

    Returns
    -------
    BatchSummary

    Notes
    -----
    An interruption (``KeyboardInterrupt``) stops the batch after writing
    the index, JSON and CSV of the incidents done so far, then propagates.
    """
    options = options or BatchOptions()
    out = Path(out)
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise InputError("expected a folder for the report, found a file or a symbolic link", file=out)
    (out / "incidents").mkdir(parents=True, exist_ok=True)
    _write_plotly(out)
    started = time.perf_counter()
    if scheduler:
        stream = _dask(tasks, options, scheduler)
    elif jobs > 1 and len(tasks) > 1:
        stream = _local(tasks, options, jobs)
    else:
        stream = _serial(tasks, options)
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=len(tasks), unit="task", desc="analysing", dynamic_ncols=True)
    outcomes: list[Outcome] = []
    pages: dict[str, str] = {}
    try:
        for task, results, exc in stream:
            if exc is not None:
                results = [Outcome(task.name, error=describe(exc), source=task.name)]
            for o in results or []:
                _write_page(out, o, pages)
                o.page = None   # written; do not keep every page in memory
                outcomes.append(o)
                if on_outcome is not None:
                    on_outcome(o)
            if bar is not None:
                failed = sum(o.error is not None for o in outcomes)
                bar.set_postfix(incidents=len(outcomes), failed=failed, refresh=False)
                bar.update(1)
    finally:
        if bar is not None:
            bar.close()
        summary = BatchSummary(out, sorted(outcomes, key=_order), time.perf_counter() - started, list(no_incident))
        _write_tables(summary, pages, title)
    return summary


def _order(o: Outcome) -> tuple:
    return (o.start is None, o.start or 0.0, o.incident_id)


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def page_name(incident_id: str, taken: Iterable[str]) -> str:
    """A file name for an incident's page: safe characters only, unique.

    Examples
    --------
    >>> page_name("day/01 <x>", [])
    'day_01_x_.html'
    >>> page_name("a", ["a.html"])
    'a-2.html'
    """
    stem = _UNSAFE.sub("_", incident_id).strip(".")[:80] or "incident"
    taken = set(taken)
    name, k = f"{stem}.html", 1
    while name in taken:
        k += 1
        name = f"{stem}-{k}.html"
    return name


def _write_page(out: Path, o: Outcome, pages: dict[str, str]) -> None:
    if o.page is None:
        return
    name = page_name(o.incident_id, pages.values())
    try:
        atomic_write_text(out / "incidents" / name, o.page)
        pages[o.incident_id] = name
    except OSError as exc:
        o.error = f"page not written: {exc}"


def _write_plotly(out: Path) -> None:
    from plotly.offline import get_plotlyjs

    target = out / PLOTLY_ASSET
    js = get_plotlyjs()
    if not (target.is_file() and target.stat().st_size == len(js.encode("utf-8"))):
        atomic_write_text(target, js)


def _write_tables(summary: BatchSummary, pages: dict[str, str], title: str) -> None:
    out = summary.out
    answers = []
    for o in summary.outcomes:
        if o.answer is not None:
            a = dict(o.answer)
            if o.error:
                a["error"] = o.error
            answers.append(a)
        else:
            answers.append({"incident": o.incident_id, "incident_id": o.incident_id,
                            "start": to_iso(o.start) if o.start is not None else None,
                            "end": to_iso(o.end) if o.end is not None else None,
                            "confident": False, "candidates": [], "error": o.error})
    atomic_write_text(out / "results.json", json.dumps(answers, indent=1, allow_nan=False, ensure_ascii=False) + "\n")
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(_SUMMARY_COLUMNS)
    for o in summary.outcomes:
        top = o.top
        writer.writerow([_csv_safe(o.incident_id), to_iso(o.start) if o.start is not None else "",
                         to_iso(o.end) if o.end is not None else "",
                         _csv_safe(top["entity"]) if top else "", top["kind"] if top else "",
                         top["fault"] if top else "", f"{top['score']:.4f}" if top else "",
                         str(bool(o.answer and o.answer.get("confident"))).lower() if o.answer else "",
                         o.n_alarms, o.n_candidates, f"incidents/{pages[o.incident_id]}" if o.incident_id in pages else "",
                         _csv_safe(o.error or ("no candidates" if o.answer is not None and not top else ""))])
    atomic_write_text(out / "summary.csv", buf.getvalue())
    atomic_write_text(out / "index.html", render_index(summary, pages, title))


def _csv_safe(value: object) -> str:
    """A cell a spreadsheet will not run as a formula (alarm text is untrusted)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def render_index(summary: BatchSummary, pages: dict[str, str], title: str) -> str:
    """The index page of a batch."""
    from ..report import _environment, _version
    from ._escape import esc, figure_json

    rows = []
    for o in summary.outcomes:
        top = o.top
        rows.append({
            "id": o.incident_id, "page": f"incidents/{pages[o.incident_id]}" if o.incident_id in pages else "",
            "start": to_iso(o.start) if o.start is not None else "", "end": to_iso(o.end) if o.end is not None else "",
            "start_sort": f"{o.start:.3f}" if o.start is not None else "",
            "entity": top["entity"] if top else "", "kind": top["kind"] if top else "",
            "fault": top["fault"] if top else "", "probability": f"{top['score']:.2f}" if top else "",
            "confident": bool(o.answer and o.answer.get("confident")), "n_alarms": o.n_alarms,
            "error": o.error or "", "empty": o.error is None and not top, "source": o.source,
        })
    import plotly.graph_objects as go

    fig = go.Figure()
    ok = [o for o in summary.outcomes if o.start is not None and o.top is not None]
    for confident in (True, False):
        pts = [o for o in ok if bool(o.answer and o.answer.get("confident")) == confident]
        if not pts:
            continue
        fig.add_trace(go.Scatter(
            x=[to_iso(o.start).replace("Z", "") for o in pts], y=[o.top["score"] for o in pts], mode="markers",
            name="confident" if confident else "not confident",
            marker={"size": [min(8 + o.n_alarms ** 0.5, 30) for o in pts], "color": "#d62728" if confident else "#f2a93b",
                    "line": {"color": "white", "width": 1}},
            hovertext=[f"<b>{esc(o.incident_id, limit=60)}</b><br>{esc(o.top['entity'], limit=60)}: "
                       f"{esc(o.top['fault'])}<br>probability {o.top['score']:.2f}<br>{o.n_alarms} alarms"
                       for o in pts], hoverinfo="text"))
    failed = [o for o in summary.outcomes if o.start is not None and o.error is not None and o.top is None]
    if failed:
        fig.add_trace(go.Scatter(x=[to_iso(o.start).replace("Z", "") for o in failed], y=[0.0] * len(failed),
                                 mode="markers", name="failed", marker={"symbol": "x", "size": 10, "color": "#555"},
                                 hovertext=[esc(o.incident_id, limit=60) for o in failed], hoverinfo="text"))
    fig.update_layout(height=300, margin={"l": 40, "r": 10, "t": 30, "b": 40}, plot_bgcolor="white",
                      paper_bgcolor="white", xaxis={"title": {"text": "incident start (UTC)"}, "gridcolor": "#eee"},
                      yaxis={"title": {"text": "probability of the top root"}, "range": [-0.05, 1.05],
                             "gridcolor": "#eee"}, legend={"orientation": "h", "y": 1.1})
    counts = {"incidents": len(summary.outcomes), "analysed": len(summary.analysed), "failed": len(summary.failed),
              "empty": len(summary.empty), "alarms": sum(o.n_alarms for o in summary.outcomes),
              "confident": sum(1 for r in rows if r["confident"])}
    return _environment().get_template("index.html").render(
        title=title, version=_version(), rows=rows, counts=counts, seconds=f"{summary.seconds:.1f}",
        failed=[r for r in rows if r["error"]], no_incident=summary.no_incident,
        timeline_json=Markup(figure_json(fig)), plotly_src=PLOTLY_ASSET)


def default_jobs() -> int:
    """The local cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)
