"""The file a note is edited in with $EDITOR: named after the paper, its
first line a comment with the title that is not saved into the note."""

from __future__ import annotations

import re

from .text import printable

HEADER_START = "<!-- papers: "
HEADER_END = " -->"


def note_file_name(title: str) -> str:
    """A file name part from a title: its words, lower case, joined by dashes."""
    slug = ""
    for word in re.findall(r"[^\W_]+", title.casefold()):
        if len(slug) + len(word) > 60:
            break
        slug = f"{slug}-{word}" if slug else word
    return f"note-{slug}" if slug else "note"


def with_header(title: str, note: str) -> str:
    """The note as the editor shows it: a comment line naming the paper first."""
    shown = " ".join(printable(title).split()).replace("--", "–")
    return f"{HEADER_START}the note on “{shown}”; this line is not saved{HEADER_END}\n{note}"


def without_header(text: str) -> str:
    """The edited text without the comment line (if the user left it)."""
    first, newline, rest = text.partition("\n")
    if first.startswith(HEADER_START) and first.rstrip().endswith(HEADER_END.strip()):
        return rest
    return text
