"""``rca simulate``: write simulated incident folders from the network twin."""

from __future__ import annotations

from pathlib import Path

import click

from .._text import plural

__all__ = ["simulate"]


def _size(value: str) -> str | int:
    return int(value) if value.isdigit() else value


@click.command("simulate")
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--n",
    "n",
    type=click.IntRange(min=0),
    default=50,
    show_default=True,
    help="Number of incidents.",
)
@click.option(
    "--size",
    default="medium",
    show_default=True,
    help="small (~60 elements), medium (~300), large (~2,000) or an element count.",
)
@click.option(
    "--seed", type=int, default=None, help="Random seed; the same seed writes the same folders."
)
@click.option("--fault", default=None, help="Fault type of every root (default: random per root).")
@click.option(
    "--roots",
    "roots",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Independent root causes per incident.",
)
@click.option(
    "--core",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None,
    help="GraphML file (e.g. Topology Zoo) used as the core of every network.",
)
@click.option(
    "--noise",
    type=click.FloatRange(min=0.0),
    default=1.0,
    show_default=True,
    help="Scale of the background alarms and telemetry spikes.",
)
@click.option(
    "--vocabulary",
    default="generic",
    show_default=True,
    help="Alarm names: generic, vendor_a, vendor_b or mixed.",
)
@click.option(
    "--progress/--no-progress", default=True, show_default=True, help="Show a progress bar."
)
def simulate(
    out: Path,
    n: int,
    size: str,
    seed: int | None,
    fault: str | None,
    roots: int,
    core: Path | None,
    noise: float,
    vocabulary: str,
    progress: bool,
) -> None:
    """Write N simulated incident folders into OUT (OUT/incident-0001/, ...).

    Each folder holds nodes.csv, links.csv, alarms.csv, metrics.csv and
    truth.json in the incident format. The last line says how many were
    written, and where.
    """
    import numpy as np
    from tqdm.auto import tqdm

    from ..datasets import FAULT_TYPES, make_incident, make_network
    from ..errors import InputError
    from ..topology import Topology

    if fault is not None and fault not in FAULT_TYPES:
        raise click.BadParameter(
            f"must be one of {', '.join(FAULT_TYPES)}; got {fault!r}", param_hint="--fault"
        )
    try:
        core_topo = Topology.read_graphml(core) if core is not None else None
        seeds = np.random.SeedSequence(seed).spawn(n)
        out.mkdir(parents=True, exist_ok=True)
        width = max(4, len(str(n)))
        names = [f"incident-{i + 1:0{width}d}" for i in range(n)]
        for i in tqdm(range(n), desc="simulating", unit="incident", disable=not progress):
            rng = np.random.default_rng(seeds[i])
            network = (
                make_network(_size(size), core=core_topo, random_state=rng)
                if core_topo is not None
                else None
            )
            name = names[i]
            incident = make_incident(
                network,
                fault=fault,
                n_roots=roots,
                size=_size(size),
                noise=noise,
                random_state=rng,
                name=name,
                vocabulary=vocabulary,
            )
            incident.write(out / name)
    except InputError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(
        f"wrote {plural(n, 'incident folder')} to {out}"
        + (f" ({names[0]} .. {names[-1]})" if len(names) > 1 else f" ({names[0]})" if names else "")
    )
