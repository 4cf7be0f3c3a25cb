"""The first screen is painted from the default view the last commit saved,
before the index is opened (issue 11, "Open at once"): the preview must be
the listing the search then gives, row for row, and it must not need
Whoosh, the dump parsers or rapidfuzz."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.widgets._footer import FooterKey

from reader.core.errors import PapersError
from reader.core.generations import FIRST_ROWS
from reader.core.library import Library
from reader.core.locations import Locations
from reader.core.views import Filter, Sort
from reader.tui.rows import PREVIEW_ROWS
from reader.tui.screens.main import Search, first_view_preview, search_source
from reader.tui.widgets.paper_list import read_rows
from tests.tui.conftest import MakeApp, emptied_list, main_screen, settle
from tests.tui.test_triage_flows import yesterday_then_a_new_dump

DEFAULT = Search("", Sort.RELEVANCE, Filter.ALL)


def test_the_preview_is_the_listing_the_search_gives(isolated_dirs: Locations, dumps: Path) -> None:
    # A morning: new papers (on top), a repeat, a starred and a seen paper.
    library = yesterday_then_a_new_dump(isolated_dirs, dumps)
    listed = library.search("").ids
    library.set_starred(library.paper(listed[3]), True)
    library.set_seen(library.paper(listed[4]), True)
    preview = first_view_preview(DEFAULT)
    assert preview is not None
    early = preview(Library(isolated_dirs))
    assert early is not None
    early_listing, early_rows = early
    listing = search_source(DEFAULT)(library)
    assert early_listing.ids == listing.ids
    assert early_listing.total == listing.total
    assert early_listing.summary == listing.summary and "2 new since" in listing.summary
    shown = list(listing.ids[: len(early_rows)])  # every row the commit saved, from the top
    assert len(shown) >= PREVIEW_ROWS and list(early_rows) == shown
    assert early_rows == read_rows(library, shown)
    marks = [(row.new, row.repeat, row.starred, row.seen) for row in early_rows.values()]
    assert (True, False, False, False) in marks  # a new paper
    assert any(repeat for _new, repeat, _starred, _seen in marks)
    assert any(starred for _new, _repeat, starred, _seen in marks)


def test_only_the_default_view_has_a_preview() -> None:
    assert first_view_preview(Search("model", Sort.RELEVANCE, Filter.ALL)) is None
    assert first_view_preview(Search("", Sort.RELEVANCE, Filter.STARRED)) is None
    assert first_view_preview(Search("", Sort.TITLE, Filter.ALL)) is None


def test_no_preview_without_a_saved_view(isolated_dirs: Locations) -> None:
    preview = first_view_preview(DEFAULT)
    assert preview is not None
    assert preview(Library(isolated_dirs)) is None  # nothing indexed yet: the search says why


async def test_the_list_after_its_preview_keeps_the_cursor_where_it_was(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        ids = list(screen.results.ids)
        assert len(ids) == 160 and screen.shown == DEFAULT
        assert not screen.paper_list._previewed  # the search's listing followed the preview


def test_the_first_screen_needs_no_whoosh(library: Library, isolated_dirs: Locations) -> None:
    """In a fresh interpreter, as `papers` starts: importing the app and
    building the first screen's listing loads none of the heavy modules."""
    script = """
import json, sys
from reader.cli import main  # noqa: F401 - what `papers` imports
from reader.tui.app import PapersApp  # noqa: F401
from reader.core.library import Library
from reader.core.views import Filter, Sort
from reader.tui.screens.main import Search, first_view_preview
preview = first_view_preview(Search("", Sort.RELEVANCE, Filter.ALL))
early = preview(Library())
heavy = sorted({name.split(".")[0] for name in sys.modules} & {"whoosh", "rapidfuzz", "linkify_it", "watchfiles"})
parsers = sorted(name for name in sys.modules if name.startswith("reader.core.saves"))
print(json.dumps({"rows": len(early[1]) if early else 0, "heavy": heavy, "parsers": parsers}))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120)
    found = json.loads(done.stdout)
    assert found == {"rows": FIRST_ROWS, "heavy": [], "parsers": []}  # every row the commit saved


async def test_the_footer_is_rebuilt_only_when_its_keys_change(make_app: MakeApp) -> None:
    """Textual's footer rebuilt every key on each cursor move (a bindings
    update): a third of the time to the first screen."""
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        keys = list(screen.query(FooterKey))
        assert keys
        await pilot.press("j", "j", "k")
        await settle(pilot)
        assert list(screen.query(FooterKey)) == keys  # the same widgets: nothing rebuilt
        await pilot.press("slash")  # the search bar has keys of its own
        await settle(pilot)
        typing = {key.description for key in screen.query(FooterKey)}
        assert list(screen.query(FooterKey)) != keys and typing != {key.description for key in keys}


def _failing(message: str) -> Callable[[Library], Any]:
    def fail(_library: Library) -> Any:
        raise PapersError(message)

    return fail


async def test_a_preview_that_fails_leaves_the_search_to_answer(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        papers = await emptied_list(pilot)
        papers.load(search_source(DEFAULT), preview=_failing("the store could not be read"))
        await settle(pilot)
        assert len(papers.results.ids) == 160


async def test_a_search_that_fails_after_its_preview_still_shows_the_paper(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        papers = main_screen(app).paper_list
        await pilot.press("j", "j")  # the preview puts the cursor back on the first paper
        await settle(pilot)
        preview = first_view_preview(DEFAULT)
        assert preview is not None
        papers.load(_failing("no such query"), preview=preview)
        await settle(pilot)
        assert len(papers.results.ids) == 160  # the preview stays
        assert papers.detail is not None and papers.detail.paper.id == papers.results.current
