"""The detail pane: one paper, with the query's terms highlighted.

Text from dumps and notes is data: it goes into `Content` objects as plain
text (never parsed as markup), so `[bold]` or `[/]` shows as typed, and
through `printable()`, so an escape sequence in a file name, a note or a
restored title shows as symbols instead of reaching the terminal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content, Span
from textual.style import Style
from textual.widgets import Static

from ...core.library import Library
from ...core.links import urls
from ...core.models import Paper, PaperMeta, UserState
from ...core.text import printable
from ...core.triage import appearance_line

if TYPE_CHECKING:
    from ...core.search import ParsedQuery  # Whoosh loads after the first screen (reader/core/library.py)

HIT = "bold $text on $warning-muted"


def _highlighted(text: str, spans: Sequence[tuple[int, int]], base: str = "") -> Content:
    # All spans at once: one stylize() per link copies the content each time,
    # which for a long note with thousands of links takes seconds.
    styles: list[Span] = [Span(0, len(text), base)] if base else []
    styles += [Span(start, end, Style(link=url, underline=True)) for start, end, url in urls(text)]
    styles += [Span(start, end, HIT) for start, end in spans]
    return Content(printable(text), styles)  # one character for one: the spans still fit


def meta_lines(meta: PaperMeta) -> list[str]:
    """What the saves told about the paper, a few short lines (none for the bare samples)."""
    lines: list[str] = []
    if meta.authors:
        shown = ", ".join(meta.authors[:8]) + (f" and {len(meta.authors) - 8} more" if len(meta.authors) > 8 else "")
        lines.append(shown)
    elif meta.author_count:
        lines.append(f"{meta.author_count} authors")
    facts = []
    if meta.organization:
        facts.append(meta.organization)
    if meta.published:
        facts.append(f"published {meta.published.isoformat()}")
    if meta.upvotes is not None:
        facts.append(f"▲ {meta.upvotes}")
    if meta.comments:
        facts.append(f"{meta.comments} comments")
    if meta.submitted_by:
        facts.append(f"submitted by {meta.submitted_by}")
    if facts:
        lines.append("  ·  ".join(facts))
    links = [link for link in (meta.arxiv_url, meta.github, meta.project_page) if link]
    if links:
        lines.append("  ".join(links))
    if meta.summary:
        lines.append(f"Summary: {meta.summary}")
    return [printable(line) for line in lines]


def paper_content(
    paper: Paper,
    state: UserState,
    abstract_spans: Sequence[tuple[int, int]] = (),
    title_spans: Sequence[tuple[int, int]] = (),
    note_spans: Sequence[tuple[int, int]] = (),
) -> Content:
    """Everything the detail pane shows for one paper."""
    parts: list[Content] = [_highlighted(paper.title, title_spans, "bold $accent"), Content("\n")]
    marks: list[tuple[str, str]] = []
    if state.starred_at:
        marks.append((f"★ starred {state.starred_at.astimezone():%Y-%m-%d}", "bold $warning"))
    else:
        marks.append(("☆ not starred", "$text-muted"))
    marks.append(("seen" if state.seen_at else "● not seen", "$text-muted" if state.seen_at else "bold $success"))
    marks.append((f"ID {printable(paper.id)}", "$text-muted"))
    parts.append(Content("  ·  ").join(Content.styled(text, style) for text, style in marks))
    parts.append(Content("\n"))
    details = meta_lines(paper.meta)
    if details:
        parts.append(Content.styled("\n".join(details) + "\n", "$text-muted"))
    seen_days = appearance_line(paper)
    if seen_days:
        parts.append(Content.styled(seen_days + "\n", "$text-muted"))
    for dump in paper.dumps:
        when = dump.date.isoformat() if dump.date else "undated"
        parts.append(Content.styled(f"in {when}  {printable(PurePath(dump.path).name)}\n", "$text-muted"))
    parts.append(Content("\n"))
    if paper.abstract:
        parts.append(_highlighted(paper.abstract, abstract_spans))
    elif paper.dumps:
        parts.append(Content.styled("Its saves hold no abstract (a title-only page).", "italic $text-muted"))
    else:
        parts.append(Content.styled("Its dumps are gone: the abstract is not available.", "italic $text-muted"))
    parts.append(Content("\n\n"))
    if state.note:
        updated = f" (updated {state.note_updated_at.astimezone():%Y-%m-%d %H:%M})" if state.note_updated_at else ""
        parts.append(Content.styled(f"── Note{updated} ──\n", "bold $secondary"))
        parts.append(_highlighted(state.note, note_spans))
    else:
        parts.append(Content.styled("No note: press n to write one.", "$text-muted"))
    return Content.assemble(*parts)


@dataclass(frozen=True, slots=True)
class Detail:
    """One paper as the detail pane shows it, read in a worker."""

    paper: Paper
    state: UserState
    content: Content


def read_detail(library: Library, paper_id: str, parsed: ParsedQuery | None) -> Detail:
    """Read a paper and the user's state of it, and lay it out (worker side:
    it reads the index and the store). Raises PapersError."""
    paper = library.paper(paper_id)
    state = library.state(paper_id)
    abstract_spans = library.highlights(paper.abstract, parsed) if parsed else []
    title_spans = library.highlights(paper.title, parsed, "title") if parsed else []
    note_spans = library.note_highlights(state.note, parsed) if parsed and state.note else []
    return Detail(paper, state, paper_content(paper, state, abstract_spans, title_spans, note_spans))


CHUNK = 16_000  # characters laid out at a time: ~0.1 s of the UI thread at most


def chunks(content: Content, size: int = CHUNK) -> list[Content]:
    """The content in pieces of about `size` characters, cut at line ends
    (the newline between two pieces is dropped: each piece is its own block)."""
    plain = content.plain
    cuts: list[int] = []
    start = size
    while start < len(plain):
        end = plain.find("\n", start)
        if end < 0:
            break
        cuts += [end, end + 1]
        start = end + 1 + size
    if not cuts:
        return [content]
    return content.divide(cuts)[::2]


class PaperView(VerticalScroll, can_focus=True):
    """A scrollable view of one paper.

    Long text (a note of a megabyte) is laid out a piece at a time, as the
    reader scrolls towards its end: showing a paper never holds up the keys.
    Every scroll key moves at once (no animation), so a burst of ten `j`
    scrolls ten lines, as the list moves ten rows.
    """

    BINDINGS = [
        Binding("j,down", "lines(1)", "Down", show=False),
        Binding("k,up", "lines(-1)", "Up", show=False),
        Binding("pagedown,space", "pages(1)", "Page down", show=False),
        Binding("pageup", "pages(-1)", "Page up", show=False),
        Binding("g,home", "top", "Top", show=False),
        Binding("G,end", "bottom", "Bottom", show=False),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._pending: list[Content] = []  # pieces not laid out yet
        self._more_shown = 0

    def compose(self) -> ComposeResult:
        yield Static(Content.styled("No paper selected.", "$text-muted"), id="paper-body")

    def show(self, content: Content, keep_scroll: bool = False) -> None:
        pieces = chunks(content)
        self.query_one("#paper-body", Static).update(pieces[0])
        self.query(".paper-more").remove()
        self._pending = pieces[1:]
        # Redrawn in place (a star, a note): as many pieces as were shown.
        wanted, self._more_shown = (self._more_shown if keep_scroll else 0), 0
        self._show_more(wanted)
        if not keep_scroll:
            self.scroll_to(y=0, animate=False, immediate=True)
        self.call_after_refresh(self._near_the_end)

    def _show_more(self, count: int = 1) -> None:
        pieces, self._pending = self._pending[:count], self._pending[count:]
        if pieces:
            self._more_shown += len(pieces)
            self.mount_all(Static(piece, classes="paper-more") for piece in pieces)

    def _near_the_end(self) -> None:
        if self._pending and self.scroll_y >= self.max_scroll_y - 2 * self.size.height:
            self._show_more()

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        self._near_the_end()

    def action_lines(self, count: int) -> None:
        self.scroll_to(y=self.scroll_target_y + count, animate=False, immediate=True)

    def action_pages(self, count: int) -> None:
        self.action_lines(count * max(1, self.scrollable_content_region.height - 1))

    def action_top(self) -> None:
        self.scroll_to(y=0, animate=False, immediate=True)

    def action_bottom(self) -> None:
        self._show_more(len(self._pending))  # the end was asked for: all of it
        self.call_after_refresh(lambda: self.scroll_to(y=self.max_scroll_y, animate=False, immediate=True))
