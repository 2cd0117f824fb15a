"""Reader for the Graph Neural Networking Challenge 2023 real-network measurements.

The data set (``gnnet-2023-realnet`` in the data home) holds measurements
from a real testbed network released by BNN-UPC for the 2023 challenge
("creating a network digital twin with real network data"), as gzipped
JSON lines, one file per traffic family and cross-validation fold:
``<family>_fold<k>.jsonl.gz`` with family ``cbr_mb`` (constant bit rate and
multi-burst flows) or ``mb`` (multi-burst only) and ``k`` in 0-4. Each line
is one measured sample:

``sample`` (source tarball), ``sample_id``, ``flow_id[]`` (``"<src>_<dst>_<n>"``),
``flow_traffic_bps[]``, ``flow_packets[]`` (packets per second),
``flow_packet_size[]`` (bits), ``flow_type[]`` (``[1, 0]`` constant bit
rate, ``[0, 1]`` multi-burst), ``flow_links[][]`` (link indices in path
order), ``link_capacity[]`` (Gbit/s, as the challenge's converter wrote it)
and ``flow_mean_delay[]`` (milliseconds; the label).

:func:`load_gnnet2023` yields :class:`Gnnet2023Sample` objects in the form
the congestion predictor reads (:class:`rca.gnn.NetworkSample`), in the
same units as :func:`rca.datasets.load_gnnet`: capacities and traffic in
bits per second, packet sizes in bits, delays in seconds. The testbed does
not publish its buffer sizes: ``queue_size`` is NaN (unknown).
"""

from __future__ import annotations

import gzip
import json
import logging
import math
import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rca.errors import InputError

from ._home import find_in_data_home

__all__ = [
    "GNNET2023_FAMILIES",
    "GNNET2023_FOLDS",
    "Gnnet2023Sample",
    "find_gnnet2023_files",
    "is_gnnet2023",
    "load_gnnet2023",
]

logger = logging.getLogger(__name__)

GNNET2023_FAMILIES = ("cbr_mb", "mb")
"""The two traffic families: constant bit rate and multi-burst flows, and multi-burst only."""

GNNET2023_FOLDS = 5
"""The challenge's cross-validation folds, numbered 0-4."""

_FILE = re.compile(r"^(?P<family>[a-z_]+)_fold(?P<fold>\d+)\.jsonl(?:\.gz)?$")
_FLOW_KEYS = (
    "flow_id",
    "flow_traffic_bps",
    "flow_packets",
    "flow_packet_size",
    "flow_type",
    "flow_links",
    "flow_mean_delay",
)
_KEYS = ("sample", "sample_id", *_FLOW_KEYS, "link_capacity")
_GBPS = 1e9
_MS = 1e-3


@dataclass(frozen=True)
class Gnnet2023Sample:
    """One measured sample of the real testbed network.

    Attributes
    ----------
    name : str
        ``<file>:<line>``, unique within the data set.
    family : str
        ``"cbr_mb"`` or ``"mb"``.
    fold : int
        The challenge's cross-validation fold (0-4).
    source : str
        The challenge's result tarball the sample came from, and
    sample_id : int
        its number there.
    links : pandas.DataFrame
        One row per link, indexed by ``link_id`` (the link's index in the
        sample, as a string). Columns ``capacity_bps`` and ``queue_size``
        (NaN: the testbed's buffers are not published).
    paths : pandas.DataFrame
        One row per measured flow, in file order. Columns ``flow_id``,
        ``source``, ``target`` (int, from the flow id), ``route`` (tuple of
        link ids in path order), ``traffic_bps``, ``packets_per_s``,
        ``avg_packet_size`` (bits), ``flow_type`` (``"cbr"`` or ``"mb"``)
        and the label ``delay`` (mean per-packet delay, seconds).
    """

    name: str
    family: str
    fold: int
    source: str
    sample_id: int
    links: pd.DataFrame = field(repr=False)
    paths: pd.DataFrame = field(repr=False)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able summary (name, family, fold and sizes)."""
        return {
            "name": self.name,
            "family": self.family,
            "fold": self.fold,
            "source": self.source,
            "sample_id": self.sample_id,
            "n_links": len(self.links),
            "n_paths": len(self.paths),
        }


def is_gnnet2023(path: str | Path) -> bool:
    """Whether ``path`` is a file of the 2023 layout, or a folder holding some.

    Examples
    --------
    >>> is_gnnet2023("cbr_mb_fold0.jsonl.gz")
    True
    >>> is_gnnet2023("results_30_400-2000_0_24.tar.gz")
    False
    """
    p = Path(path)
    if p.is_dir():
        return any(_FILE.match(f.name) for f in p.iterdir() if f.is_file())
    return bool(_FILE.match(p.name))


def find_gnnet2023_files(
    path: str | Path = "gnnet-2023-realnet",
    *,
    family: str | Iterable[str] | None = None,
    folds: int | Iterable[int] | None = None,
    data_home: str | Path | None = None,
) -> list[tuple[str, int, Path]]:
    """The ``(family, fold, file)`` triples of the 2023 layout at ``path``, in family then fold order.

    Parameters
    ----------
    path : str or Path, default "gnnet-2023-realnet"
        The folder of ``<family>_fold<k>.jsonl.gz`` files (or its name in
        the data home), or one such file.
    family : str or iterable of str, optional
        Keep these families only (``"cbr_mb"``, ``"mb"``).
    folds : int or iterable of int, optional
        Keep these folds only.
    data_home : str or Path, optional
        See :func:`~rca.datasets.get_data_home`.

    Raises
    ------
    rca.errors.InputError
        ``path`` is absent, holds no such file, a family or fold asked for
        is unknown or absent.
    """
    root = find_in_data_home(path, data_home=data_home)
    families = _as_set(family, GNNET2023_FAMILIES, "family", str)
    wanted = _as_set(folds, tuple(range(GNNET2023_FOLDS)), "fold", int)
    candidates = [root] if root.is_file() else sorted(p for p in root.iterdir() if p.is_file())
    found = []
    for p in candidates:
        m = _FILE.match(p.name)
        if m is None:
            if root.is_file():
                raise InputError(
                    "expected a file named <family>_fold<k>.jsonl.gz (family cbr_mb or mb)", file=p
                )
            continue
        fam, fold = m.group("family"), int(m.group("fold"))
        if fam not in GNNET2023_FAMILIES:
            raise InputError(
                f"unknown traffic family {fam!r}; expected one of {list(GNNET2023_FAMILIES)}",
                file=p,
            )
        if (families is None or fam in families) and (wanted is None or fold in wanted):
            found.append((fam, fold, p))
    if not found:
        asked = (
            ""
            if families is None and wanted is None
            else f" for family {family!r}, folds {folds!r}"
        )
        raise InputError(
            f"no <family>_fold<k>.jsonl.gz file (GNNet 2023 real-network layout){asked}", file=root
        )
    if wanted is not None:
        for fam in sorted({f for f, _, _ in found}):
            missing = sorted(wanted - {k for f, k, _ in found if f == fam})
            if missing:
                raise InputError(f"family {fam!r} lacks fold(s) {missing}", file=root)
    order = {f: i for i, f in enumerate(GNNET2023_FAMILIES)}
    return sorted(found, key=lambda t: (order[t[0]], t[1]))


def _as_set(value: Any, allowed: tuple[Any, ...], what: str, kind: type) -> set[Any] | None:
    if value is None:
        return None
    values = {value} if isinstance(value, (str, int)) else set(value)
    for v in values:
        if not isinstance(v, kind) or isinstance(v, bool) or v not in allowed:
            raise InputError(f"unknown {what} {v!r}; expected one of {list(allowed)}")
    return values


def load_gnnet2023(
    path: str | Path = "gnnet-2023-realnet",
    *,
    family: str | Iterable[str] | None = None,
    folds: int | Iterable[int] | None = None,
    limit: int | None = None,
    data_home: str | Path | None = None,
) -> Iterator[Gnnet2023Sample]:
    """Yield the measured samples of the GNNet 2023 real network.

    Parameters
    ----------
    path : str or Path, default "gnnet-2023-realnet"
        The folder of ``<family>_fold<k>.jsonl.gz`` files, its name in the
        data home, or one such file (``.jsonl`` uncompressed is read too).
    family : str or iterable of str, optional
        ``"cbr_mb"`` and/or ``"mb"``; default both.
    folds : int or iterable of int, optional
        Cross-validation folds (0-4) to read; default all. Training on four
        and validating on the fifth is the challenge's protocol.
    limit : int, optional
        Stop after this many samples.
    data_home : str or Path, optional
        See :func:`~rca.datasets.get_data_home`.

    Yields
    ------
    Gnnet2023Sample
        In family, fold and line order.

    Raises
    ------
    rca.errors.InputError
        No such file, a line that is not JSON or lacks a field, flow fields
        of different lengths, a link index out of range, a capacity that is
        not positive, a negative or non-finite traffic or packet size, an
        unknown flow type, or a delay that is not a positive number. The
        message names the file and the line.

    Examples
    --------
    >>> from rca.datasets import load_gnnet2023
    >>> sample = next(load_gnnet2023(family="mb", folds=0))   # doctest: +SKIP
    >>> sample.paths[["flow_id", "traffic_bps", "flow_type", "delay"]].head()  # doctest: +SKIP
    """
    count = 0
    for fam, fold, file in find_gnnet2023_files(
        path, family=family, folds=folds, data_home=data_home
    ):
        for lineno, record in _records(file):
            yield _make_sample(record, fam, fold, file, lineno)
            count += 1
            if limit is not None and count >= limit:
                return


def _records(file: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    opener = gzip.open if file.name.endswith(".gz") else open
    try:
        with opener(file, "rt", encoding="utf-8") as handle:
            for lineno, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise InputError(
                        f"not a JSON object: {exc.msg} at column {exc.colno}",
                        file=file,
                        line=lineno,
                    ) from None
                if not isinstance(record, dict):
                    raise InputError(
                        f"expected a JSON object, found {type(record).__name__}",
                        file=file,
                        line=lineno,
                    )
                yield lineno, record
    except (OSError, EOFError, UnicodeDecodeError, zlib.error) as exc:
        raise InputError(f"cannot read the file: {exc}", file=file) from exc


def _numbers(record: dict[str, Any], key: str, file: Path, line: int) -> np.ndarray:
    try:
        values = np.asarray(record[key], dtype=float)
    except (TypeError, ValueError):
        raise InputError(f"{key}: expected a list of numbers", file=file, line=line) from None
    if values.ndim != 1:
        raise InputError(
            f"{key}: expected a flat list of numbers, found shape {values.shape}",
            file=file,
            line=line,
        )
    return values


def _make_sample(
    record: dict[str, Any], family: str, fold: int, file: Path, line: int
) -> Gnnet2023Sample:
    missing = [k for k in _KEYS if k not in record]
    if missing:
        raise InputError(f"lacks field(s) {missing}", file=file, line=line)
    n_flows = len(record["flow_id"]) if isinstance(record["flow_id"], list) else -1
    for key in _FLOW_KEYS:
        value = record[key]
        if not isinstance(value, list) or len(value) != n_flows:
            found = len(value) if isinstance(value, list) else type(value).__name__
            raise InputError(
                f"{key}: expected a list of one entry per flow ({n_flows} in flow_id), found {found}",
                file=file,
                line=line,
            )
    if n_flows == 0:
        raise InputError("the sample has no flows", file=file, line=line)
    cap = _numbers(record, "link_capacity", file, line)
    if cap.size == 0 or not np.all(np.isfinite(cap) & (cap > 0)):
        bad = int(np.flatnonzero(~(np.isfinite(cap) & (cap > 0)))[0]) if cap.size else None
        raise InputError(
            f"link_capacity must be positive numbers (Gbit/s); link {bad} has "
            f"{cap[bad] if bad is not None else 'none'}",
            file=file,
            line=line,
        )
    traffic = _numbers(record, "flow_traffic_bps", file, line)
    packets = _numbers(record, "flow_packets", file, line)
    size = _numbers(record, "flow_packet_size", file, line)
    delay = _numbers(record, "flow_mean_delay", file, line)
    for key, values, positive in (
        ("flow_traffic_bps", traffic, False),
        ("flow_packets", packets, False),
        ("flow_packet_size", size, True),
    ):
        ok = np.isfinite(values) & ((values > 0) if positive else (values >= 0))
        if not ok.all():
            i = int(np.flatnonzero(~ok)[0])
            need = "positive" if positive else "non-negative"
            raise InputError(
                f"{key} of flow {i} ({record['flow_id'][i]!r}) must be a {need} number, "
                f"found {values[i]}",
                file=file,
                line=line,
            )
    ok = np.isfinite(delay) & (delay > 0)
    if not ok.all():
        i = int(np.flatnonzero(~ok)[0])
        raise InputError(
            f"flow_mean_delay of flow {i} ({record['flow_id'][i]!r}) must be a positive number "
            f"(milliseconds), found {delay[i]}",
            file=file,
            line=line,
        )
    n_links = cap.size
    routes = []
    for i, links in enumerate(record["flow_links"]):
        if (
            not isinstance(links, list)
            or not links
            or not all(isinstance(x, int) and not isinstance(x, bool) for x in links)
        ):
            raise InputError(
                f"flow_links of flow {i} ({record['flow_id'][i]!r}): expected a non-empty list of "
                f"link indices, found {links!r}",
                file=file,
                line=line,
            )
        if min(links) < 0 or max(links) >= n_links:
            raise InputError(
                f"flow_links of flow {i} ({record['flow_id'][i]!r}) uses link "
                f"{max(links) if max(links) >= n_links else min(links)}; the sample has links "
                f"0-{n_links - 1}",
                file=file,
                line=line,
            )
        routes.append(tuple(str(x) for x in links))
    types = []
    for i, t in enumerate(record["flow_type"]):
        if t == [1, 0]:
            types.append("cbr")
        elif t == [0, 1]:
            types.append("mb")
        else:
            raise InputError(
                f"flow_type of flow {i} ({record['flow_id'][i]!r}): expected [1, 0] (constant bit "
                f"rate) or [0, 1] (multi-burst), found {t!r}",
                file=file,
                line=line,
            )
    ends = []
    for i, fid in enumerate(record["flow_id"]):
        parts = str(fid).split("_")
        try:
            ends.append((int(parts[0]), int(parts[1])))
        except (IndexError, ValueError):
            raise InputError(
                f"flow_id of flow {i}: expected '<source>_<target>_<n>', found {fid!r}",
                file=file,
                line=line,
            ) from None
    try:
        sample_id = int(record["sample_id"])
    except (TypeError, ValueError):
        raise InputError(
            f"sample_id: expected an integer, found {record['sample_id']!r}", file=file, line=line
        ) from None
    links = pd.DataFrame(
        {"capacity_bps": cap * _GBPS, "queue_size": np.full(n_links, math.nan)},
        index=pd.Index([str(i) for i in range(n_links)], name="link_id"),
    )
    paths = pd.DataFrame(
        {
            "flow_id": [str(f) for f in record["flow_id"]],
            "source": [s for s, _ in ends],
            "target": [t for _, t in ends],
            "route": routes,
            "traffic_bps": traffic,
            "packets_per_s": packets,
            "avg_packet_size": size,
            "flow_type": types,
            "delay": delay * _MS,
        }
    )
    return Gnnet2023Sample(
        name=f"{file}:{line}",
        family=family,
        fold=fold,
        source=str(record["sample"]),
        sample_id=sample_id,
        links=links,
        paths=paths,
    )
