"""Text from outside never reaches the terminal as escape sequences, on every
output path of the command line: the raw bytes a pseudo-terminal received
are checked, not a decoded string."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.e2e.terminal_bytes import run_on_pty
from tests.e2e.test_cli import papers

# OSC 52 (write the clipboard), a window title, clear screen, and a C1 CSI.
EVIL = "\x1b]52;c;SGVsbG8=\x07\x1b]0;pwned\x07\x1b[2J\u009b31m"
ABSTRACT = (
    "We study how long abstracts of research papers are indexed and shown, with enough words in this "
    "paragraph that it reads as the abstract of a paper and never as a title or a stray line of text."
)


@pytest.fixture
def evil_dumps(dumps: Path) -> Path:
    """The samples, plus a dump whose file name is an attack; it holds a paper
    and a title with no abstract (a problem line that names the file)."""
    evil = dumps / f"000-{EVIL}.txt"
    evil.write_text(f"Escaped Names In Dump Files Are Harmless\n\n{ABSTRACT}\n\nA Title Left Without Its Abstract\n")
    return dumps


def assert_clean(captured_output: bytes, unsafe: list[bytes]) -> None:
    assert unsafe == [], captured_output
    assert "␛".encode() in captured_output  # it was shown, as a symbol


def evil_paper_id() -> str:
    found = json.loads(papers("search", "title:harmless", "--json").stdout)
    return str(found[0]["id"])


def test_index_progress_and_problem_lines(evil_dumps: Path) -> None:
    # Plain progress lines: every byte but the text's own must be clean.
    lines = {**os.environ, "PAPERS_PROGRESS": "lines"}
    captured = run_on_pty("index", str(evil_dumps), env=lines)
    assert captured.code == 0, captured.output
    assert b"Without Its Abstract" in captured.output or b"000-" in captured.output
    assert_clean(captured.output, captured.unsafe())
    # The progress bar (rich) writes its own colour and cursor codes, but a
    # file name's escapes never pass: no OSC (clipboard, title), no clear.
    drawn = run_on_pty("index", "--rebuild", str(evil_dumps))
    assert drawn.code == 0, drawn.output
    assert b"\x1b]" not in drawn.output and b"\x1b[2J" not in drawn.output and b"\x07" not in drawn.output


def test_show_path_and_note(evil_dumps: Path) -> None:
    papers("index", str(evil_dumps))
    pid = evil_paper_id()
    assert papers("note", pid, "--set", f"my note {EVIL}").returncode == 0
    shown = run_on_pty("show", pid)
    assert shown.code == 0 and b"in " in shown.output and b"my note" in shown.output
    assert_clean(shown.output, shown.unsafe())
    note = run_on_pty("note", pid)
    assert note.code == 0 and b"my note" in note.output
    assert_clean(note.output, note.unsafe())
    as_json = run_on_pty("show", pid, "--json")
    assert as_json.unsafe() == []
    assert json.loads(as_json.output)["note"] == f"my note {EVIL}"  # JSON keeps the text, escaped


def test_titles_restored_from_a_backup(evil_dumps: Path, tmp_path: Path) -> None:
    papers("index", str(evil_dumps))
    backup = tmp_path / "evil-backup.json"
    kept = {"id": "0123456789ab", "title": f"Kept Paper {EVIL}", "starred_at": "2024-03-14T09:30:00+00:00"}
    backup.write_text(json.dumps({"kind": "papers-backup", "version": 1, "stars": [kept], "notes": [], "seen": []}))
    assert papers("restore", str(backup)).returncode == 0
    for args in (
        ("search", "*", "--filter", "starred"),
        ("show", "0123456789ab"),
        ("star", "0123456789ab"),
        ("export", "--format", "markdown"),
    ):
        captured = run_on_pty(*args)
        assert captured.code == 0, (args, captured.output)
        assert b"Kept Paper" in captured.output, args
        assert captured.unsafe() == [], (args, captured.output)


def test_folder_names_in_stats_folders_and_errors(evil_dumps: Path, tmp_path: Path) -> None:
    folder = tmp_path / f"dumps-{EVIL}"
    evil_dumps.rename(folder)
    assert papers("index", str(folder)).returncode == 0
    for args in (("stats",), ("folders",), ("index", str(tmp_path / f"missing-{EVIL}"))):
        captured = run_on_pty(*args)
        assert b"dumps-" in captured.output or b"missing-" in captured.output, (args, captured.output)
        assert_clean(captured.output, captured.unsafe())


def test_show_on_a_terminal_with_no_width(dumps: Path) -> None:
    papers("index", str(dumps))
    pid = json.loads(papers("search", "title:hopper", "--json").stdout)[0]["id"]
    for columns in (0, 1):
        captured = run_on_pty("show", pid, columns=columns, env=dict(os.environ))
        assert captured.code == 0, captured.output
        assert b"Traceback" not in captured.output and b"Hopper" in captured.output
