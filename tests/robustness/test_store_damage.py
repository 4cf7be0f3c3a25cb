"""A damaged or foreign user store is refused by every command and the app
with one line, left byte for byte, and `papers backup` saves what it can read."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from pathlib import Path

import pytest

from reader.core.locations import Locations
from tests.e2e.terminal_bytes import run_on_pty
from tests.e2e.test_cli import papers
from tests.unit.test_store import damage_page, fill

HOPPER = "fe811da3dea9"
COMMANDS = [
    ("star", HOPPER),
    ("unstar", HOPPER),
    ("seen", HOPPER),
    ("unseen", HOPPER),
    ("undo",),
    ("show", HOPPER),
    ("search", "hopper"),
    ("search", "*", "--filter", "starred"),
    ("note", HOPPER, "--set", "x"),
    ("stats",),
    ("export",),
]


@pytest.fixture
def damaged(dumps: Path, isolated_dirs: Locations) -> tuple[Path, int]:
    papers("index", str(dumps))
    fill(isolated_dirs.store_path)
    lost = damage_page(isolated_dirs.store_path, "stars", keep_header=False)
    return isolated_dirs.store_path, lost


def test_every_command_refuses_a_damaged_store(damaged: tuple[Path, int], tmp_path: Path) -> None:
    store, lost = damaged
    before = store.read_bytes()
    for args in COMMANDS:
        result = papers(*args)
        assert result.returncode == 1, (args, result.stderr)
        assert "Traceback" not in result.stderr and str(store) in result.stderr, (args, result.stderr)
        assert "damaged" in result.stderr or "cannot be read" in result.stderr, (args, result.stderr)
    app = run_on_pty(stdin_tty=True)
    assert app.code == 1 and b"damaged" in app.output and b"Traceback" not in app.output
    assert store.read_bytes() == before

    rescued = tmp_path / "rescued.json"
    backup = papers("backup", "-o", str(rescued))
    assert backup.returncode == 1 and "saved what could be read" in backup.stderr
    assert f"{3000 - lost} stars, 1 notes, 3000 seen marks" in backup.stderr
    data = json.loads(rescued.read_text())
    assert len(data["stars"]) == 3000 - lost and data["notes"][0]["text"] == "a note that must survive"
    assert store.read_bytes() == before
    # The way back: a new store, then the rescued backup restored into it.
    store.rename(store.with_name("damaged.sqlite3"))
    assert papers("restore", str(rescued)).returncode == 0
    assert json.loads(papers("stats", "--json").stdout)["starred"] == 3000 - lost


def test_a_foreign_sqlite_file_is_refused_by_every_command(dumps: Path, isolated_dirs: Locations) -> None:
    papers("index", str(dumps))
    store = isolated_dirs.store_path
    store.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.closing(sqlite3.connect(store)) as db:
        db.execute("CREATE TABLE stars (id INTEGER PRIMARY KEY, brightness REAL)")
        db.execute("PRAGMA user_version = 1")
        db.commit()
    before = store.read_bytes()
    for args in [*COMMANDS, ("backup",)]:
        result = papers(*args)
        assert result.returncode == 1 and "not a papers store" in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr
    assert store.read_bytes() == before
    assert sorted(p.name for p in store.parent.iterdir()) == ["store.sqlite3"]  # no -wal: never switched


def test_an_empty_store_file_is_refused_by_every_command(dumps: Path, isolated_dirs: Locations) -> None:
    papers("index", str(dumps))
    store = isolated_dirs.store_path
    store.parent.mkdir(parents=True, exist_ok=True)
    store.write_bytes(b"")
    for args in [*COMMANDS, ("backup",)]:
        result = papers(*args)
        assert result.returncode == 1 and "empty file" in result.stderr, (args, result.stderr)
    assert store.read_bytes() == b""
