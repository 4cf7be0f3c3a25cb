"""The papers App: styles, key map, theme, and the first screen.

Screens are handed the Library and the key map; each declares its own
palette commands, so the app knows no screen but the first.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Sequence

from textual import work
from textual.app import App
from textual.notifications import SeverityLevel

from ..core.config import Config, State, check_keys, check_theme, remember_theme
from ..core.errors import PapersError
from ..core.library import Library
from ..core.locations import resource_dir
from ..core.text import printable
from .commands import MAIN_COMMANDS, PAPER_COMMANDS, QUIT, READING_COMMANDS, Command
from .interrupts import INTERRUPTED, Interrupts
from .keynames import RESERVED_KEYS, textual_key_name
from .prepaint import Start, save_look
from .screens.main import MainScreen, start_first_view
from .writes import finish_writes

STYLES = resource_dir("styles") / "papers.tcss"


# Each screen's keys are checked among the commands that screen offers: a key
# is refused only where two of its commands would share it.
KEY_SCREENS: tuple[tuple[Command, ...], ...] = (MAIN_COMMANDS, (*READING_COMMANDS[:2], *PAPER_COMMANDS, QUIT))


def usable_keys(config: Config) -> tuple[dict[str, str], list[str]]:
    """The config's key bindings every screen can take, and a line per one that cannot."""
    known = list(dict.fromkeys(command.id for screen in KEY_SCREENS for command in screen))
    keymap: dict[str, str] = {}
    refused: set[str] = set()
    problems: list[str] = []
    for number, screen in enumerate(KEY_SCREENS):
        defaults = {command.id: command.key for command in screen}
        # Unknown commands are reported once, by the first screen's check.
        everything = known if number == 0 else [*known, *config.keys]
        accepted, found = check_keys(config, defaults, RESERVED_KEYS, textual_key_name, everything)
        keymap.update(accepted)
        refused.update(command for command in config.keys if command in defaults and command not in accepted)
        problems.extend(problem for problem in found if problem not in problems)
    # Textual's key map is one for all screens: a binding one screen refused is left out everywhere.
    return {command: keys for command, keys in keymap.items() if command not in refused}, problems


class PapersApp(App[None]):
    """A keyboard-first reader for research-paper dumps."""

    CSS_PATH = str(STYLES)
    TITLE = "papers"

    def __init__(
        self,
        library: Library | None = None,
        config: Config | None = None,
        index_on_start: bool = True,
        notices: Sequence[str] = (),
        start: Start | None = None,
    ) -> None:
        # With no Library (`textual run --dev reader.tui.app:PapersApp`), the
        # folders come from the environment, as for `papers`.
        library = library if library is not None else Library()
        # Read while Textual starts: the first frame can hold the first list.
        self.first_view = start_first_view(library, start.first if start is not None else None)
        self.start = start  # what `papers` painted before Textual (reader/tui/prepaint.py)
        self.mounted = False
        self.interrupted = False  # by SIGINT (reader/tui/interrupts.py): it quits once the first frame is shown
        # Set once the first frame is on the terminal (Ready): the list's
        # first search waits for it (reader/tui/widgets/paper_list.py).
        self.first_frame = threading.Event()
        super().__init__()
        self.library = library
        self.config = config if config is not None else Config.load(library.locations.config_path)
        self.index_on_start = index_on_start
        # A wrong setting is reported and left out, never fatal.
        self.keymap, problems = usable_keys(self.config)
        self.startup_notices = [*notices, *self.config.problems, *problems]

    def on_mount(self) -> None:
        self.mounted = True  # Textual has the terminal: it gives it back when it ends
        if self.keymap:
            self.set_keymap(self.keymap)
        # The configured theme is checked; a state file that cannot be read
        # only costs the remembered theme here.
        chosen, problem = check_theme(self.config.theme, set(self.available_themes), self.config.where())
        if problem:
            self.startup_notices.append(problem)
        try:
            remembered = State.load(self.library.locations.state_path).theme
        except PapersError as error:
            remembered = None
            self.startup_notices.append(str(error))
        for theme in (chosen, remembered):
            if theme and theme in self.available_themes:
                self.theme = theme
                break
        self.watch(self, "theme", self._remember_theme, init=False)
        self.push_screen(MainScreen(self.library, self.keymap, self.index_on_start, self.first_view))
        for notice in self.startup_notices:
            self.notify(notice, title="papers", severity="warning", markup=False, timeout=20)

    def on_ready(self) -> None:
        # The first frame is on the terminal: what was held back for it follows.
        self.first_frame.set()
        if self.interrupted:
            self.exit(return_code=INTERRUPTED)
            return
        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                screen.first_frame_shown()
                if self.start is not None:
                    self._save_look(self.start, screen.look())

    def interrupt(self) -> None:
        """Quit as `q` does, with the interrupt's exit code; during start-up,
        once the first frame is shown: quitting while the main screen mounts
        tore it down under its own on_mount (a traceback instead of an exit)."""
        self.interrupted = True
        if self.first_frame.is_set():
            self.exit(return_code=INTERRUPTED)

    @work(thread=True, group="look", exit_on_error=False)
    def _save_look(self, start: Start, styles: dict[str, str]) -> None:
        # The next start paints its first rows in these colours; without them, plainly.
        with contextlib.suppress(OSError):
            save_look(start.look_path, start.look_key, styles)

    def _remember_theme(self, theme: str) -> None:
        try:
            remember_theme(self.library.locations.state_path, theme)
        except PapersError as error:
            self.notify(f"Could not remember the theme: {error}", severity="warning", markup=False)

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


def run_app(
    library: Library, notices: Sequence[str] = (), start: Start | None = None, interrupts: Interrupts | None = None
) -> int:
    """Open the reader; returns the exit code. `notices` are shown at start;
    `start`: what was painted before Textual was imported; `interrupts`: the
    SIGINT handling it was imported under (reader/tui/interrupts.py)."""
    app: PapersApp | None = None
    try:
        app = PapersApp(library, notices=notices, start=start)
        if interrupts is not None:
            interrupts.app = app
            interrupts.check()  # interrupted while the app was made: it never runs
        app.run()
    finally:
        if start is not None and (app is None or not app.mounted):
            start.undo()  # Textual never had the terminal: the paint is taken back here
        # The screen is gone: this visit is over, and what the library holds now was known to it.
        with contextlib.suppress(TimeoutError):
            finish_writes()  # a visit begun just before the app closed is ended, not left open
        with contextlib.suppress(PapersError):
            library.end_visit()
    assert app is not None  # made, or its error went up
    return app.return_code or 0
