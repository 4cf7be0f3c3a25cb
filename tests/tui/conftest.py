"""Fixtures for driving the reader with Textual's Pilot."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from reader.core.config import Config
from reader.core.library import Library
from reader.core.locations import Locations
from reader.tui.app import PapersApp
from reader.tui.screens.main import MainScreen

MakeApp = Callable[..., PapersApp]


@pytest.fixture
def make_app(isolated_dirs: Locations, dumps: Path) -> MakeApp:
    """An app on the indexed sample dumps (no start-up indexing unless asked)."""

    def make(index: bool = True, index_on_start: bool = False, config: Config | None = None) -> PapersApp:
        library = Library(isolated_dirs)
        if index:
            library.index([dumps])
        return PapersApp(library, config=config or Config(), index_on_start=index_on_start)

    return make


async def settle(pilot: Pilot[None], delay: float = 0.25) -> None:
    """Wait for the search debounce, workers and the screen to catch up."""
    await pilot.pause(delay)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def main_screen(app: PapersApp) -> MainScreen:
    screen = app.screen
    assert isinstance(screen, MainScreen), type(screen)
    return screen
