"""Writing files atomically: a full disk or a crash never leaves half a file.

Every file netrca writes (reports, incident folders, model files) is
written to a temporary name in the destination folder, flushed to disk, and
renamed over the destination in one step (:func:`os.replace`): a reader sees
the old file or the new one, never a truncated one. A destination that is a
folder or a symbolic link is refused (writing through a link would
overwrite whatever it points at).
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from .errors import InputError

__all__ = ["atomic_open", "atomic_write_text", "atomic_write_bytes", "check_destination"]


def check_destination(path: str | Path) -> Path:
    """Refuse a destination that is a folder or a symbolic link.

    Raises
    ------
    InputError
        ``path`` is an existing folder, or a symbolic link (even a broken one).

    Examples
    --------
    >>> import tempfile
    >>> check_destination(tempfile.mkdtemp())
    Traceback (most recent call last):
    ...
    rca.errors.InputError: ...: expected a file name, found a directory
    """
    path = Path(path)
    if path.is_symlink():
        raise InputError(
            "expected a file name, found a symbolic link; refusing to write through it "
            "(remove the link, or name its target)",
            file=path,
        )
    if path.is_dir():
        raise InputError("expected a file name, found a directory", file=path)
    return path


@contextlib.contextmanager
def atomic_open(
    path: str | Path, mode: str = "w", *, encoding: str | None = "utf-8", newline: str | None = None
) -> Iterator[IO]:
    """Open a temporary file beside ``path``; on success it replaces ``path`` at once.

    Parameters
    ----------
    path : str or Path
        The destination; missing parent folders are created.
    mode : {"w", "wb"}
        Text or binary.
    encoding, newline : str, optional
        As for :func:`open`, text mode only.

    Raises
    ------
    InputError
        The destination is a folder or a symbolic link.
    OSError
        The file could not be written (the destination is then untouched
        and the temporary file removed).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
    >>> with atomic_open(p) as f:
    ...     _ = f.write("done")
    >>> p.read_text()
    'done'
    """
    if mode not in ("w", "wb"):
        raise ValueError(f"mode must be 'w' or 'wb', got {mode!r}")
    path = check_destination(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    # O_EXCL: never follow or reuse anything already at the temporary name;
    # 0o666 & ~umask, as an ordinary open() would give
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        if mode == "wb":
            handle: IO = os.fdopen(fd, "wb")
        else:
            handle = os.fdopen(fd, "w", encoding=encoding, newline=newline)
    except BaseException:
        os.close(fd)
        tmp.unlink(missing_ok=True)
        raise
    try:
        with handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        check_destination(path)  # still not a folder or a link
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def atomic_write_text(path: str | Path, text: str, *, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` atomically (see :func:`atomic_open`); returns ``path``."""
    with atomic_open(path, "w", encoding=encoding, newline="") as handle:
        handle.write(text)
    return Path(path)


def atomic_write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (see :func:`atomic_open`); returns ``path``."""
    with atomic_open(path, "wb") as handle:
        handle.write(data)
    return Path(path)
