"""The reading view: one paper, full-screen."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widgets import Footer
from textual.worker import get_current_worker

from ...core.errors import PapersError
from ...core.library import Library
from ...core.search import ParsedQuery
from ...core.text import printable
from ..commands import PAPER_COMMANDS, QUIT
from ..widgets.paper_view import Detail, PaperView, read_detail
from ..writes import in_writer
from .paper_screen import PaperScreen


class ReadingScreen(PaperScreen):
    """Read a paper without the list; Esc goes back. Opening it marks it seen."""

    BINDINGS = [Binding("escape", "app.pop_screen", "Back"), QUIT.binding()]
    PALETTE = PAPER_COMMANDS

    class _Read(Message):
        def __init__(self, detail: Detail | str, keep_scroll: bool) -> None:
            super().__init__()
            self.detail = detail
            self.keep_scroll = keep_scroll

    def __init__(self, library: Library, paper_id: str, parsed: ParsedQuery | None) -> None:
        super().__init__(library)
        self.paper_id = paper_id
        self.parsed = parsed
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

    def shown_detail(self) -> Detail | None:
        return self.detail

    def paper_changed(self, paper_id: str) -> None:
        self.redraw(keep_scroll=True)

    def on_screen_resume(self) -> None:
        self.redraw(keep_scroll=True)

    def redraw(self, keep_scroll: bool = False) -> None:
        self._read(keep_scroll)

    @work(thread=True, exclusive=True, group="detail")
    def _read(self, keep_scroll: bool) -> None:
        detail: Detail | str
        try:
            detail = read_detail(self.library, self.paper_id, self.parsed)
        except PapersError as error:
            detail = str(error)
        if not get_current_worker().is_cancelled:
            self.post_message(self._Read(detail, keep_scroll))

    @on(_Read)
    def _show(self, event: _Read) -> None:
        event.stop()
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
        self.redraw(keep_scroll=True)
