"""Atomic file writes: a reader sees the old file or the new one, never half.

The temp file beside the target holds the whole new content (an export
holds private notes), so it is created 0600 and locked while it is written:
a temp file nobody holds a lock on was left by a killed writer, and the next
write into that folder removes it.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
from pathlib import Path

TEMP_MARK = ".papers-"
TEMP_SUFFIX = ".tmp"
PRIVATE = 0o600


def temp_name(path: Path) -> Path:
    """A fresh hidden temp file name beside `path`: `.NAME.papers-XXXXXXXX.tmp`."""
    return path.with_name(f".{path.name}{TEMP_MARK}{secrets.token_hex(4)}{TEMP_SUFFIX}")


def is_temp_name(name: str) -> bool:
    return name.startswith(".") and name.endswith(TEMP_SUFFIX) and TEMP_MARK in name


def remove_stale_temps(folder: Path) -> list[Path]:
    """Remove our temp files in `folder` that no live writer holds; returns them."""
    removed: list[Path] = []
    try:
        names = [entry.name for entry in os.scandir(folder) if is_temp_name(entry.name)]
    except OSError:
        return removed
    for name in names:
        candidate = folder / name
        try:
            fd = os.open(candidate, os.O_RDONLY | os.O_NOFOLLOW)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            continue  # a live writer holds it
        try:
            candidate.unlink()
            removed.append(candidate)
        except OSError:
            pass
        finally:
            os.close(fd)
    return removed


def _open_locked_temp(path: Path) -> tuple[int, Path]:
    """Create and lock a new temp file. If a cleaner removed it between the
    create and the lock, make another."""
    while True:
        temp = temp_name(path)
        fd = os.open(temp, os.O_CREAT | os.O_EXCL | os.O_WRONLY | os.O_NOFOLLOW, PRIVATE)
        fcntl.flock(fd, fcntl.LOCK_EX)
        if os.fstat(fd).st_nlink > 0:
            return fd, temp
        os.close(fd)


def write_atomic(path: Path, data: str | bytes, mode: int = PRIVATE) -> None:
    """Write to a locked temp file beside `path`, fsync it, then rename it over.

    `mode` is the file's final permission (0600 unless the caller asks).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temps(path.parent)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, temp = _open_locked_temp(path)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
            os.chmod(temp, mode)
            os.replace(temp, path)  # while still locked: no cleaner can take it
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
