"""Incremental indexing with real Whoosh on the sample dumps."""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
from pathlib import Path

import pytest

from benchmarks.index_speed import write_dumps
from reader.core.errors import IndexBusyError, UnknownPaperError
from reader.core.index import PARALLEL_MIN, Indexer, open_index, writer_lock
from reader.core.library import Library
from reader.core.locations import Locations
from reader.core.steps import Progress
from reader.core.views import Filter, Sort
from tests.helpers import hold_index_lock
from tests.robustness.damage import DAMAGE, damage_cache

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


@pytest.mark.parametrize("damage", DAMAGE)
def test_damaged_cache_is_rebuilt(library: Library, isolated_dirs: Locations, damage: str) -> None:
    damage_cache(isolated_dirs, damage)
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


def test_an_empty_index_is_a_normal_state(isolated_dirs: Locations, tmp_path: Path) -> None:
    """A folder with no papers (or a first run killed before its first
    commit) leaves an index with no documents: everything reads it."""
    empty = tmp_path / "empty"
    empty.mkdir()
    library = Library(isolated_dirs)
    assert library.index([empty]).papers_total == 0
    assert library.has_index()
    result = library.search("")
    assert (result.ids, result.total_in_library, result.partial) == ((), 0, False)
    assert library.search("kv cache", sort=Sort.DATE).ids == ()
    assert library.search("cach*").ids == () and library.search("cache~").ids == ()
    assert library.suggest("difusion") == []
    assert library.papers(["fe811da3dea9"]) == {}
    with pytest.raises(UnknownPaperError):
        library.resolve_id("fe811da3dea9")
    assert library.stats()["papers"] == 0
    assert library.export("markdown")[1] == 0
    assert library.parse("kv*").terms() == {}


def test_an_index_that_lost_papers_is_repaired(library: Library, isolated_dirs: Locations) -> None:
    """An index missing papers the catalog holds (a writer that died under
    an older version, a cache edited by hand) is repaired by the next run."""
    lost = list(library.search("").ids[:10])
    index = open_index(isolated_dirs.index_dir)
    assert index is not None
    writer = index.writer()
    for pid in lost:
        writer.delete_by_term("id", pid)
    writer.commit()
    with sqlite3.connect(isolated_dirs.catalog_path) as db:  # the catalog still agrees: no rebuild
        db.execute("UPDATE meta SET value=? WHERE key='generation'", (str(index.latest_generation()),))
    assert library.total() == 150
    report = library.index()
    assert (report.repaired, report.papers_total, report.rebuilt_because) == (10, 160, "")
    assert "10 repaired" in report.summary()
    assert library.total() == 160 and set(lost) <= set(library.search("").ids)


def test_bad_file_names_and_deep_folders_are_per_file_problems(isolated_dirs: Locations, dumps: Path) -> None:
    """A file name that is not UTF-8 and a folder 1,000 deep are indexed like
    any other, and the remembered folder keeps working."""
    first, second = sorted(dumps.glob("0*.txt"))
    bad = os.fsencode(dumps) + b"/bad\xff name.txt"
    os.rename(first, bad)
    folder = os.open(dumps, os.O_RDONLY)
    for _ in range(1_000):  # os.makedirs itself recurses too deep for this
        os.mkdir("d", dir_fd=folder)
        deeper = os.open("d", os.O_RDONLY, dir_fd=folder)
        os.close(folder)
        folder = deeper
    deep = os.open("deep.txt", os.O_WRONLY | os.O_CREAT, dir_fd=folder)
    os.write(deep, f"Mar 15\n\nA Paper Found Under Spelunking Folders\n\n{ABSTRACT}\n".encode())
    os.close(deep)
    os.close(folder)
    try:
        _index_bad_names_and_deep_folders(isolated_dirs, dumps, bad, second)
    finally:
        remove_tree(dumps / "d")  # shutil.rmtree (and pytest's clean-up) recurse too deep for it


def _index_bad_names_and_deep_folders(isolated_dirs: Locations, dumps: Path, bad: bytes, second: Path) -> None:
    library = Library(isolated_dirs)
    report = library.index([dumps])
    assert (report.dumps_read, report.papers_total) == (3, 161), report.problems
    (pid,) = library.search("title:hopper").ids
    assert any(os.fsencode(d.path) == bad for d in library.paper(pid).dumps)
    assert len(library.search("title:spelunking").ids) == 1
    os.utime(bad)  # touched: read again, from the remembered folder
    assert library.index().papers_total == 161
    second.unlink()
    assert library.index().dumps_removed == 1


def test_rebuild_keeps_the_old_index_until_the_new_one_is_committed(library: Library, dumps: Path) -> None:
    """While `--rebuild` runs, readers see the old index, never an empty one."""
    seen: list[int] = []

    def progress(step: Progress) -> None:
        if step.phase in ("read", "index", "commit"):
            seen.append(Library(library.locations).total())

    Indexer(library.locations.cache_dir, progress).update([dumps], rebuild=True)
    assert seen and set(seen) == {160}
    assert library.total() == 160


def test_writer_children_write_a_big_batch_exactly(isolated_dirs: Locations, tmp_path: Path) -> None:
    """A batch of new papers this big is written by two child processes;
    the index holds each paper once."""
    folder = tmp_path / "big"
    folder.mkdir()
    write_dumps(folder, PARALLEL_MIN + 200, 3)
    library = Library(isolated_dirs)
    report = library.index([folder])
    assert (report.added, report.papers_total, report.repaired) == (PARALLEL_MIN + 200, PARALLEL_MIN + 200, 0)
    index = open_index(isolated_dirs.index_dir)
    assert index is not None and len(index._segments()) >= 2  # one segment per child
    ids = library.search("").ids
    assert len(ids) == len(set(ids)) == PARALLEL_MIN + 200
    assert len(library.search("title:1200").ids) == 1


def remove_tree(root: Path) -> None:
    """Delete a folder tree of any depth, without recursion."""
    stack, folders = [str(root)], []
    while stack:
        folder = stack.pop()
        folders.append(folder)
        for entry in os.scandir(folder):
            if entry.is_dir(follow_symlinks=False):
                stack.append(entry.path)
            else:
                os.unlink(entry.path)
    for folder in reversed(folders):
        os.rmdir(folder)
