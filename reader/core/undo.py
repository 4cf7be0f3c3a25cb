"""Undo of the user's explicit changes: star, unstar, seen, unseen, notes.

The app records each change it made (after the store committed it) and undo
puts back what was there before, as a change of its own. A change another
window made since is not overwritten blindly: undo sets the old value, which
is what the user asked for, and says what it did.

The store also journals every change (reader/core/journal.py): that is how
`papers undo`, a new process each time, finds the CLI's own last change.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from . import journal
from .models import Paper
from .store import Store

LIMIT = 100  # changes kept, newest last


@dataclass(frozen=True, slots=True)
class Change:
    """One change: what it was (`star`, `seen`, `note`) and the values before and after."""

    kind: str
    paper: Paper
    before: bool | str
    after: bool | str

    def describe(self) -> str:
        """The words the CLI's journal uses too: "star", "mark unseen", "note clear"."""
        return journal.describe(self.kind, bool(self.after))

    @property
    def paper_ids(self) -> tuple[str, ...]:
        return (self.paper.id,)

    def notice(self) -> str:
        return f"{self.describe()} of {self.paper.title}"


@dataclass(frozen=True, slots=True)
class SeenMany:
    """One step that marked many papers seen (or unseen): undone together."""

    papers: tuple[tuple[str, str], ...]  # (ID, title) of the papers it changed
    after: bool

    def describe(self) -> str:
        return journal.describe("seen", self.after)

    @property
    def paper_ids(self) -> tuple[str, ...]:
        return tuple(pid for pid, _title in self.papers)

    def notice(self) -> str:
        return f"{self.describe()} of {len(self.papers)} papers"


class UndoLog:
    """The changes made in this app, newest last (shared by its screens and threads)."""

    def __init__(self) -> None:
        self._changes: list[Change | SeenMany] = []
        self._lock = threading.Lock()

    def record(self, change: Change | SeenMany) -> None:
        if change.papers == () if isinstance(change, SeenMany) else change.before == change.after:
            return
        with self._lock:
            self._changes.append(change)
            del self._changes[:-LIMIT]

    def __len__(self) -> int:
        with self._lock:
            return len(self._changes)

    def undo(self, store: Store) -> Change | SeenMany | None:
        """Put back the newest change's old value; None if there is nothing to undo."""
        with self._lock:
            if not self._changes:
                return None
            change = self._changes.pop()
        try:
            if isinstance(change, SeenMany):
                store.set_seen_many(change.papers, not change.after)
                return change
            paper = change.paper
            if change.kind == "star":
                store.set_starred(paper.id, paper.title, bool(change.before))
            elif change.kind == "seen":
                store.set_seen(paper.id, paper.title, bool(change.before))
            else:
                store.save_note(paper.id, paper.title, str(change.before))
        except BaseException:
            with self._lock:
                self._changes.append(change)  # not undone: it can be tried again
            raise
        return change
