"""The embedded transport, no server: a file being appended to, standard input, JSON lines out.

:class:`FileSource` follows a file as ``tail -F`` does (appended lines are
read as they come; a file that is replaced or truncated, as log rotation
does, is read again from its start). :class:`StreamSource` reads a pipe
such as standard input. Both take CSV with a header line (the columns of
``alarms.csv``, or of ``metrics.csv``) or JSON lines (one object per line,
the same field names), told apart by the first line. :class:`JsonLinesSink`
writes answers, or dead letters, one JSON object per line.

These sources have no acknowledgement: a restarted watcher reads the file
again from its start (or from its end with ``from_end=True``).
"""

from __future__ import annotations

import csv
import io
import json
import logging
import os
import queue
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from ._message import MAX_RAW_CHARS, DeadLetter, Message

__all__ = ["FileSource", "JsonLinesSink", "LineParser", "StreamSource"]

logger = logging.getLogger(__name__)


class LineParser:
    """Turns lines of CSV (header first) or JSON lines into :class:`Message` records.

    Parameters
    ----------
    source : str
        Name given to the messages (a file name, ``<stdin>``).
    format : {"auto", "csv", "jsonl"}, default "auto"
        ``auto``: JSON lines when the first line that is not blank starts
        with ``{``, else CSV.

    Examples
    --------
    >>> p = LineParser("alarms.csv")
    >>> p.feed("timestamp,device,alarm_type\\n", 1), p.feed("2026-03-01T10:00:00Z,R7,LOS\\n", 2)[0].fields
    ([], {'timestamp': '2026-03-01T10:00:00Z', 'device': 'R7', 'alarm_type': 'LOS'})
    >>> p.feed("2026-03-01T10:00:01Z,R8\\n", 3)[0].error
    '2 fields where the header has 3'
    """

    def __init__(self, source: str, *, format: str = "auto") -> None:
        if format not in ("auto", "csv", "jsonl"):
            raise ValueError(f"format must be 'auto', 'csv' or 'jsonl'; got {format!r}")
        self.source = source
        self.format = format
        self._given = format
        self.header: list[str] | None = None
        self._pending: list[str] = []  # lines of a CSV record whose quoted field spans lines
        self._pending_line = 0

    def reset(self) -> None:
        """Start again (the file was replaced or truncated): the next line is a header again."""
        self.header = None
        self._pending = []
        self.format = self._given

    def feed(self, line: str, number: int) -> list[Message]:
        """One line of text (with or without its newline) and its line number; the messages it completes."""
        now = time.monotonic()
        text = line.rstrip("\r\n")
        if self.format == "auto":
            if not text.strip():
                return []
            self.format = "jsonl" if text.lstrip().startswith("{") else "csv"
        if self.format == "jsonl":
            if not text.strip():
                return []
            try:
                fields = json.loads(text)
            except (ValueError, RecursionError) as exc:
                return [
                    Message(
                        self.source,
                        str(number),
                        None,
                        text[:MAX_RAW_CHARS],
                        f"not a JSON object: {str(exc)[:200]}",
                        now,
                    )
                ]
            if not isinstance(fields, dict):
                return [
                    Message(
                        self.source,
                        str(number),
                        None,
                        text[:MAX_RAW_CHARS],
                        f"expected a JSON object, got {type(fields).__name__}",
                        now,
                    )
                ]
            return [Message(self.source, str(number), fields, text[:MAX_RAW_CHARS], None, now)]
        # CSV: a quoted field may hold a newline, so a record may span lines
        if not self._pending:
            if not text.strip():
                return []
            self._pending_line = number
        self._pending.append(text)
        record = "\n".join(self._pending)
        if record.count('"') % 2 == 1 and len(record) < MAX_RAW_CHARS:
            return []  # an open quoted field: the record goes on
        self._pending = []
        first = self._pending_line
        try:
            rows = list(csv.reader(io.StringIO(record), strict=True))
        except csv.Error as exc:
            return [
                Message(
                    self.source,
                    str(first),
                    None,
                    record[:MAX_RAW_CHARS],
                    f"not a CSV record: {exc}",
                    now,
                )
            ]
        values = rows[0] if rows else []
        if self.header is None:
            self.header = [v.strip() for v in values]
            return []
        if len(values) != len(self.header):
            return [
                Message(
                    self.source,
                    str(first),
                    None,
                    record[:MAX_RAW_CHARS],
                    f"{len(values)} fields where the header has {len(self.header)}",
                    now,
                )
            ]
        fields = {k: v for k, v in zip(self.header, values) if k}
        return [Message(self.source, str(first), fields, record[:MAX_RAW_CHARS], None, now)]

    def flush(self) -> list[Message]:
        """The input ended: a record left open (an unterminated quote) is a bad message."""
        if not self._pending:
            return []
        record = "\n".join(self._pending)
        self._pending = []
        return [
            Message(
                self.source,
                str(self._pending_line),
                None,
                record[:MAX_RAW_CHARS],
                "the input ended inside a quoted field",
                time.monotonic(),
            )
        ]


class FileSource:
    """Follow a file as it is appended to (``tail -F``), or read it once to its end.

    Parameters
    ----------
    path : str or Path
        A CSV file with a header line, or JSON lines.
    follow : bool, default True
        Keep reading as lines are appended; never exhausted. False: read to
        the end, then :attr:`exhausted` is True.
    from_end : bool, default False
        Start at the current end of the file (its header is still read):
        only lines appended from now on.
    format : {"auto", "csv", "jsonl"}, default "auto"
    poll_s : float, default 0.1
        How often a followed file at its end is looked at again.

    Notes
    -----
    Only complete lines are read while following (a writer's half-written
    line waits for its newline). A file replaced by another (a new inode:
    log rotation) or shorter than what was read (truncated) is read again
    from its start, header first; a warning says so. A line that is not
    UTF-8 is a bad message, not the end of the stream.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        follow: bool = True,
        from_end: bool = False,
        format: str = "auto",
        poll_s: float = 0.1,
    ) -> None:
        self.path = Path(path)
        self.follow = follow
        self.from_end = from_end
        self.poll_s = float(poll_s)
        self.parser = LineParser(self.path.name, format=format)
        self.exhausted = False
        self._handle: IO[bytes] | None = None
        self._inode: int | None = None
        self._line = 0
        self._buffer = b""
        self._skip_rest = False
        self._open(skip_to_end=from_end)

    def _open(self, *, skip_to_end: bool = False) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None
        try:
            handle = open(self.path, "rb")
        except FileNotFoundError:
            if not self.follow:
                raise
            return  # not there yet: looked for again at the next read
        self._handle = handle
        self._inode = os.fstat(handle.fileno()).st_ino
        self._line = 0
        self._buffer = b""
        self.parser.reset()
        if skip_to_end:
            first = handle.readline()  # the header of a CSV is still needed
            if not first.endswith(b"\n"):
                handle.seek(0)
                return
            self._decode_and_feed(
                first, 1
            )  # a JSON line's message is dropped with the others skipped
            lines, after_last = 1, handle.tell()
            while True:
                chunk = handle.read(1 << 20)
                if not chunk:
                    break
                lines += chunk.count(b"\n")
                nl = chunk.rfind(b"\n")
                if nl >= 0:
                    after_last = handle.tell() - len(chunk) + nl + 1
            handle.seek(after_last)  # a half-written last line is read when it is complete
            self._line = lines

    def _decode_and_feed(self, raw: bytes, number: int) -> list[Message]:
        try:
            text = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            return [
                Message(
                    self.parser.source,
                    str(number),
                    None,
                    raw[:MAX_RAW_CHARS].decode("utf-8", "replace"),
                    f"not UTF-8 text ({exc.reason} at byte {exc.start})",
                    time.monotonic(),
                )
            ]
        return self.parser.feed(text, number)

    def _replaced(self) -> bool:
        """Whether the path now names another file, or the file is shorter than what was read."""
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return False
        if self._handle is None:
            return True
        if st.st_ino != self._inode:
            logger.warning(
                "%s was replaced (rotated); reading the new file from its start", self.path
            )
            return True
        if st.st_size < self._handle.tell():
            logger.warning("%s was truncated; reading it again from its start", self.path)
            return True
        return False

    def read(self, max_count: int, timeout_s: float) -> list[Message]:
        """Up to ``max_count`` messages; at the end of a followed file, waits up to ``timeout_s`` for more."""
        deadline = time.monotonic() + max(0.0, timeout_s)
        out: list[Message] = []
        while True:
            out += self._read_available(max_count - len(out))
            if out or self.exhausted or not self.follow or time.monotonic() >= deadline:
                return out
            if self._replaced():
                self._open()
                continue
            time.sleep(min(self.poll_s, max(0.0, deadline - time.monotonic())))

    def _read_available(self, max_count: int) -> list[Message]:
        out: list[Message] = []
        if self._handle is None:
            return out
        while len(out) < max_count:
            nl = self._buffer.find(b"\n")
            if nl < 0:
                chunk = self._handle.read(1 << 16)
                if not chunk:
                    if not self.follow:
                        if self._buffer:
                            self._line += 1
                            out += self._decode_and_feed(self._buffer, self._line)
                            self._buffer = b""
                        out += self.parser.flush()
                        self.exhausted = True
                    break
                self._buffer += chunk
                if len(self._buffer) > 4 * MAX_RAW_CHARS and b"\n" not in self._buffer:
                    # one endless line: a bad message, then resynchronise at the next newline
                    self._line += 1
                    out.append(
                        Message(
                            self.parser.source,
                            str(self._line),
                            None,
                            self._buffer[:MAX_RAW_CHARS].decode("utf-8", "replace"),
                            f"a line longer than {4 * MAX_RAW_CHARS} bytes",
                            time.monotonic(),
                        )
                    )
                    self._buffer = b""
                    self._skip_rest = True
                continue
            raw, self._buffer = self._buffer[: nl + 1], self._buffer[nl + 1 :]
            self._line += 1
            if self._skip_rest:
                self._skip_rest = False
                continue
            out += self._decode_and_feed(raw, self._line)
        return out

    def ack(self, messages: Sequence[Message]) -> None:
        """Files have no acknowledgement."""

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None


_EOF = object()


class StreamSource:
    """Read a pipe (standard input) line by line, CSV or JSON lines.

    A reader thread puts lines into a bounded queue, so a producer faster
    than the watcher is slowed down by the pipe (back-pressure) instead of
    filling memory. At the end of the input, :attr:`exhausted` becomes True.

    Parameters
    ----------
    stream : binary or text file object
        E.g. ``sys.stdin.buffer``.
    name : str, default "<stdin>"
    format : {"auto", "csv", "jsonl"}, default "auto"
    max_queued : int, default 10000
        Lines read ahead at most.
    """

    def __init__(
        self,
        stream: IO[Any],
        *,
        name: str = "<stdin>",
        format: str = "auto",
        max_queued: int = 10000,
    ) -> None:
        self.parser = LineParser(name, format=format)
        self.exhausted = False
        self._queue: queue.Queue = queue.Queue(maxsize=max_queued)
        self._line = 0
        self._thread = threading.Thread(
            target=self._pump, args=(stream,), name="rca-watch-stdin", daemon=True
        )
        self._thread.start()

    def _pump(self, stream: IO[Any]) -> None:
        try:
            for line in stream:
                self._queue.put(line)
        except (OSError, ValueError) as exc:  # closed or broken pipe
            logger.warning("input ended with an error: %s", exc)
        finally:
            self._queue.put(_EOF)

    def read(self, max_count: int, timeout_s: float) -> list[Message]:
        out: list[Message] = []
        wait = max(0.0, timeout_s)
        while len(out) < max_count and not self.exhausted:
            try:
                line = self._queue.get(timeout=wait) if not out else self._queue.get_nowait()
            except queue.Empty:
                break
            if line is _EOF:
                out += self.parser.flush()
                self.exhausted = True
                break
            self._line += 1
            if isinstance(line, bytes):
                try:
                    line = line.decode("utf-8-sig" if self._line == 1 else "utf-8")
                except UnicodeDecodeError as exc:
                    out.append(
                        Message(
                            self.parser.source,
                            str(self._line),
                            None,
                            line[:MAX_RAW_CHARS].decode("utf-8", "replace"),
                            f"not UTF-8 text ({exc.reason} at byte {exc.start})",
                            time.monotonic(),
                        )
                    )
                    continue
            out += self.parser.feed(line, self._line)
            wait = 0.0
        return out

    def ack(self, messages: Sequence[Message]) -> None:
        """A pipe has no acknowledgement."""

    def close(self) -> None:
        """The reader thread ends with the input (it is a daemon: it never holds the process)."""


class JsonLinesSink:
    """Answers (or dead letters) as JSON lines, on a text stream or appended to a file.

    Parameters
    ----------
    target : text file object, str or Path
        ``sys.stdout``, or a file to append to (created if missing).
    dead : JsonLinesSink, optional
        Where dead letters go; without one they are logged (a warning with
        their position and reason) and counted, nothing more.
    fsync : bool, default False
        Make every batch durable on disk before returning (slower).
    """

    def __init__(
        self,
        target: IO[str] | str | Path,
        *,
        dead: JsonLinesSink | None = None,
        fsync: bool = False,
    ) -> None:
        if isinstance(target, (str, Path)):
            self._handle: IO[str] = open(target, "a", encoding="utf-8")
            self._owned = True
        else:
            self._handle = target
            self._owned = False
        self.dead = dead
        self.fsync = fsync

    def _write(self, objects: Sequence[dict]) -> None:
        if not objects:
            return
        # allow_nan=False: a non-finite number would make the line invalid JSON
        self._handle.write(
            "".join(json.dumps(o, allow_nan=False, ensure_ascii=False) + "\n" for o in objects)
        )
        self._handle.flush()
        if self.fsync and self._owned:
            os.fsync(self._handle.fileno())

    def publish(self, answers: Sequence[dict]) -> None:
        self._write(answers)

    def dead_letter(self, letters: Sequence[DeadLetter]) -> None:
        if self.dead is not None:
            self.dead._write([d.to_dict() for d in letters])

    def close(self) -> None:
        try:
            self._handle.flush()
        except (OSError, ValueError):
            pass
        if self._owned:
            self._handle.close()
        if self.dead is not None:
            self.dead.close()
