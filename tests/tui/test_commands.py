"""Commands a screen cannot run now are shown as unavailable (footer and
palette) instead of ringing the bell; each screen offers its own commands."""

from __future__ import annotations

from typing import cast

from textual.command import CommandPalette
from textual.widgets import Input

from reader.tui.screens.reading import ReadingScreen
from tests.tui.conftest import MakeApp, main_screen, settle


def palette_entries(app: object) -> dict[str, str]:
    """What the open command palette lists: title -> help."""
    from textual.command import Command, CommandList

    palette = app.screen  # type: ignore[attr-defined]
    assert isinstance(palette, CommandPalette)
    options = palette.query_one(CommandList).options
    entries: dict[str, str] = {}
    for option in options:
        hit = cast(Command, option).hit
        entries[str(hit.text)] = str(hit.help or "")
    return entries


async def test_paper_commands_are_unavailable_without_a_paper(make_app: MakeApp) -> None:
    app = make_app()
    rang: list[bool] = []
    app.bell = lambda: rang.append(True)  # type: ignore[method-assign]
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        assert screen.active_bindings["s"].enabled
        screen.query_one("#search", Input).value = "zzyzx"
        await settle(pilot)
        assert screen.results.ids == []
        await pilot.press("escape")
        bindings = screen.active_bindings
        for key in ("s", "n", "E", "o", "y", "enter"):
            assert not bindings[key].enabled, key  # shown greyed in the footer
        assert bindings["f"].enabled and bindings["x"].enabled
        await pilot.press("s", "n", "o", "y", "enter")
        await settle(pilot)
        assert rang == []
        assert app.screen is screen
        assert app.library.store.starred() == {}

        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Star")
        await pilot.pause(0.5)
        entries = palette_entries(app)
        assert "not now: no paper selected" in entries["Star"]
        assert "not now" not in entries.get("Sort", "")
        await pilot.press("enter")
        await settle(pilot)
        assert rang == []
        assert any("Star: no paper selected" in str(n.message) for n in app._notifications)
        assert app.library.store.starred() == {}


async def test_the_reading_view_offers_its_own_commands(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        pid = main_screen(app).results.current
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReadingScreen)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"St")
        await pilot.pause(0.5)
        entries = palette_entries(app)
        assert "Star" in entries and "Sort" not in entries  # sorting is the list's, not this screen's
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Star")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert pid in app.library.store.starred()
