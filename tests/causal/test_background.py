"""Background knowledge for the Hawkes methods: forbidden and required edges, prior files."""

from __future__ import annotations

import numpy as np
import pytest

from rca.causal import read_prior, simulate_hawkes_events
from rca.causal._background import prior_masks
from rca.causal._methods import make_method
from rca.errors import InputError


@pytest.mark.parametrize("method", ["thp", "mshawkes"])
def test_forbidden_edge_is_never_learned_and_required_edge_always_kept(method):
    frame, truth = simulate_hawkes_events(n_types=5, n_devices=10, random_state=0)
    assert ("A0", "A1") in truth and ("A1", "A4") not in truth
    plain = make_method(method).fit(frame).graph_.edge_set()
    assert plain == set(truth)
    graph = make_method(method, forbidden=[("A0", "A1")], required=[("A1", "A4")]).fit(frame).graph_
    edges = graph.edge_set()
    assert ("A0", "A1") not in edges and ("A1", "A4") in edges
    # the rest of the planted graph is still found
    assert set(truth) - {("A0", "A1")} <= edges
    assert graph.params["forbidden"] == [("A0", "A1")] and graph.params["required"] == [
        ("A1", "A4")
    ]


def test_a_required_edge_wins_over_the_cycle_it_closes():
    frame, truth = simulate_hawkes_events(n_types=4, n_devices=8, random_state=1)
    assert ("A1", "A2") in truth
    edges = make_method("thp", required=[("A2", "A0")]).fit(frame).graph_.edge_set()
    assert ("A2", "A0") in edges
    # A0 -> A1 -> A2 -> A0 would be a cycle: a learned edge gave way, not the required one
    assert not {("A0", "A1"), ("A1", "A2")} <= edges


def test_prior_masks_reject_contradictions_and_skip_unknown_types(caplog):
    types = ["a", "b", "c"]
    with pytest.raises(InputError, match="both forbidden and required"):
        prior_masks(types, forbidden=[("a", "b")], required=[("a", "b")])
    with pytest.raises(
        InputError, match=r"cycle: (a -> b -> c -> a|b -> c -> a -> b|c -> a -> b -> c)"
    ):
        prior_masks(types, required=[("a", "b"), ("b", "c"), ("c", "a")])
    with pytest.raises(InputError, match="self-loop"):
        prior_masks(types, forbidden=[("a", "a")])
    forbid, require = prior_masks(types, forbidden=[("a", "zz")], required=[("c", "a")])
    assert not forbid.any() and require[2, 0] and require.sum() == 1
    assert "zz" in caplog.text and "skipped" in caplog.text


def test_read_prior_csv_and_npy(tmp_path):
    csv = tmp_path / "prior.csv"
    csv.write_text("cause,effect,edge\nLOS,LINK_DOWN,1\nBGP_DOWN,LOS,0\n")
    assert read_prior(csv) == ([("BGP_DOWN", "LOS")], [("LOS", "LINK_DOWN")])
    npy = tmp_path / "causal_prior.npy"
    np.save(npy, np.array([[-1, 1, 0], [-1, -1, -1], [-1, -1, -1]]))
    assert read_prior(npy) == ([("0", "2")], [("0", "1")])
    assert read_prior(npy, labels=["x", "y", "z"]) == ([("x", "z")], [("x", "y")])


def test_read_prior_reports_the_bad_line(tmp_path):
    csv = tmp_path / "prior.csv"
    csv.write_text("cause,effect,edge\nLOS,LINK_DOWN,1\nBGP_DOWN,LOS,maybe\n")
    with pytest.raises(InputError, match="expected 1") as err:
        read_prior(csv)
    assert err.value.line == 3 and err.value.column == "edge"
    (tmp_path / "p2.csv").write_text("cause,effect\nLOS,LINK_DOWN\n")
    with pytest.raises(InputError, match="missing column 'edge'"):
        read_prior(tmp_path / "p2.csv")
    np.save(tmp_path / "bad.npy", np.array([[0, 2], [0, 0]]))
    with pytest.raises(InputError, match="expected one of"):
        read_prior(tmp_path / "bad.npy")
