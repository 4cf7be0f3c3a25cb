"""Watching the dump folders while the app is open: a save made meanwhile
is noticed within a couple of seconds, with no cost while nothing changes
(inotify on Linux, FSEvents on macOS, through `watchfiles`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Protocol

from watchfiles import Change, watch

from .saves.files import SAVE_SUFFIXES

QUIET_MS = 1_000  # a save is written in several steps: wait this long after the last one


def is_save_change(path: str) -> bool:
    """A change that may add, alter or remove a save: a save file, or a
    folder (one moved in or out holds saves). Hidden files (a browser's
    partial download, an editor's swap file) are not saves."""
    name = Path(path).name
    if name.startswith("."):
        return False
    suffix = Path(name).suffix.lower()
    return suffix in SAVE_SUFFIXES or suffix == ""


class StopFlag(Protocol):
    def is_set(self) -> bool: ...


def _filter(_change: Change, path: str) -> bool:
    return is_save_change(path)


def watch_saves(
    locations: Iterable[Path],
    on_change: Callable[[set[Path]], None],
    stop: StopFlag,
) -> None:
    """Call `on_change` with the changed paths each time saves change in
    `locations` (folders, recursively, or single files), until `stop` is
    set. Locations that do not exist are skipped; returns at once if none do."""
    existing = [location for location in locations if location.exists()]
    if not existing:
        return
    for changes in watch(
        *existing,
        watch_filter=_filter,
        debounce=QUIET_MS,
        stop_event=stop,
        raise_interrupt=False,
        rust_timeout=500,  # how often `stop` is looked at
        yield_on_timeout=False,
    ):
        on_change({Path(path) for _change, path in changes})
