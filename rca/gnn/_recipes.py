"""How the shipped weights were trained: data, parameters, seed.

``rca train congestion`` runs :func:`train_congestion` with these settings
and reproduces ``rca/gnn/weights/congestion.pt`` (on CPU with one thread;
other thread counts may differ in the last bits of float rounding).
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path
from typing import Any

__all__ = ["CONGESTION_RECIPE", "default_gnnet_dir", "train_congestion"]

logger = logging.getLogger(__name__)

CONGESTION_RECIPE: dict[str, Any] = {
    "hidden": 32,
    "iterations": 2,
    "epochs": 60,
    "lr": 3e-3,
    "batch_size": 5,
    "random_state": 0,
}
"""Parameters of the shipped congestion model (trained on ``gnnet-2021/train``,
epoch selected on ``gnnet-2021/validation``)."""


def default_gnnet_dir() -> Path:
    """``$NETRCA_SHARED_DATASETS/gnnet-2021``, else ``../shared/datasets/gnnet-2021``."""
    root = os.environ.get("NETRCA_SHARED_DATASETS")
    return (Path(root) if root else Path("..") / "shared" / "datasets") / "gnnet-2021"


def train_congestion(train_dir: str | Path, validation_dir: str | Path | None, out: str | Path,
                     *, progress: bool = False, **overrides: Any) -> dict[str, Any]:
    """Train the congestion predictor with :data:`CONGESTION_RECIPE` and save it.

    Returns
    -------
    dict
        ``seconds`` (training time), ``bytes`` (file size), ``best_epoch``,
        ``loss_threshold`` and the parameters used.
    """
    import torch

    from rca.datasets._gnnet import load_gnnet
    from rca.gnn._congestion import CongestionPredictor

    params = {**CONGESTION_RECIPE, **overrides}
    train = list(load_gnnet(train_dir))
    val = list(load_gnnet(validation_dir)) if validation_dir is not None else None
    logger.info("training on %d samples, selecting on %d", len(train), len(val or []))
    start = time.perf_counter()
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        model = CongestionPredictor(**params, progress=progress).fit(train, validation=val)
    finally:
        torch.set_num_threads(threads)
    seconds = time.perf_counter() - start
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    model.save(out)
    return {
        "seconds": round(seconds, 1),
        "bytes": Path(out).stat().st_size,
        "best_epoch": model.best_epoch_,
        "loss_threshold": model.loss_threshold_,
        "n_train": len(train),
        "n_validation": len(val or []),
        **params,
    }
