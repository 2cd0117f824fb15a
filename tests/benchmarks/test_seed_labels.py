"""Every accuracy benchmark says which of its seeds are development and which fresh, and runs the fresh ones.

The figures of seeds used while developing are in-sample; only fresh ones
(never run before the record that reports them) measure generalisation.
Tests may pin incidents of development corpora, never of fresh ones.
"""

from __future__ import annotations

import importlib
import re
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BENCHMARKS = [
    "rca_accuracy",
    "gnn_propagation",
    "independent_sim",
    "causal_chains",
    "rca_sparse_inputs",
]


@pytest.fixture(scope="module")
def modules():
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        return {name: importlib.import_module(name) for name in BENCHMARKS}
    finally:
        sys.path.remove(str(REPO / "benchmarks"))


def test_roles_and_labels():
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        from _seeds import Seeds
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    seeds = Seeds(dev={1: "tuned on it"}, seen={3: "reported"}, fresh=(10, 11))
    assert [seeds.role(s) for s in (1, 3, 10, 99)] == ["dev", "seen", "fresh", "unregistered"]
    assert seeds.by_role([11, 99, 1, 10, 3]) == {
        "dev": [1],
        "seen": [3],
        "fresh": [11, 10],
        "unregistered": [99],
    }
    assert seeds.label("fresh", [10, 11]) == "fresh seeds 10, 11 (fresh, never run before)"
    assert seeds.label("dev", [1]) == "dev seed 1 (development)"
    assert "UNREGISTERED" in seeds.label("unregistered", [99])
    assert seeds.default() == [1, 10, 11]
    with pytest.raises(ValueError, match=r"two roles: \[3\]"):
        Seeds(dev={3: "x"}, fresh=(3,))


@pytest.mark.parametrize("name", BENCHMARKS)
def test_benchmark_declares_its_seeds_and_runs_the_fresh_ones(modules, name):
    module = modules[name]
    seeds, default = module.SEEDS, module.DEFAULT_SEEDS
    assert seeds.fresh, f"{name} has no fresh seeds"
    assert set(seeds.fresh) <= set(default), (
        f"a plain run of {name} does not report its fresh seeds"
    )
    assert all(seeds.role(s) != "unregistered" for s in default)
    # its docstring tells the reader which seeds are which
    doc = module.__doc__
    for word in ("dev", "fresh", "_seeds.py"):
        assert word in doc, (name, word)
    for seed in [*seeds.dev, *seeds.seen, seeds.fresh[0], seeds.fresh[-1]]:
        assert str(seed) in doc.replace("_", "") or f"{seed:_}" in doc or _in_range(doc, seed), (
            name,
            seed,
        )


def _in_range(doc: str, seed: int) -> bool:
    """``seed`` is inside a range written ``a-b`` in ``doc``."""
    return any(int(a) <= seed <= int(b) for a, b in re.findall(r"\b(\d+)-(\d+)\b", doc))


def _fresh_random_states(modules) -> list[range]:
    """The random_state ranges the fresh corpora draw their incidents from."""
    out = []
    for name in ("rca_accuracy", "independent_sim", "rca_sparse_inputs"):  # seed * 100_000 + i
        out += [range(s * 100_000, (s + 1) * 100_000) for s in modules[name].SEEDS.fresh]
    out += [
        range(s, s + 300_000) for s in modules["causal_chains"].SEEDS.fresh
    ]  # seed + size offset + i
    return out


def test_no_test_pins_an_incident_of_a_fresh_corpus(modules):
    fresh = _fresh_random_states(modules)
    fresh_seeds = {s for m in modules.values() for s in m.SEEDS.fresh}
    for path in (REPO / "tests").rglob("*.py"):
        if path.name == Path(__file__).name:
            continue
        text = path.read_text()
        for seed in fresh_seeds:
            assert str(seed) not in text, f"{path} names fresh seed {seed}"
        for literal in re.findall(r"random_state\s*=\s*([\d_]+)", text):
            value = int(literal.replace("_", ""))
            assert not any(value in r for r in fresh), (
                f"{path}: random_state={value} is a fresh corpus's incident"
            )


def test_pinned_twin_incidents_come_from_development_corpora(modules):
    # tests/test_explain.py pins twin incidents 100002 and 100003: rca_accuracy's dev seed 1 draws them
    text = (REPO / "tests" / "test_explain.py").read_text()
    pinned = [int(v) for v in re.findall(r"\b(1000\d\d)\b", text)]
    assert pinned
    dev = modules["rca_accuracy"].SEEDS.dev
    assert all(any(s * 100_000 <= v < (s + 1) * 100_000 for s in dev) for v in pinned)
