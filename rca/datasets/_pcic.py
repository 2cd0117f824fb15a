"""Reader for the PCIC 2021 / NeurIPS 2023 alarm causal-discovery format.

A folder holds ``Alarm.csv`` (``alarm_id, device_id, start_timestamp,
end_timestamp``, integer seconds), the true graph ``DAG.npy`` (``[i, j] = 1``:
alarm ``i`` causes alarm ``j``) and, for some data sets, the device adjacency
``Topology.npy``. The NeurIPS 2023 competition uses lower-case names
(``alarm.csv``, ``true_graph.npy``, ``topology.npy``) and adds
``causal_prior.npy`` (1 known edge, 0 known non-edge, -1 unknown).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from rca.alarms import AlarmLog
from rca.errors import InputError, SchemaError
from rca.topology import Topology

from ._home import find_in_data_home

__all__ = ["PCICDataset", "load_pcic"]

logger = logging.getLogger(__name__)

_COLUMNS = ("alarm_id", "device_id", "start_timestamp", "end_timestamp")
_NAMES = {
    "alarms": ("Alarm.csv", "alarm.csv"),
    "dag": ("DAG.npy", "true_graph.npy", "dag.npy"),
    "topology": ("Topology.npy", "topology.npy"),
    "prior": ("causal_prior.npy", "Causal_prior.npy"),
}


@dataclass(frozen=True)
class PCICDataset:
    """One PCIC-format alarm data set.

    Attributes
    ----------
    name : str
        The folder name.
    alarms : AlarmLog
        ``alarm_type`` is the alarm id and ``device`` the device id, both as
        strings (``"0"``, ``"1"``, ...); ``time`` is the start timestamp and
        the extra column ``end_time`` the end timestamp.
    topology : Topology or None
        Devices ``"0" .. "n-1"`` and their links, when ``Topology.npy`` exists.
    true_graph : pandas.DataFrame or None
        0/1 adjacency labelled by alarm id, ``[i, j] = 1`` meaning ``i -> j``.
    prior : pandas.DataFrame or None
        Prior knowledge, same labels: 1 known edge, 0 known non-edge, -1 unknown.
    alarm_ids : tuple of str
        Every alarm id of the data set (the true graph's labels, or the ids seen).
    """

    name: str
    alarms: AlarmLog
    topology: Topology | None = None
    true_graph: pd.DataFrame | None = None
    prior: pd.DataFrame | None = None
    alarm_ids: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, object]:
        """Summary counts."""
        return {
            "name": self.name,
            "events": len(self.alarms),
            "alarm_types": len(self.alarm_ids),
            "devices": int(self.alarms.frame["device"].nunique()),
            "topology_links": None if self.topology is None else self.topology.n_links,
            "true_edges": None
            if self.true_graph is None
            else int(self.true_graph.to_numpy().sum()),
        }

    def to_frame(self) -> pd.DataFrame:
        """The events as ``time, end_time, device, alarm_type``."""
        return self.alarms.frame[["time", "end_time", "device", "alarm_type"]].copy()


def _find(folder: Path, kind: str) -> Path | None:
    for name in _NAMES[kind]:
        if (folder / name).is_file():
            return folder / name
    return None


def _read_alarms(path: Path) -> pd.DataFrame:
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True)
    except pd.errors.EmptyDataError:
        raise InputError(
            "the file is empty; expected a header " + ",".join(_COLUMNS), file=path, line=1
        ) from None
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise InputError(f"not a readable CSV file ({exc})", file=path) from None
    raw.columns = [str(c).strip() for c in raw.columns]
    missing = [c for c in _COLUMNS if c not in raw.columns]
    if missing:
        raise SchemaError(
            f"missing column(s) {missing}; expected {list(_COLUMNS)}, found {list(raw.columns)}",
            file=path,
            line=1,
            column=missing[0],
        )
    if raw.empty:
        raise InputError("no alarm rows after the header", file=path, line=2)
    out = {}
    for col in _COLUMNS:
        text = raw[col].astype(str).str.strip()
        num = pd.to_numeric(text, errors="coerce")
        bad = num.isna().to_numpy() | ~np.isfinite(num.to_numpy(dtype=float, na_value=np.nan))
        if not bad.any():
            bad = num.to_numpy(dtype=float) != np.round(num.to_numpy(dtype=float))
        if bad.any():
            pos = int(np.argmax(bad))
            raise InputError(
                f"expected an integer, found {text.iloc[pos]!r}",
                file=path,
                line=pos + 2,
                column=col,
            )
        values = num.to_numpy(dtype=float)
        if col in ("alarm_id", "device_id") and (values < 0).any():
            pos = int(np.argmax(values < 0))
            raise InputError(
                f"ids must be non-negative, found {text.iloc[pos]!r}",
                file=path,
                line=pos + 2,
                column=col,
            )
        out[col] = values.astype(np.int64)
    frame = pd.DataFrame(out)
    frame["line"] = np.arange(2, len(frame) + 2)
    return frame


def _read_matrix(path: Path, *, values: tuple[float, ...], square: bool = True) -> np.ndarray:
    try:
        mat = np.load(path, allow_pickle=False)
    except ValueError as exc:
        raise InputError(f"not a plain numeric .npy array ({exc})", file=path) from None
    except (OSError, EOFError) as exc:
        raise InputError(f"not a readable .npy file ({exc})", file=path) from None
    if mat.ndim != 2 or (square and mat.shape[0] != mat.shape[1]):
        raise InputError(f"expected a square 2-d matrix, found shape {mat.shape}", file=path)
    if not np.issubdtype(mat.dtype, np.number) and mat.dtype != bool:
        raise InputError(f"expected a numeric matrix, found dtype {mat.dtype}", file=path)
    bad = ~np.isin(mat.astype(float), values)
    if bad.any():
        i, j = (int(x) for x in np.argwhere(bad)[0])
        raise InputError(
            f"entry [{i}, {j}] is {mat[i, j]!r}; expected one of {list(values)}",
            file=path,
            node=str(i),
        )
    return mat.astype(np.int64)


def load_pcic(path: str | Path, *, data_home: str | Path | None = None) -> PCICDataset:
    """Read a PCIC-format alarm data set folder.

    Parameters
    ----------
    path : str or Path
        A folder with ``Alarm.csv`` (or ``alarm.csv``), optionally ``DAG.npy``
        (or ``true_graph.npy``), ``Topology.npy`` (or ``topology.npy``) and
        ``causal_prior.npy``; or its path inside the data home
        (``"huawei-alarms/18V_55N_Wireless"``).
    data_home : str or Path, optional
        See :func:`~rca.datasets.get_data_home`.

    Returns
    -------
    PCICDataset

    Raises
    ------
    InputError
        No such folder (here or in the data home), a missing alarm file, a non-integer or negative value (with its file,
        line and column), a matrix that is not square or not 0/1, an alarm id
        outside the true graph, a device outside the topology.
    SchemaError
        A missing column in the alarm file.

    Examples
    --------
    >>> ds = load_pcic("huawei-alarms/18V_55N_Wireless")  # doctest: +SKIP
    >>> ds.to_dict()["true_edges"]  # doctest: +SKIP
    69
    """
    folder = find_in_data_home(path, data_home=data_home)
    if not folder.is_dir():
        raise InputError("expected a folder holding Alarm.csv (PCIC format)", file=folder)
    alarm_file = _find(folder, "alarms")
    if alarm_file is None:
        raise InputError(f"no alarm file; expected one of {list(_NAMES['alarms'])}", file=folder)
    raw = _read_alarms(alarm_file)
    back = raw["end_timestamp"] < raw["start_timestamp"]
    if back.any():
        logger.warning("%s: %d rows end before they start (kept)", alarm_file, int(back.sum()))

    dag_file, topo_file, prior_file = (
        _find(folder, "dag"),
        _find(folder, "topology"),
        _find(folder, "prior"),
    )
    true_graph = prior = None
    n_types = int(raw["alarm_id"].max()) + 1
    if dag_file is not None:
        dag = _read_matrix(dag_file, values=(0, 1))
        if dag.shape[0] < n_types:
            pos = int(np.argmax(raw["alarm_id"].to_numpy() >= dag.shape[0]))
            raise InputError(
                f"alarm id {raw['alarm_id'].iloc[pos]} is outside the {dag.shape[0]}x{dag.shape[0]} true graph "
                f"{dag_file.name}",
                file=alarm_file,
                line=pos + 2,
                column="alarm_id",
            )
        n_types = dag.shape[0]
        labels = [str(i) for i in range(n_types)]
        np.fill_diagonal(dag, 0)
        true_graph = pd.DataFrame(dag, index=labels, columns=labels)
    labels = [str(i) for i in range(n_types)]
    if prior_file is not None:
        pri = _read_matrix(prior_file, values=(-1, 0, 1))
        if pri.shape[0] != n_types:
            raise InputError(
                f"prior is {pri.shape[0]}x{pri.shape[0]}, expected {n_types}x{n_types}",
                file=prior_file,
            )
        prior = pd.DataFrame(pri, index=labels, columns=labels)

    topology = None
    if topo_file is not None:
        adj = _read_matrix(topo_file, values=(0, 1))
        n_dev = adj.shape[0]
        if int(raw["device_id"].max()) >= n_dev:
            pos = int(np.argmax(raw["device_id"].to_numpy() >= n_dev))
            raise InputError(
                f"device id {raw['device_id'].iloc[pos]} is outside the {n_dev}x{n_dev} topology {topo_file.name}",
                file=alarm_file,
                line=pos + 2,
                column="device_id",
            )
        asym = adj != adj.T
        if asym.any():
            i, j = (int(x) for x in np.argwhere(asym)[0])
            logger.warning(
                "%s: adjacency is not symmetric (e.g. [%d, %d]); links taken as undirected",
                topo_file,
                i,
                j,
            )
        sym = (adj | adj.T).astype(bool)
        np.fill_diagonal(sym, False)
        ii, jj = np.nonzero(np.triu(sym, 1))
        nodes = pd.DataFrame({"node_id": [str(i) for i in range(n_dev)]})
        links = pd.DataFrame({"source": [str(i) for i in ii], "target": [str(j) for j in jj]})
        topology = Topology.from_frames(nodes, links, source=str(topo_file))

    frame = pd.DataFrame(
        {
            "time": raw["start_timestamp"].astype("float64"),
            "device": raw["device_id"].astype(str),
            "alarm_type": raw["alarm_id"].astype(str),
            "end_time": raw["end_timestamp"].astype("float64"),
            "line": pd.array(raw["line"], dtype="Int64"),
        }
    )
    alarms = AlarmLog.from_frame(frame, source=str(alarm_file))
    ids = (
        tuple(labels)
        if true_graph is not None
        else tuple(str(i) for i in sorted(raw["alarm_id"].unique()))
    )
    return PCICDataset(
        name=folder.resolve().name,
        alarms=alarms,
        topology=topology,
        true_graph=true_graph,
        prior=prior,
        alarm_ids=ids,
    )
