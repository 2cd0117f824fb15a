"""The test suite's own guard-rails: warnings that are errors, markers, the mutation settings."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
import tomllib

REPO = Path(__file__).resolve().parents[1]


def test_runtime_warnings_are_errors():
    # a log of 0 or a mean of nothing in our numerics fails the test that reaches it
    with pytest.raises(RuntimeWarning, match="divide by zero"):
        np.log(np.zeros(1))
    with pytest.raises(RuntimeWarning, match="Mean of empty slice"):
        np.mean(np.array([]))


def test_markers_are_declared_and_strict():
    config = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]
    assert "--strict-markers" in config["addopts"].split()
    assert {m.split(":")[0] for m in config["markers"]} == {"shared", "slow"}


def test_shared_marker_is_put_on_data_home_tests(request):
    from tests.conftest import pytest_collection_modifyitems

    class Item:
        def __init__(self, fixtures):
            self.fixturenames, self.markers = fixtures, []

        def add_marker(self, marker):
            self.markers.append(marker.name)

    items = [Item(["tmp_path", "shared_datasets"]), Item(["tmp_path"])]
    pytest_collection_modifyitems(request.config, items)
    assert [i.markers for i in items] == [["shared"], []]


def test_mutation_groups_and_pyproject_agree():
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        import mutation
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    config = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["mutmut"]
    groups = mutation.GROUPS.values()
    assert config["only_mutate"] == [f for g in groups for f in g["mutate"]]
    assert config["pytest_add_cli_args_test_selection"] == [t for g in groups for t in g["tests"]]
    assert config["also_copy"] == sorted({a for g in groups for a in g.get("also", [])})
    for g in groups:
        for path in g["mutate"] + g["tests"] + g.get("also", []):
            assert (REPO / path).exists(), path
    # the generated per-group table replaces pyproject's and keeps the rest
    text = (REPO / "pyproject.toml").read_text()
    swapped = tomllib.loads(
        mutation._with_section(text, mutation.mutmut_section(["rca/x.py"], ["tests/t.py"]))
    )
    assert swapped["tool"]["mutmut"]["only_mutate"] == ["rca/x.py"]
    assert swapped["tool"]["pytest"] == tomllib.loads(text)["tool"]["pytest"]
    assert swapped["project"] == tomllib.loads(text)["project"]


def test_ci_measures_coverage_against_the_floor():
    ci = (REPO / ".ci" / "run").read_text()
    assert "python -m pytest -q --cov" in ci and "pip install -e '.[all]'" in ci
    report = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["coverage"]
    assert report["report"]["fail_under"] >= 86 and report["run"]["branch"] is True
