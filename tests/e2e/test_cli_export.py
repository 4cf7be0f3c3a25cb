"""`papers export`, `papers backup` and `papers restore` through the installed command."""

from __future__ import annotations

import json
import os
import stat
import subprocess
from pathlib import Path

import pytest

from reader.core.locations import Locations
from reader.core.store import Store
from tests.e2e.test_cli import PAPERS, papers


def hopper_id(dumps: Path) -> str:
    papers("index", str(dumps))
    return str(json.loads(papers("search", "title:hopper", "--json").stdout)[0]["id"])


def test_export_to_stdout_file_and_no_overwrite(dumps: Path, tmp_path: Path) -> None:
    pid = hopper_id(dumps)
    papers("star", pid)
    papers("note", pid, "--set", "cite in chapter 2")
    shown = papers("export", "--format", "json")
    assert shown.returncode == 0
    assert json.loads(shown.stdout)["papers"][0]["note"] == "cite in chapter 2"

    target = tmp_path / "out" / "list.bib"
    assert papers("export", "-f", "bibtex", "-o", str(target)).returncode == 0
    assert "cite in chapter 2" in target.read_text()
    again = papers("export", "-f", "bibtex", "-o", str(target))
    assert again.returncode == 1 and "exists; use --force" in again.stderr
    assert papers("export", "-f", "markdown", "-o", str(target), "--force").returncode == 0
    assert target.read_text().startswith("# Reading list")


def test_export_query_noted_and_bad_format(dumps: Path) -> None:
    hopper_id(dumps)
    found = json.loads(papers("export", "-f", "csljson", "--query", "kv cache").stdout)
    assert len(found) == 14
    assert papers("export", "--scope", "noted", "-f", "json").returncode == 0
    bad = papers("export", "-f", "docx")
    assert bad.returncode == 2 and "invalid choice: 'docx'" in bad.stderr  # bad usage, like every other option


def test_backup_and_restore_into_an_empty_store(dumps: Path, tmp_path: Path) -> None:
    pid = hopper_id(dumps)
    papers("star", pid)
    papers("note", pid, "--set", "first machine")
    backup = tmp_path / "backup.json"
    assert papers("backup", "-o", str(backup)).returncode == 0
    assert oct(backup.stat().st_mode & 0o777) == "0o600"

    env = dict(os.environ, PAPERS_DATA_DIR=str(tmp_path / "second-machine"))
    restored = papers("restore", str(backup), env=env)
    assert restored.returncode == 0 and "1 stars added, 1 notes restored" in restored.stderr
    shown = json.loads(papers("show", pid, "--json", env=env).stdout)
    assert shown["starred"] and shown["note"] == "first machine"


def test_restore_keeps_newer_edits(dumps: Path, tmp_path: Path) -> None:
    pid = hopper_id(dumps)
    papers("note", pid, "--set", "old text")
    backup = tmp_path / "backup.json"
    papers("backup", "-o", str(backup))
    papers("note", pid, "--set", "newer text")
    restored = papers("restore", str(backup))
    assert "0 notes restored (1 kept" in restored.stderr
    assert json.loads(papers("show", pid, "--json").stdout)["note"] == "newer text"


def test_restore_refuses_bad_files_untouched(dumps: Path, tmp_path: Path) -> None:
    hopper_id(dumps)
    broken = tmp_path / "broken.json"
    broken.write_text('{"kind": "papers-backup",\n "version": 1,\n "stars": [oops]}')
    result = papers("restore", str(broken))
    assert result.returncode == 1 and f"{broken}:3: not valid JSON" in result.stderr
    other = tmp_path / "other.json"
    other.write_text("[]")
    assert "not a papers backup" in papers("restore", str(other)).stderr


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('"stars": {"fe811da3dea9": "2024-03-14"}', "backup.json:3: 'stars' must be a list of records, not an object"),
        ('"stars": [1]', "backup.json:3: stars[0] must be a record {...}, not a number"),
        ('"notes": "abc"', "backup.json:3: 'notes' must be a list of records, not text"),
        ('"seen": [\n  {"id": "a", "title": "T", "seen_at": 5}]', "backup.json:4: seen[0]: 'seen_at' must be a time"),
        ('"stars": [{"id": ["x"], "title": "T"}]', "backup.json:3: stars[0]: 'id' must be text, not a list"),
        ('"notes":\n' + "[" * 100_000 + "]" * 100_000, "backup.json:4: lists or objects nested too deeply"),
        ('"notes":\n' + "[" * 500 + "]" * 500, "backup.json:4: notes[0] must be a record {...}, not a list"),
    ],
    # Short names: the test's name is in the environment of every process it starts.
    ids=["stars-object", "stars-number", "notes-text", "seen-time", "id-list", "nested-100000", "nested-500"],
)
def test_restore_of_a_wrong_structure_names_the_line(dumps: Path, tmp_path: Path, body: str, message: str) -> None:
    pid = hopper_id(dumps)
    papers("note", pid, "--set", "mine")
    store = Path(os.environ["PAPERS_DATA_DIR"]) / "store.sqlite3"
    before = papers("backup").stdout.split('"created_at"')[1].split("\n", 1)[1]
    wrong = tmp_path / "backup.json"
    wrong.write_text('{"kind": "papers-backup",\n "version": 1,\n ' + body + "\n}\n")
    result = papers("restore", str(wrong))
    assert result.returncode == 1, result.stderr
    assert message in result.stderr and "nothing was restored" in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) == 1
    assert store.exists()
    assert papers("backup").stdout.split('"created_at"')[1].split("\n", 1)[1] == before


def run_with_umask(*args: str, umask: int = 0o022) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PAPERS, *args], capture_output=True, text=True, timeout=120, preexec_fn=lambda: os.umask(umask)
    )


def test_exports_and_backups_are_private_unless_asked(dumps: Path, tmp_path: Path) -> None:
    pid = hopper_id(dumps)
    papers("star", pid)
    papers("note", pid, "--set", "private thoughts")
    for args in (("export", "-f", "csv"), ("backup",)):
        target = tmp_path / f"{args[0]}.out"
        assert run_with_umask(*args, "-o", str(target)).returncode == 0
        assert stat.S_IMODE(target.stat().st_mode) == 0o600, args
        assert run_with_umask(*args, "-o", str(target), "--force", "--mode", "644").returncode == 0
        assert stat.S_IMODE(target.stat().st_mode) == 0o644, args
    bad = papers("export", "-o", str(tmp_path / "x.md"), "--mode", "rw")
    assert bad.returncode == 2 and "octal mode" in bad.stderr


def test_writing_over_papers_own_files_is_refused(dumps: Path, isolated_dirs: Locations) -> None:
    pid = hopper_id(dumps)
    papers("note", pid, "--set", "do not lose me")
    store = isolated_dirs.store_path
    before = store.read_bytes()
    for args in (("backup",), ("export",)):
        for target in (store, store.with_name("store.sqlite3-wal"), isolated_dirs.state_path):
            result = papers(*args, "-o", str(target), "--force")
            assert result.returncode == 1 and "papers' own" in result.stderr, (args, target, result.stderr)
    # Through a symbolic link too.
    link = isolated_dirs.data_dir.parent / "innocent.json"
    link.symlink_to(store)
    assert papers("backup", "-o", str(link), "--force").returncode == 1
    assert store.read_bytes() == before
    assert json.loads(papers("show", pid, "--json").stdout)["note"] == "do not lose me"


def test_a_stale_temp_file_of_a_killed_export_is_removed(dumps: Path, tmp_path: Path) -> None:
    pid = hopper_id(dumps)
    papers("star", pid)
    # What a writer killed between creating and renaming its temp file leaves.
    stale = tmp_path / ".list.md.papers-0badf00d.tmp"
    stale.write_text("half of an export with private notes")
    assert papers("export", "-o", str(tmp_path / "other.md")).returncode == 0
    assert not stale.exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")) == []


@pytest.mark.slow
def test_kill_9_during_a_backup_leaves_no_temp_file(dumps: Path, tmp_path: Path, isolated_dirs: Locations) -> None:
    # A big store: the backup is still writing when the temp file appears.
    with Store(isolated_dirs.store_path) as store:
        for number in range(40):
            store.save_note(f"p{number}", "Paper", f"{number} " + "long private note " * 200_000)
    target = tmp_path / "backup.json"
    process = subprocess.Popen([PAPERS, "backup", "-o", str(target)], stderr=subprocess.DEVNULL)
    temp: Path | None = None
    while temp is None and process.poll() is None:
        temp = next((p for p in tmp_path.iterdir() if p.name.startswith(".backup.json.")), None)
    process.kill()
    process.wait()
    assert temp is not None and temp.exists(), "the backup finished before it could be killed"
    assert stat.S_IMODE(temp.stat().st_mode) == 0o600  # even the partial copy was private
    assert not target.exists()
    result = papers("backup", "-o", str(target))
    assert result.returncode == 0, result.stderr
    assert not temp.exists() and [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    assert len(json.loads(target.read_text())["notes"]) == 40


def test_stats_says_when_the_data_folder_is_open_to_others(dumps: Path, isolated_dirs: Locations) -> None:
    isolated_dirs.data_dir.mkdir(mode=0o755)
    isolated_dirs.data_dir.chmod(0o755)
    hopper_id(dumps)
    papers("star", "fe811da3dea9")
    result = papers("stats")
    assert f"warning: {isolated_dirs.data_dir} can be read by other users (mode 0755)" in result.stdout
    assert f"chmod 700 {isolated_dirs.data_dir}" in result.stdout
    assert json.loads(papers("stats", "--json").stdout)["warnings"]
    isolated_dirs.data_dir.chmod(0o700)
    assert "warning" not in papers("stats").stdout
