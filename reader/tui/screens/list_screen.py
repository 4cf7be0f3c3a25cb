"""The base of every screen built around a paper list (the main screen, and
any other view of papers)."""

from __future__ import annotations

from collections.abc import Sequence

from textual.css.query import NoMatches

from ..widgets.paper_list import PaperList
from ..widgets.paper_view import Detail
from ..widgets.result_list import ResultList
from .paper_screen import PaperScreen
from .reading import ReadingScreen


class PaperListScreen(PaperScreen):
    """A screen around one PaperList (any source of IDs): the paper commands
    act on its current paper, Enter opens it full-screen, and coming back to
    the screen reads the marks again. A new view is a subclass that composes
    a PaperList and calls its `load(source)`."""

    @property
    def paper_list(self) -> PaperList:
        return self.query_one(PaperList)

    def current_paper_id(self) -> str | None:
        try:
            return self.paper_list.current_id
        except NoMatches:  # asked before the screen is composed
            return None

    def paper_changed(self, paper_id: str) -> None:
        self.paper_list.refresh_papers([paper_id])

    def papers_changed(self, paper_ids: Sequence[str]) -> None:
        self.paper_list.refresh_papers(paper_ids)  # one read for them all

    def shown_detail(self) -> Detail | None:
        return self.paper_list.detail

    def on_screen_resume(self) -> None:
        # Back from the reading view or the note editor: marks may have moved.
        self.paper_list.refresh_papers()

    def on_result_list_selected(self, event: ResultList.Selected) -> None:
        self._open(event.paper_id)

    def action_open_paper(self) -> None:
        paper_id = self.current_paper_id()
        if paper_id is not None:
            self._open(paper_id)

    def _open(self, paper_id: str) -> None:
        results = self.paper_list.results
        if paper_id in results.ids:
            results.cursor = results.ids.index(paper_id)
        self.app.push_screen(
            ReadingScreen(self.library, paper_id, self.paper_list.parsed, self._step, self._neighbours)
        )

    def _step(self, delta: int) -> str | None:
        """Move the list's cursor for the reading view (J, K): Esc comes
        back to the last paper read."""
        results = self.paper_list.results
        if not 0 <= results.cursor + delta < len(results.ids):
            return None
        results.cursor += delta
        return results.current

    def _neighbours(self) -> tuple[bool, bool]:
        results = self.paper_list.results
        return results.cursor > 0, results.cursor < len(results.ids) - 1
