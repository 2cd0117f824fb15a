"""``rca propagate``: which elements a fault will affect, with probabilities and delays."""

from __future__ import annotations

import json
from pathlib import Path

import click

from .._text import plural, terminal_safe
from ._common import fail

__all__ = ["propagate"]


def _topology(path: Path):
    """The topology of an incident folder (nodes.csv + links.csv, or topology.graphml)."""
    from ..topology import Topology

    if (path / "nodes.csv").is_file():
        links = path / "links.csv"
        return Topology.read_csv(path / "nodes.csv", links if links.is_file() else None)
    if (path / "topology.graphml").is_file():
        return Topology.read_graphml(path / "topology.graphml")
    raise FileNotFoundError(f"{path}: neither nodes.csv nor topology.graphml found")


@click.command("propagate")
@click.argument("incident", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--fault",
    "hypothesis",
    required=True,
    metavar="KIND:ENTITY",
    help="The fault hypothesis, e.g. node_down:R7, link_down:R1--R2, site_power:S004.",
)
@click.option(
    "--json", "as_json", is_flag=True, help="Print JSON: fault, entity, affected elements."
)
@click.option(
    "--threshold",
    default=0.5,
    show_default=True,
    type=click.FloatRange(0.0, 1.0),
    help="Smallest symptom probability listed.",
)
@click.option("--top", default=30, show_default=True, help="Rows shown in the table.")
def propagate(incident: Path, hypothesis: str, as_json: bool, threshold: float, top: int) -> None:
    """Predict which elements of INCIDENT's network a fault will affect, and when.

    INCIDENT is an incident folder (only its topology is read). Elements are
    listed most probable first with the expected delay to their first alarm.
    """
    from ..datasets import FAULT_TYPES
    from ..errors import RCAError

    kind, sep, entity = hypothesis.partition(":")
    if not sep or not kind or not entity:
        raise click.BadParameter(
            f"expected KIND:ENTITY (e.g. node_down:R7), got {hypothesis!r}", param_hint="--fault"
        )
    if kind not in FAULT_TYPES:
        raise click.BadParameter(
            f"unknown fault type {kind!r}; one of {', '.join(FAULT_TYPES)}", param_hint="--fault"
        )
    try:
        from ..gnn import propagate as run

        result = run(_topology(incident), kind, entity)
    except (RCAError, OSError) as exc:
        fail(exc)
    if as_json:
        click.echo(json.dumps(result.to_dict(threshold), indent=1))
        return
    # the JSON's rounded values, so that the table never disagrees with it
    rows = [
        (a["entity"], a["probability"], a["delay_s"]) for a in result.to_dict(threshold)["affected"]
    ]
    click.echo(
        f"{kind} at {terminal_safe(entity)}: {plural(len(rows), 'element')} with symptom probability "
        f">= {threshold:g}"
    )
    for name, p, delay in rows[:top]:
        click.echo(f"  {terminal_safe(name):<28} p={p:.2f}  first alarm after ~{delay:.0f} s")
    if len(rows) > top:
        click.echo(f"  ... {len(rows) - top} more (use --json for all)")
