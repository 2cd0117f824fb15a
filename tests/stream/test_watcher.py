"""The watcher in-process (no server, no subprocess): event time, versions, the backstop, topology reloads,
bounded memory, dead letters, and that every message is acknowledged exactly once, never before its answer."""

from __future__ import annotations

import doctest
import math

import numpy as np
import pandas as pd
import pytest

import rca
from rca.datasets import make_incident, make_network
from rca.segment import segment
from rca.stream import Message, Watcher


def rows_of(inc, shift: float = 0.0, tag: str = "") -> list[dict]:
    frame = inc.alarms.to_frame(iso=False).drop(columns=["line"])
    frame["timestamp"] = frame["timestamp"] + shift
    out = frame.to_dict("records")
    for r in out:
        for k, v in list(r.items()):
            if isinstance(v, float) and math.isnan(v):
                del r[k]
        if tag:
            r["tag"] = tag
    return out


def messages(rows: list[dict], stream: str = "alarms", first: int = 0) -> list[Message]:
    return [Message(stream, str(first + i), r) for i, r in enumerate(rows)]


@pytest.fixture(scope="module")
def net():
    return make_network("small", random_state=11)


@pytest.fixture(scope="module")
def storms(net):
    """Six storms on one network, without background noise, laid out two hours apart."""
    rng = np.random.default_rng(4)
    out = []
    for i, fault in enumerate(
        ["node_down", "link_down", "card_failure", "fiber_cut", "node_down", "link_down"]
    ):
        out.append(make_incident(net, fault=fault, noise=0.0, random_state=rng, name=f"s{i}"))
    return out


def feed_of(storms, gap: float = 7200.0) -> tuple[list[Message], list[float]]:
    """The storms' alarms one after another (each shifted to start ``gap`` s after the previous one started)."""
    rows, shifts = [], []
    t0 = float(storms[0].alarms.start)
    for k, inc in enumerate(storms):
        shift = t0 + k * gap - float(inc.alarms.start)
        shifts.append(shift)
        rows += rows_of(inc, shift, tag=inc.name)
    return messages(rows), shifts


def run_all(w: Watcher, msgs: list[Message], batch: int) -> list:
    outs = [w.process(msgs[i : i + batch]) for i in range(0, len(msgs), batch)]
    outs.append(w.close(end_of_stream=True))
    return outs


def finals(outs) -> list[dict]:
    return [a for o in outs for a in o.answers if a["final"]]


def test_answers_do_not_depend_on_how_the_feed_is_batched(storms):
    msgs, _ = feed_of(storms)
    one = run_all(Watcher(storms[0].topology), msgs, 1)
    big = run_all(Watcher(storms[0].topology), msgs, 10_000)

    def strip(outs: list) -> list[dict]:
        return [dict(a) for o in outs for a in o.answers]

    assert strip(one) == strip(big)
    assert len(finals(one)) >= len(storms)


def test_each_storm_gets_versions_and_a_final_answer_equal_to_analyze(storms):
    msgs, shifts = feed_of(storms)
    w = Watcher(storms[0].topology, quiet_s=900)
    outs = run_all(w, msgs, 50)
    answers = [a for o in outs for a in o.answers]
    by_id: dict[str, list[dict]] = {}
    for a in answers:
        by_id.setdefault(a["incident_id"], []).append(a)
    for iid, versions in by_id.items():
        assert [a["version"] for a in versions] == list(range(1, len(versions) + 1)), iid
        assert [a["final"] for a in versions][-1] is True and not any(
            a["final"] for a in versions[:-1]
        ), iid
        assert all(a["position"].startswith("alarms#") for a in versions)
    # the storms are two hours apart; each one the batch segmentation (rca report's) keeps whole gets one final
    # answer, whose top candidate is rca.analyze's on the storm
    whole = 0
    for inc, shift in zip(storms, shifts):
        seg = segment(inc.alarms, inc.topology)
        lo, hi = float(inc.alarms.start) + shift, float(inc.alarms.end) + shift
        mine = [
            a
            for a in finals(outs)
            if lo - 1e-3 <= pd.Timestamp(a["start"]).timestamp() <= hi + 1e-3
        ]
        if len(seg) == 1 and seg[0].n_alarms == len(inc.alarms):
            whole += 1
            assert len(mine) == 1 and mine[0]["n_alarms"] == len(inc.alarms), inc.name
            assert mine[0]["candidates"][0]["entity"] == rca.analyze(inc).candidates[0].entity, (
                inc.name
            )
        else:
            assert len(mine) == len(seg), inc.name  # cut as the batch cuts it
    assert whole >= 4
    # settled by event time (quiet), the last one at the end of the stream
    reasons = [a["reason"] for a in sorted(finals(outs), key=lambda a: a["start"])]
    assert set(reasons[:-1]) == {"quiet"} and reasons[-1] == "end_of_stream"
    assert w.stats.open == 0 and w.stats.held == 0 and w.open_incidents == []


def test_every_message_is_acknowledged_once_and_never_before_its_final_answer(storms):
    msgs, _ = feed_of(storms)
    msgs.insert(
        7, Message("alarms", "bad-1", {"timestamp": "2026-01-01T00:00:00Z", "alarm_type": "LOS"})
    )
    w = Watcher(storms[0].topology, positions=True)
    acked: list[str] = []
    published: set[str] = set()
    for i in range(0, len(msgs), 13):
        out = w.process(msgs[i : i + 13])
        # what run() does: publish the answers of a step, then acknowledge its acks
        published |= {p for a in out.answers if a["final"] for p in a["positions"]}
        members = {p for a in out.answers for p in a.get("positions", [])}
        for m in out.acks:
            assert m.position not in members or m.position in published
        acked += [m.position for m in out.acks]
    end = w.close(end_of_stream=True)
    acked += [m.position for m in end.acks]
    assert sorted(acked) == sorted(m.position for m in msgs)  # each exactly once, none left
    assert w.stats.bad == 1 and w.stats.bad_reasons == {"missing_field": 1}


def test_an_acknowledged_alarm_of_an_incident_always_follows_its_final(storms):
    """Break the rule on purpose: an ack for a still-open incident's alarm must be caught by the test above."""
    msgs, _ = feed_of(storms[:1])
    w = Watcher(storms[0].topology, positions=True)
    out = w.process(msgs)
    assert w.open_incidents and out.answers and not any(a["final"] for a in out.answers)
    held = {p for o in w._epochs for r in o.records.values() for p in [r.ack.position]}
    assert held and not held & {
        m.position for m in out.acks
    }  # the open incident's alarms are not released


def test_the_wall_clock_backstop_settles_a_silent_feed(storms):
    now = [1000.0]
    msgs, _ = feed_of(storms[:1])
    w = Watcher(storms[0].topology, quiet_s=600, timeout_s=30, clock=lambda: now[0])
    out = w.process(msgs)
    assert out.answers and w.open_incidents
    now[0] += 29
    assert not w.tick().answers  # not yet: the feed may only be slow
    now[0] += 2
    assert not w.tick().answers  # the clock moved 31 s past the last alarm: not quiet yet
    now[0] += 600
    settled = w.tick()
    assert [a["final"] for a in settled.answers] == [True] and settled.answers[0][
        "reason"
    ] == "timeout"
    assert w.open_incidents == [] and {m.position for m in settled.acks} == {
        m.position for m in msgs
    }


def test_a_new_topology_serves_new_incidents_and_open_ones_keep_theirs(net, storms):
    inc = storms[0]
    new_node = "new-router-1"
    anchor = (
        inc.truth.root_causes[0].entity
        if inc.truth.root_causes[0].kind == "node"
        else net.node_ids[0]
    )
    nodes = pd.concat(
        [net.nodes.reset_index(), pd.DataFrame({"node_id": [new_node]})], ignore_index=True
    )
    links = pd.concat(
        [
            net.links.reset_index(),
            pd.DataFrame({"link_id": ["L-new"], "source": [new_node], "target": [anchor]}),
        ],
        ignore_index=True,
    )
    bigger = rca.Topology.from_frames(nodes, links)
    msgs, _ = feed_of([inc])
    half = len(msgs) // 2
    w = Watcher(net, quiet_s=900)
    t = float(msgs[0].fields["timestamp"])
    early = w.process(
        [Message("alarms", "x0", {"timestamp": t, "device": new_node, "alarm_type": "LOS"})]
    )
    assert [d.reason for d in early.dead] == ["unknown_device"]  # not in the first graph
    out = w.process(msgs[:half])
    opened = list(w.open_incidents)
    assert opened
    w.set_topology(bigger)
    assert w.topology is bigger
    out2 = w.process(msgs[half:])
    late = w.process(
        [
            Message(
                "alarms",
                "x1",
                {
                    "timestamp": float(msgs[-1].fields["timestamp"]) + 5000,
                    "device": new_node,
                    "alarm_type": "LOS",
                },
            )
        ]
    )
    assert not late.dead  # the new graph knows it
    end = w.close(end_of_stream=True)
    fin = [
        a
        for o in (out, out2, late, end)
        for a in o.answers
        if a["final"] and a["incident_id"] in opened
    ]
    # the open incident finished on its own graph, whole: the same answer as without the reload
    assert len(fin) == 1 and fin[0]["n_alarms"] == len(msgs)
    assert fin[0]["candidates"][0]["entity"] == rca.analyze(inc).candidates[0].entity
    assert w.stats.topologies == 2


def test_memory_stays_bounded_over_a_long_feed(net):
    """200 storms back to back: what is held never grows with the length of the feed."""
    rng = np.random.default_rng(9)
    one = [
        make_incident(net, fault=f, noise=0.0, random_state=rng)
        for f in ("node_down", "link_down", "fiber_cut")
    ]
    rows = []
    t0 = float(one[0].alarms.start)
    for k in range(200):
        inc = one[k % 3]
        rows += rows_of(inc, t0 + k * 1800 - float(inc.alarms.start))
    msgs = messages(rows)
    w = Watcher(net, quiet_s=600)
    peaks = []
    for i in range(0, len(msgs), 25):
        w.process(msgs[i : i + 25])
        peaks.append(
            (w.stats.held, sum(len(e.records) for e in w._epochs), len(w._seen), w.stats.open)
        )
    w.close(end_of_stream=True)
    biggest = max(len(x.alarms) for x in one)
    held = [p[0] for p in peaks]
    assert max(held) <= 3 * biggest  # a few storms' alarms, not 200 storms'
    assert max(held[len(held) // 2 :]) <= max(held[: len(held) // 2]) + biggest  # flat, not growing
    assert max(p[2] for p in peaks) <= 4 * biggest + 10  # the duplicate filter is bounded too
    assert max(p[3] for p in peaks) <= 2
    assert w.stats.finals >= 200 and w.stats.held == 0 and w._epochs[0].records == {}


def test_a_flood_is_shed_not_grown(net):
    """A flood of unrelated flapping alarms past max_held: memory capped, every alarm still accounted for."""
    rng = np.random.default_rng(2)
    t0 = 1.77e9
    nodes = net.node_ids
    rows = [
        {
            "timestamp": t0 + i * 0.01,
            "device": str(nodes[int(rng.integers(len(nodes)))]),
            "alarm_type": f"T{int(rng.integers(50))}",
            "severity": "major",
        }
        for i in range(6000)
    ]
    msgs = messages(rows)
    w = Watcher(net, max_held=1000, rank_every_s=30)
    held = []
    acked: list[str] = []
    for i in range(0, len(msgs), 500):
        out = w.process(msgs[i : i + 500])
        acked += [m.position for m in out.acks]
        held.append(w.stats.held)
    acked += [m.position for m in w.close(end_of_stream=True).acks]
    assert max(held) <= 1000
    assert w.stats.shed > 0
    assert sorted(acked) == sorted(m.position for m in msgs)  # every message once, none lost


def test_bad_messages_become_dead_letters_and_the_rest_goes_on(storms):
    msgs, _ = feed_of(storms[:1])
    t = msgs[0].fields["timestamp"]
    bad = [
        Message("alarms", "b1", None, raw="{oops", error="not a JSON object"),
        Message("alarms", "b2", {"timestamp": "never", "device": "x", "alarm_type": "LOS"}),
        Message("alarms", "b3", {"timestamp": t, "device": "NO-SUCH", "alarm_type": "LOS"}),
        Message("alarms", "b4", {"timestamp": t, "device": storms[0].topology.node_ids[0]}),
        Message(
            "alarms", "b5", {"timestamp": t, "entity": "NO-SUCH", "metric": "cpu", "value": "1"}
        ),
        Message(
            "alarms",
            "b6",
            {
                "timestamp": t,
                "entity": storms[0].topology.node_ids[0],
                "metric": "cpu",
                "value": "high",
            },
        ),
    ]
    w = Watcher(storms[0].topology)
    out = w.process(bad[:3] + msgs + bad[3:])
    end = w.close(end_of_stream=True)
    assert [(d.message.offset, d.reason) for d in out.dead] == [
        ("b1", "unreadable"),
        ("b2", "bad_timestamp"),
        ("b3", "unknown_device"),
        ("b4", "missing_field"),
        ("b5", "unknown_entity"),
        ("b6", "bad_value"),
    ]
    assert (
        out.dead[2].to_dict()["position"] == "alarms#b3"
        and "NO-SUCH" in out.dead[2].to_dict()["raw"]
    )
    fin = [a for o in (out, end) for a in o.answers if a["final"]]
    assert [a["candidates"][0]["entity"] for a in fin] == [
        rca.analyze(storms[0]).candidates[0].entity
    ]


def test_the_stream_modules_doctests_run():
    import importlib

    import rca.stream._files
    import rca.stream._message
    import rca.stream._partition
    import rca.stream._watcher

    for mod in (
        rca.stream._message,
        rca.stream._files,
        rca.stream._partition,
        rca.stream._watcher,
        importlib.import_module("rca.segment"),
    ):
        failed, attempted = doctest.testmod(
            mod, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
        )
        assert attempted > 0 and failed == 0, mod.__name__


def test_a_topology_file_that_changes_is_read_again(tmp_path, net):
    from rca.stream import TopologyWatch

    folder = tmp_path / "topo"
    net.write_csv(folder)
    watch = TopologyWatch(str(folder), interval_s=0)
    assert watch.changed() is None  # nothing changed yet
    nodes = (folder / "nodes.csv").read_text(encoding="utf-8")
    new = tmp_path / "nodes.new"
    new.write_text(
        nodes.rstrip("\n") + "\n" + "extra-node" + "," * nodes.splitlines()[0].count(",") + "\n",
        encoding="utf-8",
    )
    new.replace(folder / "nodes.csv")  # written beside and renamed over
    topo = watch.changed()
    assert topo is not None and "extra-node" in topo.node_ids and topo.n_links == net.n_links
    assert watch.changed() is None  # read once per change
    (folder / "links.csv").write_text("this is,not\na,links file\n", encoding="utf-8")
    assert watch.changed() is None  # unreadable: the previous graph stays


def test_importing_rca_and_the_stream_commands_imports_neither_redis_nor_torch():
    import subprocess
    import sys

    from tests.stream.conftest import env

    code = (
        "import sys, rca, rca.stream, rca.cli, rca.cli._watch, rca.cli._replay\n"
        "print(sorted(m for m in ('redis', 'torch') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env(),
        timeout=120,
        check=True,
    )
    assert done.stdout.strip() == "[]"
