"""Fixtures for driving the reader with Textual's Pilot."""

from __future__ import annotations

from textual import events
from textual.pilot import Pilot

from reader.tui.app import PapersApp
from reader.tui.screens.main import MainScreen
from tests.conftest import MakeApp  # noqa: F401  (re-exported for the tests)


async def settle(pilot: Pilot[None], delay: float = 0.25) -> None:
    """Wait for the search debounce, workers and the screen to catch up."""
    await pilot.pause(delay)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def main_screen(app: PapersApp) -> MainScreen:
    screen = app.screen
    assert isinstance(screen, MainScreen), type(screen)
    return screen


_NAMED = {"/": "slash", " ": "space", "?": "question_mark", "~": "tilde", "*": "asterisk", '"': "quotation_mark"}


async def burst(pilot: Pilot[None], *keys: str) -> None:
    """Send keys all at once, as a fast typist or a paste without bracketed
    paste does: no key waits for the one before it to be handled."""
    app = pilot.app
    driver = app._driver
    assert driver is not None
    for key in keys:
        name = _NAMED.get(key, key)
        character = key if len(key) == 1 else {"slash": "/", "space": " "}.get(key)
        event = events.Key(name, character)
        event.set_sender(app)
        driver.send_message(event)
    await pilot.pause()
