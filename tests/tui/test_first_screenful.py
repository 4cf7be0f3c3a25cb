"""The main list shows a keystroke's first screenfuls at once: the count is
"about N" until the exact count comes (cancelled by the next keystroke), and
scrolling past what the list holds fetches the rest (issue 11)."""

from __future__ import annotations

import pytest

from benchmarks.targets import FIRST_PAPERS, SCREEN_ROWS
from reader.core.library import Library
from reader.core.locations import Locations
from reader.tui.screens.main import about, papers_to_ask
from reader.tui.widgets import paper_list
from tests.tui.conftest import MakeApp, main_screen, settle
from tests.tui.test_flows import status_text


def test_about_rounds_to_two_figures() -> None:
    assert about(93_456) == "about 93,000"
    assert about(160) == "about 160"
    assert about(7) == "about 7"


async def test_the_count_becomes_exact_and_scrolling_fetches_the_rest(
    make_app: MakeApp, isolated_dirs: Locations, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(paper_list, "EAGER_REST", 0)  # as if many papers matched: the rest waits for a scroll
    app = make_app()
    expected = Library(isolated_dirs).search("model", typing=True).ids
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        first = papers_to_ask(screen.results.size.height)
        assert screen.results.size.height > 20 and len(expected) > first  # enough papers for two loads
        await pilot.press("slash", *"model")
        await settle(pilot)
        # The list holds its first screenful and a few more; the status has the exact count.
        assert len(screen.results.ids) == first
        assert list(screen.results.ids) == list(expected[:first])
        assert f"{len(expected)} of 160 papers" in status_text(app)
        await pilot.press("down")  # to the list
        await pilot.press("G")  # past what it holds
        await settle(pilot)
        assert list(screen.results.ids) == list(expected)
        assert screen.results.current == expected[first - 1]  # the cursor stayed on its paper
        assert f"{len(expected)} of 160 papers" in status_text(app)


async def test_the_benchmark_asks_for_what_the_app_asks_for(make_app: MakeApp) -> None:
    """benchmarks/targets.py times a keystroke as the app runs it in a
    120x32 terminal: the list's height there is its SCREEN_ROWS."""
    async with make_app().run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        height = main_screen(pilot.app).results.size.height  # type: ignore[arg-type]
        assert height == SCREEN_ROWS and papers_to_ask(height) == FIRST_PAPERS


async def test_a_half_typed_word_lists_its_completions(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        await pilot.press("slash", *"specu")
        await settle(pilot)
        assert screen.results.ids, "specu already shows the speculative-decoding papers"
        assert "No papers match" not in screen.results.empty_text


async def test_a_few_hits_are_completed_without_a_scroll(make_app: MakeApp, isolated_dirs: Locations) -> None:
    app = make_app()
    expected = Library(isolated_dirs).search("model", typing=True).ids
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        assert "160 of 160 papers" in status_text(app)
        assert len(screen.results.ids) == 160
        await pilot.press("slash", *"model")
        await settle(pilot)
        assert list(screen.results.ids) == list(expected)
        assert f"{len(expected)} of 160 papers" in status_text(app)


async def test_the_list_never_scrolls_sideways(make_app: MakeApp) -> None:
    """Every row is cut to the list's width: a horizontal scrollbar would only
    take the list's last row (it did, beside the vertical one)."""
    async with make_app().run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        results = main_screen(pilot.app).results  # type: ignore[arg-type]
        assert len(results.ids) > results.size.height  # the vertical scrollbar is there
        assert results.scrollbars_enabled == (True, False)
        assert results.size.height == results.region.height  # every line of the list holds a row
