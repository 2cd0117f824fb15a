"""``rca congestion train|evaluate``: the congestion predictor on GNNet-format data.

Both layouts are read the same way: a GNNet 2021 challenge folder
(simulations, :func:`rca.datasets.load_gnnet`) or the GNNet 2023 real-network
measurements (``<family>_fold<k>.jsonl.gz`` files, or a folder of them,
:func:`rca.datasets.load_gnnet2023`), told apart by their file names.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import click

from rca.errors import InputError, RCAError

__all__ = ["congestion"]


def _folds(text: str | None) -> list[int] | None:
    """``"1,2,3,4"`` as a list of fold numbers (None when not given)."""
    if text is None:
        return None
    try:
        return [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise click.BadParameter(
            f"expected fold numbers separated by commas, found {text!r}"
        ) from None


def _samples(path: str, family: str | None, folds: list[int] | None) -> Iterator[Any]:
    """The samples at ``path``, in whichever layout it is."""
    from rca.datasets._gnnet import load_gnnet
    from rca.datasets._gnnet2023 import is_gnnet2023, load_gnnet2023

    if is_gnnet2023(path):
        return load_gnnet2023(path, family=family, folds=folds)
    if family is not None or folds is not None:
        raise InputError(
            "--family and --folds select GNNet 2023 real-network files "
            "(<family>_fold<k>.jsonl.gz); this is not such a folder",
            file=path,
        )
    return load_gnnet(path)


@click.group()
def congestion() -> None:
    """Train and evaluate the congestion predictor (GNNet 2021 simulations, GNNet 2023 real network)."""


@congestion.command()
@click.argument("data", type=click.Path(exists=True))
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="Model file to write.")
@click.option(
    "--validation",
    type=click.Path(exists=True),
    default=None,
    help="Labelled data scored after every epoch; for the 2021 layout the best epoch is kept, for the "
    "2023 layout the last (the validation folds stay held out).",
)
@click.option(
    "--family",
    type=click.Choice(["cbr_mb", "mb"]),
    default=None,
    help="GNNet 2023 only: the traffic family (default both).",
)
@click.option(
    "--folds", default=None, help="GNNet 2023 only: training folds, e.g. 1,2,3,4 (default all)."
)
@click.option(
    "--validation-folds",
    default=None,
    help="GNNet 2023 only: folds of --validation (default: of DATA) to score, e.g. 0.",
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
    family: str | None,
    folds: str | None,
    validation_folds: str | None,
    epochs: int | None,
    iterations: int | None,
    hidden: int | None,
    seed: int | None,
    progress: bool,
) -> None:
    """Train on DATA (a 2021 challenge folder or folders of them, or 2023 real-network files), write --out.

    The 2021 layout trains the "queues" model (rca.gnn._recipes.CONGESTION_RECIPE), the 2023
    layout the "flows" model (CONGESTION_REALNET_RECIPE). Cross-validation on the 2023 data:
    DATA --folds 1,2,3,4 --validation-folds 0.
    """
    from rca.datasets._gnnet2023 import is_gnnet2023
    from rca.gnn._recipes import train_congestion, train_congestion_realnet

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
        if is_gnnet2023(data):
            val_path = (
                validation
                if validation is not None
                else (data if validation_folds is not None else None)
            )
            info = train_congestion_realnet(
                out,
                data=data,
                family=family,
                folds=_folds(folds),
                validation=val_path,
                validation_folds=_folds(validation_folds),
                progress=progress,
                **overrides,
            )
        else:
            if family is not None or folds is not None or validation_folds is not None:
                raise InputError(
                    "--family, --folds and --validation-folds select GNNet 2023 real-network "
                    "files (<family>_fold<k>.jsonl.gz); this is not such a folder",
                    file=data,
                )
            info = train_congestion(data, validation, out, progress=progress, **overrides)
    except RCAError as exc:
        raise click.ClickException(str(exc)) from exc
    held = info.get("validation_mape")
    tail = f"; validation MAPE {held:.1f}%" if held is not None else ""
    click.echo(
        f"wrote {out} ({info['bytes'] / 1024:.0f} KiB) in {info['seconds']:.0f} s; "
        f"best epoch {info['best_epoch']}{tail}"
    )


@congestion.command()
@click.argument("data", type=click.Path(exists=True))
@click.option(
    "--model",
    "model_path",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="Model file (default: the shipped model for DATA's kind: simulated or real network).",
)
@click.option(
    "--baseline",
    type=click.Choice(["none", "mm1k"]),
    default="none",
    help="Score the M/M/1/K queueing estimate instead of a model.",
)
@click.option(
    "--family",
    type=click.Choice(["cbr_mb", "mb"]),
    default=None,
    help="GNNet 2023 only: the traffic family (default both).",
)
@click.option(
    "--folds", default=None, help="GNNet 2023 only: folds to score, e.g. 0 (default all)."
)
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
def evaluate(
    data: str,
    model_path: str | None,
    baseline: str,
    family: str | None,
    folds: str | None,
    as_json: bool,
) -> None:
    """Score per-path delay, link utilisation and congested links on labelled DATA.

    Real-network measurements label flows only: their link figures are null. A link whose
    buffer is not known is given rca.gnn.ASSUMED_QUEUE_SIZE packets by the models that read
    buffers (the simulated-network model, the M/M/1/K baseline).
    """
    from rca._extras import require
    from rca.datasets._gnnet2023 import is_gnnet2023

    (torch,) = require("gnn", "torch")
    from rca.gnn import CongestionPredictor, QueueingBaseline

    torch.set_num_threads(1)
    try:
        samples = _samples(data, family, _folds(folds))
        if baseline == "mm1k":
            model = QueueingBaseline().fit()
        elif model_path is not None:
            model = CongestionPredictor.load(model_path)
        else:
            model = CongestionPredictor.pretrained("realnet" if is_gnnet2023(data) else "simulated")
        scores = model.evaluate(samples)
    except RCAError as exc:
        raise click.ClickException(str(exc)) from exc
    result = scores.to_dict()
    if as_json:
        click.echo(json.dumps(result, indent=2))
        return
    width = max(len(k) for k in result)
    for key, value in result.items():
        text = (
            f"{value:.4g}" if isinstance(value, float) else "n/a" if value is None else str(value)
        )
        click.echo(f"{key:<{width}}  {text}")
