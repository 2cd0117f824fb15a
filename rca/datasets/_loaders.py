"""Readers for data on disk: incident folders and the Internet Topology Zoo."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

from ..errors import InputError
from ..incident import Incident, read_incident
from ..topology import Topology
from ._home import get_data_home

__all__ = ["load_incidents", "load_topology_zoo", "topology_zoo_root"]

logger = logging.getLogger(__name__)


def load_incidents(folder: str | Path) -> Iterator[Incident]:
    """Read every incident folder under ``folder``, in name order.

    A sub-folder counts as an incident when it holds ``alarms.csv``;
    ``folder`` itself may also be one incident.

    Raises
    ------
    InputError
        ``folder`` is not a directory, or holds no incident.

    Examples
    --------
    >>> import tempfile
    >>> from rca.datasets import make_incidents
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     for inc in make_incidents(2, size="small", random_state=0):
    ...         _ = inc.write(Path(tmp) / inc.name)
    ...     [inc.name for inc in load_incidents(tmp)]
    ['incident-0001', 'incident-0002']
    """
    root = Path(folder)
    if not root.is_dir():
        raise InputError("not a folder of incidents (expected a directory)", file=root)
    if (root / "alarms.csv").is_file():
        yield read_incident(root)
        return
    subs = sorted(p for p in root.iterdir() if p.is_dir() and (p / "alarms.csv").is_file())
    if not subs:
        raise InputError("no incident folders (sub-folders with alarms.csv) found", file=root)
    for sub in subs:
        yield read_incident(sub)


def topology_zoo_root(root: str | Path | None = None) -> Path:
    """Where the Topology Zoo GraphML files are looked for.

    ``root`` when given, else ``topology-zoo`` in the data home
    (:func:`~rca.datasets.get_data_home`).
    """
    if root is not None:
        return Path(root)
    return get_data_home() / "topology-zoo"


def load_topology_zoo(name_or_path: str | Path, *, root: str | Path | None = None) -> Topology:
    """Read one network of the Internet Topology Zoo.

    Parameters
    ----------
    name_or_path : str or Path
        A network name (``"Abilene"``, case-insensitive, with or without
        ``.graphml``) or the path of a GraphML file.
    root : str or Path, optional
        The folder of GraphML files; see :func:`topology_zoo_root`.

    Raises
    ------
    InputError
        The file or the folder is absent (the message says where it looked
        and how to point there), or the file is not GraphML.
    """
    path = Path(name_or_path)
    if path.suffix.lower() == ".graphml" and path.is_file():
        return Topology.read_graphml(path)
    folder = topology_zoo_root(root)
    if not folder.is_dir():
        raise InputError(
            "the Topology Zoo folder is absent; pass root=... or set NETRCA_SHARED_DATASETS "
            "to the folder that holds topology-zoo/",
            file=folder,
        )
    stem = path.name[: -len(".graphml")] if path.name.lower().endswith(".graphml") else path.name
    matches = sorted(p for p in folder.glob("*.graphml") if p.stem.lower() == stem.lower())
    if not matches:
        raise InputError(f"no network named {stem!r} in the Topology Zoo folder", file=folder)
    return Topology.read_graphml(matches[0])
