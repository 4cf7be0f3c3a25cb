"""Snapshots of every screen at 80x24 and 160x48 with the sample dumps.

Update after an intended change of the look: pytest tests/tui --snapshot-update
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import Any, cast

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from tests.tui.conftest import MakeApp, settle

SIZES = [(80, 24), (160, 48)]
Before = Callable[[Pilot[None]], Awaitable[None]]


def keys(*stages: tuple[str, ...], wait: float = 0.5) -> Before:
    """Press each stage's keys, then wait for searches and timers to settle."""

    async def run(pilot: Pilot[None]) -> None:
        await settle(pilot)
        for stage in stages:
            await pilot.press(*stage)
            await settle(pilot, wait)  # past the debounce and the seen delay
            for widget in cast("Iterable[Input | TextArea]", pilot.app.screen.query("Input, TextArea")):
                widget.cursor_blink = False  # a blinking cursor differs run to run

    return run


HOPPER = ("slash", *"title:hopper", "enter")
SCREENS: dict[str, Before] = {
    "main": keys(("slash", *"kv cache", "escape")),
    "reading": keys(HOPPER, ("enter",)),
    "note_editor": keys(HOPPER, ("n",), tuple("Read with the team.")),
    "help": keys(("question_mark",)),
    "triage": keys(("slash", *"kv cache", "escape"), ("t",)),
}


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("name", list(SCREENS))
def test_screen(snap_compare: Any, make_app: MakeApp, name: str, size: tuple[int, int]) -> None:
    assert snap_compare(make_app(), terminal_size=size, run_before=SCREENS[name])
