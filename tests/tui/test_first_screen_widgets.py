"""The first screen builds less (issue 11, "Open at once"), and what it
builds later still looks and acts as before."""

from __future__ import annotations

import threading

import pytest
from textual.widgets import ProgressBar
from textual.widgets._footer import FooterKey
from textual.widgets._progress_bar import PercentageStatus

from reader.core.config import Config
from reader.core.errors import PapersError
from reader.core.library import Library
from reader.core.models import IndexReport
from reader.core.steps import Progress
from reader.tui.app import PapersApp
from reader.tui.rows import PREVIEW_ROWS, Row
from reader.tui.screens.help import HelpScreen
from reader.tui.screens.main import DEFAULT_VIEW, first_view_preview, search_source
from reader.tui.widgets.paper_list import EarlyPreview, Listing
from tests.tui.conftest import MakeApp, emptied_list, main_screen, settle


async def test_footer_keys_start_as_the_footer_is_and_follow_it(make_app: MakeApp) -> None:
    """Each key is built compact or not as its footer is (Textual's started
    compact and restyled each key twice); a narrower terminal still makes
    them compact, and the palette's key stays as Textual draws it."""
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        keys = [key for key in screen.query(FooterKey) if not key.has_class("-command-palette")]
        assert keys and not any(key.has_class("-compact") for key in keys)
        palette = [key for key in screen.query(FooterKey) if key.has_class("-command-palette")]
        assert len(palette) == 1 and palette[0].has_class("-compact")
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        keys = list(screen.query(FooterKey))
        assert keys and all(key.has_class("-compact") for key in keys)
        await pilot.resize_terminal(160, 48)
        await settle(pilot)
        keys = [key for key in screen.query(FooterKey) if not key.has_class("-command-palette")]
        assert keys and not any(key.has_class("-compact") for key in keys)


class _WatchedApp(PapersApp):
    """The app, noting what its first frame holds (Ready: the first frame is displayed)."""

    at_first_frame: tuple[int, int, bool] | None = None  # (papers listed, rows read, the search answered)

    def on_ready(self) -> None:
        paper_list = main_screen(self).paper_list
        results = paper_list.results
        rows = sum(pid in results._rows for pid in results.ids)
        self.at_first_frame = (len(results.ids), rows, paper_list._previewed is None)


async def test_the_first_frame_holds_the_first_list(library: Library) -> None:
    """The first list's preview is read from the moment the app is made: the
    list shows it as it mounts, before the first frame, not a frame later.
    The search (opening the index) waits for that frame to be shown."""
    app = _WatchedApp(library, config=Config(), index_on_start=False)
    assert app.first_view is not None
    assert app.first_view(library) is not None  # the preview's thread is done (as Textual starts, usually)
    async with app.run_test(size=(120, 40)) as pilot:
        assert app.at_first_frame is not None
        listed, rows, searched = app.at_first_frame
        assert listed == 160 and rows >= PREVIEW_ROWS and not searched
        await settle(pilot)
        screen = main_screen(app)
        assert len(screen.results.ids) == 160 and screen.shown is not None  # the search followed
        assert list(screen.query(FooterKey))  # and the footer's keys, once the frame was shown


async def test_keys_act_before_the_footer_shows_them(make_app: MakeApp) -> None:
    """The footer's keys are built after the first frame; the keys themselves
    work from the start."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert list(main_screen(app).query(FooterKey))


async def test_the_footer_shows_its_keys_without_a_first_list(make_app: MakeApp) -> None:
    """An empty library (nothing indexed yet, no preview): the keys are shown all the same."""
    app = make_app(index=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        assert screen.results.ids == []
        assert "Quit" in [key.description for key in screen.query(FooterKey)]


def _failing(_library: Library) -> tuple[Listing, dict[str, Row]] | None:
    raise PapersError("the store could not be read")


async def test_an_early_preview_that_fails_leaves_the_search_to_answer(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        papers = await emptied_list(pilot)
        early = EarlyPreview(app.library, _failing)
        with pytest.raises(PapersError):
            early(app.library)
        assert early.ready() is None
        papers.load(search_source(DEFAULT_VIEW), preview=early)
        await settle(pilot)
        assert len(papers.results.ids) == 160


async def test_an_early_preview_still_being_read_is_shown_when_it_comes(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        papers = await emptied_list(pilot)
        release = threading.Event()
        preview = first_view_preview(DEFAULT_VIEW)
        assert preview is not None

        def slow(library: Library) -> tuple[Listing, dict[str, Row]] | None:
            release.wait(30)
            return preview(library)

        early = EarlyPreview(app.library, slow)
        assert early.ready() is None
        shown: list[bool] = []
        search = search_source(DEFAULT_VIEW)

        def source(library: Library) -> Listing:
            shown.append(True)
            return search(library)

        papers.load(source, preview=early)
        await pilot.pause(0.05)
        assert papers.results.ids == [] and not shown  # the source waits for its preview
        release.set()
        await settle(pilot)
        assert len(papers.results.ids) == 160 and shown


async def test_the_progress_bar_is_mounted_when_indexing_shows_progress(make_app: MakeApp) -> None:
    """Most starts have nothing to index: the bar is built on first use, and
    then shows and hides as before."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        assert not screen.query(ProgressBar)
        screen.show_progress(Progress("read", 3, 10))
        await pilot.pause()
        bar = screen.query_one("#progress", ProgressBar)
        assert bar.display and bar.has_class("-active") and bar.percentage == 0.3
        assert "30%" in str(bar.query_one(PercentageStatus).render())
        assert screen.indexing == "indexing: 3/10 dumps"
        screen.show_progress(Progress("index", 40, 50))
        await pilot.pause()
        assert list(screen.query(ProgressBar)) == [bar]  # the same bar, updated
        assert bar.percentage == 0.8 and screen.indexing == "indexing: 40/50 papers"
        screen.index_done(IndexReport(papers_total=160))
        await pilot.pause()
        assert not bar.display and screen.indexing == ""
