"""The network twin: networks, fault signatures, imperfections, folders, CLI."""

from __future__ import annotations

import filecmp

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from rca import InputError, Topology, read_incident
from rca._time import parse_timestamps
from rca.datasets import (
    FAULT_KINDS,
    FAULT_TYPES,
    VOCABULARIES,
    make_incident,
    make_incidents,
    make_network,
)

# no background noise, no lost or duplicated alarms, exact clocks: signatures must show in full
CLEAN = dict(noise=0.0, loss_rate=0.0, dup_rate=0.0, skew_s=0.0, bad_clock_rate=0.0)
OWN = ["time", "device", "alarm_type", "severity", "link_id", "message"]


@pytest.fixture(scope="module")
def net() -> Topology:
    return make_network("small", random_state=7)


def _t0(inc) -> float:
    return float(parse_timestamps(pd.Series([inc.truth.root_causes[0].time]))[0][0])


def _after(inc, t0: float) -> pd.DataFrame:
    f = inc.alarms.frame
    return f[f["time"] >= t0]


def _comm_lost(frame: pd.DataFrame) -> set[str]:
    sel = frame[(frame["alarm_type"] == "NE_COMM_LOST") & (frame["severity"] != "cleared")]
    return set(sel["device"])


# ------------------------------------------------------------------ networks
@pytest.mark.parametrize("size,lo,hi", [("small", 45, 75), ("medium", 240, 360), (150, 120, 180)])
def test_network_sizes_and_attributes(size, lo, hi):
    topo = make_network(size, random_state=3)
    assert lo <= len(topo) <= hi
    assert topo.gateways
    for col in ("node_type", "site", "layer", "lat", "lon"):
        assert topo.nodes[col].notna().all(), col
    assert set(topo.links["link_type"]) <= {"fiber", "microwave"}
    assert (topo.links["capacity_mbps"] > 0).all()
    assert nx.is_connected(nx.Graph(topo.graph))
    # sites are shared: some site holds several elements
    assert max(len(m) for m in topo.sites.values()) >= 2


def test_network_redundancy_most_single_failures_isolate_nothing():
    topo = make_network("medium", random_state=11)
    isolating = sum(len(topo.lost_if_fails(l, "link")) > 0 for l in topo.link_ids)
    # radio tails and access trees are single-homed, rings and dual homing are not
    assert 0 < isolating < len(topo.link_ids)


def test_network_is_deterministic_and_varied():
    a, b = make_network("small", random_state=5), make_network("small", random_state=5)
    pd.testing.assert_frame_equal(a.nodes, b.nodes)
    pd.testing.assert_frame_equal(a.links, b.links)
    shapes = {
        (
            len(make_network("small", random_state=s).links),
            tuple(sorted(set(make_network("small", random_state=s).nodes["layer"]))),
        )
        for s in range(6)
    }
    assert len(shapes) > 2


def test_network_with_given_core(tmp_path):
    g = nx.cycle_graph(6)
    g.add_edge(0, 3)
    path = tmp_path / "core.graphml"
    nx.write_graphml(g, path)
    topo = make_network("small", core=path, random_state=0)
    core = topo.nodes[topo.nodes["layer"] == "core"]  # (rows are sorted by id, not by layer)
    assert len(core) == 6
    assert len(topo) > 30
    again = make_network(60, core=Topology.read_graphml(path), random_state=0)
    pd.testing.assert_frame_equal(topo.nodes, again.nodes)


def test_bad_size_is_an_input_error():
    with pytest.raises(InputError, match="size"):
        make_network("huge")


# ------------------------------------------------------------- determinism
def test_same_seed_same_incident_and_folder(tmp_path, net):
    a = make_incident(net, random_state=42)
    b = make_incident(net, random_state=42)
    pd.testing.assert_frame_equal(a.alarms.frame, b.alarms.frame)
    pd.testing.assert_frame_equal(a.metrics.frame, b.metrics.frame)
    assert a.truth == b.truth
    a.write(tmp_path / "a")
    b.write(tmp_path / "b")
    names = ["nodes.csv", "links.csv", "alarms.csv", "metrics.csv", "truth.json"]
    match, mismatch, errors = filecmp.cmpfiles(tmp_path / "a", tmp_path / "b", names, shallow=False)
    assert match == names, (mismatch, errors)
    c = make_incident(net, random_state=43)
    assert not a.alarms.frame.equals(c.alarms.frame)


# ---------------------------------------------------------- fault signatures
@pytest.mark.parametrize("fault", FAULT_TYPES)
def test_truth_names_an_entity_of_the_right_kind(fault, net):
    inc = make_incident(net, fault=fault, random_state=1)
    assert inc.truth.root_causes
    for root in inc.truth.root_causes:
        assert root.fault == fault and root.kind == FAULT_KINDS[fault]
        assert net.kind_of(root.entity) == root.kind
    assert len(inc.alarms) > 0 and len(inc.metrics) > 0


@pytest.mark.parametrize("seed", range(4))
def test_node_down_signature(net, seed):
    inc = make_incident(net, fault="node_down", random_state=seed, **CLEAN)
    dead = inc.truth.root_causes[0].entity
    t0 = _t0(inc)
    after = _after(inc, t0)
    own = after[after["device"] == dead]
    assert set(own["alarm_type"]) <= {"DYING_GASP", "NE_COMM_LOST", "CELL_OUTAGE"}
    assert (own["alarm_type"] == "DYING_GASP").sum() <= 1
    lost = set(net.unreachable_if([dead]))
    for link in net.incident_links(dead):
        a, b = net.link_endpoints(link)
        other = b if a == dead else a
        if other not in lost:
            hit = after[
                (after["device"] == other)
                & (after["link_id"] == link)
                & (after["alarm_type"] == "LINK_DOWN")
            ]
            assert len(hit) == 1, (other, link)
    assert _comm_lost(after) == lost
    # nothing lost reports on its own after the fault
    assert set(
        after["device"][~after["alarm_type"].isin(["NE_COMM_LOST", "CELL_OUTAGE", "DYING_GASP"])]
    ).isdisjoint(lost)
    # and it stops reporting telemetry
    m = inc.metrics.frame
    assert not ((m["entity"].isin(lost)) & (m["time"] > t0)).any()


@pytest.mark.parametrize("seed", range(3))
def test_link_down_signature(net, seed):
    inc = make_incident(net, fault="link_down", random_state=seed, **CLEAN)
    link = inc.truth.root_causes[0].entity
    after = _after(inc, _t0(inc))
    lost = set(net.unreachable_if(failed_links=[link]))
    for end in net.link_endpoints(link):
        hit = after[
            (after["device"] == end)
            & (after["link_id"] == link)
            & (after["alarm_type"] == "LINK_DOWN")
        ]
        assert len(hit) == (0 if end in lost else 1)
    assert _comm_lost(after) == lost


@pytest.mark.parametrize("seed", range(3))
def test_site_power_signature(net, seed):
    inc = make_incident(net, fault="site_power", random_state=seed, **CLEAN)
    site = inc.truth.root_causes[0].entity
    members = set(net.sites[site])
    after = _after(inc, _t0(inc))
    own = after[after["device"].isin(members)]
    assert set(own["alarm_type"]) <= {"DYING_GASP", "NE_COMM_LOST", "CELL_OUTAGE"}
    assert _comm_lost(after) == set(net.unreachable_if(sorted(members)))
    before = inc.alarms.frame[inc.alarms.frame["time"] < _t0(inc)]
    assert set(before.loc[before["alarm_type"] == "MAINS_FAILURE", "device"]) <= members


def test_site_power_sometimes_announced_by_mains_failure(net):
    seen = 0
    for seed in range(6):
        inc = make_incident(
            net, fault="site_power", random_state=seed, mains_alarm_prob=1.0, **CLEAN
        )
        f = inc.alarms.frame
        seen += bool(((f["alarm_type"] == "MAINS_FAILURE") & (f["time"] < _t0(inc))).any())
    assert seen == 6


def test_card_failure_signature(net):
    inc = make_incident(net, fault="card_failure", random_state=2, card_alarm_prob=1.0, **CLEAN)
    node = inc.truth.root_causes[0].entity
    after = _after(inc, _t0(inc))
    down = set(
        after.loc[
            (after["alarm_type"] == "LINK_DOWN") & (after["severity"] != "cleared"), "link_id"
        ]
    )
    mine = set(net.incident_links(node))
    assert down & mine and not mine <= down  # a subset of its links, not all of them
    lost = set(net.unreachable_if(failed_links=sorted(down & mine)))
    if node not in lost:
        assert "CARD_FAILURE" in set(after.loc[after["device"] == node, "alarm_type"])
    assert _comm_lost(after) == lost


def test_congestion_shows_in_metrics_and_downstream_sla(net):
    inc = make_incident(net, fault="congestion", random_state=4, **CLEAN)
    link, t0 = inc.truth.root_causes[0].entity, _t0(inc)
    s = inc.metrics.series(link, "utilization")
    assert s[s.index > t0].median() > 85 > s[s.index < t0].median()
    sla = inc.alarms.frame
    sla = sla[(sla["time"] > t0) & sla["alarm_type"].isin(["SLA_LATENCY_HIGH", "PACKET_LOSS"])]
    assert len(sla) > 0


def test_cpu_overload_shows_in_cpu(net):
    inc = make_incident(net, fault="cpu_overload", random_state=5, **CLEAN)
    node, t0 = inc.truth.root_causes[0].entity, _t0(inc)
    s = inc.metrics.series(node, "cpu")
    assert s[s.index > t0].min() > 80 > s[s.index < t0].median()


def test_fiber_cut_hits_several_links_at_once(net):
    inc = make_incident(net, fault="fiber_cut", random_state=0, **CLEAN)
    roots = inc.truth.root_causes
    assert len(roots) >= 2 and len({r.time for r in roots}) == 1
    assert all(net.links.at[r.entity, "link_type"] == "fiber" for r in roots)


def test_microwave_fading_on_a_microwave_link():
    topo = next(
        t
        for t in (make_network("small", random_state=s) for s in range(20))
        if (t.links["link_type"] == "microwave").any()
    )
    inc = make_incident(topo, fault="microwave_fading", random_state=0, **CLEAN)
    link = inc.truth.root_causes[0].entity
    assert topo.links.at[link, "link_type"] == "microwave"
    assert "MW_RSL_LOW" in set(
        inc.alarms.frame.loc[inc.alarms.frame["link_id"] == link, "alarm_type"]
    )


def test_several_independent_roots(net):
    inc = make_incident(net, fault="node_down", n_roots=3, random_state=3)
    entities = [r.entity for r in inc.truth.root_causes]
    assert len(set(entities)) == 3
    mixed = make_incident(net, n_roots=2, random_state=9)
    assert len(mixed.truth.root_causes) >= 2


# ----------------------------------------------------------- imperfections
def test_feed_is_imperfect_and_reads_back(tmp_path, net):
    inc = make_incident(net, random_state=8, dup_rate=0.3, delivery_delay_s=30.0)
    inc.write(tmp_path / "inc")
    back = read_incident(tmp_path / "inc")
    assert {"duplicate_row", "out_of_order"} <= set(back.alarms.report.kinds())
    pd.testing.assert_frame_equal(
        back.alarms.frame[OWN].reset_index(drop=True),
        inc.alarms.frame[OWN].reset_index(drop=True),
        check_dtype=False,
    )
    cols = ["time", "entity", "metric", "value"]
    pd.testing.assert_frame_equal(
        back.metrics.frame[cols], inc.metrics.frame[cols], check_dtype=False
    )
    assert back.truth == inc.truth
    pd.testing.assert_frame_equal(back.topology.nodes, inc.topology.nodes, check_dtype=False)
    assert back.topology.link_ids == inc.topology.link_ids


def test_noise_adds_background_alarms(net):
    quiet = make_incident(net, fault="link_down", random_state=6, noise=0.0)
    noisy = make_incident(net, fault="link_down", random_state=6, noise=3.0)
    assert len(noisy.alarms) > len(quiet.alarms)


def _flap_spells(inc, root_links: set[str]) -> list[tuple[str, float, float]]:
    """(link, down, up) of background flaps, read from the LINK_DOWN raises and clears at one end."""
    f = inc.alarms.frame
    f = f[(f["alarm_type"] == "LINK_DOWN") & f["link_id"].notna() & ~f["link_id"].isin(root_links)]
    spells = []
    for (link, _device), g in f.sort_values("time").groupby(["link_id", "device"]):
        down = None
        for t, sev in zip(g["time"], g["severity"]):
            if sev != "cleared":
                down = t
            elif down is not None:
                spells.append((link, down, t))
                down = None
    return spells


def test_a_flapping_link_carries_nothing_while_down(net):
    """Background flaps show in the link's utilisation: 0 at an instant inside the spell, or a lower average."""
    knobs = dict(
        skew_s=0.0,
        bad_clock_rate=0.0,
        flappers=8.0,
        metric_period_s=60.0,
        missing_rate=0.0,
        collector_gap_prob=0.0,
    )
    instant = make_incident(
        net, fault="cpu_overload", random_state=3, util_gauge="instant", **knobs
    )
    average = make_incident(
        net, fault="cpu_overload", random_state=3, util_gauge="average", **knobs
    )
    pd.testing.assert_frame_equal(instant.alarms.frame, average.alarms.frame)
    m = instant.metrics.frame
    inside = []
    for link, down, up in _flap_spells(instant, set()):
        on = (
            (m["entity"] == link)
            & (m["metric"] == "utilization")
            & (m["time"] > down + 2.0)
            & (m["time"] < up - 2.0)
        )
        inside += m.loc[on, "value"].tolist()
    assert inside and all(v == 0.0 for v in inside)
    # the average loses only the down share of each poll interval: never more than the instant reading
    # shows outside a spell, never 0 where the instant reading is 0
    vi, va = instant.metrics.frame["value"].to_numpy(), average.metrics.frame["value"].to_numpy()
    differ = vi != va
    assert differ.any()
    assert np.all((vi[differ] == 0.0) | (va[differ] < vi[differ]))
    assert np.any((va[differ] > 0.0) & (vi[differ] == 0.0))


def test_collector_gap_leaves_a_stretch_without_telemetry(net):
    knobs = dict(metric_period_s=60.0, missing_rate=0.0)
    gaps = []
    for prob in (0.0, 1.0):
        m = make_incident(
            net, fault="link_down", random_state=4, collector_gap_prob=prob, **knobs
        ).metrics.frame
        step = m.sort_values("time").groupby(["entity", "metric"])["time"].diff()
        gaps.append(float(step.max()))
    assert gaps[0] <= 120.0 and gaps[1] >= 600.0
    with pytest.raises(InputError, match="collector_gap_prob"):
        make_incident(net, random_state=4, collector_gap_prob=1.5)
    with pytest.raises(InputError, match="util_gauge"):
        make_incident(net, random_state=4, util_gauge="peak")


def test_telemetry_defects_leave_the_alarms_alone(net):
    a = make_incident(net, fault="node_down", random_state=8, flappers=6.0, collector_gap_prob=0.0)
    b = make_incident(net, fault="node_down", random_state=8, flappers=6.0, collector_gap_prob=1.0)
    pd.testing.assert_frame_equal(a.alarms.frame, b.alarms.frame)
    assert len(b.metrics.frame) < len(a.metrics.frame)


@pytest.mark.parametrize("vocabulary", ["vendor_a", "vendor_b"])
def test_vendor_vocabulary(net, vocabulary):
    inc = make_incident(net, fault="node_down", random_state=1, vocabulary=vocabulary)
    assert set(inc.alarms.frame["alarm_type"]) <= set(VOCABULARIES[vocabulary].values())


def test_medium_incident_has_hundreds_of_alarms():
    counts = [len(make_incident(size="medium", random_state=s).alarms) for s in range(4)]
    assert 150 <= np.median(counts) <= 1500


def test_bad_arguments():
    with pytest.raises(InputError, match="fault"):
        make_incident(size="small", fault="meteor", random_state=0)
    with pytest.raises(TypeError, match="unknown simulation knob"):
        make_incident(size="small", random_state=0, colour="red")
    with pytest.raises(InputError, match="loss_rate"):
        make_incident(size="small", random_state=0, loss_rate=2.0)


def test_make_incidents_names_and_determinism():
    a = [inc.truth for inc in make_incidents(3, size="small", random_state=4)]
    b = [inc.truth for inc in make_incidents(3, size="small", random_state=4)]
    assert a == b


# --------------------------------------------------------------------- CLI
def test_rca_simulate_writes_folders(tmp_path):
    from rca.cli import main

    runner = CliRunner()
    out = tmp_path / "out"
    res = runner.invoke(
        main,
        [
            "simulate",
            str(out),
            "--n",
            "2",
            "--size",
            "small",
            "--seed",
            "1",
            "--fault",
            "link_down",
            "--no-progress",
        ],
    )
    assert res.exit_code == 0, res.output
    folders = sorted(p.name for p in out.iterdir())
    assert folders == ["incident-0001", "incident-0002"]
    for name in folders:
        inc = read_incident(out / name)
        assert inc.truth.root_causes[0].fault == "link_down"
        assert {"nodes.csv", "links.csv", "alarms.csv", "metrics.csv", "truth.json"} <= {
            p.name for p in (out / name).iterdir()
        }
    again = tmp_path / "again"
    runner.invoke(
        main,
        [
            "simulate",
            str(again),
            "--n",
            "2",
            "--size",
            "small",
            "--seed",
            "1",
            "--fault",
            "link_down",
            "--no-progress",
        ],
    )
    assert filecmp.cmp(
        out / "incident-0002" / "alarms.csv", again / "incident-0002" / "alarms.csv", shallow=False
    )
    bad = runner.invoke(main, ["simulate", str(tmp_path / "bad"), "--n", "1", "--fault", "meteor"])
    assert bad.exit_code != 0 and "meteor" in bad.output
