"""The investigation notebook computes the right answer, not only without errors.

The notebook simulates a small twin incident (a card failure,
``random_state=7``), ranks it and prints the top candidate with its
evidence, the runner-up, and its score against the truth. These tests read
those printed outputs back: the top answer is the power of the site that
holds the simulated root, the root itself (as an element down) is the
runner-up, every evidence path is a path of the network, and the score line
says rank 2.
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
    return "".join(
        o.get("text", "") for o in cell.get("outputs", []) if o.get("output_type") == "stream"
    )


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    env = dict(
        os.environ, PYTHONPATH=os.pathsep.join([PACKAGE_ROOT, os.environ.get("PYTHONPATH", "")])
    )
    client = nbclient.NotebookClient(
        nb,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path_factory.mktemp("nb"))}},
    )
    client.execute(env=env)
    return nb


@pytest.mark.slow
def test_kernel_uses_the_package_under_test(executed):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import rca; print(rca.__file__)")]
    env = dict(os.environ, PYTHONPATH=PACKAGE_ROOT)
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3").execute(env=env)
    assert nb.cells[0].outputs[0]["text"].strip() == rca.__file__


def _incident():
    return make_incident(size="small", fault="card_failure", random_state=7)


@pytest.mark.slow
def test_top_answer_is_the_site_of_the_simulated_root_and_the_root_comes_second(executed):
    inc = _incident()
    (root,) = inc.truth.root_causes
    assert (root.entity, root.kind, root.fault) == ("access-0004", "node", "card_failure")
    lines = _cell_output(executed, "top = result.candidates[0]").splitlines()
    entity, kind, fault, score = lines[0].split()
    # the card failure took every link of access-0004 down, as the power loss of its site would:
    # the ranker prefers the site (it also explains access-0004's power alarm) at 0.554
    assert (entity, kind, fault, score) == ("ST-0010", "site", "site_power", "0.554")
    assert inc.topology.site_of(root.entity) == "ST-0010"
    assert lines[1].startswith("site ST-0010 lost power (2 elements) at ~2026-01-22T19:34:35")
    alt = _cell_output(executed, "alt = result.candidates[1]").splitlines()
    assert alt[0] == "access-0004 node_down 0.4457 | explains 10 vs 10 | contradicted by 0"
    # the truth cell prints the root and a score with it at rank 2
    truth_out = _cell_output(executed, "incident.truth is not None").splitlines()
    assert truth_out[0] == str([(root.entity, root.kind, root.fault)])
    assert "ranks=(2,)" in truth_out[1] and "top_hit=False" in truth_out[1]
    assert "ac=(0.0, 1.0, 1.0, 1.0, 1.0)" in truth_out[1]


@pytest.mark.slow
def test_evidence_paths_are_paths_of_the_network(executed):
    topo = _incident().topology
    lines = _cell_output(executed, "top = result.candidates[0]").splitlines()[2:]
    assert lines, "the top candidate printed no evidence"
    for line in lines:
        path, why = line.split(" | ", 1)
        hops = path.split(" -> ")
        assert why.strip()
        for a, b in zip(hops, hops[1:]):
            # an element to a neighbour, a link to one of its ends (and back), a site to an element in it
            ok = (
                (a in topo and b in topo and b in topo.neighbors(a))
                or (a in topo.link_ids and b in topo.link_endpoints(a))
                or (b in topo.link_ids and a in topo.link_endpoints(b))
                or (b in topo.sites.get(a, ()))
            )
            assert ok, f"{a} -> {b} is not a hop of the network ({line})"


@pytest.mark.slow
def test_ranking_table_starts_with_the_top_answer(executed):
    (cell,) = [
        c for c in executed.cells if c.cell_type == "code" and "result.to_frame()" in c.source
    ]
    (shown,) = [o for o in cell.outputs if o.get("output_type") == "execute_result"]
    text = shown["data"]["text/plain"].splitlines()
    header = text[0].split()
    # the frame's index is the rank (its name on a line of its own): the first row is rank 1, ST-0010
    assert header[0] == "entity" and text[1].split() == ["rank"]
    assert text[2].split()[:3] == ["1", "ST-0010", "site_power"]
    assert text[3].split()[:3] == ["2", "access-0004", "node_down"]
