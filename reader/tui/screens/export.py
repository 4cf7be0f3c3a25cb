"""The export dialog: format, scope and destination (a file or the clipboard)."""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_documents_dir
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, RadioButton, RadioSet, Select
from textual.worker import get_current_worker

from ...core.atomic import write_atomic
from ...core.errors import PapersError
from ...core.export import FORMAT_NAMES, Options, Scope, get_format
from ...core.library import Library
from ...core.text import printable
from ...core.views import SORTS, Sort, sort_named
from ..widgets.footer import Footer
from .confirm import ConfirmScreen

SCOPE_LABELS = {
    Scope.STARRED: "Starred papers",
    Scope.RESULTS: "The current search results",
    Scope.NOTED: "Every paper with a note",
}


def default_folder() -> Path:
    """The user's documents folder (XDG_DOCUMENTS_DIR, user-dirs.dirs, else
    ~/Documents) if it exists, else the home folder: never the folder papers
    happened to be started in."""
    documents = Path(user_documents_dir())
    return documents if documents.is_dir() else Path.home()


def default_path(format_name: str, scope: Scope) -> Path:
    return default_folder() / f"papers-{scope.value}.{get_format(format_name).extension}"


def papers(count: int) -> str:
    return "1 paper" if count == 1 else f"{count} papers"


def sort_choice(sort: Sort) -> str:
    """How the dialog names a sort: relevance keeps the list's own order
    (newest star or note first, or the search's rank)."""
    return "Newest first / by rank" if sort is Sort.RELEVANCE else f"By {sort.label}"


class ExportScreen(ModalScreen[None]):
    """Pick what to export and where; the result is a file or the clipboard.
    The export is read and written in a worker."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "save", "Save to file"),
        Binding("ctrl+y", "copy", "Copy to clipboard"),
    ]

    class _Done(Message):
        """An export finished: its text (for the clipboard) or its file."""

        def __init__(self, count: int, text: str = "", path: Path | None = None) -> None:
            super().__init__()
            self.count = count
            self.text = text
            self.path = path

    def __init__(self, library: Library, query: str) -> None:
        super().__init__()
        self.library = library
        self.search_query = query
        self.format_name = "markdown"
        self.scope = Scope.STARRED
        self._path_edited = False

    def compose(self) -> ComposeResult:
        with Vertical(id="export-dialog"):
            yield Label(Content.styled("Export", "bold $accent"))
            yield Select(
                [(f"{get_format(n).description}", n) for n in FORMAT_NAMES],
                value=self.format_name,
                allow_blank=False,
                id="export-format",
            )
            with RadioSet(id="export-scope"):
                for scope, label in SCOPE_LABELS.items():
                    text = label if scope is not Scope.RESULTS else f"{label} ({self.search_query or 'all papers'})"
                    yield RadioButton(Content(printable(text)), value=scope is self.scope, name=scope.value)
            with Horizontal(id="export-order"):
                yield Select(
                    [(sort_choice(sort), sort.name) for sort in SORTS.values()],
                    value=Sort.RELEVANCE.name,
                    allow_blank=False,
                    id="export-sort",
                )
                yield Checkbox("Group by dump date (Markdown)", id="export-group")
            yield Input(str(default_path(self.format_name, self.scope)), id="export-path")
            with Horizontal(id="export-buttons"):
                yield Button("Save to file", variant="primary", id="save")
                yield Button("Copy to clipboard", id="copy")
                yield Button("Cancel", id="cancel")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#export-format", Select).focus()

    # choices -------------------------------------------------------------
    @on(Select.Changed, "#export-format")
    def format_changed(self, event: Select.Changed) -> None:
        self.format_name = str(event.value)
        self._suggest_path()

    @on(RadioSet.Changed, "#export-scope")
    def scope_changed(self, event: RadioSet.Changed) -> None:
        self.scope = Scope(event.pressed.name or Scope.STARRED.value)
        self._suggest_path()

    @on(Input.Changed, "#export-path")
    def path_changed(self, event: Input.Changed) -> None:
        if event.value != str(default_path(self.format_name, self.scope)):
            self._path_edited = True

    def _suggest_path(self) -> None:
        if not self._path_edited:
            self.query_one("#export-path", Input).value = str(default_path(self.format_name, self.scope))
            self._path_edited = False

    # actions ---------------------------------------------------------------
    def _options(self) -> Options:
        sort = sort_named(str(self.query_one("#export-sort", Select).value))
        return Options(sort, self.query_one("#export-group", Checkbox).value)

    @work(thread=True, exclusive=True, group="export")
    def _export(self, format_name: str, scope: Scope, options: Options, path: Path | None) -> None:
        """Read and render the export, and write it to `path` if there is one."""
        try:
            text, count = self.library.export(format_name, scope, self.search_query, options)
            if path is not None:
                write_atomic(path, text)
        except PapersError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        except OSError as error:
            self.notify(f"Cannot write {path}: {error.strerror}", severity="error", markup=False)
            return
        if not get_current_worker().is_cancelled:
            self.post_message(self._Done(count, "" if path else text, path))

    @on(_Done)
    def _done(self, event: _Done) -> None:
        if event.path is not None:
            what = papers(event.count)
            self.notify(f"Exported {what} to {event.path}", title="Export", markup=False, timeout=8)
        else:
            self.app.copy_to_clipboard(event.text)
            self.notify(f"Copied {papers(event.count)} ({self.format_name}) to the clipboard", timeout=5)
        self.dismiss(None)

    @on(Input.Submitted, "#export-path")
    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        path = Path(self.query_one("#export-path", Input).value.strip()).expanduser()
        if not path.name or path.is_dir():
            self.notify("Give a file name to export to", severity="error")
            return
        if path.exists():

            def answered(overwrite: bool | None) -> None:
                if overwrite:
                    self._write(path)

            question = f"{printable(str(path))} exists. Overwrite it?"
            self.app.push_screen(ConfirmScreen(question, "Overwrite", "Keep it"), answered)
            return
        self._write(path)

    def _write(self, path: Path) -> None:
        self._export(self.format_name, self.scope, self._options(), path)

    @on(Button.Pressed, "#copy")
    def action_copy(self) -> None:
        self._export(self.format_name, self.scope, self._options(), None)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
