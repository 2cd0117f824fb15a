"""``rca evaluate``: accuracy and calibration of the analysis on incidents with truth.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from .._text import terminal_safe as _safe
from ..analysis import METHODS
from ._common import fail, incident_folders

if TYPE_CHECKING:  # pragma: no cover
    from ..incident import Truth


def _truth_or_none(folder: Path) -> Truth | None:
    """The folder's truth when it can be read on its own (the incident could not)."""
    from ..incident import read_truth

    try:
        return read_truth(folder / "truth.json")
    except Exception:  # noqa: BLE001 - an unreadable truth just leaves the failure one unknown root
        return None


def _three(value: float) -> str:
    return f"{value:.3f}"


@click.command("evaluate")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--json", "as_json", is_flag=True, help="Print the metrics (and reliability table) as JSON."
)
@click.option(
    "--method",
    type=click.Choice(METHODS),
    default="explain",
    show_default=True,
    help="Ranker to evaluate.",
)
@click.option("--progress/--no-progress", default=True, help="Show a progress bar on stderr.")
def evaluate(folder: Path, as_json: bool, method: str, progress: bool) -> None:
    """AC@1, AC@3, AC@5, Avg@5, MRR, fault-aware AC@1 and calibration over FOLDER's incidents.

    An incident that cannot be read or ranked counts as a miss; the command
    then exits with code 1. A method whose extra is not installed stops the
    run at once (exit code 2), naming the extra.
    """
    from tqdm import tqdm

    from ..analysis import analyze as run
    from ..errors import MissingExtraError
    from ..evaluation import score_failure, score_incident, summarize
    from ..incident import read_incident

    folders = [f for f in incident_folders(folder) if (f / "truth.json").exists()]
    if not folders:
        fail(FileNotFoundError(f"{folder}: no incident folders with truth.json"))
    scores = []
    for path in tqdm(folders, disable=not progress, desc="evaluate", unit="incident"):
        try:
            inc = read_incident(path)
            assert inc.truth is not None  # the folder has a truth.json
            scores.append(score_incident(run(inc, method=method), inc.truth))
        except MissingExtraError:
            raise  # not the incident's fault: every one would fail the same way (the CLI names the extra)
        except Exception as exc:  # noqa: BLE001 - one broken incident is a miss to report, not the end of the run
            scores.append(
                score_failure(path.name, _truth_or_none(path), f"{type(exc).__name__}: {exc}")
            )
    ev = summarize(scores, method=method)
    n_failed = len(ev.failures)
    if as_json:
        click.echo(json.dumps(ev.to_dict(), indent=1))
    else:
        click.echo(ev.to_frame().to_string(index=False, float_format=_three))
        table = ev.reliability()
        click.echo("\nreliability of the rank-1 scores (bins with answers):")
        click.echo(table[table["n"] > 0].to_string(index=False, float_format=_three))
        click.echo(f"\n{len(ev.scores)} analysed, {n_failed} failed")
    for name, err in ev.failures:
        click.echo(f"failed: {_safe(name)}: {_safe(err)}", err=True)
    if n_failed:
        click.get_current_context().exit(1)
