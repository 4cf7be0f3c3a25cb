"""Read a saved "Daily Papers" page, whatever way it was saved.

`parse_dump` sniffs the file, names its shape by content (not by name) and
hands it to that shape's reader: the JSON API, Markdown, a text browser's
render (lynx, w3m, Firefox, html2text, pandoc), or a plain page copy. Every
text shape ends in the same card reader. Whatever cannot be used is
reported with file and line; reading never writes to a save.
"""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
from pathlib import Path

from .cards import MAX_PARAGRAPH, CardReader
from .dates import date_from_name, parse_date_line
from .files import SAVE_SUFFIXES, find_dump_files
from .jsonapi import MAX_JSON_BYTES, read_json
from .lines import cleaner_for, detect_shape
from .result import ParsedDump
from .source import LineReader, sniff, utf16_lines

__all__ = [
    "MAX_PARAGRAPH",
    "SAVE_SUFFIXES",
    "ParsedDump",
    "find_dump_files",
    "parse_date_line",
    "parse_dump",
]

_NOT_A_SAVE = {
    "html": "HTML: save the page as text (this is an HTML page, not a text save), or save the JSON API's answer",
    "mhtml": "a web archive (MHTML): save the page as text, or save the JSON API's answer",
}
_MTIME_SOURCES = ("line+mtime", "label+mtime", "published+mtime", "mtime", "")


def parse_dump(path: Path, display: str | None = None) -> ParsedDump:
    """Read one save. Never raises for bad content; I/O errors are reported."""
    parsed = ParsedDump(path=display or str(path))
    try:
        stat = path.stat()
        mtime = dt.datetime.fromtimestamp(stat.st_mtime).date()
        how, head = sniff(path, parsed)
        if how:
            _read(path, parsed, how, head, mtime)
    except OSError as error:
        parsed.entries.clear()
        parsed.report(0, f"cannot read: {error.strerror or error}", "error")
        return parsed
    _date(path, parsed, mtime)
    if parsed.readable and not parsed.entries and not any(p.line for p in parsed.problems):
        if parsed.shape == "json":
            parsed.report(0, "no papers found: the JSON holds no paper items")
        elif parsed.skipped_lines:
            parsed.report(0, "no papers found (only the page's header and menus?)")
        else:
            parsed.report(0, "no papers found: this does not look like a saved Daily Papers page")
    return parsed


def _read(path: Path, parsed: ParsedDump, how: str, head: str, mtime: dt.date) -> None:
    shape = detect_shape(head)
    parsed.shape = shape
    if shape in _NOT_A_SAVE:
        parsed.report(1, _NOT_A_SAVE[shape], "error")
        return
    if shape == "json":
        if stat_size(path) > MAX_JSON_BYTES:
            read_json(path, parsed)
            return
        raw = path.read_bytes()
        parsed.sha256 = hashlib.sha256(raw).hexdigest()
        if how == "utf16":
            parsed.encoding = "utf-16"
            text = raw.decode("utf-16", errors="replace")
        else:
            text = raw.removeprefix(codecs.BOM_UTF8).decode("utf-8", errors="replace")
        read_json(path, parsed, text)
        return
    reader = CardReader(parsed, mtime)
    cleaner = cleaner_for(shape)
    if how == "utf16":
        reader.feed(cleaner.lines(utf16_lines(path, parsed)))
    else:
        decoder = LineReader(parsed)
        with path.open("rb") as handle:
            reader.feed(cleaner.lines(decoder.lines(handle)))
        parsed.sha256 = decoder.hasher.hexdigest()
    reader.finish()
    parsed.summarise_counts(
        {
            "orphan": "paragraphs with no title before them",
            "junk": "lines that cannot be titles",
            "short": "texts too short for an abstract",
            "title-only": "titles with no abstract",
        }
    )


def stat_size(path: Path) -> int:
    return path.stat().st_size


def _date(path: Path, parsed: ParsedDump, mtime: dt.date) -> None:
    named = date_from_name(path.name)
    if named is not None and parsed.date_source in _MTIME_SOURCES:
        parsed.date, parsed.date_source = named, "name"
    elif parsed.date is None and parsed.entries:
        # No date anywhere: a page is usually saved on its day.
        parsed.date, parsed.date_source = mtime, "mtime"
        parsed.report(0, f"no date on the page: dated {mtime.isoformat()} by the file's time", "info")
