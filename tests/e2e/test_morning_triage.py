"""A morning in a real terminal (tmux): yesterday's folder read and visited,
a dump saved overnight, the app opened on the new papers, triaged with `t`,
quit, and the kept papers found by `papers search is:starred`."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path

import pytest

from tests.e2e.tmux import HAVE_TMUX, PAPERS, terminal
from tests.saves_builder import api_json, cards, write

pytestmark = pytest.mark.skipif(not HAVE_TMUX, reason="tmux is not installed (.ci/run installs it)")

MORNING = dt.date(2024, 3, 21)
FRESH = ("Morning Paper One About Caches", "Morning Paper Two About Kernels")


def cli(*args: str) -> str:
    return subprocess.run([PAPERS, *args], capture_output=True, text=True, timeout=120, check=True).stdout


def save_the_morning_dump(dumps: Path) -> None:
    """Two papers never seen before, then one of the samples (a repeat)."""
    deck = cards(3, 0, MORNING)
    fresh = [
        type(deck[0])(**{**deck[0].__dict__, "title": FRESH[0], "arxiv_id": "2403.20001"}),
        type(deck[1])(**{**deck[1].__dict__, "title": FRESH[1], "arxiv_id": "2403.20002"}),
        deck[2],
    ]
    write(dumps / "morning.json", api_json(fresh, page_date=MORNING), dt.datetime.combine(MORNING, dt.time(8), dt.UTC))


def test_a_morning_triaged_in_the_terminal(dumps: Path) -> None:
    cli("index", str(dumps))
    with terminal([], size=(80, 24)) as term:  # yesterday: a visit, nothing decided
        term.wait_for("of 160")
        term.send("q")
        term.wait_exit()
    save_the_morning_dump(dumps)

    with terminal([], size=(80, 24), env_extra={"COLUMNS": "80", "LINES": "24"}) as term:
        term.wait_for("2 new since", timeout=60)  # indexed at start, counted from yesterday's visit
        screen = term.wait_for(FRESH[0])
        rows = [
            line for line in screen.splitlines() if "Morning Paper" in line and "2024-03-21" in line
        ]  # not the detail
        assert len(rows) == 2 and FRESH[0] in rows[0]  # on top, in the page's order
        # Indexed while the app was open: no key was pressed yet, so the
        # cursor opens on them, and `t` triages from there.
        term.wait_for("1 / 162 · ")
        term.send("t")
        term.wait_for("1 / 162")
        term.send("s")  # keep the first
        term.wait_for("2 / 162")
        term.send("x")  # skip the second
        term.wait_for("3 / 162")
        term.escape()
        term.wait_for("2 reviewed: 1 kept, 1 skipped")
        term.wait_for("0 new since")
        term.send("q")
        term.wait_exit()

    starred = json.loads(cli("search", "is:starred", "--json"))
    assert [paper["title"] for paper in starred] == [FRESH[0]]
    seen = {paper["title"] for paper in json.loads(cli("search", "is:seen", "--json", "--limit", "0"))}
    assert seen == set(FRESH)  # the third, shown when Esc was pressed, was never moved past
