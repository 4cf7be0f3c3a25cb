"""The app stays usable while an index build and a background merge run."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from benchmarks.index_speed import write_dumps
from reader.core import index as index_module
from reader.core.index import MAX_SEGMENTS, MergeReport, open_index
from reader.core.library import Library
from reader.core.locations import Locations
from reader.core.models import IndexReport
from reader.core.search import POSTING_CACHE, PaperSearcher, analysed_words
from reader.core.steps import Progress, ProgressCallback
from reader.tui.app import PapersApp
from tests.robustness.processes import merge_children, wait_gone
from tests.tui.conftest import main_screen, settle
from tests.tui.test_flows import status_text

DUMPS = MAX_SEGMENTS + 4


def segment_count(locations: Locations) -> int:
    index = open_index(locations.index_dir)
    assert index is not None
    return len(index._segments())


@pytest.fixture
def many_parts(isolated_dirs: Locations, dumps: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The sample dumps and a folder of small dumps, committed one dump at a time."""
    folder = dumps.parent / "many"
    folder.mkdir()
    write_dumps(folder, DUMPS * 10, DUMPS)
    monkeypatch.setattr(index_module, "BATCH_PAPERS", 1)
    monkeypatch.setattr(index_module, "BATCH_GROWS", False)
    Library(isolated_dirs).index([dumps, folder])
    assert segment_count(isolated_dirs) > MAX_SEGMENTS
    return folder


async def wait_until(event: threading.Event) -> None:
    while not event.is_set():
        await asyncio.sleep(0.02)


async def test_typing_updates_the_list_while_an_index_build_and_a_merge_run(
    isolated_dirs: Locations, many_parts: Path
) -> None:
    """Another process (here a thread with its own Library, as `papers index`
    would be) adds a dump and merges the index; each is held in the middle
    until the user has searched, and each search answers."""
    app = PapersApp(Library(isolated_dirs), index_on_start=False)
    in_build, in_merge, go_on = threading.Event(), threading.Event(), threading.Event()
    done: list[object] = []

    def hold(step: Progress) -> None:
        if step.phase == "index" and not in_build.is_set():
            in_build.set()
            go_on.wait(60)
            go_on.clear()
        if step.detail == "saving the merged index" and not in_merge.is_set():
            in_merge.set()
            go_on.wait(60)

    def other_process() -> None:
        other = Library(isolated_dirs)
        done.append(other.index(progress=hold))
        done.append(other.merge(hold))

    write_dumps(many_parts, 10, 1, seed=5, offset=DUMPS)
    worker = threading.Thread(target=other_process, daemon=True)
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        results = main_screen(app).results
        everything = len(results.ids)
        worker.start()

        await wait_until(in_build)
        await pilot.press("slash", *"model")
        await settle(pilot)
        during_build = list(results.ids)
        assert 0 < len(during_build) < everything and main_screen(app).shown is not None
        assert main_screen(app).shown.text == "model"  # type: ignore[union-attr]
        go_on.set()

        await wait_until(in_merge)
        await pilot.press(*["backspace" for _ in "model"], *"language")
        await settle(pilot)
        assert main_screen(app).shown.text == "language"  # type: ignore[union-attr]
        during_merge = list(results.ids)
        assert during_merge and during_merge != during_build
        go_on.set()

        worker.join(60)
        assert len(done) == 2 and isinstance(done[0], IndexReport) and done[0].added == 10
        assert getattr(done[1], "merged", 0) > 0
        await pilot.press(*["backspace" for _ in "language"])
        await settle(pilot)
        assert len(results.ids) == everything + 10  # the new dump's papers, after the merge
    assert segment_count(isolated_dirs) <= MAX_SEGMENTS // 2 + 1


class HeldMerge(Library):
    """The app's library, its merge held as it starts merging (the child
    process writing the merged part) until the test lets it go on."""

    def __init__(self, locations: Locations) -> None:
        super().__init__(locations)
        self.merging, self.go_on = threading.Event(), threading.Event()
        self.reports: list[MergeReport] = []

    def merge(self, progress: ProgressCallback | None = None, stop: Callable[[], bool] = lambda: False) -> MergeReport:
        def held(step: Progress) -> None:
            if progress is not None:
                progress(step)
            if step.phase == "merge" and not self.merging.is_set():
                self.merging.set()
                self.go_on.wait(60)

        report = super().merge(held, stop)
        self.reports.append(report)
        return report


async def test_a_new_save_is_read_while_the_app_merges(isolated_dirs: Locations, many_parts: Path) -> None:
    """A merge (minutes after a big first index) has its own status, and a
    save added meanwhile is indexed and listed without waiting for it."""
    library = HeldMerge(isolated_dirs)
    app = PapersApp(library, index_on_start=True)
    try:
        async with app.run_test(size=(120, 32)) as pilot:
            await wait_until(library.merging)
            await pilot.pause()
            screen = main_screen(app)
            assert screen.merging and "merging the index" in status_text(app)
            everything = screen.total
            write_dumps(many_parts, 10, 1, seed=5, offset=DUMPS)
            screen.saves_changed()  # what the folder watcher calls on a new save
            for _ in range(400):
                await pilot.pause(0.05)
                if screen.total == everything + 10 and not screen.indexing:
                    break
            assert screen.total == everything + 10 and len(screen.results.ids) == everything + 10
            assert screen.merging and "merging the index" in status_text(app)
            library.go_on.set()
            await settle(pilot)
            assert not screen.merging and "merging" not in status_text(app)
            assert len(screen.results.ids) == everything + 10
    finally:
        library.go_on.set()
    assert segment_count(isolated_dirs) <= MAX_SEGMENTS // 2 + 1


async def test_closing_the_app_stops_its_merge(isolated_dirs: Locations, many_parts: Path) -> None:
    """The app closed in the middle of a merge: its child process is ended
    and the index is left as it was (the next start merges again)."""
    library = HeldMerge(isolated_dirs)
    before = segment_count(isolated_dirs)
    app = PapersApp(library, index_on_start=True)
    async with app.run_test(size=(120, 32)):
        await wait_until(library.merging)
        merging = merge_children()
        threading.Timer(0.5, library.go_on.set).start()  # the app is closing by then
    for _ in range(200):
        if library.reports:
            break
        await asyncio.sleep(0.05)
    assert [report.gave_up for report in library.reports] == ["stopped"]
    assert merging and not wait_gone(merging)
    assert segment_count(isolated_dirs) == before


async def test_the_app_merges_after_its_start_up_indexing(isolated_dirs: Locations, many_parts: Path) -> None:
    app = PapersApp(Library(isolated_dirs), index_on_start=True)
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        await settle(pilot)
        screen = main_screen(app)
        assert screen.indexing == ""
        assert len(screen.results.ids) == 160 + DUMPS * 10
    assert segment_count(isolated_dirs) <= MAX_SEGMENTS // 2 + 1


async def test_the_common_words_are_read_ahead_after_the_start_up_indexing(library: Library) -> None:
    """After its index run the app reads the most common words' postings,
    so that a first search for one of them reads nothing from the index."""
    POSTING_CACHE.clear()
    app = PapersApp(Library(library.locations), index_on_start=True)
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        await settle(pilot)
        assert POSTING_CACHE.bytes > 0
        index = open_index(library.locations.index_dir)
        assert index is not None
        found = PaperSearcher(index)
        try:
            vocabulary = found.vocabulary
            common = max(zip(vocabulary.counts, vocabulary.words, strict=True))[1]
            terms = analysed_words("abstract", common)
            assert terms and found.segments
            for segment, _offset in found.segments:
                assert all((segment.name, "abstract", term) in POSTING_CACHE for term in terms)
        finally:
            found.close()
