"""``rca replay``: write incidents into a stream at their own pace, or faster (demos, tests, benchmarks)."""

from __future__ import annotations

import csv
import hashlib
import json
import sys
import time
from pathlib import Path
from typing import Any

import click

from .._text import plural, terminal_safe
from ._common import fail, incident_folders

__all__ = ["replay"]


def _network_key(folder: Path) -> str:
    h = hashlib.sha256()
    for name in ("nodes.csv", "links.csv", "topology.graphml"):
        p = folder / name
        if p.exists():
            h.update(name.encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


@click.command("replay")
@click.argument(
    "incidents", required=False, type=click.Path(exists=True, file_okay=False, path_type=Path)
)
@click.option(
    "--to",
    "target",
    required=True,
    metavar="redis://HOST:PORT/DB|FILE|-",
    help="Redis Streams, a file (JSON lines; CSV of the alarms when it ends with .csv), or standard output.",
)
@click.option(
    "--speed",
    type=click.FloatRange(min=0),
    default=1.0,
    show_default=True,
    help="Times the recorded pace (10: ten times faster); 0: as fast as possible.",
)
@click.option(
    "--gap",
    type=click.FloatRange(min=0),
    default=None,
    help="Seconds between one incident's end and the next one's start [default: their own timestamps].",
)
@click.option(
    "--start",
    "start_at",
    default=None,
    metavar="now|ISO",
    help="With --gap: the first incident starts at this time (now: the current time).",
)
@click.option(
    "--metrics/--no-metrics", default=True, show_default=True, help="Replay metrics.csv too."
)
@click.option(
    "--simulate",
    "n_sim",
    type=click.IntRange(min=1),
    default=None,
    help="Simulate this many incidents on one network instead of reading INCIDENTS (with --gap).",
)
@click.option("--size", default="small", show_default=True, help="--simulate: network size.")
@click.option("--seed", type=int, default=0, show_default=True, help="--simulate: random seed.")
@click.option(
    "--fault",
    "faults",
    default=None,
    metavar="FAULT,...",
    help="--simulate: draw each incident's fault from these (default: any).",
)
@click.option(
    "--noise",
    type=click.FloatRange(min=0),
    default=1.0,
    show_default=True,
    help="--simulate: background alarms (0: only the incident's).",
)
@click.option(
    "--save",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="--simulate: also write the incident folders here (to compare with rca analyze).",
)
@click.option(
    "--stream",
    default="alarms",
    show_default=True,
    help="Redis: the stream (or prefix with --partition).",
)
@click.option(
    "--partition",
    is_flag=True,
    help="Redis: write each message to STREAM:REGION, the region of its device (docs/watch.md).",
)
@click.option(
    "--publish-topology",
    is_flag=True,
    help="Redis: first write the network to the control stream (STREAM:control).",
)
@click.option(
    "--heartbeat",
    "heartbeat_s",
    type=click.FloatRange(min=0),
    default=3600.0,
    show_default=True,
    help="End with a heartbeat message this many seconds (event time) after the last one, so that a "
    "watcher settles the last incidents at once; 0: none.",
)
@click.option(
    "--max-seconds", type=click.FloatRange(min=0), default=None, help="Stop after this long."
)
def replay(
    incidents: Path | None,
    target: str,
    speed: float,
    gap: float | None,
    start_at: str | None,
    metrics: bool,
    n_sim: int | None,
    size: str,
    seed: int,
    faults: str | None,
    noise: float,
    save: Path | None,
    stream: str,
    partition: bool,
    publish_topology: bool,
    heartbeat_s: float,
    max_seconds: float | None,
) -> None:
    """Replay INCIDENTS (an incident folder or a folder of them, on one network) into a stream.

    The alarms keep each file's row order and are sent at their timestamps'
    pace times --speed. Every message carries replay_incident and
    replay_row, which rca watch carries through.
    """
    from ..errors import RCAError
    from ..stream._message import parse_time
    from ..stream._replay import replay as send
    from ..stream._replay import replay_messages
    from ..topology import Topology

    if (incidents is None) == (n_sim is None):
        raise click.UsageError("give INCIDENTS or --simulate N (one of them)")
    start = None
    if start_at is not None:
        if gap is None:
            raise click.UsageError("--start goes with --gap")
        try:
            start = time.time() if start_at == "now" else parse_time(start_at)
        except RCAError as exc:
            raise click.BadParameter(str(exc), param_hint="--start") from exc
    redis_out = target.startswith(("redis://", "rediss://", "unix://"))
    if (partition or publish_topology) and not redis_out:
        raise click.UsageError("--partition and --publish-topology go with a Redis target")

    try:
        if n_sim is not None:
            folders = _simulate(n_sim, size, seed, faults, noise, save)
            if gap is None:
                gap = 1800.0
        else:
            folders = incident_folders(incidents)  # type: ignore[arg-type]
            if not folders:
                fail(FileNotFoundError(f"{incidents}: no alarms.csv here or in its subfolders"))
        keys = {_network_key(f) for f in folders}
        if len(keys) > 1:
            raise click.ClickException(
                f"the {len(folders)} incidents are on {len(keys)} different networks; a watcher "
                "has one topology: replay incidents of one network (rca replay --simulate "
                "makes them on one)"
            )
        topology = Topology.read(str(folders[0]))
        items = replay_messages(
            folders, gap=gap, metrics=metrics, start=start, heartbeat_s=heartbeat_s or None
        )
    except RCAError as exc:
        fail(exc)
    columns = list(dict.fromkeys(k for i in items if i.kind == "alarm" for k in i.fields))
    writer, done = _writer(target, stream, topology, partition, publish_topology, columns)
    began = time.monotonic()
    try:
        sent = send(items, writer, speed=speed, max_seconds=max_seconds)
    except KeyboardInterrupt:
        sent = -1
    finally:
        done()
    n_alarms = sum(1 for i in items if i.kind == "alarm")
    n_samples = sum(1 for i in items if i.kind == "metric")
    where = target if target != "-" else "standard output"
    click.echo(
        f"replayed {plural(max(sent, 0), 'message')} ({plural(n_alarms, 'alarm')}, "
        f"{plural(n_samples, 'sample')} in all) of {plural(len(folders), 'incident')} to "
        f"{terminal_safe(where)} in {time.monotonic() - began:.1f} s",
        err=True,
    )
    if sent < 0:
        sys.exit(130)


def _simulate(
    n: int, size: str, seed: int, faults: str | None, noise: float, save: Path | None
) -> list[Path]:
    import tempfile

    import numpy as np

    from ..datasets import FAULT_TYPES, make_incident, make_network

    kinds = [f.strip() for f in (faults or "").split(",") if f.strip()] or None
    for f in kinds or []:
        if f not in FAULT_TYPES:
            raise click.BadParameter(
                f"must be among {', '.join(FAULT_TYPES)}; got {f!r}", param_hint="--fault"
            )
    out = save if save is not None else Path(tempfile.mkdtemp(prefix="rca-replay-"))
    rng = np.random.default_rng(seed)
    net = make_network(int(size) if size.isdigit() else size, random_state=rng)
    folders = []
    for i in range(n):
        fault = str(rng.choice(kinds)) if kinds else None
        inc = make_incident(
            net, fault=fault, noise=noise, random_state=rng, name=f"incident-{i + 1:04d}"
        )
        folders.append(inc.write(out / inc.name))
    click.echo(
        f"simulated {plural(n, 'incident')} on one network of {plural(net.n_nodes, 'element')}"
        + (f" in {save}" if save is not None else ""),
        err=True,
    )
    return folders


def _writer(
    target: str,
    stream: str,
    topology: Any,
    partition: bool,
    publish_topology: bool,
    columns: list[str],
):
    """A function writing a batch of feed items to ``target``, and one closing it."""
    if target.startswith(("redis://", "rediss://", "unix://")):
        from ..stream import connect, partition_of, regions
        from ..stream._partition import UNKNOWN

        try:
            client = connect(target)
        except Exception as exc:
            if type(exc).__name__ == "MissingExtraError":
                raise
            raise click.ClickException(f"cannot reach Redis at {target}: {exc}") from exc
        region_of = regions(topology) if partition else {}
        ends = {lid: topology.link_endpoints(lid) for lid in topology.link_ids} if partition else {}
        if publish_topology:
            import tempfile

            with tempfile.TemporaryDirectory(prefix="rca-topology-") as tmp:
                topology.write_csv(tmp)
                client.xadd(
                    f"{stream}:control",
                    {
                        "type": "topology",
                        "nodes": (Path(tmp) / "nodes.csv").read_text(encoding="utf-8"),
                        "links": (Path(tmp) / "links.csv").read_text(encoding="utf-8"),
                    },
                )

        def write(items: list) -> None:
            pipe = client.pipeline(transaction=False)
            for it in items:
                f = it.fields
                if not partition:
                    keys = [stream]
                elif it.kind == "heartbeat":  # every region's watcher needs the time
                    keys = [f"{stream}:{r}" for r in sorted(set(region_of.values()) | {UNKNOWN})]
                else:
                    keys = [
                        f"{stream}:{partition_of(f.get('device') or f.get('entity'), f.get('link_id') or f.get('entity'), region_of, ends)}"
                    ]
                for key in keys:
                    pipe.xadd(key, f)
            pipe.execute()

        return write, client.close
    if target == "-":
        handle: Any = sys.stdout
    else:
        handle = open(target, "a", encoding="utf-8", newline="")
    if target.endswith(".csv"):
        writer = csv.DictWriter(handle, fieldnames=columns, restval="")
        if handle.tell() == 0:
            writer.writeheader()
        skipped = [0]

        def write_csv(items: list) -> None:
            for it in items:
                if it.kind == "alarm":
                    writer.writerow(it.fields)
                elif it.kind == "metric":
                    skipped[0] += 1
            handle.flush()

        def close_csv() -> None:
            if skipped[0]:
                click.echo(
                    f"note: {plural(skipped[0], 'metrics sample')} and the closing heartbeat not written: "
                    "a CSV target holds alarms only (write JSON lines to keep them)",
                    err=True,
                )
            if handle is not sys.stdout:
                handle.close()

        return write_csv, close_csv

    def write_jsonl(items: list) -> None:
        handle.write("".join(json.dumps(it.fields, ensure_ascii=False) + "\n" for it in items))
        handle.flush()

    return write_jsonl, (lambda: None) if handle is sys.stdout else handle.close
