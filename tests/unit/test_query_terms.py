"""The query language's filter words, alone and combined, over real dumps, index and store."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.core.errors import QueryError
from reader.core.library import Library
from reader.core.locations import Locations
from reader.core.query_terms import split_terms
from tests.saves_builder import cards
from tests.unit.test_triage import save_day

DECK = cards(6, 0)


@pytest.fixture
def week(isolated_dirs: Locations, tmp_path: Path) -> Library:
    """Day 0: papers 0-3; day 1 (file 'late'): papers 2-5; day-1 paper 0 starred, 1 noted, 2 seen."""
    folder = tmp_path / "saves"
    save_day(folder, 0, 0, 4)
    save_day(folder, 2, 2, 4, name="late-2024-03-14.json")
    library = Library(isolated_dirs)
    library.index([folder])
    ids = ids_of(library)
    library.store.star(ids[DECK[0].title], DECK[0].title)
    library.store.save_note(ids[DECK[1].title], DECK[1].title, "Read the KV cache section")
    library.store.mark_seen(ids[DECK[2].title], DECK[2].title)
    return library


def ids_of(library: Library) -> dict[str, str]:
    papers = library.papers(library.search("").ids)
    return {p.title: pid for pid, p in papers.items()}


def found(library: Library, query: str) -> set[int]:
    """Which of DECK (by number) the query finds."""
    numbers = {card.title: n for n, card in enumerate(DECK)}
    return {numbers[p.title] for p in library.papers(library.search(query).ids).values()}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("is:starred", {0}),
        ("is:seen", {2}),
        ("is:unseen", {0, 1, 3, 4, 5}),
        ("has:note", {1}),
        ("note:kv", {1}),
        ('note:"cache section"', {1}),
        ("note:nothing", set()),
        ("is:repeat", {2, 3}),
        ("dump:late", {2, 3, 4, 5}),
        ("dump:2024-03-12", {0, 1, 2, 3}),
        ("date:2024-03-14", {2, 3, 4, 5}),
        ("date:2024-03-12", {0, 1, 2, 3}),
        ("date:2024-03-13", set()),
        ("date:2024-03-13..2024-03-20", {2, 3, 4, 5}),
        ("date:2024-03-01..2024-03-12", {0, 1, 2, 3}),
        ("upvotes:>20", {4, 5}),  # 7n+3 upvotes; paper 3 has 0
        ("upvotes:<=10", {0, 1, 3}),
        ("upvotes:10..24", {1, 2}),
        ("-is:repeat", {0, 1, 4, 5}),
        ("NOT is:seen", {0, 1, 3, 4, 5}),
        ("is:unseen -has:note dump:late", {3, 4, 5}),
    ],
)
def test_each_filter_alone_and_combined(week: Library, query: str, expected: set[int]) -> None:
    assert found(week, query) == expected


def test_filters_combine_with_words(week: Library) -> None:
    word = DECK[4].title.split()[0]
    plain = found(week, word)
    assert 4 in plain
    assert found(week, f"{word} dump:late") == plain & {2, 3, 4, 5}
    assert found(week, f"{word} -dump:late") == plain - {2, 3, 4, 5}
    # The filter words are not searched as text, and highlights ignore them.
    assert "is" not in week.parse(f"{word} is:starred").terms().get("abstract", set())


def test_is_new_follows_the_visits(isolated_dirs: Locations, tmp_path: Path) -> None:
    folder = tmp_path / "saves"
    save_day(folder, 0, 0, 3)
    library = Library(isolated_dirs)
    library.index([folder])
    library.begin_visit()
    library.end_visit()
    save_day(folder, 1, 2, 3)
    morning = Library(isolated_dirs)
    morning.index()
    morning.begin_visit()
    numbers = {card.title: n for n, card in enumerate(cards(5, 0))}
    new = {numbers[p.title] for p in morning.papers(morning.search("is:new").ids).values()}
    assert new == {3, 4}
    not_new = {numbers[p.title] for p in morning.papers(morning.search("-is:new").ids).values()}
    assert not_new == {0, 1, 2}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("is:bogus", "unknown filter 'is:bogus'"),
        ("date:yesterday", "write a day as 2024-03-14"),
        ("upvotes:lots", "write upvotes:>50"),
        ("has:stars", "unknown filter 'has:stars'"),
    ],
)
def test_a_wrong_filter_is_a_clear_message(week: Library, query: str, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        week.search(query)


def test_split_keeps_words_and_quotes() -> None:
    terms = split_terms('"kv cache" is:starred title:attention -has:note')
    assert terms.words == '"kv cache" title:attention'
    assert [f.name for f in terms.filters] == ["is:starred", "-has:note"]
    assert split_terms("").filters == () and split_terms("NOT attention").words == "NOT attention"


def test_kept_starred_paper_whose_dump_is_gone_is_still_listed(week: Library, tmp_path: Path) -> None:
    for dump in (tmp_path / "saves").iterdir():
        dump.unlink()
    save_day(tmp_path / "saves", 5, 5, 1)
    week.index()
    assert week.search("is:starred").ids != ()
    assert week.search("is:starred date:2024-03-12").ids == ()
    assert found(week, "date:2024-03-17") == {5}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kv cache", {1}),  # in no title or abstract: the note finds it
        ('"kv cache"', {1}),
        ("cach*", {1}),
        ("sectoin~", {1}),
        ("kv -section", set()),
        ("kv OR zzyzx", {1}),
        ("title:kv", set()),  # a title search does not look at notes
        ("kv is:starred", set()),  # filters narrow note hits too
    ],
)
def test_plain_words_match_notes_too(week: Library, query: str, expected: set[int]) -> None:
    # Issue 12, item 6: "plain words match notes too".
    assert found(week, query) == expected


def test_a_note_hit_is_highlighted(week: Library) -> None:
    note = "Read the KV cache section"
    for query, marked in [("caches", ["cache"]), ("note:kv", ["KV"]), ("kv note:SECTION", ["KV", "section"])]:
        spans = week.note_highlights(note, week.parse(query))
        assert [note[start:end] for start, end in spans] == marked, query
