"""Textual's footer, rebuilt only when the keys it shows change.

Textual's `Footer` rebuilds every key widget on each bindings update: each
focus change, and each `refresh_bindings()` (the main list asks for one per
cursor move, since commands that need a paper may change). At start that was
26 rebuilds and a third of the time to the first screen (docs/benchmarks.md).
Here the updates that come in one refresh are answered once, a key that only
becomes available or unavailable is greyed or not in place, and the key
widgets are rebuilt only when the keys themselves change.

A footer can be `held`: its keys are built only once its screen calls
`release()` (the main screen does after its first list is painted: building
them held back that frame).

Each key widget Textual builds starts compact and is then bound to the
footer's setting: two restyles a key and a rebuild (a fifth of the main
thread's time from the app's start to the first list on screen). Here each
key starts as the footer is.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer as TextualFooter
from textual.widgets._footer import FooterKey

# The keys as shown (key, its display, description, action, tooltip; the
# palette's key last, with its state) and whether each is available.
Layout = tuple[bool, tuple[tuple[str, str, str, str, str], ...], tuple[bool, str] | None]
Shown = tuple[Layout, tuple[bool, ...]]


class Footer(TextualFooter):
    """A footer that rebuilds its key widgets only when the keys change."""

    def __init__(self, held: bool = False) -> None:
        super().__init__()
        self._shown: Shown | None = None  # what the key widgets on screen show
        self._update_asked = False
        self._held = held

    def release(self) -> None:
        """Build the keys from now on (a held footer)."""
        if self._held:
            self._held = False
            # In the footer's own turn: its keys are bound to it as they are built.
            self.call_later(self.bindings_changed, self.screen)

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            # (The palette's key is not bound: it stays compact, as Textual draws it.)
            if isinstance(widget, FooterKey) and not widget.has_class("-command-palette"):
                widget.set_reactive(FooterKey.compact, self.compact)
                widget.set_class(self.compact, "-compact", update=False)
            yield widget

    def bindings_changed(self, screen: Screen[object]) -> None:
        self._bindings_ready = True
        if self._held:
            return  # built when released
        if screen.app.app_focus and self.is_attached and screen is self.screen and not self._update_asked:
            self._update_asked = True  # the updates before the next refresh are answered together
            self.call_after_refresh(self._update_keys)

    def _keys_of(self, screen: Screen[object]) -> Shown:
        active = screen.active_bindings
        shown = [(binding, enabled, tooltip) for _node, binding, enabled, tooltip in active.values() if binding.show]
        palette = active.get(self.app.COMMAND_PALETTE_BINDING)
        layout: Layout = (
            self.show_command_palette,
            tuple(
                (binding.key, self.app.get_key_display(binding), binding.description, binding.action, tooltip)
                for binding, _enabled, tooltip in shown
            ),
            None if palette is None else (palette[2], palette[1].tooltip),
        )
        return layout, tuple(enabled for _binding, enabled, _tooltip in shown)

    async def _update_keys(self) -> None:
        self._update_asked = False
        if not self.is_attached:
            return
        shown = self._keys_of(self.screen)
        before, self._shown = self._shown, shown
        if shown == before:
            return
        if before is not None and before[0] == shown[0]:
            # Only some keys became available or not: grey them in place.
            layout, states = shown
            enabled = {(key, action): state for (key, _, _, action, _), state in zip(layout[1], states, strict=True)}
            for widget in self.query(FooterKey):
                state = enabled.get((widget.key, widget.action))
                if state is not None and widget._disabled == state:
                    widget._disabled = not state
                    widget.set_class(not state, "-disabled")
            return
        await self.recompose()
