"""The catalog: what each indexed dump held, kept beside the index (a cache).

It answers "did this dump change?" from file metadata alone, and lets a
paper be re-merged when one of its dumps changes or goes. It keeps no text:
only which occurrence's text wins (its rank and a digest) and what the save
told about the paper. The winning text is the one the index holds; another
occurrence's text is read again from its dump on the rare day it becomes
the winner (`TextRef`, reader/core/recall.py). Text read in the running
batch waits in a temporary table until the index holds it. Like the index,
the catalog can be deleted at any time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from .models import DumpAppearance, Entry, Paper, PaperMeta, Problem
from .saves.prose import abstract_rank

# 2: occurrences keep what the save told about the paper (meta).
# 3: compact: an occurrence names its dump by number and keeps its text compressed.
# 4: no text: the index holds the winning text (the cache was twice the text).
CATALOG_VERSION = 4

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS dumps (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    date TEXT,
    entries INTEGER NOT NULL,
    problems TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS occurrences (
    dump INTEGER NOT NULL,
    paper_id TEXT NOT NULL,
    line INTEGER NOT NULL,
    rank INTEGER NOT NULL,  -- abstract_rank of its text: the best text wins the merge
    digest BLOB NOT NULL,   -- of its title and abstract (`text_digest`)
    details BLOB            -- zlib of the JSON of what the save told about the paper; NULL if nothing
);
CREATE INDEX IF NOT EXISTS occurrences_paper ON occurrences (paper_id);
CREATE INDEX IF NOT EXISTS occurrences_dump ON occurrences (dump);
CREATE TEMP TABLE IF NOT EXISTS batch_text (
    dump INTEGER NOT NULL,
    paper_id TEXT NOT NULL,
    line INTEGER NOT NULL,
    title BLOB NOT NULL,  -- UTF-8 with surrogates passed: a bad save's text is kept as read
    abstract BLOB NOT NULL,
    PRIMARY KEY (dump, paper_id, line)
) WITHOUT ROWID;
"""


def text_digest(title: str, abstract: str) -> bytes:
    """Names a text: equal digests, equal title and abstract."""
    return hashlib.blake2b(f"{title}\0{abstract}".encode("utf-8", "surrogatepass"), digest_size=8).digest()


def _details_value(meta: PaperMeta) -> bytes | None:
    values = meta.to_dict()
    if not values:
        return None
    return zlib.compress(_encoded(json.dumps(values, ensure_ascii=False, separators=(",", ":"))), 6)


def _details(value: bytes | None) -> PaperMeta:
    if not value:
        return PaperMeta()
    try:
        return PaperMeta.from_dict(json.loads(_decoded(zlib.decompress(value))))
    except (ValueError, zlib.error):
        return PaperMeta()


def _encoded(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def _decoded(value: bytes) -> str:
    return value.decode("utf-8", "surrogatepass")


@dataclass(frozen=True, slots=True)
class TextRef:
    """Where the text of one occurrence of a paper can be read again. With
    no path: any text kept for the paper (the last resort of a re-merge)."""

    paper_id: str
    path: str
    line: int
    digest: bytes


# Reads an occurrence's text again (title, abstract), or None if it cannot.
Recall = Callable[[TextRef], "tuple[str, str] | None"]


def _path_value(path: str) -> str | bytes:
    """A path as SQLite can hold it. A file name that is not UTF-8 arrives
    with surrogate escapes, which SQLite refuses as text: it is kept as the
    raw bytes of the name instead (the same name gives the same value)."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return path.encode("utf-8", "surrogateescape")
    return path


def _path_text(value: str | bytes) -> str:
    return value.decode("utf-8", "surrogateescape") if isinstance(value, bytes) else value


def catalog_problem(path: Path) -> str:
    """Why the catalog cannot be used ('' if it reads, or is not there yet).
    Opened read-only: checking never changes it."""
    if not path.exists():
        return ""
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30.0)
        try:
            db.execute("SELECT value FROM meta WHERE key = 'version'").fetchall()
            db.execute("SELECT COUNT(*), SUM(entries) FROM dumps").fetchall()  # one row a dump: cheap
        finally:
            db.close()
    except sqlite3.OperationalError as error:
        if "no such table" in str(error):
            return "the catalog could not be read"
        return ""  # locked or busy: not damage
    except sqlite3.DatabaseError:
        return "the catalog could not be read"
    return ""


@dataclass(frozen=True, slots=True)
class DumpRecord:
    """A dump as last indexed."""

    path: str
    size: int
    mtime_ns: int
    sha256: str
    date: dt.date | None
    entries: int
    problems: tuple[Problem, ...]


class Catalog:
    """SQLite file in the cache dir. Use from one thread (the indexer's)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(path, timeout=30.0, isolation_level=None)
        self._db.execute("PRAGMA journal_mode = WAL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        self._db.close()

    # meta --------------------------------------------------------------
    def meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row else None

    def set_meta(self, key: str, value: str) -> None:
        self._db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def delete_meta(self, key: str) -> None:
        self._db.execute("DELETE FROM meta WHERE key = ?", (key,))

    # transactions ------------------------------------------------------
    def begin(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def clear(self) -> None:
        """Forget every dump (a rebuild; inside its transaction)."""
        self._db.execute("DELETE FROM occurrences")
        self._db.execute("DELETE FROM batch_text")
        self._db.execute("DELETE FROM dumps")

    def commit(self) -> None:
        """Commit; the batch's text is the index's to keep from here on
        (the index commits first: reader/core/index.py `_Batch.commit`)."""
        self._db.execute("DELETE FROM batch_text")
        self._db.execute("COMMIT")

    def rollback(self) -> None:
        if self._db.in_transaction:
            self._db.execute("ROLLBACK")

    # dumps -------------------------------------------------------------
    def dumps(self) -> dict[str, DumpRecord]:
        rows = self._db.execute(
            "SELECT path, size, mtime_ns, sha256, date, entries, problems FROM dumps WHERE size >= 0"
        )
        return {_path_text(row[0]): _record(row) for row in rows}

    def put_dump(self, record: DumpRecord) -> None:
        problems = json.dumps([[p.path, p.line, p.message, p.severity] for p in record.problems])
        self._db.execute(
            "INSERT INTO dumps (path, size, mtime_ns, sha256, date, entries, problems) VALUES (?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (path) DO UPDATE SET size = excluded.size, mtime_ns = excluded.mtime_ns, "
            "sha256 = excluded.sha256, date = excluded.date, entries = excluded.entries, problems = excluded.problems",
            (
                _path_value(record.path),
                record.size,
                record.mtime_ns,
                record.sha256,
                record.date.isoformat() if record.date else None,
                record.entries,
                problems,
            ),
        )

    def _dump_number(self, path: str, create: bool = False) -> int | None:
        value = _path_value(path)
        row = self._db.execute("SELECT id FROM dumps WHERE path = ?", (value,)).fetchone()
        if row is None and create:
            # Its record follows (put_dump) in the same transaction.
            cursor = self._db.execute(
                "INSERT INTO dumps (path, size, mtime_ns, sha256, entries, problems) VALUES (?, -1, -1, '', 0, '[]')",
                (value,),
            )
            return cursor.lastrowid
        return int(row[0]) if row else None

    def remove_dump(self, path: str) -> set[str]:
        """Forget a dump; returns the IDs of the papers it held."""
        ids = self.papers_in(path)
        number = self._dump_number(path)
        if number is not None:
            self._db.execute("DELETE FROM occurrences WHERE dump = ?", (number,))
            self._db.execute("DELETE FROM batch_text WHERE dump = ?", (number,))
            self._db.execute("DELETE FROM dumps WHERE id = ?", (number,))
        return ids

    def papers_in(self, path: str) -> set[str]:
        number = self._dump_number(path)
        if number is None:
            return set()
        return {pid for (pid,) in self._db.execute("SELECT paper_id FROM occurrences WHERE dump = ?", (number,))}

    def replace_entries(self, path: str, entries: Iterable[Entry]) -> None:
        """What a dump holds now. Its text waits in `batch_text` until the
        batch is committed: the index holds it from then on."""
        number = self._dump_number(path, create=True)
        self._db.execute("DELETE FROM occurrences WHERE dump = ?", (number,))
        self._db.execute("DELETE FROM batch_text WHERE dump = ?", (number,))
        held = list(entries)
        self._db.executemany(
            "INSERT INTO occurrences VALUES (?, ?, ?, ?, ?, ?)",
            (
                (
                    number,
                    e.paper_id,
                    e.line,
                    abstract_rank(e.abstract),
                    text_digest(e.title, e.abstract),
                    _details_value(e.meta),
                )
                for e in held
            ),
        )
        self._db.executemany(
            "INSERT OR REPLACE INTO batch_text VALUES (?, ?, ?, ?, ?)",
            ((number, e.paper_id, e.line, _encoded(e.title), _encoded(e.abstract)) for e in held),
        )

    # papers ------------------------------------------------------------
    def known(self, paper_ids: Iterable[str]) -> set[str]:
        """Which of these IDs have any occurrence."""
        found: set[str] = set()
        wanted = list(paper_ids)
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            found.update(
                pid
                for (pid,) in self._db.execute(
                    f"SELECT DISTINCT paper_id FROM occurrences WHERE paper_id IN ({marks})", chunk
                )
            )
        return found

    def merged(self, paper_ids: Iterable[str], recall: Recall) -> dict[str, Paper]:
        """Each paper merged over its occurrences. The best text wins: a
        complete abstract over a cut one over none, then the newest dump;
        details the chosen save lacks come from the others, newest first.
        The winner's text comes from this batch's dumps, else from `recall`
        (the index, or its dump read again); one that cannot be read gives
        way to the next best. With none readable, the text the index holds
        stays (the saves changed while this run wrote: the next reads them)."""
        wanted = list(paper_ids)
        rows: list[tuple[str, int, int, bytes, bytes | None, str | bytes, str | None, bytes | None, bytes | None]] = []
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows.extend(
                self._db.execute(
                    "SELECT o.paper_id, o.line, o.rank, o.digest, o.details, d.path, d.date, t.title, t.abstract "
                    "FROM occurrences o JOIN dumps d ON d.id = o.dump "
                    "LEFT JOIN batch_text t ON t.dump = o.dump AND t.paper_id = o.paper_id AND t.line = o.line "
                    f"WHERE o.paper_id IN ({marks})",
                    chunk,
                )
            )
        grouped: dict[str, list[_Occurrence]] = {}
        for pid, line, rank, digest, details, path, date, title, abstract in rows:
            text = (_decoded(title), _decoded(abstract)) if title is not None and abstract is not None else None
            grouped.setdefault(pid, []).append(_Occurrence(_path_text(path), date, line, rank, digest, details, text))
        return {pid: _merge(pid, found, recall) for pid, found in grouped.items()}

    def paper_count(self) -> int:
        """How many papers the catalog holds (counted by SQLite, not in Python)."""
        return int(self._db.execute("SELECT COUNT(DISTINCT paper_id) FROM occurrences").fetchone()[0])

    def all_paper_ids(self) -> set[str]:
        return {pid for (pid,) in self._db.execute("SELECT DISTINCT paper_id FROM occurrences")}


@dataclass(slots=True)
class _Occurrence:
    path: str
    date: str | None
    line: int
    rank: int
    digest: bytes
    details: bytes | None
    text: tuple[str, str] | None  # read in this batch


def _merge(pid: str, found: list[_Occurrence], recall: Recall) -> Paper:
    # Newest dump first; undated dumps last; path breaks ties.
    found.sort(key=lambda o: (o.date or "", o.path), reverse=True)
    appearances: list[DumpAppearance] = []
    for o in found:
        if all(a.path != o.path for a in appearances):
            appearances.append(DumpAppearance(o.path, dt.date.fromisoformat(o.date) if o.date else None, o.line))
    # Best rank first; among equals the newest (a stable sort).
    text: tuple[str, str] | None = None
    chosen = found[0]
    for candidate in sorted(found, key=lambda o: o.rank, reverse=True):
        text = candidate.text or recall(TextRef(pid, candidate.path, candidate.line, candidate.digest))
        if text is not None:
            chosen = candidate
            break
    if text is None:  # no save holds a winner's text as indexed: keep what the index holds
        text = recall(TextRef(pid, "", 0, b"")) or ("", "")
    details = _details(chosen.details)
    for other in found:
        if other is not chosen:
            details = details.filled_from(_details(other.details))
    return Paper(pid, text[0], text[1], tuple(appearances), details)


def _record(row: tuple[str | bytes, int, int, str, str | None, int, str]) -> DumpRecord:
    path, size, mtime_ns, sha, date, entries, problems = row
    return DumpRecord(
        path=_path_text(path),
        size=size,
        mtime_ns=mtime_ns,
        sha256=sha,
        date=dt.date.fromisoformat(date) if date else None,
        entries=entries,
        problems=tuple(Problem(p[0], p[1], p[2], p[3]) for p in json.loads(problems)),
    )
