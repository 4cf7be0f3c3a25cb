"""The installed `papers` in a real terminal (tmux), checked with the CLI after."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.e2e.tmux import HAVE_TMUX, PAPERS, terminal

pytestmark = pytest.mark.skipif(not HAVE_TMUX, reason="tmux is not installed (.ci/run installs it)")


def cli(*args: str) -> str:
    return subprocess.run([PAPERS, *args], capture_output=True, text=True, timeout=120, check=True).stdout


def test_search_star_note_export_quit_then_cli_sees_it(dumps: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / "Documents").mkdir(parents=True)
    with terminal([str(dumps)], env_extra={"HOME": str(home)}) as term:
        term.wait_for("of 160 papers")
        term.send("/")
        term.type("kv cache")
        term.wait_for("14 of 160 papers")
        term.escape()
        term.wait_for("s Star")
        term.send("s")
        term.wait_for("Starred:")
        term.send("n")
        term.wait_for("Note on")
        term.type("read later, with [brackets]")
        term.send("C-s")
        term.wait_for("Note saved")
        term.send("x")
        term.wait_for("Save to file")
        term.send("C-s")
        term.wait_for("Exported 1 papers")
        term.send("q")
        term.wait_exit()
    exported = (home / "Documents" / "papers-starred.md").read_text()
    assert "read later, with [brackets]" in exported
    first = json.loads(cli("search", "kv cache", "--json"))[0]
    shown = json.loads(cli("show", first["id"], "--json"))
    assert shown["starred"] is True
    assert shown["note"] == "read later, with [brackets]"
    assert shown["seen"] is True


def test_help_and_reading_view_in_a_small_terminal(dumps: Path) -> None:
    with terminal([str(dumps)], size=(80, 24)) as term:
        term.wait_for("of 160 papers")
        term.send("?")
        term.wait_for("Keys, commands")
        term.escape()
        term.wait_gone("Keys, commands")
        term.send("Enter")
        term.wait_for("esc Back")
        term.escape()
        term.wait_gone("esc Back")
        term.send("q")
        term.wait_exit()


def test_note_in_external_editor_suspends_and_resumes(dumps: Path, tmp_path: Path) -> None:
    editor = tmp_path / "editor.sh"
    editor.write_text("#!/bin/sh\nprintf 'written in my editor' > \"$1\"\n")
    editor.chmod(0o755)
    with terminal([str(dumps)], env_extra={"EDITOR": str(editor), "VISUAL": ""}) as term:
        term.wait_for("of 160 papers")
        term.send("E")
        term.wait_for("Note saved")
        term.send("q")
        term.wait_exit()
    noted = json.loads(cli("search", "*", "--filter", "noted", "--json"))
    assert [paper["note"] for paper in noted] == ["written in my editor"]
