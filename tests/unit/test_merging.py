"""Commits never merge on the writer's path; a background merge does, while
searches and indexing go on, and keeps what happened meanwhile."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from benchmarks.index_speed import write_dumps
from reader.core import generations
from reader.core import index as index_module
from reader.core.catalog import Catalog
from reader.core.index import MAX_SEGMENTS, open_index, take_snapshot
from reader.core.library import Library
from reader.core.locations import Locations
from reader.core.steps import Progress

DUMPS = MAX_SEGMENTS + 4


def segment_ids(locations: Locations) -> list[str]:
    index = open_index(locations.index_dir)
    assert index is not None
    return [segment.segment_id() for segment in index._segments()]


@pytest.fixture
def many_parts(isolated_dirs: Locations, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Library, Path]:
    """An index committed one dump at a time: one segment per dump."""
    folder = tmp_path / "many"
    folder.mkdir()
    write_dumps(folder, DUMPS * 10, DUMPS)
    monkeypatch.setattr(index_module, "BATCH_PAPERS", 1)
    library = Library(isolated_dirs)
    report = library.index([folder])
    assert report.papers_total == DUMPS * 10
    return library, folder


def every_hit(library: Library) -> dict[str, list[str]]:
    """The papers each query finds (a merge renumbers documents, which
    reorders papers of equal score or date: these dumps share one date)."""
    return {query: sorted(library.search(query).ids) for query in ("", "model", "data", "title:17", "1*")}


def assert_generation_file_matches(locations: Locations) -> None:
    generation = generations.latest_generation(locations.index_dir)
    written = generations.read(locations.index_dir, generation)
    assert written is not None
    index = open_index(locations.index_dir)
    assert index is not None
    with index.reader() as reader:
        built = take_snapshot(reader, generation)
    assert (written.ids, list(written.newest_first), written.rows) == (
        built.ids,
        list(built.newest_first),
        built.rows,
    )


def test_a_small_commit_does_not_merge(many_parts: tuple[Library, Path]) -> None:
    library, folder = many_parts
    before = segment_ids(library.locations)
    assert len(before) == DUMPS  # no commit merged the ones before it
    write_dumps(folder, 10, 1, seed=11, offset=DUMPS)
    report = library.index()
    assert report.added == 10
    after = segment_ids(library.locations)
    assert after[: len(before)] == before and len(after) == len(before) + 1


def test_the_background_merge_keeps_every_answer(many_parts: tuple[Library, Path]) -> None:
    library, _folder = many_parts
    expected = every_hit(library)
    steps: list[Progress] = []
    report = library.merge(steps.append)
    assert report.merged == DUMPS and report.documents == DUMPS * 10
    assert report.segments == 1 == len(segment_ids(library.locations))
    assert steps and {step.phase for step in steps} == {"merge", "merge-save"}
    assert every_hit(library) == expected
    assert every_hit(Library(library.locations)) == expected
    assert_generation_file_matches(library.locations)
    # The catalog follows the merged generation: the next run has nothing to do.
    again = library.index()
    assert (again.rebuilt_because, again.dumps_read, again.added, again.repaired) == ("", 0, 0, 0)
    assert library.merge().merged == 0  # few parts now: nothing to merge


def test_big_segments_are_left_alone(many_parts: tuple[Library, Path]) -> None:
    """A first index's batches are not rewritten: only small parts merge."""
    library, folder = many_parts
    library.merge()  # one small part of DUMPS * 10 papers
    write_dumps(folder, index_module.SMALL_SEGMENT, 1, seed=9, offset=DUMPS)  # one big part
    library.index()
    big = segment_ids(library.locations)[1]
    for day in range(MAX_SEGMENTS + 1):
        write_dumps(folder, 10, 1, seed=20 + day, offset=DUMPS + 1 + day)  # small parts
        library.index()
    assert len(segment_ids(library.locations)) == MAX_SEGMENTS + 3
    report = library.merge()
    assert report.merged == MAX_SEGMENTS + 2  # every part but the big one
    assert segment_ids(library.locations)[0] == big and report.segments == 2


def test_papers_changed_during_a_merge_stay_changed(many_parts: tuple[Library, Path]) -> None:
    """A dump changed while the merge copies its segment: the papers it
    deleted or replaced are deleted in the merged segment too."""
    library, folder = many_parts
    first = sorted(folder.glob("*.txt"))[0]
    gone_title = first.read_text(encoding="utf-8").split("\n\n")[3]
    gone_id = next(pid for pid in library.search("").ids if library.paper(pid).title == gone_title)
    changed: list[str] = []

    def meanwhile(step: Progress) -> None:
        if step.detail == "saving the merged index" and not changed:
            first.write_text(first.read_text(encoding="utf-8").replace(gone_title, "Zebras Crossing Everywhere"))
            changed.append(library.index().summary())

    report = library.merge(meanwhile)
    assert changed and report.merged and not report.gave_up
    ids = library.search("").ids
    assert gone_id not in ids and len(ids) == len(set(ids)) == DUMPS * 10
    assert len(library.search("zebras").ids) == 1
    again = library.index()
    assert (again.rebuilt_because, again.repaired) == ("", 0)
    assert_generation_file_matches(library.locations)


def test_a_merge_gives_up_when_a_rebuild_replaced_its_parts(many_parts: tuple[Library, Path]) -> None:
    library, _folder = many_parts
    expected = every_hit(library)

    def meanwhile(step: Progress) -> None:
        if step.detail == "saving the merged index":
            library.index(rebuild=True)

    report = library.merge(meanwhile)
    assert report.merged == 0 and report.gave_up
    assert every_hit(library) == expected
    assert library.index().rebuilt_because == ""


def test_a_merge_killed_after_its_commit_mark_leaves_the_cache_sound(many_parts: tuple[Library, Path]) -> None:
    """The catalog names the merged generation before its TOC is written: a
    run killed between the two (or after) is in step, never rebuilt."""
    library, _folder = many_parts
    locations = library.locations
    expected = every_hit(library)
    catalog = Catalog(locations.cache_dir / "catalog.sqlite3")
    generation = int(catalog.meta("generation") or -1)
    catalog.begin()
    catalog.set_meta("merged_generation", str(generation + 1))  # as if killed before the TOC
    catalog.commit()
    catalog.close()
    report = library.index()
    assert (report.rebuilt_because, report.repaired) == ("", 0)
    assert every_hit(library) == expected
    # A later commit of that same generation number is checked as usual.
    catalog = Catalog(locations.cache_dir / "catalog.sqlite3")
    assert catalog.meta("merged_generation") is None
    catalog.close()


def test_leftovers_of_a_killed_merge_are_cleared(many_parts: tuple[Library, Path]) -> None:
    library, _folder = many_parts
    work = library.locations.cache_dir / "merging"
    work.mkdir()
    (work / "papers_leftover.seg").write_bytes(b"x" * 100)
    assert library.merge().merged
    assert not work.exists()
    shutil.rmtree(work, ignore_errors=True)


def test_a_long_first_run_makes_its_first_papers_searchable_early(isolated_dirs: Locations, tmp_path: Path) -> None:
    """Many dumps to read: the first commit comes after a few hundred papers,
    not after a whole batch."""
    folder = tmp_path / "long"
    folder.mkdir()
    write_dumps(folder, index_module.LONG_RUN_DUMPS * 20, index_module.LONG_RUN_DUMPS)
    searchable: list[int] = []
    library = Library(isolated_dirs)

    def progress(step: Progress) -> None:
        if step.phase == "saved":
            searchable.append(Library(isolated_dirs).total())

    library.index([folder], progress=progress)
    assert len(searchable) == 2
    assert index_module.FIRST_BATCH_PAPERS <= searchable[0] < index_module.FIRST_BATCH_PAPERS + 20
    assert searchable[1] == library.total() == index_module.LONG_RUN_DUMPS * 20
