"""Issue 8 in the app: a slow search is said to be running, and the app
follows an index another process changed. Real index, real store, a real
second process."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import threading
from dataclasses import replace
from pathlib import Path

from textual.widgets import Static

from reader.core.config import Config
from reader.core.library import Library
from reader.core.locations import Locations
from reader.tui.app import PapersApp
from reader.tui.widgets.paper_list import Listing
from tests.conftest import MakeApp
from tests.saves_builder import api_json, cards, write
from tests.tui.conftest import main_screen, settle
from tests.tui.test_papercuts import wait_until

MORNING = dt.date(2024, 3, 21)


def status_text(app: PapersApp) -> str:
    return str(main_screen(app).query_one("#status", Static).render())


async def test_a_slow_search_is_said_to_be_running(make_app: MakeApp) -> None:
    # Item 8: "the app must show that a search is running" (the status line
    # kept the previous query's count for 97 s).
    app = make_app()
    release = threading.Event()

    def slow(library: Library) -> Listing:
        release.wait(30)  # a search that has not answered yet
        return Listing(tuple(library.search("hopper").ids), library.total())

    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "searching" not in status_text(app)
        main_screen(app).paper_list.load(slow)
        await wait_until(pilot, lambda: "searching…" in status_text(app))
        assert "160 of 160" in status_text(app)  # the list on screen is still the last one
        release.set()
        await wait_until(pilot, lambda: "searching" not in status_text(app))
        assert "1 of 160" in status_text(app)


def a_new_save(dumps: Path) -> list[str]:
    """Save a page of two papers the samples do not have; their titles."""
    deck = cards(2, 0, MORNING)
    fresh = [
        replace(deck[0], title="Live Folder Paper About Caches", arxiv_id="2403.30001"),
        replace(deck[1], title="Live Folder Paper About Kernels", arxiv_id="2403.30002"),
    ]
    write(dumps / "saved-while-open.json", api_json(fresh, page_date=MORNING))
    return [card.title for card in fresh]


def titles_listed(app: PapersApp) -> set[str]:
    library = app.library
    return {paper.title for paper in library.papers(main_screen(app).results.ids).values()}


async def test_an_index_run_by_another_process_shows_in_the_open_app(make_app: MakeApp, dumps: Path) -> None:
    # Item 5: "a CLI update adding papers is not seen until restart".
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        titles = a_new_save(dumps)
        cli = [sys.executable, "-m", "reader", "index", str(dumps)]
        subprocess.run(cli, check=True, capture_output=True, timeout=300)
        await wait_until(pilot, lambda: set(titles) <= titles_listed(app))  # no key pressed
        await wait_until(pilot, lambda: "of 162 papers" in status_text(app))


async def test_a_save_made_while_the_app_is_open_is_indexed(isolated_dirs: Locations, dumps: Path) -> None:
    # Issue 12, item 7: the live folder; the new count follows.
    library = Library(isolated_dirs)
    library.index([dumps])
    library.begin_visit()
    library.end_visit()  # yesterday's visit
    app = PapersApp(Library(isolated_dirs), config=Config(), index_on_start=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: "of 160 papers" in status_text(app) and "indexing" not in status_text(app))
        assert "0 new since" in status_text(app)
        titles = a_new_save(dumps)
        await wait_until(pilot, lambda: set(titles) <= titles_listed(app))
        await wait_until(pilot, lambda: "2 new since" in status_text(app))
        assert [app.library.paper(pid).title for pid in main_screen(app).results.ids[:2]] == titles


async def test_an_interrupt_during_start_up_quits_once_the_screen_is_up(make_app: MakeApp) -> None:
    # A quit while the main screen was being mounted tore it down under its
    # own on_mount (a traceback, exit code 1): SIGINT then waits for the first
    # frame (reader/tui/interrupts.py, PapersApp.interrupt).
    app = make_app()
    app.interrupt()  # before Textual has mounted anything
    async with app.run_test() as pilot:
        await pilot.pause()
        assert app.first_frame.is_set()
    assert app.return_code == 130
