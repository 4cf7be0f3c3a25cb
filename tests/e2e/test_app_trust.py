"""The installed app in a real terminal (tmux) when things go wrong around it:
a failing editor, a second window, a wrong config."""

from __future__ import annotations

import json
import re
import subprocess
import time
from pathlib import Path

import pytest

from reader.core.locations import Locations
from tests.e2e.tmux import HAVE_TMUX, PAPERS, Terminal, terminal

pytestmark = pytest.mark.skipif(not HAVE_TMUX, reason="tmux is not installed (.ci/run installs it)")


def cli(*args: str) -> str:
    return subprocess.run([PAPERS, *args], capture_output=True, text=True, timeout=120, check=True).stdout


def starred_ids() -> list[str]:
    return [paper["id"] for paper in json.loads(cli("search", "*", "--filter", "starred", "--json"))]


# The size the app is told (tmux may start the pane smaller than asked, and
# the app would keep that size): notifications then have room.
SIZE = {"COLUMNS": "160", "LINES": "50"}
# What shows beside a notification's text: the screen under it, past a gap.
_UNDER = re.compile(r"\s{2,}\S{1,2}$")


def wait_for_toast(term: Terminal, text: str, timeout: float = 30.0) -> None:
    """Wait until a notification says `text`, however its lines are wrapped."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        lines = [_UNDER.sub("", line.rpartition("▌")[2]).strip() for line in term.screen().splitlines() if "▌" in line]
        if text in " ".join(" ".join(lines).split()):
            return
        time.sleep(0.2)
    raise AssertionError(f"no notification says {text!r}; the screen shows:\n{term.screen()}")


def script(tmp_path: Path, name: str, body: str) -> str:
    path = tmp_path / name
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(0o755)
    return str(path)


@pytest.mark.parametrize(
    ("editor", "message"),
    [
        ("false", "exited with status 1"),
        ("no-such-editor-program", "cannot start the editor"),
        ("vim '", "not a command line"),
        ("CRASH", "stopped by signal"),
    ],
    ids=["false", "missing", "unbalanced-quote", "crash"],
)
def test_a_failing_editor_leaves_a_working_screen(
    dumps: Path, tmp_path: Path, isolated_dirs: Locations, editor: str, message: str
) -> None:
    cli("index", str(dumps))
    if editor == "CRASH":
        editor = script(tmp_path, "crash.sh", "printf 'thoughts before the crash\\n' > \"$1\"\nkill -SEGV $$\n")
    with terminal([], size=(160, 50), env_extra={"EDITOR": editor, "VISUAL": "", **SIZE}) as term:
        term.wait_for("of 160 papers")
        term.send("E")
        wait_for_toast(term, message)
        term.send("s")  # the screen still answers keys
        term.wait_for("Starred:")
        term.send("q")
        term.wait_exit()
    assert len(starred_ids()) == 1
    kept = sorted(p.read_text() for p in isolated_dirs.drafts_dir.glob("*.md"))
    assert kept == (["thoughts before the crash\n"] if "crash" in editor else [])


def test_a_stale_window_never_undoes_another_windows_star(dumps: Path) -> None:
    cli("index", str(dumps))
    with terminal([], size=(160, 50), env_extra=SIZE) as window_b:
        window_b.wait_for("of 160 papers")  # B shows the first paper, not starred
        with terminal([], size=(160, 50), env_extra=SIZE) as window_a:
            window_a.wait_for("of 160 papers")
            window_a.send("s")
            window_a.wait_for("Starred:")
            window_a.send("q")
            window_a.wait_exit()
        (pid,) = starred_ids()
        # B follows the store (it redraws within a second or so); whichever
        # it draws when the key comes, the key does what B's screen says.
        if "☆ not starred" in window_b.screen():
            window_b.send("s")
            wait_for_toast(window_b, "Starred in another window meanwhile")
            assert starred_ids() == [pid]
        window_b.wait_for("★ starred")
        window_b.send("s")  # now B shows the star: the key removes it
        window_b.wait_for("Unstarred:")
        window_b.send("q")
        window_b.wait_exit()
    assert starred_ids() == []


def test_a_wrong_config_is_reported_and_the_app_starts(dumps: Path, isolated_dirs: Locations) -> None:
    cli("index", str(dumps))
    isolated_dirs.config_dir.mkdir(parents=True, exist_ok=True)
    isolated_dirs.config_path.write_text('theme = "no-such-theme"\n[keys]\nstar = "q"\nnote = "ctrl+"\nexport = "e"\n')
    with terminal([], size=(160, 50), env_extra=SIZE) as term:
        term.wait_for("of 160 papers")
        wait_for_toast(term, "[keys] star = 'q': 'q' is already the key of 'quit'; kept 's'")
        wait_for_toast(term, "[keys] note = 'ctrl+': 'ctrl+' has no key after")
        wait_for_toast(term, "theme 'no-such-theme' is not a theme")
        term.send("s")  # star kept its key
        term.wait_for("Starred:")
        term.send("e")  # a binding that was fine is used
        term.wait_for("Save to file")
        term.escape()
        term.send("q")  # and q still quits
        term.wait_exit()
