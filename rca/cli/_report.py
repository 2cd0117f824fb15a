"""``rca report``: the incidents of a folder, a folder of folders or a long log, as a report a NOC reads.

Every input is segmented (:func:`rca.segment`): a log that holds several
incidents gives several pages. The incidents are analysed in parallel on
the local cores, or on a Dask cluster (``--scheduler``); one failing
incident is listed in the index and on stderr, and never stops the others.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .._text import plural, terminal_safe
from ..analysis import METHODS
from ._batch import EXIT_FAILED, EXIT_SIGINT, EXIT_SIGTERM, Terminated, sigterm_raises
from ._common import fail, incident_folders, knowledge_option, skipped_folders


@click.command("report")
@click.argument("source", metavar="INPUT", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--out",
    "-o",
    required=True,
    type=click.Path(path_type=Path),
    help="Folder to write index.html, incidents/*.html, results.json and summary.csv into.",
)
@click.option(
    "--topology",
    "topology_spec",
    default=None,
    metavar="NODES.csv,LINKS.csv|TOPOLOGY.graphml",
    help="The network, for a bare alarms file or folders that hold alarms only.",
)
@click.option(
    "--columns",
    default=None,
    metavar="device=NE_NAME,alarm_type=ALARM_NAME,...",
    help="The export's names of the alarm columns (timestamp, device, alarm_type, severity, "
    "link_id, message).",
)
@click.option(
    "--no-segment", is_flag=True, help="Keep each incident folder whole (a long log is always cut)."
)
@click.option(
    "--method",
    type=click.Choice(METHODS),
    default="explain",
    show_default=True,
    help="Ranker to use.",
)
@click.option(
    "--max-candidates", default=20, show_default=True, help="Candidates kept per incident."
)
@knowledge_option
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="Local worker processes [default: the cores this process may use].",
)
@click.option(
    "--scheduler",
    default=None,
    metavar="ADDRESS",
    help="Run on a Dask distributed cluster (e.g. tcp://host:8786); needs the 'dask' extra. Workers "
    "read the inputs by path; only this process writes.",
)
@click.option(
    "--progress/--no-progress", default=True, show_default=True, help="Progress bar on stderr."
)
@click.option("--title", default=None, help="Title of the index page.")
def report(
    source: Path,
    out: Path,
    topology_spec: str | None,
    columns: str | None,
    no_segment: bool,
    method: str,
    max_candidates: int,
    knowledge: Path | None,
    jobs: int | None,
    scheduler: str | None,
    progress: bool,
    title: str | None,
) -> None:
    """Write the report of INPUT: an incident folder, a folder of incident folders, or a long alarm log (a CSV file).

    A long log needs its topology: --topology, or nodes.csv / topology.graphml
    beside it (metrics.csv beside it is read too). The exit code is 0 when
    every incident was analysed with candidates, 1 when any failed, had no
    candidates or no incident was found (each named on stderr and in the
    index) or the input cannot be read at all, 2 for bad arguments or a
    missing extra, 130 / 143 when interrupted (the index then lists the
    incidents done so far).
    """
    from .._report._batch import BatchOptions, default_jobs, folder_tasks, write_batch
    from ..alarms import parse_columns
    from ..errors import RCAError
    from ..topology import Topology

    graph = None
    try:
        mapping = parse_columns(columns) or None
        network = Topology.read(topology_spec) if topology_spec else None
        if knowledge is not None:
            from ..causal import load_knowledge

            graph = load_knowledge(knowledge)
    except RCAError as exc:
        fail(exc)
    if scheduler:
        from .._extras import require

        require("dask", "distributed", feature="rca report --scheduler (a Dask cluster)")
    options = BatchOptions(
        method=method,
        max_candidates=max_candidates,
        knowledge=graph,
        segment=not no_segment,
        columns=mapping,
        topology=network,
    )
    no_incident: list[str] = []
    if source.is_file():
        tasks = _long_log(source, network, mapping, options, no_incident)
    else:
        folders = incident_folders(source)
        if not folders:
            fail(FileNotFoundError(f"{source}: no alarms.csv here or in its subfolders"))
        skipped = skipped_folders(source)
        if skipped:
            names = ", ".join(terminal_safe(p.name) for p in skipped[:5]) + (
                "..." if len(skipped) > 5 else ""
            )
            click.echo(
                f"note: {plural(len(skipped), 'subfolder')} without alarms.csv skipped: {names}",
                err=True,
            )
        tasks = folder_tasks(folders)

    def on_outcome(o) -> None:  # noqa: ANN001
        if o.error is not None:
            click.echo(terminal_safe(f"error: {o.incident_id}: {o.error}"), err=True)
        elif o.n_candidates == 0:
            click.echo(
                terminal_safe(
                    f"warning: {o.incident_id}: no candidates: nothing in its alarms points to an "
                    "element, link or site of the topology (do the device names match node_id?)"
                ),
                err=True,
            )

    interrupted = None
    summary = None
    with sigterm_raises():
        try:
            summary = write_batch(
                tasks,
                out,
                options=options,
                jobs=jobs or default_jobs(),
                scheduler=scheduler,
                progress=progress,
                on_outcome=on_outcome,
                no_incident=no_incident,
                title=title or f"RCA report: {source.name}",
            )
        except KeyboardInterrupt:
            interrupted = EXIT_SIGINT
        except Terminated:
            interrupted = EXIT_SIGTERM
        except RCAError as exc:
            if type(exc).__name__ == "MissingExtraError":
                raise
            fail(exc)
        except OSError as exc:
            fail(exc)
    if interrupted is not None:
        click.echo(f"interrupted; {out / 'index.html'} lists the incidents done so far", err=True)
        sys.exit(interrupted)
    assert summary is not None
    for name in no_incident:
        click.echo(
            terminal_safe(
                f"warning: {name}: no incident found: every alarm is background "
                "(no burst of lasting alarms on touching elements)"
            ),
            err=True,
        )
    click.echo(
        f"{plural(len(summary.outcomes), 'incident')}: {len(summary.analysed)} analysed, "
        f"{len(summary.failed)} failed, {len(summary.empty)} without candidates, in {summary.seconds:.1f} s; "
        f"report: {terminal_safe(str((out / 'index.html').resolve()))}"
    )
    if summary.failed or summary.empty or no_incident:
        sys.exit(EXIT_FAILED)


def _long_log(path: Path, network, mapping, options, no_incident: list[str]):  # noqa: ANN001
    """Read a bare alarms file with its topology, cut it into incidents: one task each."""
    from .._report._batch import log_tasks
    from ..alarms import AlarmLog
    from ..errors import InputError, RCAError
    from ..metrics import Metrics
    from ..segment import segment
    from ..topology import Topology

    try:
        if network is None:
            here = path.parent
            if (here / "nodes.csv").exists() or (here / "topology.graphml").exists():
                network = Topology.read(here)
            else:
                raise InputError(
                    "a long log needs its topology: give --topology NODES.csv,LINKS.csv or "
                    "--topology TOPOLOGY.graphml (or put nodes.csv beside it)",
                    file=path,
                )
        alarms = AlarmLog.read_csv(path, topology=network, columns=mapping)
        metrics_path = path.parent / "metrics.csv"
        metrics = (
            Metrics.read_csv(metrics_path, topology=network)
            if metrics_path.exists() and metrics_path != path
            else None
        )
        seg = segment(alarms, network, metrics, name=path.stem)
    except RCAError as exc:
        if "missing required column" in str(exc):
            raise click.ClickException(
                terminal_safe(
                    f"{exc}; name an export's own columns with --columns "
                    "device=NE_NAME,alarm_type=ALARM_NAME,timestamp=RAISE_TIME"
                )
            ) from exc
        fail(exc)
    click.echo(
        f"{path.name}: {plural(len(alarms), 'alarm')} cut into {plural(len(seg), 'incident')}; "
        f"{seg.n_background} background",
        err=True,
    )
    if not len(seg):
        no_incident.append(path.name)
    return log_tasks(seg.incidents(context=options.context))
