"""Help: every key and command, and the query syntax."""

from __future__ import annotations

from collections.abc import Mapping

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from ...core.query_terms import EXAMPLES
from ...core.text import printable
from ..commands import NAVIGATION_HELP, all_commands

QUERY_HELP: tuple[tuple[str, str], ...] = (
    ("kv cache", "both words (stemmed: serving finds serve)"),
    ("kv OR cache, kv NOT cache", "either word; the first without the second"),
    ('"large language model"', "the phrase"),
    ("title:hopper, abstract:rl", "in one field only"),
    ("neur*, protien~2", "wildcard; fuzzy (up to 2 edits)"),
    ("(kv OR key) cache", "grouping"),
    *EXAMPLES,
)


def key_label(key: str) -> str:
    return {
        "slash": "/",
        "question_mark": "?",
        "enter": "Enter",
        "tab": "Tab",
        "left_square_bracket": "[",
        "right_square_bracket": "]",
    }.get(key, key)


def help_content(keymap: Mapping[str, str]) -> Content:
    """The help text, with keys as the user's config has bound them."""
    rows: list[Content] = [Content.styled("Keys\n", "bold $accent")]
    for command in all_commands():
        # Keys come from the user's config file: shown, never sent as controls.
        keys = printable(", ".join(key_label(k) for k in keymap.get(command.id, command.key).split(",")))
        rows.append(Content.assemble((f"  {keys:<18}", "bold"), f"{command.help}\n"))
    for keys, text in NAVIGATION_HELP:
        rows.append(Content.assemble((f"  {keys:<18}", "bold"), f"{text}\n"))
    rows.append(Content.styled("\nIn the list\n", "bold $accent"))
    rows.append(
        Content("  ★ starred  ✦ new since last visit  ● not seen  ↻ listed on several days  date: newest dump\n")
    )
    rows.append(Content.styled("\nSearch\n", "bold $accent"))
    for query, text in QUERY_HELP:
        rows.append(Content.assemble((f"  {query:<28}", "bold"), f"{text}\n"))
    rows.append(
        Content.styled(
            '\nRebind keys in config.toml ([keys] star = "x"); see `papers stats` for the folder.\n', "$text-muted"
        )
    )
    return Content.assemble(*rows)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss_help", "Close"),
        Binding("j", "scroll('down')", show=False),
        Binding("k", "scroll('up')", show=False),
    ]

    def __init__(self, keymap: Mapping[str, str]) -> None:
        super().__init__()
        self.keymap = keymap

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-dialog"):
            yield Static(help_content(self.keymap), id="help-body")
        yield Footer()

    def action_dismiss_help(self) -> None:
        self.dismiss(None)

    def action_scroll(self, direction: str) -> None:
        scroller = self.query_one("#help-dialog", VerticalScroll)
        if direction == "down":
            scroller.scroll_down()
        else:
            scroller.scroll_up()
