"""rca watch on Redis Streams, against a real redis-server started by these tests (skipped without one).

20 simulated storms are replayed into a stream; what is asserted:

* every incident folder gets a final answer for its storm piece (the watcher's incident nearest the
  storm's onset), whose top candidate is what ``rca analyze`` says on the folder, wherever the batch
  segmentation (``rca report``'s) keeps the folder whole; where it cuts the folder, what ``rca analyze``
  says on the batch's storm piece. The watcher runs with ``--reorder 400``, which covers the simulated
  feed's late deliveries (up to about 325 s), so it cuts as the batch does;
* a watcher killed with SIGKILL mid-stream and restarted under the same consumer name gives the same
  final answers (same incident ids, alarms, top candidates) as one never interrupted, and at the kill no
  alarm had been acknowledged that belongs to an incident whose final answer was not yet published;
* poisoned messages go to the dead-letter stream, with their position and reason, and the rest goes on;
* two workers, each on its regions' streams, answer every incident between them.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

import pytest

from tests.stream.conftest import ROOT, check_storms, env, rca, shifts, storm_answers

pytestmark = pytest.mark.slow

WATCH = ("--reorder", "400", "--timeout", "600", "--stop-after-idle", "2", "--rank-every", "60")


def answers(client, stream: str) -> list[dict]:
    return [json.loads(f[b"answer"]) for _, f in client.xrange(stream)]


def finals(items: list[dict]) -> dict[str, dict]:
    """The last final answer of each incident (a consumer drops repeats by incident id and version)."""
    out = {}
    for a in items:
        if a["final"]:
            out[a["incident_id"]] = a
    return out


def fields_of(client, stream: str) -> list[dict]:
    return [
        {k.decode(): v.decode("utf-8", "replace") for k, v in f.items()}
        for _, f in client.xrange(stream)
    ]


def watch(
    redis_url: str, topology, *args: str, timeout: float = 120
) -> subprocess.CompletedProcess:
    return rca(
        "watch",
        "--from",
        redis_url,
        "--to",
        redis_url,
        "--topology",
        str(topology),
        *WATCH,
        *args,
        timeout=timeout,
    )


def test_every_replayed_incident_gets_a_final_answer_matching_rca_analyze(
    redis_url, redis_client, twenty, expected
):
    # the replay and the watcher run at the same time: a live feed, as fast as the replay goes
    producer = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "rca",
            "replay",
            str(twenty),
            "--to",
            redis_url,
            "--speed",
            "0",
            "--gap",
            "1800",
        ],
        env=env(),
        stderr=subprocess.PIPE,
        text=True,
    )
    done = watch(redis_url, twenty / "incident-0001", "--stop-after-idle", "3")
    assert producer.wait(60) == 0, producer.stderr.read()
    got = answers(redis_client, "alarms:answers")
    assert got, done.stderr
    by_incident: dict[str, list[dict]] = {}
    for a in got:
        by_incident.setdefault(a["incident_id"], []).append(a)
    for iid, versions in by_incident.items():
        assert [a["version"] for a in versions] == list(range(1, len(versions) + 1)), iid
        assert [a["final"] for a in versions] == [False] * (len(versions) - 1) + [True], iid
        assert all(a["n_alarms"] >= 1 and a["start"] <= a["end"] for a in versions)
    last = list(finals(got).values())
    wrong = check_storms(last, expected, shifts(fields_of(redis_client, "alarms"), expected))
    assert not wrong, wrong
    # and the storm pieces' answers are those of rca analyze on the folders, but for a few that segmentation cuts
    storms = storm_answers(last, expected, shifts(fields_of(redis_client, "alarms"), expected))
    same = [
        n for n, a in storms.items() if a and a["candidates"][0]["entity"] == expected[n]["analyze"]
    ]
    assert len(same) >= 14 and sum(e["none"] for e in expected.values()) <= 2, (len(same), expected)
    # everything read was acknowledged once its answer was out
    assert redis_client.xpending("alarms", "rca-watch")["pending"] == 0
    assert "0 bad" in done.stderr


def _acked(client, stream: str, group: str) -> set[str]:
    """Entries delivered to the group and acknowledged, as positions (STREAM#ID)."""
    info = {g["name"].decode(): g for g in client.xinfo_groups(stream)}[group]
    last = info["last-delivered-id"].decode()
    delivered = (
        {eid.decode() for eid, _ in client.xrange(stream, "-", last)} if last != "0-0" else set()
    )
    pending = {
        p["message_id"].decode() for p in client.xpending_range(stream, group, "-", "+", 10**6)
    }
    return {f"{stream}#{e}" for e in delivered - pending}


def test_a_watcher_killed_mid_stream_and_restarted_loses_no_incident(
    redis_url, redis_client, twenty
):
    # alarms only: this is about delivery, not about the answers' accuracy
    rca("replay", str(twenty), "--to", redis_url, "--speed", "0", "--gap", "1800", "--no-metrics")
    topo = twenty / "incident-0001"
    # the reference: one uninterrupted watcher, in its own consumer group on the same stream
    watch(
        redis_url,
        topo,
        "--group",
        "ref",
        "--answers",
        "ref:answers",
        "--dead",
        "ref:dead",
        "--positions",
    )
    reference = finals(answers(redis_client, "ref:answers"))
    assert len(reference) >= 15
    members = {p for a in reference.values() for p in a["positions"]}

    # the same stream in another group: killed with SIGKILL once a few final answers are out
    args = [
        sys.executable,
        "-m",
        "rca",
        "watch",
        "--from",
        redis_url,
        "--to",
        redis_url,
        "--topology",
        str(topo),
        *WATCH,
        "--group",
        "kill",
        "--consumer",
        "k1",
        "--answers",
        "kill:answers",
        "--dead",
        "kill:dead",
        "--positions",
        "--batch",
        "20",
    ]
    proc = subprocess.Popen(
        args, env=env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 90
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            if len(finals(answers(redis_client, "kill:answers"))) >= 3:
                break
            time.sleep(0.02)
        assert proc.poll() is None, (
            "the watcher ended before it could be killed: " + proc.stderr.read()[-2000:]
        )
        proc.send_signal(signal.SIGKILL)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(10)
    # at the kill: acknowledged first, then published (so nothing published later is counted)
    acked = _acked(redis_client, "alarms", "kill")
    before = answers(redis_client, "kill:answers")
    published = {p for a in before if a["final"] for p in a["positions"]}
    early = (acked & members) - published
    assert not early, (
        f"{len(early)} alarms acknowledged before the final answer of their incident was published"
    )
    assert len(finals(before)) < len(reference), "the kill came too late to be mid-stream"
    assert redis_client.xpending("alarms", "kill")["pending"] > 0, (
        "nothing was in flight at the kill"
    )

    # restarted under the same consumer name: it reads its unacknowledged entries again, then the rest
    watch(
        redis_url,
        topo,
        "--group",
        "kill",
        "--consumer",
        "k1",
        "--answers",
        "kill:answers",
        "--dead",
        "kill:dead",
        "--positions",
    )
    after = answers(redis_client, "kill:answers")
    restarted = finals(after)

    def key(a: dict) -> tuple:
        return (
            a["n_alarms"],
            a["start"],
            a["end"],
            a["candidates"][0]["entity"],
            tuple(sorted(a["positions"])),
        )

    assert {i: key(a) for i, a in restarted.items()} == {i: key(a) for i, a in reference.items()}
    # repeats carry the same version number and the same answer: a consumer can drop them
    seen: dict[tuple, list] = {}
    for a in after:
        cands = [c["entity"] for c in a["candidates"]]
        assert seen.setdefault((a["incident_id"], a["version"]), cands) == cands
    assert redis_client.xpending("alarms", "kill")["pending"] == 0


def test_poisoned_messages_go_to_the_dead_letter_stream(redis_url, redis_client, twenty, expected):
    folder = twenty / "incident-0001"
    poison = [
        {"garbage": "x"},  # no field of the format
        {"timestamp": "yesterday", "device": "x", "alarm_type": "LOS"},  # no time
        {
            "timestamp": "2026-03-01T10:00:00Z",
            "device": "NO-SUCH-NODE\x1b[31m",
            "alarm_type": "LOS",
        },
        {"timestamp": "2026-03-01T10:00:00Z", "alarm_type": "LOS"},  # no device
        {"timestamp": b"\xff\xfe", "device": "x", "alarm_type": "LOS"},  # not UTF-8
    ]
    ids = [redis_client.xadd("alarms", p).decode() for p in poison]
    rca("replay", str(folder), "--to", redis_url, "--speed", "0", "--no-metrics")
    done = watch(redis_url, folder)
    dead = fields_of(redis_client, "alarms:dead")
    assert [d["position"] for d in dead] == [f"alarms#{i}" for i in ids]
    assert [d["reason"] for d in dead] == [
        "missing_field",
        "bad_timestamp",
        "unknown_device",
        "missing_field",
        "unreadable",
    ]
    assert "NO-SUCH-NODE" in dead[2]["raw"]
    assert (
        "\x1b" not in done.stderr and f"alarms#{ids[2]}" in done.stderr
    )  # logged with its position, escaped
    assert "5 bad" in done.stderr
    # the incident behind them is answered as if they were not there
    last = list(finals(answers(redis_client, "alarms:answers")).values())
    wrong = check_storms(
        last,
        {"incident-0001": expected["incident-0001"]},
        shifts(fields_of(redis_client, "alarms"), {"incident-0001": expected["incident-0001"]}),
    )
    assert not wrong, wrong
    assert redis_client.xpending("alarms", "rca-watch")["pending"] == 0


def test_two_workers_split_the_network_by_region(redis_url, redis_client, twenty, expected):
    from rca import Topology
    from rca.stream import regions

    folders = sorted(twenty.iterdir())[:8]
    sub = twenty.parent / "eight"
    sub.mkdir(exist_ok=True)
    for f in folders:
        if not (sub / f.name).exists():
            (sub / f.name).symlink_to(f, target_is_directory=True)
    rca(
        "replay",
        str(sub),
        "--to",
        redis_url,
        "--speed",
        "0",
        "--gap",
        "1800",
        "--partition",
        "--publish-topology",
        "--no-metrics",
    )
    streams = sorted(
        k.decode() for k in redis_client.keys("alarms:*") if k.decode() != "alarms:control"
    )
    assert len(streams) >= 3
    region_of = regions(Topology.read(str(folders[0])))
    assert {s.split(":", 1)[1] for s in streams} <= set(region_of.values()) | {"unknown"}
    halves = [streams[0::2], streams[1::2]]
    procs = []
    for k, half in enumerate(halves):
        regions_arg = ",".join(s.split(":", 1)[1] for s in half)
        # no --topology: each worker takes the network from the control stream
        procs.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "rca",
                    "watch",
                    "--from",
                    redis_url,
                    "--to",
                    redis_url,
                    "--regions",
                    regions_arg,
                    "--answers",
                    f"answers:{k}",
                    "--dead",
                    f"dead:{k}",
                    "--positions",
                    *WATCH,
                ],
                env=env(),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    for p in procs:
        try:
            assert p.wait(120) == 0, p.stderr.read()[-2000:]
        finally:
            if p.poll() is None:
                p.kill()
                p.wait(10)
    for k, half in enumerate(halves):
        for a in finals(answers(redis_client, f"answers:{k}")).values():
            assert {p.split("#")[0] for p in a["positions"]} <= set(
                half
            )  # a worker answers from its regions only
        for s in half:
            assert redis_client.xpending(s, "rca-watch")["pending"] == 0
    every = [a for k in range(2) for a in finals(answers(redis_client, f"answers:{k}")).values()]
    covered = {p for a in every for p in a["positions"]}
    # every folder's storm is in some worker's final answers
    by_folder: dict[str, int] = {}
    for s in streams:
        for eid, f in redis_client.xrange(s):
            if f.get(b"alarm_type") and f"{s}#{eid.decode()}" in covered:
                name = f[b"replay_incident"].decode()
                by_folder[name] = by_folder.get(name, 0) + 1
    assert set(by_folder) == {f.name for f in folders}


def test_redis_client_missing_names_the_extra(tmp_path):
    code = (
        "import sys; sys.modules['redis'] = None\n"
        "from click.testing import CliRunner\nfrom rca.cli import main\n"
        "r = CliRunner().invoke(main, ['watch', '--from', 'redis://127.0.0.1:1/0', '--topology', sys.argv[1]])\n"
        "print(r.exit_code); print(r.output)"
    )
    from rca.datasets import make_incident

    folder = make_incident(size="small", random_state=0).write(tmp_path / "inc")
    done = subprocess.run(
        [sys.executable, "-c", code, str(folder)],
        capture_output=True,
        text=True,
        env=env(),
        timeout=60,
        cwd=ROOT,
    )
    assert done.stdout.splitlines()[0] == "2"
    assert "pip install 'netrca[stream]'" in done.stdout
