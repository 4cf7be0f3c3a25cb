"""Pilot tests of the reader's flows, on the real sample dumps and store."""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import Input, Static, TextArea

from reader.core.config import Config
from reader.core.locations import Locations
from reader.core.views import Filter, Sort
from reader.tui.app import PapersApp, usable_keys
from reader.tui.screens.confirm import ConfirmScreen
from reader.tui.screens.help import HelpScreen
from reader.tui.screens.note import NoteEditor
from reader.tui.screens.reading import ReadingScreen
from reader.tui.widgets.paper_view import PaperView
from tests.tui.conftest import MakeApp, main_screen, settle

HOPPER = "Benchmarking and Dissecting the Nvidia Hopper GPU Architecture"


def detail_text(screen: object) -> str:
    view = screen.query_one(PaperView)  # type: ignore[attr-defined]
    return str(view.query_one("#paper-body", Static).render())


def status_text(app: object) -> str:
    return str(main_screen(app).query_one("#status", Static).render())  # type: ignore[arg-type]


async def test_search_as_you_type(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        assert len(screen.results.ids) == 160
        await pilot.press("slash", *"kv cache")
        await settle(pilot)
        assert len(screen.results.ids) == 14
        assert "14 of 160 papers" in status_text(app)
        assert "query 'kv cache'" in status_text(app)


async def test_bad_query_keeps_last_results_and_zero_hits_say_so(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = main_screen(app)
        await pilot.press("slash", *"hopper")
        await settle(pilot)
        assert len(screen.results.ids) == 1
        await pilot.press(*" AND (((")
        await settle(pilot)
        assert len(screen.results.ids) == 1
        screen.query_one("#search", Input).value = "zzyzx"
        await settle(pilot)
        assert screen.results.ids == []
        assert "No papers match 'zzyzx'" in screen.results.empty_text
        assert "No papers match" not in status_text(app)  # said once, in the list


async def test_typing_in_search_never_triggers_commands(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("slash", *"sqnfSxyo?")
        await settle(pilot)
        assert app.is_running and isinstance(app.screen, type(main_screen(app)))
        assert app.library.store.starred() == {}
        assert main_screen(app).query_one("#search", Input).value == "sqnfSxyo?"


async def test_navigation_and_seen(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        results = screen.results
        await pilot.press("j", "j", "down")
        assert results.cursor == 3
        await pilot.press("k")
        assert results.cursor == 2
        await pilot.press("G")
        assert results.cursor == 159
        await pilot.press("g")
        assert results.cursor == 0
        await pilot.press("pagedown")
        assert results.cursor > 10
        await pilot.press("pageup")
        assert results.cursor == 0
        first = results.current
        assert first is not None
        await settle(pilot, 0.5)  # a paper shown for a moment becomes seen
        assert first in app.library.store.seen()
        title = app.library.paper(first).title
        assert title in detail_text(screen)


async def test_star_from_the_list(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("slash", *"title:hopper", "escape")
        await settle(pilot)
        screen = main_screen(app)
        pid = screen.results.current
        assert pid is not None
        await pilot.press("s")
        await settle(pilot)
        assert pid in app.library.store.starred()
        assert "★ starred" in detail_text(screen)
        await pilot.press("s")
        await settle(pilot)
        assert pid not in app.library.store.starred()


async def test_note_save_and_cancel(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        pid = main_screen(app).results.current
        assert pid is not None
        await pilot.press("n")
        assert isinstance(app.screen, NoteEditor)
        await pilot.press(*"read later")
        await pilot.press("ctrl+s")
        await settle(pilot)
        note = app.library.note(pid)
        assert note is not None and note.text == "read later"
        assert "read later" in detail_text(main_screen(app))

        await pilot.press("n", *" and cite")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # keep editing
        await pilot.pause()
        assert isinstance(app.screen, NoteEditor)
        assert app.screen.query_one(TextArea).text == "read later and cite"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("y")  # discard
        await pilot.pause()
        assert not isinstance(app.screen, NoteEditor | ConfirmScreen)
        note = app.library.note(pid)
        assert note is not None and note.text == "read later"

        await pilot.press("n", "escape")  # no edits: closes without asking
        await pilot.pause()
        assert not isinstance(app.screen, NoteEditor | ConfirmScreen)


async def test_filter_and_sort_cycle(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        await pilot.press("s")
        await settle(pilot)
        starred = screen.results.current
        await pilot.press("f")  # the filter is written into the search bar
        await settle(pilot)
        assert screen.query_one("#search", Input).value == "is:starred" and screen.results.ids == [starred]
        assert "query 'is:starred'" in status_text(app)
        await pilot.press("f")
        await settle(pilot)
        assert screen.query_one("#search", Input).value == "has:note" and screen.results.ids == []
        await pilot.press("f", "f")
        await settle(pilot)
        assert screen.query_one("#search", Input).value == ""
        assert screen.filter is Filter.ALL and len(screen.results.ids) == 160
        await pilot.press("S", "S")
        await settle(pilot)
        assert screen.sort is Sort.TITLE
        titles = [app.library.paper(pid).title.casefold() for pid in screen.results.ids]
        assert titles == sorted(titles)
        await pilot.press("S")  # title → starred time
        await settle(pilot)
        assert screen.sort is Sort.STARRED and screen.results.ids[0] == starred


async def test_a_new_search_starts_at_its_best_hit(make_app: MakeApp) -> None:
    # Issue 14, item 3: the paper chosen in the last results stays chosen
    # only when the same search is run again, not for a new query.
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("slash", *"cache", "escape")
        await settle(pilot)
        screen = main_screen(app)
        await pilot.press("j", "j", "j")
        chosen = screen.results.current
        await pilot.press("slash", *" kv")
        await settle(pilot)
        assert chosen in screen.results.ids and screen.results.ids.index(chosen) > 0
        assert screen.results.cursor == 0 and screen.results.scroll_offset.y == 0
        await pilot.press("escape", "j", "j")
        chosen = screen.results.current
        screen.start_search()  # the same search again (as after a new dump)
        await settle(pilot)
        assert screen.results.current == chosen


async def test_open_reading_view_and_back(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("slash", *"title:hopper", "enter")
        await settle(pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReadingScreen)
        assert HOPPER in detail_text(app.screen)
        await pilot.press("s")
        await pilot.press("escape")
        await settle(pilot)
        screen = main_screen(app)
        assert screen.results.current in app.library.store.starred()


async def test_help_and_palette(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert "Star or unstar the paper" in str(app.screen.query_one("#help-body", Static).render())
        await pilot.press("escape")
        await pilot.pause()
        pid = main_screen(app).results.current
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Star")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert pid in app.library.store.starred()


async def test_theme_is_remembered(make_app: MakeApp, isolated_dirs: Locations) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        app.theme = "nord"
        await pilot.pause()
    state = json.loads(isolated_dirs.state_path.read_text())
    assert state["theme"] == "nord"
    again = make_app(index=False)
    async with again.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert again.theme == "nord"


async def test_keys_can_be_rebound_in_config(make_app: MakeApp) -> None:
    # x is export's key: export moves to e, so star may take x.
    app = make_app(config=Config(keys={"star": "x", "export": "e"}))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        pid = main_screen(app).results.current
        await pilot.press("s")
        await settle(pilot)
        assert pid not in app.library.store.starred()
        await pilot.press("x")
        await settle(pilot)
        assert pid in app.library.store.starred()


async def test_open_and_copy(make_app: MakeApp, browser: Path) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("slash", *"title:hopper", "enter")
        await settle(pilot)
        await pilot.press("o", "y")
        await settle(pilot)
        assert browser.read_text().split() == [
            "https://huggingface.co/papers?q=Benchmarking+and+Dissecting+the+Nvidia+Hopper+GPU+Architecture"
        ]
        assert app.clipboard.startswith(HOPPER + "\n")


async def test_start_up_indexing_fills_the_list(make_app: MakeApp) -> None:
    app = make_app(index=False, index_on_start=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await settle(pilot)
        assert len(main_screen(app).results.ids) == 160


async def test_markup_in_dumps_shows_as_typed(make_app: MakeApp, dumps: Path) -> None:
    abstract = "We [bold]test[/] markup, [link=https://evil]links[/link] and [@click=app.quit]clicks[/]. " * 4
    (dumps / "zz_markup.txt").write_text(f"Title with [bold]markup[/] and [/]\n\n{abstract}\n", encoding="utf-8")
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("slash", *"title:markup", "enter")
        await settle(pilot)
        text = detail_text(main_screen(app))
        assert "Title with [bold]markup[/] and [/]" in text
        assert "[@click=app.quit]clicks[/]" in text
        await pilot.press("slash")
        main_screen(app).query_one("#search", Input).value = "offload"
        await settle(pilot)
        found = [
            pid for pid in main_screen(app).results.ids if "[including offload]" in app.library.paper(pid).abstract
        ]
        assert found
        main_screen(app).results.cursor = main_screen(app).results.ids.index(found[0])
        await pilot.pause()
        assert "[including offload]" in detail_text(main_screen(app))


async def test_narrow_terminal_stacks_the_panes(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        assert screen.paper_list.has_class("-narrow")
        assert screen.query_one(PaperView).region.y > screen.results.region.y


async def test_q_quits_from_the_list_and_reading_view(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReadingScreen)
        await pilot.press("q")
        await pilot.pause()
        assert app._exit


async def test_mouse_click_selects_and_double_click_opens(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        await pilot.click("#results", offset=(5, 3))
        await pilot.pause()
        assert screen.results.cursor == 3
        assert app.library.paper(screen.results.ids[3]).title in detail_text(screen)
        await pilot.double_click("#results", offset=(5, 3))
        await pilot.pause()
        assert isinstance(app.screen, ReadingScreen)


async def test_export_dialog_writes_the_starred_list(make_app: MakeApp, tmp_path: Path) -> None:
    from textual.widgets import Select

    from reader.tui.screens.export import ExportScreen

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("slash", *"title:hopper", "enter")
        await settle(pilot)
        await pilot.press("s", "n", *"for the review", "ctrl+s")
        await settle(pilot)
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ExportScreen)
        app.screen.query_one("#export-format", Select).value = "bibtex"
        await pilot.pause()
        path = app.screen.query_one("#export-path", Input)
        assert path.value.endswith("papers-starred.bib")
        path.value = str(tmp_path / "mine.bib")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, ExportScreen)
        text = (tmp_path / "mine.bib").read_text()
        assert "{Nvidia} {Hopper} {GPU}" in text and "for the review" in text  # case-protected title

        await pilot.press("x")
        await pilot.pause()
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert app.clipboard.startswith("# Reading list")


async def test_export_dialog_sorts_and_groups(make_app: MakeApp, tmp_path: Path) -> None:
    from textual.widgets import Checkbox, Select

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("s", "j", "s")
        await settle(pilot)
        await pilot.press("x")
        await pilot.pause()
        app.screen.query_one("#export-sort", Select).value = "title"
        app.screen.query_one("#export-group", Checkbox).value = True
        app.screen.query_one("#export-path", Input).value = str(tmp_path / "grouped.md")
        await pilot.press("ctrl+s")
        await settle(pilot)
        text = (tmp_path / "grouped.md").read_text()
        assert "## 2024-03-20" in text and "### [" in text


async def test_the_app_can_be_made_with_no_arguments_for_textual_devtools(isolated_dirs: Locations) -> None:
    """`textual run --dev reader.tui.app:PapersApp` constructs the class with no arguments."""
    app = PapersApp()
    assert app.library.locations.data_dir == isolated_dirs.data_dir
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.screen.__class__.__name__ == "MainScreen"


async def test_the_reading_keys_can_be_rebound_in_config(make_app: MakeApp) -> None:
    # The README names next_paper and previous_paper among the commands to rebind.
    app = make_app(config=Config(keys={"next_paper": "N", "previous_paper": "P", "star": "x", "export": "e"}))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert not app.startup_notices  # every binding was taken
        ids = list(main_screen(app).results.ids)
        await pilot.press("enter")  # read the first paper
        await settle(pilot)
        reading = app.screen
        assert isinstance(reading, ReadingScreen)
        await pilot.press("N")
        await settle(pilot)
        assert reading.current_paper_id() == ids[1]
        await pilot.press("P")
        await settle(pilot)
        assert reading.current_paper_id() == ids[0]
        await pilot.press("x")  # star, rebound, works in the reading view too
        await settle(pilot)
        assert ids[0] in app.library.store.starred()


def test_a_reading_key_another_reading_command_keeps_is_refused() -> None:
    keymap, problems = usable_keys(Config(keys={"next_paper": "n", "previous_paper": "d"}))
    # n is the note's key in the reading view; d (the detail pane's) is free there.
    assert keymap == {"previous_paper": "d"}
    assert len(problems) == 1 and "next_paper = 'n'" in problems[0] and "'note'" in problems[0]
