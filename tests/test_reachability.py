import networkx as nx
import numpy as np
import pytest

from rca._reachability import Reachability, undirected_dominators


@pytest.mark.parametrize("seed", range(40))
def test_dominators_match_networkx_on_random_graphs(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 40))
    m = int(rng.integers(0, 70))
    src, dst = rng.integers(0, n, m), rng.integers(0, n, m)
    src, dst = src[src != dst], dst[src != dst]
    root = int(rng.integers(0, n))
    digraph = nx.DiGraph()
    digraph.add_nodes_from(range(n))
    digraph.add_edges_from(zip(src.tolist(), dst.tolist()))
    digraph.add_edges_from(zip(dst.tolist(), src.tolist()))
    expected = np.full(n, -1)
    expected[root] = root
    for v, d in nx.immediate_dominators(digraph, root).items():
        expected[v] = d
    np.testing.assert_array_equal(undirected_dominators(n, src, dst, root), expected)


def test_long_chain_of_rings_is_linear_and_exact():
    # 20,000 rings of 4 in a row (e - e+1 - e+3 and e - e+2 - e+3): each
    # ring's entry e dominates the ring's other three vertices.
    rings = 20_000
    entry = 3 * np.arange(rings)
    src = np.concatenate([entry, entry + 1, entry, entry + 2])
    dst = np.concatenate([entry + 1, entry + 3, entry + 2, entry + 3])
    idom = undirected_dominators(3 * rings + 1, src, dst, 0)
    expected = np.repeat(entry, 3)
    np.testing.assert_array_equal(idom[1:], expected)
    assert idom[0] == 0


def test_single_failures_match_brute_force_bfs():
    rng = np.random.default_rng(3)
    g = nx.gnm_random_graph(60, 75, seed=3)
    src, dst = (np.asarray(x) for x in zip(*g.edges))
    gateways = np.asarray([0, 1])
    reach = Reachability(60, src, dst, gateways)
    for node in rng.choice(60, 15, replace=False).tolist():
        assert sorted(reach.lost_if_node_fails(node).tolist()) == sorted(
            reach.lost_if([node]).tolist()
        ), node
    for link in range(len(src)):
        assert sorted(reach.lost_if_link_fails(link).tolist()) == sorted(
            reach.lost_if(failed_links=[link]).tolist()
        ), link


@pytest.mark.parametrize("seed", range(20))
def test_network_left_after_failures_answers_further_failures(seed):
    # what a further node or link loses in the network the first failures left
    # is what all of them lose together, less what the first ones lose alone
    rng = np.random.default_rng(seed)
    n = int(rng.integers(6, 30))
    m = int(rng.integers(n, 3 * n))
    src, dst = rng.integers(0, n, m), rng.integers(0, n, m)
    src, dst = src[src != dst], dst[src != dst]
    full = Reachability(n, src, dst, np.array([0, 1]))
    nodes = rng.choice(np.arange(2, n), size=1, replace=False).tolist()
    links = rng.choice(len(src), size=min(2, len(src)), replace=False).tolist()
    left, link_pos = full.without(nodes, links)
    before = set(full.lost_if(nodes, links).tolist())
    for v in range(n):
        together = set(full.lost_if(nodes + [v], links).tolist()) - before
        assert set(left.lost_if_node_fails(v).tolist()) - before == together, v
    for l in range(len(src)):
        together = set(full.lost_if(nodes, links + [l]).tolist()) - before
        got = set(left.lost_if_link_fails(int(link_pos[l])).tolist()) if link_pos[l] >= 0 else set()
        assert got - before == together, l
    assert (link_pos[links] == -1).all()


def test_without_is_remembered_and_equal_to_a_fresh_build():
    import rca._reachability as module

    rng = np.random.default_rng(5)
    g = nx.connected_watts_strogatz_graph(80, 4, 0.2, seed=5)
    src = np.array([u for u, _ in g.edges()])
    dst = np.array([v for _, v in g.edges()])
    index = Reachability(80, src, dst, np.array([0]))
    fresh = Reachability(80, src, dst, np.array([0]))
    for _ in range(20):
        nodes = [int(x) for x in rng.choice(np.arange(1, 80), 3, replace=False)]
        links = [int(x) for x in rng.choice(len(src), 2, replace=False)]
        left, pos = index.without(nodes, links)
        again, pos2 = index.without(
            reversed(nodes), links[::-1]
        )  # the same failures, in another order
        assert again is left and pos2 is pos and not pos.flags.writeable
        ref, ref_pos = fresh.__class__(80, src, dst, np.array([0])).without(nodes, links)
        assert np.array_equal(pos, ref_pos)
        for v in range(80):
            assert np.array_equal(
                np.sort(left.lost_if_node_fails(v)), np.sort(ref.lost_if_node_fails(v))
            )
    assert len(index._without) <= module.WITHOUT_CACHE
    for k in range(module.WITHOUT_CACHE + 5):  # bounded: the oldest are dropped
        index.without([k % 79 + 1], [])
    assert len(index._without) == module.WITHOUT_CACHE
