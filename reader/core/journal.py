"""The journal of changes in the user store: what each star, seen mark and
note change replaced, so `papers undo` (a new process each time) can put
it back.

Each change is written by the store in the same transaction as the change
itself, so the journal never says something happened that did not (or the
other way round), whatever process is killed when. Undo takes the newest
change of one origin (`cli` or `app`) and puts back the value from before,
but only where the value is still what that change left: a change made
since by another window or command is never overwritten unless forced.

Values: a star or seen mark is its time (None: not starred / not seen), a
note its text (None: no note).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

STAR = "star"
SEEN = "seen"
NOTE = "note"
KINDS = (STAR, SEEN, NOTE)
CLI = "cli"
APP = "app"
# Changes kept per origin: enough for any morning; older ones go first.
LIMIT = 1000

COLUMNS = ("number", "at", "origin", "batch", "kind", "paper_id", "title", "old_value", "new_value", "undone_at")


def describe(kind: str, made: bool) -> str:
    """What a change did in a word or two: `made` is whether it set a value
    (starred, marked seen, wrote a note) rather than took one away."""
    if kind == STAR:
        return "star" if made else "unstar"
    if kind == SEEN:
        return "mark seen" if made else "mark unseen"
    return "note edit" if made else "note clear"


@dataclass(frozen=True, slots=True)
class Entry:
    """One change in the journal."""

    number: int
    at: dt.datetime
    origin: str
    batch: str | None
    kind: str
    paper_id: str
    title: str
    old: str | None
    new: str | None
    undone_at: dt.datetime | None = None

    def describe(self) -> str:
        """ "star of 1a2b3c4d5e6f Title" """
        return f"{describe(self.kind, self.new is not None)} of {self.paper_id} {self.title}"

    def shown(self, value: str | None) -> bool | str | None:
        """A value as people and JSON see it: starred / seen as true or false, a note as its text."""
        return value if self.kind == NOTE else value is not None


@dataclass(frozen=True, slots=True)
class Step:
    """What undo did (or would have done) with one change.

    `status`: "undone"; "already" (the value was already the one from
    before: nothing was written); "forced" (changed since, put back anyway);
    "conflict" (changed since: nothing was written). `since` is the newest
    change made to the same value afterwards, when the journal has one (a
    restore is not journaled), `now` the value found.
    """

    entry: Entry
    status: str
    now: str | None
    since: Entry | None = None


@dataclass(frozen=True, slots=True)
class Undo:
    """The steps of one undo (one command's changes, newest first).
    `applied` is False when a conflict stopped it: then nothing was written."""

    steps: tuple[Step, ...]
    applied: bool


def same(kind: str, first: str | None, second: str | None) -> bool:
    """Do two values mean the same state? (a star's time does not matter)"""
    if kind == NOTE:
        return first == second
    return (first is None) == (second is None)


def record(
    db: sqlite3.Connection,
    at: str,
    origin: str,
    batch: str | None,
    kind: str,
    paper_id: str,
    title: str,
    old: str | None,
    new: str | None,
) -> None:
    """Journal a change (in the caller's transaction); a change that changed
    nothing is not one. The oldest changes past LIMIT of the origin go."""
    if same(kind, old, new):
        return
    db.execute(
        "INSERT INTO changes (at, origin, batch, kind, paper_id, title, old_value, new_value) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (at, origin, batch, kind, paper_id, title, old, new),
    )
    db.execute(
        "DELETE FROM changes WHERE origin = ? AND number <= "
        "(SELECT number FROM changes WHERE origin = ? ORDER BY number DESC LIMIT 1 OFFSET ?)",
        (origin, origin, LIMIT),
    )


def value(db: sqlite3.Connection, kind: str, paper_id: str) -> str | None:
    """The value the store holds now."""
    if kind == STAR:
        row = db.execute("SELECT starred_at FROM stars WHERE paper_id = ?", (paper_id,)).fetchone()
    elif kind == SEEN:
        row = db.execute("SELECT seen_at FROM seen WHERE paper_id = ?", (paper_id,)).fetchone()
    else:
        row = db.execute("SELECT text FROM notes WHERE paper_id = ?", (paper_id,)).fetchone()
    return None if row is None else str(row[0])


def put(db: sqlite3.Connection, at: str, kind: str, paper_id: str, title: str, new: str | None) -> None:
    """Set a value (a star or seen mark gets back its own time)."""
    table = {STAR: "stars", SEEN: "seen", NOTE: "notes"}[kind]
    if new is None:
        db.execute(f"DELETE FROM {table} WHERE paper_id = ?", (paper_id,))
    elif kind == NOTE:
        row = db.execute("SELECT created_at FROM notes WHERE paper_id = ?", (paper_id,)).fetchone()
        created = str(row[0]) if row else at
        db.execute("INSERT OR REPLACE INTO notes VALUES (?, ?, ?, ?, ?)", (paper_id, title, new, created, at))
    else:
        db.execute(f"INSERT OR REPLACE INTO {table} VALUES (?, ?, ?)", (paper_id, title, new))


def entries(db: sqlite3.Connection, origin: str | None = None, limit: int = 20) -> list[Entry]:
    """The newest changes not undone yet (of one origin, or all), newest first."""
    where = "undone_at IS NULL" + (" AND origin = ?" if origin else "")
    params: tuple[object, ...] = (origin, limit) if origin else (limit,)
    rows = db.execute(
        f"SELECT {', '.join(COLUMNS)} FROM changes WHERE {where} ORDER BY number DESC LIMIT ?", params
    ).fetchall()
    return [_entry(row) for row in rows]


def undo_last(db: sqlite3.Connection, at: str, origin: str, force: bool = False) -> Undo | None:
    """Undo the newest change of `origin` not undone yet, with the other
    changes of its batch (one command's), in the caller's transaction.
    None when there is nothing to undo. When a value changed since and not
    `force`, nothing is written and the steps say which."""
    newest = db.execute(
        "SELECT number, batch FROM changes WHERE origin = ? AND undone_at IS NULL ORDER BY number DESC LIMIT 1",
        (origin,),
    ).fetchone()
    if newest is None:
        return None
    number, batch = newest
    if batch is None:
        rows = db.execute(f"SELECT {', '.join(COLUMNS)} FROM changes WHERE number = ?", (number,)).fetchall()
    else:
        rows = db.execute(
            f"SELECT {', '.join(COLUMNS)} FROM changes WHERE origin = ? AND batch = ? AND undone_at IS NULL "
            "ORDER BY number DESC",
            (origin, batch),
        ).fetchall()
    batch_entries = [_entry(row) for row in rows]
    numbers = {entry.number for entry in batch_entries}
    steps: list[Step] = []
    for entry in batch_entries:
        now = value(db, entry.kind, entry.paper_id)
        since = _newer(db, entry, numbers)
        if same(entry.kind, now, entry.old):
            steps.append(Step(entry, "already", now, since))
        elif same(entry.kind, now, entry.new):
            steps.append(Step(entry, "undone", now, since))
        else:
            steps.append(Step(entry, "forced" if force else "conflict", now, since))
    if any(step.status == "conflict" for step in steps):
        return Undo(tuple(steps), applied=False)
    for step in steps:
        entry = step.entry
        if step.status != "already":
            put(db, at, entry.kind, entry.paper_id, entry.title, entry.old)
        db.execute("UPDATE changes SET undone_at = ? WHERE number = ?", (at, entry.number))
    return Undo(tuple(steps), applied=True)


def _newer(db: sqlite3.Connection, entry: Entry, batch: set[int]) -> Entry | None:
    """The newest change to the same value after `entry`, outside its batch."""
    rows = db.execute(
        f"SELECT {', '.join(COLUMNS)} FROM changes WHERE paper_id = ? AND kind = ? AND number > ? "
        "AND undone_at IS NULL ORDER BY number DESC",
        (entry.paper_id, entry.kind, entry.number),
    ).fetchall()
    return next((_entry(row) for row in rows if row[0] not in batch), None)


def _entry(row: Sequence[object]) -> Entry:
    number, at, origin, batch, kind, paper_id, title, old, new, undone = row
    return Entry(
        number=int(str(number)),
        at=dt.datetime.fromisoformat(str(at)),
        origin=str(origin),
        batch=None if batch is None else str(batch),
        kind=str(kind),
        paper_id=str(paper_id),
        title=str(title),
        old=None if old is None else str(old),
        new=None if new is None else str(new),
        undone_at=None if undone is None else dt.datetime.fromisoformat(str(undone)),
    )
