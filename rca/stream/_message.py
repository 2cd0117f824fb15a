"""What travels on a stream: messages in, alarms and samples read from them, dead letters out.

A :class:`Message` is one record as a source delivered it: its position in
the stream and its fields (text), or the reason it could not even be read
as a record (a line that is not JSON, a CSV line with an open quote). The
watcher reads each message's fields into an :class:`Alarm` or a
:class:`Sample` with :func:`read_record`, which checks them as the file
readers do (required fields, a timestamp in 1990-2100, text capped at the
limits of :mod:`rca.limits`) and refuses them with :class:`BadMessage`
naming the field. A refused message becomes a :class:`DeadLetter`.

Every field is untrusted text: it is stored and passed on as data (JSON
escapes it on the way out; log lines show control characters escaped),
never interpreted.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from ..errors import InputError
from ..limits import EARLIEST, LATEST, MAX_ID_CHARS, MAX_TEXT_CHARS

__all__ = [
    "ALARM_FIELDS",
    "METRIC_FIELDS",
    "Alarm",
    "BadMessage",
    "DeadLetter",
    "Heartbeat",
    "Message",
    "Sample",
    "parse_time",
    "read_record",
]

#: The alarm fields of the incident format (``time`` may stand for ``timestamp``).
ALARM_FIELDS = ("timestamp", "device", "alarm_type", "severity", "link_id", "message")
#: The fields of a metrics sample.
METRIC_FIELDS = ("timestamp", "entity", "metric", "value")

#: Longest raw text of a message kept for its dead letter (characters).
MAX_RAW_CHARS = 65536
#: Most fields one message may have (the format's and extra ones).
MAX_FIELDS = 64

_UNITS = ((1.0, "s"), (1e3, "ms"), (1e6, "us"), (1e9, "ns"))


class BadMessage(InputError):
    """A message that cannot be used: its reason names the field and what was wrong.

    Attributes
    ----------
    reason : str
        One of ``unreadable``, ``missing_field``, ``bad_timestamp``,
        ``bad_value``, ``unknown_device``, ``unknown_entity``.
    """

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class Message:
    """One record as a source delivered it.

    Attributes
    ----------
    source : str
        The stream or file it came from (a Redis stream key, a file name,
        ``<stdin>``).
    offset : str
        Its place there: a Redis entry id, a line number.
    fields : mapping of str to object, or None
        The record's fields; None when the record could not be read at all
        (then ``error`` says why).
    raw : str
        The text as received, for a dead letter (capped at
        :data:`MAX_RAW_CHARS`).
    error : str or None
        Why the record could not be read.
    received : float
        ``time.monotonic()`` when the source read it.
    """

    source: str
    offset: str
    fields: Mapping[str, Any] | None
    raw: str = ""
    error: str | None = None
    received: float = 0.0

    @property
    def position(self) -> str:
        """``SOURCE#OFFSET``, how answers and logs name a place in a stream."""
        return f"{self.source}#{self.offset}"

    def raw_text(self) -> str:
        """The raw text, or the fields as JSON when the source kept none (capped)."""
        if self.raw:
            return self.raw[:MAX_RAW_CHARS]
        try:
            return json.dumps(dict(self.fields or {}), ensure_ascii=False, default=str)[
                :MAX_RAW_CHARS
            ]
        except (TypeError, ValueError):
            return repr(self.fields)[:MAX_RAW_CHARS]


@dataclass(frozen=True)
class DeadLetter:
    """A message the watcher skipped, with why: it goes to the dead-letter stream."""

    message: Message
    reason: str
    detail: str

    def to_dict(self) -> dict:
        """``position``, ``source``, ``offset``, ``reason``, ``detail``, ``raw``: the dead-letter record."""
        m = self.message
        return {
            "position": m.position,
            "source": m.source,
            "offset": m.offset,
            "reason": self.reason,
            "detail": self.detail,
            "raw": m.raw_text(),
        }


@dataclass(frozen=True)
class Alarm:
    """One alarm read from a message (the columns of ``alarms.csv``)."""

    time: float
    device: str
    alarm_type: str
    severity: str | None
    link_id: str | None
    message: str | None
    position: str
    extra: tuple[tuple[str, str], ...] = field(default=())

    @property
    def key(self) -> tuple:
        """What makes two alarms duplicates (as the file reader: every column of the format)."""
        return (self.time, self.device, self.alarm_type, self.severity, self.link_id, self.message)


@dataclass(frozen=True)
class Sample:
    """One metrics sample read from a message (the columns of ``metrics.csv``)."""

    time: float
    entity: str
    metric: str
    value: float
    position: str


@dataclass(frozen=True)
class Heartbeat:
    """A message that only says what time it is (``{"type": "heartbeat", "timestamp": ...}``).

    A feed with nothing to report sends one now and then (NMS keep-alives);
    ``rca replay`` sends one at its end. It moves the watcher's event time
    on, so incidents settle without waiting for the wall-clock backstop.
    """

    time: float
    position: str


def parse_time(value: object) -> float:
    """A timestamp as epoch seconds: ISO 8601 (no zone means UTC) or an epoch number in s, ms, us or ns.

    The rule of the file readers (:mod:`rca._time`), for one value: a
    number is read in the unit that puts it in 1990-2100. Relative times
    have no meaning on a live stream and are refused.

    Raises
    ------
    BadMessage
        ``bad_timestamp``, saying why.

    Examples
    --------
    >>> parse_time("2026-03-01T10:00:00Z"), parse_time(1772359200000), parse_time("1772359200.5")
    (1772359200.0, 1772359200.0, 1772359200.5)
    >>> parse_time("12")
    Traceback (most recent call last):
    ...
    rca.stream._message.BadMessage: timestamp '12' is outside 1990-2100 in every epoch unit (s, ms, us, ns)
    """
    if isinstance(value, bool) or value is None:
        raise BadMessage(
            "bad_timestamp", f"timestamp {value!r} is neither ISO 8601 nor an epoch number"
        )
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        text = str(value).strip()[:64]
        if not text:
            raise BadMessage("missing_field", "empty timestamp")
        try:
            number = float(text)
        except ValueError:
            return _parse_iso(text)
    if not math.isfinite(number):
        raise BadMessage("bad_timestamp", f"timestamp {value!r} is not a finite number")
    for factor, _ in _UNITS:
        seconds = number / factor
        if EARLIEST <= seconds < LATEST:
            return seconds
    raise BadMessage(
        "bad_timestamp",
        f"timestamp {str(value)[:64]!r} is outside 1990-2100 in every epoch unit (s, ms, us, ns)",
    )


def _parse_iso(text: str) -> float:
    try:
        stamp = datetime.fromisoformat(
            text.replace("Z", "+00:00") if text.endswith(("Z", "z")) else text
        )
    except ValueError:
        try:
            import pandas as pd

            ts = pd.Timestamp(text)
            stamp = ts.to_pydatetime()
        except (ValueError, TypeError, OverflowError):
            raise BadMessage(
                "bad_timestamp", f"timestamp {text!r} is neither ISO 8601 nor an epoch number"
            ) from None
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=timezone.utc)
    seconds = stamp.timestamp()
    if not EARLIEST <= seconds < LATEST:
        raise BadMessage("bad_timestamp", f"timestamp {text!r} is a date outside 1990-2100")
    return seconds


def _text(fields: Mapping[str, Any], name: str, limit: int) -> str | None:
    value = fields.get(name)
    if value is None:
        return None
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    elif isinstance(value, float) and math.isnan(value):
        return None
    elif not isinstance(value, str):
        value = json.dumps(value) if isinstance(value, (dict, list)) else str(value)
    value = value.strip()
    if not value:
        return None
    return sys.intern(value[:limit]) if limit <= MAX_ID_CHARS else value[:limit]


def _required(fields: Mapping[str, Any], name: str, limit: int) -> str:
    value = _text(fields, name, limit)
    if value is None:
        raise BadMessage("missing_field", f"missing or empty field {name!r}")
    return value


def read_record(message: Message) -> Alarm | Sample | Heartbeat:
    """The alarm, sample or heartbeat a message holds.

    A sample has ``metric`` and no ``alarm_type``; a heartbeat has ``type``
    = ``heartbeat`` and a timestamp.

    Parameters
    ----------
    message : Message

    Returns
    -------
    Alarm, Sample or Heartbeat
        Text stripped and capped (ids at :data:`rca.limits.MAX_ID_CHARS`,
        the message and extra fields at :data:`rca.limits.MAX_TEXT_CHARS`),
        severity in lower case; ``time`` also stands for ``timestamp``.

    Raises
    ------
    BadMessage
        The record could not be read, a required field is missing or
        empty, the timestamp or value cannot be read.

    Examples
    --------
    >>> m = Message("alarms", "1-0", {"timestamp": "2026-03-01T10:00:00Z", "device": " R7 ",
    ...                               "alarm_type": "LINK_DOWN", "severity": "MAJOR"})
    >>> a = read_record(m)
    >>> a.device, a.severity, a.position
    ('R7', 'major', 'alarms#1-0')
    >>> read_record(Message("alarms", "2-0", {"timestamp": "2026-03-01T10:00:00Z", "alarm_type": "LOS"}))
    Traceback (most recent call last):
    ...
    rca.stream._message.BadMessage: missing or empty field 'device'
    """
    fields = message.fields
    if fields is None:
        raise BadMessage("unreadable", message.error or "the record could not be read")
    if not isinstance(fields, Mapping):
        raise BadMessage("unreadable", f"expected an object of fields, got {type(fields).__name__}")
    if len(fields) > MAX_FIELDS:
        raise BadMessage("unreadable", f"{len(fields)} fields; at most {MAX_FIELDS} are read")
    stamp = fields.get("timestamp", fields.get("time"))
    if stamp is None or (isinstance(stamp, str) and not stamp.strip()):
        raise BadMessage("missing_field", "missing or empty field 'timestamp'")
    if fields.get("type") == "heartbeat" and "alarm_type" not in fields:
        return Heartbeat(parse_time(stamp), message.position)
    if "alarm_type" not in fields and "metric" in fields:
        entity = _required(fields, "entity", MAX_ID_CHARS)
        metric = _required(fields, "metric", MAX_ID_CHARS)
        raw = fields.get("value")
        try:
            value = float(raw)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise BadMessage("bad_value", f"value {str(raw)[:64]!r} is not a number") from None
        if not math.isfinite(value):
            raise BadMessage("bad_value", f"value {str(raw)[:64]!r} is not a finite number")
        return Sample(parse_time(stamp), entity, metric, value, message.position)
    device = _required(fields, "device", MAX_ID_CHARS)
    alarm_type = _required(fields, "alarm_type", MAX_ID_CHARS)
    severity = _text(fields, "severity", MAX_ID_CHARS)
    extra = tuple(
        (str(k)[:MAX_ID_CHARS], _text(fields, k, MAX_TEXT_CHARS) or "")
        for k in fields
        if k not in ALARM_FIELDS and k != "time"
    )
    return Alarm(
        parse_time(stamp),
        device,
        alarm_type,
        severity.lower() if severity else None,
        _text(fields, "link_id", MAX_ID_CHARS),
        _text(fields, "message", MAX_TEXT_CHARS),
        message.position,
        extra,
    )
