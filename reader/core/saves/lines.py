"""Each save shape's own marks taken off its lines, leaving plain page text.

A reader per shape turns raw lines into `Line`s: the text a person reads on
the page, whether the line was a heading, and the addresses its links
pointed to (from Markdown links, Firefox's ` <URL>` or lynx's numbered
references). Blank lines are kept: they separate paragraphs.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ..text import clean_text

# A line longer than this is not read as a line of a save; it is reported.
MAX_LINE = 100_000


@dataclass(frozen=True, slots=True)
class Line:
    number: int
    text: str  # "" for a blank line
    heading: bool = False
    urls: tuple[str, ...] = ()
    reference: tuple[int, str] | None = None  # lynx's `12. https://…` at the end


_OVERSTRIKE = re.compile(r".\x08")  # `_\bX` (underline) and `X\bX` (bold) from text renderers
_MOJIBAKE = re.compile("[ÂÃâ][\u0080-\u00bf\u2018-\u203a\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u02c6\u02dc]")
_ANGLE_URL = re.compile(r"\s*<((?:https?|ftp|file|mailto):[^<>\s]*)>")
_BARE_URL = re.compile(r"(?:https?://|www\.)\S+")
_IMAGE_WORDS = re.compile(r"(?i)^(?:image|img|inline|button|icon|avatar|logo|thumb|thumbnail|video|svg|picture)\s*\d*$")
_PLACEHOLDER = re.compile(r"\[([^\[\]]{0,60})\]")
_BUTTON = re.compile(r"\((?:BUTTON|IMG|IMAGE)\)", re.I)
_LYNX_MARK = re.compile(r"\[\d{1,5}\]")
_LYNX_REFERENCE = re.compile(r"^\s*(\d{1,5})\.\s+((?:https?|file|ftp|mailto):\S+)\s*$")
_BULLET = re.compile(r"^[*+•◦▪‣-]\s+(?=\S)")
_SYMBOL_BULLET = re.compile(r"^[•◦▪‣]\s+(?=\S)")
_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MD_LINK = re.compile(r"\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
_MD_REF_LINK = re.compile(r"\[((?:[^\[\]]|\[[^\[\]]*\])+)\]\[[^\]]*\]")
_MD_REF_DEF = re.compile(r"^\s{0,3}\[([^\]]+)\]:\s*<?(\S+?)>?(?:\s+\"[^\"]*\")?\s*$")
_MD_EMPHASIS = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1|(?<![\w*])([*_])(?=\S)(.+?)(?<=\S)\3(?![\w*])")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")
_MD_RULE = re.compile(r"^\s{0,3}(?:[-*_]\s*){3,}$")
_HTML_TAG = re.compile(
    r"</?(?:a|abbr|b|br|code|del|details|div|em|font|i|img|ins|kbd|mark|p|picture|s|small|source|span|strong|"
    r"sub|summary|sup|svg|time|u|video)(?:\s[^<>]*)?/?>",
    re.I,
)
_ENTITY = re.compile(r"&(?:#\d{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});")
_H2T_HEADING = re.compile(r"^\s*(\*{2,6})\s+(.*?)(?:\s+\*{2,6})?\s*$")
_H2T_HEADING_END = re.compile(r"^(.*?)\s+\*{2,6}\s*$")
_UNDERSCORED = re.compile(r"(?<!\S)(?![^\s]*(?:://|www\.|@))([^\s_]+(?:_[^\s_]+)+)(?!\S)")
_SETEXT = re.compile(r"^\s*(?:={3,}|-{3,})\s*$")


def fix_mojibake(text: str) -> str:
    """UTF-8 read as Windows-1252 (`Â·`, `â€™`) back to what it was."""
    if not _MOJIBAKE.search(text):
        return text
    try:
        return text.encode("cp1252").decode("utf-8")
    except UnicodeError:
        return text


def _strip_placeholders(text: str) -> str:
    """Image and button placeholders of text renderers (`[image]`, `[]`,
    `[thumb.png]`, `(BUTTON)`, w3m's `[a]name`) taken out."""

    def keep(match: re.Match[str]) -> str:
        inner = match[1].strip()
        if not inner or _IMAGE_WORDS.match(inner) or re.search(r"\.(?:png|jpe?g|gif|svg|webp|avif)$", inner, re.I):
            return " "
        if "'s logo" in inner or inner.endswith(("'s avatar", " avatar")):
            return " "
        # w3m and pandoc glue an image's alt text to the word after it: `[a]akhaliq`.
        end = match.end()
        at_start = not match.string[: match.start()].strip()
        if (
            at_start
            and len(inner) <= 20
            and " " not in inner
            and end < len(match.string)
            and match.string[end].isalnum()
        ):
            return ""
        return match[0]

    return _BUTTON.sub(" ", _PLACEHOLDER.sub(keep, text))


class Cleaner:
    """Plain page text: shared by every text shape. Subclasses add their marks."""

    def __init__(self) -> None:
        self.pending_urls: list[str] = []

    def lines(self, raw: Iterable[tuple[int, str]]) -> Iterator[Line]:
        for number, text in raw:
            yield from self.line(number, text)

    def line(self, number: int, text: str) -> Iterator[Line]:
        if len(text) > MAX_LINE:
            yield Line(number, text)  # the paragraph stage reports it
            return
        text = fix_mojibake(_OVERSTRIKE.sub("", text)) if "\x08" in text else fix_mojibake(text)
        if not text.strip():
            yield Line(number, "")
            return
        original = text
        if "&" in text:
            text = _ENTITY.sub(lambda m: html.unescape(m[0]), text)
        heading, marked, urls = self.marks(text)
        if marked is None:
            return
        text = marked
        stripped = clean_text(_strip_placeholders(text))
        if stripped in ("-", "*", "+", "•", "◦", "o") and original.strip() != stripped:
            return  # a list item that only held an image
        # A bullet, not a dash of prose: indented, or spaced like a list.
        if _SYMBOL_BULLET.match(stripped) or (
            _BULLET.match(stripped) and (original[:1].isspace() or "  " in original[:6])
        ):
            stripped = _BULLET.sub("", stripped)
        text = self.bullet(stripped)
        if not text and not urls:
            return  # a line that only held an image or a button
        yield Line(number, text, heading, tuple(urls))

    def bullet(self, text: str) -> str:
        """A list item's text (only a few shapes mark lists at the margin)."""
        return text

    def marks(self, text: str) -> tuple[bool, str | None, list[str]]:
        """Take this shape's marks off a line: (heading?, text or None to drop, urls)."""
        urls = [m[1] for m in _ANGLE_URL.finditer(text)]
        if urls:
            text = _ANGLE_URL.sub("", text)
        return False, text, urls


class LynxCleaner(Cleaner):
    """`lynx -dump`: `[12]` before link text, `(BUTTON)`, and a numbered
    list of the links' addresses at the end."""

    def marks(self, text: str) -> tuple[bool, str | None, list[str]]:
        reference = _LYNX_REFERENCE.match(text)
        if reference:
            return False, None, []
        heading, cleaned, urls = super().marks(text)
        return heading, _LYNX_MARK.sub("", cleaned or ""), urls

    def line(self, number: int, text: str) -> Iterator[Line]:
        reference = _LYNX_REFERENCE.match(text)
        if reference:
            yield Line(number, "", reference=(int(reference[1]), reference[2]))
            return
        marks = [int(m[1:-1]) for m in _LYNX_MARK.findall(text)]
        for line in super().line(number, text):
            if marks and line.text:
                # The numbers stand in for addresses listed at the end.
                yield Line(line.number, line.text, line.heading, line.urls + tuple(f"lynx:{n}" for n in marks))
            else:
                yield line


class Html2TextCleaner(Cleaner):
    """`html2text`: headings between asterisks, link text with `_` for spaces."""

    def __init__(self) -> None:
        super().__init__()
        self.in_heading = False

    def marks(self, text: str) -> tuple[bool, str | None, list[str]]:
        heading, cleaned, urls = super().marks(text)
        text = cleaned or ""
        match = _H2T_HEADING.match(text)
        if match:
            text = match[2]
            closed = _H2T_HEADING_END.match(match[0].strip()) is not None and match[0].rstrip().endswith("*")
            self.in_heading = not closed
            heading = True
        elif self.in_heading:
            end = _H2T_HEADING_END.match(text)
            heading = True
            if end:
                text = end[1]
                self.in_heading = False
        if " " not in text.strip():
            # Link text: the only place html2text writes `_` for spaces.
            text = _UNDERSCORED.sub(lambda m: m[1].replace("_", " "), text)
        return heading, text, urls


class MarkdownCleaner(Cleaner):
    """Markdown from browser extensions and converters: headings, links and
    images, emphasis, bullets, front matter and block quotes."""

    def bullet(self, text: str) -> str:
        return _BULLET.sub("", text)

    def __init__(self) -> None:
        super().__init__()
        self.carry: tuple[int, str] | None = None  # a line whose link goes on below
        self.front_matter = False
        self.started = False

    def lines(self, raw: Iterable[tuple[int, str]]) -> Iterator[Line]:
        for number, text in raw:
            if self.carry is not None:
                first, held = self.carry
                if not text.strip() or len(held) > MAX_LINE:
                    self.carry = None
                    yield from self.line(first, held)
                    if not text.strip():
                        yield Line(number, "")
                        continue
                else:
                    number, text = first, held + " " + text.strip()
                    self.carry = None
            if text.count("[") > text.count("]") or (text.count("](") and text.count("(") > text.count(")")):
                self.carry = (number, text)  # a link wrapped over lines: join them first
                continue
            yield from self.line(number, text)
        if self.carry is not None:
            yield from self.line(*self.carry)

    def marks(self, text: str) -> tuple[bool, str | None, list[str]]:
        stripped = text.strip()
        if not self.started:
            self.started = True
            if stripped == "---":
                self.front_matter = True
                return False, None, []
        if self.front_matter:
            if stripped in ("---", "..."):
                self.front_matter = False
                return False, None, []
            addresses = _BARE_URL.findall(stripped)
            return False, None if not addresses else "", addresses
        reference = _MD_REF_DEF.match(text)
        if reference:
            return False, None, [reference[2]]
        if _MD_RULE.match(text) or _SETEXT.match(text):
            return False, "", []
        while text.lstrip().startswith(">"):
            text = text.lstrip()[1:]
        heading = False
        match = _MD_HEADING.match(text)
        if match:
            heading, text = True, match[2]
        urls: list[str] = []
        text = _MD_IMAGE.sub(" ", text)

        def link(found: re.Match[str]) -> str:
            urls.append(found[2])
            return found[1]

        text = _MD_LINK.sub(link, text)
        text = _MD_LINK.sub(link, text)  # a link around an image's link: `[![](a)](b)`
        text = _MD_REF_LINK.sub(lambda m: m[1], text)
        text = _HTML_TAG.sub(" ", text)
        text = _MD_EMPHASIS.sub(lambda m: m[2] or m[4] or "", text)
        text = _MD_ESCAPE.sub(r"\1", text)
        _, text_rest, more = super().marks(text)
        return heading, text_rest, urls + more


def detect_shape(head: str) -> str:
    """Name the shape of a text save from its start (by content, not by name)."""
    start = head.lstrip("\ufeff \t\r\n")
    lower = start[:2000].lower()
    if start[:1] in "[{" and re.match(r"^[\[{]\s*[\[{\"\]}]", start):
        return "json"
    if lower.startswith(("<!doctype html", "<html", "<?xml", "<head", "<body", "<meta")) or (
        len(re.findall(r"<(?:div|span|a|p|script|meta|link)\b[^>]*>", head[:20000], re.I)) >= 8
    ):
        return "html"
    if lower.startswith(("mime-version:", "from: <saved by")):
        return "mhtml"
    lines = head.splitlines()
    lynx = sum(1 for line in lines if re.match(r"^\s*(?:[*+o-]\s+)?\[\d{1,5}\]\S", line))
    if lynx >= 3 or "(BUTTON)" in head:
        return "lynx"
    markdown = (
        len(_MD_LINK.findall(head))
        + len(re.findall(r"(?m)^\s{0,3}#{1,6}\s+\S", head))
        + len(_MD_IMAGE.findall(head)) * 2
    )
    if markdown >= 3:
        return "markdown"
    html2text = sum(1 for line in lines if _H2T_HEADING.match(line) and line.rstrip().endswith("*"))
    if html2text >= 2 or (html2text >= 1 and len(_UNDERSCORED.findall(head)) >= 3):
        return "html2text"
    if len(_ANGLE_URL.findall(head)) >= 3:
        return "firefox"
    return "text"


CLEANERS: dict[str, type[Cleaner]] = {
    "lynx": LynxCleaner,
    "html2text": Html2TextCleaner,
    "markdown": MarkdownCleaner,
}


def cleaner_for(shape: str) -> Cleaner:
    return CLEANERS.get(shape, Cleaner)()
