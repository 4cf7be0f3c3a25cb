"""`papers export`, `papers backup` and `papers restore` through the installed command."""

from __future__ import annotations

import json
import os
from pathlib import Path

from tests.e2e.test_cli import papers


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
    assert bad.returncode == 1 and "unknown export format" in bad.stderr


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
