"""The Whoosh index in the cache dir, kept in step with the dumps.

Only this module, `writers.py` and `search.py` touch Whoosh. The index is a
cache: any failure to open or read it, or an index of another schema
version, means "rebuild from the dumps". Updates are incremental (file
metadata decides whether a dump is re-read) and commit in batches, so a long
first run is searchable as it goes and a killed run keeps what it committed.
A rebuild of a readable index commits once, so the old one serves searches
until then. Every run ends by checking the index against the catalog.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import fcntl
import hashlib
import json
import os
import pickle
import shutil
import sqlite3
import struct
import time
import zlib
from array import array
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import whoosh.index
from whoosh import columns
from whoosh.analysis import StemmingAnalyzer
from whoosh.fields import COLUMN, ID, STORED, TEXT, Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.reading import IndexReader, SegmentReader
from whoosh.writing import CLEAR, NO_MERGE, SegmentWriter

from . import generations
from .catalog import CATALOG_VERSION, Catalog, DumpRecord
from .dumps import ParsedDump, find_dump_files, parse_dump
from .errors import IndexBusyError
from .generations import FIRST_ROWS, FirstRow, Snapshot
from .models import DumpAppearance, IndexReport, Paper, PaperMeta, Problem
from .recall import TextRecall
from .steps import Progress, ProgressCallback
from .triage import is_repeat
from .writers import ChildWriters

# Bump when the schema or an analyzer changes: an older index is rebuilt.
# 2: what saves tell about papers (meta), upvotes, the page's order.
# 3: no `words` field (the vocabulary is read from the stored text: reader/core/search.py).
# 4: sort keys are value columns only; no `date` field.
INDEX_VERSION = 4
INDEX_NAME = "papers"
# Papers per commit: big enough to keep segments few, small enough that a
# first run on a big folder becomes searchable within a minute or so.
BATCH_PAPERS = int(os.environ.get("PAPERS_INDEX_BATCH", "5000"))
# Past that, a long run's batch grows to the papers it has already written,
# up to MAX_BATCH_PAPERS: a 100k first index makes 30 segments, not 61 (each
# keeps its own word list: the cache 1.21x -> 1.16x bare Whoosh). Bigger
# batches cost more than they save: unbounded growth (19 segments) took the
# first index from 276 to 393 s of CPU, a 12,000 cap 321 s (docs/benchmarks.md).
# A batch size set in the environment stays fixed (tests use it for many
# commit points).
BATCH_GROWS = "PAPERS_INDEX_BATCH" not in os.environ
MAX_BATCH_PAPERS = 12_000
# A long run (many dumps to read) commits its first papers sooner: a new
# folder is searchable within seconds (commits merge nothing, so a small one
# costs little).
FIRST_BATCH_PAPERS = 300
LONG_RUN_DUMPS = 20
# A batch with this many new papers is written by two child processes when
# the machine has two cores (measured in benchmarks/index_speed.py).
PARALLEL_MIN = 1_000
WRITER_PROCS = 2
# Whoosh's in-memory posting pool per writer (half of this cost 25% more
# CPU). Measured: a writer child peaks under 250 MB; two children and the
# parent stay under 1 GB together even on a 195 MB dump.
LIMIT_MB = 128
# Papers read from the catalog at a time while writing: memory stays flat
# however big a dump is.
CHUNK_PAPERS = 500


def make_schema() -> Schema:
    """Title (boosted, stemmed), abstract (stemmed), and what results show."""
    stem = StemmingAnalyzer()
    return Schema(
        id=ID(stored=True, unique=True, sortable=True),
        title=TEXT(stored=True, analyzer=stem, field_boost=2.0),
        abstract=TEXT(stored=True, analyzer=stem),
        # Sort keys: value columns only. Nothing searches them (`date:` and
        # `upvotes:` filter papers: reader/core/query_terms.py), and indexed
        # they took 100k terms and 3.3M postings at 100k papers.
        title_sort=COLUMN(columns.VarBytesColumn()),  # casefolded UTF-8
        # Newest date first, then the order its page listed the paper in.
        order=COLUMN(columns.NumericColumn("q")),
        upvotes=COLUMN(columns.NumericColumn("i", default=-1)),
        dumps=STORED(),
        meta=STORED(),
    )


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
        "title_sort": paper.title.casefold().encode("utf-8", "surrogatepass"),
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
    return generations.latest_generation(index_dir) >= 0


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


def live_ids(reader: IndexReader) -> list[str | None]:
    """The paper ID of each document number; None for a deleted document.
    An index with no documents yet (Whoosh's EmptyReader) has none."""
    if reader.doc_count_all() == 0:
        return []
    column = reader.column_reader("id")
    return [
        None if reader.is_deleted(number) else (value.decode("utf-8") if isinstance(value, bytes) else str(value))
        for number, value in enumerate(column)
    ]


# A segment's paper IDs and date-order keys, by document number.
Columns = tuple[list[str], "array[int]"]  # array is generic only for type checkers


def take_snapshot(
    reader: IndexReader, generation: int, previous: Snapshot | None = None, known: Mapping[str, Columns] | None = None
) -> Snapshot:
    """What a reader of this generation needs at start (`generations.py`).
    The leading segments it shares with `previous` (a commit that merged
    nothing only appends segments and deletes documents) are taken from
    it, and the `known` columns of a segment (a merged one's) by its ID;
    only other segments' columns are read."""
    leaves = [leaf for leaf, _offset in reader.leaf_readers()] if reader.doc_count_all() else []
    segments: list[tuple[str, int]] = []
    for leaf in leaves:
        segment = leaf.segment()
        segments.append((segment.segment_id() if segment is not None else "", leaf.doc_count_all()))
    shared = 0
    if previous is not None:
        while shared < min(len(segments), len(previous.segments)) and segments[shared] == previous.segments[shared]:
            shared += 1
    documents = sum(count for _segment, count in segments[:shared])
    ids: list[str] = previous.ids[:documents] if previous is not None else []
    keys: array[int] = previous.keys[:documents] if previous is not None else array("q")
    for leaf, (segment_id, _count) in zip(leaves[shared:], segments[shared:], strict=True):
        if known is not None and segment_id in known:
            known_ids, known_keys = known[segment_id]
            ids.extend(known_ids)
            keys.extend(known_keys)
            continue
        ids.extend(_as_text(value) for value in leaf.column_reader("id"))
        keys.extend(int(value or 0) for value in leaf.column_reader("order"))
    offset = 0
    for leaf, (_segment, count) in zip(leaves, segments, strict=True):
        for number in leaf.segment().deleted_docs() if leaf.segment() is not None else ():
            ids[offset + number] = ""
        offset += count
    # Newest first; equal keys in document order (a stable sort). The kept
    # part of the previous order is one sorted run, the new documents another.
    order = [number for number in previous.newest_first if number < documents and ids[number]] if previous else []
    order.extend(number for number in range(documents, len(ids)) if ids[number])
    if previous is None:
        order = [number for number in range(len(ids)) if ids[number]]
    order.sort(key=keys.__getitem__, reverse=True)
    rows = []
    for number in order[:FIRST_ROWS]:
        paper = paper_from_fields(reader.stored_fields(number))
        newest = paper.newest_date
        rows.append(FirstRow(ids[number], paper.title, newest.isoformat() if newest else "", is_repeat(paper)))
    return Snapshot(generation, segments, ids, keys, array("I", order), rows)


def write_snapshot(
    index: whoosh.index.Index,
    index_dir: Path,
    previous: Snapshot | None = None,
    known: Mapping[str, Columns] | None = None,
) -> None:
    """Write the generation file of the index's newest generation, starting
    from `previous` (the file of the generation it was committed on, read
    before the commit cleared that generation's TOC) and the `known` columns
    of new segments: only other segments' columns are read. A cache: if the
    index cannot be read here, the searches that read it will say so."""
    try:
        with index.reader() as reader:
            generation = reader.generation()
            latest = index.latest_generation() if generation is None else generation
            snapshot = take_snapshot(reader, latest, previous, known)
    except Exception:  # noqa: BLE001 - see above
        return
    generations.write(index_dir, snapshot)


def _as_text(value: Any) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value or "")


# Errors Whoosh and SQLite raise on a damaged cache (no checksums: a cut or
# zeroed file shows up as any of these).
CACHE_DAMAGE: tuple[type[BaseException], ...] = (
    EOFError,
    pickle.UnpicklingError,
    struct.error,
    zlib.error,
    ValueError,
    KeyError,
    IndexError,
    AssertionError,
    TypeError,
    AttributeError,
    NotImplementedError,
    MemoryError,
    whoosh.index.IndexError,
)


def is_cache_damage(error: BaseException, cache_dir: Path) -> bool:
    """Does this error mean the index or catalog is damaged (not a full
    disk, a lock or a missing permission)?"""
    if isinstance(error, sqlite3.OperationalError):
        return False  # locked, full disk, I/O: not damage
    if isinstance(error, sqlite3.DatabaseError):
        return True  # "file is not a database", "database disk image is malformed"
    if isinstance(error, FileNotFoundError):
        return str(cache_dir) in str(error.filename or "")
    return isinstance(error, CACHE_DAMAGE)


def describe(error: BaseException) -> str:
    text = str(error).strip().splitlines()[0][:120] if str(error).strip() else ""
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def index_problem(index_dir: Path) -> str:
    """Why this index cannot be used ('' if it reads): its TOC and every
    segment open. (Damage deeper inside is found by the searches that read
    it: they mark the index damaged for the next run.)"""
    index = open_index(index_dir)
    if index is None:
        return "the index could not be opened or has another version"
    try:
        with index.searcher() as searcher:
            searcher.doc_count()
    except Exception as error:  # noqa: BLE001 - any damage to a cache means rebuild
        return f"the index could not be read ({describe(error)})"
    return ""


def _damage_file(cache_dir: Path) -> Path:
    return cache_dir / "index.damaged"


def mark_damaged(cache_dir: Path, generation: int, reason: str) -> None:
    """Remember that this generation of the index failed to read (found by
    a search): the next index run rebuilds it."""
    with contextlib.suppress(OSError):
        _damage_file(cache_dir).write_text(f"{generation}\n{reason}\n", encoding="utf-8")


def marked_damaged(cache_dir: Path) -> str:
    """Why the index on disk was found damaged ('' if it was not, or if it
    has been replaced since)."""
    try:
        generation, _, reason = _damage_file(cache_dir).read_text(encoding="utf-8", errors="replace").partition("\n")
    except OSError:
        return ""
    if generation.strip() != str(generations.latest_generation(cache_dir / "index")):
        return ""
    return reason.strip()[:200] or "the index could not be read"


def remove_leftovers(index_dir: Path) -> None:
    """Delete what killed runs left in the index folder: files of segments
    that were never committed, pools and half-written TOCs. Only under the
    writer lock (no other writer exists)."""
    storage = open_storage(index_dir)
    try:
        toc = whoosh.index.TOC.read(storage, INDEX_NAME)
    except Exception:  # noqa: BLE001 - an unreadable index is rebuilt, not cleaned
        return
    keep_prefixes = tuple(f"{segment.segment_id()}." for segment in toc.segments)
    current = f"_{INDEX_NAME}_{toc.generation}.toc"
    for entry in os.scandir(index_dir):
        name = entry.name
        if name == current or name.endswith("WRITELOCK") or name.startswith(keep_prefixes):
            continue
        with contextlib.suppress(OSError):
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)
            else:
                os.unlink(entry.path)


@contextlib.contextmanager
def writer_lock(cache_dir: Path, wait: float = 0.0, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """One indexer at a time. flock is released when a process dies, so a
    killed run never leaves a lock behind. The holder writes its PID in the
    file: a lock still held while that process is gone is held by a stray
    process that inherited it, and is broken (a new lock file)."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    path = cache_dir / "index.lock"
    deadline = time.monotonic() + wait
    told = False
    suspects: dict[tuple[int, int], float] = {}  # (inode, dead holder) -> first seen
    while True:
        handle = path.open("a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder, inode = _lock_holder(handle), os.fstat(handle.fileno()).st_ino
            handle.close()
            if holder and not _alive(holder):
                # Seen twice a second apart: not a holder about to write its PID.
                first = suspects.setdefault((inode, holder), time.monotonic())
                if time.monotonic() - first >= 1.0:
                    _break_lock(cache_dir, path, inode)
                    continue
            if on_wait is not None and not told and wait > 0:
                on_wait()
                told = True
            if time.monotonic() >= deadline:
                raise IndexBusyError("another papers process is indexing; try again when it has finished") from None
            time.sleep(0.2)
            continue
        if _same_file(handle, path):
            break
        handle.close()  # the file was replaced while we locked it: lock the new one
    try:
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        yield
    finally:
        with contextlib.suppress(OSError):
            handle.truncate(0)
        handle.close()


def _lock_holder(handle: IO[str]) -> int:
    try:
        handle.seek(0)
        text = handle.read(32).strip()
    except OSError:
        return 0
    return int(text) if text.isdigit() else 0


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _same_file(handle: IO[str], path: Path) -> bool:
    try:
        return os.stat(path).st_ino == os.fstat(handle.fileno()).st_ino
    except FileNotFoundError:
        return False


def _break_lock(cache_dir: Path, path: Path, inode: int) -> None:
    """Replace a lock file held only by a stray process (once, even when two
    runs find it at the same time)."""
    with (cache_dir / "index.lock.break").open("a") as guard:
        fcntl.flock(guard, fcntl.LOCK_EX)
        with contextlib.suppress(FileNotFoundError):
            if os.stat(path).st_ino == inode:
                os.unlink(path)


class Indexer:
    """Brings the index and catalog in the cache dir up to date with dumps."""

    def __init__(self, cache_dir: Path, progress: ProgressCallback | None = None) -> None:
        self.cache_dir = cache_dir
        self.index_dir = cache_dir / "index"
        self.catalog_path = cache_dir / "catalog.sqlite3"
        self.damage_path = _damage_file(cache_dir)
        self.progress = progress or _no_progress
        self.rebuilt_because = ""

    def update(self, locations: Sequence[Path], rebuild: bool = False, wait: float = 0.0) -> IndexReport:
        waiting = Progress("wait", 0, 0, "another papers process is indexing")
        with writer_lock(self.cache_dir, wait, lambda: self.progress(waiting)):
            try:
                return self._run(locations, "asked to rebuild" if rebuild else "")
            except Exception as error:
                if not is_cache_damage(error, self.cache_dir):
                    raise
                # Damage found half-way (a cut segment, a garbled catalog page):
                # the cache is thrown away and built again from the dumps.
                return self._run(locations, f"the cache could not be read ({describe(error)})", damaged=True)

    def _run(self, locations: Sequence[Path], reason: str, damaged: bool = False) -> IndexReport:
        index, catalog, clear = self._open(reason, damaged)
        try:
            report = self._update(index, catalog, locations, clear)
        finally:
            catalog.close()
        with contextlib.suppress(FileNotFoundError):
            self.damage_path.unlink()
        return report

    # opening -----------------------------------------------------------
    def _open(self, reason: str, damaged: bool) -> tuple[whoosh.index.Index, Catalog, bool]:
        """The index and catalog to update, and whether this run replaces
        everything they hold (a rebuild)."""
        if not reason:
            reason = self._check()
        clear = False
        if reason:
            # A readable index stays searchable while its replacement is
            # written: the rebuild commits once, dropping the old segments.
            if not damaged and reason in _CLEAR_IN_PLACE and not index_problem(self.index_dir):
                if reason in (_NO_CATALOG, _BAD_CATALOG):
                    self._remove_catalog()
                clear = True
            else:
                self._reset()
        self.index_dir.mkdir(parents=True, exist_ok=True)
        index = open_index(self.index_dir)
        if index is None:
            index = open_storage(self.index_dir).create_index(make_schema(), indexname=INDEX_NAME)
        remove_leftovers(self.index_dir)
        catalog = Catalog(self.catalog_path)
        _settle_merge(catalog, index.latest_generation())
        if catalog.meta("version") is None:
            catalog.set_meta("version", str(CATALOG_VERSION))
            catalog.set_meta("index_version", str(INDEX_VERSION))
            # A new catalog beside an old index matches it only once the
            # rebuild commits: killed before, the next run rebuilds again.
            catalog.set_meta("generation", "-1" if clear else str(index.latest_generation()))
        self.rebuilt_because = reason
        return index, catalog, clear

    def _check(self) -> str:
        """Why the cache must be rebuilt, or '' if it is sound."""
        has_index = index_files_exist(self.index_dir)
        if not has_index and not self.catalog_path.exists():
            return ""  # first run
        if not has_index:
            return "the index was missing"
        damage = marked_damaged(self.cache_dir)
        if damage:
            return damage
        problem = index_problem(self.index_dir)
        if problem:
            return problem
        index = open_index(self.index_dir)
        if index is None:
            return "the index could not be opened or has another version"
        if not self.catalog_path.exists():
            return _NO_CATALOG
        try:
            catalog = Catalog(self.catalog_path)
        except Exception:  # noqa: BLE001
            return _BAD_CATALOG
        try:
            if catalog.meta("version") != str(CATALOG_VERSION) or catalog.meta("index_version") != str(INDEX_VERSION):
                return "the index has another version"
            if str(index.latest_generation()) not in (catalog.meta("generation"), catalog.meta(_MERGED)):
                return _OUT_OF_STEP
        except Exception:  # noqa: BLE001
            return _BAD_CATALOG
        finally:
            catalog.close()
        return ""

    def _reset(self) -> None:
        shutil.rmtree(self.index_dir, ignore_errors=True)
        shutil.rmtree(generations.files_dir(self.index_dir), ignore_errors=True)
        self._remove_catalog()

    def _remove_catalog(self) -> None:
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(f"{self.catalog_path}{suffix}")

    # updating ----------------------------------------------------------
    def _update(
        self, index: whoosh.index.Index, catalog: Catalog, locations: Sequence[Path], clear: bool = False
    ) -> IndexReport:
        self.progress(Progress("scan", 0, 0, "looking for dumps"))
        files, problems = find_dump_files(locations)
        known = {} if clear else catalog.dumps()
        present: set[str] = set()
        to_read: list[tuple[Path, str, os.stat_result]] = []
        unchanged = 0
        folders: dict[Path, str] = {}
        for file in files:
            key = _real_path(file, folders)
            present.add(key)
            try:
                stat = file.stat()
            except OSError as error:
                problems.append(Problem(str(file), 0, f"cannot read: {error.strerror or error}", "error"))
                continue
            record = known.get(key)
            if record and record.size == stat.st_size and record.mtime_ns == stat.st_mtime_ns:
                unchanged += 1
                problems.extend(record.problems)
            else:
                to_read.append((file, key, stat))
        gone = [path for path in known if path not in present]

        batch = _Batch(index, self.index_dir, catalog, self.progress, clear)
        first_batch = min(FIRST_BATCH_PAPERS, BATCH_PAPERS) if len(to_read) >= LONG_RUN_DUMPS else BATCH_PAPERS
        read = entries = 0
        for number, (file, key, stat) in enumerate(to_read, start=1):
            self.progress(Progress("read", number - 1, len(to_read), file.name))
            got = self._read_dump(batch, file, key, stat, known.get(key), problems)
            if got is None:
                unchanged += 1
            else:
                read += 1
                entries += got
            # A rebuild commits once, at the end: the old index serves until then.
            if not clear and batch.size >= _batch_target(batch, first_batch):
                batch.commit()
        for path in gone:
            batch.remove_dump(path)
        batch.commit()
        total = catalog.paper_count()
        repaired = self._verify(index, catalog, total, batch.notes)
        if not generations.path_for(self.index_dir, index.latest_generation()).exists():
            write_snapshot(index, self.index_dir)  # an index written before these files existed
        self.progress(Progress("done", total, total, ""))
        problems.extend(Problem(str(self.index_dir), 0, note, "info") for note in batch.notes)
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
            repaired=repaired,
        )

    def _read_dump(
        self,
        batch: _Batch,
        file: Path,
        key: str,
        stat: os.stat_result,
        record: DumpRecord | None,
        problems: list[Problem],
    ) -> int | None:
        """Read one dump into the batch: its entry count, or None if it was
        touched but not changed. The parsed text is freed on return, before
        the batch is written (a 200 MB dump must not sit in memory twice)."""
        parsed = parse_dump(file)
        problems.extend(parsed.problems)
        if record and parsed.sha256 and record.sha256 == parsed.sha256:
            # Touched but not changed: remember the new metadata only. An
            # undated dump keeps the date it was first indexed with.
            batch.touch(dataclasses.replace(_record(key, stat, parsed), date=record.date))
            return None
        batch.add_dump(_record(key, stat, parsed), parsed)
        return len(parsed.entries)

    def _verify(self, index: whoosh.index.Index, catalog: Catalog, total: int, notes: list[str]) -> int:
        """Check that the index holds each catalog paper exactly once, and
        repair it if not (a writer that died, a run of an older version).
        Returns how many papers were repaired; a text that could not be
        read again is told in `notes`."""
        with index.searcher() as searcher:
            if searcher.doc_count() == total:
                return 0
            expected = catalog.all_paper_ids()
            counts: dict[str, int] = {}
            for pid in live_ids(searcher.reader()):
                if pid is not None:
                    counts[pid] = counts.get(pid, 0) + 1
        wrong = {pid for pid, count in counts.items() if count > 1 or pid not in expected}
        missing = expected - counts.keys()
        self.progress(Progress("repair", 0, len(wrong) + len(missing), "the index did not match the catalog"))
        writer = SegmentWriter(index, _lk=False, limitmb=LIMIT_MB)
        recall = TextRecall(index)
        try:
            for pid in wrong:
                writer.delete_by_term("id", pid)
            for chunk in _chunks(sorted(missing | (wrong & expected)), CHUNK_PAPERS):
                for paper in catalog.merged(chunk, recall).values():
                    writer.add_document(**paper_document(paper))
            writer.commit(mergetype=NO_MERGE)
        except BaseException:
            writer.cancel()
            raise
        finally:
            recall.close()
        notes.extend(_unreadable_notes(recall))
        catalog.begin()
        catalog.set_meta("generation", str(index.latest_generation()))
        catalog.commit()
        write_snapshot(index, self.index_dir)
        return len(wrong | missing)


# The generation a background merge is committing: the same papers as the
# catalog's generation, so either matches the catalog (`merge_segments`).
_MERGED = "merged_generation"


def _settle_merge(catalog: Catalog, generation: int) -> None:
    """Under the writer lock: a merge killed after its TOC was written left
    the catalog naming the merged generation; any other mark is stale."""
    merged = catalog.meta(_MERGED)
    if merged is None:
        return
    catalog.begin()
    if merged == str(generation):
        catalog.set_meta("generation", merged)
    catalog.delete_meta(_MERGED)
    catalog.commit()


# Commits merge nothing (to stay quick); a background merge keeps the number
# of segments down, because a search reads every segment: at 100,000 papers a
# first index's 30 parts make `comp*` ~2x and `trans*` ~4x slower than one
# (docs/benchmarks.md, "Cold words, warm-up and phrases"). Segments are
# grouped in levels by size, each level LEVEL_FACTOR times bigger than the one
# below: level 0 holds the small ones (a day's dump, a repair), up to
# MAX_SEGMENTS of them; a bigger level up to MAX_PER_LEVEL. A level past its
# limit is merged into one segment together with every smaller one, so a
# paper is rewritten once per level it climbs (a few times in its life). A
# first index's parts all land in one or two levels, so its first merge
# makes one segment of them: minutes of CPU at 100,000 papers, written by a
# child process (reader/core/merge_process.py) while the app stays responsive.
MAX_SEGMENTS = 8
SMALL_SEGMENT = 500
LEVEL_FACTOR = 8
MAX_PER_LEVEL = 3
MERGE_WAIT = 3600.0  # seconds a finished merge waits for an indexer to let go


@dataclass(frozen=True, slots=True)
class MergeReport:
    """What a background merge did."""

    merged: int = 0  # segments merged into one (0: nothing to do)
    documents: int = 0
    segments: int = 0  # segments in the index afterwards
    gave_up: str = ""  # why the merge was dropped (nothing was changed)


def segment_level(documents: int) -> int:
    """0 for a small segment; one more for each LEVEL_FACTOR times bigger."""
    level, size = 0, SMALL_SEGMENT
    while documents >= size:
        level, size = level + 1, size * LEVEL_FACTOR
    return level


def segments_to_merge(segments: Sequence[Any], limit: int = MAX_SEGMENTS) -> list[Any]:
    """The segments of the biggest level with more than its limit (`limit`
    for the small ones, MAX_PER_LEVEL above), with every smaller segment;
    none if no level is over its limit."""
    levels = Counter(segment_level(segment.doc_count_all()) for segment in segments)
    over = [level for level, count in levels.items() if count > (limit if level == 0 else MAX_PER_LEVEL)]
    if not over:
        return []
    top = max(over)
    return [segment for segment in segments if segment_level(segment.doc_count_all()) <= top]


def merge_segments(
    cache_dir: Path,
    progress: ProgressCallback | None = None,
    limit: int = MAX_SEGMENTS,
    stop: Callable[[], bool] = lambda: False,
) -> MergeReport:
    """Merge segments when there are too many (`segments_to_merge`), in the
    background: searches and indexing go on meanwhile. The merged segment
    is written beside the index by a child process, without the writer
    lock; only its commit takes the lock, for a moment, and drops the merge
    if the segments it read have gone (a rebuild). Papers deleted meanwhile
    are deleted in the merged segment. `stop` returning True ends the merge
    early, changing nothing."""
    from .merge_process import MergeFailed, MergeStopped, write_merged_in_child

    progress = progress or _no_progress
    index_dir = cache_dir / "index"
    cache_dir.mkdir(parents=True, exist_ok=True)
    with (cache_dir / "merge.lock").open("a") as guard:
        try:
            fcntl.flock(guard, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return MergeReport(gave_up="another papers process is merging")
        storage = open_storage(index_dir)
        try:
            toc = whoosh.index.TOC.read(storage, INDEX_NAME)
        except Exception:  # noqa: BLE001 - no index, or one the next indexer rebuilds
            return MergeReport(gave_up="no readable index")
        work = cache_dir / "merging"
        shutil.rmtree(work, ignore_errors=True)  # what a killed merge left
        chosen = segments_to_merge(toc.segments, limit)
        if not chosen:
            return MergeReport(segments=len(toc.segments))
        work.mkdir()
        try:
            merged, documents, words = write_merged_in_child(index_dir, toc.schema, chosen, work, progress, stop)
            progress(Progress("merge-save", len(chosen), len(chosen), "saving the merged index"))
            with writer_lock(cache_dir, MERGE_WAIT):
                return _commit_merge(cache_dir, storage, chosen, merged, documents, words, work)
        except MergeStopped:
            return MergeReport(segments=len(toc.segments), gave_up="stopped")
        except MergeFailed as error:
            return MergeReport(segments=len(toc.segments), gave_up=str(error))
        finally:
            shutil.rmtree(work, ignore_errors=True)


def write_merged(
    storage: FileStorage, schema: Schema, chosen: Sequence[Any], work: Path, progress: ProgressCallback
) -> tuple[Any, int, Counter[str]]:
    """The chosen segments' live documents as one new segment, in `work`;
    and its words, the sum of theirs (reader/core/search.py). Run by the
    merge's child process (reader/core/merge_process.py)."""
    from .search import words_to_merge

    index_dir = Path(storage.folder)
    words: Counter[str] = Counter()
    scratch = FileStorage(str(work), supports_mmap=False).create_index(schema, indexname=INDEX_NAME)
    writer = SegmentWriter(scratch, _lk=False, limitmb=LIMIT_MB)
    documents = 0
    try:
        for number, segment in enumerate(chosen):
            progress(Progress("merge", number, len(chosen), f"merging {len(chosen)} parts of the index"))
            reader = SegmentReader(storage, schema, segment)
            try:
                writer.add_reader(reader)
                documents += reader.doc_count()
                words += words_to_merge(reader, index_dir)
            finally:
                reader.close()
        merged = writer._finalize_segment()
        writer._finish()
    except BaseException:
        if not writer.is_closed:
            writer.cancel()
        raise
    return merged, documents, words


def merged_columns(
    segments: Sequence[Any], chosen: Sequence[Any], merged: Any, previous: Snapshot
) -> dict[str, Columns]:
    """The columns of the segment merged from `chosen`, taken from the file
    of the generation it was committed on (`segments`): their documents
    live when the merge read them, in order, segment after segment. Nothing
    is known when that file describes other segments."""
    if previous.segments != [(segment.segment_id(), segment.doc_count_all()) for segment in segments]:
        return {}
    starts: dict[str, int] = {}
    start = 0
    for segment_id, count in previous.segments:
        starts[segment_id] = start
        start += count
    ids: list[str] = []
    keys: array[int] = array("q")
    for segment in chosen:
        start = starts[segment.segment_id()]
        deleted = set(segment.deleted_docs())
        live = [start + number for number in range(segment.doc_count_all()) if number not in deleted]
        ids.extend(previous.ids[number] for number in live)
        keys.extend(previous.keys[number] for number in live)
    if len(ids) != merged.doc_count_all():
        return {}
    return {merged.segment_id(): (ids, keys)}


def _commit_merge(
    cache_dir: Path,
    storage: FileStorage,
    chosen: Sequence[Any],
    merged: Any,
    documents: int,
    words: Counter[str],
    work: Path,
) -> MergeReport:
    """Under the writer lock: replace the chosen segments by the merged one
    (and its words, the sum of theirs, written first: a search of the new
    generation never reads the merged papers' text)."""
    from .search import save_index_vocabulary, save_merged_words, unmerge_words

    index_dir = cache_dir / "index"
    current = whoosh.index.TOC.read(storage, INDEX_NAME)
    now = {segment.segment_id(): segment for segment in current.segments}
    if any(segment.segment_id() not in now for segment in chosen):
        return MergeReport(segments=len(current.segments), gave_up="the index changed while it was merged")
    last_file = generations.read(index_dir, current.generation)  # unreadable once its TOC is cleared
    catalog = Catalog(cache_dir / "catalog.sqlite3")
    try:
        if catalog.meta("generation") != str(current.generation):
            return MergeReport(segments=len(current.segments), gave_up="the index and catalog are out of step")
        # Documents deleted since the merge read them (a changed dump): the
        # merged segment numbers the live ones in order, segment after segment.
        base = 0
        for segment in chosen:
            before = set(segment.deleted_docs())
            since = set(now[segment.segment_id()].deleted_docs()) - before
            live = (number for number in range(segment.doc_count_all()) if number not in before)
            for position, number in enumerate(live):
                if number in since:
                    merged.delete_document(base + position)
            base += segment.doc_count_all() - len(before)
            if since:
                reader = SegmentReader(storage, current.schema, segment)
                try:
                    unmerge_words(words, reader, since)
                finally:
                    reader.close()
        save_merged_words(index_dir, merged.segment_id(), words, merged.doc_count())
        generation = current.generation + 1
        catalog.begin()
        catalog.set_meta(_MERGED, str(generation))
        catalog.commit()
        prefix = f"{merged.segment_id()}."
        for name in os.listdir(work):
            if name.startswith(prefix):
                os.replace(work / name, index_dir / name)
        chosen_ids = {segment.segment_id() for segment in chosen}
        segments = [segment for segment in current.segments if segment.segment_id() not in chosen_ids] + [merged]
        whoosh.index.TOC(current.schema, segments, generation).write(storage, INDEX_NAME)
        whoosh.index.clean_files(storage, INDEX_NAME, generation, segments)
        _settle_merge(catalog, generation)
    finally:
        catalog.close()
    index = open_index(index_dir)
    if index is not None:
        # The merged segment's columns are the chosen ones', already in the
        # last generation file: taken from there, not read from the new
        # segment (100k reads of a few bytes held the app's screen ~0.2 s).
        known = merged_columns(current.segments, chosen, merged, last_file) if last_file is not None else None
        write_snapshot(index, index_dir, previous=last_file, known=known)
        # The same words as the generation before (when nothing was deleted
        # meanwhile): the first search after the merge loads a file.
        save_index_vocabulary(index, index_dir)
    return MergeReport(len(chosen), documents, len(segments))


_NO_CATALOG = "the catalog was missing"
_BAD_CATALOG = "the catalog could not be read"
_OUT_OF_STEP = "the index and catalog were out of step (an interrupted run)"
# Reasons that leave the index itself readable: it keeps serving searches
# until the rebuilt one is committed.
_CLEAR_IN_PLACE = frozenset({"asked to rebuild", _NO_CATALOG, _BAD_CATALOG, _OUT_OF_STEP})


def _batch_target(batch: _Batch, first_batch: int) -> int:
    """Papers the running batch holds before it is committed."""
    if batch.commits == 0:
        return first_batch
    return min(max(BATCH_PAPERS, batch.added + batch.updated), MAX_BATCH_PAPERS) if BATCH_GROWS else BATCH_PAPERS


def _unreadable_notes(recall: TextRecall) -> list[str]:
    """What a re-merge could not read again (a save that changed or went
    while this run wrote: the next run reads it anew)."""
    paths = sorted({ref.path for ref in recall.misses})
    return [f"{path}: changed while indexing; its papers are read again next run" for path in paths]


def _real_path(file: Path, folders: dict[Path, str]) -> str:
    """`file.resolve()`, resolving each folder once: a file that is not a
    link is its real folder plus its name (2,000 dumps: 0.25 s saved)."""
    try:
        if not file.is_symlink():
            folder = folders.get(file.parent)
            if folder is None:
                folder = folders[file.parent] = str(file.parent.resolve())
            return os.path.join(folder, file.name)
        return str(file.resolve())
    except (OSError, RuntimeError):  # a link loop, a name too long
        return str(file.absolute())


def _chunks(items: Sequence[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


def _digest(document: dict[str, Any]) -> bytes:
    """A short fingerprint of a document: an unchanged paper is not
    rewritten, and a 100k-paper update does not keep 100k papers in memory."""
    return hashlib.blake2b(repr(sorted(document.items())).encode("utf-8", "surrogatepass"), digest_size=16).digest()


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

    def __init__(
        self,
        index: whoosh.index.Index,
        index_dir: Path,
        catalog: Catalog,
        progress: ProgressCallback,
        clear: bool = False,
    ) -> None:
        self.index = index
        self.index_dir = index_dir
        self.catalog = catalog
        self.progress = progress
        # A rebuild: the catalog starts empty and the commit drops every old segment.
        self.clear = clear
        self.touched: set[str] = set()
        self.existed: set[str] = set()
        # Fingerprints of papers as merged before this batch: one that comes
        # out the same is not rewritten (an update costs ~4.6 ms a paper).
        self.previous: dict[str, bytes] = {}
        self.size = 0
        self.commits = 0  # of batches that wrote papers
        self.added = self.updated = self.removed = 0
        self.notes: list[str] = []
        self._open = False
        self._recall: TextRecall | None = None

    def _begin(self) -> None:
        if not self._open:
            self.catalog.begin()
            self._open = True
            if self.clear:
                self.catalog.clear()

    def _merged(self, ids: Sequence[str]) -> dict[str, Paper]:
        """The papers as merged now; texts not read in this batch come from
        the index as committed, or their dumps (reader/core/recall.py)."""
        if self._recall is None:
            self._recall = TextRecall(self.index)
        return self.catalog.merged(ids, self._recall)

    def _end_recall(self) -> None:
        if self._recall is not None:
            self.notes.extend(_unreadable_notes(self._recall))
            self._recall.close()
            self._recall = None

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
        for chunk in _chunks(sorted(existing), CHUNK_PAPERS):
            for pid, paper in self._merged(chunk).items():
                self.previous[pid] = _digest(paper_document(paper))

    def commit(self) -> None:
        if self.clear:
            self._begin()  # a rebuild of no dumps still empties the index
        if not self._open:
            return
        # Read before the commit clears its TOC (the file is checked against it).
        last_file = generations.read(self.index_dir, self.index.latest_generation())
        try:
            if self.touched or self.clear:
                self._write_index()
            self.catalog.set_meta("generation", str(self.index.latest_generation()))
            self.catalog.commit()
        except BaseException:
            self.catalog.rollback()
            raise
        finally:
            self._open = False
            self._end_recall()
        if self.touched or self.clear:
            self.commits += 1
            write_snapshot(self.index, self.index_dir, previous=last_file)
            # --- the vocabulary of the new generation, for searches (reader/core/search.py) ---
            from .search import save_index_vocabulary

            save_index_vocabulary(self.index, self.index_dir)
            # What this batch wrote is searchable from here on.
            self.progress(Progress("saved", self.added + self.updated, 0, ""))
        self.touched, self.existed, self.previous, self.size = set(), set(), {}, 0
        self.clear = False

    def _write_index(self) -> None:
        ids = sorted(self.touched)
        present = self.catalog.known(ids)
        fresh = {pid for pid in ids if pid in present and pid not in self.existed}
        children: ChildWriters | None = None
        writer: SegmentWriter | None = None
        total, done = len(ids), 0
        try:
            if len(fresh) >= PARALLEL_MIN and (os.cpu_count() or 1) > 1:
                # New papers go to child processes (the long part, on both
                # cores); changes and removals to this process's writer.
                children = ChildWriters(self.index_dir, INDEX_NAME, WRITER_PROCS, LIMIT_MB)
                for chunk in _chunks([pid for pid in ids if pid in fresh], CHUNK_PAPERS):
                    for pid, fresh_paper in self._merged(chunk).items():
                        children.add(pid, paper_document(fresh_paper))
                        self.added += 1
                    done += len(chunk)
                    self.progress(Progress("index", done, total, ""))
                children.finish()
            # The index lock is ours (writer_lock): Whoosh's own lock is not
            # taken, so no stray holder of it can block a run.
            writer = SegmentWriter(self.index, _lk=False, limitmb=LIMIT_MB)
            rest = [pid for pid in ids if pid not in fresh] if children else ids
            for chunk in _chunks(rest, CHUNK_PAPERS):
                merged = self._merged(chunk)
                for pid in chunk:
                    paper = merged.get(pid)
                    if paper is None:
                        writer.delete_by_term("id", pid)
                        self.removed += 1
                    elif pid not in self.existed:
                        writer.add_document(**paper_document(paper))
                        self.added += 1
                    else:
                        document = paper_document(paper)
                        if self.previous.get(pid) != _digest(document):  # else: same text and dumps as before
                            writer.update_document(**document)
                            self.updated += 1
                done += len(chunk)
                self.progress(Progress("index", done, total, ""))
            self.progress(Progress("commit", total, total, "saving the index"))
            # Never a merge on the writer's path: a small commit stays small
            # (`merge_segments` merges in the background).
            mergetype = CLEAR if self.clear else NO_MERGE
            if children is None:
                writer.commit(mergetype=mergetype)
                return
            # Old small segments merge here while the children finish theirs.
            segments = writer._merge_segments(mergetype, None, None)
            results = children.results()
            children = None
            for chunk in _chunks(results.redo, CHUNK_PAPERS):
                for paper in self._merged(chunk).values():
                    writer.add_document(**paper_document(paper))
            self.notes.extend(results.failures)
            segments.extend(results.segments)
            if writer._added:
                segments.append(writer._finalize_segment())
            else:
                writer._close_segment()
            writer._commit_toc(segments)
            writer._finish()
        except BaseException:
            if children is not None:
                children.kill()
            if writer is not None and not writer.is_closed:
                writer.cancel()
            raise
