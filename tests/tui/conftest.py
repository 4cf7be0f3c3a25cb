"""Fixtures for driving the reader with Textual's Pilot."""

from __future__ import annotations

from textual.pilot import Pilot

from reader.tui.app import PapersApp
from reader.tui.screens.main import MainScreen
from tests.conftest import MakeApp as MakeApp  # re-exported for the tests


async def settle(pilot: Pilot[None], delay: float = 0.25) -> None:
    """Wait for the search debounce, workers and the screen to catch up."""
    await pilot.pause(delay)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def main_screen(app: PapersApp) -> MainScreen:
    screen = app.screen
    assert isinstance(screen, MainScreen), type(screen)
    return screen
