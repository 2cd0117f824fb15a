"""``rca watch``: live answers for the incidents of an alarm stream (see :mod:`rca.stream`).

Sources: a file being appended to (``--follow``), standard input or a file
read once (``--from``), Redis Streams (``--from redis://...``). Answers go
to standard output, a file, or a Redis stream (``--to``), one JSON object
per line each time an incident's answer changes.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any

import click

from .._text import plural, terminal_safe
from ..analysis import METHODS
from ._common import fail, knowledge_option

__all__ = ["watch"]

logger = logging.getLogger(__name__)

_SEGMENT_KEYS = ("window_s", "late_window_s", "hops", "flap_s", "min_devices")


def _segment_params(text: str | None) -> dict:
    out: dict[str, float] = {}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        key, sep, value = part.partition("=")
        key = key.strip()
        if not sep or key not in _SEGMENT_KEYS:
            raise click.BadParameter(
                f"expected KEY=VALUE with KEY one of {', '.join(_SEGMENT_KEYS)}; got {part!r}",
                param_hint="--segment",
            )
        try:
            out[key] = int(value) if key in ("hops", "min_devices") else float(value)
        except ValueError:
            raise click.BadParameter(
                f"{key} must be a number; got {value!r}", param_hint="--segment"
            ) from None
    return out


def _is_redis(target: str | None) -> bool:
    return bool(target) and str(target).startswith(("redis://", "rediss://", "unix://"))


@click.command("watch")
@click.option(
    "--follow",
    "follow",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Follow FILE as it is appended to (like tail -F): CSV with a header line, or JSON lines.",
)
@click.option(
    "--from-end", is_flag=True, help="With --follow: only the lines appended from now on."
)
@click.option(
    "--from",
    "source_spec",
    default=None,
    metavar="-|FILE|redis://HOST:PORT/DB",
    help="Standard input (-), a file read once to its end, or Redis Streams. [default: -]",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["auto", "csv", "jsonl"]),
    default="auto",
    show_default=True,
    help="Text input: CSV with a header line or JSON lines (auto: by the first line).",
)
@click.option(
    "--topology",
    "topology_spec",
    default=None,
    metavar="NODES.csv,LINKS.csv|TOPOLOGY.graphml|FOLDER",
    help="The network. Read again when the file changes: new incidents use the new graph. With Redis, "
    "the latest topology message of the control stream wins.",
)
@click.option(
    "--to",
    "sink_spec",
    default="-",
    show_default=True,
    metavar="-|FILE|redis://HOST:PORT/DB",
    help="Answers: standard output, a file (JSON lines, appended) or a Redis stream (--answers).",
)
@click.option(
    "--dead-letter",
    "dead_spec",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Without Redis: append skipped messages here as JSON lines (they are always logged and counted).",
)
@click.option(
    "--stream",
    default="alarms",
    show_default=True,
    help="Redis: the alarm stream, or the prefix of the region streams (STREAM:REGION).",
)
@click.option(
    "--regions",
    default=None,
    metavar="REGION,...",
    help="Redis: read the streams of these regions (the partition key; see docs/watch.md).",
)
@click.option("--group", default="rca-watch", show_default=True, help="Redis: the consumer group.")
@click.option(
    "--consumer",
    default=None,
    help="Redis: this worker's name in the group; keep it across restarts. [default: rca-watch-REGIONS]",
)
@click.option(
    "--answers",
    "answers_stream",
    default=None,
    help="Redis: the answers stream. [default: STREAM:answers]",
)
@click.option(
    "--dead",
    "dead_stream",
    default=None,
    help="Redis: the dead-letter stream. [default: STREAM:dead]",
)
@click.option(
    "--control",
    "control_stream",
    default=None,
    help="Redis: the control stream (topology messages). [default: STREAM:control]",
)
@click.option(
    "--maxlen",
    type=click.IntRange(min=1),
    default=None,
    help="Redis: trim the answers and dead-letter streams to about this many entries.",
)
@click.option(
    "--method",
    type=click.Choice(METHODS),
    default="explain",
    show_default=True,
    help="Ranker to use.",
)
@click.option(
    "--max-candidates",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    help="Candidates in each answer.",
)
@knowledge_option
@click.option(
    "--quiet",
    "quiet_s",
    type=click.FloatRange(min=0),
    default=600.0,
    show_default=True,
    help="Seconds of event time with no related alarm after which an incident settles (final answer).",
)
@click.option(
    "--rank-every",
    "rank_every_s",
    type=click.FloatRange(min=0),
    default=2.0,
    show_default=True,
    help="Seconds of event time between two rankings of one incident (more for big ones).",
)
@click.option(
    "--timeout",
    "timeout_s",
    type=click.FloatRange(min=0),
    default=60.0,
    show_default=True,
    help="Wall-clock backstop: after this many seconds without a message, time moves on with the clock.",
)
@click.option(
    "--segment",
    "segment_spec",
    default=None,
    metavar="window_s=300,flap_s=300,...",
    help="Segmentation constants (as rca report's): window_s, late_window_s, hops, flap_s, min_devices.",
)
@click.option(
    "--max-held",
    type=click.IntRange(min=1000),
    default=1_000_000,
    show_default=True,
    help="Most alarms held in memory; beyond, groups that are no incident are dropped early.",
)
@click.option(
    "--reorder",
    "reorder_s",
    type=click.FloatRange(min=0),
    default=0.0,
    show_default=True,
    help="Hold alarms back this many seconds (event time) and take them in time order, as rca report "
    "does: incidents are then cut as in a batch despite late deliveries, answers come that much later.",
)
@click.option(
    "--positions",
    is_flag=True,
    help="Final answers also list 'positions': the stream position of each of the incident's alarms.",
)
@click.option(
    "--batch",
    type=click.IntRange(min=1),
    default=1000,
    show_default=True,
    help="Most messages taken in one step.",
)
@click.option("--name", default="watch", show_default=True, help="Prefix of the incident ids.")
@click.option(
    "--stop-after-idle",
    type=click.FloatRange(min=0),
    default=None,
    help="Stop after this many seconds without a message and no incident open (demos, tests).",
)
def watch(
    follow: Path | None,
    from_end: bool,
    source_spec: str | None,
    fmt: str,
    topology_spec: str | None,
    sink_spec: str,
    dead_spec: Path | None,
    stream: str,
    regions: str | None,
    group: str,
    consumer: str | None,
    answers_stream: str | None,
    dead_stream: str | None,
    control_stream: str | None,
    maxlen: int | None,
    method: str,
    max_candidates: int,
    knowledge: Path | None,
    quiet_s: float,
    rank_every_s: float,
    timeout_s: float,
    segment_spec: str | None,
    max_held: int,
    reorder_s: float,
    positions: bool,
    batch: int,
    name: str,
    stop_after_idle: float | None,
) -> None:
    """Watch an alarm stream and print an answer each time an incident's answer changes.

    Each answer is the JSON of rca analyze plus incident_id, start, end,
    version (1, 2, ... per incident), final (true on the last one, when the
    incident settled), n_alarms and position (the stream position it
    reflects). Incidents are cut and settled by the alarms' timestamps, so a
    replay at any speed gives the same answers. SIGINT or SIGTERM publish
    final answers for the open incidents, then stop (exit 0). Bad messages
    are logged with their position, counted, and skipped (Redis: to the
    dead-letter stream). Exit code 1 when the connection or the output is
    lost (what was not acknowledged is read again by the next run), 2 for
    bad arguments.
    """
    from ..errors import RCAError
    from ..stream import (
        FileSource,
        JsonLinesSink,
        StreamSource,
        TopologyWatch,
        Watcher,
        run,
    )

    if follow is not None and source_spec is not None:
        raise click.UsageError("--follow and --from are exclusive: choose one input")
    if from_end and follow is None:
        raise click.UsageError("--from-end goes with --follow")
    params = _segment_params(segment_spec)
    source_spec = source_spec if source_spec is not None else ("" if follow is not None else "-")
    redis_in, redis_out = _is_redis(source_spec), _is_redis(sink_spec)
    region_list = [r.strip() for r in (regions or "").split(",") if r.strip()]
    if region_list and not redis_in:
        raise click.UsageError("--regions needs a Redis input (--from redis://...)")
    control = control_stream or f"{stream}:control"
    clients: dict[str, Any] = {}

    def client(url: str) -> Any:
        if url not in clients:
            from ..stream import connect

            try:
                clients[url] = connect(url)
            except RCAError:
                raise
            except Exception as exc:  # redis' connection errors
                raise click.ClickException(f"cannot reach Redis at {url}: {exc}") from exc
        return clients[url]

    # the topology: a file (watched for changes), or the control stream's latest message
    topology = None
    topo_watch = None
    graph = None
    try:
        if topology_spec:
            from ..topology import Topology

            topology = Topology.read(topology_spec)
            topo_watch = TopologyWatch(topology_spec)
        if knowledge is not None:
            from ..causal import load_knowledge

            graph = load_knowledge(knowledge)
    except RCAError as exc:
        fail(exc)

    # the source
    if redis_in:
        from ..stream import RedisSource

        streams = [f"{stream}:{r}" for r in region_list] or [stream]
        source: Any = RedisSource(
            client(source_spec),
            streams,
            group=group,
            consumer=consumer
            or ("rca-watch-" + "-".join(region_list) if region_list else "rca-watch"),
            control=control,
        )
        if topology is None:
            from ..stream._run import topology_from_control

            first = source.controls()
            for position, fields in first:
                try:
                    topology = topology_from_control(fields)
                    click.echo(f"topology from {terminal_safe(position)}", err=True)
                except RCAError as exc:
                    fail(exc)
            if topology is None:
                raise click.UsageError(
                    f"no --topology given and no topology message on the control stream "
                    f"{control!r}: give --topology NODES.csv,LINKS.csv"
                )
    else:
        if topology is None:
            raise click.UsageError(
                "--topology is required: the network the alarms come from "
                "(NODES.csv,LINKS.csv, TOPOLOGY.graphml or a folder holding them)"
            )
        try:
            if follow is not None:
                source = FileSource(follow, follow=True, from_end=from_end, format=fmt)
            elif source_spec == "-":
                source = StreamSource(sys.stdin.buffer, format=fmt)
            else:
                source = FileSource(source_spec, follow=False, format=fmt)
        except (OSError, ValueError) as exc:
            fail(exc)

    # the sink
    if redis_out:
        from ..stream import RedisSink

        sink: Any = RedisSink(
            client(sink_spec),
            stream=answers_stream or f"{stream}:answers",
            dead=dead_stream or f"{stream}:dead",
            maxlen=maxlen,
        )
    else:
        dead = JsonLinesSink(dead_spec) if dead_spec is not None else None
        sink = JsonLinesSink(sys.stdout if sink_spec == "-" else sink_spec, dead=dead)

    def make() -> Watcher:
        return Watcher(
            topology,
            method=method,
            knowledge=graph,
            max_candidates=max_candidates,
            quiet_s=quiet_s,
            rank_every_s=rank_every_s,
            timeout_s=timeout_s,
            max_held=max_held,
            name=name,
            segment_params=params,
            reorder_s=reorder_s,
            positions=positions,
        )

    try:
        watcher: Any = make()
    except (TypeError, ValueError) as exc:
        raise click.UsageError(str(exc)) from exc
    if len(region_list) > 1:
        from ..stream import PartitionedWatcher

        watcher = PartitionedWatcher(make)  # regions are independent: each its own event time
    logger.info("watching %s; answers to %s", follow or source_spec, sink_spec)
    try:
        stats = run(
            source,
            sink,
            watcher,
            batch=batch,
            topology_watch=topo_watch,
            stop_after_idle_s=stop_after_idle,
        )
    except BrokenPipeError:
        sys.stderr.write(
            "the output was closed; stopped (nothing was acknowledged that was not published)\n"
        )
        sys.exit(1)
    except (OSError, ConnectionError) as exc:
        click.echo(
            terminal_safe(
                f"error: {exc}; stopped. What was not acknowledged is read again by the next run"
            ),
            err=True,
        )
        sys.exit(1)
    except Exception as exc:
        if type(exc).__module__.startswith("redis"):
            click.echo(
                terminal_safe(
                    f"error: Redis: {exc}; stopped. What was not acknowledged is read again by "
                    "the next run"
                ),
                err=True,
            )
            sys.exit(1)
        raise
    bad = ", ".join(f"{n} {k}" for k, n in sorted(stats.bad_reasons.items()))
    click.echo(
        f"{plural(stats.messages, 'message')}: {plural(stats.alarms, 'alarm')}, "
        f"{plural(stats.samples, 'sample')}, {stats.bad} bad{f' ({bad})' if bad else ''}, "
        f"{plural(stats.duplicates, 'duplicate')}; {plural(stats.incidents, 'incident')}, "
        f"{plural(stats.finals, 'final answer')}, {plural(stats.answers, 'answer')} in all",
        err=True,
    )
