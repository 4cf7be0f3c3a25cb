"""Limits: unwritable folders and a full disk give clear messages and keep
what was saved before."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from reader.core.errors import StoreError
from reader.core.locations import Locations
from reader.core.store import Store
from tests.e2e.test_cli import papers

IS_ROOT = os.geteuid() == 0


def test_data_dir_that_cannot_be_created(dumps: Path, tmp_path: Path) -> None:
    papers("index", str(dumps))
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    env = dict(os.environ, PAPERS_DATA_DIR=str(blocker / "data"))
    result = papers("star", "fe811da3dea9", env=env)
    assert result.returncode == 1 and "cannot create the user store" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.skipif(IS_ROOT, reason="root writes to read-only folders anyway")
def test_read_only_data_dir(dumps: Path, isolated_dirs: Locations) -> None:
    papers("index", str(dumps))
    assert papers("star", "fe811da3dea9").returncode == 0
    isolated_dirs.data_dir.chmod(0o500)
    try:
        result = papers("note", "fe811da3dea9", "--set", "x")
        assert result.returncode == 1 and "not writable" in result.stderr
    finally:
        isolated_dirs.data_dir.chmod(0o700)


def test_cache_dir_that_cannot_be_written(dumps: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "cache-file"
    blocker.write_text("not a folder")
    env = dict(os.environ, PAPERS_CACHE_DIR=str(blocker))
    result = papers("index", str(dumps), env=env)
    assert result.returncode == 1 and "cannot write the index" in result.stderr
    assert "Traceback" not in result.stderr


def test_full_disk_during_a_note_save_keeps_the_old_note(isolated_dirs: Locations) -> None:
    store = Store(isolated_dirs.store_path)
    store.save_note("p", "Paper", "the old note")
    pages = store._db.execute("PRAGMA page_count").fetchone()[0]
    # SQLite's own "database or disk is full": no page may be added.
    store._db.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(StoreError, match="nothing was changed"):
        store.save_note("p", "Paper", "a much longer new note " * 5_000)
    store.close()
    again = Store(isolated_dirs.store_path)
    note = again.note("p")
    assert note is not None and note.text == "the old note"


def test_backup_still_works_when_the_store_is_read_only(dumps: Path, isolated_dirs: Locations) -> None:
    papers("index", str(dumps))
    papers("note", "fe811da3dea9", "--set", "keep me")
    isolated_dirs.store_path.chmod(0o400)
    try:
        result = papers("backup")
        assert result.returncode == 0
        assert json.loads(result.stdout)["notes"][0]["text"] == "keep me"
    finally:
        isolated_dirs.store_path.chmod(0o600)
