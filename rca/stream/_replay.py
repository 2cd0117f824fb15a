"""Replay incidents into a stream at their own pace, or faster: demos, tests, benchmarks.

:func:`replay_messages` lays out the alarms (and metrics samples) of
incident folders or of simulated incidents as one feed; :func:`replay`
sends a feed through a writer at ``speed`` times its pace.

The feed keeps each file's row order (a recording's delivery order, with
its late and duplicated rows); the pace follows the latest timestamp so far
(an out-of-order row goes right after the row before it). With ``gap``,
incident ``k`` is shifted to start ``gap`` seconds after incident ``k - 1``
ended, so incidents recorded weeks apart, or simulated at random dates,
follow one another; without it their own timestamps are kept.

Every message carries two extra fields, ``replay_incident`` (the folder's
name) and ``replay_row`` (its line in the file), which the watcher carries
through like any extra column: a consumer can match answers with what was
replayed.
"""

from __future__ import annotations

import csv
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .._time import to_iso
from ..errors import InputError
from ._message import BadMessage, parse_time

__all__ = ["FeedItem", "feed_of_frames", "replay", "replay_messages"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class FeedItem:
    """One message of a feed: when it is due (seconds of event time) and its fields (text)."""

    at: float
    fields: dict
    kind: str = "alarm"  # "alarm" or "metric"


def _read_rows(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        return [{k: v for k, v in row.items() if k is not None} for row in reader]


def _times(rows: list[dict]) -> list[float | None]:
    out: list[float | None] = []
    for r in rows:
        try:
            out.append(parse_time(r.get("timestamp", r.get("time"))))
        except BadMessage:
            out.append(None)
    return out


def feed_of_frames(
    name: str, alarms: list[dict], metrics: list[dict] | None = None, *, shift: float = 0.0
) -> list[FeedItem]:
    """One incident's rows as feed items, shifted by ``shift`` seconds, in file order, paced by the latest time."""
    items: list[FeedItem] = []
    for kind, rows in (("alarm", alarms), ("metric", metrics or [])):
        times = _times(rows)
        latest = None
        for i, (row, t) in enumerate(zip(rows, times)):
            fields = {k: ("" if v is None else str(v)) for k, v in row.items()}
            if t is not None:
                latest = t if latest is None else max(latest, t)
                if shift:
                    fields["timestamp"] = to_iso(t + shift)
            fields["replay_incident"] = name
            fields["replay_row"] = str(i + 2)  # the line in the file (the header is line 1)
            at = (latest if latest is not None else 0.0) + shift
            items.append(FeedItem(at, fields, kind))
    return items


def replay_messages(
    folders: Sequence[str | Path],
    *,
    gap: float | None = None,
    metrics: bool = True,
    start: float | None = None,
    heartbeat_s: float | None = 3600.0,
) -> list[FeedItem]:
    """The feed of incident folders, one after another (see the module docstring).

    Parameters
    ----------
    folders : sequence of path
        Incident folders (``alarms.csv``, optional ``metrics.csv``).
    gap : float, optional
        Seconds between the end of one incident and the start of the next;
        None keeps the recorded timestamps.
    metrics : bool, default True
        Include ``metrics.csv`` samples.
    start : float, optional
        With ``gap``: the first incident starts at this time (epoch
        seconds) instead of its own.
    heartbeat_s : float or None, default 3600
        End with a heartbeat this many seconds after the last message, so
        that a watcher settles the last incidents at once (sent without
        waiting); None sends none.

    Returns
    -------
    list of FeedItem
        In the order to send.

    Raises
    ------
    InputError
        A folder without ``alarms.csv``, or one without a readable timestamp.
    """
    per: list[tuple[float, float, str, list[dict], list[dict]]] = []
    for folder in folders:
        folder = Path(folder)
        if not (folder / "alarms.csv").exists():
            raise InputError("no alarms.csv here", file=folder)
        alarms = _read_rows(folder / "alarms.csv")
        samples = (
            _read_rows(folder / "metrics.csv")
            if metrics and (folder / "metrics.csv").exists()
            else []
        )
        times = [t for t in _times(alarms) if t is not None]
        if not times:
            raise InputError("no readable timestamp in alarms.csv", file=folder / "alarms.csv")
        mtimes = [t for t in _times(samples) if t is not None]
        lo = min(times + mtimes) if gap is not None else min(times)
        hi = max(times + mtimes) if gap is not None else max(times)
        per.append((lo, hi, folder.name, alarms, samples))
    items: list[FeedItem] = []
    cursor = start
    for lo, hi, name, alarms, samples in per:
        shift = 0.0
        if gap is not None:
            if cursor is None:
                cursor = lo
            shift = cursor - lo
            cursor = hi + shift + float(gap)
        items += feed_of_frames(name, alarms, samples, shift=shift)
    order = sorted(range(len(items)), key=lambda i: (items[i].at, i))
    out = [items[i] for i in order]
    if heartbeat_s is not None and out:
        last = max(it.at for it in out)
        out.append(
            FeedItem(
                last,
                {"type": "heartbeat", "timestamp": to_iso(last + float(heartbeat_s))},
                "heartbeat",
            )
        )
    return out


def replay(
    items: Iterable[FeedItem],
    write: Callable[[list[FeedItem]], None],
    *,
    speed: float = 1.0,
    max_seconds: float | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    batch: int = 500,
) -> int:
    """Send ``items`` through ``write`` at ``speed`` times their pace; the number sent.

    Parameters
    ----------
    items : iterable of FeedItem
        In order (:func:`replay_messages`).
    write : callable
        Takes a list of items due together and stores them.
    speed : float, default 1
        1 is the recorded pace, 10 ten times faster; 0 (or inf) as fast as
        the writer goes.
    max_seconds : float, optional
        Stop after this long (wall clock).
    batch : int, default 500
        Most items written at once.
    """
    items = list(items)
    if not items:
        return 0
    fast = speed <= 0 or speed == float("inf")
    t0 = items[0].at
    began = clock()
    sent = 0
    i = 0
    while i < len(items):
        now = clock()
        if max_seconds is not None and now - began >= max_seconds:
            break
        due_wall = began + (items[i].at - t0) / speed if not fast else now
        if due_wall > now:
            sleep(min(due_wall - now, 0.5))
            continue
        j = i
        while (
            j < len(items) and j - i < batch and (fast or began + (items[j].at - t0) / speed <= now)
        ):
            j += 1
        write(items[i:j])
        sent += j - i
        i = j
    return sent
