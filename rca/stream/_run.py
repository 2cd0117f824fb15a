"""The loop of ``rca watch``: a source, a watcher and a sink, until a signal or the end of the input.

Each turn reads one batch (up to ``batch`` messages, waiting at most
``poll_s`` for the first), lets the watcher take it, stores the dead letters
and the answers, and only then acknowledges what the watcher released (see
:mod:`rca.stream._base`). With nothing to read, the turn runs the watcher's
wall-clock backstop instead. Between turns it looks for a new topology: a
file that changed (:class:`TopologyWatch`) or a control message.

SIGINT and SIGTERM end the loop after the current turn: the open incidents
get their final answers (``"reason": "shutdown"``), which are stored and
acknowledged, and the connections are closed. A second SIGINT stops at
once (what was not acknowledged is read again by the next run).
"""

from __future__ import annotations

import logging
import os
import signal
import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from ..errors import RCAError
from ..topology import Topology
from ._base import Sink, Source
from ._watcher import Outcome, Watcher, WatchStats

__all__ = ["TopologyWatch", "run", "topology_from_control"]

logger = logging.getLogger(__name__)


class TopologyWatch:
    """Notices that a topology file changed, and reads the new one.

    Parameters
    ----------
    spec : str
        As ``--topology`` takes it: ``NODES.csv,LINKS.csv``, a GraphML file,
        or a folder holding ``nodes.csv`` (+ ``links.csv``) or
        ``topology.graphml``.
    interval_s : float, default 2
        Seconds between two looks at the files' modification time and size.

    Notes
    -----
    A file caught half written does not parse: the error is logged, the
    previous topology stays, and the next change is tried again. Writing
    the new file beside the old one and renaming it over avoids that.
    """

    def __init__(self, spec: str, *, interval_s: float = 2.0) -> None:
        self.spec = spec
        self.interval_s = float(interval_s)
        self._files = self._paths(spec)
        self._stamp = self._stamps()
        self._checked = time.monotonic()

    @staticmethod
    def _paths(spec: str) -> list[Path]:
        parts = [Path(p.strip()) for p in spec.split(",") if p.strip()]
        if len(parts) == 1 and parts[0].is_dir():
            folder = parts[0]
            found = [
                folder / n
                for n in ("nodes.csv", "links.csv", "topology.graphml")
                if (folder / n).exists()
            ]
            return found or [folder]
        return parts

    def _stamps(self) -> tuple:
        out: list[tuple[int, int, int] | None] = []
        for p in self._files:
            try:
                st = os.stat(p)
                out.append((st.st_mtime_ns, st.st_size, st.st_ino))
            except OSError:
                out.append(None)
        return tuple(out)

    def changed(self) -> Topology | None:
        """The new topology when a file changed since the last look (at most every ``interval_s``), else None."""
        now = time.monotonic()
        if now - self._checked < self.interval_s:
            return None
        self._checked = now
        stamp = self._stamps()
        if stamp == self._stamp:
            return None
        self._stamp = stamp
        try:
            topo = Topology.read(self.spec)
        except (RCAError, OSError, ValueError) as exc:
            logger.error(
                "the topology %s changed but could not be read (%s); the previous one stays",
                self.spec,
                exc,
            )
            return None
        logger.warning("topology %s changed: new incidents use it", self.spec)
        return topo


def topology_from_control(fields: Mapping[str, Any]) -> Topology:
    """The topology a control message carries.

    Fields: ``type`` = ``topology`` and either ``nodes`` (+ ``links``) as
    CSV text, ``graphml`` as text, or ``path`` (what ``--topology`` takes,
    read by the worker).

    Raises
    ------
    RCAError
        The message holds no topology, or it cannot be read (the reader's
        error names the file and line).
    """
    from ..errors import InputError

    def text(key: str) -> str | None:
        v = fields.get(key)
        if isinstance(v, bytes):
            v = v.decode("utf-8", "replace")
        return v if isinstance(v, str) and v.strip() else None

    kind = text("type")
    if kind != "topology":
        raise InputError(f"control message of type {kind!r}; expected 'topology'")
    if text("path"):
        return Topology.read(text("path"))  # type: ignore[arg-type]
    with tempfile.TemporaryDirectory(prefix="rca-topology-") as tmp:
        folder = Path(tmp)
        if text("graphml"):
            (folder / "topology.graphml").write_text(text("graphml"), encoding="utf-8")  # type: ignore[arg-type]
            return Topology.read(str(folder / "topology.graphml"))
        if text("nodes"):
            (folder / "nodes.csv").write_text(text("nodes"), encoding="utf-8")  # type: ignore[arg-type]
            if text("links"):
                (folder / "links.csv").write_text(text("links"), encoding="utf-8")  # type: ignore[arg-type]
                return Topology.read(f"{folder / 'nodes.csv'},{folder / 'links.csv'}")
            return Topology.read(str(folder / "nodes.csv"))
    raise InputError(
        "a topology control message needs 'nodes' (and 'links') CSV text, 'graphml' text or a 'path'"
    )


class _Signals:
    """SIGINT / SIGTERM set a flag; a second SIGINT interrupts at once."""

    def __init__(self) -> None:
        self.stop = False
        self.previous: dict[int, Any] = {}

    def __enter__(self) -> _Signals:
        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                self.previous[sig] = signal.signal(sig, self._handle)
            except ValueError:  # not the main thread: the caller stops the loop itself
                pass
        return self

    def _handle(self, signum: int, frame: object) -> None:
        if self.stop and signum == signal.SIGINT:
            raise KeyboardInterrupt
        self.stop = True
        logger.warning(
            "%s: publishing the final answers of the open incidents, then stopping",
            signal.Signals(signum).name,
        )

    def __exit__(self, *exc: object) -> None:
        for sig, handler in self.previous.items():
            signal.signal(sig, handler)


def run(
    source: Source,
    sink: Sink,
    watcher: Watcher,
    *,
    batch: int = 1000,
    poll_s: float = 0.2,
    topology_watch: TopologyWatch | None = None,
    stop_after_idle_s: float | None = None,
    max_seconds: float | None = None,
    should_stop: Callable[[], bool] | None = None,
    on_outcome: Callable[[Outcome], None] | None = None,
    stats_every_s: float = 60.0,
) -> WatchStats:
    """Run ``watcher`` on ``source`` into ``sink`` until a signal, the end of the input, or a limit.

    Parameters
    ----------
    source, sink : Source, Sink
    watcher : Watcher
    batch : int, default 1000
        Most messages read and taken in one turn.
    poll_s : float, default 0.2
        Longest wait for the first message of a turn.
    topology_watch : TopologyWatch, optional
        Replace the topology when its file changes.
    stop_after_idle_s : float, optional
        Stop (final answers for the open incidents) after this many seconds
        without a message and with no incident open; for demos, tests and
        benchmarks.
    max_seconds : float, optional
        Stop after this long in all (the same way).
    should_stop : callable, optional
        Polled every turn; True stops the loop (as a signal does).
    on_outcome : callable, optional
        Called with each turn's outcome after it is stored and acknowledged.
    stats_every_s : float, default 60
        Seconds between two log lines (INFO) of the counters.

    Returns
    -------
    WatchStats
        The watcher's counters at the end.
    """
    started = last_message = last_stats = time.monotonic()
    controls = getattr(source, "controls", None)

    def emit(out: Outcome) -> None:
        if out.dead:
            sink.dead_letter(out.dead)
        if out.answers:
            sink.publish(out.answers)
        if out.acks:
            source.ack(out.acks)
        if on_outcome is not None and out:
            on_outcome(out)

    try:
        with _Signals() as signals:
            while True:
                if signals.stop or (should_stop is not None and should_stop()):
                    emit(watcher.close())
                    break
                messages = source.read(batch, poll_s)
                now = time.monotonic()
                if messages:
                    last_message = now
                    emit(watcher.process(messages))
                else:
                    emit(watcher.tick())
                if source.exhausted:
                    emit(watcher.close(end_of_stream=True))
                    break
                topo = topology_watch.changed() if topology_watch is not None else None
                if controls is not None:
                    for position, fields in controls():
                        try:
                            topo = topology_from_control(fields)
                            logger.warning(
                                "topology from the control message %s: new incidents use it",
                                position,
                            )
                        except (RCAError, OSError, ValueError) as exc:
                            logger.error("control message %s ignored: %s", position, exc)
                if topo is not None:
                    watcher.set_topology(topo)
                if now - last_stats >= stats_every_s:
                    last_stats = now
                    s = watcher.stats
                    logger.info(
                        "%d messages, %d alarms, %d bad, %d incidents (%d open), %d answers, %d alarms held",
                        s.messages,
                        s.alarms,
                        s.bad,
                        s.incidents,
                        s.open,
                        s.answers,
                        s.held,
                    )
                idle = now - last_message
                if (
                    stop_after_idle_s is not None
                    and idle >= stop_after_idle_s
                    and not watcher.open_incidents
                ):
                    emit(watcher.close())
                    break
                if max_seconds is not None and now - started >= max_seconds:
                    emit(watcher.close())
                    break
    finally:
        try:
            source.close()
        finally:
            sink.close()
    return watcher.stats
