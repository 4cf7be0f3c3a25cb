"""What every screen showing a paper can do with it: star, note, open, copy."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from textual.content import Content
from textual.screen import Screen

from ...core.editor import edit_text
from ...core.errors import PapersError
from ...core.links import paper_url
from ...core.models import Paper
from ...core.search import ParsedQuery
from ..commands import PAPER_COMMANDS
from ..widgets.paper_view import paper_content
from .note import NoteEditor

if TYPE_CHECKING:
    from ..app import PapersApp


class PaperScreen(Screen[None]):
    """A screen with a current paper. Subclasses say which paper that is and
    redraw it after a change; every change is in the store before it shows."""

    BINDINGS = [command.binding() for command in PAPER_COMMANDS]

    @property
    def papers_app(self) -> PapersApp:
        from ..app import PapersApp

        assert isinstance(self.app, PapersApp)
        return self.app

    def current_paper(self) -> Paper | None:
        """The paper the commands act on (screens with one override this)."""
        return None

    def paper_changed(self, paper_id: str) -> None:
        """Redraw after the star or note of a paper changed."""

    def render_paper(self, paper: Paper, parsed: ParsedQuery | None) -> Content:
        """The detail content of a paper with the query's terms highlighted."""
        library = self.papers_app.library
        state = library.state(paper.id)
        abstract_spans = library.highlights(paper.abstract, parsed) if parsed else []
        title_spans = library.highlights(paper.title, parsed, "title") if parsed else []
        return paper_content(paper, state, abstract_spans, title_spans)

    def _paper_or_bell(self) -> Paper | None:
        paper = self.current_paper()
        if paper is None:
            self.app.bell()
        return paper

    def action_toggle_star(self) -> None:
        paper = self._paper_or_bell()
        if paper is None:
            return
        try:
            starred = self.papers_app.library.toggle_star(paper)
        except PapersError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        self.paper_changed(paper.id)
        self.notify(("Starred: " if starred else "Unstarred: ") + paper.title, markup=False, timeout=2)

    def action_edit_note(self) -> None:
        paper = self._paper_or_bell()
        if paper is None:
            return
        current = self.papers_app.library.note(paper.id)
        base = current.updated_at if current else None

        def saved(text: str | None) -> None:
            if text is not None:
                self._save_note(paper, text, base)

        self.app.push_screen(NoteEditor(paper.title, current.text if current else ""), saved)

    def action_edit_note_external(self) -> None:
        paper = self._paper_or_bell()
        if paper is None:
            return
        current = self.papers_app.library.note(paper.id)
        before = current.text if current else ""
        try:
            with self.app.suspend():
                text = edit_text(before, f"the note on {paper.title!r}")
        except PapersError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        self.app.refresh()
        if text != before:
            self._save_note(paper, text, current.updated_at if current else None)

    def _save_note(self, paper: Paper, text: str, base: dt.datetime | None) -> None:
        try:
            result = self.papers_app.library.save_note(paper, text, base, check_base=True)
        except PapersError as error:
            self.notify(f"Note NOT saved: {error}", severity="error", markup=False, timeout=10)
            return
        self.paper_changed(paper.id)
        if result.merged:
            self.notify("The note was changed elsewhere meanwhile: both texts were kept.", severity="warning")
        else:
            self.notify("Note saved" if result.note else "Note deleted", timeout=2)

    def action_open_browser(self) -> None:
        paper = self._paper_or_bell()
        if paper is not None:
            url = paper_url(paper)
            self.app.open_url(url)
            self.notify(f"Opening {url}", markup=False, timeout=3)

    def action_copy_paper(self) -> None:
        paper = self._paper_or_bell()
        if paper is not None:
            self.app.copy_to_clipboard(f"{paper.title}\n{paper_url(paper)}")
            self.notify("Copied the title and link", timeout=2)
