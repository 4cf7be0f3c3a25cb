"""Quick triage (t): the list one paper at a time, kept or skipped, every step
undoable. Real sample dumps plus a crafted dump of a later day, real index and
store; keys pressed as a user presses them."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input, Static

from reader.core.config import Config
from reader.core.locations import Locations
from reader.core.models import Paper
from reader.core.triage import appearance_line
from reader.tui.app import PapersApp
from reader.tui.screens.triage import TriageScreen
from reader.tui.widgets.paper_view import PaperView
from tests.tui.conftest import burst, main_screen, press, settle
from tests.tui.test_triage_flows import MORNING, morning_app, yesterday_then_a_new_dump
from tests.tui.test_worker_rule import handles_on_this_thread, marks, release, until, write_lock_held

LOOK = 0.6  # longer than the look that marks a paper chosen in the main list seen


def triage_screen(app: PapersApp) -> TriageScreen:
    screen = app.screen
    assert isinstance(screen, TriageScreen), type(screen)
    return screen


def progress(app: PapersApp) -> str:
    return str(triage_screen(app).query_one("#triage-progress", Static).render())


def shown(app: PapersApp) -> str:
    """The text of the triage view (the paper, or the summary)."""
    return str(triage_screen(app).query_one("#paper-body", Static).render())


def assert_shows(app: PapersApp, paper: Paper) -> None:
    """The view shows the paper: title, authors, upvotes, its days, the whole abstract."""
    text = " ".join(shown(app).split())
    assert paper.title in text and " ".join(paper.abstract.split()) in text
    assert appearance_line(paper) in text
    assert all(author in text for author in paper.meta.authors[:3])
    assert paper.meta.upvotes is None or f"▲ {paper.meta.upvotes}" in text


def toasts(app: PapersApp) -> list[str]:
    return [str(notification.message) for notification in app._notifications]


async def open_day(app: PapersApp, pilot: Pilot[None]) -> list[str]:
    """The morning's dump in the main list (three papers), the cursor on its top."""
    screen = main_screen(app)
    screen.query_one("#search", Input).value = f"date:{MORNING}"
    await settle(pilot)
    screen.set_focus(screen.results)
    await settle(pilot)
    assert len(screen.results.ids) == 3
    return list(screen.results.ids)


async def test_a_whole_pass_with_keep_skip_and_undo(isolated_dirs: Locations, dumps: Path) -> None:
    app = morning_app(isolated_dirs, dumps)
    store = app.library.store
    async with app.run_test(size=(120, 40)) as pilot:
        first, second, third = await open_day(app, pilot)
        titles = {pid: paper.title for pid, paper in app.library.papers([first, second, third]).items()}
        await press(pilot, "t")
        assert "1 / 3" in progress(app)
        assert titles[first] in shown(app)
        papers = app.library.papers([first, second, third])
        assert_shows(app, papers[first])
        await pilot.press("s")  # keep: starred, seen, on to the next
        await settle(pilot)
        assert "2 / 3" in progress(app) and "1 kept · 0 skipped" in progress(app)
        assert_shows(app, papers[second])
        assert first in store.starred() and first in store.seen()
        await pilot.press("x")  # skip: seen, not starred
        await settle(pilot)
        assert "3 / 3" in progress(app)
        assert_shows(app, papers[third])
        assert "again" in appearance_line(papers[third])  # the repeat among them
        assert second in store.seen() and second not in store.starred()

        await pilot.press("u")  # the skip taken back: unseen, and shown again
        await settle(pilot)
        assert second not in store.seen()
        assert "2 / 3" in progress(app) and "1 kept · 0 skipped" in progress(app)
        assert titles[second] in shown(app)
        await pilot.press("ctrl+z")  # the keep taken back: unstarred, shown again
        await settle(pilot)
        assert first not in store.starred()
        assert "1 / 3" in progress(app) and "0 kept · 0 skipped" in progress(app)
        assert titles[first] in shown(app)

        await pilot.press("x")
        await pilot.press("s")
        await press(pilot, "s")
        assert "end of the list" in progress(app)
        assert "3 reviewed: 2 kept, 1 skipped" in shown(app)
        assert store.starred().keys() == {second, third}
        assert {first, second, third} <= store.seen()

        await press(pilot, "escape")
        screen = main_screen(app)
        assert any("3 reviewed: 2 kept, 1 skipped" in text for text in toasts(app))
        assert screen.results.current == third  # the last paper reviewed
        rows = screen.results._rows
        assert rows[second].starred and rows[third].starred and not rows[first].starred
        assert all(rows[pid].seen and not rows[pid].new for pid in (first, second, third))

        await pilot.press("u")  # undo goes on after the pass, several steps back
        await settle(pilot)
        assert third not in store.starred()
        assert not screen.results._rows[third].starred


async def test_showing_a_paper_in_triage_does_not_make_it_seen(isolated_dirs: Locations, dumps: Path) -> None:
    app = morning_app(isolated_dirs, dumps)
    async with app.run_test(size=(120, 40)) as pilot:
        ids = await open_day(app, pilot)
        unseen_before = set(ids) - app.library.store.seen()
        await pilot.press("t")
        await settle(pilot, LOOK)
        await pilot.press("j", "space", "G")  # reading it to its end is not deciding on it
        await settle(pilot, LOOK)
        await pilot.press("escape")
        await settle(pilot, LOOK)
        assert main_screen(app).results.current == ids[0]
        assert "0 reviewed: 0 kept, 0 skipped; 3 left" in toasts(app)[-1]
        assert set(ids) - app.library.store.seen() == unseen_before  # not by triage, nor by the cursor put back


async def test_esc_midway_keeps_the_place_and_t_goes_on_from_it(isolated_dirs: Locations, dumps: Path) -> None:
    app = morning_app(isolated_dirs, dumps)
    async with app.run_test(size=(120, 40)) as pilot:
        first, second, third = await open_day(app, pilot)
        await press(pilot, "t")
        await press(pilot, "s")
        await pilot.press("escape")
        await settle(pilot, LOOK)
        screen = main_screen(app)
        assert "1 reviewed: 1 kept, 0 skipped; 2 left" in toasts(app)[-1]
        assert screen.results.current == second
        assert second not in app.library.store.seen() and third not in app.library.store.seen()
        assert screen.results._rows[first].starred

        await pilot.press("t")  # on from where the pass stopped
        await settle(pilot)
        assert "2 / 3" in progress(app) and "0 kept" in progress(app)
        await pilot.press("b")  # back one paper: shown again, nothing changes
        await settle(pilot)
        assert "1 / 3" in progress(app)
        assert first in app.library.store.starred()
        await press(pilot, "escape")
        assert main_screen(app).results.current == first


async def test_opening_the_page_in_triage_marks_it_seen(isolated_dirs: Locations, dumps: Path, browser: Path) -> None:
    app = morning_app(isolated_dirs, dumps)
    async with app.run_test(size=(120, 40)) as pilot:
        first, _second, _third = await open_day(app, pilot)
        await press(pilot, "t")
        assert first not in app.library.store.seen()
        await press(pilot, "o")
        assert browser.read_text().strip()  # the page was handed to the browser
        assert first in app.library.store.seen()
        assert "1 / 3" in progress(app)  # opened, not moved past


async def test_a_note_written_in_triage_is_shown_and_undone(isolated_dirs: Locations, dumps: Path) -> None:
    app = morning_app(isolated_dirs, dumps)
    async with app.run_test(size=(80, 24)) as pilot:
        first, _second, _third = await open_day(app, pilot)
        await press(pilot, "t")
        await press(pilot, "n")
        await press(pilot, *"read later", "ctrl+s")
        assert (note := app.library.store.note(first)) is not None and note.text == "read later"
        assert "read later" in shown(app)
        assert first not in app.library.store.seen()  # a note is not moving past
        await press(pilot, "u")
        assert app.library.store.note(first) is None
        assert isinstance(triage_screen(app).focused, PaperView)


def test_the_summary_counts() -> None:
    from reader.tui.screens.triage import summary_text

    assert summary_text(4, 19, 0) == "23 reviewed: 4 kept, 19 skipped"
    assert summary_text(1, 2, 5) == "3 reviewed: 1 kept, 2 skipped; 5 left"


async def test_the_new_papers_triaged_stay_listed_and_the_count_drops(isolated_dirs: Locations, dumps: Path) -> None:
    app = morning_app(isolated_dirs, dumps)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = main_screen(app)
        screen.query_one("#search", Input).value = "is:new"
        await settle(pilot)
        screen.set_focus(screen.results)
        new = list(screen.results.ids)
        assert len(new) == 2
        assert "2 new since" in str(screen.query_one("#status", Static).render())
        await press(pilot, "t")
        await press(pilot, "s", "x")
        assert "2 reviewed: 1 kept, 1 skipped" in shown(app)
        await press(pilot, "escape")
        assert screen.results.ids == new  # no longer new, still on screen until the next search
        assert screen.results.current == new[-1]
        assert screen.results._rows[new[0]].starred and screen.results._rows[new[1]].seen
        assert "0 new since" in str(screen.query_one("#status", Static).render())


async def test_a_burst_of_keys_is_a_pass(isolated_dirs: Locations, dumps: Path) -> None:
    # Keys typed faster than papers are read each act on the paper they were meant for.
    app = morning_app(isolated_dirs, dumps)
    async with app.run_test(size=(120, 40)) as pilot:
        first, second, third = await open_day(app, pilot)
        await burst(pilot, "t", "s", "x", "s")
        await settle(pilot)
        assert "3 reviewed: 2 kept, 1 skipped" in shown(app)
        assert app.library.store.starred().keys() == {first, third}
        assert {first, second, third} <= app.library.store.seen()


async def test_triage_keeps_moving_while_another_process_holds_the_write_lock(
    isolated_dirs: Locations, dumps: Path
) -> None:
    library = yesterday_then_a_new_dump(isolated_dirs, dumps)
    store_path = isolated_dirs.store_path
    app = PapersApp(library, config=Config(), index_on_start=False)
    async with app.run_test(size=(120, 40)) as pilot:
        first, second, third = await open_day(app, pilot)
        starred_before, seen_before = marks(store_path)
        with write_lock_held(store_path) as holder:
            await pilot.press("t")
            await until(pilot, lambda: "1 / 3" in progress(app))
            await pilot.press("s", "x", "b", "b", "x", "x", "s")
            await until(pilot, lambda: "end of the list" in progress(app))
            assert marks(store_path) == (starred_before, seen_before)  # the writes really are waiting
            release(holder)
            await settle(pilot, 0.5)
        starred, seen = marks(store_path)
        assert starred - starred_before == {first, third}
        assert {first, second, third} <= seen
        assert "3 reviewed: 2 kept, 1 skipped" in shown(app)  # skipped after a keep: still kept (and starred)
        assert handles_on_this_thread(app) == []
