"""Issue 14, the papercuts a newcomer hits in the first hour: each test
fails on the code before its fix."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Footer, Input, Static
from textual.widgets._footer import FooterKey

from reader.core.library import Library
from reader.core.locations import Locations
from reader.tui.app import PapersApp
from reader.tui.commands import BY_ACTION, all_commands
from reader.tui.screens.confirm import ConfirmScreen
from reader.tui.screens.export import ExportScreen
from reader.tui.screens.reading import ReadingScreen
from reader.tui.widgets.paper_view import PaperView
from reader.tui.widgets.result_list import ResultList
from tests.tui.conftest import MakeApp, burst, main_screen, settle, use_browser
from tests.tui.test_commands import palette_entries
from tests.tui.test_flows import detail_text, status_text


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
        shown = {(key, b.binding.description) for key, b in app.screen.active_bindings.items() if b.binding.show}
        assert {("enter", "Results"), ("down", "Results"), ("escape", "Back")} <= shown
        assert "Search" not in {description for _, description in shown}
        await burst(pilot, *"kv")
        await settle(pilot)
        await burst(pilot, "down", "j")  # the key after ↓ reaches the list
        await settle(pilot)
        assert main_screen(app).results.has_focus and main_screen(app).results.cursor == 1
        assert main_screen(app).query_one("#search", Input).value == "kv"
        await burst(pilot, "slash", "enter", "s")
        await settle(pilot)
        assert main_screen(app).results.current in app.library.store.starred()
        described = {b.binding.description for b in app.screen.active_bindings.values() if b.binding.show}
        assert "Search" in described and "Back" not in described


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
        await wait_until(pilot, lambda: "A long note" in laid_out(view))  # read in a worker: it comes when it comes
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


async def test_the_reading_view_reads_the_next_and_previous_paper(make_app: MakeApp) -> None:
    # Item 10: J and K read the next and previous paper; the list follows.
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        ids = list(screen.results.ids)
        await pilot.press("enter")
        await settle(pilot)
        reading = app.screen
        assert isinstance(reading, ReadingScreen)
        assert not reading.active_bindings["K"].enabled  # the first paper: greyed
        await pilot.press("J", "J")
        await settle(pilot)
        assert reading.paper_id == ids[2]
        assert app.library.paper(ids[2]).title in detail_text(reading)
        await pilot.press("K")
        await settle(pilot)
        assert reading.paper_id == ids[1]
        assert app.library.paper(ids[1]).title in detail_text(reading)
        assert ids[1] in app.library.store.seen() and ids[2] in app.library.store.seen()
        await pilot.press("escape")
        await settle(pilot)
        assert screen.results.current == ids[1]  # back on the last paper read


async def test_small_terminals_give_the_list_the_room(make_app: MakeApp) -> None:
    # Item 11: at 80x24 every footer key fits (no "q Qui"), the search bar
    # takes one line, the list more rows; `d` hides the detail pane.
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        footer = screen.query_one(Footer)
        keys = [key for key in footer.query(FooterKey) if key.display]
        assert keys and max(key.region.right for key in keys) <= 80
        assert "Quit" in [key.description for key in keys]
        assert screen.query_one("#search").region.height == 1
        assert screen.results.size.height >= 10
        await pilot.press("d")
        await settle(pilot)
        assert not screen.paper_list.paper_view.display
        assert screen.results.size.height >= 19
        await pilot.press("d")
        await settle(pilot)
        assert screen.paper_list.paper_view.display
    wide = make_app()
    async with wide.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        results = main_screen(wide).results
        assert results.size.width >= 60  # titles of ~50 characters before the cut
        await pilot.press("d")
        await settle(pilot)
        assert results.size.width >= 118


async def test_o_offers_the_link_when_no_browser_starts(
    make_app: MakeApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Item 15: a browser that cannot start is said, and the link offered.
    failing = tmp_path / "no-browser.sh"
    failing.write_text("#!/bin/sh\nexit 3\n")
    failing.chmod(0o755)
    use_browser(monkeypatch, str(failing))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("slash", *"title:hopper", "enter")
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "No web browser could be started" in app.screen.question
        await pilot.press("y")
        await settle(pilot)
        assert app.clipboard == HOPPER_PAGE
        assert "Opening" not in toasts(app)


async def test_o_opens_the_papers_page_and_c_its_code(make_app: MakeApp, browser: Path) -> None:
    # Item 15: `o` never opens the code link of the abstract; `c` does.
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("slash", *"title:MMDuet OR title:videollm", "enter")
        await settle(pilot)
        await pilot.press("o", "c")
        await settle(pilot)
        opened = browser.read_text().split()
        assert len(opened) == 2 and "github.com" not in opened[0]
        assert opened[1] == "https://github.com/yellow-binary-tree/MMDuet"
        await pilot.press("slash", *"title:hopper", "enter")
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert "No code link" in toasts(app)
        assert len(browser.read_text().split()) == 2


async def test_the_export_dialog_saves_on_enter_in_the_documents_folder(
    make_app: MakeApp, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Item 16: the default folder is the user's documents folder (XDG), and
    # Enter in the path field saves.
    documents = tmp_path / "my documents"
    documents.mkdir()
    monkeypatch.setenv("XDG_DOCUMENTS_DIR", str(documents))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("s", "x")
        await pilot.pause()
        assert isinstance(app.screen, ExportScreen)
        path = app.screen.query_one("#export-path", Input)
        assert path.value == str(documents / "papers-starred.md")
        path.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, ExportScreen)
        assert "# Reading list" in (documents / "papers-starred.md").read_text()


async def test_one_name_per_command_everywhere(make_app: MakeApp) -> None:
    # Item 18: the footer, the palette and the help name each command alike.
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        titles = [command.title for command in all_commands()]
        assert len(set(titles)) == len(titles)
        for active in screen.active_bindings.values():
            command = BY_ACTION.get(active.binding.action)
            if command is not None and active.binding.show:
                assert active.binding.description == command.title
        await pilot.press("question_mark")
        await pilot.pause()
        help_lines = str(app.screen.query_one("#help-body", Static).render()).splitlines()
        for command in all_commands():
            row = next(line for line in help_lines if command.help in line)
            assert command.title in row, command.id
        assert "Read" in titles and "Open" not in titles
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause(0.5)
        assert set(palette_entries(app)) >= {command.title for command in screen.PALETTE}


HOPPER_PAGE = "https://huggingface.co/papers?q=Benchmarking+and+Dissecting+the+Nvidia+Hopper+GPU+Architecture"


async def test_a_star_from_the_command_line_shows_in_the_list(make_app: MakeApp) -> None:
    # Item 8: the app follows changes made by other processes.
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("j")
        await settle(pilot)
        results = main_screen(app).results
        pid = results.ids[1]
        assert not results._rows[pid].starred
        subprocess.run([sys.executable, "-m", "reader", "star", pid], check=True, capture_output=True, timeout=120)
        await wait_until(pilot, lambda: results._rows[pid].starred)
        assert results.render_line(1).text.startswith("★")  # its row, as drawn
        paper_list = main_screen(app).paper_list
        await wait_until(pilot, lambda: paper_list.detail is not None and paper_list.detail.state.starred)


async def wait_until(pilot: Pilot[None], done: Callable[[], bool], polls: int = 400) -> None:
    """Let the app run until `done()` holds; fail if it never does."""
    for _ in range(polls):
        if done():
            return
        await pilot.pause(0.05)
    raise AssertionError("the app never got there")
