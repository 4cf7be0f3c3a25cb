"""Parse a saved "Daily Papers" page (a dump) into title + abstract entries.

A dump is read as a stream of lines, so a huge file never sits in memory
whole. Header lines of the page are skipped, a date line dates the dump, and
title and abstract paragraphs are paired. Everything that cannot be used is
reported with file and line; parsing never writes to a dump.
"""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .models import Entry, Problem
from .text import clean_text, paper_id

# Lines of the page copy around the papers, compared without case or spaces.
_HEADER_LINES = frozenset(
    {
        "new",
        "gettrendingpapersinyouremailinbox",
        "subscribe",
        "dailypapers",
        "byakandtheresearchcommunity",
        "byak",
        "andtheresearchcommunity",
        "papers",
        "trending",
        "previous",
        "next",
        "huggingface",
    }
)
# Per-paper page furniture: upvote counts, "Submitted by", author counts.
_NOISE = re.compile(
    r"^(?:\d+|upvote\s*\d*|submitted by\b.*|[·•]?\s*\d+ authors?|published on\b.*)$",
    re.IGNORECASE,
)
_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_MONTH_DAY = re.compile(r"^([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?$")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")

# A line this long is never a soft-wrapped line: the block holds one
# paragraph per line (a save with no blank lines between paragraphs).
_UNWRAPPED_LINE = 200
# Longer than any real abstract: such a paragraph is junk, not a paper.
MAX_PARAGRAPH = 100_000
_TITLE_MAX = 400
_ABSTRACT_MIN = 250


@dataclass(slots=True)
class ParsedDump:
    """The entries of one dump and what was reported while reading it."""

    path: str
    entries: list[Entry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    date: dt.date | None = None
    date_source: str = ""  # "line", "name", "line+mtime", "mtime" or ""
    skipped_lines: int = 0
    encoding: str = "utf-8"
    sha256: str = ""

    @property
    def readable(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)


@dataclass(slots=True)
class _Paragraph:
    text: str
    line: int


def _key(line: str) -> str:
    return re.sub(r"[\W_]+", "", line.casefold())


def parse_date_line(line: str, reference: dt.date) -> tuple[dt.date | None, bool]:
    """Read `Mar 14`, `March 14, 2024` or `2024-03-14`.

    Returns the date and whether the line gave a year. A date without a year
    takes the year of `reference` (the file's time), or the year before when
    that would put the dump in the future.
    """
    text = line.strip()
    iso = _ISO_DATE.fullmatch(text)
    if iso:
        try:
            return dt.date(int(iso[1]), int(iso[2]), int(iso[3])), True
        except ValueError:
            return None, False
    match = _MONTH_DAY.match(text)
    if not match or match[1].casefold() not in _MONTHS:
        return None, False
    month, day = _MONTHS[match[1].casefold()], int(match[2])
    year = int(match[3]) if match[3] else reference.year
    try:
        date = dt.date(year, month, day)
    except ValueError:
        return None, False
    if not match[3] and date > reference + dt.timedelta(days=1):
        try:
            date = date.replace(year=year - 1)
        except ValueError:  # 29 Feb
            return None, False
    return date, bool(match[3])


def _date_from_name(path: Path) -> dt.date | None:
    match = _ISO_DATE.search(path.name)
    if not match:
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


class _LineReader:
    """Decodes a binary stream line by line: UTF-8 first, else Windows-1252."""

    def __init__(self, parsed: ParsedDump) -> None:
        self.parsed = parsed
        self.hasher = hashlib.sha256()

    def lines(self, handle: Iterable[bytes]) -> Iterator[tuple[int, str]]:
        number = 0
        first = True
        for raw in handle:
            self.hasher.update(raw)
            if first:
                raw = raw.removeprefix(codecs.BOM_UTF8)
                first = False
            text = self._decode(raw, number + 1)
            # splitlines also splits lone CRs (old Mac saves) and U+2028.
            for piece in text.splitlines() or [""]:
                number += 1
                yield number, piece

    def _decode(self, raw: bytes, number: int) -> str:
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            pass
        if self.parsed.encoding == "utf-8":
            self.parsed.encoding = "windows-1252"
            self.parsed.problems.append(
                Problem(
                    self.parsed.path,
                    number,
                    "not valid UTF-8 from here on; decoded as Windows-1252",
                )
            )
        try:
            return raw.decode("cp1252")
        except UnicodeDecodeError:
            return raw.decode("latin-1")


def _utf16_lines(path: Path, parsed: ParsedDump) -> Iterator[tuple[int, str]]:
    parsed.encoding = "utf-16"
    hasher = hashlib.sha256()
    with path.open("rb") as raw:
        for chunk in iter(lambda: raw.read(1 << 20), b""):
            hasher.update(chunk)
    parsed.sha256 = hasher.hexdigest()
    with path.open(encoding="utf-16", errors="replace", newline=None) as handle:
        for number, line in enumerate(handle, start=1):
            yield number, line.rstrip("\r\n")


def _sniff(path: Path, parsed: ParsedDump) -> str:
    """Say how to read the file: 'utf16', 'lines', or '' to skip it."""
    with path.open("rb") as handle:
        head = handle.read(8192)
    if not head:
        parsed.problems.append(Problem(parsed.path, 0, "empty file", "error"))
        return ""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf16"
    if b"\x00" in head:
        parsed.problems.append(Problem(parsed.path, 0, "binary file (holds NUL bytes), not a text dump", "error"))
        return ""
    start = head.lstrip(codecs.BOM_UTF8).lstrip().lower()
    if start.startswith((b"<!doctype html", b"<html")):
        parsed.problems.append(
            Problem(
                parsed.path,
                1,
                "an HTML page, not a text dump: save the page as text (.txt)",
                "error",
            )
        )
        return ""
    return "lines"


def _paragraphs(lines: Iterable[tuple[int, str]], parsed: ParsedDump, mtime: dt.date) -> Iterator[_Paragraph]:
    """Group lines into paragraphs, dropping page headers and dating the dump."""
    block: list[tuple[int, str]] = []
    size = 0
    oversized = 0  # line where a too-long block began; its lines are dropped
    line_mode = False  # this block holds one paragraph per line: stream them

    def flush() -> Iterator[_Paragraph]:
        nonlocal size, line_mode
        size = 0
        if block:
            if line_mode:
                for number, text in block:
                    yield _Paragraph(text, number)
            else:
                yield _Paragraph(" ".join(text for _, text in block), block[0][0])
            block.clear()

    for number, raw in lines:
        line = clean_text(raw)
        if not line:
            if oversized:
                parsed.problems.append(
                    Problem(parsed.path, oversized, f"paragraph of over {MAX_PARAGRAPH:,} characters; skipped")
                )
                oversized = 0
            yield from flush()
            line_mode = False
            continue
        if oversized:
            continue
        key = _key(line)
        if key in _HEADER_LINES or _NOISE.match(line):
            parsed.skipped_lines += 1
            continue
        if not block and len(line) < 40:
            date, with_year = parse_date_line(line, mtime)
            if date is not None:
                parsed.skipped_lines += 1
                if parsed.date is None:  # the first date line dates the dump
                    parsed.date = date
                    parsed.date_source = "line" if with_year else "line+mtime"
                continue
        if len(line) > MAX_PARAGRAPH:
            yield from flush()
            parsed.problems.append(
                Problem(parsed.path, number, f"line of {len(line):,} characters is too long for a paper; skipped")
            )
            continue
        block.append((number, line))
        size += len(line)
        if len(line) >= _UNWRAPPED_LINE:
            line_mode = True
        if line_mode:
            yield from flush()
        elif size > MAX_PARAGRAPH:
            # Not a paper: stop holding it in memory, skip to the next blank line.
            oversized = block[0][0]
            block.clear()
    if oversized:
        parsed.problems.append(
            Problem(parsed.path, oversized, f"paragraph of over {MAX_PARAGRAPH:,} characters; skipped")
        )
    yield from flush()


def _looks_like_title(text: str) -> bool:
    return len(text) <= _TITLE_MAX and not (len(text) > 120 and text.endswith("."))


def _looks_like_abstract(text: str) -> bool:
    return len(text) >= _ABSTRACT_MIN or (len(text) > 80 and text.count(". ") >= 1 and text.endswith("."))


def _pair(paragraphs: Iterable[_Paragraph], parsed: ParsedDump) -> None:
    """Pair titles with abstracts; report what cannot be paired."""
    stream = iter(paragraphs)
    pending: _Paragraph | None = None
    current = next(stream, None)
    while current is not None:
        following = next(stream, None)
        if pending is None:
            if _looks_like_title(current.text):
                pending = current
            else:
                parsed.problems.append(Problem(parsed.path, current.line, "paragraph with no title before it; skipped"))
        elif (
            _looks_like_title(current.text)
            and not _looks_like_abstract(current.text)
            and following is not None
            and _looks_like_abstract(following.text)
            and not _looks_like_title(following.text)
        ):
            # Two titles in a row: the first lost its abstract.
            _orphan(pending, parsed)
            pending = current
        else:
            title = pending.text
            if len(title) > MAX_PARAGRAPH or len(current.text) > MAX_PARAGRAPH:
                parsed.problems.append(Problem(parsed.path, pending.line, "entry too long; skipped"))
            else:
                parsed.entries.append(Entry(paper_id(title), title, current.text, pending.line))
            pending = None
        current = following
    if pending is not None:
        _orphan(pending, parsed, at_end=True)


def _orphan(title: _Paragraph, parsed: ParsedDump, at_end: bool = False) -> None:
    where = " at the end of the file" if at_end else ""
    shown = title.text if len(title.text) <= 60 else title.text[:57] + "..."
    parsed.problems.append(Problem(parsed.path, title.line, f"title with no abstract{where}; skipped: {shown!r}"))


def parse_dump(path: Path, display: str | None = None) -> ParsedDump:
    """Read one dump file. Never raises for bad content; I/O errors are reported."""
    parsed = ParsedDump(path=display or str(path))
    try:
        stat = path.stat()
        mtime = dt.datetime.fromtimestamp(stat.st_mtime).date()
        how = _sniff(path, parsed)
        if how == "utf16":
            _pair(_paragraphs(_utf16_lines(path, parsed), parsed, mtime), parsed)
        elif how == "lines":
            reader = _LineReader(parsed)
            with path.open("rb") as handle:
                _pair(_paragraphs(reader.lines(handle), parsed, mtime), parsed)
            parsed.sha256 = reader.hasher.hexdigest()
    except OSError as error:
        parsed.entries.clear()
        parsed.problems.append(Problem(parsed.path, 0, f"cannot read: {error.strerror or error}", "error"))
        return parsed
    named = _date_from_name(path)
    if named is not None and parsed.date_source != "line":
        parsed.date, parsed.date_source = named, "name"
    elif parsed.date is None and parsed.entries:
        # No date anywhere: a page is usually saved on its day.
        parsed.date, parsed.date_source = mtime, "mtime"
    if parsed.readable and not parsed.entries and not any(p.line for p in parsed.problems):
        parsed.problems.append(Problem(parsed.path, 0, "no papers found (only header lines?)"))
    return parsed


def find_dump_files(locations: Iterable[Path]) -> tuple[list[Path], list[Problem]]:
    """Expand files and folders into dump files, in name order, once each.

    Folders are walked recursively following symlinks, but a folder is never
    entered twice (symlink loops). Files named on their own are taken whatever
    their extension; inside folders only `.txt` files are dumps.
    """
    found: list[Path] = []
    problems: list[Problem] = []
    seen_files: set[Path] = set()
    for location in locations:
        if location.is_file():
            resolved = location.resolve()
            if resolved not in seen_files:
                seen_files.add(resolved)
                found.append(location)
            continue
        if not location.is_dir():
            problems.append(Problem(str(location), 0, "no such file or folder", "error"))
            continue
        files, folder_problems = _walk(location)
        problems.extend(folder_problems)
        for file in files:
            resolved = file.resolve()
            if resolved not in seen_files:
                seen_files.add(resolved)
                found.append(file)
    return found, problems


def _walk_folders(root: Path, on_error: Callable[[OSError], None]) -> Iterator[tuple[str, list[str], list[str]]]:
    """os.walk(root, followlinks=True) without recursion: Python 3.11's
    os.walk recurses, so a folder 1,000 deep raised RecursionError. As with
    os.walk, the caller may prune or reorder `dirs` before the next step."""
    stack = [str(root)]
    while stack:
        folder = stack.pop()
        dirs: list[str] = []
        names: list[str] = []
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    try:
                        is_dir = entry.is_dir()  # follows links, like followlinks=True
                    except OSError:
                        is_dir = False
                    (dirs if is_dir else names).append(entry.name)
        except OSError as error:
            on_error(error)
            continue
        yield folder, dirs, names
        stack.extend(os.path.join(folder, name) for name in reversed(dirs))


def _walk(root: Path) -> tuple[list[Path], list[Problem]]:
    files: list[Path] = []
    problems: list[Problem] = []
    ignored: list[str] = []
    visited: set[tuple[int, int]] = set()

    def on_error(error: OSError) -> None:
        problems.append(Problem(str(error.filename or root), 0, f"cannot read folder: {error.strerror}", "error"))

    for folder, dirs, names in _walk_folders(root, on_error):
        try:
            stat = os.stat(folder)
        except OSError:
            dirs[:] = []
            continue
        if (stat.st_dev, stat.st_ino) in visited:
            dirs[:] = []  # a symlink loop or a second link to the same folder
            continue
        visited.add((stat.st_dev, stat.st_ino))
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            if name.startswith("."):
                continue
            path = Path(folder, name)
            if name.lower().endswith(".txt"):
                if path.is_file():
                    files.append(path)
                else:
                    problems.append(Problem(str(path), 0, "not a readable file (broken link?)", "error"))
            else:
                ignored.append(str(path.relative_to(root)))
    if ignored:
        example = ", ".join(ignored[:3]) + (", ..." if len(ignored) > 3 else "")
        problems.append(Problem(str(root), 0, f"ignored {len(ignored)} file(s) that are not .txt: {example}", "info"))
    files.sort(key=lambda p: str(p.relative_to(root)))
    return files, problems
