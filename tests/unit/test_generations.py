"""The per-generation files beside the index: the ID map, the date order and
the default view's first rows, written at commit and read instead of Whoosh."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from whoosh.query import Every
from whoosh.reading import SegmentReader

from reader.core import generations
from reader.core.index import open_index, take_snapshot
from reader.core.library import Library
from reader.core.locations import Locations

ABSTRACT = "We propose a method for testing generation files that is thorough. " * 4


def from_columns(locations: Locations) -> generations.Snapshot:
    """The snapshot a reader would build from the index itself."""
    index = open_index(locations.index_dir)
    assert index is not None
    with index.reader() as reader:
        generation = reader.generation()
        assert generation is not None
        return take_snapshot(reader, generation)


def on_disk(locations: Locations) -> generations.Snapshot:
    snapshot = generations.read(locations.index_dir, generations.latest_generation(locations.index_dir))
    assert snapshot is not None, "no generation file for the newest generation"
    return snapshot


def assert_same(written: generations.Snapshot, built: generations.Snapshot) -> None:
    assert written.generation == built.generation
    assert written.segments == built.segments
    assert written.ids == built.ids
    assert list(written.keys) == list(built.keys)
    assert list(written.newest_first) == list(built.newest_first)
    assert written.rows == built.rows


def whoosh_newest_first(locations: Locations) -> list[str]:
    index = open_index(locations.index_dir)
    assert index is not None
    with index.searcher() as searcher:
        hits = searcher.search(Every(), limit=None, sortedby="order", reverse=True)
        return [hit["id"] for hit in hits]


def test_each_commit_writes_its_generation_file_matching_the_columns(library: Library) -> None:
    locations = library.locations
    written = on_disk(locations)
    assert_same(written, from_columns(locations))
    assert written.total == 160 and len(written.rows) == min(generations.FIRST_ROWS, 160)
    # The date order is the index's own sort by the `order` field, newest first.
    whoosh_order = whoosh_newest_first(locations)
    assert [written.keys[n] for n in written.newest_first] == sorted(written.keys, reverse=True)
    assert set(written.newest_first_ids()) == set(whoosh_order)
    # The first rows are what the list shows for those papers.
    papers = library.papers([row.paper_id for row in written.rows])
    for row in written.rows:
        paper = papers[row.paper_id]
        date = paper.newest_date
        assert (row.title, row.date) == (paper.title, date.isoformat() if date else "")
    assert [row.paper_id for row in written.rows] == written.newest_first_ids()[: len(written.rows)]


def test_a_small_commit_extends_the_previous_file(library: Library, dumps: Path) -> None:
    locations = library.locations
    before = on_disk(locations)
    (dumps / "zz_new.txt").write_text(f"Mar 15, 2031\n\nA Paper From The Future On Zebras\n\n{ABSTRACT}\n")
    first = sorted(dumps.glob("0*.txt"))[0]
    first.write_text(first.read_text(encoding="utf-8").replace("a", "A", 40), encoding="utf-8")
    report = library.index()
    assert report.added >= 1
    after = on_disk(locations)
    assert after.generation > before.generation
    assert_same(after, from_columns(locations))
    assert after.rows[0].title == "A Paper From The Future On Zebras"
    assert library.search("").ids[0] == after.rows[0].paper_id
    # Only the two newest generations keep their files.
    names = os.listdir(generations.files_dir(locations.index_dir))
    assert len([name for name in names if name.endswith(".bin")]) <= generations.KEEP


def test_an_index_without_the_files_still_reads_and_gets_them(library: Library) -> None:
    """An index written before these files existed (or whose files were lost)."""
    locations = library.locations
    expected = library.search("").ids
    shutil.rmtree(generations.files_dir(locations.index_dir))
    fresh = Library(locations)
    assert fresh.search("").ids == expected
    assert len(fresh.search("model").ids) > 0
    assert_same(on_disk(locations), from_columns(locations))  # the reader wrote it
    assert Library(locations).search("").ids == expected


def test_a_file_of_another_index_is_not_used(library: Library) -> None:
    """The index folder deleted and built again: its generation numbers start
    again, and an old file with the same number must not be read."""
    locations = library.locations
    stale = generations.path_for(locations.index_dir, on_disk_generation(locations)).read_bytes()
    shutil.rmtree(locations.index_dir)
    Library(locations).index()
    path = generations.path_for(locations.index_dir, on_disk_generation(locations))
    path.write_bytes(stale)
    assert generations.read(locations.index_dir, on_disk_generation(locations)) is None
    assert Library(locations).first_view() is None
    assert Library(locations).search("").ids == tuple(from_columns(locations).newest_first_ids())


def test_a_damaged_file_is_ignored(library: Library) -> None:
    locations = library.locations
    path = generations.path_for(locations.index_dir, generations.latest_generation(locations.index_dir))
    data = path.read_bytes()
    expected = library.search("").ids
    for damaged in (data[: len(data) // 2], data[:-3], b"garbage\n" + data, b""):
        path.write_bytes(damaged)
        assert generations.read(locations.index_dir, on_disk_generation(locations)) is None
        assert Library(locations).first_view() is None
        assert Library(locations).search("").ids == expected


def on_disk_generation(locations: Locations) -> int:
    return generations.latest_generation(locations.index_dir)


def test_the_first_view_is_read_without_importing_whoosh(library: Library) -> None:
    script = (
        "import sys; from reader.core.library import Library\n"
        "view = Library().first_view()\n"
        "assert 'whoosh' not in sys.modules, 'whoosh was imported'\n"
        "print(view.total, len(view.ids), view.rows[0].paper_id, view.ids[0])\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout.split()
    assert out[:2] == ["160", "160"] and out[2] == out[3] == library.search("").ids[0]


def test_a_small_commit_reads_only_its_new_papers_columns(
    library: Library, dumps: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file of the generation before gives the rest: at 100k papers a
    commit that read every column again spent ~0.4 s on 200,000 small
    reads in the app's process, each one a chance for the screen's thread
    to wait (docs/benchmarks.md)."""
    read: list[int] = []
    original = SegmentReader.column_reader

    def counted(self: SegmentReader, fieldname: str, *args: Any, **kwargs: Any) -> Any:
        read.append(self.doc_count_all())
        return original(self, fieldname, *args, **kwargs)

    monkeypatch.setattr(SegmentReader, "column_reader", counted)
    (dumps / "zz_new.txt").write_text(f"Mar 15, 2031\n\nA Paper From The Future On Zebras\n\n{ABSTRACT}\n")
    assert library.index().added == 1
    assert read == [1, 1]  # the new segment's paper: its ID and its date key
    monkeypatch.undo()
    assert_same(on_disk(library.locations), from_columns(library.locations))
