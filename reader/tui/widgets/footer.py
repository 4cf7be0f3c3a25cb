"""Textual's footer, rebuilt only when the keys it shows change.

Textual's `Footer` rebuilds every key widget on each bindings update: each
focus change, and each `refresh_bindings()` (the main list asks for one per
cursor move, since commands that need a paper may change). At start that was
26 rebuilds and a third of the time to the first screen (docs/benchmarks.md).
Each key widget it builds starts compact and is then bound to the footer's
setting: two restyles a key and a rebuild (a fifth of the time from the app's
start to the first list on screen). Here each key starts as the footer is.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer as TextualFooter
from textual.widgets._footer import FooterKey

Shown = tuple[bool, tuple[tuple[str, str, str, bool, str], ...]]


class Footer(TextualFooter):
    """A footer that skips a rebuild when its keys, labels and states are the same."""

    def __init__(self) -> None:
        super().__init__()
        self._shown: Shown | None = None

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            # (The palette's key is not bound: it stays compact, as Textual draws it.)
            if isinstance(widget, FooterKey) and not widget.has_class("-command-palette"):
                widget.set_reactive(FooterKey.compact, self.compact)
                widget.set_class(self.compact, "-compact", update=False)
            yield widget

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
