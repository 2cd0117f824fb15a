"""Shared fixtures: where the public data sets live, and skipping without them."""

from __future__ import annotations

from pathlib import Path

import pytest

from rca.datasets import get_data_home


def shared_datasets_dir() -> Path:
    """The data home (:func:`rca.datasets.get_data_home`): ``$NETRCA_SHARED_DATASETS``, else ``../shared/datasets``."""
    return get_data_home()


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
    """Return ``<data home>/<parts>`` or skip the calling test with a reason."""
    path = shared_datasets_dir().joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent (public data set, present in CI)")
    return path
