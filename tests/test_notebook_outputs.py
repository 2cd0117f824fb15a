"""The investigation notebook computes the right answer, not only without errors.

The notebook simulates a small twin incident (``random_state=7``), ranks it
and prints the top candidate with its evidence and its score against the
truth. These tests read those printed outputs back: the top answer is the
simulated root, every evidence path is a path of the network, and the score
line says rank 1.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import rca
from rca.datasets import make_incident

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "investigate_incident.ipynb"
# the kernel imports the same rca as these tests (the checkout under test, not another install)
PACKAGE_ROOT = str(Path(rca.__file__).resolve().parents[1])


def _cell_output(nb, marker: str) -> str:
    """The printed text of the code cell whose source contains ``marker``."""
    (cell,) = [c for c in nb.cells if c.cell_type == "code" and marker in c.source]
    return "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("output_type") == "stream")


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([PACKAGE_ROOT, os.environ.get("PYTHONPATH", "")]))
    client = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path_factory.mktemp("nb"))}})
    client.execute(env=env)
    return nb


@pytest.mark.slow
def test_kernel_uses_the_package_under_test(executed):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import rca; print(rca.__file__)")]
    env = dict(os.environ, PYTHONPATH=PACKAGE_ROOT)
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3").execute(env=env)
    assert nb.cells[0].outputs[0]["text"].strip() == rca.__file__


@pytest.mark.slow
def test_top_answer_is_the_simulated_root(executed):
    truth = make_incident(size="small", random_state=7).truth.root_causes
    assert len(truth) == 1
    root = truth[0]
    lines = _cell_output(executed, "top = result.candidates[0]").splitlines()
    entity, kind, fault, score = lines[0].split()
    assert (entity, kind) == (root.entity, root.kind)
    # the simulated fault is a card failure that took every link of the element down: the ranker
    # names it node_down (the same alarms), so only the entity and its kind are asserted here
    assert (root.fault, fault) == ("card_failure", "node_down")
    assert 0.0 < float(score) <= 1.0
    # the truth cell prints the roots and a score with the root at rank 1
    truth_out = _cell_output(executed, "incident.truth is not None").splitlines()
    assert truth_out[0] == str([(root.entity, root.kind, root.fault)])
    assert "ranks=(1,)" in truth_out[1] and "top_hit=True" in truth_out[1]


@pytest.mark.slow
def test_evidence_paths_are_paths_of_the_network(executed):
    topo = make_incident(size="small", random_state=7).topology
    lines = _cell_output(executed, "top = result.candidates[0]").splitlines()[2:]
    assert lines, "the top candidate printed no evidence"
    for line in lines:
        path, why = line.split(" | ", 1)
        hops = path.split(" -> ")
        assert why.strip()
        for a, b in zip(hops, hops[1:]):
            # an element to a neighbour, or a link to one of its ends (and back)
            ok = (a in topo and b in topo and b in topo.neighbors(a)) or \
                 (a in topo.link_ids and b in topo.link_endpoints(a)) or \
                 (b in topo.link_ids and a in topo.link_endpoints(b))
            assert ok, f"{a} -> {b} is not a hop of the network ({line})"


@pytest.mark.slow
def test_ranking_table_starts_with_the_top_answer(executed):
    (cell,) = [c for c in executed.cells if c.cell_type == "code" and "result.to_frame()" in c.source]
    (shown,) = [o for o in cell.outputs if o.get("output_type") == "execute_result"]
    text = shown["data"]["text/plain"].splitlines()
    header, first = text[0].split(), text[1].split()
    root = make_incident(size="small", random_state=7).truth.root_causes[0]
    assert first[header.index("entity") + 1] == root.entity   # the row index comes first
    assert first[header.index("rank") + 1] == "1"
