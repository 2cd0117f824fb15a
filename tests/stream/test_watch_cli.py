"""rca watch with no server: a followed file (like tail -F) and standard input, answers as JSON lines."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest

import rca
from rca.datasets import make_incident
from tests.stream.conftest import env
from tests.stream.conftest import rca as run_rca


@pytest.fixture(scope="module")
def storm(tmp_path_factory):
    folder = tmp_path_factory.mktemp("storm") / "incident"
    inc = make_incident(
        size="small", fault="node_down", noise=0.0, random_state=21, name="incident"
    )
    inc.write(folder)
    return folder


def read_jsonl(path) -> list[dict]:
    if not path.exists():
        return []
    return [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]


def wait_for(predicate, seconds: float, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        if proc.poll() is not None:
            raise AssertionError("rca watch ended early: " + proc.stderr.read()[-2000:])
        time.sleep(0.05)
    raise AssertionError("timed out")


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_follow_a_growing_file_then_a_signal_publishes_the_finals(tmp_path, storm, sig):
    lines = (storm / "alarms.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    header, body = lines[0], lines[1:]
    feed = tmp_path / "alarms.csv"
    out = tmp_path / "answers.jsonl"
    feed.write_text(header + "".join(body[:2]), encoding="utf-8")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "rca",
            "watch",
            "--follow",
            str(feed),
            "--topology",
            str(storm),
            "--to",
            str(out),
            "--quiet",
            "3600",
        ],
        env=env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        with open(feed, "a", encoding="utf-8") as handle:
            handle.writelines(body[2:-1])
            handle.write(body[-1][:10])  # half a line: read only once its newline is written
            handle.flush()
            wait_for(lambda: len(read_jsonl(out)) > 0, 60, proc)
            handle.write(body[-1][10:])
            handle.flush()
        time.sleep(3)  # time to read the end of the file
        assert not any(
            a["final"] for a in read_jsonl(out)
        )  # an hour of quiet has not passed in event time
        proc.send_signal(sig)
        assert proc.wait(60) == 0, proc.stderr.read()[-2000:]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
    assert "0 bad" in proc.stderr.read()  # the half-written line was read whole
    answers = read_jsonl(out)
    assert [a["version"] for a in answers] == list(range(1, len(answers) + 1))
    last = answers[-1]
    assert last["final"] is True and last["reason"] == "shutdown" and last["n_alarms"] == len(body)
    assert last["position"] == f"alarms.csv#{len(body) + 1}"  # the file's last line
    assert (
        last["candidates"][0]["entity"]
        == rca.analyze(rca.read_incident(storm)).candidates[0].entity
    )
    # the spec's answer (rca analyze --json) plus the stream's fields
    assert {
        "incident",
        "candidates",
        "confident",
        "incident_id",
        "start",
        "end",
        "version",
        "final",
        "position",
    } <= set(last)
    assert all(c["evidence"] and 0 <= c["score"] <= 1 for c in last["candidates"])


def test_standard_input_json_lines_with_a_bad_line(tmp_path, storm):
    frame = rca.read_incident(storm).alarms.to_frame()
    rows = [
        json.dumps({k: v for k, v in r.items() if not pd.isna(v) and k != "line"})
        for r in frame.to_dict("records")
    ]
    rows.insert(3, "{this is not json")
    dead = tmp_path / "dead.jsonl"
    done = run_rca(
        "watch", "--topology", str(storm), "--dead-letter", str(dead), input="\n".join(rows) + "\n"
    )
    answers = [json.loads(line) for line in done.stdout.splitlines()]
    assert answers and answers[-1]["final"] and answers[-1]["reason"] == "end_of_stream"
    assert answers[-1]["n_alarms"] == len(frame)
    assert (
        answers[-1]["candidates"][0]["entity"]
        == rca.analyze(rca.read_incident(storm)).candidates[0].entity
    )
    letters = read_jsonl(dead)
    assert [(d["position"], d["reason"]) for d in letters] == [("<stdin>#4", "unreadable")]
    assert "<stdin>#4" in done.stderr and "1 bad" in done.stderr


def test_a_file_read_once_gives_the_same_finals_as_a_replay_at_another_speed(tmp_path, storm):
    """Event time: the answers depend on the alarms' timestamps, not on when they are read."""
    once = run_rca("watch", "--from", str(storm / "alarms.csv"), "--topology", str(storm)).stdout
    replayed = tmp_path / "feed.jsonl"
    run_rca("replay", str(storm), "--to", str(replayed), "--speed", "0", "--no-metrics")
    piped = run_rca(
        "watch", "--topology", str(storm), input=replayed.read_text(encoding="utf-8")
    ).stdout

    def finals(text: str) -> list[tuple]:
        return [
            (a["incident_id"], a["version"], a["n_alarms"], [c["entity"] for c in a["candidates"]])
            for a in map(json.loads, text.splitlines())
            if a["final"]
        ]

    assert finals(once) and finals(once) == finals(piped)


def test_watch_without_a_topology_is_a_usage_error(storm):
    done = run_rca("watch", "--follow", str(storm / "alarms.csv"), check=False, timeout=60)
    assert done.returncode == 2 and "--topology is required" in done.stderr
