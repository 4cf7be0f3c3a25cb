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

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.style import Style
from textual.widgets import Static

from ...core.library import Library
from ...core.links import urls
from ...core.models import Paper, PaperMeta, UserState
from ...core.search import ParsedQuery
from ...core.text import printable
from ...core.triage import appearance_line

HIT = "bold $text on $warning-muted"


def _highlighted(text: str, spans: Sequence[tuple[int, int]], base: str = "") -> Content:
    content = Content(printable(text))  # one character for one: the spans still fit
    if base:
        content = content.stylize(base)
    for start, end, url in urls(text):
        content = content.stylize(Style(link=url, underline=True), start, end)
    for start, end in spans:
        content = content.stylize(HIT, start, end)
    return content


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
) -> Content:
    """Everything the detail pane shows for one paper."""
    parts: list[Content] = [_highlighted(paper.title, title_spans, "bold $accent"), Content("\n")]
    marks: list[tuple[str, str]] = []
    if state.starred_at:
        marks.append((f"★ starred {state.starred_at.astimezone():%Y-%m-%d}", "bold $warning"))
    else:
        marks.append(("☆ not starred", "$text-muted"))
    marks.append(("seen" if state.seen_at else "● new", "$text-muted" if state.seen_at else "bold $success"))
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
        parts.append(_highlighted(state.note, ()))
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
    return Detail(paper, state, paper_content(paper, state, abstract_spans, title_spans))


class PaperView(VerticalScroll, can_focus=True):
    """A scrollable view of one paper."""

    BINDINGS = [
        Binding("j", "scroll_down", "Down", show=False),
        Binding("k", "scroll_up", "Up", show=False),
        Binding("g", "scroll_home", "Top", show=False),
        Binding("G", "scroll_end", "Bottom", show=False),
    ]

    def compose(self) -> ComposeResult:
        yield Static(Content.styled("No paper selected.", "$text-muted"), id="paper-body")

    def show(self, content: Content, keep_scroll: bool = False) -> None:
        self.query_one("#paper-body", Static).update(content)
        if not keep_scroll:
            self.scroll_home(animate=False)
