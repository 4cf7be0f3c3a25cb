"""The catalog: what each indexed dump held, kept beside the index (a cache).

It answers "did this dump change?" from file metadata alone, and lets a
paper be re-merged when one of its dumps changes or goes, without re-reading
the other dumps. Like the index, it can be deleted at any time.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .models import DumpAppearance, Entry, Paper, PaperMeta, Problem
from .saves.prose import abstract_rank

# 2: occurrences keep what the save told about the paper (meta).
CATALOG_VERSION = 2

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS dumps (
    path TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    date TEXT,
    entries INTEGER NOT NULL,
    problems TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS occurrences (
    path TEXT NOT NULL,
    paper_id TEXT NOT NULL,
    title TEXT NOT NULL,
    abstract TEXT NOT NULL,
    line INTEGER NOT NULL,
    meta TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS occurrences_paper ON occurrences (paper_id);
CREATE INDEX IF NOT EXISTS occurrences_path ON occurrences (path);
"""


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
        rows = self._db.execute("SELECT path, size, mtime_ns, sha256, date, entries, problems FROM dumps")
        return {_path_text(row[0]): _record(row) for row in rows}

    def put_dump(self, record: DumpRecord) -> None:
        problems = json.dumps([[p.path, p.line, p.message, p.severity] for p in record.problems])
        self._db.execute(
            "INSERT OR REPLACE INTO dumps VALUES (?, ?, ?, ?, ?, ?, ?)",
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

    def remove_dump(self, path: str) -> set[str]:
        """Forget a dump; returns the IDs of the papers it held."""
        ids = self.papers_in(path)
        value = _path_value(path)
        self._db.execute("DELETE FROM occurrences WHERE path = ?", (value,))
        self._db.execute("DELETE FROM dumps WHERE path = ?", (value,))
        return ids

    def papers_in(self, path: str) -> set[str]:
        rows = self._db.execute("SELECT paper_id FROM occurrences WHERE path = ?", (_path_value(path),))
        return {pid for (pid,) in rows}

    def replace_entries(self, path: str, entries: Iterable[Entry]) -> None:
        value = _path_value(path)
        self._db.execute("DELETE FROM occurrences WHERE path = ?", (value,))
        self._db.executemany(
            "INSERT INTO occurrences VALUES (?, ?, ?, ?, ?, ?)",
            ((value, e.paper_id, e.title, e.abstract, e.line, _meta_json(e.meta)) for e in entries),
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
        rows: list[tuple[str, str, str, str | bytes, str | None, int, str]] = []
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows.extend(
                self._db.execute(
                    "SELECT o.paper_id, o.title, o.abstract, o.path, d.date, o.line, o.meta "
                    "FROM occurrences o JOIN dumps d ON d.path = o.path "
                    f"WHERE o.paper_id IN ({marks})",
                    chunk,
                )
            )
        grouped: dict[str, list[tuple[str, str, str, str | None, int, str]]] = {}
        for pid, title, abstract, path, date, line, meta in rows:
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
            details = _meta_from_json(best[5])
            for other in found:
                if other is not best:
                    details = details.filled_from(_meta_from_json(other[5]))
            papers[pid] = Paper(pid, best[0], best[1], tuple(appearances), details)
        return papers

    def all_paper_ids(self) -> set[str]:
        return {pid for (pid,) in self._db.execute("SELECT DISTINCT paper_id FROM occurrences")}


def _meta_json(meta: PaperMeta) -> str:
    return json.dumps(meta.to_dict(), ensure_ascii=False, separators=(",", ":"))


def _meta_from_json(text: str) -> PaperMeta:
    try:
        return PaperMeta.from_dict(json.loads(text))
    except ValueError:
        return PaperMeta()


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
