"""Every common save of the page gives exactly its papers, their abstracts,
the page's date and the details the save carries."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from reader.core.dumps import find_dump_files, parse_dump
from reader.core.models import Entry
from tests.saves_builder import (
    Card,
    api_json,
    cards,
    chrome_copy,
    firefox_text,
    markdown,
    trending_copy,
    write,
)

RENDERS = Path(__file__).parents[1] / "data" / "saves"
DECK = cards(8)
PAGE = dt.date(2024, 3, 14)
SAVED = dt.datetime(2024, 3, 20, 12, 0)  # the file's time: a few days after the page


def normal(text: str) -> str:
    return " ".join(text.split())


def check_papers(entries: list[Entry], deck: list[Card], abstracts: bool = True) -> None:
    assert [e.title for e in entries] == [c.title for c in deck]
    for entry, card in zip(entries, deck, strict=True):
        assert normal(entry.abstract) == (normal(card.abstract) if abstracts else ""), entry.title


def check_card_details(entries: list[Entry], deck: list[Card], links: bool) -> None:
    for entry, card in zip(entries, deck, strict=True):
        meta = entry.meta
        assert meta.submitted_by == card.submitter, entry.title
        assert meta.upvotes == card.upvotes, entry.title
        assert meta.author_count == card.authors, entry.title
        assert meta.organization == card.organization, entry.title
        assert meta.published == card.published, entry.title  # the card's date, not the page's
        assert (meta.comments or 0) == card.comments, entry.title
        assert meta.arxiv_id == (card.arxiv_id if links else ""), entry.title


SHAPES: dict[str, tuple[Callable[[], str], str, bool]] = {
    # name: (build, shape read, carries links)
    "chrome.txt": (lambda: chrome_copy(DECK, wrapped=(1, 4)), "text", False),
    "chrome-blank-lines.txt": (lambda: chrome_copy(DECK, blank_lines=True), "text", False),
    "firefox.txt": (lambda: firefox_text(DECK), "firefox", True),
    "extension.md": (lambda: markdown(DECK), "markdown", True),
}
RENDERED = {"lynx.txt": ("lynx", True), "w3m.txt": ("text", False), "pandoc.txt": ("text", False)}


@pytest.mark.parametrize("name", list(SHAPES))
def test_page_copies_and_markdown(tmp_path: Path, name: str) -> None:
    build, shape, links = SHAPES[name]
    parsed = parse_dump(write(tmp_path / name, build(), SAVED))
    assert parsed.shape == shape
    check_papers(parsed.entries, DECK)
    check_card_details(parsed.entries, DECK, links)
    assert parsed.date == PAGE
    assert [p for p in parsed.problems if p.severity != "info"] == []


@pytest.mark.parametrize("name", [*RENDERED, "html2text.txt"])
def test_text_browser_renders(tmp_path: Path, name: str) -> None:
    """Renders by the real programs (tests/data/saves/make_renders.py)."""
    dump = tmp_path / name
    shutil.copy(RENDERS / name, dump)
    stamp = SAVED.timestamp()
    import os

    os.utime(dump, (stamp, stamp))
    parsed = parse_dump(dump)
    check_papers(parsed.entries, DECK)
    if name in RENDERED:
        shape, links = RENDERED[name]
        assert parsed.shape == shape
        check_card_details(parsed.entries, DECK, links)
    assert parsed.date == PAGE
    assert [p for p in parsed.problems if p.severity != "info"] == []


@pytest.mark.parametrize("pretty", [False, True])
@pytest.mark.parametrize("suffix", [".json", ".txt"])
def test_json_api(tmp_path: Path, pretty: bool, suffix: str) -> None:
    parsed = parse_dump(write(tmp_path / f"2024-03-14{suffix}", api_json(DECK, pretty=pretty), SAVED))
    assert parsed.shape == "json"
    check_papers(parsed.entries, DECK)
    assert (parsed.date, parsed.date_source) == (PAGE, "json")
    first = parsed.entries[0].meta
    assert first.authors == DECK[0].author_names and first.author_count == len(DECK[0].author_names)
    assert (first.arxiv_id, first.upvotes, first.submitted_by) == (DECK[0].arxiv_id, DECK[0].upvotes, "akhaliq")
    assert first.published == DECK[0].published and first.github == DECK[0].github
    assert first.summary == DECK[0].summary
    assert parsed.entries[2].meta.organization == DECK[2].organization
    assert parsed.problems == []


def test_hard_wrapped_abstract_keeps_real_hyphens(tmp_path: Path) -> None:
    abstract = "We build image-based models for many tasks. " + DECK[0].abstract
    card = Card("Image Models For Everyone", abstract, "", "u", 1, 2, "", PAGE, 0)
    wrapped = abstract.replace("image-based", "image-\nbased", 1)
    text = chrome_copy([card]).replace(abstract, wrapped)
    assert "image-\nbased" in text
    parsed = parse_dump(write(tmp_path / "d.txt", text, SAVED))
    assert parsed.entries[0].abstract == abstract


def test_title_only_page_keeps_every_paper_and_says_so(tmp_path: Path) -> None:
    for blank_lines in (False, True):
        dump = write(
            tmp_path / f"titles-{blank_lines}.txt", chrome_copy(DECK, abstracts=False, blank_lines=blank_lines), SAVED
        )
        parsed = parse_dump(dump)
        check_papers(parsed.entries, DECK, abstracts=False)
        check_card_details(parsed.entries, DECK, links=False)
        assert [str(p) for p in parsed.problems] == [
            f"{dump}: title-only page: 8 papers with a title and no abstract; kept without abstracts"
        ]


def test_trending_page_merges_the_duplicated_cards(tmp_path: Path) -> None:
    parsed = parse_dump(write(tmp_path / "trending.txt", trending_copy(DECK, full_abstracts=(1,)), SAVED))
    assert [e.title for e in parsed.entries] == [c.title for c in DECK]
    assert normal(parsed.entries[1].abstract) == normal(DECK[1].abstract)
    assert parsed.entries[0].abstract == "" and parsed.entries[0].meta.summary == DECK[0].summary
    assert parsed.entries[2].meta.organization == "NVIDIA"
    assert [e.meta.upvotes for e in parsed.entries] == [c.upvotes for c in DECK]
    # Cards published on several days: none of them is the page's date.
    assert (parsed.date, parsed.date_source) == (SAVED.date(), "mtime")
    assert f"{tmp_path / 'trending.txt'}: no date on the page: dated 2024-03-20 by the file's time" in [
        str(p) for p in parsed.problems
    ]


def test_weekly_page_dated_by_its_label_never_by_a_card(tmp_path: Path) -> None:
    week = cards(8, page_date=dt.date(2024, 3, 15))
    parsed = parse_dump(write(tmp_path / "weekly.txt", chrome_copy(week, None, label="Week 11"), SAVED))
    check_papers(parsed.entries, week)
    assert (parsed.date, parsed.date_source) == (dt.date(2024, 3, 11), "label+mtime")
    assert {e.meta.published for e in parsed.entries} == {c.published for c in week}


@pytest.mark.parametrize(
    ("saved", "with_year", "expected"),
    [
        (dt.datetime(2024, 3, 20), False, dt.date(2024, 3, 14)),
        (dt.datetime(2025, 1, 10), False, dt.date(2024, 3, 14)),  # the latest Mar 14 not after the file
        (dt.datetime(2024, 3, 14, 23), False, dt.date(2024, 3, 14)),
        (dt.datetime(2024, 3, 13), False, dt.date(2023, 3, 14)),
        (dt.datetime(2030, 1, 1), True, dt.date(2024, 3, 14)),  # a year on the page wins
    ],
)
def test_page_date_with_and_without_a_year(
    tmp_path: Path, saved: dt.datetime, with_year: bool, expected: dt.date
) -> None:
    parsed = parse_dump(write(tmp_path / "d.txt", chrome_copy(DECK[:2], with_year=with_year), saved))
    assert parsed.date == expected
    assert parsed.date_source == ("line" if with_year else "line+mtime")


def test_page_date_from_an_address_or_published_on(tmp_path: Path) -> None:
    text = chrome_copy(DECK[:2], None) + "Source: https://huggingface.co/papers/date/2023-11-02\n"
    parsed = parse_dump(write(tmp_path / "url.txt", text, SAVED))
    assert (parsed.date, parsed.date_source) == (dt.date(2023, 11, 2), "url")
    single = f"{DECK[0].title}\n{DECK[0].abstract}\n\nGoogle · Published on Oct 4, 2023\nGitHub 131\narXiv Page\n"
    parsed = parse_dump(write(tmp_path / "paper.txt", single, SAVED))
    assert (parsed.date, parsed.date_source) == (dt.date(2023, 10, 4), "published")
    assert parsed.entries[0].meta.organization == "Google"


def test_unknown_files_say_what_they_look_like(tmp_path: Path) -> None:
    html = parse_dump(write(tmp_path / "page.txt", "<!DOCTYPE html><html><body><div>Daily Papers</div></body></html>"))
    other_json = parse_dump(write(tmp_path / "x.json", json.dumps([{"name": "a", "value": 1}])))
    broken_json = parse_dump(write(tmp_path / "y.json", '[{"title": "A Paper",'))
    prose = parse_dump(write(tmp_path / "notes.md", "Some notes\n\nmore notes here\n\nand more\n"))
    assert [p.message for p in html.problems] == [
        "HTML: save the page as text (this is an HTML page, not a text save), or save the JSON API's answer"
    ]
    assert [p.message for p in other_json.problems] == [
        "JSON, but not the daily papers API (a list of 1 objects with keys name, value)"
    ]
    assert broken_json.problems[0].message.startswith("JSON, but it could not be read:")
    assert prose.entries == []
    assert [p.severity for p in html.problems + other_json.problems + broken_json.problems] == ["error"] * 3
    for parsed in (html, other_json, broken_json):
        assert parsed.entries == []


def test_junk_is_reported_not_indexed(tmp_path: Path) -> None:
    tiny = write(tmp_path / "tiny.txt", "x\n\n" * 100_000)
    parsed = parse_dump(tiny)
    assert parsed.entries == []
    assert len(parsed.problems) <= 7  # counted, not listed one by one
    assert "... and 99,995 more lines that cannot be titles (not shown)" in [p.message for p in parsed.problems]
    furniture = write(tmp_path / "menu.txt", "Submitted by\nakhaliq\n42\n-\n·\n[12]\nModels\n12 authors\nMar 11 6\n")
    assert parse_dump(furniture).entries == []
    short = write(tmp_path / "short.txt", f"Daily Papers\n\n{DECK[0].title}\n\nok fine\n")
    parsed = parse_dump(short)
    assert [(e.title, e.abstract) for e in parsed.entries] == [(DECK[0].title, "")]


def test_a_folder_picks_up_every_kind_of_save(tmp_path: Path) -> None:
    for name in ("a.txt", "b.md", "c.markdown", "d.json", "e.html", "f.pdf"):
        write(tmp_path / name, "x")
    files, problems = find_dump_files([tmp_path])
    assert [f.name for f in files] == ["a.txt", "b.md", "c.markdown", "d.json"]
    assert "ignored 2 file(s)" in problems[0].message


def test_organisation_and_upvote_button_variants(tmp_path: Path) -> None:
    text = (
        "Daily Papers\nMar 14\n"
        f"Submitted by\nakhaliq\n42\n{DECK[0].title}\nMeta AI\nMar 13 6\n"
        f"Submitted by\nbob\nUpvote\n7\n{DECK[1].title}\n1 authors\n·\nMar 12\n"
    )
    parsed = parse_dump(write(tmp_path / "d.txt", text, SAVED))
    assert [e.title for e in parsed.entries] == [DECK[0].title, DECK[1].title]
    first, second = (e.meta for e in parsed.entries)
    assert (first.organization, first.upvotes, first.comments) == ("Meta AI", 42, 6)
    assert (second.author_count, second.upvotes, second.comments, second.submitted_by) == (1, 7, None, "bob")


def test_page_text_around_the_cards_is_not_a_paper(tmp_path: Path) -> None:
    text = chrome_copy(DECK[:3]).replace("Daily Papers\n", "Join Our Great Community\nDaily Papers\n")
    text += "System Theme Settings\n"
    parsed = parse_dump(write(tmp_path / "d.txt", text, SAVED))
    check_papers(parsed.entries, DECK[:3])
    check_card_details(parsed.entries, DECK[:3], links=False)
    skipped = [p.message for p in parsed.problems if "page text" in p.message]
    assert skipped == [
        "page text, not a paper; skipped: 'Join Our Great Community'",
        "page text, not a paper; skipped: 'System Theme Settings'",
    ]


def test_a_control_character_is_not_a_word_of_a_title(tmp_path: Path) -> None:
    # Found by Hypothesis (tests/robustness/test_hostile_dumps.py): b"\x01\n\x01 A" became a paper titled "␁ A".
    dump = tmp_path / "junk.txt"
    dump.write_bytes(b"\x01\n\x01 A")
    assert parse_dump(dump).entries == []
