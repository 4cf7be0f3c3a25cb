"""The reading view: one paper, full-screen."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.content import Content
from textual.message import Message
from textual.widgets import Footer
from textual.worker import get_current_worker

from ...core.errors import PapersError
from ...core.library import Library
from ...core.text import printable
from ..commands import PAPER_COMMANDS, QUIT, READING_COMMANDS, Command
from ..widgets.paper_view import Detail, PaperView, read_detail
from ..writes import in_writer
from .paper_screen import PaperScreen

if TYPE_CHECKING:
    from ...core.search import ParsedQuery  # Whoosh loads after the first screen (reader/core/library.py)

# Moves the list's cursor by a step; returns the paper it lands on (None:
# there is none that way).
Step = Callable[[int], str | None]


class ReadingScreen(PaperScreen):
    """Read a paper without the list; Esc goes back, J and K read the next and
    previous paper of the list (its cursor follows). Opening one marks it seen."""

    BINDINGS = [*(command.binding() for command in READING_COMMANDS), QUIT.binding()]
    PALETTE = PAPER_COMMANDS + READING_COMMANDS[:2]

    class _Read(Message):
        def __init__(self, paper_id: str, detail: Detail | str, keep_scroll: bool) -> None:
            super().__init__()
            self.paper_id = paper_id
            self.detail = detail
            self.keep_scroll = keep_scroll

    def __init__(
        self,
        library: Library,
        paper_id: str,
        parsed: ParsedQuery | None,
        step: Step | None = None,
        neighbours: Callable[[], tuple[bool, bool]] | None = None,
    ) -> None:
        super().__init__(library)
        self.paper_id = paper_id
        self.parsed = parsed
        self.step = step
        self.neighbours = neighbours  # (is there a previous paper, a next one)
        self.detail: Detail | None = None

    def compose(self) -> ComposeResult:
        yield PaperView(id="reading")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(PaperView).focus()
        self.redraw()
        self._mark_seen()

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
        self._mark_seen()
        self.refresh_bindings()

    def shown_detail(self) -> Detail | None:
        return self.detail

    def paper_changed(self, paper_id: str) -> None:
        self.redraw(keep_scroll=True)

    def on_screen_resume(self) -> None:
        self.redraw(keep_scroll=True)

    def redraw(self, keep_scroll: bool = False) -> None:
        self._read(self.paper_id, keep_scroll)

    @work(thread=True, exclusive=True, group="detail")
    def _read(self, paper_id: str, keep_scroll: bool) -> None:
        detail: Detail | str
        try:
            detail = read_detail(self.library, paper_id, self.parsed)
        except PapersError as error:
            detail = str(error)
        if not get_current_worker().is_cancelled:
            self.post_message(self._Read(paper_id, detail, keep_scroll))

    @on(_Read)
    def _show(self, event: _Read) -> None:
        event.stop()
        if event.paper_id != self.paper_id:
            return  # read for the paper shown before J or K
        view = self.query_one(PaperView)
        if isinstance(event.detail, str):
            view.show(Content(printable(event.detail)))
        else:
            self.detail = event.detail
            view.show(event.detail.content, keep_scroll=event.keep_scroll)

    @work(group="write")
    async def _mark_seen(self) -> None:
        library, paper_id = self.library, self.paper_id
        try:
            await in_writer(lambda: library.mark_seen(library.paper(paper_id)))
        except PapersError as error:
            self.notify(str(error), severity="error", markup=False)
        if paper_id == self.paper_id:
            self.redraw(keep_scroll=True)
