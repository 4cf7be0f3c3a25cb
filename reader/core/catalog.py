"""The catalog: what each indexed dump held, kept beside the index (a cache).

It answers "did this dump change?" from file metadata alone, and lets a
paper be re-merged when one of its dumps changes or goes, without re-reading
the other dumps. Like the index, it can be deleted at any time.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .models import DumpAppearance, Entry, Paper, PaperMeta, Problem
from .saves.prose import abstract_rank

# 2: occurrences keep what the save told about the paper (meta).
# 3: compact: an occurrence names its dump by number and keeps its text compressed.
CATALOG_VERSION = 3

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
    body BLOB NOT NULL  -- zlib of the JSON [title, abstract, meta]: re-merging needs all three
);
CREATE INDEX IF NOT EXISTS occurrences_paper ON occurrences (paper_id);
CREATE INDEX IF NOT EXISTS occurrences_dump ON occurrences (dump);
"""


def _pack(title: str, abstract: str, meta: PaperMeta) -> bytes:
    text = json.dumps([title, abstract, meta.to_dict()], ensure_ascii=False, separators=(",", ":"))
    return zlib.compress(text.encode("utf-8", "surrogatepass"), 6)


def _unpack(body: bytes) -> tuple[str, str, PaperMeta]:
    title, abstract, meta = json.loads(zlib.decompress(body).decode("utf-8", "surrogatepass"))
    try:
        details = PaperMeta.from_dict(meta)
    except ValueError:
        details = PaperMeta()
    return str(title), str(abstract), details


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
        self._db.execute("DELETE FROM dumps")

    def commit(self) -> None:
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
            self._db.execute("DELETE FROM dumps WHERE id = ?", (number,))
        return ids

    def papers_in(self, path: str) -> set[str]:
        number = self._dump_number(path)
        if number is None:
            return set()
        return {pid for (pid,) in self._db.execute("SELECT paper_id FROM occurrences WHERE dump = ?", (number,))}

    def replace_entries(self, path: str, entries: Iterable[Entry]) -> None:
        number = self._dump_number(path, create=True)
        self._db.execute("DELETE FROM occurrences WHERE dump = ?", (number,))
        self._db.executemany(
            "INSERT INTO occurrences VALUES (?, ?, ?, ?)",
            ((number, e.paper_id, e.line, _pack(e.title, e.abstract, e.meta)) for e in entries),
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

    def merged(self, paper_ids: Iterable[str]) -> dict[str, Paper]:
        """Each paper merged over its occurrences. The best text wins: a
        complete abstract over a cut one over none, then the newest dump;
        details the chosen save lacks come from the others, newest first."""
        wanted = list(paper_ids)
        rows: list[tuple[str, bytes, str | bytes, str | None, int]] = []
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows.extend(
                self._db.execute(
                    "SELECT o.paper_id, o.body, d.path, d.date, o.line "
                    "FROM occurrences o JOIN dumps d ON d.id = o.dump "
                    f"WHERE o.paper_id IN ({marks})",
                    chunk,
                )
            )
        grouped: dict[str, list[tuple[str, str, str, str | None, int, PaperMeta]]] = {}
        for pid, body, path, date, line in rows:
            title, abstract, meta = _unpack(body)
            grouped.setdefault(pid, []).append((title, abstract, _path_text(path), date, line, meta))
        papers: dict[str, Paper] = {}
        for pid, found in grouped.items():
            # Newest dump first; undated dumps last; path breaks ties.
            found.sort(key=lambda o: (o[3] or "", o[2]), reverse=True)
            appearances: list[DumpAppearance] = []
            for _title, _abstract, path, date, line, _meta in found:
                if all(a.path != path for a in appearances):
                    appearances.append(DumpAppearance(path, dt.date.fromisoformat(date) if date else None, line))
            best = max(found, key=lambda o: abstract_rank(o[1]))  # the first (newest) of the best
            details = best[5]
            for other in found:
                if other is not best:
                    details = details.filled_from(other[5])
            papers[pid] = Paper(pid, best[0], best[1], tuple(appearances), details)
        return papers

    def paper_count(self) -> int:
        """How many papers the catalog holds (counted by SQLite, not in Python)."""
        return int(self._db.execute("SELECT COUNT(DISTINCT paper_id) FROM occurrences").fetchone()[0])

    def all_paper_ids(self) -> set[str]:
        return {pid for (pid,) in self._db.execute("SELECT DISTINCT paper_id FROM occurrences")}


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
