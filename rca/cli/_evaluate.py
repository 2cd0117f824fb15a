"""``rca evaluate``: accuracy of the analysis on incidents with truth.json."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ._common import fail, incident_folders


@click.command("evaluate")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the metrics as JSON.")
@click.option("--method", default="explain", show_default=True, help="Ranker to evaluate.")
@click.option("--progress/--no-progress", default=True, help="Show a progress bar on stderr.")
def evaluate(folder: Path, as_json: bool, method: str, progress: bool) -> None:
    """AC@1, AC@3, AC@5, Avg@5 and MRR over FOLDER's incidents, overall and per fault type."""
    from tqdm import tqdm

    from ..analysis import analyze as run
    from ..errors import RCAError
    from ..evaluation import score_incident, summarize
    from ..incident import read_incident

    folders = [f for f in incident_folders(folder) if (f / "truth.json").exists()]
    if not folders:
        fail(FileNotFoundError(f"{folder}: no incident folders with truth.json"))
    scores, failures = [], []
    for path in tqdm(folders, disable=not progress, desc="evaluate", unit="incident"):
        try:
            inc = read_incident(path)
            scores.append(score_incident(run(inc, method=method), inc.truth))
        except (RCAError, OSError) as exc:
            failures.append((path.name, str(exc)))
    ev = summarize(scores, failures, method)
    if as_json:
        click.echo(json.dumps(ev.to_dict(), indent=1))
        return
    frame = ev.to_frame()
    click.echo(frame.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    for name, err in failures:
        click.echo(f"failed: {name}: {err}", err=True)
