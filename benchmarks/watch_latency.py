"""Live answers of ``rca watch``: decision latency, time to first answer, memory, agreement with ``rca analyze``.

Three measurements, each in one process with the watcher's own loop
(:func:`rca.stream.run`) between an in-memory source and sink, so that what
is timed is the watcher (reading, segmenting, ranking, publishing), not a
transport:

1. **Sustained rate.** ``--storms`` twin storms on one ``--size``
   network (large: 2,000 elements), each with the twin's background noise
   (alarms only), overlaid within ``--spread`` seconds and repeated
   ``--gap`` seconds apart in event time as needed, delivered at a constant
   wall rate (100 and 1,000 alarms/s by default) for ``--seconds``
   seconds. The feed's own density is far lower (a twin storm is a few
   thousand alarms over an hour), so delivering it at those rates is a
   replay at a speed-up (column ``speed``): event time runs that many
   times faster than the wall clock, and every event-time interval of the
   watcher (ranking at most every ``--rank-every`` seconds, settling after
   600 s quiet) is that much shorter in wall time. Incidents decided only
   by the end of the feed are counted apart.
   Per incident: *decision latency*, from the arrival of the
   alarm its deciding answer reflects (the first version whose top
   candidate is the final one; its ``position``) to the publication of
   that answer; *time to first answer*, from the arrival of its first
   alarm to the publication of version 1, in wall seconds and in event
   seconds (a raise counts as lasting only once it has not cleared for
   ``flap_s`` = 300 s of event time, unless a marker such as a dying gasp
   says so: that wait is in event time, whatever the speed).
2. **Memory over a long replay.** A feed of the same kind on a medium
   network (``--memory-size``), replayed ``--memory-copies`` times one
   after another as fast as the watcher goes; per copy, the peak resident
   set size (``/proc/self/statm``) and the peak number of alarms held.
   The copies hold the same alarms, so equal peaks mean bounded memory.
3. **Agreement with the batch.** ``--accuracy-n`` twin incident folders
   (medium, metrics included; without and with the twin's background
   noise), replayed back to back
   1,800 s apart into a watcher with ``reorder_s=400`` (the twin delivers
   alarms up to about 325 s late; held back that long they are taken in
   time order, as the batch reader takes them). Per folder, the watcher's
   final answer for the incident holding the storm's first alarm is
   compared with ``rca.analyze`` on the whole folder (what ``rca analyze``
   prints), with ``rca.analyze`` on the batch segmentation's piece holding
   that alarm (what ``rca report`` answers), and both with the truth
   (AC@1). The twin's background usually makes the segmentation cut a
   folder into several incidents, so the piece is the like-for-like
   comparison.

Seeds: the incidents are drawn with ``--seed`` (default 101, fresh: not
used while the watcher was written; its tests use seeds 2-21).

    python benchmarks/watch_latency.py --seconds 30    # benchmarks/README.md (see there for the other rows)
    python benchmarks/watch_latency.py --seconds 10 --storms 4 --memory-copies 3 --accuracy-n 5   # quick

Writes benchmarks/results/watch_latency.json.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
from _provenance import git_commit

import rca
from rca.datasets import make_incident, make_network
from rca.segment import segment
from rca.stream import Message, Watcher, parse_time, run
from rca.stream._replay import replay_messages

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

STORMS = ("node_down", "link_down", "card_failure", "fiber_cut", "node_reboot", "site_power")


class PacedSource:
    """Messages delivered at a constant wall rate; each message's ``received`` is when it was due."""

    def __init__(self, rows: list[dict], rate: float | None) -> None:
        self.rows = rows
        self.rate = rate
        self.exhausted = False
        self.i = 0
        self.t0: float | None = None
        self.arrival: dict[str, float] = {}

    def read(self, max_count: int, timeout_s: float) -> list:
        now = time.monotonic()
        if self.t0 is None:
            self.t0 = now
        if self.i >= len(self.rows):
            self.exhausted = True
            return []
        if self.rate is None:
            upto = min(len(self.rows), self.i + max_count)
        else:
            due = int((now - self.t0) * self.rate) + 1
            if due <= self.i:
                time.sleep(min(timeout_s, (self.i + 1) / self.rate - (now - self.t0)))
                return []
            upto = min(len(self.rows), due, self.i + max_count)
        out = []
        for k in range(self.i, upto):
            received = now if self.rate is None else self.t0 + k / self.rate
            self.arrival[str(k)] = received
            out.append(Message("alarms", str(k), self.rows[k], received=received))
        self.i = upto
        return out

    def ack(self, messages) -> None:
        pass

    def close(self) -> None:
        pass


class RecordingSink:
    def __init__(self) -> None:
        self.answers: list[tuple[float, dict]] = []

    def publish(self, answers) -> None:
        now = time.monotonic()
        self.answers += [(now, a) for a in answers]

    def dead_letter(self, letters) -> None:
        pass

    def close(self) -> None:
        pass


def alarm_rows(incidents: list, spread: float, rng: np.random.Generator) -> list[dict]:
    """The incidents' alarms overlaid: each incident starts at a random time within ``spread`` seconds, in time order."""
    rows: list[dict] = []
    t0 = min(float(inc.alarms.start) for inc in incidents)
    for inc in incidents:
        frame = inc.alarms.to_frame(iso=False).drop(columns=["line"])
        frame["timestamp"] = frame["timestamp"] + (
            t0 + float(rng.uniform(0, spread)) - float(inc.alarms.start)
        )
        for r in frame.to_dict("records"):
            rows.append(
                {
                    k: v
                    for k, v in r.items()
                    if not (isinstance(v, float) and math.isnan(v)) and v is not None
                }
            )
    rows.sort(key=lambda r: r["timestamp"])
    return rows


def repeated(rows: list[dict], n: int, gap: float) -> list[dict]:
    """``rows`` again and again, each copy ``gap`` s after the previous one ended, to ``n`` alarms."""
    out = list(rows)
    span = rows[-1]["timestamp"] - rows[0]["timestamp"] + gap
    k = 1
    while len(out) < n:
        out += [dict(r, timestamp=r["timestamp"] + k * span) for r in rows[: n - len(out)]]
        k += 1
    return out[:n]


def pct(values: list[float], q: float) -> float | None:
    return round(float(np.percentile(values, q)), 4) if values else None


def rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def sustained(
    net, block: list[dict], rate: float, seconds: float, gap: float, rank_every_s: float = 2.0
) -> dict:
    n = int(rate * seconds)
    rows = repeated(block, n, gap)
    density = (n - 1) / (rows[-1]["timestamp"] - rows[0]["timestamp"])
    source, sink = PacedSource(rows, rate), RecordingSink()
    w = Watcher(net, positions=True, rank_every_s=rank_every_s)
    cpu0, wall0 = time.process_time(), time.monotonic()
    run(source, sink, w, batch=1000, poll_s=0.05)
    wall, cpu = time.monotonic() - wall0, time.process_time() - cpu0
    by: dict[str, list[tuple[float, dict]]] = {}
    for t, a in sink.answers:
        by.setdefault(a["incident_id"], []).append((t, a))
    decide, first_wall, first_event = [], [], []
    at_end = 0
    for versions in by.values():
        final = versions[-1][1]
        if not final.get("final") or not final["candidates"]:
            continue
        top = final["candidates"][0]["entity"]
        t_dec, a_dec = next(
            (t, a) for t, a in versions if a["candidates"] and a["candidates"][0]["entity"] == top
        )
        if a_dec.get("reason") == "end_of_stream":
            at_end += 1  # decided by the end of the feed, not by an alarm
            continue
        offset = a_dec["position"].split("#", 1)[1]
        decide.append(t_dec - source.arrival[offset])
        arrivals = [source.arrival[p.split("#", 1)[1]] for p in final.get("positions", [])]
        if arrivals:
            first_wall.append(versions[0][0] - min(arrivals))
        first_event.append(parse_time(versions[0][1]["as_of"]) - parse_time(final["start"]))
    return {
        "rate": rate,
        "rank_every_s": rank_every_s,
        "seconds": seconds,
        "alarms": n,
        "speed": round(rate / density, 1),
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "incidents_decided": len(decide),
        "decided_at_end": at_end,
        "answers": len(sink.answers),
        "decision_p50_s": pct(decide, 50),
        "decision_p95_s": pct(decide, 95),
        "decision_max_s": pct(decide, 100),
        "first_answer_wall_p50_s": pct(first_wall, 50),
        "first_answer_wall_p95_s": pct(first_wall, 95),
        "first_answer_event_p50_s": pct(first_event, 50),
        "first_answer_event_p95_s": pct(first_event, 95),
        "ranks": w.stats.ranks,
        "rank_wall_s": round(w.stats.rank_seconds, 2),
    }


def memory(net, block: list[dict], copies: int, gap: float) -> dict:
    """The feed ``copies`` times over, as fast as the watcher goes: per copy, the peak RSS and alarms held."""
    rows = repeated(block, copies * len(block), gap)
    n = len(rows)
    w = Watcher(net)
    per_copy: list[dict] = []
    t0 = time.monotonic()
    per_batch = math.ceil(
        len(block) / math.ceil(len(block) / 1000)
    )  # batches of <= 1000 never span two copies
    for c0 in range(0, n, len(block)):
        for i in range(c0, min(n, c0 + len(block)), per_batch):
            j = min(n, c0 + len(block), i + per_batch)
            w.process([Message("alarms", str(k), rows[k]) for k in range(i, j)])
            copy = c0 // len(block)
            while len(per_copy) <= copy:
                per_copy.append(
                    {"copy": len(per_copy) + 1, "rss_mb_peak": 0.0, "held_peak": 0, "open_peak": 0}
                )
            c = per_copy[copy]
            c["rss_mb_peak"] = max(c["rss_mb_peak"], round(rss_mb(), 1))
            c["held_peak"] = max(c["held_peak"], w.stats.held)
            c["open_peak"] = max(c["open_peak"], w.stats.open)
    w.close(end_of_stream=True)
    return {
        "alarms": n,
        "copies": copies,
        "block_alarms": len(block),
        "event_hours": round((rows[-1]["timestamp"] - rows[0]["timestamp"]) / 3600, 1),
        "wall_s": round(time.monotonic() - t0, 1),
        "incidents": w.stats.incidents,
        "finals": w.stats.finals,
        "held_at_end": w.stats.held,
        "per_copy": per_copy,
    }


def accuracy(n: int, seed: int, noise: float) -> dict:
    import tempfile

    rng = np.random.default_rng(seed + 1)
    net = make_network("medium", random_state=rng)
    tmp = Path(tempfile.mkdtemp(prefix="rca-watch-acc-"))
    folders, truths = [], {}
    for i in range(n):
        inc = make_incident(
            net, fault=str(rng.choice(STORMS)), noise=noise, random_state=rng, name=f"inc-{i:03d}"
        )
        folders.append(inc.write(tmp / inc.name))
        truths[inc.name] = {r.entity for r in inc.truth.root_causes}
    items = [it for it in replay_messages(folders, gap=1800.0) if it.kind != "heartbeat"]
    msgs = [Message("feed", str(k), it.fields) for k, it in enumerate(items)]
    # reorder_s=400: the twin delivers some alarms up to about 325 s late; held back this long, they are
    # taken in time order, as the batch reader takes them (the tests of rca watch run it so too)
    w = Watcher(net, positions=True, reorder_s=400.0)
    out = []
    for i in range(0, len(msgs), 1000):
        out += w.process(msgs[i : i + 1000]).answers
    out += w.close(end_of_stream=True).answers
    finals = [a for a in out if a["final"]]
    position_of = {}  # per folder, file row -> position in the feed
    for m in msgs:
        if "alarm_type" in m.fields:
            position_of[(m.fields["replay_incident"], m.fields["replay_row"])] = m.position
    agree = agree_whole = whole = agree_piece = pieces = watch_hit = batch_hit = 0
    rows = []
    for f in folders:
        inc = rca.read_incident(f)
        batch = rca.analyze(inc)
        b_top = batch.candidates[0].entity if batch.candidates else None
        # the storm: its first alarm at or after the root cause's time; the watcher's incident holding it
        times = [parse_time(r.time) for r in inc.truth.root_causes if r.time]
        frame = inc.alarms.frame
        t = frame["time"].to_numpy()
        after = np.flatnonzero(t >= (min(times) if times else t.min()) - 1e-3)
        onset_i = int(after[np.argmin(t[after])]) if len(after) else int(np.argmin(t))
        onset = position_of.get((f.name, str(int(frame["line"].iloc[onset_i]))))
        mine = next((a for a in finals if onset in a.get("positions", [])), None)
        w_top = mine["candidates"][0]["entity"] if mine and mine["candidates"] else None
        # what rca report says: the batch segmentation's piece holding the onset alarm
        seg = segment(inc.alarms, inc.topology, inc.metrics)
        piece = next((i for i, sg in enumerate(seg) if onset_i in sg.rows), None)
        p_top = None
        if piece is not None:
            pr = rca.analyze(seg.incident(piece))
            p_top = pr.candidates[0].entity if pr.candidates else None
        is_whole = len(seg) == 1 and seg[0].n_alarms == len(frame)
        whole += is_whole
        agree += w_top == b_top
        agree_whole += is_whole and w_top == b_top
        pieces += piece is not None
        agree_piece += piece is not None and w_top == p_top
        watch_hit += w_top in truths[f.name]
        batch_hit += b_top in truths[f.name]
        rows.append(
            {
                "folder": f.name,
                "watch": w_top,
                "analyze": b_top,
                "report_piece": p_top,
                "whole": is_whole,
                "truth": sorted(truths[f.name]),
            }
        )
    return {
        "n": n,
        "noise": noise,
        "agree_analyze": agree,
        "whole": whole,
        "agree_analyze_whole": agree_whole,
        "report_pieces": pieces,
        "agree_report_piece": agree_piece,
        "watch_ac1": round(watch_hit / n, 3),
        "analyze_ac1": round(batch_hit / n, 3),
        "finals": len(finals),
        "per_folder": rows,
    }


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--rates", default="100,1000")
    p.add_argument(
        "--rank-every", type=float, default=2.0, help="the watcher's rank_every_s (event seconds)"
    )
    p.add_argument("--seconds", type=float, default=60.0, help="wall seconds of each sustained run")
    p.add_argument(
        "--memory-copies", type=int, default=10, help="copies of the memory feed replayed"
    )
    p.add_argument("--memory-size", default="medium", help="network of the memory feed")
    p.add_argument(
        "--parts",
        default="rates,memory,accuracy",
        help="which measurements; the others are kept from an existing --out file",
    )
    p.add_argument("--accuracy-n", type=int, default=20)
    p.add_argument(
        "--accuracy-noise",
        default="0,1",
        help="the twin's background noise of the accuracy folders",
    )
    p.add_argument("--seed", type=int, default=101)
    p.add_argument(
        "--gap", type=float, default=1800.0, help="event seconds between two copies of the feed"
    )
    p.add_argument("--size", default="large", help="network of the rate and memory feeds")
    p.add_argument(
        "--storms",
        type=int,
        default=12,
        help="storms in the feed (each with the twin's background)",
    )
    p.add_argument(
        "--spread", type=float, default=1800.0, help="the storms start within this many seconds"
    )
    p.add_argument("--out", type=Path, default=HERE / "results" / "watch_latency.json")
    args = p.parse_args(argv)
    parts = set(args.parts.split(","))
    commit = git_commit()
    load_before = os.getloadavg()
    rng = np.random.default_rng(args.seed)
    net = make_network(args.size, random_state=rng)
    incidents = [
        make_incident(net, fault=str(rng.choice(STORMS)), noise=1.0, random_state=rng)
        for _ in range(args.storms)
    ]
    block = alarm_rows(incidents, args.spread, rng)
    print(
        f"feed: {len(incidents)} storms on one {args.size} network ({net.n_nodes} elements), overlaid within "
        f"{args.spread:.0f} s: {len(block)} alarms over {(block[-1]['timestamp'] - block[0]['timestamp']) / 3600:.2f} h",
        flush=True,
    )
    result: dict = {
        "netrca": rca.__version__,
        "commit": commit,
        "python": platform.python_version(),
        "command": " ".join(["python", "benchmarks/watch_latency.py", *(argv or sys.argv[1:])]),
        "cores": os.cpu_count(),
        "load_before": [round(x, 2) for x in load_before],
        "network_elements": net.n_nodes,
        "seed": args.seed,
        "storms": args.storms,
        "spread_s": args.spread,
        "feed_alarms": len(block),
        "sustained": [],
    }
    for rate in [float(r) for r in args.rates.split(",")] if "rates" in parts else []:
        r = sustained(net, block, rate, args.seconds, args.gap, args.rank_every)
        result["sustained"].append(r)
        print(
            f"{rate:>6.0f} alarms/s x{r['speed']:>7}, rank every {r['rank_every_s']} s: decision p50 {r['decision_p50_s']} s, p95 "
            f"{r['decision_p95_s']} s; first answer p50 {r['first_answer_wall_p50_s']} s wall, "
            f"{r['first_answer_event_p50_s']} s event; {r['incidents_decided']} incidents (+{r['decided_at_end']} at the end), cpu {r['cpu_s']} s "
            f"of {r['wall_s']} s",
            flush=True,
        )
    if "memory" in parts:
        mnet = make_network(args.memory_size, random_state=rng)
        mincs = [
            make_incident(mnet, fault=str(rng.choice(STORMS)), noise=1.0, random_state=rng)
            for _ in range(args.storms)
        ]
        mblock = alarm_rows(mincs, args.spread, rng)
        m = memory(mnet, mblock, args.memory_copies, args.gap)
        m["network_elements"] = mnet.n_nodes
        result["memory"] = m
        print(
            f"memory over {m['alarms']} alarms ({m['copies']} copies of {m['block_alarms']}, {m['event_hours']} h "
            f"of event time, {m['wall_s']} s): per copy, peak RSS MB "
            f"{[c['rss_mb_peak'] for c in m['per_copy']]}, peak alarms held {[c['held_peak'] for c in m['per_copy']]}",
            flush=True,
        )
    if "accuracy" in parts:
        result["accuracy"] = []
        for noise in [float(x) for x in args.accuracy_noise.split(",")]:
            a = accuracy(args.accuracy_n, args.seed, noise)
            result["accuracy"].append(a)
            print(
                f"noise {noise}: same top as rca analyze on the folder {a['agree_analyze']}/{a['n']} "
                f"({a['agree_analyze_whole']}/{a['whole']} where the batch segmentation keeps the folder whole); "
                f"same top as rca report's piece {a['agree_report_piece']}/{a['report_pieces']}; AC@1 watch "
                f"{a['watch_ac1']}, analyze {a['analyze_ac1']}",
                flush=True,
            )
    result["load_after"] = [round(x, 2) for x in os.getloadavg()]
    if parts != {"rates", "memory", "accuracy"} and args.out.exists():  # keep the parts not run
        old = json.loads(args.out.read_text(encoding="utf-8"))
        for key in ("memory", "accuracy"):
            if key in old and not result.get(key):
                result[key] = old[key]
        done = {(r["rate"], r.get("rank_every_s", 2.0)) for r in result["sustained"]}
        result["sustained"] = [
            r
            for r in old.get("sustained", [])
            if (r["rate"], r.get("rank_every_s", 2.0)) not in done
        ] + result["sustained"]
        result["runs"] = old.get("runs", []) + [
            {"parts": sorted(parts), "commit": commit, "load_before": result["load_before"]}
        ]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
