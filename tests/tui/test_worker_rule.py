"""The worker rule: no SQLite or Whoosh call on the UI thread, so a store
locked by another process never freezes the screen."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input

from reader.core.locations import Locations
from reader.core.store import Store
from reader.tui.app import PapersApp
from reader.tui.screens.export import ExportScreen
from reader.tui.screens.note import NoteEditor
from reader.tui.screens.reading import ReadingScreen
from tests.tui.conftest import MakeApp, main_screen, settle
from tests.tui.test_flows import detail_text

# A second process that takes the store's write lock (as a writing `papers`
# would) and keeps it until it reads a line.
_LOCK_HOLDER = (
    "import sqlite3, sys\n"
    "db = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
    "db.execute('BEGIN IMMEDIATE')\n"
    "print('locked', flush=True)\n"
    "sys.stdin.readline()\n"
    "db.execute('ROLLBACK')\n"
)


@contextmanager
def write_lock_held(store_path: Path) -> Iterator[subprocess.Popen[str]]:
    holder = subprocess.Popen(
        [sys.executable, "-c", _LOCK_HOLDER, str(store_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdin is not None
    try:
        assert holder.stdout.readline().strip() == "locked"
        yield holder
    finally:
        release(holder)


def release(holder: subprocess.Popen[str]) -> None:
    """Let the lock holder commit and end (the writes waiting for it go on)."""
    if holder.poll() is None:
        assert holder.stdin is not None
        holder.stdin.write("\n")
        holder.stdin.close()
        holder.wait(timeout=30)


def marks(store_path: Path) -> tuple[set[str], set[str]]:
    """Starred and seen IDs, read by a connection of the test's own."""
    db = sqlite3.connect(f"{store_path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        starred = {pid for (pid,) in db.execute("SELECT paper_id FROM stars")}
        seen = {pid for (pid,) in db.execute("SELECT paper_id FROM seen")}
    finally:
        db.close()
    return starred, seen


async def until(pilot: Pilot[None], done: object) -> None:
    """Let the app run until `done()` holds (progress, not a clock, ends it)."""
    assert callable(done)
    while not done():
        await pilot.pause(0.05)


async def test_list_stays_responsive_while_another_process_holds_the_write_lock(
    make_app: MakeApp, isolated_dirs: Locations
) -> None:
    store_path = isolated_dirs.store_path
    Store(store_path).close()
    app = make_app()
    with write_lock_held(store_path) as holder:
        async with app.run_test(size=(120, 40)) as pilot:
            screen = main_screen(app)
            results = screen.results
            await until(pilot, lambda: len(results.ids) == 160)
            # Each paper shown for a moment asks for a "seen" write, which waits for the lock.
            for expected in (1, 2, 3):
                await pilot.press("j")
                assert results.cursor == expected
                title = results._rows[results.ids[expected]].title
                await until(pilot, lambda title=title: title in detail_text(screen))
                await pilot.pause(0.4)
            await pilot.press("s")
            await pilot.press("k", "j")
            assert results.cursor == 3
            chosen = results.current
            assert chosen is not None
            assert holder.poll() is None
            assert marks(store_path) == (set(), set())  # the writes really are waiting
            release(holder)
            await settle(pilot, 0.5)
            starred, seen = marks(store_path)
            assert starred == {chosen}
            assert chosen in seen


def handles_on_this_thread(app: PapersApp) -> list[str]:
    """The library's store connection and index searcher are per thread and
    opened on first use: one on this (the UI) thread means a call ran here."""
    local = app.library._local
    return [name for name in ("store", "searcher") if getattr(local, name, None) is not None]


async def test_the_ui_thread_never_reads_the_store_or_the_index(make_app: MakeApp, tmp_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        await pilot.press("slash", *"cache", "escape", "j", "j", "G", "g", "s", "f", "S", "tab", "tab")
        await settle(pilot, 0.5)
        await pilot.press("f", "f", "f", "S", "S", "S")
        await settle(pilot)
        await pilot.press("n", *"a note", "ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, NoteEditor)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReadingScreen)
        await pilot.press("s", "escape")
        await settle(pilot)
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ExportScreen)
        app.screen.query_one("#export-path", Input).value = str(tmp_path / "out.md")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert (tmp_path / "out.md").exists()
        assert screen.results.ids
        assert handles_on_this_thread(app) == []
