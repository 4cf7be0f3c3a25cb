"""The reading view: one paper, full-screen."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.app import ComposeResult

from ...core.library import Library
from ..commands import PAPER_COMMANDS, QUIT, READING_COMMANDS, Command
from ..widgets.footer import Footer
from ..widgets.paper_view import PaperView
from .one_paper import OnePaperScreen

if TYPE_CHECKING:
    from ...core.search import ParsedQuery  # Whoosh loads after the first screen (reader/core/library.py)

# Moves the list's cursor by a step; returns the paper it lands on (None:
# there is none that way).
Step = Callable[[int], str | None]


class ReadingScreen(OnePaperScreen):
    """Read a paper without the list; Esc goes back, J and K read the next and
    previous paper of the list (its cursor follows). Opening one marks it seen."""

    BINDINGS = [*(command.binding() for command in READING_COMMANDS), QUIT.binding()]
    PALETTE = PAPER_COMMANDS + READING_COMMANDS[:2]

    def __init__(
        self,
        library: Library,
        paper_id: str,
        parsed: ParsedQuery | None,
        step: Step | None = None,
        neighbours: Callable[[], tuple[bool, bool]] | None = None,
    ) -> None:
        super().__init__(library, parsed)
        self.paper_id = paper_id
        self.step = step
        self.neighbours = neighbours  # (is there a previous paper, a next one)

    def compose(self) -> ComposeResult:
        yield PaperView(id="reading")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(PaperView).focus()
        self.redraw()
        self.mark_seen(self.paper_id)

    def current_paper_id(self) -> str | None:
        return self.paper_id

    def unavailable(self, command: Command) -> str | None:
        if command.action in ("next_paper", "previous_paper"):
            before, after = self.neighbours() if self.neighbours else (False, False)
            if command.action == "next_paper" and not after:
                return "this is the last paper of the list"
            if command.action == "previous_paper" and not before:
                return "this is the first paper of the list"
        return super().unavailable(command)

    def action_next_paper(self) -> None:
        self._go(1)

    def action_previous_paper(self) -> None:
        self._go(-1)

    def _go(self, delta: int) -> None:
        paper_id = self.step(delta) if self.step else None
        if paper_id is None:
            return
        self.paper_id = paper_id
        self.detail = None
        self.redraw()
        self.mark_seen(self.paper_id)
        self.refresh_bindings()
