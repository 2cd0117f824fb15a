"""Where the public data sets live: the one rule every loader, the tests and the benchmarks ask."""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import InputError

__all__ = ["DATA_HOME_ENV", "get_data_home", "find_in_data_home"]

#: The environment variable that points at the data sets folder.
DATA_HOME_ENV = "NETRCA_SHARED_DATASETS"

#: The source checkout this package was imported from (the folder of ``pyproject.toml``), if it is one.
_CHECKOUT = Path(__file__).resolve().parents[2]


def get_data_home(data_home: str | os.PathLike[str] | None = None) -> Path:
    """The folder that holds the public data sets (``topology-zoo/``, ``huawei-alarms/``, ``gnnet-2021/``...).

    The scikit-learn convention, first match wins:

    1. ``data_home``, when given;
    2. the environment variable ``NETRCA_SHARED_DATASETS``, when set and not empty;
    3. ``../shared/datasets`` beside the source checkout, when ``rca`` is
       imported from a checkout (a folder with ``pyproject.toml``) and that
       folder exists;
    4. ``~/netrca_data``.

    ``~`` is expanded. The folder is not created, and need not exist: the
    loaders say where they looked when a data set is absent.

    Parameters
    ----------
    data_home : str or path-like, optional
        The folder to use, overriding everything else.

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> str(get_data_home("/data/netrca"))
    '/data/netrca'
    """
    if data_home is None:
        data_home = os.environ.get(DATA_HOME_ENV) or None
    if data_home is not None:
        return Path(data_home).expanduser()
    beside = _CHECKOUT.parent / "shared" / "datasets"
    if (_CHECKOUT / "pyproject.toml").is_file() and beside.is_dir():
        return beside
    return Path("~/netrca_data").expanduser()


def find_in_data_home(
    path: str | os.PathLike[str], *, data_home: str | os.PathLike[str] | None = None
) -> Path:
    """``path`` when it exists, else ``path`` inside :func:`get_data_home` when it exists there.

    Lets a loader take either a path or a data set's name relative to the
    data home (``"huawei-alarms/18V_55N_Wireless"``).

    Raises
    ------
    InputError
        Neither exists; the message names both places and how to point at
        the data.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as home:
    ...     (Path(home) / "gnnet-2021").mkdir()
    ...     find_in_data_home("gnnet-2021", data_home=home) == Path(home) / "gnnet-2021"
    True
    """
    given = Path(path).expanduser()
    if given.exists():
        return given
    home = get_data_home(data_home)
    if not given.is_absolute() and (home / given).exists():
        return home / given
    inside = "" if given.is_absolute() else f" nor in the data home {home}"
    raise InputError(
        f"not found here{inside}; pass the data set's path, or set {DATA_HOME_ENV} to the folder that holds it",
        file=given,
    )
