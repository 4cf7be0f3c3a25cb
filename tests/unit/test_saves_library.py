"""Saves of every shape in one library: one paper per title whatever the
shapes, the best text wins, the page's order and the saves' details are kept."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

from reader.core.library import Library
from reader.core.locations import Locations
from reader.core.models import UserState
from reader.core.text import paper_id
from reader.core.views import Sort
from reader.tui.widgets.paper_view import paper_content
from tests.conftest import SAMPLES
from tests.e2e.test_cli import papers
from tests.saves_builder import api_json, cards, chrome_copy, firefox_text, markdown, trending_copy, write

RENDERS = Path(__file__).parents[1] / "data" / "saves"
DECK = cards(8)


def cut(text: str) -> str:
    """An abstract as a save cut off in the middle leaves it."""
    return text[: len(text) // 2].rsplit(" ", 1)[0]


def mixed_folder(root: Path) -> Path:
    """The samples and the same papers saved in every other shape."""
    shutil.copytree(SAMPLES, root)
    late = dt.datetime(2024, 3, 25, 12)
    write(root / "chrome.txt", chrome_copy(DECK, wrapped=(2,)), late)
    write(root / "firefox.txt", firefox_text(DECK), late)
    write(root / "clip.md", markdown(DECK), late)
    write(root / "clip.markdown", trending_copy(DECK), late)
    write(root / "api.json", api_json(DECK, pretty=True), late)
    write(root / "api-one-line.txt", api_json(DECK), late)
    for name in ("lynx.txt", "w3m.txt", "pandoc.txt", "html2text.txt"):
        shutil.copy(RENDERS / name, root / name)
    # Newer saves that are worse: titles only, and abstracts cut in the middle.
    newer = dt.date(2024, 3, 20)
    write(root / "titles-2024-03-20.txt", chrome_copy(DECK, newer, abstracts=False, with_year=True), late)
    broken = chrome_copy(DECK, newer, with_year=True)
    for card in DECK:
        broken = broken.replace(card.abstract, cut(card.abstract))
    write(root / "cut-2024-03-21.txt", broken, late)
    return root


def test_a_folder_of_every_shape_is_one_library(isolated_dirs: Locations, tmp_path: Path) -> None:
    folder = mixed_folder(tmp_path / "saves")
    library = Library(isolated_dirs)
    report = library.index([folder])
    assert report.papers_total == 160  # every save holds papers of the samples: no junk, no duplicates
    assert [p for p in report.problems if p.severity == "error"] == []
    first = DECK[0]
    paper = library.paper(paper_id(first.title))
    assert len({d.path for d in paper.dumps}) == 1 + 12  # its sample, and every other save
    # The best text wins: neither the title-only page nor the cut save replaces the abstract.
    assert paper.abstract == first.abstract
    assert paper.meta.authors == first.author_names and paper.meta.arxiv_id == first.arxiv_id
    assert paper.meta.upvotes == first.upvotes and paper.meta.summary == first.summary
    library.close()


def test_papers_keep_the_order_of_their_page(isolated_dirs: Locations, tmp_path: Path) -> None:
    deck = cards(30)
    write(tmp_path / "saves" / "day.txt", chrome_copy(deck, dt.date(2024, 3, 14), with_year=True))
    library = Library(isolated_dirs)
    library.index([tmp_path / "saves"])
    listed = library.search("", Sort.DATE).ids
    assert listed == tuple(paper_id(card.title) for card in deck)
    assert sorted(listed) != list(listed)  # not the order of the IDs
    by_votes = library.papers(library.search("", Sort.UPVOTES).ids)
    assert [p.meta.upvotes for p in by_votes.values()] == sorted((c.upvotes for c in deck), reverse=True)
    library.close()


def test_details_reach_search_show_and_the_detail_pane(isolated_dirs: Locations, tmp_path: Path) -> None:
    folder = tmp_path / "saves"
    write(folder / "api.json", api_json(DECK))
    assert papers("index", str(folder)).returncode == 0
    hits = json.loads(papers("search", "title:jaxmarl", "--json").stdout)
    meta = hits[0]  # the flat record of docs/export-schema.md
    assert meta["arxiv_id"] == DECK[0].arxiv_id and meta["arxiv_url"] == f"https://arxiv.org/abs/{DECK[0].arxiv_id}"
    assert meta["upvotes"] == DECK[0].upvotes and meta["authors"] == list(DECK[0].author_names)
    assert meta["published"] == DECK[0].published.isoformat() and meta["submitted_by"] == DECK[0].submitter
    shown = json.loads(papers("show", hits[0]["id"], "--json").stdout)
    assert {k: v for k, v in shown.items() if k != "score"} == {k: v for k, v in meta.items() if k != "score"}
    library = Library(isolated_dirs)
    pane = paper_content(library.paper(hits[0]["id"]), UserState(hits[0]["id"])).plain
    assert "Author 0-0, Author 0-1" in pane and f"▲ {DECK[0].upvotes}" in pane and DECK[0].github in pane
    library.close()
