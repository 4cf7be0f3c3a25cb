"""Reading what can still be read from a damaged user store.

A damaged page stops an ordinary table scan at the first bad row. The rows
are reachable in several ways (the table in rowid order from either end,
the primary-key index, a lookup of each rowid), and a bad page blocks only
some of them; together they recover every row that is not on a bad page.
Nothing here writes to the file.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .errors import StoreError
from .store import TABLES, Note

# Rowid probing stops this far past the highest rowid seen (rows deleted at
# the end leave gaps; a bound keeps a garbage rowid from running forever).
PROBE_PAST_END = 1_000
MAX_PROBES = 2_000_000

Row = tuple[object, ...]


@dataclass(slots=True)
class Salvage:
    """The readable rows of a store, and how much could not be read."""

    stars: list[tuple[str, str, dt.datetime]] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    seen: list[tuple[str, str, dt.datetime]] = field(default_factory=list)
    errors: int = 0  # reads that met damage
    bad_rows: int = 0  # rows read whose values are not a star, note or seen mark

    @property
    def complete(self) -> bool:
        return self.errors == 0 and self.bad_rows == 0


def _connect(path: Path) -> sqlite3.Connection:
    uri = path.resolve().as_uri()
    last: sqlite3.Error | None = None
    # immutable: no lock, no -shm needed (the folder may be read-only).
    for query in ("?mode=ro", "?mode=ro&immutable=1"):
        try:
            db = sqlite3.connect(uri + query, uri=True, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as error:
            last = error
            continue
        try:
            db.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
            return db
        except sqlite3.Error as error:
            last = error
            db.close()
    raise StoreError(
        f"{path}: nothing can be read from the user store ({last}); it was left untouched. "
        "Move it away and restore a backup (`papers restore FILE`)"
    )


def _scan(db: sqlite3.Connection, sql: str, params: tuple[object, ...] = ()) -> Iterator[Row]:
    """Rows until the first error; the error is counted by the caller."""
    cursor = db.execute(sql, params)
    while True:
        row = cursor.fetchone()
        if row is None:
            return
        yield tuple(row)


def _rows(db: sqlite3.Connection, table: str, columns: tuple[str, ...]) -> tuple[dict[int, Row], int]:
    """Every readable row of `table` by rowid, and how many reads failed."""
    found: dict[int, Row] = {}
    errors = 0
    select = f"SELECT rowid, {', '.join(columns)} FROM {table}"

    def collect(sql: str, params: tuple[object, ...] = ()) -> None:
        nonlocal errors
        try:
            for row in _scan(db, sql, params):
                if isinstance(row[0], int):
                    found.setdefault(row[0], row[1:])
        except sqlite3.DatabaseError:
            errors += 1

    collect(f"{select} ORDER BY rowid")
    collect(f"{select} ORDER BY rowid DESC")
    # Through the primary-key index: rows of a table page the scans skipped.
    keys: set[str] = set()
    for order in ("", " DESC"):
        try:
            for (key,) in _scan(db, f"SELECT {columns[0]} FROM {table} ORDER BY {columns[0]}{order}"):
                if isinstance(key, str):
                    keys.add(key)
        except sqlite3.DatabaseError:
            errors += 1
    known = {row[0] for row in found.values()}
    for key in keys - known:
        collect(f"{select} WHERE {columns[0]} = ?", (key,))
    # Each rowid on its own: a bad interior page hides only its own subtree.
    if found:
        end = min(max(found) + PROBE_PAST_END, MAX_PROBES)
        for rowid in range(1, end + 1):
            if rowid not in found:
                collect(f"{select} WHERE rowid = ?", (rowid,))
    return found, errors


def _time(value: object) -> dt.datetime:
    if not isinstance(value, str):
        raise ValueError("not a time")
    moment = dt.datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError("not text")
    return value


def salvage(path: Path) -> Salvage:
    """What can be read of the store at `path` (opened read-only)."""
    result = Salvage()
    db = _connect(path)
    try:
        for table, columns in TABLES.items():
            try:
                rows, errors = _rows(db, table, columns)
            except sqlite3.DatabaseError:
                result.errors += 1
                continue
            result.errors += errors
            for _rowid, row in sorted(rows.items()):
                try:
                    if table == "stars":
                        result.stars.append((_text(row[0]), _text(row[1]), _time(row[2])))
                    elif table == "seen":
                        result.seen.append((_text(row[0]), _text(row[1]), _time(row[2])))
                    else:
                        result.notes.append(
                            Note(_text(row[0]), _text(row[1]), _text(row[2]), _time(row[3]), _time(row[4]))
                        )
                except ValueError:
                    result.bad_rows += 1
    finally:
        db.close()
    return result
