"""The user store: real SQLite, two connections, migrations, refusal."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest

from reader.core.errors import StoreError
from reader.core.store import SCHEMA_VERSION, Store


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "store.sqlite3"


def test_star_note_seen_round_trip(store_path: Path) -> None:
    with Store(store_path) as store:
        assert store.star("p1", "Paper One") is True
        assert store.star("p1", "Paper One") is False
        saved = store.save_note("p1", "Paper One", "first")
        assert saved.note is not None and saved.note.created_at == saved.note.updated_at
        again = store.save_note("p1", "Paper One", "second")
        assert again.note is not None and again.note.created_at == saved.note.created_at
        assert again.note.updated_at > saved.note.updated_at
        assert store.mark_seen("p2", "Paper Two") and not store.mark_seen("p2", "Paper Two")
        state = store.state("p1")
        assert state.starred and state.note == "second" and state.title == "Paper One"
        assert store.seen() == {"p2"} and store.noted() == {"p1"}
        assert store.unstar("p1") and not store.unstar("p1")
        store.save_note("p1", "Paper One", "   ")
        assert store.note("p1") is None


def test_changes_are_visible_to_a_second_connection_at_once(store_path: Path) -> None:
    first, second = Store(store_path), Store(store_path)
    first.star("a", "A")
    second.save_note("b", "B", "from second")
    assert set(second.starred()) == {"a"}
    assert first.note("b") is not None
    for index in range(50):  # interleaved writers lose nothing
        (first if index % 2 else second).star(f"x{index}", "X")
    assert len(first.starred()) == 51
    first.close()
    second.close()


def test_concurrent_note_edits_keep_both_texts(store_path: Path) -> None:
    first, second = Store(store_path), Store(store_path)
    first.save_note("p", "P", "original")
    base = first.note("p")
    assert base is not None
    second.save_note("p", "P", "edited in window two", base.updated_at, check_base=True)
    saved = first.save_note("p", "P", "edited in window one", base.updated_at, check_base=True)
    assert saved.merged and saved.note is not None
    assert "edited in window one" in saved.note.text and "edited in window two" in saved.note.text


def test_private_permissions(store_path: Path) -> None:
    Store(store_path).close()
    assert stat.S_IMODE(store_path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(store_path.stat().st_mode) == 0o600


def test_schema_version_and_wal(store_path: Path) -> None:
    Store(store_path).close()
    with sqlite3.connect(store_path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_newer_store_is_refused_untouched(store_path: Path) -> None:
    Store(store_path).close()
    with sqlite3.connect(store_path) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    before = store_path.read_bytes()
    with pytest.raises(StoreError, match="newer papers"):
        Store(store_path)
    assert store_path.read_bytes() == before


def test_corrupt_store_is_refused_untouched(store_path: Path) -> None:
    store_path.parent.mkdir(parents=True)
    store_path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="left untouched"):
        Store(store_path)
    assert store_path.read_bytes() == b"this is not sqlite" * 100
