"""CausalGraph (safe JSON round trip, validation) and graph scores on hand-made graphs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from rca.causal import CausalGraph, score_graph
from rca.errors import InputError, ModelFileError


def _graph() -> CausalGraph:
    return CausalGraph(
        nodes=("LOS", "LINK_DOWN", "OSPF_NBR_DOWN"),
        edges=[
            {"cause": "LOS", "effect": "LINK_DOWN", "weight": 3.0, "lag_s": 1.0, "support": 10},
            {"cause": "LINK_DOWN", "effect": "OSPF_NBR_DOWN", "weight": 2.0, "lag_s": float("nan")},
        ],
        method="manual",
        params={"a": 1},
        seconds=0.5,
    )


def test_json_round_trip_keeps_edges_and_nan(tmp_path):
    g = _graph()
    path = tmp_path / "g.json"
    g.to_json(path)
    back = CausalGraph.from_json(path)
    assert back.edge_set() == g.edge_set()
    assert back.nodes == g.nodes
    assert np.isnan(back.edges.set_index("cause").loc["LINK_DOWN", "lag_s"])
    assert back.to_networkx().has_edge("LOS", "LINK_DOWN")
    assert g.parents("OSPF_NBR_DOWN") == ["LINK_DOWN"]


@pytest.mark.parametrize(
    "text",
    [
        '{"nodes": "x"}',
        "[1, 2]",
        '{"nodes": ["a"], "edges": [{"cause": "a"}]}',
        '{"format": "pickle"}',
        "not json",
    ],
)
def test_from_json_rejects_malformed(text):
    with pytest.raises(ModelFileError):
        CausalGraph.from_json(
            "{" + text[1:] if text.startswith("{") else text if text.startswith("[") else "{" + text
        )


def test_unknown_node_and_self_loop_rejected():
    with pytest.raises(InputError, match="not one of the graph's nodes"):
        CausalGraph(nodes=("a",), edges=[{"cause": "a", "effect": "b"}])
    with pytest.raises(InputError, match="self-loops"):
        CausalGraph(nodes=("a",), edges=[{"cause": "a", "effect": "a"}])


def test_scores_on_hand_made_graph():
    truth = np.array([[0, 1, 1, 0], [0, 0, 1, 0], [0, 0, 0, 1], [0, 0, 0, 0]])
    pred = np.array([[0, 1, 0, 0], [0, 0, 0, 0], [0, 1, 0, 1], [1, 0, 0, 0]])
    s = score_graph(pred, truth)
    # TP: 0->1, 2->3; FP: 2->1 (reversed), 3->0 (extra); FN: 0->2, 1->2
    assert (s.tp, s.fp, s.fn) == (2, 2, 2)
    assert (
        s.precision == pytest.approx(0.5)
        and s.recall == pytest.approx(0.5)
        and s.f1 == pytest.approx(0.5)
    )
    assert s.shd == 3  # pairs (0,2) missing, (1,2) reversed, (0,3) extra
    assert s.g_score == 0.0
    assert score_graph(truth, truth).g_score == 1.0
    # pairs predicted {0,1}, {1,2}, {2,3}, {0,3}; true {0,1}, {0,2}, {1,2}, {2,3}
    assert s.skeleton_precision == pytest.approx(0.75) and s.skeleton_recall == pytest.approx(0.75)
    assert s.orientation == pytest.approx(
        2 / 3
    )  # 0->1 and 2->3 right, 2->1 reversed; 3->0 is on no true pair


def test_orientation_counts_both_directions_of_a_pair_once_right():
    truth = np.array([[0, 1], [0, 0]])
    s = score_graph(np.array([[0, 1], [1, 0]]), truth)
    assert (s.skeleton_precision, s.skeleton_recall, s.orientation) == (1.0, 1.0, 0.5)
    assert s.precision == 0.5 and s.g_score == 0.0
    reversed_only = score_graph(truth.T, truth)
    assert (
        reversed_only.skeleton_f1 == 1.0
        and reversed_only.orientation == 0.0
        and reversed_only.f1 == 0.0
    )
    assert np.isnan(score_graph(np.zeros((2, 2)), truth).orientation)


def test_scores_align_labelled_graphs():
    labels = ["x", "y", "z"]
    truth = pd.DataFrame([[0, 1, 0], [0, 0, 1], [0, 0, 0]], index=labels, columns=labels)
    pred = CausalGraph(nodes=("z", "y", "x"), edges=[{"cause": "x", "effect": "y"}])
    s = score_graph(pred, truth)
    assert (s.tp, s.fp, s.fn) == (1, 0, 1)
    assert s.g_score == pytest.approx(0.5)
