"""`papers undo`, `seen` and `unseen`: the installed command, a new process
each time, as a user at a shell runs it."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.e2e.test_cli import PAPERS, papers

# What the app's writer thread does with a note (reader/tui/screens/paper_screen.py):
# another process, through the Library, journaled as the app.
APP_NOTE = """
import sys
from reader.core.library import Library
from reader.core.locations import Locations
library = Library(Locations.resolve())
library.save_note(library.paper(sys.argv[1]), sys.argv[2], check_base=False)
"""


def ids(query: str, count: int) -> list[str]:
    found = papers("search", query, "--json", "--limit", str(count))
    assert found.returncode == 0, found.stderr
    return [hit["id"] for hit in json.loads(found.stdout)][:count]


def shown(pid: str) -> dict[str, object]:
    result = papers("show", pid, "--json")
    assert result.returncode == 0, result.stderr
    data: dict[str, object] = json.loads(result.stdout)
    return data


def test_star_then_undo_unstars_and_says_what_it_undid(dumps: Path) -> None:
    assert papers("index", str(dumps)).returncode == 0
    (pid,) = ids("title:hopper", 1)
    assert papers("star", pid).returncode == 0
    assert shown(pid)["starred"] is True
    undo = papers("undo")
    assert undo.returncode == 0, undo.stderr
    assert undo.stderr.startswith(f"undid: star of {pid} Benchmarking and Dissecting the Nvidia Hopper")
    assert shown(pid)["starred"] is False
    again = papers("undo")
    assert again.returncode == 1
    assert again.stderr.startswith("papers: nothing to undo") and "Traceback" not in again.stderr


def test_note_set_twice_is_undone_twice_then_nothing(dumps: Path) -> None:
    papers("index", str(dumps))
    (pid,) = ids("title:hopper", 1)
    assert papers("note", pid, "--set", "first").returncode == 0
    assert papers("note", pid, "--set", "second").returncode == 0
    listed = json.loads(papers("undo", "--list", "--json").stdout)
    assert [(c["change"], c["before"], c["after"]) for c in listed] == [
        ("note edit", "first", "second"),
        ("note edit", None, "first"),
    ]
    first = papers("undo", "--json")
    assert first.returncode == 0 and first.stderr.startswith(f"undid: note edit of {pid}")
    report = json.loads(first.stdout)
    assert report["undone"] is True and [c["status"] for c in report["changes"]] == ["undone"]
    assert shown(pid)["note"] == "first"
    assert papers("undo").returncode == 0
    assert shown(pid)["note"] is None
    nothing = papers("undo")
    assert nothing.returncode == 1 and "nothing to undo" in nothing.stderr


def test_seen_and_unseen_are_the_users_and_undone(dumps: Path) -> None:
    papers("index", str(dumps))
    first, second = ids("kv cache", 2)
    marked = papers("seen", first, second)
    assert marked.returncode == 0 and marked.stderr.count("marked seen:") == 2
    assert set(ids("kv cache is:seen", 20)) == {first, second}
    assert "already seen" in papers("seen", first).stderr  # changed nothing: not a step to undo
    assert papers("unseen", first).returncode == 0
    assert set(ids("kv cache is:seen", 20)) == {second}
    undo = papers("undo")
    assert undo.stderr.startswith(f"undid: mark unseen of {first}")
    assert set(ids("kv cache is:seen", 20)) == {first, second}
    both = papers("undo")  # `papers seen A B` was one command: one step
    assert both.returncode == 0 and both.stderr.count("undid: mark seen of") == 2
    assert ids("kv cache is:seen", 20) == []


def test_two_processes_at_once_each_undo_their_own_step(dumps: Path) -> None:
    papers("index", str(dumps))
    first, second = ids("kv cache", 2)
    stars = [subprocess.Popen([PAPERS, "star", pid], stderr=subprocess.PIPE, text=True) for pid in (first, second)]
    assert [process.wait(timeout=120) for process in stars] == [0, 0]
    for process in stars:
        assert process.stderr is not None
        process.stderr.close()
    assert shown(first)["starred"] is True and shown(second)["starred"] is True
    undos = [subprocess.Popen([PAPERS, "undo"], stderr=subprocess.PIPE, text=True) for _ in range(2)]
    said = []
    for process in undos:
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        said.append(err)
    assert sorted(line.split()[3] for line in said) == sorted([first, second])  # each undid a different star
    assert shown(first)["starred"] is False and shown(second)["starred"] is False
    assert papers("undo").returncode == 1


def test_undo_never_overwrites_a_change_made_in_another_process(dumps: Path) -> None:
    papers("index", str(dumps))
    (pid,) = ids("title:hopper", 1)
    assert papers("note", pid, "--set", "from the shell").returncode == 0
    app = subprocess.run([sys.executable, "-c", APP_NOTE, pid, "written in the app since"], capture_output=True)
    assert app.returncode == 0, app.stderr
    refused = papers("undo")
    assert refused.returncode == 1
    assert (
        f"not undone: note edit of {pid}" in refused.stderr
        and "the note was edited since in the app at" in refused.stderr
    )
    assert "papers undo --force" in refused.stderr
    assert shown(pid)["note"] == "written in the app since"  # nothing was written
    forced = papers("undo", "--force")
    assert forced.returncode == 0 and "over a change made since in the app" in forced.stderr
    assert shown(pid)["note"] is None
    assert papers("undo").returncode == 1

    # A star the app took away meanwhile: already as before, nothing to overwrite.
    assert papers("star", pid).returncode == 0
    unstar = APP_NOTE.replace("library.save_note(library.paper(sys.argv[1]), sys.argv[2], check_base=False)", "")
    unstar += "library.set_starred(library.paper(sys.argv[1]), False)\n"
    assert subprocess.run([sys.executable, "-c", unstar, pid], capture_output=True).returncode == 0
    already = papers("undo")
    assert already.returncode == 0 and "already as before: changed back since in the app" in already.stderr
    assert shown(pid)["starred"] is False


def test_an_old_store_is_upgraded_by_the_command_and_nothing_is_lost(dumps: Path) -> None:
    from reader.core.store import MIGRATIONS

    papers("index", str(dumps))
    (pid,) = ids("title:hopper", 1)
    store_path = Path(os.environ["PAPERS_DATA_DIR"]) / "store.sqlite3"
    for made in store_path.parent.glob("store.sqlite3*"):  # the search made a new store: an old one instead
        made.unlink()
    db = sqlite3.connect(store_path)
    db.executescript(MIGRATIONS[0] + MIGRATIONS[1])
    db.execute("INSERT INTO stars VALUES (?, 'Benchmarking', '2024-03-14T10:00:00+00:00')", (pid,))
    db.execute(
        "INSERT INTO notes VALUES (?, 'Benchmarking', 'kept', ?, ?)",
        (pid, "2024-03-14T10:00:00+00:00", "2024-03-14T10:00:00+00:00"),
    )
    db.execute("PRAGMA user_version = 2")
    db.commit()
    db.close()
    nothing = papers("undo")
    assert nothing.returncode == 1 and "nothing to undo" in nothing.stderr
    assert shown(pid)["starred"] is True and shown(pid)["note"] == "kept"
    assert papers("unstar", pid).returncode == 0
    assert papers("undo").returncode == 0
    record = shown(pid)
    assert record["starred"] is True and record["note"] == "kept"
    assert str(record["starred_at"]).startswith("2024-03-14T10:00:00")  # the star got its own time back


def test_backup_and_restore_keep_working_and_leave_the_journal_behind(dumps: Path, tmp_path: Path) -> None:
    papers("index", str(dumps))
    (pid,) = ids("title:hopper", 1)
    papers("star", pid)
    papers("note", pid, "--set", "a note")
    backup = tmp_path / "backup.json"
    assert papers("backup", "-o", str(backup)).returncode == 0
    data = json.loads(backup.read_text())
    assert set(data) == {"kind", "version", "created_at", "stars", "notes", "seen"}
    env = dict(os.environ, PAPERS_DATA_DIR=str(tmp_path / "elsewhere"))
    assert papers("restore", str(backup), env=env).returncode == 0
    assert papers("undo", env=env).returncode == 1  # the journal stays with its own store
    restored = json.loads(papers("show", pid, "--json", env=env).stdout)
    assert restored["starred"] is True and restored["note"] == "a note"
    assert papers("undo").returncode == 0  # and undo goes on in the first one
    assert shown(pid)["note"] is None


def test_titles_and_notes_from_outside_reach_the_terminal_without_escapes(dumps: Path, tmp_path: Path) -> None:
    from tests.e2e.terminal_bytes import run_on_pty
    from tests.robustness.test_escapes_cli import EVIL

    papers("index", str(dumps))
    backup = tmp_path / "evil-backup.json"
    kept = {"id": "0123456789ab", "title": f"Kept Paper {EVIL}", "starred_at": "2024-03-14T09:30:00+00:00"}
    backup.write_text(json.dumps({"kind": "papers-backup", "version": 1, "stars": [kept], "notes": [], "seen": []}))
    assert papers("restore", str(backup)).returncode == 0
    assert papers("note", "0123456789ab", "--set", f"a note {EVIL}").returncode == 0
    assert papers("unstar", "0123456789ab").returncode == 0
    for args in (("undo", "--list"), ("seen", "0123456789ab"), ("undo",), ("undo",), ("undo", "--json")):
        captured = run_on_pty(*args)
        assert captured.code == 0, (args, captured.output)
        assert b"Kept Paper" in captured.output, args
        assert captured.unsafe() == [], (args, captured.output)


def test_a_note_edited_in_the_editor_is_undone(dumps: Path, tmp_path: Path) -> None:
    papers("index", str(dumps))
    (pid,) = ids("title:hopper", 1)
    papers("note", pid, "--set", "typed at the shell")
    editor = tmp_path / "editor.sh"
    editor.write_text("#!/bin/sh\nprintf 'rewritten in the editor' > \"$1\"\n")
    editor.chmod(0o755)
    env = dict(os.environ, EDITOR=str(editor))
    env.pop("VISUAL", None)
    assert papers("note", pid, "--edit", env=env).returncode == 0
    assert shown(pid)["note"] == "rewritten in the editor"
    undo = papers("undo")
    assert undo.returncode == 0 and undo.stderr.startswith(f"undid: note edit of {pid}")
    assert shown(pid)["note"] == "typed at the shell"
