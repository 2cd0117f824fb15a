"""``rca analyze``: rank the root causes of one or more incident folders."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..analysis import METHODS
from ._common import fail, format_result, incident_folders


@click.command("analyze")
@click.argument("incident", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the spec's JSON answer.")
@click.option("--method", type=click.Choice(METHODS), default="explain", show_default=True,
              help="Ranker to use.")
@click.option("--top", default=5, show_default=True, help="Candidates shown in the table.")
@click.option("--max-candidates", default=20, show_default=True, help="Candidates returned in JSON.")
@click.option("--knowledge", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="A learned alarm causal graph (rca learn): adds root-cause chains to the evidence "
                   "and orders equally scored candidates by them.")
@click.option("--html", "html_out", type=click.Path(path_type=Path), default=None,
              help="Also write an HTML report (a folder when analysing several incidents).")
def analyze(incident: Path, as_json: bool, method: str, top: int, max_candidates: int, knowledge: Path | None,
            html_out: Path | None) -> None:
    """Rank the root causes of INCIDENT (a folder, or a folder of incident folders).

    One bad incident never stops a batch: it is reported on stderr and the
    exit code is 1 when any incident failed.
    """
    from ..analysis import analyze as run
    from ..errors import RCAError
    from ..incident import read_incident

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
    failed = 0
    answers = []
    for folder in folders:
        try:
            inc = read_incident(folder)
            result = run(inc, method=method, knowledge=graph, max_candidates=max_candidates)
        except (RCAError, OSError) as exc:
            failed += 1
            click.echo(f"error: {folder}: {exc}", err=True)
            continue
        if html_out is not None:
            from ..report import write_report

            write_report(inc, result, html_out if len(folders) == 1 else html_out / f"{folder.name}.html")
        if as_json:
            data = result.to_dict()
            data["incident"] = str(folder) if len(folders) == 1 else folder.name
            answers.append(data)
        else:
            click.echo(format_result(result, top=top))
            if len(inc.report):
                click.echo(f"  input: {len(inc.report)} validation issue(s); run with -v to see them")
    if as_json:
        click.echo(json.dumps(answers[0] if len(folders) == 1 and answers else answers, indent=1))
    if failed:
        sys.exit(1)
