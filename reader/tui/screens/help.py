"""Help: every key and command, and the query syntax."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from ...core.query_terms import EXAMPLES
from ...core.text import printable
from ..commands import MAIN_COMMANDS, NAVIGATION_HELP, READING_COMMANDS, TRIAGE_COMMANDS, Command
from ..widgets.footer import Footer

QUERY_HELP: tuple[tuple[str, str], ...] = (
    ("kv cache", "both words (stemmed: serving finds serve)"),
    ("kv OR cache, kv NOT cache", "either word; the first without the second"),
    ('"large language model"', "the phrase"),
    ("title:hopper, abstract:rl", "in one field only"),
    ("neur*, protien~2", "wildcard; fuzzy (up to 2 edits)"),
    ("(kv OR key) cache", "grouping"),
    *EXAMPLES,
)


WIDE = 96  # the help body's width in a large terminal


def key_label(key: str) -> str:
    return {
        "slash": "/",
        "question_mark": "?",
        "enter": "Enter",
        "tab": "Tab",
        "escape": "Esc",
        "left_square_bracket": "[",
        "right_square_bracket": "]",
    }.get(key, key)


def _row(label: Content, text: str, width: int) -> Content:
    """A label, then text wrapped beside it: its next lines start under the
    text, not under the label."""
    indent = label.cell_length
    lines = textwrap.wrap(text, max(20, width - indent)) or [""]
    rest = "".join(f"\n{' ' * indent}{line}" for line in lines[1:])
    return Content.assemble(label, lines[0], rest, "\n")


def command_row(command: Command, keymap: Mapping[str, str], width: int = WIDE) -> Content:
    """A command as the footer and the palette name it: its key, its title, what it does."""
    # Keys come from the user's config file: shown, never sent as controls.
    keys = printable(", ".join(key_label(k) for k in keymap.get(command.id, command.key).split(",")))
    label = Content.assemble((f"  {keys:<8}", "bold"), (f"{command.title:<16}", "bold $secondary"))
    return _row(label, command.help, width)


def help_content(keymap: Mapping[str, str], width: int = WIDE) -> Content:
    """The help text, with keys as the user's config has bound them, for a
    body `width` cells wide."""
    rows: list[Content] = [Content.styled("Keys\n", "bold $accent")]
    rows.extend(command_row(command, keymap, width) for command in MAIN_COMMANDS)
    rows.append(Content.styled("\nReading a paper (Enter)\n", "bold $accent"))
    rows.extend(command_row(command, keymap, width) for command in READING_COMMANDS)
    rows.append(
        Content.styled("\nQuick triage (Triage): Note, Web page, Seen and Undo work there too\n", "bold $accent")
    )
    rows.extend(command_row(command, keymap, width) for command in TRIAGE_COMMANDS)
    rows.append(Content.styled("\nMoving around\n", "bold $accent"))
    for keys, text in NAVIGATION_HELP:
        rows.append(_row(Content.styled(f"  {keys:<20}", "bold"), text, width))
    rows.append(Content.styled("\nIn the list\n", "bold $accent"))
    rows.append(
        _row(
            Content("  "),
            "★ starred   ✦ new since your last visit   ● not seen yet   ↻ listed on several days   "
            "date: the newest dump the paper was in",
            width,
        )
    )
    rows.append(Content.styled("\nSearch\n", "bold $accent"))
    for query, text in QUERY_HELP:
        rows.append(_row(Content.styled(f"  {query:<28}", "bold"), text, width))
    rows.append(Content("\n"))
    rebind = 'Rebind keys in config.toml ([keys] star = "x"); see `papers stats` for the folder.'
    rows.append(Content.styled("\n".join(textwrap.wrap(rebind, width)) + "\n", "$text-muted"))
    return Content.assemble(*rows)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss_help", "Close"),
        Binding("j,down", "scroll(1)", show=False),
        Binding("k,up", "scroll(-1)", show=False),
    ]

    def __init__(self, keymap: Mapping[str, str]) -> None:
        super().__init__()
        self.keymap = keymap

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-dialog"):
            yield Static(help_content(self.keymap), id="help-body")
        yield Footer()

    def on_resize(self) -> None:
        self.call_after_refresh(self._fit)

    def _fit(self) -> None:
        body = self.query_one("#help-body", Static)
        if body.size.width:
            body.update(help_content(self.keymap, body.size.width))

    def action_dismiss_help(self) -> None:
        self.dismiss(None)

    def action_scroll(self, lines: int) -> None:
        # At once, not animated: each key of a burst moves a line.
        scroller = self.query_one("#help-dialog", VerticalScroll)
        scroller.scroll_to(y=scroller.scroll_target_y + lines, animate=False, immediate=True)
