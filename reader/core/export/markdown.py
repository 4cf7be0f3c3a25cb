"""A Markdown reading list: title, authors, dates, link, the note.

Text from outside renders as typed in CommonMark, GitHub and pandoc's
Markdown: what would start a heading, list, quote, table, code, HTML, a link,
math, a citation or emphasis is backslash-escaped, and nothing else, so
titles stay readable (`Cache-Craft`, not `Cache\\-Craft`). A note is a quote
whose lines keep their breaks; it can never add a heading or live HTML.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import PurePath

from . import ExportItem, Options, file_text, register

# Anywhere in a line: code, emphasis (`_` only where it is not inside a word),
# HTML and autolinks, pandoc's math, super/subscript and strikeout, entities,
# pandoc citations, and a `]` that would start a link's target or a span.
_INLINE = re.compile(r"[\\`*$^~<]|(?<![^\W_])_|_(?![^\W_])|&(?=#?[0-9A-Za-z]+;)|(?<![0-9A-Za-z])@|\](?=[(\[:{])")
# Inside a link's text every bracket counts.
_LINK_TEXT = re.compile(_INLINE.pattern + r"|[\[\]]")
# At the start of a line: headings, quotes, lists, setext and table rules,
# pandoc's definition lists, fenced divs, line blocks and grid tables.
_LINE_START = re.compile(r"^([#>+\-=:|])")
# Ordered-list markers, pandoc's too (`1.`, `a)`, `iv.`, `(b)`, `#.`).
_ORDERED = re.compile(r"^(\(?)([0-9]{1,9}|[A-Za-z]|[IVXLCDMivxlcdm]{1,8}|#)([.)])(?=\s|$)")
_INDENT = re.compile(r"^[ \t]+")
_SPACES = re.compile(r"  +")
_BLANK_LINES = re.compile(r"\n[ \t]*(?:\n[ \t]*)+")


def escape(text: str) -> str:
    """Make inline text literal (no links, emphasis, HTML or math)."""
    return _INLINE.sub(lambda m: "\\" + m.group(), text)


def _link_text(text: str) -> str:
    return _LINK_TEXT.sub(lambda m: "\\" + m.group(), file_text(text).replace("\n", " "))


def _escape_line(line: str) -> str:
    ordered = _ORDERED.match(line)
    if ordered:
        opening, marker, close = ordered.groups()
        return ("\\(" if opening else "") + escape(marker) + "\\" + close + escape(line[ordered.end() :])
    indent = _INDENT.match(line)
    lead = ""
    if indent:
        # Leading spaces would make a code block: keep them visible as no-break spaces.
        lead = "&nbsp;" * len(indent.group().expandtabs(4))
        line = line[indent.end() :]
    escaped = _LINE_START.sub(r"\\\1", escape(line))
    # Runs of spaces would render as one: keep them as no-break spaces.
    return lead + _SPACES.sub(lambda m: " " + "&nbsp;" * (len(m.group()) - 1), escaped)


def quote_block(text: str) -> list[str]:
    """A note as a Markdown quote that renders as typed: each line break kept
    (a backslash at the end of the line), runs of blank lines made one."""
    paragraphs = _BLANK_LINES.split(file_text(text).strip("\n"))
    lines: list[str] = []
    for number, paragraph in enumerate(paragraphs):
        if number:
            lines.append(">")
        rows = [_escape_line(row) for row in paragraph.split("\n")]
        lines.extend(f"> {row}\\" if i < len(rows) - 1 else f"> {row}" for i, row in enumerate(rows))
    return lines


def _code(text: str) -> str:
    return "`" + file_text(text).replace("`", "'").replace("\n", " ") + "`"


def _link(text: str, url: str) -> str:
    """An inline link; the destination in angle brackets, which may hold any
    character but these three."""
    destination = url.replace("<", "%3C").replace(">", "%3E").replace("\n", "%0A")
    return f"[{_link_text(text)}](<{destination}>)"


@register("markdown", "md", "Markdown reading list")
def render(items: Sequence[ExportItem], options: Options) -> str:
    lines = ["# Reading list", "", f"{len(items)} papers.", ""]
    if not options.group_by_date:
        for item in items:
            lines.extend(_entry(item, "##"))
        return "\n".join(lines)
    groups: dict[str, list[ExportItem]] = {}
    for item in items:
        groups.setdefault(item.date.isoformat() if item.date else "Undated", []).append(item)
    for day in sorted(groups, key=lambda d: (d != "Undated", d), reverse=True):
        lines.extend([f"## {day}", ""])
        for item in groups[day]:
            lines.extend(_entry(item, "###"))
    return "\n".join(lines)


def _entry(item: ExportItem, heading: str) -> list[str]:
    paper = item.paper
    meta = item.meta
    lines = [f"{heading} {_link(paper.title, item.url)}", ""]
    if meta.authors:
        more = " and others" if meta.author_count and meta.author_count > len(meta.authors) else ""
        lines.append(f"- Authors: {escape(file_text(', '.join(meta.authors)))}{more}")
    if item.published:
        lines.append(f"- Published: {item.published.isoformat()}")
    if meta.arxiv_id:
        lines.append(f"- arXiv: {_link(meta.arxiv_id, meta.arxiv_url)}")
    if paper.dumps:
        seen_in = ", ".join(
            f"{d.date.isoformat() if d.date else 'undated'} ({_code(PurePath(d.path).name)})" for d in paper.dumps
        )
        lines.append(f"- Listed in Daily Papers: {seen_in}")
    else:
        lines.append("- Listed in Daily Papers: in no dump any more")
    if item.state.starred_at:
        lines.append(f"- Starred: {item.state.starred_at.date().isoformat()}")
    lines.append(f"- ID: `{paper.id}`")
    if item.state.note:
        lines.append("")
        lines.extend(quote_block(item.state.note))
    lines.append("")
    return lines
