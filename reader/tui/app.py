"""The papers App: styles, key map, theme, screens and the command palette."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from textual.app import App, SystemCommand
from textual.screen import Screen

from ..core.config import Config, State
from ..core.library import Library
from ..core.locations import resource_dir
from .commands import MAIN_COMMANDS, PAPER_COMMANDS
from .screens.main import MainScreen
from .screens.paper_screen import PaperScreen

STYLES = resource_dir("styles") / "papers.tcss"


class PapersApp(App[None]):
    """A keyboard-first reader for research-paper dumps."""

    CSS_PATH = str(STYLES)
    TITLE = "papers"

    def __init__(self, library: Library, config: Config | None = None, index_on_start: bool = True) -> None:
        super().__init__()
        self.library = library
        self.config = config if config is not None else Config.load(library.locations.config_path)
        self.index_on_start = index_on_start
        self.keymap: dict[str, str] = dict(self.config.keys)

    def on_mount(self) -> None:
        if self.keymap:
            self.set_keymap(self.keymap)
        remembered = State.load(self.library.locations.state_path).theme
        for theme in (self.config.theme, remembered):
            if theme and theme in self.available_themes:
                self.theme = theme
                break
        self.watch(self, "theme", self._remember_theme, init=False)
        self.push_screen(MainScreen(self.index_on_start))

    def _remember_theme(self, theme: str) -> None:
        state = State.load(self.library.locations.state_path)
        if state.theme != theme:
            state.theme = theme
            try:
                state.save(self.library.locations.state_path)
            except OSError as error:
                self.notify(f"Could not remember the theme: {error.strerror}", severity="warning")

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if isinstance(screen, MainScreen):
            commands = MAIN_COMMANDS
        elif isinstance(screen, PaperScreen):
            commands = PAPER_COMMANDS
        else:
            return
        for command in commands:
            if command.id == "quit":
                continue  # the palette has its own Quit
            yield SystemCommand(command.title, command.help, partial(screen.run_action, command.action))

    def on_unmount(self) -> None:
        self.library.close()


def run_app(library: Library) -> int:
    """Open the reader; returns the exit code."""
    app = PapersApp(library)
    app.run()
    return app.return_code or 0
