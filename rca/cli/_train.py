"""``rca train <model>``: retrain the shipped models from their documented recipes.

Each shipped model is one subcommand; adding one (``propagation``) is a
function decorated with ``@train.command("propagation")`` in this module.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import click

from rca.errors import RCAError

__all__ = ["train"]


def _shipped(name: str) -> Path:
    """Where the package keeps the weights file ``name`` (in an editable install, the source tree)."""
    return Path(str(resources.files("rca.gnn").joinpath("weights").joinpath(name)))


@click.group()
def train() -> None:
    """Retrain the shipped models (documented data, seed and settings; identical weights on the same machine type)."""


@train.command("explain")
@click.option(
    "--out",
    type=click.Path(dir_okay=False),
    default=None,
    help="Where to write (default: the package's rca/explain/weights.json).",
)
@click.option(
    "--n",
    "n",
    type=click.IntRange(min=10),
    default=None,
    help="Training incidents (default: the shipped recipe's).",
)
@click.option("--progress/--no-progress", default=True, help="Show a progress bar.")
def explain(out: str | None, n: int | None, progress: bool) -> None:
    """Learn the explain ranker's evidence weights on randomised twin and othersim incidents."""
    from rca.explain._learn import RECIPE, WEIGHTS_PATH, train_explain

    target = Path(out) if out else WEIGHTS_PATH
    info = train_explain(target, n=n or RECIPE["n_incidents"], progress=progress)
    click.echo(
        f"wrote {target} in {info['seconds']:.0f} s: {info['n_incidents']} incidents, "
        f"log loss {info['train_log_loss']:.3f}"
    )


@train.command("congestion")
@click.option(
    "--data",
    "data",
    type=click.Path(file_okay=False),
    default=None,
    help="The gnnet-2021 folder with train/ and validation/, or with --realnet the gnnet-2023-realnet "
    "folder (default: in the data home: $NETRCA_SHARED_DATASETS, else ../shared/datasets "
    "beside the source checkout, else ~/netrca_data).",
)
@click.option(
    "--realnet",
    is_flag=True,
    help="Train the model for the measured network (congestion_realnet.pt: GNNet 2023, both traffic "
    "families, all five folds) instead of the simulated one (congestion.pt).",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False),
    default=None,
    help="Where to write (default: the package's weights/congestion.pt, or congestion_realnet.pt).",
)
@click.option("--progress/--no-progress", default=True, help="Show a progress bar.")
def congestion(data: str | None, realnet: bool, out: str | None, progress: bool) -> None:
    """Train the congestion predictor on gnnet-2021/train, select on validation/ (--realnet: on gnnet-2023-realnet)."""
    from rca.gnn._congestion import PRETRAINED_CONGESTION, PRETRAINED_CONGESTION_REALNET
    from rca.gnn._recipes import (
        default_gnnet_dir,
        default_realnet_dir,
        train_congestion,
        train_congestion_realnet,
    )

    if realnet:
        root = Path(data) if data else default_realnet_dir()
        if not root.is_dir():
            raise click.ClickException(
                f"{root} not found: pass --data pointing at gnnet-2023-realnet"
            )
        target = Path(out) if out else _shipped(PRETRAINED_CONGESTION_REALNET)
        try:
            info = train_congestion_realnet(target, data=root, progress=progress)
        except RCAError as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(
            f"wrote {target} ({info['bytes'] / 1024:.0f} KiB) in {info['seconds']:.0f} s; "
            f"seed {info['random_state']}, {info['n_train']} samples, last epoch {info['best_epoch']}"
        )
        return
    root = Path(data) if data else default_gnnet_dir()
    if not (root / "train").is_dir():
        raise click.ClickException(
            f"{root / 'train'} not found: pass --data pointing at gnnet-2021"
        )
    target = Path(out) if out else _shipped(PRETRAINED_CONGESTION)
    try:
        info = train_congestion(root / "train", root / "validation", target, progress=progress)
    except RCAError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(
        f"wrote {target} ({info['bytes'] / 1024:.0f} KiB) in {info['seconds']:.0f} s; "
        f"seed {info['random_state']}, best epoch {info['best_epoch']}"
    )


@train.command("propagation")
@click.option(
    "--out",
    type=click.Path(dir_okay=False),
    default=None,
    help="Where to write (default: the package's weights/propagation.pt).",
)
@click.option(
    "--cache",
    "cache_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Folder to cache the simulated training corpus in (e.g. /tmp); default: no cache.",
)
@click.option("--progress/--no-progress", default=True, help="Show progress bars.")
def propagation(out: str | None, cache_dir: str | None, progress: bool) -> None:
    """Train the failure-propagation / root-localisation GNN on twin cascades.

    The corpus (seeded, see rca.gnn._recipes.PROPAGATION_RECIPE) is simulated
    by the network twin; a tenth of its networks grow around Topology Zoo
    cores when topology-zoo is in the data home ($NETRCA_SHARED_DATASETS,
    else ../shared/datasets beside the source checkout, else ~/netrca_data).
    """
    from rca.gnn._failure_model import PRETRAINED_PROPAGATION
    from rca.gnn._recipes import train_propagation

    target = Path(out) if out else _shipped(PRETRAINED_PROPAGATION)
    try:
        info = train_propagation(target, cache_dir=cache_dir, progress=progress)
    except RCAError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(
        f"wrote {target} ({info['bytes'] / 1024:.0f} KiB): corpus {info['corpus_seconds']:.0f} s, "
        f"training {info['seconds']:.0f} s on {info['n_samples']} samples; seed {info['random_state']}"
    )


@train.command("forecast")
@click.option(
    "--out",
    type=click.Path(dir_okay=False),
    default=None,
    help="Where to write (default: the package's weights/forecast.pt).",
)
@click.option("--progress/--no-progress", default=True, help="Show a progress bar.")
def forecast(out: str | None, progress: bool) -> None:
    """Train the congestion forecaster on twin telemetry (rca.gnn._recipes.FORECAST_RECIPE)."""
    from rca.gnn._forecast import PRETRAINED_FORECAST
    from rca.gnn._recipes import train_forecast

    target = Path(out) if out else _shipped(PRETRAINED_FORECAST)
    try:
        info = train_forecast(target, progress=progress)
    except RCAError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(
        f"wrote {target} ({info['bytes'] / 1024:.0f} KiB) in {info['seconds']:.0f} s "
        f"(+{info['corpus_seconds']:.0f} s simulating {info['n_incidents']} incidents)"
    )
