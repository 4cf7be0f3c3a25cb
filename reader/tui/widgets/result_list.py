"""The result list: a Line-API virtual list that holds only paper IDs.

It renders the visible rows on demand from the rows it was given, so 100,000
results cost what 30 do (docs/architecture.md: OptionList and DataTable take
12 to 16 s to fill 100k rows; this takes ~0.1 s). It never reads the library:
a row it lacks is drawn blank and asked for (RowsWanted, with a screenful
either side), and its owner fetches rows in a worker and hands them in.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rich.cells import set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ..rows import LOADING, Row, row_text


@dataclass(frozen=True, slots=True)
class LineStyles:
    """The styles of a list line's parts."""

    line: Style
    star: Style
    mark: Style
    date: Style
    match: Style


class ResultList(ScrollView, can_focus=True):
    """Paper IDs in order, one line each, with a cursor."""

    BINDINGS = [
        Binding("j,down", "cursor_down", "Down", show=False),
        Binding("k,up", "cursor_up", "Up", show=False),
        Binding("g,home", "first", "First", show=False),
        Binding("G,end", "last", "Last", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("enter", "select", "Read", show=False),
    ]
    COMPONENT_CLASSES = {
        "result-list--cursor",
        "result-list--star",
        "result-list--unseen",
        "result-list--date",
        "result-list--empty",
        "result-list--match",
    }

    cursor: reactive[int] = reactive(0, always_update=True)

    class Highlighted(Message):
        """The cursor moved to a paper (None: the list is empty). `landed`: it
        was put there by new results, not moved by the user."""

        def __init__(self, paper_id: str | None, landed: bool = False) -> None:
            super().__init__()
            self.paper_id = paper_id
            self.landed = landed

    class Selected(Message):
        """The user opened a paper (Enter or a double click)."""

        def __init__(self, paper_id: str) -> None:
            super().__init__()
            self.paper_id = paper_id

    class RowsWanted(Message):
        """Rows to fetch (in a worker) and hand in with `add_rows`."""

        def __init__(self, paper_ids: list[str]) -> None:
            super().__init__()
            self.paper_ids = paper_ids

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.ids: list[str] = []
        self.empty_text = "No papers"
        self._rows: dict[str, Row] = {}
        self._asked: set[str] = set()
        self._landing = False
        self._frame_style: Style | None = None  # the widget's style, while a frame's lines are drawn

    # content -----------------------------------------------------------
    def set_ids(self, ids: Sequence[str], keep: str | None = None, rows: Mapping[str, Row] | None = None) -> None:
        """Show new results, with the rows already fetched for them. If `keep`
        is among them (the same list refreshed) the cursor stays on it and the
        list keeps its scroll position, so papers added above are in view and
        the cursor is scrolled to only if it moved off screen; otherwise the
        list starts at the top."""
        top = int(self.scroll_offset.y)
        self.ids = list(ids)
        self._rows = dict(rows or {})
        self._asked.clear()
        self.virtual_size = Size(self.size.width, len(self.ids))
        kept = keep is not None and keep in self.ids
        self.scroll_to(y=top if kept else 0, animate=False, immediate=True)
        self._landing = True
        self.cursor = self.ids.index(keep) if keep is not None and kept else 0
        self._landing = False
        self.refresh()

    def add_rows(self, rows: Mapping[str, Row], replace: bool = False) -> None:
        """Rows fetched for this list. Without `replace` a row already here
        stays: a slow, older fetch must not undo a newer change."""
        for pid, row in rows.items():
            if replace or pid not in self._rows:
                self._rows[pid] = row
        self._asked.difference_update(rows)
        self.refresh()

    def visible_ids(self) -> list[str]:
        """The IDs on screen now, and a screenful either side."""
        top = int(self.scroll_offset.y)
        height = max(1, self.size.height)
        return self.ids[max(0, top - height) : top + 2 * height]

    @property
    def current(self) -> str | None:
        return self.ids[self.cursor] if 0 <= self.cursor < len(self.ids) else None

    # cursor ------------------------------------------------------------
    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, len(self.ids) - 1)) if self.ids else 0

    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh_line(old)
        self.refresh_line(new)
        self._show_cursor()
        self.post_message(self.Highlighted(self.current, self._landing))

    def _show_cursor(self) -> None:
        """Scroll (as little as needed) to bring the cursor's row into view."""
        if self.ids:
            self.scroll_to_region(Region(0, self.cursor, 1, 1), animate=False, immediate=True, force=True)

    def refresh_line(self, index: int) -> None:
        y = index - int(self.scroll_offset.y)
        if 0 <= y < self.size.height:
            super().refresh_line(y)

    def action_cursor_down(self) -> None:
        self.cursor += 1

    def action_cursor_up(self) -> None:
        self.cursor -= 1

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = len(self.ids) - 1

    def action_page_down(self) -> None:
        self.cursor += max(1, self.size.height - 1)

    def action_page_up(self) -> None:
        self.cursor -= max(1, self.size.height - 1)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return None if action == "select" and self.current is None else True

    def action_select(self) -> None:
        if self.current is not None:
            self.post_message(self.Selected(self.current))

    def on_click(self, event: events.Click) -> None:
        index = event.y + int(self.scroll_offset.y)
        if 0 <= index < len(self.ids):
            self.focus()
            if index == self.cursor and event.chain > 1:
                self.action_select()
            self.cursor = index

    def on_resize(self, _: events.Resize) -> None:
        self.virtual_size = Size(self.size.width, len(self.ids))
        # A smaller window must not leave the chosen paper below its edge.
        self.call_after_refresh(self._show_cursor)

    # rendering ---------------------------------------------------------
    def render_lines(self, crop: Region) -> list[Strip]:
        # The widget's style, worked out once a frame instead of once a row
        # (it walks the ancestors' styles: two thirds of the time of a row).
        self._frame_style = self.rich_style
        try:
            return super().render_lines(crop)
        finally:
            self._frame_style = None

    def _empty_lines(self, width: int) -> list[str]:
        """The empty-list text wrapped to the list's width: each of its lines
        (one thing said each) starts a new line, none is cut at the edge."""
        lines: list[str] = []
        for paragraph in self.empty_text.split("\n"):
            wrapped = textwrap.wrap(paragraph, max(12, width - 4), subsequent_indent="  ", break_on_hyphens=False)
            lines.extend(wrapped or [""])
        return lines

    def _ask_for_rows(self) -> None:
        """Ask once for the missing rows around the screen (one fetch)."""
        wanted = [pid for pid in self.visible_ids() if pid not in self._rows and pid not in self._asked]
        if wanted:
            self._asked.update(wanted)
            self.post_message(self.RowsWanted(wanted))

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        index = y + int(self.scroll_offset.y)
        base = self._frame_style if self._frame_style is not None else self.rich_style
        if not self.ids:
            lines = self._empty_lines(width)
            if 1 <= y <= len(lines):
                style = self.get_component_rich_style("result-list--empty")
                return Strip([Segment(set_cell_size(f"  {lines[y - 1]}", width), style)], width)
            return Strip.blank(width, base)
        if index >= len(self.ids):
            return Strip.blank(width, base)
        pid = self.ids[index]
        row = self._rows.get(pid)
        if row is None:
            self._ask_for_rows()
            row = LOADING
        styles = self.line_styles(base, index == self.cursor, self.has_focus)
        text = row_text(row, width)
        segments = [
            Segment(text.star, styles.star),
            Segment(text.mark, styles.mark),
            Segment(" ", styles.line),
            *_title_segments(text.title, row.matches, text.kept, styles.line, styles.match),
            Segment(text.date, styles.date),
        ]
        return Strip(segments, width).crop(0, width)

    def line_styles(self, base: Style, cursor: bool, focused: bool) -> LineStyles:
        """A line's styles over the widget's `base` style: the cursor's line
        (`cursor`) is drawn in full while the list has focus, by its
        background alone while it has not."""
        line = base
        if cursor:
            style = self.get_component_rich_style("result-list--cursor")
            line = base + style if focused else base + Style(bgcolor=style.bgcolor)
        return LineStyles(
            line,
            line + self.get_component_rich_style("result-list--star", partial=True),
            line + self.get_component_rich_style("result-list--unseen", partial=True),
            line + self.get_component_rich_style("result-list--date", partial=True),
            line + self.get_component_rich_style("result-list--match", partial=True),
        )


def _title_segments(
    title: str, matches: Sequence[tuple[int, int]], kept: int, style: Style, match_style: Style
) -> list[Segment]:
    """The title with the query's words in `match_style`, marked within its
    first `kept` characters (the rest was cut)."""
    segments: list[Segment] = []
    at = 0
    for start, end in sorted(matches):
        start, end = max(start, at), min(end, kept)
        if start >= end:
            continue
        segments.append(Segment(title[at:start], style))
        segments.append(Segment(title[start:end], match_style))
        at = end
    segments.append(Segment(title[at:], style))
    return [segment for segment in segments if segment.text]
