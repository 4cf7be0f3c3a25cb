"""Issue 12: a morning, end to end, in a real terminal (tmux) with the
installed `papers`: yesterday's folder indexed and visited, a new page saved
overnight, the app opened on the new papers, triaged, quit, and the kept
papers found by the command line."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from tests.e2e.tmux import HAVE_TMUX, PAPERS, terminal
from tests.saves_builder import api_json, cards, write

pytestmark = pytest.mark.skipif(not HAVE_TMUX, reason="tmux is not installed (.ci/run installs it)")

MORNING = dt.date(2024, 3, 21)
NEW_TITLES = ["Morning Paper One About Caches", "Morning Paper Two About Kernels"]


def cli(*args: str) -> str:
    return subprocess.run([PAPERS, *args], capture_output=True, text=True, timeout=120, check=True).stdout


def save_overnight(dumps: Path) -> str:
    """A page with a paper from yesterday first, then two new ones; the repeat's title."""
    deck = cards(3, 0, MORNING)
    page = [
        deck[2],  # already in the samples
        replace(deck[0], title=NEW_TITLES[0], arxiv_id="2403.20001"),
        replace(deck[1], title=NEW_TITLES[1], arxiv_id="2403.20002"),
    ]
    write(dumps / "daily-2024-03-21.json", api_json(page, page_date=MORNING))
    return deck[2].title


def test_a_morning(dumps: Path) -> None:
    cli("index", str(dumps))
    with terminal([str(dumps)]) as term:  # yesterday's visit
        term.wait_for("of 160 papers")
        term.send("q")
        term.wait_exit()
    save_overnight(dumps)
    with terminal([str(dumps)]) as term:
        screen = term.wait_for("2 new since")
        rows = [line for line in screen.splitlines() if "Morning Paper" in line and "2024-03-21" in line]
        assert len(rows) == 2 and "One" in rows[0] and "Two" in rows[1]  # on top, in the page's order
        assert all("✦" in row for row in rows)
        term.wait_for("1 / 162")
        term.send("s")  # keep the first
        term.wait_for("Starred:")
        term.send("j", "m")  # the second: seen, not kept
        term.wait_for("0 new since")
        term.send("q")
        term.wait_exit()
    kept = json.loads(cli("search", "is:starred", "--json"))
    assert [paper["title"] for paper in kept] == [NEW_TITLES[0]]
    seen = json.loads(cli("search", "is:seen", "--json"))
    assert NEW_TITLES[1] in [paper["title"] for paper in seen]
    assert json.loads(cli("search", "is:new", "--json")) == []  # this visit is over: nothing new
