"""RIS (Zotero, Mendeley, EndNote, pandoc), written by rispy.

- Lines end in CRLF, as the RIS specification and Zotero's own export do.
- Every value is one line. A line break inside a value is read as a
  continuation by Zotero but rejected by pandoc, and a note line that looks
  like a tag (`ER  - `) would end the record.
- The private note is `N1`, written as the one-line HTML that Zotero keeps
  its notes in (`<p>` paragraphs, `<br/>` line breaks, `&`, `<`, `>`
  escaped): Zotero imports it as a child note that reads as typed, and no
  citation style prints `N1` (pandoc does not even read it).
- The type is `MANSCPT`: RIS has no preprint type, and `GEN` is imported by
  Zotero as a journal article; Zotero and pandoc read `MANSCPT` as a manuscript.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Sequence
from typing import Any

import rispy

from . import ExportItem, Options, file_text, register
from .keys import citation_keys

TYPE = "MANSCPT"
NEWLINE = "\r\n"
_BREAKS = re.compile(r"\s*\n\s*")
_PARAGRAPHS = re.compile(r"\n[ \t]*\n\s*")


class _Writer(rispy.RisWriter):  # type: ignore[misc]
    """RIS without rispy's "1." numbering line before each record (not part
    of RIS; some importers stumble on it), with the specification's CRLF."""

    NEWLINE = NEWLINE

    def set_header(self, count: int) -> str:
        return ""


def one_line(text: str) -> str:
    """A value on one line: line breaks (and the spaces around them) become one space."""
    return _BREAKS.sub(" ", file_text(text).strip())


def note_html(note: str) -> str:
    """A note as Zotero's one-line note HTML."""
    paragraphs = _PARAGRAPHS.split(file_text(note).strip("\n"))
    return "".join("<p>" + html.escape(p, quote=False).replace("\n", "<br/>") + "</p>" for p in paragraphs)


def note_text(value: str) -> str:
    """The note back from `note_html` (what a reader of the file does)."""
    body = value.removeprefix("<p>").removesuffix("</p>")
    return html.unescape(body.replace("</p><p>", "\n\n").replace("<br/>", "\n"))


def _date(day: dt.date) -> str:
    return day.strftime("%Y/%m/%d/")


@register("ris", "ris", "RIS (Zotero, Mendeley, EndNote)")
def render(items: Sequence[ExportItem], options: Options) -> str:
    entries: list[dict[str, Any]] = []
    for item, key in citation_keys(items):
        entry: dict[str, Any] = {"type_of_reference": TYPE, "id": key, "title": one_line(item.paper.title)}
        if item.meta.authors:
            entry["authors"] = [one_line(name) for name in item.meta.authors]
        if item.published:
            entry["year"] = str(item.published.year)
            entry["date"] = _date(item.published)
        elif item.listed:
            # Not the paper's date: the day it was listed, when its link was seen.
            entry["access_date"] = _date(item.listed)
        if item.abstract:
            entry["abstract"] = one_line(item.abstract)
        entry["urls"] = [item.url]
        if item.state.note:
            entry["notes"] = [note_html(item.state.note)]
        entries.append(entry)
    return str(rispy.dumps(entries, implementation=_Writer))
