"""The default method on a real PCIC data set (skipped without ../shared/datasets)."""

from __future__ import annotations

from rca.causal import TopologicalHawkes, score_graph
from rca.datasets._pcic import load_pcic


def test_default_beats_trivial_on_wireless(shared_datasets):
    ds = load_pcic(shared_datasets / "huawei-alarms" / "18V_55N_Wireless")
    graph = TopologicalHawkes().fit(ds.alarms, ds.topology, types=ds.alarm_ids).graph_
    assert graph.nodes == tuple(str(i) for i in range(18))
    s = score_graph(graph, ds.true_graph)
    assert s.f1 > 0.37  # the "every pair" answer
    assert s.g_score > 0.1  # more true than false edges
    assert (
        s.orientation > 0.7
    )  # 18V's timing points the true way: most related pairs found are oriented right
