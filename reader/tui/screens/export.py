"""The export dialog: format, scope and destination (a file or the clipboard)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Footer, Input, Label, RadioButton, RadioSet, Select

from ...core.atomic import write_atomic
from ...core.errors import PapersError
from ...core.export import FORMAT_NAMES, Options, Order, Scope, get_format
from .confirm import ConfirmScreen

if TYPE_CHECKING:
    from ..app import PapersApp

ORDER_LABELS = {
    Order.NATURAL: "Newest first",
    Order.DATE: "By dump date",
    Order.TITLE: "By title",
    Order.STARRED: "By starred time",
}
SCOPE_LABELS = {
    Scope.STARRED: "Starred papers",
    Scope.RESULTS: "The current search results",
    Scope.NOTED: "Every paper with a note",
}


def default_folder() -> Path:
    """The user's Documents folder if there is one, else the current folder."""
    documents = Path.home() / "Documents"
    return documents if documents.is_dir() else Path.cwd()


def default_path(format_name: str, scope: Scope) -> Path:
    return default_folder() / f"papers-{scope.value}.{get_format(format_name).extension}"


class ExportScreen(ModalScreen[None]):
    """Pick what to export and where; the result is a file or the clipboard."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "save", "Save to file"),
        Binding("ctrl+y", "copy", "Copy to clipboard"),
    ]

    def __init__(self, query: str) -> None:
        super().__init__()
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
                    yield RadioButton(text, value=scope is self.scope, name=scope.value)
            with Horizontal(id="export-order"):
                yield Select(
                    [(label, order.value) for order, label in ORDER_LABELS.items()],
                    value=Order.NATURAL.value,
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

    @property
    def papers_app(self) -> PapersApp:
        from ..app import PapersApp

        assert isinstance(self.app, PapersApp)
        return self.app

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
    def _export_text(self) -> tuple[str, int] | None:
        try:
            options = Options(
                Order(str(self.query_one("#export-sort", Select).value)),
                self.query_one("#export-group", Checkbox).value,
            )
            return self.papers_app.library.export(self.format_name, self.scope, self.search_query, options)
        except PapersError as error:
            self.notify(str(error), severity="error", markup=False)
            return None

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

            self.app.push_screen(ConfirmScreen(f"{path} exists. Overwrite it?", "Overwrite", "Keep it"), answered)
            return
        self._write(path)

    def _write(self, path: Path) -> None:
        rendered = self._export_text()
        if rendered is None:
            return
        text, count = rendered
        try:
            write_atomic(path, text)
        except OSError as error:
            self.notify(f"Cannot write {path}: {error.strerror}", severity="error", markup=False)
            return
        self.notify(f"Exported {count} papers to {path}", title="Export", markup=False, timeout=8)
        self.dismiss(None)

    @on(Button.Pressed, "#copy")
    def action_copy(self) -> None:
        rendered = self._export_text()
        if rendered is None:
            return
        text, count = rendered
        self.app.copy_to_clipboard(text)
        self.notify(f"Copied {count} papers ({self.format_name}) to the clipboard", timeout=5)
        self.dismiss(None)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
