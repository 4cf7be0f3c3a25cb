"""Issue 14, the papercuts a newcomer hits in the first hour: each test
fails on the code before its fix."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Static

from reader.core.library import Library
from reader.core.locations import Locations
from reader.tui.app import PapersApp
from reader.tui.widgets.paper_view import PaperView
from reader.tui.widgets.result_list import ResultList
from tests.tui.conftest import MakeApp, burst, main_screen, settle
from tests.tui.test_flows import status_text


async def test_the_status_names_the_search_the_list_shows(make_app: MakeApp) -> None:
    # Item 2: text typed but not searched yet is not what the list shows.
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("slash", *"hopper")
        await settle(pilot)
        assert "1 of 160 papers · query 'hopper'" in status_text(app)
        await pilot.press(*" zzyzx")
        main_screen(app).indexing = "indexing: 1/2 dumps"  # anything that redraws the status
        status = status_text(app)
        assert "1 of 160 papers · query 'hopper' · sort: relevance · indexing: 1/2 dumps" in status
        await settle(pilot)
        assert "0 of 160 papers · query 'hopper zzyzx'" in status_text(app)


async def test_a_burst_with_slashes_in_the_search_bar_keeps_its_order(make_app: MakeApp) -> None:
    # Item 14: `/` in a query is text, typed in its turn.
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await burst(pilot, "slash", *"kv/cache w/o")
        await settle(pilot)
        assert main_screen(app).query_one("#search", Input).value == "kv/cache w/o"
        # `/` from the list still goes to the bar (its text selected: typing replaces it)
        await burst(pilot, "escape", "slash", *"a/b")
        await settle(pilot)
        assert main_screen(app).query_one("#search", Input).value == "a/b"


async def test_the_footer_shows_the_keys_of_the_search_bar(make_app: MakeApp) -> None:
    # Item 19: in the search bar, the keys that work there.
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await pilot.pause()
        shown = {b.binding.description: key for key, b in app.screen.active_bindings.items() if b.binding.show}
        assert shown.get("Results") == "enter" and shown.get("Back") == "escape"
        assert "Search" not in shown
        await pilot.press("down", "j")
        await pilot.pause()
        assert main_screen(app).results.has_focus and main_screen(app).results.cursor == 1
        shown = {b.binding.description for b in app.screen.active_bindings.values() if b.binding.show}
        assert "Search" in shown and "Back" not in shown


def list_text(results: ResultList) -> str:
    """The list as drawn, its lines joined by spaces."""
    lines = [results.render_line(y).text for y in range(results.size.height)]
    return " ".join(" ".join(lines).split())


def toasts(app: PapersApp) -> str:
    return "\n".join(f"{n.title}: {n.message}" for n in app._notifications)


async def test_papers_added_by_indexing_show_above_the_cursor(make_app: MakeApp, dumps: Path) -> None:
    # Item 5: after a refresh the cursor's paper stays chosen, in view, and
    # new papers at the top are shown (not hidden above the scroll offset).
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        await pilot.press("j", "j")
        chosen = screen.results.current
        for n in range(3):
            (dumps / f"zz_new_{n}.txt").write_text(f"Freshly Added Paper {n}\n\n{ABSTRACT}\n", encoding="utf-8")
        screen.run_index()  # as at start-up: papers arrive while the list is shown
        await settle(pilot)
        await settle(pilot)
        results = screen.results
        assert len(results.ids) == 163
        new = {f"Freshly Added Paper {n}" for n in range(3)}
        assert {app.library.paper(pid).title for pid in results.ids[:3]} == new
        assert results.current == chosen and results.cursor == 5
        assert results.scroll_offset.y == 0
        assert "Freshly Added Paper" in list_text(results)
        assert "Library updated: 3 new papers; 163 papers in all." in toasts(app)


async def test_the_chosen_paper_stays_in_view_when_the_window_shrinks(make_app: MakeApp) -> None:
    # Item 6
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("G", "k", "k")
        results = main_screen(app).results
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        top = int(results.scroll_offset.y)
        assert results.cursor == 157
        assert top <= results.cursor < top + results.size.height


async def test_messages_wrap_in_the_list_and_are_said_once(make_app: MakeApp) -> None:
    # Item 9: the no-match text is not cut at the list's edge; the status
    # does not repeat it.
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("slash", *"kv cahce servng", "escape")
        await settle(pilot)
        screen = main_screen(app)
        assert screen.results.ids == []
        shown = list_text(screen.results)
        said = screen.results.empty_text.split("\n")
        assert said[0] == "No papers match 'kv cahce servng'."
        assert any(line.startswith("Did you mean: ") for line in said)
        for line in said:
            assert " ".join(line.split()) in shown
        assert "No papers match" not in status_text(app)


async def test_an_empty_library_says_how_to_add_a_folder(make_app: MakeApp) -> None:
    # Item 9: no "waiting for the index" when nothing is indexing.
    app = make_app(index=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        shown = list_text(main_screen(app).results)
        assert "The library is empty" in shown and "quit (q) and run: papers FOLDER" in shown
        assert "waiting" not in shown and "Reading your dumps" not in shown


async def test_the_first_screen_says_these_are_samples(make_app: MakeApp) -> None:
    # Item 12: the bundled samples are named as such, with how to open your own.
    app = make_app(index=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "bundled sample papers" in toasts(app) and "papers FOLDER" in toasts(app)
        assert "sample papers" in status_text(app)
    mine = make_app()  # a folder of one's own: no such hint
    async with mine.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "sample" not in toasts(mine) and "sample" not in status_text(mine)


async def test_the_index_notice_speaks_of_papers(make_app: MakeApp) -> None:
    # Item 12: no "entries", no "not re-read".
    app = make_app(index=False, index_on_start=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await settle(pilot)
        assert "Library updated: 160 new papers; 160 papers in all." in toasts(app)
        assert "entries" not in toasts(app) and "re-read" not in toasts(app)


async def test_the_detail_pane_takes_a_burst_of_keys_like_the_list(make_app: MakeApp, isolated_dirs: Locations) -> None:
    # Item 7: ten `j` in one burst scroll ten lines; one at a time too.
    app = make_app()
    first = Library(isolated_dirs).search("").ids[0]
    note_on(isolated_dirs, first, "\n".join(f"line {n} of a long note" for n in range(300)))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("tab")
        view = main_screen(app).paper_list.paper_view
        assert view.has_focus
        await burst(pilot, *["j"] * 10)
        await settle(pilot)
        assert view.scroll_y == 10
        for _ in range(6):
            await pilot.press("j")
        assert view.scroll_y == 16
        await burst(pilot, "k", "k", "k", "pagedown")
        await settle(pilot)
        assert view.scroll_y == 13 + view.scrollable_content_region.height - 1


async def test_a_long_note_is_laid_out_as_it_is_read(make_app: MakeApp, isolated_dirs: Locations) -> None:
    # Item 13: a 1 MB note is laid out a piece at a time, not all at once.
    app = make_app()
    first = Library(isolated_dirs).search("").ids[0]
    line = "A long note on the method, its data and its numbers, see https://example.org/x.\n"
    count = 1_000_000 // len(line)
    note_on(isolated_dirs, first, line * count)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        view = main_screen(app).paper_list.paper_view
        assert 0 < laid_out(view).count("A long note") * len(line) < 50_000
        await pilot.press("tab", "G")  # the end asked for: all of it
        await settle(pilot)
        assert laid_out(view).count("A long note") == count
        assert view.scroll_y == view.max_scroll_y > 10_000


def note_on(locations: Locations, paper_id: str, text: str) -> None:
    library = Library(locations)
    try:
        library.save_note(library.paper(paper_id), text)
    finally:
        library.close()


def laid_out(view: PaperView) -> str:
    return "".join(str(static.render()) for static in view.query(Static))


ABSTRACT = "We study how fresh papers reach the reader. " * 5
