"""The in-app note editor."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, TextArea

from ..widgets.footer import Footer
from .confirm import ConfirmScreen


class NoteEditor(ModalScreen[str | None]):
    """Edit a note; dismisses with the new text, or None if cancelled.

    Esc with unsaved edits asks before throwing them away.
    """

    # Not priority bindings: they must wait for the keys typed before them,
    # or a quick ctrl+s would save a note without its last characters.
    BINDINGS = [
        Binding("ctrl+s", "save", "Save"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        self.paper_title = title
        self.original = text

    def compose(self) -> ComposeResult:
        with Vertical(id="note-dialog"):
            yield Label(Content.assemble(("Note on ", "$text-muted"), (self.paper_title, "bold")), id="note-title")
            # tab_behavior "focus": in "indent" mode the TextArea would take Esc.
            yield TextArea(self.original, id="note-text", soft_wrap=True, tab_behavior="focus")
            yield Label(Content.styled("ctrl+s save · esc cancel", "$text-muted"), id="note-help")
        yield Footer()

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    @property
    def text(self) -> str:
        return self.query_one(TextArea).text

    def action_save(self) -> None:
        self.dismiss(self.text)

    def action_cancel(self) -> None:
        if self.text == self.original:
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(ConfirmScreen("Throw away the changes to this note?", "Discard", "Keep editing"), answered)
