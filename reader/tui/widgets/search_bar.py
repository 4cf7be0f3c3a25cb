"""The search bar: an Input with the reader's hint. Its keys (Enter, ↓ and
Esc back to the list) are the screen's priority bindings, so the keys typed
right after them reach the list."""

from __future__ import annotations

from textual.widgets import Input

PLACEHOLDER = 'Search: words, "phrase", title:x, OR, NOT, neur*, word~  (Esc, ? for help)'


class SearchBar(Input):
    """Type a query; Enter, ↓ or Esc go to the results (MainScreen's keys)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(placeholder=PLACEHOLDER, id=id)
