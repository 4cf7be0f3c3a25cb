"""The first screen's list, painted before Textual is imported.

Importing Textual and building the app's screen take ~0.3 s, as long again
as a whole hello-world Textual app (docs/benchmarks.md). The default view's
first rows are on disk already (reader/tui/rows.py), so `papers` writes them
to the terminal at once, where the list will show them, and Textual's first
frame then paints over the same cells and adds the rest (search bar, detail,
status line, footer). Typed keys wait in the terminal meanwhile: nothing
here reads them.

The colours are the app's own when it has left them (`Look`, saved by the
app after its first frame, for the theme and terminal it ran with);
otherwise the rows are plain text. This module imports no Textual.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from .. import __version__
from ..core.atomic import write_atomic
from ..core.config import State
from ..core.errors import PapersError
from ..core.library import Library
from ..core.locations import Locations
from .rows import LOADING, FirstScreen, RowText, read_first_screen, row_text

# Where Textual's layout puts the list (styles/papers.tcss; the numbers are
# checked against Textual's own layout in tests/tui/test_prepaint.py). The
# app takes the first two from here (screens/main.py, widgets/paper_list.py).
SHORT = 32  # a terminal shorter than this has a one-line search bar
NARROW = 100  # narrower than this, the detail goes under the list
LIST_SHARE = 0.55  # of the width, beside the detail
LIST_MIN_WIDTH = 30
NARROW_LIST_SHARE = 0.6  # of the height, above the detail
SMALLEST = (40, 12)  # a smaller terminal is left to Textual

ENTER = "\x1b[?1049h\x1b[?25l"  # the alternate screen (Textual's too), the cursor hidden
LEAVE = "\x1b[0m\x1b[?25h\x1b[?1049l"
RESET = "\x1b[0m"
# What a style may be: Select Graphic Rendition only. The look file is ours,
# but what reaches the terminal from a file is checked all the same.
_SGR = re.compile(r"\x1b\[[0-9;]*m")
ROLES = ("screen", "line", "star", "mark", "date", "cursor line", "cursor star", "cursor mark", "cursor date")
# Without the app's look: the terminal's own colours, the cursor's row reversed.
PLAIN = dict.fromkeys(ROLES, "") | {
    "star": "\x1b[1m",
    "date": "\x1b[2m",
    "cursor line": "\x1b[7m",
    "cursor star": "\x1b[1;7m",
    "cursor mark": "\x1b[7m",
    "cursor date": "\x1b[7m",
}
# The environment that decides the colours Textual writes (Rich's colour system).
_COLOUR_ENV = ("TERM", "COLORTERM", "NO_COLOR", "FORCE_COLOR", "TEXTUAL_COLOR_SYSTEM", "TTY_COMPATIBLE")


@dataclass(frozen=True, slots=True)
class ListBox:
    """The list's rows on the screen: the first row's line and column (0-based),
    the rows' width and how many show."""

    top: int
    left: int
    width: int
    height: int


def list_box(width: int, height: int) -> ListBox:
    """Where the main screen's list is in a terminal of this size."""
    search = 1 if height < SHORT else 3
    panes = height - search - 2  # the status line and the footer below
    if width < NARROW:
        return ListBox(search, 0, width, int(panes * NARROW_LIST_SHARE) - 1)  # its bottom border
    return ListBox(search, 0, max(LIST_MIN_WIDTH, int(width * LIST_SHARE)) - 1, panes)  # its right border


@dataclass(frozen=True, slots=True)
class Start:
    """What the paint left for the app: the first screen it read (the app
    shows it without reading it again), whether the terminal holds the
    paint, and the key the app saves its look under."""

    first: FirstScreen | None
    painted: bool
    look_key: str
    look_path: Path

    def undo(self, stream: TextIO | None = None) -> None:
        """Give the terminal back as it was (the app did not start)."""
        if self.painted:
            _write(stream or sys.stdout, LEAVE)  # if it cannot be written, there is nothing else to do


def look_path(locations: Locations) -> Path:
    return locations.cache_dir / "look.json"


def look_key(locations: Locations, theme: str | None) -> str:
    """What the app's colours depend on, known before Textual starts: the
    program, the config file (its theme), the remembered theme and the
    terminal's colour settings."""
    try:
        config = hashlib.sha256(locations.config_path.read_bytes()).hexdigest()
    except OSError:
        config = ""
    parts = [__version__, config, theme or "", *(os.environ.get(name, "") for name in _COLOUR_ENV)]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:32]


def read_look(path: Path, key: str) -> dict[str, str]:
    """The styles the app saved for `key`; an empty look (plain rows) when it
    saved none, for another key, or a file this cannot use."""
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError, RecursionError):
        return {}
    if not isinstance(data, dict) or data.get("key") != key or not isinstance(data.get("styles"), dict):
        return {}
    styles = data["styles"]
    if not all(isinstance(styles.get(role), str) and _SGR.fullmatch(styles[role]) for role in ROLES):
        return {}
    return {role: styles[role] for role in ROLES}


def save_look(path: Path, key: str, styles: dict[str, str]) -> bool:
    """Keep the app's styles for the next start; True if the file changed."""
    text = json.dumps({"key": key, "styles": {role: styles[role] for role in ROLES}}, indent=1)
    with contextlib.suppress(OSError):
        if path.read_text(encoding="utf-8") == text:
            return False
    write_atomic(path, text)
    return True


def paint(first: FirstScreen, look: dict[str, str], width: int, height: int) -> str:
    """The terminal text of the first screen's list, over a cleared screen."""
    box = list_box(width, height)
    styles = look or PLAIN
    out = [ENTER, RESET, styles["screen"]]
    out.extend(f"\x1b[{line + 1};1H{' ' * width}" for line in range(height))
    for number, paper_id in enumerate(first.ids[: box.height]):
        text = row_text(first.rows.get(paper_id, LOADING), box.width)
        part = "cursor " if number == 0 else ""  # the list has focus, its cursor on the first row
        out += [
            f"\x1b[{box.top + number + 1};{box.left + 1}H",
            *(f"{RESET}{styles[part + role]}{cells}" for role, cells in _parts(text)),
        ]
    out.append(RESET)
    return "".join(out)


def _parts(text: RowText) -> list[tuple[str, str]]:
    """A row's parts as the list draws them, each with the role of its style."""
    return [("star", text.star), ("mark", text.mark), ("line", f" {text.title}"), ("date", text.date)]


def prepaint(library: Library, stream: TextIO | None = None) -> Start:
    """Paint the first screen's list if there is one to paint and a terminal
    big enough; what it read and did is handed to the app either way."""
    stream = stream or sys.stdout
    locations = library.locations
    try:
        theme = State.load(locations.state_path).theme
    except PapersError:
        theme = None  # the app says why
    start = Start(None, False, look_key(locations, theme), look_path(locations))
    if os.environ.get("TERM", "") in ("", "dumb"):
        return start
    try:
        width, height = os.get_terminal_size(stream.fileno())
    except (OSError, ValueError):
        return start
    try:
        first = read_first_screen(library)
    except Exception:  # noqa: BLE001 - the paint only saves time: the app reads the same and says what failed
        return start
    if first is None or width < SMALLEST[0] or height < SMALLEST[1]:
        return Start(first, False, start.look_key, start.look_path)
    painted = _write(stream, paint(first, read_look(start.look_path, start.look_key), width, height))
    return Start(first, painted, start.look_key, start.look_path)


def _write(stream: TextIO, text: str) -> bool:
    """Write to the terminal; False if it could not (an encoding without these symbols)."""
    try:
        stream.write(text)
        stream.flush()
    except (OSError, ValueError):  # UnicodeEncodeError is a ValueError
        return False
    return True
