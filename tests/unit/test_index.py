"""Incremental indexing with real Whoosh on the sample dumps."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from reader.core.errors import IndexBusyError
from reader.core.index import Indexer, writer_lock
from reader.core.library import Library
from reader.core.locations import Locations
from reader.core.views import Filter
from tests.helpers import hold_index_lock

ABSTRACT = "We propose a method for testing indexers that is thorough and dependable. " * 5


def test_first_index_counts(isolated_dirs: Locations, dumps: Path) -> None:
    report = Library(isolated_dirs).index([dumps])
    assert (report.dumps_read, report.entries, report.papers_total, report.added) == (2, 194, 160, 160)
    assert report.summary().startswith("160 papers from 194 entries in 2 dumps")


def test_second_run_reads_nothing(library: Library) -> None:
    report = library.index()
    assert (report.dumps_read, report.dumps_unchanged, report.added, report.updated) == (0, 2, 0, 0)


def test_touched_but_unchanged_dump_is_not_reindexed(library: Library, dumps: Path) -> None:
    first = sorted(dumps.glob("*.txt"))[0]
    os.utime(first)  # new mtime, same bytes
    report = library.index()
    assert (report.dumps_read, report.added, report.updated) == (0, 0, 0)


def test_paper_in_two_dumps_lists_both(library: Library) -> None:
    shared = [p for p in library.papers(library.search("").ids).values() if len(p.dumps) == 2]
    assert len(shared) == 34


def test_new_changed_and_removed_dump(library: Library, dumps: Path) -> None:
    new = dumps / "zz_new.txt"
    new.write_text(f"Mar 15\n\nA Completely New Paper On Zebras\n\n{ABSTRACT}\n", encoding="utf-8")
    report = library.index()
    assert (report.dumps_read, report.added, report.papers_total) == (1, 1, 161)
    assert len(library.search("zebras").ids) == 1

    new.write_text(f"Mar 15\n\nA Completely New Paper On Giraffes\n\n{ABSTRACT}\n", encoding="utf-8")
    report = library.index()
    assert (report.added, report.removed, report.papers_total) == (1, 1, 161)
    assert library.search("zebras").ids == () and len(library.search("giraffes").ids) == 1

    first, second = sorted(dumps.glob("0*.txt"))
    second.unlink()
    report = library.index()
    # 88 entries in the second dump: 34 are also in the first, so 54 go and 34 change.
    assert (report.dumps_removed, report.removed, report.updated, report.papers_total) == (1, 54, 34, 107)
    assert all(len(p.dumps) == 1 for p in library.papers(library.search("").ids).values())


def test_case_variant_title_merges(library: Library, dumps: Path) -> None:
    (dumps / "zz.txt").write_text(
        "\n\nbenchmarking and dissecting the NVIDIA hopper   GPU architecture\n\n" + ABSTRACT, encoding="utf-8"
    )
    report = library.index()
    assert (report.added, report.updated) == (0, 1)
    (pid,) = library.search("title:hopper").ids
    assert len(library.paper(pid).dumps) == 3  # it is in both samples already


def test_stars_and_notes_survive_losing_the_cache(library: Library, isolated_dirs: Locations) -> None:
    pid = library.search("title:hopper").ids[0]
    paper = library.paper(pid)
    library.star(paper)
    library.save_note(paper, "read later")
    library.close()
    shutil.rmtree(isolated_dirs.cache_dir)
    fresh = Library(isolated_dirs)
    assert fresh.search("title:hopper").ids == ()  # no index: nothing to search yet
    fresh.index()
    state = fresh.state(pid)
    assert state.starred and state.note == "read later"
    assert fresh.search("", filter=Filter.STARRED).ids == (pid,)


def test_removed_dump_keeps_starred_paper_from_store(library: Library, dumps: Path) -> None:
    pid = library.search("title:hopper").ids[0]
    library.star(library.paper(pid))
    shutil.rmtree(dumps)
    dumps.mkdir()
    library.index()
    paper = library.paper(pid)
    assert paper.title == "Benchmarking and Dissecting the Nvidia Hopper GPU Architecture"
    assert paper.dumps == () and paper.abstract == ""
    assert library.search("", filter=Filter.STARRED).ids == (pid,)  # still listed in the app


@pytest.mark.parametrize(
    "damage",
    ["delete_index", "truncate_segments", "garbage_toc", "other_version", "out_of_step"],
)
def test_damaged_cache_is_rebuilt(library: Library, isolated_dirs: Locations, damage: str) -> None:
    index_dir = isolated_dirs.index_dir
    if damage == "delete_index":
        shutil.rmtree(index_dir)
    elif damage == "truncate_segments":
        for segment in index_dir.glob("*.seg"):
            segment.write_bytes(segment.read_bytes()[:100])
    elif damage == "garbage_toc":
        for toc in index_dir.glob("*.toc"):
            toc.write_bytes(b"not a pickle")
    elif damage == "other_version":
        import sqlite3

        with sqlite3.connect(isolated_dirs.catalog_path) as db:
            db.execute("UPDATE meta SET value='0' WHERE key='index_version'")
    else:
        import sqlite3

        with sqlite3.connect(isolated_dirs.catalog_path) as db:
            db.execute("UPDATE meta SET value='-1' WHERE key='generation'")
    report = library.index()
    assert report.rebuilt_because
    assert (report.papers_total, report.added) == (160, 160)
    assert len(library.search("kv cache").ids) == 14


def test_second_indexer_is_told_the_index_is_busy(isolated_dirs: Locations, dumps: Path) -> None:
    with writer_lock(isolated_dirs.cache_dir), pytest.raises(IndexBusyError):
        Indexer(isolated_dirs.cache_dir).update([dumps])


def test_lock_of_a_killed_process_does_not_block(isolated_dirs: Locations, dumps: Path) -> None:
    holder = hold_index_lock(isolated_dirs.cache_dir, 60)
    holder.kill()
    holder.wait()
    started = time.monotonic()
    report = Indexer(isolated_dirs.cache_dir).update([dumps])
    assert report.papers_total == 160 and time.monotonic() - started < 30


def test_progress_is_reported(isolated_dirs: Locations, dumps: Path) -> None:
    phases: list[str] = []
    Indexer(isolated_dirs.cache_dir, lambda step: phases.append(step.phase)).update([dumps])
    assert phases[0] == "scan" and "read" in phases and "commit" in phases and phases[-1] == "done"


def test_problems_are_reported_and_the_rest_indexed(isolated_dirs: Locations, dumps: Path) -> None:
    (dumps / "bad.txt").write_bytes(b"\x00\x01binary")
    (dumps / "half.txt").write_text(f"Good Paper About Owls\n\n{ABSTRACT}\n\nDangling Title\n", encoding="utf-8")
    report = Library(isolated_dirs).index([dumps])
    text = [str(p) for p in report.problems]
    assert any("bad.txt" in t and "binary" in t for t in text)
    assert any("half.txt:5:" in t and "no abstract" in t for t in text)
    assert report.papers_total == 162  # the dangling title is kept, without an abstract
