"""The catalog keeps what re-merging needs and no text, and an older one is rebuilt."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from reader.core.catalog import Catalog
from reader.core.dumps import find_dump_files, parse_dump
from reader.core.index import open_index
from reader.core.library import Library
from reader.core.locations import Locations
from reader.core.recall import TextRecall

# The layout of catalog version 2 (text kept as is, the dump's path on every occurrence).
VERSION_2 = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE dumps (path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,
    sha256 TEXT NOT NULL, date TEXT, entries INTEGER NOT NULL, problems TEXT NOT NULL);
CREATE TABLE occurrences (path TEXT NOT NULL, paper_id TEXT NOT NULL, title TEXT NOT NULL,
    abstract TEXT NOT NULL, line INTEGER NOT NULL, meta TEXT NOT NULL DEFAULT '{}');
INSERT INTO meta VALUES ('version', '2'), ('index_version', '2'), ('generation', '1');
"""


def test_the_catalog_keeps_no_text(library: Library, dumps: Path) -> None:
    """The index holds each paper's text; the catalog only which text won
    (version 3 kept it again, compressed: 0.68 of the text on the samples)."""
    files, _problems = find_dump_files([dumps])
    text = sum(len(e.title.encode()) + len(e.abstract.encode()) for f in files for e in parse_dump(f).entries)
    catalog_path = library.locations.cache_dir / "catalog.sqlite3"
    db = sqlite3.connect(catalog_path)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    assert catalog_path.stat().st_size < 0.2 * text


def test_re_merging_reads_back_every_occurrence(library: Library) -> None:
    """A paper in two dumps is merged from both: the winning text is read
    back from the index, the rest from the catalog."""
    index = open_index(library.locations.cache_dir / "index")
    assert index is not None
    catalog = Catalog(library.locations.cache_dir / "catalog.sqlite3")
    recall = TextRecall(index)
    try:
        ids = sorted(catalog.all_paper_ids())
        merged = catalog.merged(ids, recall)
    finally:
        recall.close()
        catalog.close()
    papers = library.papers(ids)
    assert len(merged) == len(ids) == 160
    for pid, paper in merged.items():
        assert (paper.title, paper.abstract, paper.dumps, paper.meta) == (
            papers[pid].title,
            papers[pid].abstract,
            papers[pid].dumps,
            papers[pid].meta,
        )
    assert sum(1 for paper in merged.values() if len(paper.dumps) == 2) == 34
    assert recall.misses == []


def test_a_catalog_of_the_older_layout_is_rebuilt(library: Library, isolated_dirs: Locations) -> None:
    expected = sorted(library.search("").ids)
    catalog_path = isolated_dirs.cache_dir / "catalog.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{catalog_path}{suffix}").unlink(missing_ok=True)
    db = sqlite3.connect(catalog_path)
    db.executescript(VERSION_2)
    db.close()
    report = Library(isolated_dirs).index()
    assert report.rebuilt_because and report.papers_total == 160
    assert sorted(Library(isolated_dirs).search("").ids) == expected
    assert Library(isolated_dirs).index().rebuilt_because == ""
