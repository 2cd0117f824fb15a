"""Redis Streams: read with a consumer group, acknowledge after publishing, answers and dead letters as streams.

Needs the ``stream`` extra (the ``redis`` client, redis-py) and a server
(the Debian ``redis-server`` package is enough).

Reading
    :class:`RedisSource` reads one or more streams (one per region, see
    :mod:`rca.stream._partition`) with ``XREADGROUP`` in a consumer group.
    A new group starts at the beginning of its streams. After a restart
    under the same consumer name it first reads the entries it was given
    and did not acknowledge (its *pending* entries), then new ones: nothing
    is lost, and what is repeated is at most what was not yet acknowledged.
    Entries are acknowledged (``XACK``) only when the watcher releases them,
    which is after every answer that includes them was stored.

Writing
    :class:`RedisSink` appends each answer to the answers stream as the
    fields ``answer`` (the JSON), ``incident_id``, ``version`` and
    ``final`` (``1`` or ``0``), so a consumer can filter without parsing;
    a consumer drops repeats by ``(incident_id, version)``. Dead letters go
    to their own stream with ``position``, ``reason``, ``detail`` and
    ``raw`` (the entry's fields as JSON). ``XADD`` has returned for every
    entry before :meth:`RedisSink.publish` returns.

Control
    A worker also reads a control stream (without a group: every worker
    sees every message). A message with ``type`` = ``topology`` replaces
    the graph for new incidents (see :func:`rca.stream._run.topology_from_control`);
    at start, the latest such message is applied.

Binary safety: fields are bytes on the wire; a field that is not UTF-8
makes its entry a dead letter, not a crash.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Sequence
from typing import Any

from .._extras import require
from ._message import DeadLetter, Message

__all__ = ["RedisSink", "RedisSource", "connect"]

logger = logging.getLogger(__name__)


def connect(url: str) -> Any:
    """A Redis client for ``redis://[:password@]host:port/db`` (checked with a ``PING``).

    Raises
    ------
    MissingExtraError
        The ``redis`` client is not installed (``pip install 'netrca[stream]'``).
    redis.exceptions.ConnectionError
        No server answers there.
    """
    (redis,) = require("stream", "redis", feature="Redis Streams (rca watch/replay redis://...)")
    client = redis.Redis.from_url(
        url,
        decode_responses=False,
        socket_connect_timeout=5,
        socket_timeout=30,
        health_check_interval=30,
    )
    client.ping()
    return client


def _decode(raw: dict | None) -> tuple[dict | None, str | None]:
    if not raw:  # a pending entry deleted (XDEL, trimming) before it was read again
        return None, "the entry was deleted from the stream before it was read"
    out: dict[str, str] = {}
    for k, v in raw.items():
        try:
            key = k.decode("utf-8") if isinstance(k, bytes) else str(k)
            out[key] = v.decode("utf-8") if isinstance(v, bytes) else str(v)
        except UnicodeDecodeError as exc:
            return None, f"field {k[:64]!r} is not UTF-8 text ({exc.reason} at byte {exc.start})"
    return out, None


def _raw_json(raw: dict | None) -> str:
    if raw is None:
        return ""
    return json.dumps(
        {
            (k.decode("utf-8", "replace") if isinstance(k, bytes) else str(k)): (
                v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v)
            )
            for k, v in raw.items()
        },
        ensure_ascii=False,
    )


class RedisSource:
    """Read alarm streams with a consumer group (see the module docstring).

    Parameters
    ----------
    client : redis.Redis
        From :func:`connect`.
    streams : sequence of str
        Stream keys to read (one per region, or one).
    group : str, default "rca-watch"
        Consumer group; created at the start of each stream if missing.
    consumer : str, default "rca-watch-1"
        This worker's name in the group. A restarted worker must keep its
        name to read its pending entries again.
    control : str, optional
        Control stream (topology messages).
    """

    def __init__(
        self,
        client: Any,
        streams: Sequence[str],
        *,
        group: str = "rca-watch",
        consumer: str = "rca-watch-1",
        control: str | None = None,
    ) -> None:
        (redis,) = require(
            "stream", "redis", feature="Redis Streams (rca watch/replay redis://...)"
        )
        if not streams:
            raise ValueError("RedisSource needs at least one stream")
        self._errors = redis.exceptions
        self.client = client
        self.streams = list(dict.fromkeys(streams))
        self.group = group
        self.consumer = consumer
        self.control = control
        self.exhausted = False
        for s in self.streams:
            try:
                client.xgroup_create(s, group, id="0", mkstream=True)
                logger.info("created consumer group %s on %s (from its first entry)", group, s)
            except redis.exceptions.ResponseError as exc:
                if "BUSYGROUP" not in str(exc):
                    raise
        # after a restart: this consumer's pending entries first, from the oldest
        self._backlog: dict[str, str] = {s: "0" for s in self.streams}
        self._control_id = "0"
        self._control_first: list[tuple[str, dict]] = []
        if control is not None:
            self._control_first = self._latest_topology()

    def _latest_topology(self) -> list[tuple[str, dict]]:
        assert self.control is not None
        entries = self.client.xrevrange(self.control, "+", "-", count=1000)
        if entries:
            self._control_id = entries[0][0].decode()
        for entry_id, raw in entries:
            fields, _ = _decode(raw)
            if fields is not None and fields.get("type") == "topology":
                return [(f"{self.control}#{entry_id.decode()}", fields)]
        return []

    def read(self, max_count: int, timeout_s: float) -> list[Message]:
        """Pending entries first (after a restart), then new ones; waits up to ``timeout_s`` for new ones."""
        max_count = max(1, int(max_count))
        if self._backlog:
            reply = self.client.xreadgroup(
                self.group, self.consumer, dict(self._backlog), count=max_count
            )
            got = self._messages(reply, pending=True)
            if got:
                return got
            # nothing pending is left where the reply said so: on to new entries
        block = max(1, int(timeout_s * 1000))
        reply = self.client.xreadgroup(
            self.group, self.consumer, {s: ">" for s in self.streams}, count=max_count, block=block
        )
        return self._messages(reply, pending=False)

    def _messages(self, reply: Any, *, pending: bool) -> list[Message]:
        now = time.monotonic()
        out: list[tuple[tuple[int, int], int, Message]] = []
        seen_streams = set()
        for i, (stream, entries) in enumerate(reply or []):
            name = stream.decode() if isinstance(stream, bytes) else str(stream)
            seen_streams.add(name)
            if pending:
                if not entries:
                    self._backlog.pop(name, None)
                    continue
                self._backlog[name] = entries[-1][0].decode()
            for entry_id, raw in entries:
                eid = entry_id.decode() if isinstance(entry_id, bytes) else str(entry_id)
                fields, error = _decode(raw)
                msg = Message(
                    name, eid, fields, "" if fields is not None else _raw_json(raw), error, now
                )
                ms, _, seq = eid.partition("-")
                out.append(((int(ms), int(seq or 0)), i, msg))
        if pending:
            for s in list(self._backlog):
                if s not in seen_streams:
                    self._backlog.pop(s, None)
            if out:
                logger.info(
                    "read %d entries given to %s before and not acknowledged",
                    len(out),
                    self.consumer,
                )
        out.sort(key=lambda x: (x[0], x[1]))  # several streams: in order of their entry ids
        return [m for _, _, m in out]

    def ack(self, messages: Sequence[Message]) -> None:
        """``XACK`` the entries, per stream, in one round trip."""
        by_stream: dict[str, list[str]] = {}
        for m in messages:
            by_stream.setdefault(m.source, []).append(m.offset)
        if not by_stream:
            return
        pipe = self.client.pipeline(transaction=False)
        for stream, ids in by_stream.items():
            for k in range(0, len(ids), 1000):
                pipe.xack(stream, self.group, *ids[k : k + 1000])
        pipe.execute()

    def controls(self) -> list[tuple[str, dict]]:
        """New messages of the control stream (position, fields), oldest first."""
        out, self._control_first = self._control_first, []
        if self.control is None:
            return out
        reply = self.client.xread({self.control: self._control_id}, count=100)
        for _, entries in reply or []:
            for entry_id, raw in entries:
                eid = entry_id.decode()
                self._control_id = eid
                fields, error = _decode(raw)
                if fields is None:
                    logger.error("control message %s#%s ignored: %s", self.control, eid, error)
                    continue
                out.append((f"{self.control}#{eid}", fields))
        return out

    def close(self) -> None:
        try:
            self.client.close()
        except Exception:  # closing is best effort
            pass


class RedisSink:
    """Answers and dead letters appended to Redis streams (see the module docstring).

    Parameters
    ----------
    client : redis.Redis
    stream : str, default "rca:answers"
    dead : str, default "rca:dead"
    maxlen : int, optional
        Trim each stream to about this many entries (``MAXLEN ~``).
    """

    def __init__(
        self,
        client: Any,
        *,
        stream: str = "rca:answers",
        dead: str = "rca:dead",
        maxlen: int | None = None,
    ) -> None:
        self.client = client
        self.stream = stream
        self.dead = dead
        self.maxlen = maxlen

    def _add(self, stream: str, entries: list[dict]) -> None:
        if not entries:
            return
        pipe = self.client.pipeline(transaction=False)
        for fields in entries:
            pipe.xadd(stream, fields, maxlen=self.maxlen, approximate=True)
        pipe.execute()

    def publish(self, answers: Sequence[dict]) -> None:
        self._add(
            self.stream,
            [
                {
                    "answer": json.dumps(a, allow_nan=False, ensure_ascii=False),
                    "incident_id": str(a.get("incident_id", "")),
                    "version": str(a.get("version", "")),
                    "final": "1" if a.get("final") else "0",
                }
                for a in answers
            ],
        )

    def dead_letter(self, letters: Sequence[DeadLetter]) -> None:
        self._add(self.dead, [{k: str(v) for k, v in d.to_dict().items()} for d in letters])

    def close(self) -> None:
        try:
            self.client.close()
        except Exception:  # closing is best effort
            pass
