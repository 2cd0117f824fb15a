"""The limits netrca enforces on its input, declared in one place.

Operator exports are untrusted: a field can be a megabyte long, a timestamp
can be in any unit, a model file can ask for a layer of any width. Each
limit below is checked *before* the work or the memory it bounds is spent,
and input beyond a limit is refused or repaired with a report, never
silently truncated or guessed.

Text fields (read by :mod:`rca._csv`)
    ``MAX_ID_CHARS`` for the id and type columns of the incident format
    (``device``, ``alarm_type``, ``link_id``, ``node_id``...);
    ``MAX_TEXT_CHARS`` for every other column (``message`` and extra
    columns). Longer values are cut to the limit and reported
    (``field_too_long``, action ``repaired``). A CSV record the :mod:`csv`
    module itself refuses (a field over its own limit of 131,072
    characters) is skipped and reported.

Timestamps (read by :mod:`rca._time`)
    Epoch numbers are read in the unit (seconds, milliseconds, microseconds
    or nanoseconds) that puts them between ``EARLIEST`` and ``LATEST``; a
    number that is plausible in no unit, a non-finite number, and an ISO
    8601 date outside the range are refused (the row is reported).

Model files (read by :mod:`rca.gnn`)
    A file larger than ``MAX_MODEL_FILE_BYTES`` is refused before it is
    read; a configuration asking for more than ``MAX_MODEL_WIDTH`` units in
    a layer, ``MAX_MODEL_DEPTH`` layers or rounds, or ``MAX_MODEL_WINDOW``
    time steps is refused before any module is built, and the tensors of
    the file must have the shapes the configuration implies (checked
    without allocating them).

Examples
--------
>>> from rca import limits
>>> limits.MAX_ID_CHARS, limits.EARLIEST_YEAR, limits.LATEST_YEAR
(1024, 1990, 2100)
"""

from __future__ import annotations

__all__ = [
    "MAX_ID_CHARS",
    "MAX_TEXT_CHARS",
    "ID_COLUMNS",
    "EARLIEST_YEAR",
    "LATEST_YEAR",
    "EARLIEST",
    "LATEST",
    "MAX_MODEL_FILE_BYTES",
    "MAX_MODEL_WIDTH",
    "MAX_MODEL_DEPTH",
    "MAX_MODEL_WINDOW",
]

#: Longest id or type value kept (characters): node, link and site ids,
#: alarm types, severities, metric names.
MAX_ID_CHARS = 1024

#: Longest free-text value kept (characters): alarm messages, extra columns.
MAX_TEXT_CHARS = 16384

#: Columns of the incident format held to :data:`MAX_ID_CHARS`.
ID_COLUMNS = frozenset(
    {
        "node_id",
        "node_type",
        "site",
        "layer",
        "link_id",
        "source",
        "target",
        "link_type",
        "device",
        "alarm_type",
        "severity",
        "entity",
        "metric",
    }
)

#: Plausible years of an alarm or a sample (inclusive start, exclusive end).
EARLIEST_YEAR = 1990
LATEST_YEAR = 2100

#: :data:`EARLIEST_YEAR` and :data:`LATEST_YEAR` as epoch seconds (UTC).
EARLIEST = 631_152_000.0  # 1990-01-01T00:00:00Z
LATEST = 4_102_444_800.0  # 2100-01-01T00:00:00Z

#: Largest model file read (bytes). The shipped models are below 1 MB.
MAX_MODEL_FILE_BYTES = 64 * 1024 * 1024

#: Widest layer a model file may ask for (hidden units).
MAX_MODEL_WIDTH = 1024

#: Most layers, message-passing iterations or rounds a model file may ask for.
MAX_MODEL_DEPTH = 32

#: Longest input window or forecast horizon a model file may ask for (time steps).
MAX_MODEL_WINDOW = 4096
