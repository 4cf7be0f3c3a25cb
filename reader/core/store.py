"""The user store: stars, notes and seen state in SQLite, in the data dir.

Every change is its own committed transaction, so nothing waits for a clean
exit; WAL mode lets two processes use the store at once. Each row keeps the
paper's title so the user's work outlives the dump it came from. A file that
is not a store we can read is never overwritten: it is checked on open (the
expected tables, SQLite's integrity check) before anything is written, and a
new store is built beside its final name and linked into place whole, so an
empty or half-made file at that name is never ours.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import os
import secrets
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import ParamSpec, TypeVar

from . import journal
from .errors import StoreError
from .models import UserState

# Each entry moves the schema one version up; never edit a released one.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE stars (
        paper_id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        starred_at TEXT NOT NULL
    );
    CREATE TABLE notes (
        paper_id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        text TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE seen (
        paper_id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        seen_at TEXT NOT NULL
    );
    """,
    # 2: visits (each time the app opened) and the visit at which each paper
    # was first in the library: "new" survives an index rebuild.
    """
    CREATE TABLE visits (
        number INTEGER PRIMARY KEY,
        started_at TEXT NOT NULL,
        ended_at TEXT
    );
    CREATE TABLE known (
        paper_id TEXT PRIMARY KEY,
        visit INTEGER NOT NULL
    );
    """,
    # 3: the journal of changes (reader/core/journal.py): what each star,
    # seen mark and note change replaced, and who made it, for undo.
    """
    CREATE TABLE changes (
        number INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        origin TEXT NOT NULL,
        batch TEXT,
        kind TEXT NOT NULL,
        paper_id TEXT NOT NULL,
        title TEXT NOT NULL,
        old_value TEXT,
        new_value TEXT,
        undone_at TEXT
    );
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)
# The columns each schema version has; a file without them is not our store.
TABLES: dict[str, tuple[str, ...]] = {
    "stars": ("paper_id", "title", "starred_at"),
    "notes": ("paper_id", "title", "text", "created_at", "updated_at"),
    "seen": ("paper_id", "title", "seen_at"),
}
# Tables schema 2 added (bookkeeping of visits, not backed up: it is rebuilt by use).
VISIT_TABLES: dict[str, tuple[str, ...]] = {
    "visits": ("number", "started_at", "ended_at"),
    "known": ("paper_id", "visit"),
}
# Table schema 3 added (the journal of changes, not backed up: see docs/reliability.md).
JOURNAL_TABLES: dict[str, tuple[str, ...]] = {"changes": journal.COLUMNS}
# An open visit older than this is taken as over (its app was killed).
STALE_VISIT = dt.timedelta(hours=12)

# A store is checked once per process (threads each open their own connection).
_checked: set[tuple[str, int, int, int]] = set()
_checked_lock = threading.Lock()

P = ParamSpec("P")
R = TypeVar("R")


class StoreDamagedError(StoreError):
    """The store is a papers store, but parts of it cannot be read: what can
    still be read is worth saving (`papers backup` salvages it)."""


def _reading(method: Callable[P, R]) -> Callable[P, R]:
    """A read that meets a damaged page (or a value that is not ours) is a
    one-line StoreError, never a traceback."""

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(*args, **kwargs)
        except (sqlite3.DatabaseError, ValueError, TypeError) as error:
            store = args[0]
            path = getattr(store, "path", "the user store")
            raise StoreDamagedError(
                f"{path}: the user store cannot be read ({error}); it was left untouched. "
                "`papers backup -o FILE` saves what can still be read"
            ) from error

    return wrapper


def now() -> dt.datetime:
    """The current time in UTC, to the microsecond (it orders edits)."""
    return dt.datetime.now(dt.UTC)


def _stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


def _parse(stamp: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(stamp) if stamp else None


@dataclass(frozen=True, slots=True)
class Note:
    """A note as stored."""

    paper_id: str
    title: str
    text: str
    created_at: dt.datetime
    updated_at: dt.datetime


@dataclass(frozen=True, slots=True)
class Visit:
    """One opening of the app. `since` is the last visit that was over when
    this one began (None on the first): papers first in the library after it
    are new. Instances open at once share it, so they agree on what is new."""

    number: int
    started_at: dt.datetime
    since: int | None = None
    since_at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class NoteSave:
    """What saving a note did. `merged` is set when another copy of the
    program had changed the note meanwhile: both texts were kept."""

    note: Note | None
    merged: bool = False


class Store:
    """One connection to the user store. Cheap to open; close when done.

    Each star, seen and note change is journaled with `origin` (who made
    it: the app, or `journal.CLI`) and `batch` (the changes one command made
    together, undone together), set by the caller through `record_as`.
    """

    def __init__(self, path: Path, readonly: bool = False) -> None:
        self.path = path
        self.origin = journal.APP
        self.batch: str | None = None
        if readonly:
            if not path.exists():
                raise StoreError(f"{path}: there is no user store yet")
        else:
            _prepare_private(path)
        _refuse_empty(path)
        try:
            # mode=rw: a store that vanished is an error, never silently re-made.
            self._db = sqlite3.connect(
                f"{path.resolve().as_uri()}?mode={'ro' if readonly else 'rw'}",
                uri=True,
                timeout=10.0,
                isolation_level=None,
                check_same_thread=False,
            )
        except sqlite3.Error as error:
            raise StoreError(f"{path}: the user store cannot be opened ({error}); it was left untouched") from error
        try:
            self._db.execute("PRAGMA busy_timeout = 10000")
            self._check_once()
            if readonly:
                return
            # Only a file that passed the checks is ever switched to WAL.
            mode = self._db.execute("PRAGMA journal_mode = WAL").fetchone()
            if mode is None:
                raise sqlite3.DatabaseError("journal mode not set")
            self._db.execute("PRAGMA synchronous = FULL")
            self._migrate()
        except (sqlite3.DatabaseError, StoreError) as error:
            with contextlib.suppress(Exception):
                self._db.close()
            if isinstance(error, StoreError):
                raise
            if not readonly and not os.access(path.parent, os.W_OK):
                raise StoreError(
                    f"{path.parent}: the data folder is not writable, so stars and notes cannot be saved; "
                    "fix its permissions or point --data-dir / PAPERS_DATA_DIR elsewhere"
                ) from error
            raise StoreDamagedError(
                f"{path}: the user store cannot be read ({error}). It was left untouched; "
                "`papers backup -o FILE` saves what can still be read; move the file away to start a new one, "
                "or restore a backup."
            ) from error

    def _check_once(self) -> None:
        """The schema and SQLite's integrity check, once per process and file."""
        # A file changed outside this process (its size or time) is checked again.
        stat = os.stat(self.path)
        key = (str(self.path.resolve()), stat.st_ino, stat.st_size, stat.st_mtime_ns)
        with _checked_lock:
            if key in _checked:
                self._check_version()
                return
        check_schema(self._db, self.path)
        with _checked_lock:
            _checked.add(key)

    def close(self) -> None:
        self._db.close()

    def record_as(self, origin: str, batch: str | None = None) -> None:
        """Journal the changes made through this connection from now on as
        made by `origin`, in `batch` (undone together)."""
        self.origin = origin
        self.batch = batch

    def _journal(
        self, db: sqlite3.Connection, kind: str, pid: str, title: str, old: str | None, new: str | None
    ) -> None:
        journal.record(db, _stamp(now()), self.origin, self.batch, kind, pid, title, old, new)

    def data_version(self) -> int:
        """A number that changes when another connection (another process, a
        CLI command) commits: how a long-lived reader notices their changes."""
        return int(self._db.execute("PRAGMA data_version").fetchone()[0])

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One immediate transaction: it waits for other writers, then commits."""
        try:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
        except sqlite3.DatabaseError as error:
            raise StoreError(f"{self.path}: cannot save to the user store ({error}); nothing was changed") from error

    def _check_version(self) -> int:
        version = int(self._db.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: this store was written by a newer papers (schema {version}, "
                f"this program knows {SCHEMA_VERSION}); upgrade papers to use it"
            )
        return version

    def _migrate(self) -> None:
        if self._check_version() == SCHEMA_VERSION:
            return
        with self._write() as db:
            # Read again under the write lock: another process may have
            # migrated the store between the first look and now.
            version = self._check_version()
            for number in range(version, SCHEMA_VERSION):
                for statement in MIGRATIONS[number].split(";"):
                    if statement.strip():
                        db.execute(statement)
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    # stars -----------------------------------------------------------------
    def star(self, paper_id: str, title: str, at: dt.datetime | None = None) -> bool:
        """Star a paper; False if it was already starred."""
        stamp = _stamp(at or now())
        with self._write() as db:
            cursor = db.execute("INSERT OR IGNORE INTO stars VALUES (?, ?, ?)", (paper_id, title, stamp))
            if cursor.rowcount > 0:
                self._journal(db, journal.STAR, paper_id, title, None, stamp)
            return cursor.rowcount > 0

    def unstar(self, paper_id: str) -> bool:
        """Remove a star; False if there was none."""
        with self._write() as db:
            row = db.execute("SELECT title, starred_at FROM stars WHERE paper_id = ?", (paper_id,)).fetchone()
            if row is None:
                return False
            db.execute("DELETE FROM stars WHERE paper_id = ?", (paper_id,))
            self._journal(db, journal.STAR, paper_id, str(row[0]), str(row[1]), None)
            return True

    def set_starred(self, paper_id: str, title: str, starred: bool) -> bool:
        """Make the paper starred or not, whatever it was (never a toggle: a
        window showing an old state must not undo another window's star).
        Returns whether anything changed."""
        return self.star(paper_id, title) if starred else self.unstar(paper_id)

    @_reading
    def starred(self) -> dict[str, dt.datetime]:
        """Starred paper IDs with the time of starring."""
        rows = self._db.execute("SELECT paper_id, starred_at FROM stars")
        return {pid: dt.datetime.fromisoformat(at) for pid, at in rows}

    # notes -----------------------------------------------------------------
    @_reading
    def note(self, paper_id: str) -> Note | None:
        row = self._db.execute(
            "SELECT paper_id, title, text, created_at, updated_at FROM notes WHERE paper_id = ?",
            (paper_id,),
        ).fetchone()
        return _note(row) if row else None

    def save_note(
        self,
        paper_id: str,
        title: str,
        text: str,
        base: dt.datetime | None = None,
        *,
        check_base: bool = False,
    ) -> NoteSave:
        """Save a note's text; an empty text deletes the note.

        With `check_base`, `base` is the `updated_at` the editor started from:
        if the stored note changed since (another window saved it), neither
        edit is lost: the stored text is kept below the new one.
        """
        stamp = _stamp(now())
        with self._write() as db:
            row = db.execute(
                "SELECT paper_id, title, text, created_at, updated_at FROM notes WHERE paper_id = ?",
                (paper_id,),
            ).fetchone()
            current = _note(row) if row else None
            merged = False
            if check_base and current is not None and current.updated_at != base and current.text != text:
                merged = True
                other = current.text
                text = (
                    f"{text.rstrip()}\n\n--- kept from another edit ({current.updated_at:%Y-%m-%d %H:%M}) ---\n{other}"
                )
            old = current.text if current else None
            if not text.strip():
                db.execute("DELETE FROM notes WHERE paper_id = ?", (paper_id,))
                self._journal(db, journal.NOTE, paper_id, title, old, None)
                return NoteSave(None, merged)
            created = _stamp(current.created_at) if current else stamp
            db.execute(
                "INSERT OR REPLACE INTO notes VALUES (?, ?, ?, ?, ?)",
                (paper_id, title, text, created, stamp),
            )
            self._journal(db, journal.NOTE, paper_id, title, old, text)
            return NoteSave(
                Note(paper_id, title, text, dt.datetime.fromisoformat(created), dt.datetime.fromisoformat(stamp)),
                merged,
            )

    @_reading
    def notes(self) -> list[Note]:
        rows = self._db.execute("SELECT paper_id, title, text, created_at, updated_at FROM notes")
        return [_note(row) for row in rows]

    @_reading
    def noted(self) -> set[str]:
        return {pid for (pid,) in self._db.execute("SELECT paper_id FROM notes")}

    # seen ------------------------------------------------------------------
    def mark_seen(self, paper_id: str, title: str, at: dt.datetime | None = None) -> bool:
        """Remember that the user has seen a paper; False if already seen."""
        stamp = _stamp(at or now())
        with self._write() as db:
            cursor = db.execute("INSERT OR IGNORE INTO seen VALUES (?, ?, ?)", (paper_id, title, stamp))
            if cursor.rowcount > 0:
                self._journal(db, journal.SEEN, paper_id, title, None, stamp)
            return cursor.rowcount > 0

    def mark_unseen(self, paper_id: str) -> bool:
        """Forget that the user has seen a paper; False if it was not seen."""
        with self._write() as db:
            row = db.execute("SELECT title, seen_at FROM seen WHERE paper_id = ?", (paper_id,)).fetchone()
            if row is None:
                return False
            db.execute("DELETE FROM seen WHERE paper_id = ?", (paper_id,))
            self._journal(db, journal.SEEN, paper_id, str(row[0]), str(row[1]), None)
            return True

    def set_seen(self, paper_id: str, title: str, seen: bool) -> bool:
        """Seen or not, whatever it was; returns whether anything changed."""
        return self.mark_seen(paper_id, title) if seen else self.mark_unseen(paper_id)

    def set_seen_many(self, papers: Iterable[tuple[str, str]], seen: bool) -> list[str]:
        """Seen or not for many papers (ID, title) in one transaction (one
        disk sync, not one a paper); the IDs that changed."""
        stamp = _stamp(now())
        changed: list[str] = []
        with self._write() as db:
            for paper_id, title in papers:
                if seen:
                    cursor = db.execute("INSERT OR IGNORE INTO seen VALUES (?, ?, ?)", (paper_id, title, stamp))
                    if cursor.rowcount > 0:
                        self._journal(db, journal.SEEN, paper_id, title, None, stamp)
                        changed.append(paper_id)
                    continue
                row = db.execute("SELECT title, seen_at FROM seen WHERE paper_id = ?", (paper_id,)).fetchone()
                if row is not None:
                    db.execute("DELETE FROM seen WHERE paper_id = ?", (paper_id,))
                    self._journal(db, journal.SEEN, paper_id, str(row[0]), str(row[1]), None)
                    changed.append(paper_id)
        return changed

    @_reading
    def seen(self) -> set[str]:
        return {pid for (pid,) in self._db.execute("SELECT paper_id FROM seen")}

    # the journal: undo ------------------------------------------------------
    def undo_last(self, origin: str, force: bool = False) -> journal.Undo | None:
        """Undo the newest change `origin` made (with the rest of its command),
        in one transaction; None when there is nothing to undo. A value
        changed since is not overwritten unless `force` (journal.undo_last)."""
        with self._write() as db:
            return journal.undo_last(db, _stamp(now()), origin, force)

    @_reading
    def changes(self, origin: str | None = None, limit: int = 20) -> list[journal.Entry]:
        """The newest changes not undone (of one origin, or all), newest first."""
        return journal.entries(self._db, origin, limit)

    # visits and what each knew ---------------------------------------------
    def begin_visit(self, paper_ids: Iterable[str], at: dt.datetime | None = None) -> Visit:
        """Record a visit, and the papers in the library now that no earlier
        visit knew (first known at this visit)."""
        moment = at or now()
        with self._write() as db:
            rows = db.execute("SELECT number, started_at, ended_at FROM visits ORDER BY number DESC").fetchall()
            since = _last_over(rows, moment)
            number = int(db.execute("INSERT INTO visits (started_at) VALUES (?)", (_stamp(moment),)).lastrowid or 0)
            db.executemany("INSERT OR IGNORE INTO known VALUES (?, ?)", ((pid, number) for pid in paper_ids))
        return Visit(number, moment, *(since or (None, None)))

    def end_visit(self, number: int, paper_ids: Iterable[str] = (), at: dt.datetime | None = None) -> None:
        """The visit is over; the papers in the library now were known to it
        (a first run indexes while the app is open)."""
        with self._write() as db:
            db.execute("UPDATE visits SET ended_at = ? WHERE number = ?", (_stamp(at or now()), number))
            db.executemany("INSERT OR IGNORE INTO known VALUES (?, ?)", ((pid, number) for pid in paper_ids))

    @_reading
    def last_visit(self, at: dt.datetime | None = None) -> Visit | None:
        """The last visit that is over (for the CLI, which is not a visit)."""
        rows = self._db.execute("SELECT number, started_at, ended_at FROM visits ORDER BY number DESC").fetchall()
        since = _last_over(rows, at or now())
        return Visit(since[0], since[1], since[0], since[1]) if since else None

    @_reading
    def known_by(self, visit: int) -> set[str]:
        """The papers some visit up to `visit` found in the library."""
        return {pid for (pid,) in self._db.execute("SELECT paper_id FROM known WHERE visit <= ?", (visit,))}

    # backup and restore ------------------------------------------------------
    @_reading
    def star_rows(self) -> list[tuple[str, str, dt.datetime]]:
        """Every star: paper ID, title, time."""
        rows = self._db.execute("SELECT paper_id, title, starred_at FROM stars ORDER BY starred_at")
        return [(pid, title, dt.datetime.fromisoformat(at)) for pid, title, at in rows]

    @_reading
    def seen_rows(self) -> list[tuple[str, str, dt.datetime]]:
        rows = self._db.execute("SELECT paper_id, title, seen_at FROM seen ORDER BY seen_at")
        return [(pid, title, dt.datetime.fromisoformat(at)) for pid, title, at in rows]

    def merge(
        self,
        stars: list[tuple[str, str, dt.datetime]],
        notes: list[Note],
        seen: list[tuple[str, str, dt.datetime]],
    ) -> dict[str, int]:
        """Merge another store's data in one transaction: stars and seen are
        unioned, the newer edit of a note wins, nothing is deleted."""
        counts = {"stars": 0, "notes": 0, "notes_kept": 0, "seen": 0}
        with self._write() as db:
            for pid, title, at in stars:
                counts["stars"] += db.execute(
                    "INSERT OR IGNORE INTO stars VALUES (?, ?, ?)", (pid, title, _stamp(at))
                ).rowcount
            for pid, title, at in seen:
                counts["seen"] += db.execute(
                    "INSERT OR IGNORE INTO seen VALUES (?, ?, ?)", (pid, title, _stamp(at))
                ).rowcount
            for note in notes:
                row = db.execute("SELECT updated_at, text FROM notes WHERE paper_id = ?", (note.paper_id,)).fetchone()
                if row and (dt.datetime.fromisoformat(row[0]) >= note.updated_at or row[1] == note.text):
                    counts["notes_kept"] += 1
                    continue
                db.execute(
                    "INSERT OR REPLACE INTO notes VALUES (?, ?, ?, ?, ?)",
                    (note.paper_id, note.title, note.text, _stamp(note.created_at), _stamp(note.updated_at)),
                )
                counts["notes"] += 1
        return counts

    # whole state -----------------------------------------------------------
    @_reading
    def state(self, paper_id: str) -> UserState:
        return self.states([paper_id]).get(paper_id, UserState(paper_id))

    @_reading
    def states(self, paper_ids: Iterable[str] | None = None) -> dict[str, UserState]:
        """User state by paper ID: of the given IDs, or of every paper with any."""
        query = """
            SELECT ids.paper_id,
                   COALESCE(n.title, s.title, v.title, ''),
                   s.starred_at, n.text, n.updated_at, v.seen_at
            FROM ({ids}) AS ids
            LEFT JOIN stars s ON s.paper_id = ids.paper_id
            LEFT JOIN notes n ON n.paper_id = ids.paper_id
            LEFT JOIN seen v ON v.paper_id = ids.paper_id
        """
        if paper_ids is None:
            rows = self._db.execute(
                query.format(
                    ids="SELECT paper_id FROM stars UNION SELECT paper_id FROM notes UNION SELECT paper_id FROM seen"
                )
            ).fetchall()
        else:
            wanted = list(dict.fromkeys(paper_ids))
            rows = []
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                values = " UNION ALL ".join("SELECT ? AS paper_id" for _ in chunk)
                rows.extend(self._db.execute(query.format(ids=values), chunk).fetchall())
        return {
            pid: UserState(
                paper_id=pid,
                title=title,
                starred_at=_parse(starred),
                note=note or "",
                note_updated_at=_parse(updated),
                seen_at=_parse(seen_at),
            )
            for pid, title, starred, note, updated, seen_at in rows
        }

    @_reading
    def titles(self) -> dict[str, str]:
        """The title kept for every paper the user touched."""
        rows = self._db.execute(
            "SELECT paper_id, title FROM seen UNION ALL SELECT paper_id, title FROM stars "
            "UNION ALL SELECT paper_id, title FROM notes"
        )
        return dict(rows.fetchall())

    @_reading
    def counts(self) -> dict[str, int]:
        return {
            table: int(self._db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
            for table in ("stars", "notes", "seen")
        }


def _last_over(rows: list[tuple[int, str, str | None]], moment: dt.datetime) -> tuple[int, dt.datetime] | None:
    """The newest visit that ended (or went stale: its app was killed) before `moment`."""
    for number, started, ended in rows:
        start = dt.datetime.fromisoformat(started)
        if ended is not None or moment - start > STALE_VISIT:
            return int(number), start
    return None


def _note(row: tuple[str, str, str, str, str]) -> Note:
    pid, title, text, created, updated = row
    return Note(pid, title, text, dt.datetime.fromisoformat(created), dt.datetime.fromisoformat(updated))


def check_schema(db: sqlite3.Connection, path: Path) -> int:
    """Refuse a file that is not a papers store we can trust; returns its version.

    Nothing here writes: a file that fails is left byte for byte.
    """
    version = int(db.execute("PRAGMA user_version").fetchone()[0])
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{path}: this store was written by a newer papers (schema {version}, "
            f"this program knows {SCHEMA_VERSION}); upgrade papers to use it"
        )
    tables = {
        name: tuple(column for _cid, column, *_rest in db.execute(f"PRAGMA table_info({name})"))
        for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        if not name.startswith("sqlite_")
    }
    if version == 0 and not tables:
        return version  # an empty SQLite file: nothing to lose, the migration fills it
    expected = TABLES | (VISIT_TABLES if version >= 2 else {}) | (JOURNAL_TABLES if version >= 3 else {})
    wrong = [name for name, columns in expected.items() if tables.get(name) != columns]
    if version == 0 or wrong:
        raise StoreError(
            f"{path}: this is not a papers store (an SQLite file "
            + (f"without the expected table {wrong[0]!r}" if wrong else "with other tables")
            + "); it was left untouched. Point --data-dir / PAPERS_DATA_DIR elsewhere or move it away"
        )
    problem = db.execute("PRAGMA integrity_check(1)").fetchone()[0]
    if problem != "ok":
        raise StoreDamagedError(
            f"{path}: the user store is damaged ({problem}); it was left untouched. "
            "`papers backup -o FILE` saves what can still be read; then move the file away and "
            "`papers restore FILE` into a new store"
        )
    return version


def _refuse_empty(path: Path) -> None:
    """A new store is linked into place whole, so an empty file is not ours."""
    try:
        size = path.stat().st_size
    except OSError:
        return
    if size == 0:
        raise StoreError(
            f"{path}: the user store is an empty file (0 bytes), not a store; it was left untouched. "
            "Restore a backup (`papers restore FILE`) after moving it away, or remove it to start a new store"
        )


def _create(path: Path) -> None:
    """Build a new, empty store beside `path`, then link it into place: the
    name only ever holds a whole store. A second process doing the same at
    once loses the race harmlessly."""
    temp = path.with_name(f".{path.name}.new-{secrets.token_hex(4)}")
    try:
        fd = os.open(temp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.close(fd)
        db = sqlite3.connect(temp, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("BEGIN IMMEDIATE")
            for migration in MIGRATIONS:
                for statement in migration.split(";"):
                    if statement.strip():
                        db.execute(statement)
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            db.execute("COMMIT")
        finally:
            db.close()
        os.chmod(temp, 0o600)
        with contextlib.suppress(FileExistsError):
            os.link(temp, path)
    finally:
        for leftover in (temp, temp.with_name(temp.name + "-wal"), temp.with_name(temp.name + "-shm")):
            with contextlib.suppress(OSError):
                os.unlink(leftover)


def _prepare_private(path: Path) -> None:
    """Create the data dir 0700 and a new store 0600: notes are private."""
    try:
        if not path.parent.exists():
            try:
                path.parent.mkdir(parents=True, mode=0o700)
                os.chmod(path.parent, 0o700)  # mkdir's mode is masked by the umask
            except FileExistsError:
                pass  # another papers process made it just now
        if not path.exists():
            _create(path)
    except (OSError, sqlite3.Error) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise StoreError(f"{path}: cannot create the user store ({reason})") from error
