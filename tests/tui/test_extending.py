"""A filter or a sort is one object: defined here, registered, and the
command line, the app and the exports all offer it, with no other change.
A new view of papers is one screen around a PaperList."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from textual.app import ComposeResult
from textual.widgets import Footer, Input

from reader.cli import main
from reader.core.library import Library
from reader.core.locations import Locations
from reader.core.views import FILTERS, SORTS, Facts, Filter, Sort
from reader.tui.screens.list_screen import PaperListScreen
from reader.tui.screens.reading import ReadingScreen
from reader.tui.widgets.paper_list import Listing, PaperList
from tests.tui.conftest import MakeApp, main_screen, settle
from tests.tui.test_flows import detail_text, status_text


def _odd(_facts: Facts) -> Callable[[str], bool]:
    return lambda pid: int(pid[-1], 16) % 2 == 1


ODD = Filter("odd", "odd IDs", _odd, "is:odd")
BY_ID = Sort("id", "paper ID", "by paper ID", lambda ids, _facts: sorted(ids))


@pytest.fixture
def registered(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(FILTERS, ODD.name, ODD)
    monkeypatch.setitem(SORTS, BY_ID.name, BY_ID)


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(list(args)) == 0
    return capsys.readouterr().out


def test_a_new_filter_and_sort_work_in_the_cli_and_exports(
    registered: None, library: Library, capsys: pytest.CaptureFixture[str]
) -> None:
    everything = library.search("").ids
    odd = [pid for pid in everything if int(pid[-1], 16) % 2 == 1]
    assert 0 < len(odd) < len(everything)
    found = json.loads(run_cli(capsys, "search", "*", "--filter", "odd", "--sort", "id", "--limit", "0", "--json"))
    assert [paper["id"] for paper in found] == sorted(odd)
    cache = json.loads(run_cli(capsys, "search", "cache", "--filter", "odd", "--limit", "0", "--json"))
    assert cache and all(int(paper["id"][-1], 16) % 2 == 1 for paper in cache)

    for pid in everything[:5]:
        library.star(library.paper(pid))
    exported = json.loads(run_cli(capsys, "export", "-f", "json", "--sort", "id"))
    assert [paper["id"] for paper in exported["papers"]] == sorted(everything[:5])


async def test_a_new_filter_and_sort_work_in_the_app(
    registered: None, make_app: MakeApp, isolated_dirs: Locations
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        everything = list(Library(isolated_dirs).search("").ids)  # the list holds its first screenfuls
        await pilot.press("f", "f", "f", "f")  # all → starred → with notes → not seen → odd IDs
        await settle(pilot)
        assert screen.query_one("#search", Input).value == "is:odd"  # its term, in the search bar
        assert "query 'is:odd'" in status_text(app)
        assert screen.results.ids == [pid for pid in everything if int(pid[-1], 16) % 2 == 1]
        await pilot.press("S", "S", "S", "S", "S")  # relevance → date → title → starred → upvotes → paper ID
        await settle(pilot)
        assert screen.sort is BY_ID
        assert "sort: paper ID" in status_text(app)
        assert screen.results.ids == sorted(screen.results.ids)
        await pilot.press("f")
        await settle(pilot)
        assert screen.query_one("#search", Input).value == ""
        assert screen.filter is Filter.ALL and screen.results.ids == sorted(everything)


class OneDumpScreen(PaperListScreen):
    """A view defined here: the papers of one dump, titles A to Z."""

    def __init__(self, library: Library, dump_name: str) -> None:
        super().__init__(library)
        self.dump_name = dump_name

    def compose(self) -> ComposeResult:
        yield PaperList(self.library)
        yield Footer()

    def on_mount(self) -> None:
        self.paper_list.results.focus()
        self.paper_list.load(self.papers_of_the_dump)

    def papers_of_the_dump(self, library: Library) -> Listing:
        every = library.search("", Sort.TITLE).ids
        papers = library.papers(every)
        ids = tuple(pid for pid in every if any(d.path.endswith(self.dump_name) for d in papers[pid].dumps))
        return Listing(ids, len(every))


async def test_a_new_view_is_one_screen_around_a_paper_list(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        undated = "002_dbb14d855c3ffe92.txt"
        view = OneDumpScreen(app.library, undated)
        await app.push_screen(view)
        await settle(pilot)
        ids = view.paper_list.results.ids
        assert ids and len(ids) < 160
        titles = [app.library.paper(pid).title.casefold() for pid in ids]
        assert titles == sorted(titles)
        await pilot.press("j")
        await settle(pilot, 0.5)
        chosen = view.current_paper_id()
        assert chosen == ids[1]
        assert app.library.paper(chosen).title in detail_text(view)
        assert chosen in app.library.store.seen()  # seen after a look, as in the main list
        await pilot.press("s")
        await settle(pilot)
        assert chosen in app.library.store.starred()
        assert "★ starred" in detail_text(view)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReadingScreen) and app.screen.paper_id == chosen
