"""``rca discover``: learn an alarm-type causal graph from alarm history."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import click

from .._text import plural
from ._prior import prior_option, prior_params

__all__ = ["discover"]

logger = logging.getLogger(__name__)


@click.command("discover")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--method",
    "-m",
    default="thp",
    show_default=True,
    help="thp, mshawkes, granger, pc, fci, ges, or a baseline: empty, complete, random.",
)
@click.option("--max-hop", type=int, default=None, help="Topological reach of an excitation (thp).")
@click.option(
    "--max-parents",
    type=click.IntRange(min=1),
    default=None,
    help="ges: add no parent to an alarm type that has more than this many (causal-learn's maxP); bounds its search, which can take many minutes "
    "on many types (59 types: 20 min, 6 with 3, 1.5 with 2, 20 s with 1).",
)
@prior_option
@click.option("--json", "as_json", is_flag=True, help="Print the graph as JSON.")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the JSON to this file.",
)
@click.option(
    "--progress/--no-progress", default=True, help="pc, fci, ges: show the elapsed time on stderr."
)
def discover(
    path: Path,
    method: str,
    max_hop: int | None,
    max_parents: int | None,
    prior_path: str | None,
    as_json: bool,
    out: Path | None,
    progress: bool,
) -> None:
    """Learn which alarm types cause which from the alarm history at PATH.

    PATH is a PCIC-format folder (Alarm.csv, DAG.npy, Topology.npy), an
    alarms CSV, or a folder of incident folders each with alarms.csv. Node
    names are the input's alarm ids or alarm types. When the folder holds a
    true graph, its scores are shown too.
    """
    from rca.causal import read_alarm_history, score_graph
    from rca.causal._methods import make_method
    from rca.errors import RCAError

    if max_parents is not None and method.lower() != "ges":
        raise click.BadParameter(f"applies to ges only, not {method!r}", param_hint="--max-parents")
    try:
        history = read_alarm_history(path)
        alarms, topology, types, truth = (
            history.alarms,
            history.topology,
            history.types,
            history.truth,
        )
        params: dict = {"max_hop": max_hop} if max_hop is not None and method == "thp" else {}
        if method.lower() in ("pc", "fci", "ges"):
            params["progress"] = progress
        if max_parents is not None:
            params["max_parents"] = max_parents
        elif method.lower() == "ges":
            n_types = len(types) if types is not None else alarms["alarm_type"].nunique()
            click.echo(
                f"note: ges's search grows fast with the number of alarm types ({n_types} here) and can "
                "take many minutes; --max-parents 1 or 2 bounds it, Ctrl-C stops it",
                err=True,
            )
        params.update(prior_params(method, prior_path, history))
        est = make_method(method, **params).fit(alarms, topology, types=types)
    except RCAError as exc:
        raise click.ClickException(str(exc)) from None
    graph = est.graph_
    payload = {
        "nodes": list(graph.nodes),
        "edges": [
            {"cause": e["cause"], "effect": e["effect"], "weight": e["weight"], "lag_s": e["lag_s"]}
            for e in graph.to_dict()["edges"]
        ],
        "method": graph.method,
        "seconds": round(graph.seconds, 3),
    }
    if out is not None:
        graph.to_json(out)
    if as_json:
        click.echo(json.dumps(payload, indent=2))
        return
    click.echo(
        f"{graph.method}: {plural(len(graph.nodes), 'alarm type')}, {plural(len(graph), 'edge')}, "
        f"{graph.seconds:.1f} s"
    )
    for row in graph.edges.itertuples(index=False):
        lag = "" if row.lag_s != row.lag_s else f"  lag {row.lag_s:.0f} s"
        click.echo(f"  {row.cause} -> {row.effect}  weight {row.weight:.3g}{lag}")
    if truth is not None:
        s = score_graph(graph, truth)
        oriented = "-" if s.orientation != s.orientation else f"{s.orientation:.3f}"
        click.echo(
            f"vs true graph: precision {s.precision:.3f} recall {s.recall:.3f} F1 {s.f1:.3f} "
            f"SHD {s.shd} g-score {s.g_score:.3f}; direction ignored F1 {s.skeleton_f1:.3f}, "
            f"on true pairs {oriented} point the true way"
        )
