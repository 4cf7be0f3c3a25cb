"""The papers App: styles, key map, theme, and the first screen.

Screens are handed the Library and the key map; each declares its own
palette commands, so the app knows no screen but the first.
"""

from __future__ import annotations

from textual.app import App
from textual.notifications import SeverityLevel

from ..core.config import Config, State
from ..core.library import Library
from ..core.locations import resource_dir
from ..core.text import printable
from .screens.main import MainScreen

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
        self.push_screen(MainScreen(self.library, self.keymap, self.index_on_start))

    def _remember_theme(self, theme: str) -> None:
        state = State.load(self.library.locations.state_path)
        if state.theme != theme:
            state.theme = theme
            try:
                state.save(self.library.locations.state_path)
            except OSError as error:
                self.notify(f"Could not remember the theme: {error.strerror}", severity="warning")

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        # Every toast passes here: a file name, a title or a store path in it
        # shows its control characters as symbols, never as escape sequences.
        super().notify(printable(message), title=printable(title), severity=severity, timeout=timeout, markup=markup)

    def on_unmount(self) -> None:
        self.library.close()


def run_app(library: Library) -> int:
    """Open the reader; returns the exit code."""
    app = PapersApp(library)
    app.run()
    return app.return_code or 0
