"""Textual's footer, rebuilt only when the keys it shows change.

Textual's `Footer` rebuilds every key widget on each bindings update: each
focus change, and each `refresh_bindings()` (the main list asks for one per
cursor move, since commands that need a paper may change). At start that was
26 rebuilds and a third of the time to the first screen (docs/benchmarks.md).
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer as TextualFooter

Shown = tuple[bool, tuple[tuple[str, str, str, bool, str], ...]]


class Footer(TextualFooter):
    """A footer that skips a rebuild when its keys, labels and states are the same."""

    def __init__(self) -> None:
        super().__init__()
        self._shown: Shown | None = None

    def bindings_changed(self, screen: Screen[object]) -> None:
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            keys = tuple(
                (binding.key, self.app.get_key_display(binding), binding.description, enabled, tooltip)
                for _node, binding, enabled, tooltip in screen.active_bindings.values()
                if binding.show
            )
            shown = (self.show_command_palette, keys)
            if shown == self._shown:
                return
            self._shown = shown
        super().bindings_changed(screen)
