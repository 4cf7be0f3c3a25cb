"""The reading view: one paper, full-screen."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer

from ...core.errors import PapersError
from ...core.models import Paper
from ...core.search import ParsedQuery
from ..commands import QUIT
from ..widgets.paper_view import PaperView
from .paper_screen import PaperScreen


class ReadingScreen(PaperScreen):
    """Read a paper without the list; Esc goes back."""

    BINDINGS = [Binding("escape", "app.pop_screen", "Back"), QUIT.binding()]

    def __init__(self, paper_id: str, parsed: ParsedQuery | None) -> None:
        super().__init__()
        self.paper_id = paper_id
        self.parsed = parsed

    def compose(self) -> ComposeResult:
        yield PaperView(id="reading")
        yield Footer()

    def on_mount(self) -> None:
        self.redraw()
        self.query_one(PaperView).focus()
        paper = self.current_paper()
        if paper is not None:
            try:
                self.papers_app.library.mark_seen(paper)
            except PapersError as error:
                self.notify(str(error), severity="error", markup=False)

    def current_paper(self) -> Paper | None:
        try:
            return self.papers_app.library.paper(self.paper_id)
        except PapersError:
            return None

    def redraw(self, keep_scroll: bool = False) -> None:
        paper = self.current_paper()
        if paper is not None:
            self.query_one(PaperView).show(self.render_paper(paper, self.parsed), keep_scroll)

    def paper_changed(self, paper_id: str) -> None:
        self.redraw(keep_scroll=True)

    def on_screen_resume(self) -> None:
        self.redraw(keep_scroll=True)
