"""``rca congestion train|evaluate``: the congestion predictor on GNNet-format data."""

from __future__ import annotations

import json

import click

from rca.errors import RCAError

__all__ = ["congestion"]


@click.group()
def congestion() -> None:
    """Train and evaluate the congestion predictor (GNNet challenge 2021 format)."""


@congestion.command()
@click.argument("data", type=click.Path(exists=True, file_okay=False))
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="Model file to write.")
@click.option(
    "--validation",
    type=click.Path(exists=True, file_okay=False),
    default=None,
    help="Labelled folder to select the best epoch on.",
)
@click.option("--epochs", type=int, default=None, help="Override the recipe's epochs.")
@click.option(
    "--iterations", type=int, default=None, help="Message-passing rounds (0: MLP baseline)."
)
@click.option("--hidden", type=int, default=None, help="State size.")
@click.option("--seed", type=int, default=None, help="random_state (default 0).")
@click.option("--progress/--no-progress", default=True, help="Show a progress bar.")
def train(
    data: str,
    out: str,
    validation: str | None,
    epochs: int | None,
    iterations: int | None,
    hidden: int | None,
    seed: int | None,
    progress: bool,
) -> None:
    """Train on DATA (a challenge folder, or folders of them at any depth), write --out."""
    from rca.gnn._recipes import train_congestion

    overrides = {
        k: v
        for k, v in {
            "epochs": epochs,
            "iterations": iterations,
            "hidden": hidden,
            "random_state": seed,
        }.items()
        if v is not None
    }
    try:
        info = train_congestion(data, validation, out, progress=progress, **overrides)
    except RCAError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(
        f"wrote {out} ({info['bytes'] / 1024:.0f} KiB) in {info['seconds']:.0f} s; "
        f"best epoch {info['best_epoch']}"
    )


@congestion.command()
@click.argument("data", type=click.Path(exists=True, file_okay=False))
@click.option(
    "--model",
    "model_path",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="Model file (default: the shipped pretrained model).",
)
@click.option(
    "--baseline",
    type=click.Choice(["none", "mm1k"]),
    default="none",
    help="Score the M/M/1/K queueing estimate instead of a model.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
def evaluate(data: str, model_path: str | None, baseline: str, as_json: bool) -> None:
    """Score per-path delay, link utilisation and congested links on labelled DATA."""
    from rca._extras import require
    from rca.datasets._gnnet import load_gnnet

    (torch,) = require("gnn", "torch")
    from rca.gnn import CongestionPredictor, QueueingBaseline

    torch.set_num_threads(1)
    try:
        if baseline == "mm1k":
            model = QueueingBaseline().fit()
        elif model_path is not None:
            model = CongestionPredictor.load(model_path)
        else:
            model = CongestionPredictor.pretrained()
        scores = model.evaluate(load_gnnet(data))
    except RCAError as exc:
        raise click.ClickException(str(exc)) from exc
    result = scores.to_dict()
    if as_json:
        click.echo(json.dumps(result, indent=2))
        return
    width = max(len(k) for k in result)
    for key, value in result.items():
        text = f"{value:.4g}" if isinstance(value, float) else str(value)
        click.echo(f"{key:<{width}}  {text}")
