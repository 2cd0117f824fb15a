"""``rca learn``: learn alarm causal knowledge from history, for ``rca analyze --knowledge``."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import click

from .._text import plural
from ._prior import prior_option, prior_params

__all__ = ["learn"]


def _read_topology(path: Path):  # -> Topology
    """A topology from a folder with nodes.csv (and links.csv) or a GraphML file."""
    from rca.errors import InputError
    from rca.topology import Topology

    if path.is_dir():
        if not (path / "nodes.csv").is_file():
            raise InputError("expected nodes.csv (and links.csv) in the topology folder", file=path)
        links = path / "links.csv"
        return Topology.read_csv(path / "nodes.csv", links if links.is_file() else None)
    return Topology.read_graphml(path)


@click.command("learn")
@click.argument("history", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The knowledge file to write (JSON).",
)
@click.option(
    "--method",
    "-m",
    default=None,
    help="Discovery method (default thp): thp, mshawkes, granger, pc, fci, ges.",
)
@click.option("--max-hop", type=int, default=None, help="Topological reach of an excitation (thp).")
@click.option(
    "--topology",
    type=click.Path(exists=True, path_type=Path),
    default=None,
    help="The network of an alarms CSV: a folder with nodes.csv/links.csv, or a GraphML file.",
)
@prior_option
def learn(
    history: Path,
    out: Path,
    method: str | None,
    max_hop: int | None,
    topology: Path | None,
    prior_path: str | None,
) -> None:
    """Learn which alarm types cause which from the alarm HISTORY, and write it to --out.

    HISTORY is a folder of incident folders (as written by rca simulate),
    one incident folder, a long alarms CSV (with --topology for its network)
    or a PCIC-format folder. Clear events are left out. The knowledge file is
    plain JSON: the learned graph (nodes, edges with weight and typical lag),
    the method and its parameters, and where it came from. Use it with
    rca analyze INCIDENT --knowledge FILE.
    """
    from rca._text import terminal_safe
    from rca.causal import learn_knowledge, read_alarm_history, save_knowledge
    from rca.causal._methods import DEFAULT_METHOD
    from rca.errors import RCAError

    name = method or DEFAULT_METHOD
    try:
        data = read_alarm_history(history, drop_cleared=True)
        if topology is not None:
            if data.n_incidents > 1:
                raise click.UsageError(
                    "--topology is for an alarms CSV; incident folders carry their own network"
                )
            data = dataclasses.replace(data, topology=_read_topology(topology))
        params: dict[str, Any] = (
            {"max_hop": max_hop} if max_hop is not None and name == "thp" else {}
        )
        params.update(prior_params(name, prior_path, data))
        graph = learn_knowledge(data, method=name, **params)
        save_knowledge(
            graph,
            out,
            source=str(history),
            n_alarms=len(data.alarms),
            n_incidents=data.n_incidents or None,
        )
    except (RCAError, OSError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(
        f"{graph.method}: {plural(len(data.alarms), 'alarm')}"
        + (f" from {plural(data.n_incidents, 'incident')}" if data.n_incidents else "")
        + f", {plural(len(graph.nodes), 'alarm type')}, {plural(len(graph), 'causal edge')} "
        f"in {graph.seconds:.1f} s; wrote {out}"
    )
    for row in graph.edges.head(10).itertuples(index=False):
        lag = "" if row.lag_s != row.lag_s else f"  lag {row.lag_s:.0f} s"
        click.echo(
            f"  {terminal_safe(row.cause)} -> {terminal_safe(row.effect)}  weight {row.weight:.3g}{lag}"
        )
    if len(graph) > 10:
        click.echo(f"  ... and {len(graph) - 10} more")
