"""The journal of changes and undo from it: real SQLite, several connections."""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from pathlib import Path

import pytest

from reader.core import journal
from reader.core.backup import backup_json, restore_json
from reader.core.errors import StoreError
from reader.core.store import Store


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "store.sqlite3"


def cli_store(path: Path, batch: str | None = None) -> Store:
    store = Store(path)
    store.record_as(journal.CLI, batch)
    return store


def test_star_then_undo_unstars_and_an_unstar_undone_gets_its_old_time_back(store_path: Path) -> None:
    with cli_store(store_path) as store:
        assert store.star("p1", "Paper One")
        starred_at = store.starred()["p1"]
        undo = store.undo_last(journal.CLI)
        assert undo is not None and undo.applied
        (step,) = undo.steps
        assert step.status == "undone" and step.entry.describe() == "star of p1 Paper One"
        assert store.starred() == {}
        assert store.undo_last(journal.CLI) is None

        store.star("p1", "Paper One")
        starred_at = store.starred()["p1"]
        assert store.unstar("p1")
        undo = store.undo_last(journal.CLI)
        assert undo is not None and undo.steps[0].entry.describe() == "unstar of p1 Paper One"
        assert store.starred() == {"p1": starred_at}  # the star's own time, not the undo's


def test_note_set_twice_is_undone_step_by_step(store_path: Path) -> None:
    with cli_store(store_path) as store:
        store.save_note("p1", "Paper One", "first")
        store.save_note("p1", "Paper One", "second")
        store.save_note("p1", "Paper One", "")
        kinds = [entry.describe() for entry in store.changes(journal.CLI)]
        assert kinds == ["note clear of p1 Paper One", "note edit of p1 Paper One", "note edit of p1 Paper One"]
        texts = []
        while store.undo_last(journal.CLI) is not None:
            note = store.note("p1")
            texts.append(note.text if note else None)
        assert texts == ["second", "first", None]


def test_seen_and_unseen_are_journaled_and_undone(store_path: Path) -> None:
    with cli_store(store_path) as store:
        assert store.set_seen("p1", "One", True)
        assert store.set_seen("p1", "One", False)
        undo = store.undo_last(journal.CLI)
        assert undo is not None and undo.steps[0].entry.describe() == "mark unseen of p1 One"
        assert store.seen() == {"p1"}
        undo = store.undo_last(journal.CLI)
        assert undo is not None and store.seen() == set()


def test_a_change_that_changed_nothing_is_not_journaled(store_path: Path) -> None:
    with cli_store(store_path) as store:
        store.star("p1", "One")
        assert not store.star("p1", "One")
        assert not store.unstar("p2")
        store.save_note("p1", "One", "same")
        store.save_note("p1", "One", "same")
        assert store.save_note("p3", "Three", "").note is None  # clearing no note
        assert [e.describe() for e in store.changes()] == ["note edit of p1 One", "star of p1 One"]


def test_one_commands_changes_are_undone_together(store_path: Path) -> None:
    with cli_store(store_path, batch="first") as store:
        store.star("p0", "Zero")
    with cli_store(store_path, batch="second") as store:
        store.star("p1", "One")
        store.star("p2", "Two")
        undo = store.undo_last(journal.CLI)
        assert undo is not None and [s.entry.paper_id for s in undo.steps] == ["p2", "p1"]
        assert set(store.starred()) == {"p0"}
        undo = store.undo_last(journal.CLI)
        assert undo is not None and [s.entry.paper_id for s in undo.steps] == ["p0"]


def test_undo_leaves_the_other_origins_changes_alone(store_path: Path) -> None:
    with cli_store(store_path) as cli, Store(store_path) as app:
        cli.star("p1", "One")
        app.star("p2", "Two")  # the app's own change, newer
        undo = cli.undo_last(journal.CLI)
        assert undo is not None and undo.steps[0].entry.paper_id == "p1"
        assert set(cli.starred()) == {"p2"}
        assert cli.undo_last(journal.CLI) is None
        assert [e.origin for e in cli.changes()] == [journal.APP]


def test_a_value_changed_elsewhere_is_not_overwritten_unless_forced(store_path: Path) -> None:
    with cli_store(store_path) as cli, Store(store_path) as app:
        cli.save_note("p1", "One", "from the command line")
        app.save_note("p1", "One", "written in the app since")
        undo = cli.undo_last(journal.CLI)
        assert undo is not None and not undo.applied
        (step,) = undo.steps
        assert step.status == "conflict" and step.now == "written in the app since"
        assert step.since is not None and step.since.origin == journal.APP
        note = cli.note("p1")
        assert note is not None and note.text == "written in the app since"  # nothing written
        assert len(cli.changes(journal.CLI)) == 1  # still there to undo

        forced = cli.undo_last(journal.CLI, force=True)
        assert forced is not None and forced.applied and forced.steps[0].status == "forced"
        assert cli.note("p1") is None
        assert cli.changes(journal.CLI) == []


def test_a_value_already_put_back_elsewhere_is_taken_as_undone(store_path: Path) -> None:
    with cli_store(store_path) as cli, Store(store_path) as app:
        cli.star("p1", "One")
        app.unstar("p1")
        undo = cli.undo_last(journal.CLI)
        assert undo is not None and undo.applied and undo.steps[0].status == "already"
        assert cli.starred() == {} and cli.changes(journal.CLI) == []


def test_a_star_starred_again_elsewhere_is_still_the_same_value(store_path: Path) -> None:
    """Only the value counts: an unstar and a star made since leave the
    paper as the command left it, so undo has nothing newer to overwrite."""
    with cli_store(store_path) as cli, Store(store_path) as app:
        cli.star("p1", "One")
        app.unstar("p1")
        app.star("p1", "One")
        undo = cli.undo_last(journal.CLI)
        assert undo is not None and undo.applied and undo.steps[0].status == "undone"
        assert cli.starred() == {}


def test_a_restore_is_not_journaled_and_a_value_it_changed_is_a_conflict(store_path: Path, tmp_path: Path) -> None:
    with cli_store(store_path) as cli:
        cli.star("p1", "One")
        cli.save_note("p1", "One", "old")
        backup = backup_json(cli)
        cli.save_note("p2", "Two", "written here first")
    assert '"changes"' not in backup and '"old"' in backup
    other = tmp_path / "other" / "store.sqlite3"
    with cli_store(other) as fresh:
        restore_json(fresh, backup, "backup.json")
        assert fresh.changes() == [] and fresh.undo_last(journal.CLI) is None  # the journal stays with its store
        assert set(fresh.starred()) == {"p1"}
        fresh.save_note("p2", "Two", "written on the other machine")
        fresh.merge([], [], [("p3", "Three", dt.datetime(2024, 3, 14, tzinfo=dt.UTC))])
        assert [e.paper_id for e in fresh.changes()] == ["p2"]  # the merge is not a journaled change
    with Store(other) as fresh:
        newer = backup_json(fresh)
    with cli_store(store_path) as cli:
        restore_json(cli, newer, "newer.json")  # the other machine's note is newer: it wins
        undo = cli.undo_last(journal.CLI)
        assert undo is not None and not undo.applied
        (step,) = undo.steps
        assert step.status == "conflict" and step.since is None and step.now == "written on the other machine"


def test_the_journal_keeps_the_newest_changes_of_each_origin(store_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(journal, "LIMIT", 5)
    with cli_store(store_path) as cli, Store(store_path) as app:
        app.star("a", "App")
        for number in range(8):
            cli.save_note("p1", "One", f"text {number}")
        texts = [e.new for e in cli.changes(journal.CLI, limit=100)]
        assert texts == [f"text {n}" for n in range(7, 2, -1)]
        assert [e.paper_id for e in cli.changes(journal.APP)] == ["a"]  # another origin's are kept


def test_two_connections_undoing_at_once_undo_two_changes(store_path: Path) -> None:
    with cli_store(store_path, batch="a") as store:
        store.star("p1", "One")
    with cli_store(store_path, batch="b") as store:
        store.star("p2", "Two")
    results: list[journal.Undo | None] = []
    start = threading.Barrier(2)

    def undo() -> None:
        with Store(store_path) as store:
            start.wait()
            results.append(store.undo_last(journal.CLI))

    threads = [threading.Thread(target=undo) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    undone = sorted(s.entry.paper_id for r in results if r for s in r.steps)
    assert undone == ["p1", "p2"]
    with Store(store_path) as store:
        assert store.starred() == {}


def test_a_change_and_its_journal_row_are_one_transaction(store_path: Path) -> None:
    """A change that fails leaves no journal row, and the other way round."""
    with cli_store(store_path) as store:
        store.star("p1", "One")
    db = sqlite3.connect(store_path)
    db.execute("CREATE TRIGGER no_journal BEFORE INSERT ON changes BEGIN SELECT RAISE(ABORT, 'journal full'); END")
    db.commit()
    try:
        with cli_store(store_path) as store:
            with pytest.raises(Exception, match="journal full"):
                store.star("p2", "Two")
            with pytest.raises(Exception, match="journal full"):
                store.save_note("p1", "One", "a note")
            assert set(store.starred()) == {"p1"} and store.note("p1") is None
    finally:
        db.execute("DROP TRIGGER no_journal")
        db.commit()
        db.close()


def test_an_undo_that_fails_half_way_puts_nothing_back(store_path: Path) -> None:
    """The values put back and the entries marked undone are one transaction:
    a failure after the first value (here, marking it undone) leaves both."""
    with cli_store(store_path, batch="one command") as store:
        store.star("p1", "One")
        store.star("p2", "Two")
    db = sqlite3.connect(store_path)
    db.execute(
        "CREATE TRIGGER no_undo BEFORE UPDATE OF undone_at ON changes WHEN NEW.paper_id = 'p1' "
        "BEGIN SELECT RAISE(ABORT, 'disk gone'); END"
    )
    db.commit()
    try:
        with Store(store_path) as store:
            with pytest.raises(StoreError, match="disk gone"):
                store.undo_last(journal.CLI)
            assert set(store.starred()) == {"p1", "p2"}  # p2 was put back first, and rolled back
            assert len(store.changes(journal.CLI)) == 2
    finally:
        db.execute("DROP TRIGGER no_undo")
        db.commit()
        db.close()
    with Store(store_path) as store:
        undo = store.undo_last(journal.CLI)
        assert undo is not None and undo.applied and store.starred() == {}
