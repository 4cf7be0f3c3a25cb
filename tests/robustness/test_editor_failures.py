"""`papers note --edit` with editors that fail in every way a real one can:
one clear line, the note as it was, and an edit that is never lost."""

from __future__ import annotations

import json
import os
import signal
import subprocess
from pathlib import Path

import pytest

from reader.core.locations import Locations
from tests.e2e.test_cli import PAPERS, papers

HOPPER = "fe811da3dea9"


def editor(tmp_path: Path, script: str, name: str = "editor.sh") -> str:
    path = tmp_path / name
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(0o755)
    return str(path)


def edit(editor_value: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, EDITOR=editor_value, TMPDIR=str(tmp_temp(tmp_path)))
    env.pop("VISUAL", None)
    return papers("note", HOPPER, "--edit", env=env)


def tmp_temp(tmp_path: Path) -> Path:
    folder = tmp_path / "tmpdir"
    folder.mkdir(exist_ok=True)
    return folder


def note() -> str:
    return str(json.loads(papers("show", HOPPER, "--json").stdout)["note"])


@pytest.fixture
def noted(dumps: Path) -> None:
    papers("index", str(dumps))
    assert papers("note", HOPPER, "--set", "the old note").returncode == 0


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("false", "the editor exited with status 1"),
        ("no-such-editor-program", "cannot start the editor 'no-such-editor-program'"),
        ("vim '", "$EDITOR is not a command line"),
    ],
    ids=["false", "missing", "unbalanced-quote"],
)
@pytest.mark.usefixtures("noted")
def test_an_editor_that_cannot_run_leaves_the_note(tmp_path: Path, value: str, message: str) -> None:
    result = edit(value, tmp_path)
    assert result.returncode == 1
    assert message in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert note() == "the old note"


@pytest.mark.usefixtures("noted")
def test_an_editor_that_deletes_the_file(tmp_path: Path) -> None:
    result = edit(editor(tmp_path, 'rm "$1"\n'), tmp_path)
    assert result.returncode == 1 and "removed the file" in result.stderr
    assert "Traceback" not in result.stderr
    assert note() == "the old note"


@pytest.mark.usefixtures("noted")
def test_an_editor_that_writes_latin_1(tmp_path: Path) -> None:
    result = edit(editor(tmp_path, "printf 'caf\\351 cr\\350me\\n' > \"$1\"\n"), tmp_path)
    assert result.returncode == 0, result.stderr
    assert "read as Latin-1" in result.stderr and "Traceback" not in result.stderr
    assert note() == "café crème\n"


@pytest.mark.usefixtures("noted")
def test_the_editor_gets_a_final_newline_so_an_appended_line_stays_a_line(tmp_path: Path) -> None:
    result = edit(editor(tmp_path, "printf 'second line\\n' >> \"$1\"\n"), tmp_path)
    assert result.returncode == 0, result.stderr
    assert note() == "the old note\nsecond line\n"
    unchanged = edit(editor(tmp_path, "true\n", "noop.sh"), tmp_path)
    assert "note unchanged" in unchanged.stderr


@pytest.mark.usefixtures("noted")
def test_a_crashed_editor_keeps_the_text_it_saved(tmp_path: Path, isolated_dirs: Locations) -> None:
    crash = editor(tmp_path, "printf 'half written thoughts\\n' > \"$1\"\nkill -SEGV $$\n")
    result = edit(crash, tmp_path)
    assert result.returncode == 1 and "stopped by signal" in result.stderr
    assert note() == "the old note"
    kept = [p for p in isolated_dirs.drafts_dir.iterdir() if p.suffix == ".md"]
    assert [p.read_text() for p in kept] == ["half written thoughts\n"]
    assert str(kept[0]) in result.stderr
    assert list(tmp_temp(tmp_path).iterdir()) == []  # nothing in the shared temp folder


@pytest.mark.usefixtures("noted")
def test_kill_9_while_the_editor_is_open_loses_nothing(tmp_path: Path, isolated_dirs: Locations) -> None:
    ready = tmp_path / "ready"
    os.mkfifo(ready)
    slow = editor(tmp_path, f"printf 'written before the kill\\n' >> \"$1\"\necho saved > {ready}\nsleep 600\n")
    env = dict(os.environ, EDITOR=slow, TMPDIR=str(tmp_temp(tmp_path)))
    env.pop("VISUAL", None)
    process = subprocess.Popen(
        [PAPERS, "note", HOPPER, "--edit"], env=env, stderr=subprocess.DEVNULL, start_new_session=True
    )
    assert ready.read_text() == "saved\n"  # the editor has saved its file
    os.killpg(process.pid, signal.SIGKILL)  # papers and its editor, as a closed terminal would
    process.wait()
    drafts = sorted(p.name for p in isolated_dirs.drafts_dir.iterdir())
    assert len(drafts) == 2 and stat_mode(isolated_dirs.drafts_dir) == 0o700
    assert list(tmp_temp(tmp_path).iterdir()) == []
    # The next papers, whatever the command, saves the edit and cleans up.
    result = papers("stats")
    assert "recovered the note on" in result.stderr
    assert note() == "the old note\nwritten before the kill\n"
    assert list(isolated_dirs.drafts_dir.iterdir()) == []


def stat_mode(path: Path) -> int:
    return path.stat().st_mode & 0o777
