"""The first screen's list is painted before Textual is imported
(reader/tui/prepaint.py, issue 11 "Open at once"): where Textual's list
will be, with the text it will draw, in its colours once it has saved
them, and never with an escape sequence from a dump."""

from __future__ import annotations

import fcntl
import json
import os
import re
import select
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from reader.core.config import Config
from reader.core.generations import FirstRow
from reader.core.library import Library
from reader.core.locations import Locations
from reader.tui.app import PapersApp
from reader.tui.prepaint import (
    ENTER,
    PLAIN,
    ROLES,
    Start,
    list_box,
    look_key,
    look_path,
    paint,
    prepaint,
    read_look,
    save_look,
)
from reader.tui.rows import FirstScreen, first_rows, read_first_screen
from tests.robustness.hostile import WEIRD_TITLE, build_hostile_folder
from tests.tui.conftest import MakeApp, main_screen, settle

# What the paint may write: the screen switch, a cursor position, a style.
_CURSOR = re.compile(r"\x1b\[(\d+);(\d+)H")
_STYLE = re.compile(r"\x1b\[[0-9;]*m")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def painted_lines(text: str) -> dict[tuple[int, int], str]:
    """What each cursor position in `text` was followed by, styles taken
    out: (line, column), 0-based, to the text written there."""
    assert text.startswith(ENTER)
    body = _STYLE.sub("", text.removeprefix(ENTER))
    assert not _CONTROL.search(_CURSOR.sub("", body))  # no other escape, no control character
    parts = _CURSOR.split(body)
    assert parts[0] == ""
    triples = zip(parts[1::3], parts[2::3], parts[3::3], strict=True)
    return {(int(line) - 1, int(column) - 1): written for line, column, written in triples}


def first_screen(library: Library) -> FirstScreen:
    first = read_first_screen(library)
    assert first is not None
    return first


SIZES = [(40, 12), (60, 20), (80, 24), (99, 40), (100, 30), (101, 33), (120, 31), (120, 32), (203, 61)]


@pytest.mark.parametrize("size", SIZES)
async def test_the_list_box_is_where_textual_puts_the_list(make_app: MakeApp, size: tuple[int, int]) -> None:
    async with make_app().run_test(size=size) as pilot:
        await settle(pilot)
        results = main_screen(pilot.app).results  # type: ignore[arg-type]
        region = results.content_region
        box = list_box(*size)
        assert (box.top, box.left) == (region.y, region.x)
        assert (box.width, box.height) == (results.size.width, results.size.height)


@pytest.mark.parametrize("size", [(120, 32), (80, 24)])
async def test_the_paint_is_the_list_textual_draws(make_app: MakeApp, library: Library, size: tuple[int, int]) -> None:
    width, height = size
    lines = painted_lines(paint(first_screen(library), {}, width, height))
    box = list_box(width, height)
    async with make_app().run_test(size=size) as pilot:
        await settle(pilot)
        results = main_screen(pilot.app).results  # type: ignore[arg-type]
        drawn = [results.render_line(y).text for y in range(box.height)]
    rows = [lines[(box.top + y, box.left)] for y in range(box.height)]
    assert rows == drawn
    assert len(set(drawn)) == box.height  # a screenful of papers, none blank
    # Every line of the terminal was cleared first.
    assert all(lines[(y, 0)] == " " * width for y in range(height) if y not in range(box.top, box.top + box.height))


def test_a_title_from_a_dump_is_painted_as_text(isolated_dirs: Locations, tmp_path: Path) -> None:
    folder = tmp_path / "hostile"
    build_hostile_folder(folder)
    library = Library(isolated_dirs)
    library.index([folder])
    text = paint(first_screen(library), {}, 120, 32)
    lines = painted_lines(text)  # only cursor positions and styles: nothing else escapes
    assert any("Weird [bold]Markup[/]" in written for written in lines.values())
    assert "\x07" not in text and "\x1b]" not in text and "\n" not in text
    assert WEIRD_TITLE.startswith("Weird")


def test_a_saved_row_from_a_damaged_cache_is_painted_as_text(library: Library) -> None:
    """The rows come from a file in the cache: one that holds controls (a
    damaged or planted file) still paints only text."""
    hostile = FirstRow("x1", "\x1b]0;owned\x07Title\non two lines\x9b2J", "2024-03-20\x1b[2J", False)
    rows = first_rows(library, [hostile])
    lines = painted_lines(paint(FirstScreen(("x1",), 1, rows, ""), {}, 120, 32))
    assert any("Title on two lines" in written for written in lines.values())


def test_the_look_is_used_for_its_key_and_only_as_styles(isolated_dirs: Locations) -> None:
    path = look_path(isolated_dirs)
    key = look_key(isolated_dirs, None)
    styles = {role: f"\x1b[{number};1m" for number, role in enumerate(ROLES, start=30)}
    assert read_look(path, key) == {}  # none saved: plain rows
    assert save_look(path, key, styles) and not save_look(path, key, styles)  # written once
    assert read_look(path, key) == styles
    assert read_look(path, look_key(isolated_dirs, "nord")) == {}  # another theme
    isolated_dirs.config_path.parent.mkdir(parents=True, exist_ok=True)
    isolated_dirs.config_path.write_text('theme = "nord"\n')
    assert look_key(isolated_dirs, None) != key  # another config
    for bad in ("\x1b]0;owned\x07", "\x1b[2J", "plain text"):
        save_look(path, key, styles | {"line": bad})
        assert read_look(path, key) == {}
    path.write_bytes(b"\xff{not json")
    assert read_look(path, key) == {}


def test_without_a_look_the_cursor_row_is_reversed(library: Library) -> None:
    first = first_screen(library)
    text = paint(first, {}, 120, 32)
    box = list_box(120, 32)
    assert f"\x1b[{box.top + 1};1H\x1b[0m{PLAIN['cursor star']}" in text
    assert f"\x1b[{box.top + 2};1H\x1b[0m{PLAIN['star']}" in text


async def test_the_app_leaves_its_look_for_the_next_paint(library: Library, isolated_dirs: Locations) -> None:
    key = look_key(isolated_dirs, None)
    start = Start(first_screen(library), False, key, look_path(isolated_dirs))
    app = PapersApp(library, config=Config(), index_on_start=False, start=start)
    async with app.run_test(size=(120, 32)) as pilot:
        await settle(pilot)
        expected = main_screen(app).look()
    look = read_look(start.look_path, key)
    assert look == expected
    assert look["cursor line"] != look["line"] and look["screen"] != ""  # the theme's colours, the cursor's
    text = paint(start.first, look, 120, 32)  # type: ignore[arg-type]
    assert look["screen"] in text and look["cursor line"] in text


def test_the_paint_imports_no_textual(library: Library) -> None:
    """In a fresh interpreter, as `papers` starts: everything up to the paint
    loads neither Textual nor Whoosh (they are what the paint comes before)."""
    script = """
import io, json, sys
from reader.cli import main  # noqa: F401 - what `papers` imports
from reader.core.library import Library
from reader.tui.prepaint import paint
from reader.tui.rows import read_first_screen
first = read_first_screen(Library())
text = paint(first, {}, 120, 32)
heavy = sorted({name.split(".")[0] for name in sys.modules} & {"textual", "whoosh", "rapidfuzz", "numpy"})
print(json.dumps({"painted": first.rows[first.ids[0]].title[:20] in text, "heavy": heavy}))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120)
    assert json.loads(done.stdout) == {"painted": True, "heavy": []}


def test_a_terminal_that_cannot_take_the_rows_is_left_to_textual(library: Library) -> None:
    """A stream whose encoding lacks the rows' symbols (●, …) gets nothing,
    and the app is told nothing was painted: there is nothing to take back."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 32, 120, 0, 0))
    try:
        with open(slave, "w", encoding="ascii", closefd=False) as stream:
            start = prepaint(library, stream)
            assert start.first is not None and not start.painted
            assert not select.select([master], [], [], 0.2)[0]  # not even the switch to the alternate screen
    finally:
        os.close(slave)
        os.close(master)
