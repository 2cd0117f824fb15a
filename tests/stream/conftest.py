"""Shared by the tests of rca watch: a real redis-server of the test's own, simulated incidents, the CLI."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]

#: Faults that raise an alarm storm (congestion, cpu overload and fading raise SLA alarms and metrics,
#: which the segmentation does not cut as storms).
STORM_FAULTS = "node_down,link_down,card_failure,fiber_cut,node_reboot,site_power"


def env() -> dict:
    """The environment of a CLI subprocess: this checkout first on the path."""
    return {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}


def rca(
    *args: str, timeout: float = 120, check: bool = True, **kwargs
) -> subprocess.CompletedProcess:
    """Run ``python -m rca ARGS`` (bounded in time)."""
    done = subprocess.run(
        [sys.executable, "-m", "rca", *args],
        capture_output=True,
        text=True,
        env=env(),
        timeout=timeout,
        **kwargs,
    )
    if check and done.returncode != 0:
        raise AssertionError(
            f"rca {' '.join(args)} exited {done.returncode}:\n{done.stderr[-3000:]}"
        )
    return done


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """A redis-server on 127.0.0.1 (a free port), started for these tests and stopped after them."""
    exe = shutil.which("redis-server")
    if exe is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server; CI installs it)")
    redis = pytest.importorskip(
        "redis", reason="the redis client is not installed (pip install 'netrca[stream]')"
    )
    folder = tmp_path_factory.mktemp("redis")
    proc = None
    for _ in range(3):  # a free port can be taken between the look and the start: try another
        port = _free_port()
        proc = subprocess.Popen(
            [
                exe,
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(folder),
                "--protected-mode",
                "yes",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(host="127.0.0.1", port=port)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                client.ping()
                break
            except redis.exceptions.ConnectionError:
                time.sleep(0.05)
        else:
            proc.kill()
            proc.wait(5)
            continue
        client.close()
        break
    else:
        pytest.fail("redis-server did not start")
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


@pytest.fixture()
def redis_client(redis_url):
    """A client of the test server, emptied before the test."""
    import redis

    client = redis.Redis.from_url(redis_url)
    client.flushall()
    yield client
    client.close()


@pytest.fixture(scope="session")
def twenty(tmp_path_factory) -> Path:
    """20 simulated storms on one small network (no background noise), written as incident folders."""
    folder = tmp_path_factory.mktemp("twenty") / "incidents"
    rca(
        "replay",
        "--simulate",
        "20",
        "--size",
        "small",
        "--seed",
        "5",
        "--fault",
        STORM_FAULTS,
        "--noise",
        "0",
        "--save",
        str(folder),
        "--to",
        str(folder.parent / "unused.jsonl"),
        "--speed",
        "0",
    )
    return folder


@pytest.fixture(scope="session")
def expected(twenty) -> dict:
    """Per incident folder: what rca analyze says (top candidate), and the storm piece of the batch segmentation.

    ``whole``: the batch segmentation (rca report's) keeps all of the folder's alarms in one incident; then
    the watcher must agree with ``rca analyze`` on the folder. Otherwise it must agree with ``rca analyze``
    on the storm piece the batch cuts (what ``rca report`` answers). ``none``: the batch finds no incident
    in the folder (too few alarms that last); then neither may the watcher.
    """
    import rca as lib
    from rca.segment import segment

    answers = json.loads(rca("analyze", str(twenty), "--json").stdout)
    out = {}
    for a in answers:
        folder = twenty / a["incident"]
        inc = lib.read_incident(folder)
        seg = segment(inc.alarms, inc.topology, inc.metrics)
        onset = storm_onset(inc)
        whole = len(seg) == 1 and seg[0].n_alarms == len(inc.alarms)
        piece_top = None
        if not whole and len(seg):
            i = nearest(onset, [(s.start, s.end) for s in seg])
            piece_top = lib.analyze(seg.incident(i)).candidates[0].entity
        out[a["incident"]] = {
            "analyze": a["candidates"][0]["entity"] if a["candidates"] else None,
            "whole": whole,
            "piece": piece_top,
            "onset": onset,
            "none": len(seg) == 0,
            "n_alarms": len(inc.alarms),
            "start": float(inc.alarms.start),
        }
    return out


def storm_onset(inc) -> float:
    """Time of the first alarm at or after the (first) root cause's time."""
    t0 = pd.Timestamp(inc.truth.root_causes[0].time).timestamp()
    times = inc.alarms.frame["time"]
    after = times[times >= t0 - 1e-3]
    return float(after.min() if len(after) else times.min())


def nearest(t: float, windows: list[tuple[float, float]]) -> int:
    """The window nearest time ``t`` (0 inside), the earlier one on a tie."""

    def gap(w: tuple[float, float]) -> float:
        return 0.0 if w[0] - 1e-3 <= t <= w[1] + 1e-3 else min(abs(w[0] - t), abs(w[1] - t))

    return min(range(len(windows)), key=lambda i: (gap(windows[i]), windows[i][0]))


def iso(text: str) -> float:
    return pd.Timestamp(text).timestamp()


def storm_answers(
    finals: list[dict], expected: dict, feed_shift: dict[str, float]
) -> dict[str, dict | None]:
    """Per folder: the watcher's final answer for its storm piece (the piece nearest the storm's onset).

    ``feed_shift``: seconds each folder was shifted by in the replay (the replay lays them out one after
    the other); pieces are matched to a folder by their time window.
    """
    out: dict[str, dict | None] = {}
    spans = {}
    for name, e in expected.items():
        spans[name] = e
    for name, e in expected.items():
        shift = feed_shift[name]
        onset = e["onset"] + shift
        mine = [a for a in finals if _belongs(a, name, spans, feed_shift)]
        out[name] = (
            mine[nearest(onset, [(iso(a["start"]), iso(a["end"])) for a in mine])] if mine else None
        )
    return out


def _belongs(a: dict, name: str, spans: dict, shifts: dict) -> bool:
    """Whether answer ``a`` lies nearer folder ``name``'s alarms than any other folder's."""
    mid = (iso(a["start"]) + iso(a["end"])) / 2
    return min(spans, key=lambda n: abs(spans[n]["onset"] + shifts[n] - mid)) == name


def shifts(fields: list[dict], expected: dict) -> dict[str, float]:
    """Per folder, how far the replay shifted its timestamps: from the replayed messages' fields."""
    from rca.stream import parse_time

    first: dict[str, float] = {}
    for f in fields:
        name = f.get("replay_incident")
        if name in expected and "alarm_type" in f:
            t = parse_time(f["timestamp"])
            first[name] = min(first.get(name, t), t)
    return {name: first[name] - e["start"] for name, e in expected.items() if name in first}


def check_storms(finals: list[dict], expected: dict, shift: dict[str, float]) -> list[str]:
    """What is wrong with the watcher's final answers, per folder (empty when right).

    For each folder, its storm piece (the final answer nearest the storm's onset, among those nearer
    this folder than any other) must exist, and its top candidate must be what ``rca analyze`` says on
    the folder when the batch segmentation keeps the folder whole, else what it says on the batch's
    storm piece (``rca report``'s answer). Where the batch finds no incident, there must be none.
    """
    wrong = []
    for name, a in storm_answers(finals, expected, shift).items():
        e = expected[name]
        if e["none"]:
            if a is not None:
                wrong.append(
                    f"{name}: watch answers an incident where the batch segmentation finds none"
                )
            continue
        want = e["analyze"] if e["whole"] else e["piece"]
        got = a["candidates"][0]["entity"] if a and a["candidates"] else None
        if a is None:
            wrong.append(f"{name}: no final answer")
        elif got != want:
            wrong.append(
                f"{name}: watch says {got}, rca analyze on the {'folder' if e['whole'] else 'piece'} says {want}"
            )
    return wrong
