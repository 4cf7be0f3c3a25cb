"""Every command of the reader, declared once.

Each declaration feeds the key bindings (with an ID, so the config file can
rebind it), the footer, the command palette and the help screen. A screen
lists the commands it offers (its BINDINGS and PALETTE); one that needs a
paper is shown as unavailable while there is none.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding


@dataclass(frozen=True, slots=True)
class Command:
    id: str
    key: str
    action: str
    title: str
    help: str
    show: bool = True
    key_display: str | None = None
    # Priority bindings run in the app's own key handler, before the next key
    # is routed: keys typed right after them reach the newly focused widget.
    priority: bool = False
    # Acts on the current paper: unavailable (greyed in the footer and the
    # palette) while no paper is selected.
    needs_paper: bool = False

    def binding(self) -> Binding:
        return Binding(
            self.key,
            self.action,
            self.title,
            show=self.show,
            key_display=self.key_display,
            priority=self.priority,
            id=self.id,
        )


PAPER_COMMANDS: tuple[Command, ...] = (
    Command("star", "s", "toggle_star", "Star", "Star or unstar the paper", needs_paper=True),
    Command("note", "n", "edit_note", "Note", "Write a note on the paper (in the app)", needs_paper=True),
    Command(
        "note_external",
        "E",
        "edit_note_external",
        "Note in $EDITOR",
        "Edit the note in your own editor",
        False,
        needs_paper=True,
    ),
    Command(
        "browser",
        "o",
        "open_browser",
        "Web page",
        "Open the paper's page in your browser (arXiv, else Hugging Face)",
        False,
        needs_paper=True,
    ),
    Command(
        "code", "c", "open_code", "Code", "Open the paper's code repository in your browser", False, needs_paper=True
    ),
    Command("copy", "y", "copy_paper", "Copy", "Copy the title and the page's link", False, needs_paper=True),
    Command("seen", "m", "toggle_seen", "Seen", "Mark the paper seen / not seen", False, needs_paper=True),
    Command("all_seen", "M", "mark_all_seen", "All seen", "Mark every paper of the list seen (asks first)", False),
    Command(
        "undo",
        "u,ctrl+z",
        "undo",
        "Undo",
        "Undo the last star, seen change or note edit, several steps back",
        False,
    ),
)

QUIT = Command("quit", "q", "app.quit", "Quit", "Leave papers (everything is already saved)")

MAIN_COMMANDS: tuple[Command, ...] = (
    Command("search", "slash", "focus_search", "Search", "Go to the search bar", key_display="/", priority=True),
    Command("open", "enter", "open_paper", "Read", "Read the paper full-screen", needs_paper=True),
    *PAPER_COMMANDS,
    Command("filter", "f", "cycle_filter", "Filter", "Put is:starred / has:note / is:unseen in the search bar"),
    Command(
        "day_before",
        "left_square_bracket",
        "step_day(-1)",
        "Day before",
        "The day of dumps before the one shown (from no day: the newest)",
        False,
        key_display="[",
    ),
    Command(
        "day_after",
        "right_square_bracket",
        "step_day(1)",
        "Day after",
        "The day of dumps after the one shown, as date:DAY in the search bar",
        False,
        key_display="]",
    ),
    Command(
        "triage",
        "t",
        "quick_triage",
        "Triage",
        "Quick triage: the list one paper at a time, from the cursor",
        needs_paper=True,
    ),
    Command("sort", "S", "cycle_sort", "Sort", "Sort by relevance / dump date / title / starred time"),
    Command("switch_pane", "tab", "switch_pane", "Pane", "Move between the list and the paper", False),
    Command("toggle_detail", "d", "toggle_detail", "Detail", "Hide or show the paper beside the list"),
    Command("export", "x", "export", "Export", "Export starred papers, results or notes (file or clipboard)"),
    Command("help", "question_mark", "help", "Help", "Keys, commands and the query syntax", key_display="?"),
    QUIT,
)

READING_COMMANDS: tuple[Command, ...] = (
    Command("next_paper", "J", "next_paper", "Next", "Read the next paper in the list"),
    Command("previous_paper", "K", "previous_paper", "Previous", "Read the previous paper in the list"),
    Command("back", "escape", "app.pop_screen", "Back", "Back to the list", key_display="esc"),
)

TRIAGE_COMMANDS: tuple[Command, ...] = (
    Command("keep", "s", "keep", "Keep", "Star the paper and go to the next", needs_paper=True),
    Command("skip", "x", "skip", "Skip", "Mark the paper seen and go to the next", needs_paper=True),
    Command("back_one", "b", "back_one", "Back one", "Back to the paper before (nothing changes)"),
    Command("done", "escape", "done", "Done", "End the triage: a summary, and the list", key_display="esc"),
)

NAVIGATION_HELP: tuple[tuple[str, str], ...] = (
    ("j / k, down / up", "Next / previous paper (or scroll the paper)"),
    ("g / G, home / end", "First / last paper"),
    ("PgUp / PgDn", "A page up / down"),
    ("Esc", "Back: from the search bar or a screen to the list"),
    ("ctrl+p", "Command palette: every command, and the theme"),
    ("mouse", "Click a paper to select it; scroll with the wheel"),
)


def all_commands() -> tuple[Command, ...]:
    return MAIN_COMMANDS + READING_COMMANDS + TRIAGE_COMMANDS


BY_ACTION: dict[str, Command] = {command.action: command for command in all_commands()}
