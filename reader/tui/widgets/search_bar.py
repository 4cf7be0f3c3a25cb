"""The search bar: an Input with the reader's hint. Its keys (Enter, ↓ and
Esc back to the list) are the screen's priority bindings, so the keys typed
right after them reach the list."""

from __future__ import annotations

from textual import events
from textual.binding import NoBinding
from textual.widgets import Input

PLACEHOLDER = 'Search: words, "phrase", title:x, OR, NOT, neur*, word~  (Esc, ? for help)'


class SearchBar(Input):
    """Type a query; Enter, ↓ or Esc go to the results (MainScreen's keys)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(placeholder=PLACEHOLDER, id=id)

    async def _on_key(self, event: events.Key) -> None:
        # Textual runs a widget's own bindings (ctrl+u, ctrl+w, backspace...)
        # once the key has bubbled up to the app; in a burst the letters typed
        # after it are in the bar by then, and ctrl+u would clear them too.
        # Here they act in their turn.
        try:
            bindings = self._bindings.get_bindings_for_key(event.key)
        except NoBinding:
            bindings = []
        if bindings and not event.is_printable:
            event.stop()
            event.prevent_default()
            await self.run_action(bindings[0].action)
            return
        await super()._on_key(event)
