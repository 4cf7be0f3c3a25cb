"""What every full screen of the reader has: the Library handed in, and the
commands it offers in the palette, with the unavailable ones shown as such.

Screens never import the app: what they need is passed to them, and what
they tell the app goes through messages, actions or `self.app`'s own API.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import ClassVar

from textual import events
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.screen import Screen
from textual.types import IgnoreReturnCallbackType

from ...core.library import Library
from ..commands import BY_ACTION, Command
from ..widgets.footer import Footer

NARROW_FOOTER = 100


class ScreenCommands(Provider):
    """The palette's entries for the screen it was opened on: the commands
    that screen declares; one it cannot run now says why."""

    def _entries(self) -> Iterator[tuple[Command, str | None, IgnoreReturnCallbackType]]:
        screen = self.screen
        if isinstance(screen, PapersScreen):
            for command in screen.PALETTE:
                yield command, screen.unavailable(command), partial(screen.run_command, command)

    @staticmethod
    def _help(command: Command, reason: str | None) -> str:
        return command.help if reason is None else f"{command.help} (not now: {reason})"

    @staticmethod
    def _shown(title: Content, reason: str | None) -> Content:
        return title if reason is None else title.stylize("$text-disabled")

    async def discover(self) -> Hits:
        for command, reason, run in self._entries():
            yield DiscoveryHit(self._shown(Content(command.title), reason), run, help=self._help(command, reason))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command, reason, run in self._entries():
            score = matcher.match(command.title)
            if score > 0:
                shown = self._shown(matcher.highlight(command.title), reason)
                yield Hit(score, shown, run, help=self._help(command, reason))


class PapersScreen(Screen[None]):
    """A screen of the reader, given the Library it shows."""

    COMMANDS = {ScreenCommands}
    # The commands this screen offers in the palette (ctrl+p).
    PALETTE: ClassVar[tuple[Command, ...]] = ()

    def __init__(self, library: Library) -> None:
        super().__init__()
        self.library = library

    def unavailable(self, command: Command) -> str | None:
        """Why `command` cannot run now, or None if it can."""
        return None

    def on_resize(self, event: events.Resize) -> None:
        # A narrow terminal: a compact footer, without the palette's key (ctrl+p
        # still works, and help names it), so that every key fits.
        narrow = event.size.width < NARROW_FOOTER
        for footer in self.query(Footer):
            footer.compact = narrow
            footer.show_command_palette = not narrow

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # None: the footer shows the key greyed out, and the key does nothing.
        command = BY_ACTION.get(action)
        if command is not None and self.unavailable(command) is not None:
            return None
        return True

    async def run_command(self, command: Command) -> None:
        """Run a command chosen in the palette, or say why it cannot run."""
        reason = self.unavailable(command)
        if reason is not None:
            self.notify(f"{command.title}: {reason}", timeout=2, markup=False)
            return
        await self.run_action(command.action)
