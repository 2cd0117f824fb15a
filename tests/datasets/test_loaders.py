"""load_incidents and load_topology_zoo."""

from __future__ import annotations

import networkx as nx
import pytest

from rca import InputError
from rca.datasets import load_incidents, load_topology_zoo, make_incidents
from tests.conftest import require_shared


def test_load_incidents_reads_every_folder(tmp_path):
    made = list(make_incidents(2, size="small", random_state=2))
    for inc in made:
        inc.write(tmp_path / inc.name)
    back = list(load_incidents(tmp_path))
    assert [b.name for b in back] == ["incident-0001", "incident-0002"]
    assert [b.truth for b in back] == [m.truth for m in made]
    assert [b.name for b in load_incidents(tmp_path / "incident-0002")] == ["incident-0002"]


def test_load_incidents_errors(tmp_path):
    with pytest.raises(InputError, match="no incident folders"):
        list(load_incidents(tmp_path))
    with pytest.raises(InputError, match="directory"):
        list(load_incidents(tmp_path / "absent"))


def test_load_topology_zoo_by_name_and_path(tmp_path):
    nx.write_graphml(nx.path_graph(4), tmp_path / "Tiny.graphml")
    assert len(load_topology_zoo("tiny", root=tmp_path)) == 4
    assert len(load_topology_zoo(tmp_path / "Tiny.graphml")) == 4
    with pytest.raises(InputError, match="no network named"):
        load_topology_zoo("Nowhere", root=tmp_path)
    with pytest.raises(InputError, match="NETRCA_SHARED_DATASETS"):
        load_topology_zoo("Abilene", root=tmp_path / "absent")


@pytest.mark.shared
def test_load_topology_zoo_shared_abilene():
    require_shared("topology-zoo", "Abilene.graphml")
    topo = load_topology_zoo("Abilene")
    assert len(topo) == 11
