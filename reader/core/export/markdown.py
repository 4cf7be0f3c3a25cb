"""A Markdown reading list: title, dumps and dates, link, the note."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import PurePath

from . import ExportItem, Options, register

_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~])")


def escape(text: str) -> str:
    """Make title text literal in Markdown (no links, emphasis or headings)."""
    return _SPECIAL.sub(r"\\\1", text)


def _code(text: str) -> str:
    return "`" + text.replace("`", "'") + "`"


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
    lines = [f"{heading} [{escape(paper.title)}]({item.url})", ""]
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
    return lines
