"""What every screen showing a paper can do with it: star, note, open, copy."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from textual.content import Content
from textual.screen import Screen

from ...core.editor import edit_note
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

    def __init__(self) -> None:
        super().__init__()
        # userdata: the star state each paper was last drawn with.
        self.shown_starred: dict[str, bool] = {}

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
        self.shown_starred[paper.id] = state.starred  # userdata: what `s` acts on
        abstract_spans = library.highlights(paper.abstract, parsed) if parsed else []
        title_spans = library.highlights(paper.title, parsed, "title") if parsed else []
        return paper_content(paper, state, abstract_spans, title_spans)

    def _paper_or_bell(self) -> Paper | None:
        paper = self.current_paper()
        if paper is None:
            self.app.bell()
        return paper

    def action_toggle_star(self) -> None:
        # userdata: refresh before acting, then an explicit set (never a toggle
        # at the store): a window drawn before another window's change must
        # not undo it.
        paper = self._paper_or_bell()
        if paper is None:
            return
        library = self.papers_app.library
        try:
            starred = library.state(paper.id).starred
            shown = self.shown_starred.get(paper.id, starred)
            if shown != starred:
                self.paper_changed(paper.id)
                self.notify(
                    ("Starred" if starred else "Unstarred")
                    + f" in another window meanwhile; press the key again to {'unstar' if starred else 'star'} it",
                    severity="warning",
                    markup=False,
                )
                return
            library.set_starred(paper, not starred)
        except PapersError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        self.paper_changed(paper.id)
        self.notify(("Unstarred: " if starred else "Starred: ") + paper.title, markup=False, timeout=2)

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
        # userdata: every editor failure comes back as a PapersError after the
        # screen is resumed (edit_note never lets one cross the suspend).
        paper = self._paper_or_bell()
        if paper is None:
            return
        library = self.papers_app.library
        try:
            result = edit_note(library.store, library.locations.drafts_dir, paper.id, paper.title, self.app.suspend)
        except PapersError as error:
            self.notify(str(error), severity="error", markup=False, timeout=10)
            return
        finally:
            self.app.refresh()
        if result.notice:
            self.notify(result.notice, severity="warning", markup=False)
        if result.saved is None:
            return
        self.paper_changed(paper.id)
        if result.saved.merged:
            self.notify("The note was changed elsewhere meanwhile: both texts were kept.", severity="warning")
        else:
            self.notify("Note saved" if result.saved.note else "Note deleted", timeout=2)

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
