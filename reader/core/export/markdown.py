"""A Markdown reading list: title, dumps and dates, link, the note."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import PurePath

from . import ExportItem, register

_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~])")


def escape(text: str) -> str:
    """Make title text literal in Markdown (no links, emphasis or headings)."""
    return _SPECIAL.sub(r"\\\1", text)


def _code(text: str) -> str:
    return "`" + text.replace("`", "'") + "`"


@register("markdown", "md", "Markdown reading list")
def render(items: Sequence[ExportItem]) -> str:
    lines = ["# Reading list", "", f"{len(items)} papers.", ""]
    for item in items:
        paper = item.paper
        lines.append(f"## [{escape(paper.title)}]({item.url})")
        lines.append("")
        if paper.dumps:
            seen_in = ", ".join(
                f"{d.date.isoformat() if d.date else 'undated'} ({_code(PurePath(d.path).name)})" for d in paper.dumps
            )
            lines.append(f"- In dumps: {seen_in}")
        else:
            lines.append("- In dumps: none any more (its abstract is not available)")
        if item.state.starred_at:
            lines.append(f"- Starred: {item.state.starred_at.date().isoformat()}")
        lines.append(f"- ID: `{paper.id}`")
        if item.state.note:
            lines.append("")
            lines.extend("> " + line if line else ">" for line in item.state.note.splitlines())
        lines.append("")
    return "\n".join(lines)
