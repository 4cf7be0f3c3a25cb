"""Reading exports back as a user's tool shows them, and the normalisations
that are documented (README, "Export") rather than bugs."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from bibtexparser.middlewares import LatexDecodingMiddleware  # noqa: F401  (re-exported)

from reader.core.export.ris import note_text as ris_note_text  # noqa: F401  (re-exported)

# Quotes as pandoc typesets them when it reads BibTeX (as LaTeX) or CSL-JSON
# (as CSL rich text). The exporter keeps `--` and pairs such as ``` `` ```
# apart, so only single quotes change.
_LATEX_QUOTES = [("`", "\u2018"), ("'", "\u2019")]
# pandoc's `smart` Markdown extension.
_SMART = {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "--", "\u2014": "---", "\u2026": "..."}


def typeset_quotes(text: str) -> str:
    """What pandoc makes of plain single quotes in BibTeX and CSL-JSON titles."""
    for plain, typeset in _LATEX_QUOTES:
        text = text.replace(plain, typeset)
    return text


def unsmart(text: str) -> str:
    """Typographic quotes, dashes and ellipses back to what was typed."""
    return "".join(_SMART.get(char, char) for char in text)


def decoded(text: str) -> str:
    """pylatexenc writes \\textasciicircum as U+02C6 (a modifier letter), not ^."""
    return text.replace("\u02c6", "^")


def blank_lines_merged(note: str) -> str:
    """Runs of blank lines become one; blank lines at either end go (Markdown, RIS)."""
    return re.sub(r"\n[ \t]*(\n[ \t]*)+", "\n\n", note.replace("\r\n", "\n")).strip("\n")


class _Html(HTMLParser):
    """The text of each heading and quote in rendered HTML, and every tag seen."""

    def __init__(self, heading: str) -> None:
        super().__init__(convert_charrefs=True)
        self.heading = heading
        self.tags: set[str] = set()
        self.comments: list[str] = []
        self.headings: list[str] = []
        self.quotes: list[str] = []
        self._in_heading = False
        self._quote_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        if tag == self.heading:
            self._in_heading = True
            self.headings.append("")
        elif tag == "blockquote":
            if not self._quote_depth:
                self.quotes.append("")
            self._quote_depth += 1
        elif tag == "br" and self._quote_depth:
            self.quotes[-1] += "\n"
        elif tag == "p" and self._quote_depth and self.quotes[-1]:
            self.quotes[-1] += "\n\n"

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == self.heading:
            self._in_heading = False
        elif tag == "blockquote":
            self._quote_depth -= 1

    def handle_data(self, data: str) -> None:
        if self._in_heading:
            self.headings[-1] += data
        elif self._quote_depth:
            # A line end in the HTML source is not a line break (render with --wrap=none).
            self.quotes[-1] += data.replace("\n", "")

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)


def read_html(page: str, heading: str = "h2") -> _Html:
    parser = _Html(heading)
    parser.feed(page)
    parser.close()
    return parser


def quote_text(rendered: str) -> str:
    """A rendered note as a reader sees it; kept spaces (no-break spaces) as
    spaces, and no spaces at the ends of lines, where nobody sees them."""
    lines = rendered.strip(" \n").replace("\u00a0", " ").split("\n")
    return "\n".join(line.rstrip(" ") for line in lines)


def trailing_spaces_dropped(note: str) -> str:
    return "\n".join(line.rstrip(" ") for line in note.split("\n"))
