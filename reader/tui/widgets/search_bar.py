"""The search bar: an Input whose footer shows the keys that work in it."""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import Input

PLACEHOLDER = 'Search: words, "phrase", title:x, OR, NOT, neur*, word~  (Esc, ? for help)'


class SearchBar(Input):
    """Type a query; Enter or ↓ goes to the results (Esc too, from the screen)."""

    BINDINGS = [
        Binding("enter,down", "submit", "Results", key_display="enter/↓"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(placeholder=PLACEHOLDER, id=id)
