"""``rca discover``: learn an alarm-type causal graph from alarm history."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import click

__all__ = ["discover", "read_history"]

logger = logging.getLogger(__name__)


def read_history(path: Path):  # -> (alarms, topology, types, truth)
    """Alarm history from a PCIC folder, an alarms CSV or a folder of incident folders."""
    import pandas as pd

    from rca.alarms import AlarmLog
    from rca.errors import InputError

    if path.is_file():
        return AlarmLog.read_csv(path), None, None, None
    if not path.is_dir():
        raise InputError("expected a PCIC folder, an alarms CSV or a folder of incidents", file=path)
    if any((path / n).is_file() for n in ("Alarm.csv", "alarm.csv")):
        from rca.datasets._pcic import load_pcic

        ds = load_pcic(path)
        return ds.alarms, ds.topology, list(ds.alarm_ids), ds.true_graph
    if (path / "alarms.csv").is_file():
        folders = [path]
    else:
        folders = sorted(p for p in path.iterdir() if p.is_dir() and (p / "alarms.csv").is_file())
    if not folders:
        raise InputError("no Alarm.csv, alarms.csv or incident folders with alarms.csv found", file=path)
    frames = []
    offset = 0.0
    topology = None
    for folder in folders:
        frame = AlarmLog.read_csv(folder / "alarms.csv").frame[["time", "device", "alarm_type"]].copy()
        if frame.empty:
            continue
        # incidents are independent: lay them end to end, a day apart, so no excitation crosses them
        frame["time"] = frame["time"] - frame["time"].min() + offset
        offset = float(frame["time"].max()) + 86_400.0
        frames.append(frame)
        if topology is None and (folder / "nodes.csv").is_file():
            from rca.topology import Topology

            links = folder / "links.csv"
            topology = Topology.read_csv(folder / "nodes.csv", links if links.is_file() else None)
    if not frames:
        raise InputError("the incident folders hold no alarms", file=path)
    alarms = pd.concat(frames, ignore_index=True)
    return alarms, topology, None, None


@click.command("discover")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--method", "-m", default="thp", show_default=True,
              help="thp, granger, pc, fci, ges, or a baseline: empty, complete, random.")
@click.option("--max-hop", type=int, default=None, help="Topological reach of an excitation (thp).")
@click.option("--json", "as_json", is_flag=True, help="Print the graph as JSON.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Also write the JSON to this file.")
def discover(path: Path, method: str, max_hop: int | None, as_json: bool, out: Path | None) -> None:
    """Learn which alarm types cause which from the alarm history at PATH.

    PATH is a PCIC-format folder (Alarm.csv, DAG.npy, Topology.npy), an
    alarms CSV, or a folder of incident folders each with alarms.csv. Node
    names are the input's alarm ids or alarm types. When the folder holds a
    true graph, its scores are shown too.
    """
    from rca.causal import score_graph
    from rca.causal._methods import make_method
    from rca.errors import RCAError

    try:
        alarms, topology, types, truth = read_history(path)
        params = {"max_hop": max_hop} if max_hop is not None and method == "thp" else {}
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
    click.echo(f"{graph.method}: {len(graph.nodes)} alarm types, {len(graph)} edges, {graph.seconds:.1f} s")
    for row in graph.edges.itertuples(index=False):
        lag = "" if row.lag_s != row.lag_s else f"  lag {row.lag_s:.0f} s"
        click.echo(f"  {row.cause} -> {row.effect}  weight {row.weight:.3g}{lag}")
    if truth is not None:
        s = score_graph(graph, truth)
        click.echo(
            f"vs true graph: precision {s.precision:.3f} recall {s.recall:.3f} F1 {s.f1:.3f} "
            f"SHD {s.shd} g-score {s.g_score:.3f}"
        )
