"""What a line of the paper list shows, and the default view's first lines.

Textual-free on purpose: `papers` paints the first screen from these before
Textual is imported (reader/tui/prepaint.py), and the list draws the same
text from them afterwards (reader/tui/widgets/result_list.py), so the two
agree cell for cell.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len, set_cell_size

from ..core.generations import FirstRow
from ..core.library import Library
from ..core.models import UserState
from ..core.text import printable
from ..core.triage import new_first, new_summary

Spans = tuple[tuple[int, int], ...]

STAR = "★"
UNSEEN = "●"
NEW = "✦"
REPEAT = "↻"
# The default view's first rows offered before the search answers: at least
# this many (or all the papers), up to all the rows the last commit saved.
PREVIEW_ROWS = 24


@dataclass(frozen=True, slots=True)
class Row:
    """What one line of the list shows."""

    title: str
    starred: bool
    seen: bool
    date: str
    new: bool = False  # arrived since the last visit, not decided on
    repeat: bool = False  # listed on more than one day
    matches: Spans = ()  # the query's words in the title (character spans)


LOADING = Row("", False, True, "")  # drawn until the row's fetch comes back


def row_for(title: str, date: str, repeat: bool, state: UserState, unknown: bool, matches: Spans = ()) -> Row:
    """A paper's row; `unknown`: the user has not met it before this visit."""
    decided = state.starred or state.seen_at is not None or bool(state.note)
    return Row(title, state.starred, state.seen_at is not None, date, unknown and not decided, repeat, matches)


@dataclass(frozen=True, slots=True)
class RowText:
    """A row's line cut to a width: its marks, its title and its date."""

    star: str  # one cell
    mark: str  # one cell: new, unseen or blank
    title: str  # exactly the title's cells, "…"-cut if it was longer
    kept: int  # characters of the real title in `title` (not the "…")
    date: str


def row_text(row: Row, width: int) -> RowText:
    """The line of `row` in a list `width` cells wide: star, mark, a space,
    the title, the date (a repeat's ↻ before it)."""
    date = f" {row.date} " if row.date else " "
    if row.repeat:
        date = f" {REPEAT}{date}"
    title_width = max(1, width - 3 - cell_len(date))
    title = row.title
    kept = len(title)
    if cell_len(title) > title_width:
        title = set_cell_size(title, title_width - 1)
        kept = len(title)
        title += "…"
    mark = NEW if row.new else " " if row.seen else UNSEEN
    return RowText(STAR if row.starred else " ", mark, set_cell_size(title, title_width), kept, date)


def one_line(text: str) -> str:
    """Text from a file as one line of cells: controls shown as symbols,
    a tab or a line break as a space (one character for one)."""
    return printable(text).replace("\t", " ").replace("\n", " ")


def first_rows(library: Library, first: Sequence[FirstRow]) -> dict[str, Row]:
    """The list rows of the default view's first papers, from the file the
    last commit wrote and the store (the index is not opened)."""
    paper_ids = [row.paper_id for row in first]
    states = library.states(paper_ids)
    unknown = library.unknown(paper_ids)
    return {
        row.paper_id: row_for(
            one_line(row.title),
            one_line(row.date),
            row.repeat,
            states.get(row.paper_id, UserState(row.paper_id)),
            row.paper_id in unknown,
        )
        for row in first
    }


@dataclass(frozen=True, slots=True)
class FirstScreen:
    """The default view (every paper, new ones first, then newest first) as
    the last commit saved it, with the rows of its first papers."""

    ids: tuple[str, ...]
    total: int
    rows: dict[str, Row]
    summary: str  # what is new, for the status line


def read_first_screen(library: Library) -> FirstScreen | None:
    """The default view without opening the index (reader/core/generations.py);
    None before a first index, or when the new papers on top are not among
    the saved rows (the search will list them)."""
    view = library.first_view()
    if view is None:
        return None
    ids = new_first(view.ids, library.unknown(view.ids))  # as the search orders it
    saved = {row.paper_id: row for row in view.rows}
    first: list[FirstRow] = []
    for pid in ids:
        if pid not in saved:
            break
        first.append(saved[pid])
    if len(first) < min(len(ids), PREVIEW_ROWS):
        return None
    return FirstScreen(ids, view.total, first_rows(library, first), new_summary(library, among=view.ids))
