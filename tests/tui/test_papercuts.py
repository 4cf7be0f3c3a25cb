"""Issue 14, the papercuts a newcomer hits in the first hour: each test
fails on the code before its fix."""

from __future__ import annotations

from textual.widgets import Input

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
