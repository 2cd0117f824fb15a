"""Optional dependencies: a missing extra is named, with the pip command, in the library and the CLI."""

from __future__ import annotations

import sys

import pytest
from click.testing import CliRunner

from rca._extras import EXTRAS, require
from rca.cli import main
from rca.errors import MissingExtraError, RCAError
from tests._builders import background, incident, small_network


def _block(monkeypatch: pytest.MonkeyPatch, *modules: str) -> None:
    """Make ``modules`` fail to import, and forget what imported them, as on an install without the extra."""
    for name in list(sys.modules):
        if name.split(".")[0] in modules or name == "rca.gnn" or name.startswith("rca.gnn."):
            monkeypatch.delitem(sys.modules, name)
    for name in modules:
        monkeypatch.setitem(sys.modules, name, None)  # "import torch" raises ImportError


@pytest.fixture()
def folder(tmp_path):
    alarms = background() + [(2, "S2", "LINK_DOWN", "S2--S3"), (95, "S3", "NE_COMM_LOST", None)]
    return incident(small_network(), alarms, name="inc").write(tmp_path / "inc")


def test_require_returns_the_modules():
    (np_module,) = require("gnn", "numpy")
    assert np_module is sys.modules["numpy"]


def test_require_names_the_extra_and_the_pip_command(monkeypatch):
    _block(monkeypatch, "torch")
    with pytest.raises(MissingExtraError) as info:
        require("gnn")
    err = info.value
    assert isinstance(err, ImportError) and isinstance(err, RCAError)
    assert err.extra == "gnn" and err.name == "torch"
    assert "needs the 'gnn' extra: pip install 'netrca[gnn]'" in str(err)


def test_require_rejects_an_unknown_extra():
    with pytest.raises(ValueError, match="unknown extra 'gpu'; expected one of gnn, causal"):
        require("gpu")


def test_every_extra_is_declared_in_pyproject():
    from pathlib import Path

    import tomllib

    project = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text())[
        "project"
    ]
    extras = project["optional-dependencies"]
    assert set(EXTRAS) <= set(extras)
    assert "torch==2.13.0" in extras["gnn"]  # pinned: the CPU wheel on the machines
    base = " ".join(project["dependencies"])
    assert not any(
        heavy in base
        for heavy in ("torch", "causal-learn", "dowhy", "jupyter", "pytest", "nbclient")
    )


def test_import_rca_gnn_without_torch_names_the_extra(monkeypatch):
    _block(monkeypatch, "torch", "torch_geometric")
    with pytest.raises(MissingExtraError, match=r"pip install 'netrca\[gnn\]'"):
        import rca.gnn  # noqa: F401


def test_causal_learn_methods_without_causal_learn_name_the_extra(monkeypatch):
    from rca.causal import CausalLearnDiscovery, simulate_hawkes_events

    frame, _ = simulate_hawkes_events(n_types=3, n_devices=4, random_state=0)
    _block(monkeypatch, "causallearn")
    with pytest.raises(
        MissingExtraError, match=r"rca discover -m pc \(causal-learn\) needs the 'causal' extra"
    ):
        CausalLearnDiscovery(algorithm="pc").fit(frame)


@pytest.mark.parametrize(
    "args, blocked, extra",
    [
        (["propagate", "{folder}", "--fault", "node_down:S3"], "torch", "gnn"),
        (["congestion", "evaluate", "{folder}"], "torch", "gnn"),
        (["discover", "{alarms}", "-m", "pc"], "causallearn", "causal"),
        (["discover", "{alarms}", "-m", "ges"], "causallearn", "causal"),
    ],
)
def test_cli_names_the_missing_extra(monkeypatch, folder, args, blocked, extra):
    _block(monkeypatch, blocked)
    argv = [a.format(folder=folder, alarms=folder / "alarms.csv") for a in args]
    out = CliRunner().invoke(main, argv)
    assert out.exit_code == 2, out.output
    assert f"needs the '{extra}' extra: pip install 'netrca[{extra}]'" in out.output
    assert "Traceback" not in out.output and not isinstance(out.exception, ImportError)


def test_analyze_with_the_gnn_names_the_extra_and_the_default_method_needs_none(
    monkeypatch, folder
):
    _block(monkeypatch, "torch", "torch_geometric")
    out = CliRunner().invoke(main, ["analyze", str(folder), "--method", "gnn"])
    assert out.exit_code == 2 and "Traceback" not in out.output
    assert "needs the 'gnn' extra: pip install 'netrca[gnn]'" in out.output
    out = CliRunner().invoke(main, ["analyze", str(folder)])
    assert out.exit_code == 0, out.output
    assert "torch" not in sys.modules or sys.modules["torch"] is None


def test_evaluate_stops_at_a_missing_extra_instead_of_failing_every_incident(monkeypatch, folder):
    from rca.incident import RootCause, Truth, read_incident

    inc = read_incident(folder)
    inc.truth = Truth((RootCause("S3", "node", "node_down"),))
    inc.write(folder)
    _block(monkeypatch, "torch", "torch_geometric")
    out = CliRunner().invoke(
        main, ["evaluate", str(folder.parent), "--method", "gnn", "--no-progress"]
    )
    assert out.exit_code == 2, out.output
    assert (
        "needs the 'gnn' extra: pip install 'netrca[gnn]'" in out.output
        and "analysed" not in out.output
    )
