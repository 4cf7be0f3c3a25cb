"""Placeholder-free minimal app: lists papers (replaced by the full reader)."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static

from ..core.library import Library


class PapersApp(App[None]):
    BINDINGS = [("q", "quit", "Quit")]

    def __init__(self, library: Library) -> None:
        super().__init__()
        self.library = library

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="list")
        yield Footer()


def run_app(library: Library) -> int:
    PapersApp(library).run()
    return 0
