"""Live root-cause analysis on an alarm stream: ``rca watch`` and ``rca replay``.

The pieces, one concept each:

- :class:`Watcher` (``_watcher.py``): the transport-free core. Alarms in,
  in stream order; answers out, each time an incident's answer changes,
  with ``version`` and ``final``; cut and settled by event time.
- :class:`Source` and :class:`Sink` (``_base.py``): the two small
  interfaces a transport implements; a Kafka adapter is one more module.
- The embedded transport (``_files.py``): :class:`FileSource` follows a
  file (``tail -F``), :class:`StreamSource` reads standard input,
  :class:`JsonLinesSink` writes JSON lines. No server.
- Redis Streams (``_redis.py``, the ``stream`` extra): :class:`RedisSource`
  reads with a consumer group and acknowledges after publishing,
  :class:`RedisSink` writes answers and dead letters to streams.
- :func:`run` (``_run.py``): the loop that joins a source, a watcher and a
  sink, with signals, the wall-clock backstop and topology reloads.
- :func:`replay` (``_replay.py``): incidents into a sink at their pace.
- :func:`regions` (``_partition.py``): the partition key that splits a
  network between workers.

See ``docs/watch.md`` for the command line.
"""

from __future__ import annotations

from typing import Any

from ._base import Sink, Source
from ._files import FileSource, JsonLinesSink, LineParser, StreamSource
from ._message import (
    Alarm,
    BadMessage,
    DeadLetter,
    Message,
    Sample,
    parse_time,
    read_record,
)
from ._partition import partition_of, regions
from ._replay import replay, replay_messages
from ._run import TopologyWatch, run
from ._watcher import Outcome, PartitionedWatcher, Watcher, WatchStats

__all__ = [
    "Alarm",
    "BadMessage",
    "DeadLetter",
    "FileSource",
    "JsonLinesSink",
    "LineParser",
    "Message",
    "Outcome",
    "PartitionedWatcher",
    "RedisSink",
    "RedisSource",
    "Sample",
    "Sink",
    "Source",
    "StreamSource",
    "TopologyWatch",
    "WatchStats",
    "Watcher",
    "parse_time",
    "partition_of",
    "read_record",
    "regions",
    "replay",
    "replay_messages",
    "run",
]


def __getattr__(name: str) -> Any:
    # the Redis transport needs the 'stream' extra: imported on first use only
    if name in ("RedisSource", "RedisSink", "connect"):
        from . import _redis

        return getattr(_redis, name)
    raise AttributeError(f"module 'rca.stream' has no attribute {name!r}")
