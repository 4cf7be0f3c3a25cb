"""The Whoosh index in the cache dir, kept in step with the dumps.

Only this module and `search.py` touch Whoosh. The index is a cache: any
failure to open it, or an index of another schema version, means "rebuild
from the dumps". Updates are incremental (file metadata decides whether a
dump is re-read) and commit in batches, so a long first run is searchable as
it goes and a killed run keeps what it committed.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import fcntl
import json
import os
import shutil
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import whoosh.index
from whoosh.analysis import StandardAnalyzer, StemmingAnalyzer
from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema
from whoosh.filedb.filestore import FileStorage

from .catalog import CATALOG_VERSION, Catalog, DumpRecord
from .dumps import ParsedDump, find_dump_files, parse_dump
from .errors import IndexBusyError
from .models import DumpAppearance, IndexReport, Paper, PaperMeta, Problem

# Bump when the schema or an analyzer changes: an older index is rebuilt.
# 2: what saves tell about papers (meta), upvotes, the page's order.
INDEX_VERSION = 2
INDEX_NAME = "papers"
# Papers per commit: big enough to keep segments few, small enough that a
# first run on a big folder becomes searchable within a minute or so.
BATCH_PAPERS = int(os.environ.get("PAPERS_INDEX_BATCH", "5000"))
# A batch this big is written by two processes when the machine has two
# cores (measured in benchmarks/index_speed.py).
PARALLEL_MIN = 1_000


def make_schema() -> Schema:
    """Title (boosted, stemmed), abstract (stemmed), and what results show."""
    stem = StemmingAnalyzer()
    return Schema(
        id=ID(stored=True, unique=True, sortable=True),
        title=TEXT(stored=True, analyzer=stem, field_boost=2.0),
        abstract=TEXT(stored=True, analyzer=stem),
        # Unstemmed title words: spelling suggestions read real words here.
        words=TEXT(analyzer=StandardAnalyzer(), phrase=False, spelling=True),
        title_sort=ID(sortable=True),
        date=NUMERIC(int, bits=32, stored=True, sortable=True),
        # Newest date first, then the order its page listed the paper in.
        order=NUMERIC(int, bits=64, sortable=True),
        upvotes=NUMERIC(int, bits=32, signed=True, sortable=True),
        dumps=STORED(),
        meta=STORED(),
    )


@dataclass(frozen=True, slots=True)
class Progress:
    """A step of long work, for a progress bar or line."""

    phase: str  # "scan", "read", "index", "commit", "saved" (a batch is searchable), "done"
    done: int
    total: int
    detail: str = ""


ProgressCallback = Callable[[Progress], None]


def _no_progress(_: Progress) -> None:
    return None


def date_number(date: dt.date | None) -> int:
    return date.year * 10_000 + date.month * 100 + date.day if date else 0


def paper_document(paper: Paper) -> dict[str, Any]:
    """The Whoosh document for a merged paper."""
    return {
        "id": paper.id,
        "title": paper.title,
        "abstract": paper.abstract,
        "words": paper.title,
        "title_sort": paper.title.casefold(),
        "date": date_number(paper.newest_date),
        "order": order_number(paper),
        "upvotes": paper.meta.upvotes if paper.meta.upvotes is not None else -1,
        "dumps": json.dumps([[d.path, d.date.isoformat() if d.date else None, d.line] for d in paper.dumps]),
        "meta": json.dumps(paper.meta.to_dict(), ensure_ascii=False),
    }


def order_number(paper: Paper) -> int:
    """Sorts newest first, and within a day in the order the page listed papers."""
    newest = paper.newest_date
    line = next((d.line for d in paper.dumps if d.date == newest), 0)
    return date_number(newest) * 10_000_000 + (9_999_999 - min(max(line, 0), 9_999_999))


def paper_from_fields(fields: dict[str, Any]) -> Paper:
    """A Paper back from a stored Whoosh document."""
    dumps = tuple(
        DumpAppearance(item[0], dt.date.fromisoformat(item[1]) if item[1] else None, *item[2:3])
        for item in json.loads(fields.get("dumps") or "[]")
    )
    meta = PaperMeta.from_dict(json.loads(fields.get("meta") or "{}"))
    return Paper(fields["id"], fields.get("title", ""), fields.get("abstract", ""), dumps, meta)


def open_storage(index_dir: Path) -> FileStorage:
    # Without mmap a searcher does not copy the postings into memory
    # (docs/architecture.md: +234 MB per searcher at 100k papers).
    return FileStorage(str(index_dir), supports_mmap=False)


def index_files_exist(index_dir: Path) -> bool:
    """Is there an index (sound or not) in this folder?"""
    return index_dir.is_dir() and any(index_dir.glob(f"_{INDEX_NAME}_*.toc"))


def open_index(index_dir: Path) -> whoosh.index.Index | None:
    """The index if it opens and has our version; None means "rebuild"."""
    try:
        if not index_files_exist(index_dir):
            return None
        index = open_storage(index_dir).open_index(INDEX_NAME)
        if index.schema.names() != make_schema().names():
            return None
        return index
    except Exception:  # noqa: BLE001 - any damage to a cache means rebuild
        return None


@contextlib.contextmanager
def writer_lock(cache_dir: Path, wait: float = 0.0, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """One indexer at a time. flock is released when a process dies, so a
    killed run never leaves a lock behind."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    handle = (cache_dir / "index.lock").open("a+")
    deadline = time.monotonic() + wait
    told = False
    try:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if on_wait is not None and not told and wait > 0:
                    on_wait()
                    told = True
                if time.monotonic() >= deadline:
                    raise IndexBusyError("another papers process is indexing; try again when it has finished") from None
                time.sleep(0.2)
        yield
    finally:
        handle.close()


class Indexer:
    """Brings the index and catalog in the cache dir up to date with dumps."""

    def __init__(self, cache_dir: Path, progress: ProgressCallback | None = None) -> None:
        self.cache_dir = cache_dir
        self.index_dir = cache_dir / "index"
        self.catalog_path = cache_dir / "catalog.sqlite3"
        self.progress = progress or _no_progress
        self.rebuilt_because = ""

    def update(self, locations: Sequence[Path], rebuild: bool = False, wait: float = 0.0) -> IndexReport:
        waiting = Progress("wait", 0, 0, "another papers process is indexing")
        with writer_lock(self.cache_dir, wait, lambda: self.progress(waiting)):
            reason = "asked to rebuild" if rebuild else ""
            index, catalog = self._open(reason)
            try:
                return self._update(index, catalog, locations)
            finally:
                catalog.close()

    # opening -----------------------------------------------------------
    def _open(self, reason: str) -> tuple[whoosh.index.Index, Catalog]:
        if not reason:
            reason = self._check()
        if reason:
            self._reset()
        self.index_dir.mkdir(parents=True, exist_ok=True)
        index = open_index(self.index_dir)
        if index is None:
            index = open_storage(self.index_dir).create_index(make_schema(), indexname=INDEX_NAME)
        catalog = Catalog(self.catalog_path)
        if catalog.meta("version") is None:
            catalog.set_meta("version", str(CATALOG_VERSION))
            catalog.set_meta("index_version", str(INDEX_VERSION))
            catalog.set_meta("generation", str(index.latest_generation()))
        self.rebuilt_because = reason
        return index, catalog

    def _check(self) -> str:
        """Why the cache must be rebuilt, or '' if it is sound."""
        has_index = index_files_exist(self.index_dir)
        if not has_index and not self.catalog_path.exists():
            return ""  # first run
        if not has_index:
            return "the index was missing"
        index = open_index(self.index_dir)
        if index is None:
            return "the index could not be opened or has another version"
        try:
            catalog = Catalog(self.catalog_path)
        except Exception:  # noqa: BLE001
            return "the catalog could not be opened"
        try:
            if catalog.meta("version") != str(CATALOG_VERSION) or catalog.meta("index_version") != str(INDEX_VERSION):
                return "the index has another version"
            if catalog.meta("generation") != str(index.latest_generation()):
                return "the index and catalog were out of step (an interrupted run)"
            with index.searcher() as searcher:
                searcher.doc_count()
        except Exception:  # noqa: BLE001
            return "the index could not be read"
        finally:
            catalog.close()
        return ""

    def _reset(self) -> None:
        shutil.rmtree(self.index_dir, ignore_errors=True)
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(f"{self.catalog_path}{suffix}")

    # updating ----------------------------------------------------------
    def _update(self, index: whoosh.index.Index, catalog: Catalog, locations: Sequence[Path]) -> IndexReport:
        self.progress(Progress("scan", 0, 0, "looking for dumps"))
        files, problems = find_dump_files(locations)
        known = catalog.dumps()
        present: set[str] = set()
        to_read: list[tuple[Path, str, os.stat_result]] = []
        unchanged = 0
        for file in files:
            key = str(file.resolve())
            present.add(key)
            try:
                stat = file.stat()
            except OSError as error:
                problems.append(Problem(str(file), 0, f"cannot read: {error.strerror}", "error"))
                continue
            record = known.get(key)
            if record and record.size == stat.st_size and record.mtime_ns == stat.st_mtime_ns:
                unchanged += 1
                problems.extend(record.problems)
            else:
                to_read.append((file, key, stat))
        gone = [path for path in known if path not in present]

        batch = _Batch(index, catalog, self.progress)
        read = entries = 0
        for number, (file, key, stat) in enumerate(to_read, start=1):
            self.progress(Progress("read", number - 1, len(to_read), file.name))
            parsed = parse_dump(file)
            problems.extend(parsed.problems)
            record = known.get(key)
            if record and parsed.sha256 and record.sha256 == parsed.sha256:
                # Touched but not changed: remember the new metadata only. An
                # undated dump keeps the date it was first indexed with.
                unchanged += 1
                batch.touch(dataclasses.replace(_record(key, stat, parsed), date=record.date))
                continue
            read += 1
            entries += len(parsed.entries)
            batch.add_dump(_record(key, stat, parsed), parsed)
            if batch.size >= BATCH_PAPERS:
                batch.commit()
        for path in gone:
            batch.remove_dump(path)
        batch.commit()
        total = len(catalog.all_paper_ids())
        self.progress(Progress("done", total, total, ""))
        return IndexReport(
            dumps_read=read,
            dumps_unchanged=unchanged,
            dumps_removed=len(gone),
            entries=entries,
            added=batch.added,
            updated=batch.updated,
            removed=batch.removed,
            papers_total=total,
            rebuilt_because=self.rebuilt_because,
            problems=tuple(problems),
        )


def _record(key: str, stat: os.stat_result, parsed: ParsedDump) -> DumpRecord:
    return DumpRecord(
        path=key,
        size=stat.st_size,
        mtime_ns=stat.st_mtime_ns,
        sha256=parsed.sha256,
        date=parsed.date,
        entries=len(parsed.entries),
        problems=tuple(parsed.problems),
    )


class _Batch:
    """Catalog changes and the papers they touch, written to Whoosh together.

    Order on commit: Whoosh first, then the catalog with Whoosh's new
    generation. A run killed between the two leaves the generations out of
    step, which the next run detects and repairs by rebuilding.
    """

    def __init__(self, index: whoosh.index.Index, catalog: Catalog, progress: ProgressCallback) -> None:
        self.index = index
        self.catalog = catalog
        self.progress = progress
        self.touched: set[str] = set()
        self.existed: set[str] = set()
        # Papers as merged before this batch: one that comes out the same
        # is not rewritten (an update costs ~4.6 ms a paper in Whoosh).
        self.previous: dict[str, Paper] = {}
        self.size = 0
        self.added = self.updated = self.removed = 0
        self._open = False

    def _begin(self) -> None:
        if not self._open:
            self.catalog.begin()
            self._open = True

    def touch(self, record: DumpRecord) -> None:
        self._begin()
        self.catalog.put_dump(record)

    def add_dump(self, record: DumpRecord, parsed: ParsedDump) -> None:
        self._begin()
        before = self.catalog.papers_in(record.path)
        ids = before | {e.paper_id for e in parsed.entries}
        self._note_existing(ids)
        self.catalog.replace_entries(record.path, parsed.entries)
        self.catalog.put_dump(record)
        self.size += len(ids - self.touched)
        self.touched |= ids

    def remove_dump(self, path: str) -> None:
        self._begin()
        ids = self.catalog.papers_in(path)
        self._note_existing(ids)
        self.catalog.remove_dump(path)
        self.size += len(ids - self.touched)
        self.touched |= ids

    def _note_existing(self, ids: set[str]) -> None:
        new = ids - self.touched
        existing = self.catalog.known(new)
        self.existed |= existing
        self.previous.update(self.catalog.merged(existing))

    def commit(self) -> None:
        if not self._open:
            return
        try:
            if self.touched:
                self._write_index()
            self.catalog.set_meta("generation", str(self.index.latest_generation()))
            self.catalog.commit()
        except BaseException:
            self.catalog.rollback()
            raise
        finally:
            self._open = False
        if self.touched:
            # What this batch wrote is searchable from here on.
            self.progress(Progress("saved", self.added + self.updated, 0, ""))
        self.touched, self.existed, self.previous, self.size = set(), set(), {}, 0

    def _write_index(self) -> None:
        merged = self.catalog.merged(self.touched)
        fresh = [pid for pid in self.touched if pid in merged and pid not in self.existed]
        parallel = len(fresh) >= PARALLEL_MIN and (os.cpu_count() or 1) > 1 and len(fresh) == len(self.touched)
        writer = (
            self.index.writer(procs=2, multisegment=True, limitmb=128) if parallel else self.index.writer(limitmb=128)
        )
        try:
            total = len(self.touched)
            for done, pid in enumerate(sorted(self.touched), start=1):
                paper = merged.get(pid)
                if paper is None:
                    writer.delete_by_term("id", pid)
                    self.removed += 1
                elif pid not in self.existed:
                    writer.add_document(**paper_document(paper))
                    self.added += 1
                elif self.previous.get(pid) != paper:  # else: same text and dumps as before
                    writer.update_document(**paper_document(paper))
                    self.updated += 1
                if done % 250 == 0:
                    self.progress(Progress("index", done, total, ""))
            self.progress(Progress("commit", total, total, "saving the index"))
            writer.commit()
        except BaseException:
            writer.cancel()
            raise
