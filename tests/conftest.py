"""Shared fixtures: where the public data sets live, and skipping without them.

A test that reads a public data set (the ``shared_datasets`` fixture, or
:func:`require_shared` with ``@pytest.mark.shared``) carries the ``shared``
marker, so ``-m "not shared"`` runs everything that needs no data home.
"""

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


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test that asks for the ``shared_datasets`` fixture as ``shared``."""
    for item in items:
        if "shared_datasets" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.shared)
