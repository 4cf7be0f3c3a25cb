"""Fixtures for driving the reader with Textual's Pilot."""

from __future__ import annotations

import asyncio
import webbrowser
from pathlib import Path

import pytest
from textual import events
from textual.pilot import Pilot
from textual.worker import WorkerCancelled

from reader.tui.app import PapersApp
from reader.tui.screens.main import MainScreen
from reader.tui.widgets.paper_list import PaperList
from tests.conftest import MakeApp as MakeApp  # re-exported for the tests


async def settle(pilot: Pilot[None], delay: float = 0.25) -> None:
    """Wait for the search debounce, workers and the screen to catch up."""
    await pilot.pause(delay)
    # The folder watcher runs as long as the app: every other worker ends.
    others = [w for w in pilot.app.workers if w.group != "watch"]
    outcomes = await asyncio.gather(*(worker.wait() for worker in others), return_exceptions=True)
    for outcome in outcomes:
        # A worker a newer one replaced (the next search, count or page) was
        # cancelled: that is its job. Any other failure is the test's.
        if isinstance(outcome, BaseException) and not isinstance(outcome, WorkerCancelled):
            raise outcome
    await pilot.pause()


async def press(pilot: Pilot[None], *keys: str) -> None:
    """Press keys, then let the app finish what they started."""
    await pilot.press(*keys)
    await settle(pilot)


def main_screen(app: PapersApp) -> MainScreen:
    screen = app.screen
    assert isinstance(screen, MainScreen), type(screen)
    return screen


async def emptied_list(pilot: Pilot[None]) -> PaperList:
    """The main screen's list once the app has settled, emptied: what a
    load shows next is the load's own doing."""
    await settle(pilot)
    app = pilot.app
    assert isinstance(app, PapersApp)
    papers = main_screen(app).paper_list
    papers.results.set_ids([])
    return papers


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


@pytest.fixture
def browser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """$BROWSER set to a script that writes down the links it is given
    (the file it returns); Python's webbrowser looks at $BROWSER again."""
    opened = tmp_path / "opened.txt"
    opened.touch()
    script = tmp_path / "browser.sh"
    script.write_text(f'#!/bin/sh\necho "$1" >> {opened}\n')
    script.chmod(0o755)
    use_browser(monkeypatch, str(script))
    return opened


def use_browser(monkeypatch: pytest.MonkeyPatch, command: str) -> None:
    monkeypatch.setenv("BROWSER", command)
    monkeypatch.setattr(webbrowser, "_tryorder", None)
    monkeypatch.setattr(webbrowser, "_browsers", {})
