"""The user store: real SQLite, two connections, migrations, refusal."""

from __future__ import annotations

import contextlib
import sqlite3
import stat
from pathlib import Path

import pytest

from reader.core.errors import StoreError
from reader.core.salvage import salvage
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


def test_star_and_unstar_are_explicit_sets(store_path: Path) -> None:
    window_a, window_b = Store(store_path), Store(store_path)
    assert window_a.set_starred("p", "P", True)
    # Window B still shows "not starred": asking to star again changes nothing.
    assert not window_b.set_starred("p", "P", True)
    assert "p" in window_a.starred()
    assert window_b.set_starred("p", "P", False) and not window_b.set_starred("p", "P", False)
    assert "p" not in window_a.starred()


def test_a_foreign_sqlite_file_is_refused_and_never_switched_to_wal(store_path: Path) -> None:
    store_path.parent.mkdir(parents=True)
    with contextlib.closing(sqlite3.connect(store_path)) as db:
        db.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT)")
        db.execute("INSERT INTO photos (name) VALUES ('holiday')")
        db.execute("PRAGMA user_version = 1")
        db.commit()
    before = store_path.read_bytes()
    for readonly in (False, True):
        with pytest.raises(StoreError, match="not a papers store .*without the expected table 'stars'"):
            Store(store_path, readonly=readonly)
    assert store_path.read_bytes() == before
    with contextlib.closing(sqlite3.connect(store_path)) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert sorted(p.name for p in store_path.parent.iterdir()) == ["store.sqlite3"]


def test_an_empty_store_file_is_refused_not_made_anew(store_path: Path) -> None:
    store_path.parent.mkdir(parents=True)
    store_path.write_bytes(b"")
    with pytest.raises(StoreError, match="empty file"):
        Store(store_path)
    assert store_path.read_bytes() == b""


def test_a_new_store_appears_whole(store_path: Path) -> None:
    with Store(store_path) as store:
        store.star("p", "P")
    assert sorted(p.name for p in store_path.parent.iterdir()) == ["store.sqlite3"]


def fill(path: Path, rows: int = 3000) -> None:
    Store(path).close()
    stamp = "2024-03-14T09:30:00.000000+00:00"
    with contextlib.closing(sqlite3.connect(path)) as db, db:
        for number in range(rows):
            title = f"Paper number {number} " + "words " * 20
            db.execute("INSERT INTO stars VALUES (?, ?, ?)", (f"{number:012x}", title, stamp))
            db.execute("INSERT INTO seen VALUES (?, ?, ?)", (f"{number:012x}", title, stamp))
        db.execute("INSERT INTO notes VALUES ('000000000001', 'P', 'a note that must survive', ?, ?)", (stamp, stamp))
    with contextlib.closing(sqlite3.connect(path)) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def damage_page(path: Path, name: str, keep_header: bool) -> int:
    """Overwrite a middle leaf page of table or index `name`; returns how
    many rows the page held."""
    with contextlib.closing(sqlite3.connect(path)) as db:
        size = db.execute("PRAGMA page_size").fetchone()[0]
        leaves = db.execute(
            "SELECT pageno, ncell FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY pageno", (name,)
        ).fetchall()
    page, cells = leaves[len(leaves) // 2]
    with path.open("r+b") as handle:
        # The page header and cell pointers stay (a valid-looking page with
        # wrong keys), or the whole page is garbage.
        start = (page - 1) * size + (size // 2 if keep_header else 0)
        handle.seek(start)
        handle.write(bytes(range(256)) * ((size // 2 if keep_header else size) // 256))
    return int(cells)


def test_a_damaged_index_page_is_refused(store_path: Path) -> None:
    fill(store_path)
    damage_page(store_path, "sqlite_autoindex_stars_1", keep_header=True)
    before = store_path.read_bytes()
    with pytest.raises(StoreError, match="damaged"):
        Store(store_path)
    assert store_path.read_bytes() == before


def test_a_damaged_table_page_is_refused_and_salvaged(store_path: Path) -> None:
    fill(store_path)
    lost = damage_page(store_path, "stars", keep_header=False)
    before = store_path.read_bytes()
    with pytest.raises(StoreError, match="damaged|malformed"):
        Store(store_path)
    with pytest.raises(StoreError):
        Store(store_path, readonly=True)
    rescued = salvage(store_path)
    assert not rescued.complete
    assert len(rescued.stars) == 3000 - lost and lost > 0
    assert len(rescued.seen) == 3000
    assert [n.text for n in rescued.notes] == ["a note that must survive"]
    assert store_path.read_bytes() == before


def test_a_schema_1_store_gains_visits_and_keeps_its_marks(store_path: Path) -> None:
    from reader.core.store import MIGRATIONS

    store_path.parent.mkdir(parents=True)
    db = sqlite3.connect(store_path)
    db.executescript(MIGRATIONS[0])
    db.execute("INSERT INTO stars VALUES ('p1', 'Paper One', '2024-03-14T10:00:00+00:00')")
    db.execute("PRAGMA user_version = 1")
    db.commit()
    db.close()
    with Store(store_path) as store:
        assert set(store.starred()) == {"p1"}
        first = store.begin_visit(["p1", "p2"])
        assert first.since is None
        store.end_visit(first.number, ["p1", "p2", "p3"])
        second = store.begin_visit(["p1", "p2", "p3", "p4"])
        assert second.since == first.number and store.known_by(first.number) == {"p1", "p2", "p3"}
        assert store.set_seen("p4", "Four", True) and store.set_seen("p4", "Four", False)
        assert not store.mark_unseen("p4")
    with Store(store_path) as again:  # checked again as a schema 2 store
        last = again.last_visit()  # the second is still open: the first is the last one over
        assert last is not None and last.number == first.number


def test_a_schema_2_store_gains_the_journal_and_keeps_everything(store_path: Path) -> None:
    from reader.core import journal
    from reader.core.store import MIGRATIONS

    store_path.parent.mkdir(parents=True)
    db = sqlite3.connect(store_path)
    db.executescript(MIGRATIONS[0] + MIGRATIONS[1])
    db.execute("INSERT INTO stars VALUES ('p1', 'Paper One', '2024-03-14T10:00:00+00:00')")
    db.execute(
        "INSERT INTO notes VALUES ('p1', 'Paper One', 'kept', '2024-03-14T10:00:00+00:00', '2024-03-14T11:00:00+00:00')"
    )
    db.execute("INSERT INTO seen VALUES ('p2', 'Paper Two', '2024-03-14T10:00:00+00:00')")
    db.execute("INSERT INTO visits VALUES (1, '2024-03-14T09:00:00+00:00', '2024-03-14T12:00:00+00:00')")
    db.execute("INSERT INTO known VALUES ('p1', 1)")
    db.execute("PRAGMA user_version = 2")
    db.commit()
    db.close()
    with Store(store_path, readonly=True) as old:  # a backup reads it as it is, unmigrated
        assert set(old.starred()) == {"p1"}
    with sqlite3.connect(store_path) as check:
        assert check.execute("PRAGMA user_version").fetchone()[0] == 2
    with Store(store_path) as store:
        assert set(store.starred()) == {"p1"} and store.seen() == {"p2"}
        note = store.note("p1")
        assert note is not None and note.text == "kept"
        assert store.known_by(1) == {"p1"} and store.changes() == []
        store.record_as(journal.CLI)
        store.save_note("p1", "Paper One", "changed")
        undo = store.undo_last(journal.CLI)
        assert undo is not None and undo.applied
    with Store(store_path) as again:  # checked again as a schema 3 store
        note = again.note("p1")
        assert note is not None and note.text == "kept"
        assert note.created_at.isoformat() == "2024-03-14T10:00:00+00:00"
    with sqlite3.connect(store_path) as check:
        assert check.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 3


def test_a_schema_3_store_without_its_journal_is_refused(store_path: Path) -> None:
    from reader.core.store import MIGRATIONS

    store_path.parent.mkdir(parents=True)
    db = sqlite3.connect(store_path)
    db.executescript(MIGRATIONS[0] + MIGRATIONS[1])
    db.execute("PRAGMA user_version = 3")
    db.commit()
    db.close()
    before = store_path.read_bytes()
    with pytest.raises(StoreError, match="expected table 'changes'"):
        Store(store_path)
    assert store_path.read_bytes() == before
