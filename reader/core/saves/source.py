"""Bytes to lines: sniff what a file is, decode it line by line.

A save is read as a stream of lines, so a huge file never sits in memory
whole. UTF-8 is tried first, then Windows-1252; UTF-16 needs its BOM.
"""

from __future__ import annotations

import codecs
import hashlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from .result import ParsedDump

HEAD_BYTES = 65536

# Starts of files that are certainly not a text save, and what to call them.
_NOT_TEXT = (
    (b"%PDF", "a PDF file, not a saved page: save the page as text or use the JSON API"),
    (b"{\\rtf", "an RTF document, not a saved page: save the page as plain text"),
    (b"PK\x03\x04", "a ZIP archive (or a Word/OpenDocument file), not a saved page"),
    (b"bplist", "a Safari web archive, not a saved page: save the page as text"),
)


def sniff(path: Path, parsed: ParsedDump) -> tuple[str, str]:
    """Say how to decode the file ('utf16', 'lines' or '' to skip it) and
    return the decoded start of the file for format detection."""
    with path.open("rb") as handle:
        head = handle.read(HEAD_BYTES)
    if not head:
        parsed.report(0, "empty file", "error")
        return "", ""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf16", head.decode("utf-16", errors="replace")
    for magic, message in _NOT_TEXT:
        if head.startswith(magic):
            parsed.report(0, message, "error")
            return "", ""
    if b"\x00" in head:
        parsed.report(0, "binary file (holds NUL bytes), not a text save", "error")
        return "", ""
    text = head.removeprefix(codecs.BOM_UTF8).decode("utf-8", errors="replace")
    return "lines", text


class LineReader:
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
            self.parsed.report(number, "not valid UTF-8 from here on; decoded as Windows-1252")
        try:
            return raw.decode("cp1252")
        except UnicodeDecodeError:
            return raw.decode("latin-1")


def utf16_lines(path: Path, parsed: ParsedDump) -> Iterator[tuple[int, str]]:
    parsed.encoding = "utf-16"
    hasher = hashlib.sha256()
    with path.open("rb") as raw:
        for chunk in iter(lambda: raw.read(1 << 20), b""):
            hasher.update(chunk)
    parsed.sha256 = hasher.hexdigest()
    with path.open(encoding="utf-16", errors="replace", newline=None) as handle:
        for number, line in enumerate(handle, start=1):
            yield number, line.rstrip("\r\n")
