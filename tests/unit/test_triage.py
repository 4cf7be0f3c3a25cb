"""New, repeats and first seen: real dumps of several days, real index, real store."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from reader.core import triage
from reader.core.library import Library
from reader.core.locations import Locations
from tests.saves_builder import api_json, cards, write

MAR = dt.date(2024, 3, 12)


def day(n: int) -> dt.date:
    return MAR + dt.timedelta(days=n)


def save_day(folder: Path, n: int, start: int, count: int, name: str | None = None) -> Path:
    """A JSON save of day `n` holding sample papers start..start+count."""
    page = day(n)
    stamp = dt.datetime.combine(page, dt.time(12), dt.UTC)
    return write(folder / (name or f"{page}.json"), api_json(cards(count, start, page), page_date=page), stamp)


def titles(library: Library, ids: set[str] | list[str]) -> set[str]:
    return {p.title for p in library.papers(ids).values()}


def test_first_seen_and_repeats_follow_the_dumps(isolated_dirs: Locations, tmp_path: Path) -> None:
    folder = tmp_path / "saves"
    save_day(folder, 0, 0, 4)  # papers 0-3
    save_day(folder, 1, 2, 4)  # papers 2-5: 2 and 3 come again
    save_day(folder, 2, 3, 2)  # papers 3-4
    library = Library(isolated_dirs)
    library.index([folder])
    ids = list(library.search("").ids)
    papers = library.papers(ids)
    by_title = {p.title: p for p in papers.values()}
    deck = cards(6, 0)
    third = by_title[deck[3].title]
    assert triage.first_seen(third) is not None and triage.first_seen(third).date == day(0)  # type: ignore[union-attr]
    assert triage.is_repeat(third)
    assert triage.appearance_line(third) == "first seen Mar 12, 2024 · again Mar 13, 2024, Mar 14, 2024"
    assert not triage.is_repeat(by_title[deck[0].title])
    assert triage.appearance_line(by_title[deck[5].title]) == "first seen Mar 13, 2024"
    repeats = library.search("is:repeat").ids
    assert titles(library, list(repeats)) == {deck[2].title, deck[3].title, deck[4].title}


def test_a_removed_then_resaved_dump_moves_first_seen_and_repeats(isolated_dirs: Locations, tmp_path: Path) -> None:
    folder = tmp_path / "saves"
    first = save_day(folder, 0, 0, 3)  # papers 0-2
    save_day(folder, 1, 1, 3)  # papers 1-3
    library = Library(isolated_dirs)
    library.index([folder])
    deck = cards(4, 0)
    assert titles(library, list(library.search("is:repeat").ids)) == {deck[1].title, deck[2].title}
    first.unlink()  # day 0 removed: day 1 is where 1-3 were first seen, and nothing repeats
    library.index([folder])
    assert library.search("is:repeat").ids == ()
    paper = next(p for p in library.papers(library.search("").ids).values() if p.title == deck[1].title)
    assert triage.appearance_line(paper) == "first seen Mar 13, 2024"
    save_day(folder, 0, 0, 3)  # saved again: back as it was
    library.index([folder])
    assert titles(library, list(library.search("is:repeat").ids)) == {deck[1].title, deck[2].title}


def test_one_page_saved_twice_is_not_a_repeat(isolated_dirs: Locations, tmp_path: Path) -> None:
    folder = tmp_path / "saves"
    save_day(folder, 0, 0, 3)
    save_day(folder, 0, 0, 3, name="again.json")
    library = Library(isolated_dirs)
    library.index([folder])
    assert library.search("is:repeat").ids == ()
    paper = library.papers(library.search("").ids[:1])
    assert all(len(p.dumps) == 2 and not triage.is_repeat(p) for p in paper.values())


def test_new_is_what_arrived_after_the_last_visit_and_is_undecided(isolated_dirs: Locations, tmp_path: Path) -> None:
    folder = tmp_path / "saves"
    save_day(folder, 0, 0, 4)
    first = Library(isolated_dirs)
    first.index([folder])
    visit = first.begin_visit()
    assert visit.since is None and first.new_ids() == set()  # the first visit is the baseline
    first.end_visit()

    save_day(folder, 1, 2, 4)  # overnight: papers 2-5, of which 4 and 5 are new
    morning = Library(isolated_dirs)
    morning.index()
    assert titles(morning, morning.new_ids()) == {c.title for c in cards(2, 4)}  # the CLI counts from the last visit
    morning.begin_visit()
    new = morning.new_ids()
    assert titles(morning, new) == {c.title for c in cards(2, 4)}
    assert set(morning.search("is:new").ids) == new
    # Deciding on a paper (star, seen, note) takes it out of "new".
    one, two = sorted(new)
    morning.store.mark_seen(one, "x")
    morning.store.star(two, "y")
    assert morning.new_ids() == set()
    morning.store.mark_unseen(one)
    assert morning.new_ids() == {one}


def test_a_rebuilt_index_never_makes_old_papers_new(isolated_dirs: Locations, tmp_path: Path) -> None:
    folder = tmp_path / "saves"
    save_day(folder, 0, 0, 4)
    library = Library(isolated_dirs)
    library.index([folder])
    library.begin_visit()
    library.end_visit()
    save_day(folder, 1, 4, 2)
    later = Library(isolated_dirs)
    later.index(rebuild=True)
    later.begin_visit()
    assert titles(later, later.new_ids()) == {c.title for c in cards(2, 4)}
    later.end_visit()
    # The day-0 dump is removed and saved again: its papers were known, so not new.
    removed = folder / f"{day(0)}.json"
    removed.unlink()
    third = Library(isolated_dirs)
    third.index()
    third.begin_visit()
    third.end_visit()
    save_day(folder, 0, 0, 4, name="resaved.json")
    fourth = Library(isolated_dirs)
    fourth.index(rebuild=True)
    fourth.begin_visit()
    assert fourth.new_ids() == set()


def test_two_instances_open_at_once_agree_on_new(isolated_dirs: Locations, tmp_path: Path) -> None:
    folder = tmp_path / "saves"
    save_day(folder, 0, 0, 3)
    yesterday = Library(isolated_dirs)
    yesterday.index([folder])
    yesterday.begin_visit()
    yesterday.end_visit()
    save_day(folder, 1, 3, 2)
    one, two = Library(isolated_dirs), Library(isolated_dirs)
    one.index()
    first = one.begin_visit()
    second = two.begin_visit()  # opened while the first is still open
    assert first.since == second.since == yesterday.visit.number  # type: ignore[union-attr]
    assert one.new_ids() == two.new_ids() and titles(one, one.new_ids()) == {c.title for c in cards(2, 3)}
    one.end_visit()
    assert two.new_ids() == one.new_ids()
    # The next opening counts from the first one's end: nothing is new any more.
    three = Library(isolated_dirs)
    three.begin_visit()
    assert three.new_ids() == set()


def test_a_paper_arriving_while_the_app_is_open_is_new(isolated_dirs: Locations, tmp_path: Path) -> None:
    folder = tmp_path / "saves"
    save_day(folder, 0, 0, 3)
    library = Library(isolated_dirs)
    library.index([folder])
    library.begin_visit()
    library.end_visit()
    app = Library(isolated_dirs)
    app.begin_visit()
    assert app.new_ids() == set()
    save_day(folder, 1, 3, 1)
    app.index()  # the live folder's indexing
    assert titles(app, app.new_ids()) == {cards(1, 3)[0].title}


def test_step_day_walks_the_dump_days() -> None:
    days = [day(0), day(1), day(5)]
    assert triage.step_day(days, None, -1) == day(5) and triage.step_day(days, None, 1) == day(5)
    assert triage.step_day(days, day(5), -1) == day(1)
    assert triage.step_day(days, day(3), -1) == day(1) and triage.step_day(days, day(3), 1) == day(5)
    assert triage.step_day(days, day(0), -1) is None and triage.step_day(days, day(5), 1) is None
    assert triage.step_day([], None, 1) is None


def test_new_first_keeps_each_part_in_its_order() -> None:
    assert triage.new_first(["a", "b", "c", "d"], {"d", "b"}) == ("b", "d", "a", "c")
    assert triage.new_first(["a", "b"], set()) == ("a", "b")
