"""``rca analyze``: rank the root causes of one or more incident folders.

A batch is a transaction per incident: whatever goes wrong while one
incident is read, ranked, reported or written out (a library error, a full
disk, a bug) becomes that incident's error, named with its folder on
stderr, and the batch goes on. Answers are printed as they are made: one
per line with ``--jsonl``, or as a JSON list that is closed properly even
when the run is interrupted (SIGINT, SIGTERM) with the answers so far.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Any

import click

from .._text import plural, terminal_safe
from ..analysis import METHODS
from ._batch import EXIT_FAILED, EXIT_SIGINT, EXIT_SIGTERM, Terminated, report_error, sigterm_raises
from ._common import fail, format_result, incident_folders, knowledge_option, skipped_folders

logger = logging.getLogger(__name__)


@click.command("analyze")
@click.argument("incident", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print the spec's JSON answer (a JSON list of answers for a folder of incidents).",
)
@click.option(
    "--jsonl",
    "as_jsonl",
    is_flag=True,
    help="Print one JSON answer per line, each as soon as its incident is done.",
)
@click.option(
    "--timing",
    is_flag=True,
    help="Add the analysis wall time ('seconds') to JSON answers. Left out by default, so that "
    "the answers of two runs on the same input are identical.",
)
@click.option(
    "--method",
    type=click.Choice(METHODS),
    default="explain",
    show_default=True,
    help="Ranker to use.",
)
@click.option("--top", default=5, show_default=True, help="Candidates shown in the table.")
@click.option(
    "--max-candidates", default=20, show_default=True, help="Candidates returned in JSON."
)
@knowledge_option
@click.option(
    "--html",
    "html_out",
    type=click.Path(path_type=Path),
    default=None,
    help="Also write an HTML report (a folder when analysing several incidents; "
    "for a batch, rca report writes an index and shares one plotly.js).",
)
@click.option(
    "--topology",
    "topology_spec",
    default=None,
    metavar="NODES.csv,LINKS.csv|TOPOLOGY.graphml",
    help="The network, for incident folders that hold the alarms only (it replaces a topology "
    "in the folder).",
)
@click.option(
    "--columns",
    default=None,
    metavar="device=NE_NAME,alarm_type=ALARM_NAME,...",
    help="The export's names of the alarm columns (timestamp, device, alarm_type, severity, "
    "link_id, message).",
)
def analyze(
    incident: Path,
    as_json: bool,
    as_jsonl: bool,
    timing: bool,
    method: str,
    top: int,
    max_candidates: int,
    knowledge: Path | None,
    html_out: Path | None,
    topology_spec: str | None,
    columns: str | None,
) -> None:
    """Rank the root causes of INCIDENT (a folder, or a folder of incident folders).

    One bad incident never stops a batch: its error is reported on stderr
    with its folder, and the exit code is 1 when any incident failed or got
    no candidates (a warning names it), 130 or 143 when interrupted, after
    the answers so far are printed.
    """
    from ..alarms import parse_columns
    from ..errors import MissingExtraError, RCAError
    from ..topology import Topology

    if as_json and as_jsonl:
        raise click.UsageError("--json and --jsonl are exclusive: choose one output format")
    if method not in METHODS:
        raise click.BadParameter(
            f"must be one of {', '.join(METHODS)}; got {method!r}", param_hint="--method"
        )
    try:
        mapping = parse_columns(columns)
        network = Topology.read(topology_spec) if topology_spec else None
    except RCAError as exc:
        fail(exc)
    graph = None
    if knowledge is not None:
        from ..causal import load_knowledge

        try:
            graph = load_knowledge(knowledge)
        except RCAError as exc:
            fail(exc)
    folders = incident_folders(incident)
    if not folders:
        fail(FileNotFoundError(f"{incident}: no alarms.csv here or in its subfolders"))
    batch = len(folders) > 1 or folders[0] != incident
    skipped = skipped_folders(incident) if batch else []
    if skipped:
        names = ", ".join(terminal_safe(p.name) for p in skipped[:5]) + (
            "..." if len(skipped) > 5 else ""
        )
        click.echo(
            f"note: {len(skipped)} subfolder(s) without alarms.csv skipped: {names}", err=True
        )
    if html_out is not None:
        _check_html_destination(html_out, batch)

    mode = "jsonl" if as_jsonl else ("list" if batch else "one") if as_json else "text"
    out = _Output(mode)
    failed = done = empty = 0
    interrupted: int | None = None
    with sigterm_raises():
        try:
            out.open()
            for folder in folders:
                name = folder.name if batch else str(folder)
                try:
                    text, n = _one(
                        folder,
                        name,
                        mode=mode,
                        method=method,
                        graph=graph,
                        top=top,
                        max_candidates=max_candidates,
                        timing=timing,
                        columns=mapping,
                        topology=network,
                        html=None
                        if html_out is None
                        else (html_out / f"{folder.name}.html" if batch else html_out),
                    )
                except _ReportFailed as exc:
                    failed += 1
                    report_error(folder, exc.cause)
                    text = exc.text
                    n = 1
                except MissingExtraError:
                    raise  # not this incident's fault: every one would fail alike (exit 2, the extra named)
                except Exception as exc:  # one incident's failure is never the batch's
                    failed += 1
                    report_error(folder, exc)
                    continue
                if n == 0:
                    empty += 1
                    click.echo(
                        terminal_safe(
                            f"warning: {folder}: no candidates: nothing in the alarms points to "
                            "an element, link or site of the topology (do the device names "
                            "match node_id? see rca analyze -v)"
                        ),
                        err=True,
                    )
                done += 1
                if text is not None:
                    out.answer(text)
        except KeyboardInterrupt:
            interrupted = EXIT_SIGINT
        except Terminated:
            interrupted = EXIT_SIGTERM
        finally:
            out.close()
    if interrupted is not None:
        click.echo(
            f"interrupted after {done + failed} of {len(folders)} incident(s); "
            f"the answers so far were printed",
            err=True,
        )
        sys.exit(interrupted)
    if failed or empty:
        sys.exit(EXIT_FAILED)


class _ReportFailed(Exception):
    """The answer was made but its report could not be written."""

    def __init__(self, cause: Exception, text: str | None) -> None:
        super().__init__(str(cause))
        self.cause, self.text = cause, text


def _one(
    folder: Path,
    name: str,
    *,
    mode: str,
    method: str,
    graph: Any,
    top: int,
    max_candidates: int,
    timing: bool,
    html: Path | None,
    columns: dict | None = None,
    topology: Any = None,
) -> tuple[str | None, int]:
    """Read, rank and format one incident; the text to print and the number of candidates."""
    from ..analysis import analyze as run
    from ..incident import read_incident

    inc = read_incident(folder, columns=columns, topology=topology)
    result = run(inc, method=method, knowledge=graph, max_candidates=max_candidates)
    if mode == "text":
        text = format_result(result, top=top)
        if len(inc.report):
            text += (
                f"\n  input: {plural(len(inc.report), 'validation issue')}; run with -v to see them"
            )
    else:
        data = result.to_dict()
        data["incident"] = name
        if not timing:
            data.pop("seconds", None)
        # allow_nan=False: a non-finite number would make the whole stream invalid JSON
        text = json.dumps(data, indent=None if mode == "jsonl" else 1, allow_nan=False)
    if html is not None:
        from ..report import write_report

        try:
            write_report(inc, result, html)
        except Exception as exc:
            raise _ReportFailed(_Wrapped(f"report not written: {exc}", exc), text) from exc
    return text, len(result.candidates)


class _Wrapped(Exception):
    def __init__(self, message: str, cause: Exception) -> None:
        super().__init__(message)
        self.cause = cause


def _check_html_destination(html_out: Path, batch: bool) -> None:
    from .._io import check_destination
    from ..errors import InputError

    try:
        if batch:
            if html_out.is_symlink() or (html_out.exists() and not html_out.is_dir()):
                raise InputError(
                    "expected a folder for the reports of several incidents, found a file "
                    "or a symbolic link",
                    file=html_out,
                )
        else:
            check_destination(html_out)
    except InputError as exc:
        fail(exc)


class _Output:
    """Prints answers as they come, keeping stdout valid JSON whatever happens."""

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.count = 0
        self.opened = False

    def open(self) -> None:
        if self.mode == "list":
            click.echo("[")
        self.opened = True

    def answer(self, text: str) -> None:
        if self.mode == "list":
            click.echo(("," if self.count else "") + text, nl=False)
            click.echo("")
        else:
            click.echo(text)
        sys.stdout.flush()
        self.count += 1

    def close(self) -> None:
        if not self.opened:
            return
        if self.mode == "list":
            click.echo("]")
        elif self.mode == "one" and self.count == 0:
            click.echo("[]")
        self.opened = False
