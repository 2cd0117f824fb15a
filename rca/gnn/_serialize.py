"""Safe model files: a plain dict of tensors and JSON, read with ``weights_only=True``."""

from __future__ import annotations

import json
import os
import pickle
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import torch

from rca._io import atomic_open
from rca.errors import ModelFileError
from rca.limits import MAX_MODEL_FILE_BYTES

__all__ = ["write_model_file", "read_model_file"]


def write_model_file(
    path: str | Path,
    kind: str,
    version: int,
    config: dict[str, Any],
    state: dict[str, torch.Tensor],
    extra: dict[str, Any] | None = None,
) -> None:
    """Write ``{"format", "format_version", "config" (JSON), "extra" (JSON), "state"}``."""
    payload = {
        "format": kind,
        "format_version": version,
        "config": json.dumps(config, sort_keys=True),
        "extra": json.dumps(extra or {}, sort_keys=True),
        "state": {k: v.detach().clone().contiguous() for k, v in state.items()},
    }
    with atomic_open(path, "wb") as handle:  # a full disk leaves the old file, not half a new one
        torch.save(payload, handle)


def read_model_file(
    path: str | Path,
    kind: str,
    version: int,
    *,
    sizes: Mapping[str, int] | None = None,
) -> tuple[dict[str, Any], dict[str, torch.Tensor], dict[str, Any]]:
    """Read a file of :func:`write_model_file`; never unpickles arbitrary objects.

    Parameters
    ----------
    path : str or Path
    kind : str
        The expected ``format``.
    version : int
        The supported ``format_version``.
    sizes : mapping of str to int, optional
        Configuration entries that size the model (layer width, depth,
        window...) and the largest value each may take
        (:mod:`rca.limits`). They are checked before any module is built,
        so that a small file cannot make the reader allocate gigabytes.

    Returns
    -------
    config, state, extra

    Raises
    ------
    rca.errors.ModelFileError
        The file is missing, larger than
        :data:`rca.limits.MAX_MODEL_FILE_BYTES`, corrupted, holds anything
        but tensors and strings, is of another kind, of an unsupported
        format version, or asks for a model beyond ``sizes``.
    """
    where = str(path)
    try:
        size = os.stat(where).st_size
    except FileNotFoundError as exc:
        raise ModelFileError(f"{where}: model file not found") from exc
    except OSError as exc:
        raise ModelFileError(f"{where}: cannot read the model file: {exc}") from exc
    if size > MAX_MODEL_FILE_BYTES:
        raise ModelFileError(
            f"{where}: {size} bytes is larger than a model file may be "
            f"({MAX_MODEL_FILE_BYTES} bytes, rca.limits.MAX_MODEL_FILE_BYTES); refused unread"
        )
    try:
        payload = torch.load(where, map_location="cpu", weights_only=True)
    except FileNotFoundError as exc:
        raise ModelFileError(f"{where}: model file not found") from exc
    except (
        pickle.UnpicklingError,
        RuntimeError,
        EOFError,
        zipfile.BadZipFile,
        ValueError,
        OSError,
        AttributeError,
        TypeError,
        KeyError,
        IndexError,
    ) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ModelFileError(
            f"{where}: not a readable netrca model file (corrupted, or it holds objects other than "
            f"tensors, which are refused for safety): {first}"
        ) from exc
    if not isinstance(payload, dict) or payload.get("format") != kind:
        found = payload.get("format") if isinstance(payload, dict) else type(payload).__name__
        raise ModelFileError(f"{where}: expected a {kind!r} model file, found {found!r}")
    if payload.get("format_version") != version:
        raise ModelFileError(
            f"{where}: {kind} file format version {payload.get('format_version')!r} is not supported "
            f"(this netrca reads version {version}); retrain with `rca train`"
        )
    try:
        config = json.loads(payload["config"])
        extra = json.loads(payload.get("extra", "{}"))
        state = dict(payload["state"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ModelFileError(f"{where}: malformed {kind} model file: {exc}") from exc
    if not isinstance(config, dict) or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise ModelFileError(
            f"{where}: malformed {kind} model file: config or state of the wrong type"
        )
    for name, largest in (sizes or {}).items():
        if name not in config:
            continue
        value = config[name]
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= largest:
            raise ModelFileError(
                f"{where}: {kind} model file asks for {name}={value!r}; expected a whole number from 1 to "
                f"{largest} (rca.limits); refused before building the model"
            )
    return config, state, extra
