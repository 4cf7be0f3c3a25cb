"""A paper screen that shows one paper at a time in a PaperView (reading, triage).

The paper is read in a thread worker; a read that arrives after the screen
has moved to another paper is dropped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.content import Content
from textual.message import Message
from textual.worker import get_current_worker

from ...core.errors import PapersError
from ...core.library import Library
from ...core.text import printable
from ..widgets.paper_view import Detail, PaperView, read_detail
from ..writes import mark_seen_in_writer
from .paper_screen import PaperScreen

if TYPE_CHECKING:
    from ...core.search import ParsedQuery  # Whoosh loads after the first screen (reader/core/library.py)


class OnePaperScreen(PaperScreen):
    """Shows `current_paper_id()` in the screen's PaperView, with the query's
    words highlighted; `redraw` reads it again."""

    class _Read(Message):
        def __init__(self, paper_id: str, detail: Detail | str, keep_scroll: bool) -> None:
            super().__init__()
            self.paper_id = paper_id
            self.detail = detail
            self.keep_scroll = keep_scroll

    def __init__(self, library: Library, parsed: ParsedQuery | None) -> None:
        super().__init__(library)
        self.parsed = parsed
        self.detail: Detail | None = None  # the paper last shown, as read

    def shown_detail(self) -> Detail | None:
        return self.detail

    def paper_changed(self, paper_id: str) -> None:
        if paper_id == self.current_paper_id():
            self.redraw(keep_scroll=True)

    def on_screen_resume(self) -> None:
        self.redraw(keep_scroll=True)

    def redraw(self, keep_scroll: bool = False) -> None:
        paper_id = self.current_paper_id()
        if paper_id is not None:
            self._read(paper_id, keep_scroll)

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
        if event.paper_id != self.current_paper_id():
            return  # read for a paper the screen has moved past
        view = self.query_one(PaperView)
        if isinstance(event.detail, str):
            view.show(Content(printable(event.detail)))
        else:
            self.detail = event.detail
            view.show(event.detail.content, keep_scroll=event.keep_scroll)

    @work(group="write")
    async def mark_seen(self, paper_id: str) -> None:
        """Mark a paper seen (on the writer thread), then redraw it if it is still shown."""
        error = await mark_seen_in_writer(self.library, paper_id)
        if error is not None:
            self.notify(str(error), severity="error", markup=False)
            return
        self.paper_changed(paper_id)
