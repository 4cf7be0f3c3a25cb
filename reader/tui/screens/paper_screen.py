"""What every screen showing a paper can do with it: star, note, open, copy.

The commands act on the paper the screen says is current; while there is
none they are unavailable (greyed in the footer and the palette). Reads run
in thread workers and writes on the writer thread (reader/tui/writes.py), so
a store locked by another process never freezes the screen.
"""

from __future__ import annotations

import datetime as dt
import webbrowser
from collections.abc import Callable, Sequence
from pathlib import PurePath

from textual import on, work
from textual.app import SuspendNotSupported
from textual.message import Message
from textual.worker import get_current_worker

from ...core.editor import edit_note
from ...core.errors import PapersError
from ...core.links import code_url, paper_url
from ...core.models import Paper, UserState
from ...core.store import NoteSave
from ...core.text import printable
from ...core.undo import Change, SeenMany
from ..commands import PAPER_COMMANDS, Command
from ..widgets.paper_view import Detail
from ..writes import in_writer
from .base import PapersScreen
from .confirm import ConfirmScreen

NO_PAPER = "no paper selected"
# Browsers that draw in the terminal: run like $EDITOR, with the screen handed over.
TERMINAL_BROWSERS = frozenset({"www-browser", "links", "elinks", "lynx", "w3m", "browsh", "carbonyl"})

Then = Callable[[Paper, UserState], None]


class PaperScreen(PapersScreen):
    """A screen with a current paper. Subclasses say which paper that is and
    redraw it after a change; every change is in the store before it shows."""

    BINDINGS = [command.binding() for command in PAPER_COMMANDS]
    PALETTE = PAPER_COMMANDS

    class _Fetched(Message):
        """A paper (and the user's state of it) read for a command, to act on in the UI thread."""

        def __init__(self, paper: Paper, state: UserState, then: Then) -> None:
            super().__init__()
            self.paper = paper
            self.state = state
            self.then = then

    def current_paper_id(self) -> str | None:
        """The paper the commands act on (screens with one override this)."""
        return None

    def paper_changed(self, paper_id: str) -> None:
        """Redraw after the star or note of a paper changed."""

    def papers_changed(self, paper_ids: Sequence[str]) -> None:
        """Redraw after the marks of several papers changed."""
        for paper_id in paper_ids:
            self.paper_changed(paper_id)

    def undone(self, change: Change | SeenMany) -> None:
        """Redraw after `change` was taken back (triage also moves back to its paper)."""
        self.papers_changed(change.paper_ids)

    def shown_detail(self) -> Detail | None:
        """The detail last read for the screen (screens that show one override this)."""
        return None

    def unavailable(self, command: Command) -> str | None:
        if command.needs_paper and self.current_paper_id() is None:
            return NO_PAPER
        return None

    # reading a paper for a command -----------------------------------------
    def with_paper(self, then: Then) -> None:
        """Call `then` with the current paper and the user's state of it: at
        once if the screen shows it (keys typed next reach what `then` opens),
        else once a worker has read it."""
        paper_id = self.current_paper_id()
        if paper_id is None:
            return
        shown = self.shown_detail()
        if shown is not None and shown.paper.id == paper_id:
            then(shown.paper, shown.state)
        else:
            self._fetch(paper_id, then)

    @work(thread=True, group="fetch")
    def _fetch(self, paper_id: str, then: Then) -> None:
        try:
            paper = self.library.paper(paper_id)
            state = self.library.state(paper_id)
        except PapersError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        if not get_current_worker().is_cancelled:
            self.post_message(self._Fetched(paper, state, then))

    @on(_Fetched)
    def _fetched(self, event: _Fetched) -> None:
        event.stop()
        event.then(event.paper, event.state)

    # commands ----------------------------------------------------------------
    def action_toggle_star(self) -> None:
        paper_id = self.current_paper_id()
        if paper_id is None:
            return
        shown = self.shown_detail()
        drawn = shown.state.starred if shown is not None and shown.paper.id == paper_id else None
        self._toggle_star(paper_id, drawn)

    @work(group="write")
    async def _toggle_star(self, paper_id: str, drawn: bool | None) -> None:
        library = self.library

        def write() -> tuple[Paper, bool, bool]:
            # Read the state afresh, then set it (never a toggle at the store):
            # a window drawn before another window's change must not undo it.
            paper = library.paper(paper_id)
            starred = library.state(paper_id).starred
            if drawn is not None and drawn != starred:
                return paper, starred, False
            library.set_starred(paper, not starred)
            library.undo.record(Change("star", paper, starred, not starred))
            return paper, not starred, True

        try:
            paper, starred, changed = await in_writer(write)
        except PapersError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        self.paper_changed(paper.id)
        if not changed:
            self.notify(
                ("Starred" if starred else "Unstarred")
                + f" in another window meanwhile; press the key again to {'unstar' if starred else 'star'} it",
                severity="warning",
                markup=False,
            )
            return
        self.notify(("Starred: " if starred else "Unstarred: ") + paper.title, markup=False, timeout=2)

    def action_edit_note(self) -> None:
        self.with_paper(self._edit_in_app)

    def _edit_in_app(self, paper: Paper, state: UserState) -> None:
        from .note import NoteEditor  # Textual's TextArea: imported when a note is first edited, not at start

        base = state.note_updated_at

        def saved(text: str | None) -> None:
            if text is not None:
                self._save_note(paper, text, base)

        # Shown as it may reach the terminal: a control character in a note
        # (from a restored backup) is edited as its visible symbol.
        self.app.push_screen(NoteEditor(printable(paper.title), printable(state.note)), saved)

    def action_edit_note_external(self) -> None:
        self.with_paper(self._edit_in_editor)

    def _edit_in_editor(self, paper: Paper, state: UserState) -> None:
        # Every editor failure comes back as a PapersError after the screen
        # is resumed: edit_note never lets one cross the suspend.
        library = self.library
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
        self.library.undo.record(Change("note", paper, state.note, result.saved.note.text if result.saved.note else ""))
        self._note_saved(paper.id, result.saved)

    @work(group="write")
    async def _save_note(self, paper: Paper, text: str, base: dt.datetime | None) -> None:
        library = self.library

        def write() -> NoteSave:
            before = library.note(paper.id)
            saved = library.save_note(paper, text, base, check_base=True)
            after = saved.note.text if saved.note else ""
            library.undo.record(Change("note", paper, before.text if before else "", after))
            return saved

        try:
            result = await in_writer(write)
        except PapersError as error:
            self.notify(f"Note NOT saved: {error}", severity="error", markup=False, timeout=10)
            return
        self._note_saved(paper.id, result)

    def _note_saved(self, paper_id: str, saved: NoteSave) -> None:
        self.paper_changed(paper_id)
        if saved.merged:
            self.notify("The note was changed elsewhere meanwhile: both texts were kept.", severity="warning")
        else:
            self.notify("Note saved" if saved.note else "Note deleted", timeout=2)

    def action_toggle_seen(self) -> None:
        paper_id = self.current_paper_id()
        if paper_id is not None:
            self._toggle_seen(paper_id)

    @work(group="write")
    async def _toggle_seen(self, paper_id: str) -> None:
        library = self.library

        def write() -> tuple[Paper, bool]:
            paper = library.paper(paper_id)
            seen = library.state(paper_id).seen_at is not None
            library.set_seen(paper, not seen)
            library.undo.record(Change("seen", paper, seen, not seen))
            return paper, not seen

        try:
            paper, seen = await in_writer(write)
        except PapersError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        self.paper_changed(paper.id)
        self.notify(("Seen: " if seen else "Not seen: ") + paper.title, markup=False, timeout=2)

    @work(group="write")
    async def action_undo(self) -> None:
        library = self.library
        try:
            change = await in_writer(lambda: library.undo.undo(library.store))
        except PapersError as error:
            self.notify(f"Not undone: {error}", severity="error", markup=False)
            return
        if change is None:
            self.notify("Nothing to undo", timeout=2)
            return
        self.undone(change)
        left = len(library.undo)
        more = f" ({left} more to undo)" if left else ""
        self.notify(f"Undone: {change.notice()}{more}", markup=False, timeout=3)

    def action_open_browser(self) -> None:
        self.with_paper(lambda paper, _state: self.open_link(paper_url(paper)))

    def action_open_code(self) -> None:
        self.with_paper(self._open_code)

    def _open_code(self, paper: Paper, _state: UserState) -> None:
        url = code_url(paper)
        if url:
            self.open_link(url)
        else:
            self.notify("No code link: neither the save nor the abstract names one.", markup=False, timeout=4)

    def open_link(self, url: str) -> None:
        """Open a link in the user's browser; if none can be started, say so
        and offer to copy the link."""
        if self.app.is_web:  # served in a browser (textual serve): that browser opens it
            self.app.open_url(url)
            self.notify(f"Opening {url}", markup=False, timeout=3)
            return
        try:
            browser = webbrowser.get()
        except webbrowser.Error:
            self._not_opened(url)
            return
        if PurePath(getattr(browser, "name", "") or "").name in TERMINAL_BROWSERS:
            try:
                with self.app.suspend():  # it needs the terminal, as an editor does
                    opened = browser.open(url)
            except SuspendNotSupported:
                opened = False
            self.app.refresh()
            self._opened(url, opened)
        else:
            self._open_in_background(browser, url)

    @work(thread=True, group="browser")
    def _open_in_background(self, browser: webbrowser.BaseBrowser, url: str) -> None:
        # A browser named by $BROWSER runs until it returns: not on the UI thread.
        try:
            opened = browser.open(url)
        except OSError:
            opened = False
        self.app.call_from_thread(self._opened, url, opened)

    def _opened(self, url: str, opened: bool) -> None:
        if opened:
            self.notify(f"Opened in your browser: {url}", markup=False, timeout=3)
        else:
            self._not_opened(url)

    def _not_opened(self, url: str) -> None:
        def answered(copy: bool | None) -> None:
            if copy:
                self.app.copy_to_clipboard(url)
                self.notify(f"Copied {url}", markup=False, timeout=3)

        question = f"No web browser could be started (set $BROWSER to choose one). Copy the link?\n\n{printable(url)}"
        self.app.push_screen(ConfirmScreen(question, "Copy", "Cancel"), answered)

    def action_copy_paper(self) -> None:
        self.with_paper(self._copy)

    def _copy(self, paper: Paper, _state: UserState) -> None:
        self.app.copy_to_clipboard(f"{paper.title}\n{paper_url(paper)}")
        self.notify("Copied the title and link", timeout=2)
