"""Commits never merge on the writer's path; a background merge does, while
searches and indexing go on, and keeps what happened meanwhile."""

from __future__ import annotations

import os
import shutil
import signal
from pathlib import Path
from typing import Any

import pytest
from whoosh.reading import SegmentReader

from benchmarks.index_speed import write_dumps
from reader.core import generations
from reader.core import index as index_module
from reader.core.catalog import Catalog
from reader.core.index import MAX_SEGMENTS, open_index, segments_to_merge, take_snapshot
from reader.core.library import Library
from reader.core.locations import Locations
from reader.core.search import read_vocabulary, vocabulary_folder, vocabulary_key
from reader.core.steps import Progress
from reader.core.vocabulary import Vocabulary, load_vocabulary, save_vocabulary
from tests.robustness.processes import merge_children, wait_gone

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
    monkeypatch.setattr(index_module, "BATCH_GROWS", False)
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
    assert (written.ids, list(written.keys), list(written.newest_first), written.rows) == (
        built.ids,
        list(built.keys),
        list(built.newest_first),
        built.rows,
    )


def written_vocabulary(locations: Locations) -> tuple[Vocabulary | None, Vocabulary]:
    """The vocabulary file of the index's generation (None: not written) and
    the index's words read afresh from its stored text."""
    index = open_index(locations.index_dir)
    assert index is not None
    with index.reader() as reader:
        written = load_vocabulary(vocabulary_folder(locations.index_dir), vocabulary_key(reader))
        return written, read_vocabulary(reader)


def as_dict(vocabulary: Vocabulary) -> dict[str, int]:
    return dict(zip(vocabulary.words, vocabulary.counts, strict=True))


def test_a_merge_writes_the_vocabulary_of_its_generation(many_parts: tuple[Library, Path]) -> None:
    """The first search after a merge loads a file: it reads neither the
    merged papers' text nor every segment's word list."""
    library, _folder = many_parts
    written, fresh = written_vocabulary(library.locations)
    assert written is not None and len(fresh) > 20
    assert library.merge().merged == DUMPS
    written, fresh = written_vocabulary(library.locations)
    assert written is not None, "the merged generation has its vocabulary file"
    assert as_dict(written) == as_dict(fresh)
    # One word list per live segment: the merged one's, the replaced ones gone.
    segments = vocabulary_folder(library.locations.index_dir) / "segments"
    (kept,) = segments.glob("vocabulary-*.bin")
    merged = load_vocabulary(segments, int(kept.stem.removeprefix("vocabulary-")))
    assert merged is not None and as_dict(merged) == as_dict(fresh)


def test_the_merged_word_list_adds_up_the_lists_it_replaces(many_parts: tuple[Library, Path]) -> None:
    """Kept lists are added up, not read again from the papers' text; a
    segment whose list is missing is read from its text."""
    library, _folder = many_parts
    _written, fresh = written_vocabulary(library.locations)
    segments = vocabulary_folder(library.locations.index_dir) / "segments"
    marked, missing = sorted(segments.glob("vocabulary-*.bin"))[:2]
    key = int(marked.stem.removeprefix("vocabulary-"))
    kept = load_vocabulary(segments, key)
    assert kept is not None
    save_vocabulary(segments, key, Vocabulary(as_dict(kept) | {"zzmarked": 1}, kept.papers), keep=100)
    missing.unlink()
    assert library.merge().merged == DUMPS
    written, _fresh = written_vocabulary(library.locations)
    assert written is not None
    assert as_dict(written) == as_dict(fresh) | {"zzmarked": 1}


def test_papers_deleted_before_and_during_a_merge_leave_its_words(many_parts: tuple[Library, Path]) -> None:
    """Changed dumps delete their old papers: the merged list counts only
    the papers still there, whether a segment's list was read before its
    deletions, between two of them, or the change came while the merge ran."""
    library, folder = many_parts
    first, second, third = sorted(folder.glob("*.txt"))[:3]

    def change(dump: Path, paper: int, title: str) -> None:
        old = dump.read_text(encoding="utf-8").split("\n\n")[3 + 2 * paper]
        dump.write_text(dump.read_text(encoding="utf-8").replace(old, title), encoding="utf-8")
        assert library.index().removed == 1

    for kept in (vocabulary_folder(library.locations.index_dir) / "segments").glob("*.bin"):
        kept.unlink()
    change(first, 0, "Quokkas Everywhere")  # every list is read again, the first segment's after this
    change(first, 1, "Wombats Everywhere")  # ... and before this
    change(second, 0, "Numbats Everywhere")  # the second's before any

    def meanwhile(step: Progress) -> None:
        if step.detail == "saving the merged index" and "Zebras" not in third.read_text(encoding="utf-8"):
            change(third, 0, "Zebras Crossing")

    report = library.merge(meanwhile)
    assert report.merged and not report.gave_up
    assert_generation_file_matches(library.locations)  # its columns taken from the last file, deletions and all
    written, fresh = written_vocabulary(library.locations)
    assert written is not None
    assert as_dict(written) == as_dict(fresh)
    assert {"quokkas", "wombats", "numbats", "zebras"} <= set(written.words)


def test_vocabulary_files_say_how_many_papers_they_counted(tmp_path: Path) -> None:
    save_vocabulary(tmp_path, 1, Vocabulary({"decoding": 5, "model": 7}, papers=9))
    back = load_vocabulary(tmp_path, 1)
    assert back is not None and (back.papers, back.words, list(back.counts)) == (9, ["decoding", "model"], [5, 7])
    # A file written before `papers` was kept still reads ("not known").
    old = b"papers-vocabulary-1\n" + (2).to_bytes(4, "little") + bytes([5, 0, 0, 0, 7, 0, 0, 0]) + b"decoding\nmodel"
    (tmp_path / "vocabulary-2.bin").write_bytes(old)
    back = load_vocabulary(tmp_path, 2)
    assert back is not None and (back.papers, back.words, list(back.counts)) == (-1, ["decoding", "model"], [5, 7])


def test_completions_and_suggestions_work_after_a_merge(many_parts: tuple[Library, Path]) -> None:
    library, _folder = many_parts
    _written, fresh = written_vocabulary(library.locations)
    word = max((word for word in fresh.words if len(word) >= 7 and word.isalpha()), key=fresh.count)
    typo = word[:2] + word[3] + word[2] + word[4:]  # two letters swapped
    half = word[:4]

    def answers(reader: Library) -> tuple[list[str], list[str], list[str]]:
        return sorted(reader.search(half, typing=True).ids), sorted(reader.search(word).ids), reader.suggest(typo)

    expected = answers(library)
    assert expected[0] and set(expected[1]) <= set(expected[0]) and expected[2][0] == word
    assert library.merge().merged == DUMPS
    assert answers(library) == expected
    assert answers(Library(library.locations)) == expected


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


class Part:
    """What the merge policy reads of a Whoosh segment: its size."""

    def __init__(self, documents: int) -> None:
        self.documents = documents

    def doc_count_all(self) -> int:
        return self.documents


# The parts of the generated 100k corpus's first index (benchmarks/targets.py)
# and of the 10k one: two writer processes per batch, batches growing to 12,000.
FIRST_INDEX_100K = [2, 3, 3, 4, 4, 5, 5, 6, 6, 300, 2500, 2500, 2650, 2699, 3300, 3347, 5349, 5350]
FIRST_INDEX_100K += [5996, 5998, 5998, 5998, 5998] + [6000] * 7
FIRST_INDEX_10K = [4, 6, 300, 2349, 2350, 2500, 2500]


@pytest.mark.parametrize(
    ("sizes", "merged"),
    [
        (FIRST_INDEX_100K, FIRST_INDEX_100K),  # every part, into one
        (FIRST_INDEX_10K, FIRST_INDEX_10K),
        (FIRST_INDEX_10K[:-1], []),  # few enough
        ([100_000] + [50] * (MAX_SEGMENTS + 1), [50] * (MAX_SEGMENTS + 1)),  # the small ones only
        ([100_000, 40_000] + [3000] * 5 + [50] * 3, [3000] * 5 + [50] * 3),  # a level and the smaller ones
        ([300_000] + [40_000] * 5 + [50] * 3, [40_000] * 5 + [50] * 3),
        ([100_000] * 2 + [3000] * 3 + [50] * MAX_SEGMENTS, []),
    ],
)
def test_the_merge_takes_the_biggest_level_over_its_limit_and_every_smaller_part(
    sizes: list[int], merged: list[int]
) -> None:
    parts = [Part(size) for size in sizes]
    assert [part.documents for part in segments_to_merge(parts)] == merged


def test_daily_saves_keep_the_parts_few_and_rewrite_each_paper_a_few_times() -> None:
    """A year of one 50-paper dump a day after a 100k first index (merged
    into one): at most 14 parts, each paper rewritten under 3.5 times, the
    big part never."""
    parts, rewritten, most = [Part(100_000)], 0, 0
    for _day in range(365):
        parts.append(Part(50))
        chosen = segments_to_merge(parts)
        if chosen:
            assert parts[0] not in chosen
            rewritten += sum(part.documents for part in chosen)
            parts = [part for part in parts if part not in chosen] + [Part(sum(part.documents for part in chosen))]
        most = max(most, len(parts))
    assert most <= 14 and rewritten < 3.5 * 50 * 365


def test_a_merge_asked_to_stop_changes_nothing_and_leaves_no_process(many_parts: tuple[Library, Path]) -> None:
    """Closing the app stops its merge: the child process is ended and the
    index is as it was."""
    library, _folder = many_parts
    expected, before = every_hit(library), segment_ids(library.locations)
    steps: list[Progress] = []
    report = library.merge(steps.append, stop=lambda: bool(steps))
    assert steps and (report.merged, report.gave_up) == (0, "stopped")
    assert not merge_children()
    assert segment_ids(library.locations) == before and every_hit(library) == expected
    assert not (library.locations.cache_dir / "merging").exists()
    assert library.merge().merged == DUMPS  # the next one merges


def test_a_merge_whose_process_is_killed_changes_nothing(
    isolated_dirs: Locations, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """kill -9 of the merge's child process, as it starts merging: the merge
    says why it gave up, the index is as it was, the next merge works."""
    folder = tmp_path / "big"
    folder.mkdir()
    write_dumps(folder, DUMPS * 200, DUMPS)  # parts big enough to take the child a while
    monkeypatch.setattr(index_module, "BATCH_PAPERS", 1)
    monkeypatch.setattr(index_module, "BATCH_GROWS", False)
    library = Library(isolated_dirs)
    library.index([folder])
    expected, before = every_hit(library), segment_ids(library.locations)
    killed: list[int] = []

    def kill_the_child(step: Progress) -> None:
        if step.phase == "merge" and not killed:
            (child,) = merge_children()
            os.kill(child, signal.SIGKILL)
            killed.append(child)

    report = library.merge(kill_the_child)
    assert killed and not wait_gone(killed)
    assert report.merged == 0 and "killed by SIGKILL" in report.gave_up, report
    assert segment_ids(library.locations) == before and every_hit(library) == expected
    assert library.index().rebuilt_because == ""
    assert library.merge().merged == DUMPS
    assert every_hit(library) == expected


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
    assert_generation_file_matches(library.locations)
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


def test_a_long_first_run_grows_its_batches(
    isolated_dirs: Locations, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past the first batches, each commit holds as many papers as the run
    has written, up to a cap: a first index makes fewer segments than one
    per batch."""
    folder = tmp_path / "long"
    folder.mkdir()
    write_dumps(folder, 1600, 32)
    monkeypatch.setattr(index_module, "BATCH_PAPERS", 100)
    monkeypatch.setattr(index_module, "BATCH_GROWS", True)
    monkeypatch.setattr(index_module, "MAX_BATCH_PAPERS", 500)
    searchable: list[int] = []

    def progress(step: Progress) -> None:
        if step.phase == "saved":
            searchable.append(Library(isolated_dirs).total())

    Library(isolated_dirs).index([folder], progress=progress)
    assert searchable == [100, 200, 400, 800, 1300, 1600]


def test_the_merged_generation_file_reads_no_column(
    many_parts: tuple[Library, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The merged segment's paper IDs and dates are the merged segments',
    already in the last generation file: the app's process does not read
    them again from the new segment (~100,000 small reads at 100k papers,
    each giving the screen's thread a chance to wait; docs/benchmarks.md)."""
    library, _folder = many_parts
    read: list[str] = []
    original = SegmentReader.column_reader

    def counted(self: SegmentReader, fieldname: str, *args: Any, **kwargs: Any) -> Any:
        read.append(fieldname)
        return original(self, fieldname, *args, **kwargs)

    monkeypatch.setattr(SegmentReader, "column_reader", counted)
    report = library.merge()
    assert report.merged and not report.gave_up
    assert read == []
    monkeypatch.undo()
    assert_generation_file_matches(library.locations)
