"""Shared fixtures: where the public data sets live, and skipping without them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def shared_datasets_dir() -> Path:
    """``../shared/datasets`` beside the repository, or ``$NETRCA_SHARED_DATASETS``."""
    env = os.environ.get("NETRCA_SHARED_DATASETS")
    return Path(env) if env else REPO.parent / "shared" / "datasets"


@pytest.fixture(scope="session")
def shared_datasets() -> Path:
    """The shared data sets folder; skips the test when it is absent."""
    path = shared_datasets_dir()
    if not path.is_dir():
        pytest.skip(
            f"public data sets not found at {path} (set NETRCA_SHARED_DATASETS); "
            "they are present in CI"
        )
    return path


def require_shared(*parts: str) -> Path:
    """Return ``shared/datasets/<parts>`` or skip the calling test with a reason."""
    path = shared_datasets_dir().joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent (public data set, present in CI)")
    return path
