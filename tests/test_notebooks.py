"""The notebooks run top to bottom on a fresh install, each drawing at least one figure.

A notebook whose metadata ``netrca.needs_data`` names public data sets
(``../shared/datasets``) is skipped, saying which, when they are absent.
"""

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from rca.datasets import get_data_home

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
FIGURE = ("application/vnd.plotly.v1+json", "image/png", "image/svg+xml")


ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_executes(path, tmp_path, monkeypatch):
    import os

    # the kernel imports this checkout's rca, whatever is installed (and wherever it runs)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep))
    nb = nbformat.read(path, as_version=4)
    missing = [d for d in nb.metadata.get("netrca", {}).get("needs_data", []) if not (get_data_home() / d).exists()]
    if missing:
        pytest.skip(f"needs {', '.join(missing)} in the data home ({get_data_home()}); set NETRCA_SHARED_DATASETS")
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    assert any("text" in o or "data" in o for o in outputs)
    assert any(kind in o.get("data", {}) for o in outputs for kind in FIGURE), "no figure drawn"


def test_every_notebook_is_thin():
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert len(code) <= 12 and all(len(c.source.splitlines()) <= 25 for c in code), path.name
