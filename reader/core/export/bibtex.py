"""BibTeX `@misc` entries (arXiv's own shape), written by bibtexparser.

Every field is valid for BibTeX, biber and Zotero's importer:
- LaTeX's special characters are encoded by pylatexenc; other Unicode stays
  UTF-8, which biber, BibLaTeX and reference managers read.
- A brace is `\\{`/`\\}` when it has a partner in the text; a lone one gets an
  invisible partner (`{\\{\\vphantom{\\}}}`, Zotero's way), because BibTeX counts
  every brace, escaped or not, and one unbalanced brace breaks the entry.
- Title words with capitals are protected with braces, as Zotero does, so a
  style's sentence case keeps `{NVIDIA}`, `{vAttention}` and `R\\&{D}`.
- The private note is `annote`: Zotero and JabRef import it as a note, and the
  standard BibTeX and BibLaTeX styles do not print it (`note` is printed).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from urllib.parse import quote

import bibtexparser
from bibtexparser import model
from pylatexenc.latexencode import RULE_DICT, UnicodeToLatexConversionRule, UnicodeToLatexEncoder

from . import ExportItem, Options, file_text, register
from .keys import ascii_text, citation_keys

# Braces are left to `_encode_span`, which knows whether each one has a partner.
_SPECIALS = {
    ord("\\"): r"\textbackslash{}",
    ord("%"): r"\%",
    ord("&"): r"\&",
    ord("#"): r"\#",
    ord("_"): r"\_",
    ord("$"): r"\$",
    ord("~"): r"\textasciitilde{}",
    ord("^"): r"\textasciicircum{}",
}
_ENCODER = UnicodeToLatexEncoder(
    conversion_rules=[UnicodeToLatexConversionRule(RULE_DICT, _SPECIALS)],
    unknown_char_policy="keep",
    unknown_char_warning=False,
    replacement_latex_protection="none",
)
# In a group of its own: pandoc would take a word in braces right after
# `\vphantom{...}` for one more argument and drop it.
_LONE_OPEN = r"{\{\vphantom{\}}}"
_LONE_CLOSE = r"{\vphantom{\{}\}}"
# Pairs that TeX typesets as one glyph (`--` as a dash, ``` `` ``` as a quote,
# `!``, `<<` ...); an empty group between them keeps the two characters.
_LIGATURE = re.compile(r"(-(?=-)|`(?=`)|'(?=')|[!?](?=`)|<(?=<)|>(?=>)|,(?=,))")
_WORD = re.compile(r"[^\W_]+")
# Where sentence case starts a new sentence: after a colon, ? or ! (and spaces).
_SENTENCE_END = re.compile(r"[:?!]\s*\W*$")
_AND = re.compile(r"\band\b", re.IGNORECASE)
_URL_SAFE = "".join(chr(c) for c in range(33, 127) if chr(c) not in "{}\\")
SOURCE = "Hugging Face Daily Papers"


def _partnered(text: str) -> set[int]:
    """Positions of the braces in `text` that close or are closed by another."""
    opened: list[int] = []
    paired: set[int] = set()
    for position, char in enumerate(text):
        if char == "{":
            opened.append(position)
        elif char == "}" and opened:
            paired.update((opened.pop(), position))
    return paired


def encode(text: str) -> str:
    """Plain text as a BibTeX field's LaTeX, with balanced braces."""
    return _encode_span(text, 0, len(text), _partnered(text))


def _encode_span(text: str, start: int, end: int, paired: set[int]) -> str:
    """`text[start:end]` encoded; `paired` holds the braces (positions in all
    of `text`) that have a partner."""
    out: list[str] = []
    run = start  # the start of the text since the last brace
    for position in range(start, end):
        char = text[position]
        if char in "{}":
            out.append(_encode_run(text[run:position]))
            if position in paired:
                out.append("\\" + char)
            else:
                out.append(_LONE_OPEN if char == "{" else _LONE_CLOSE)
            run = position + 1
    out.append(_encode_run(text[run:end]))
    return "".join(out)


def _encode_run(text: str) -> str:
    """Text without braces: specials by pylatexenc, ligatures broken."""
    return _LIGATURE.sub(r"\1{}", str(_ENCODER.unicode_to_latex(text)))


def title_latex(title: str) -> str:
    """The title encoded, each word with a capital in braces (Zotero's rule:
    the first word too, unless only its first letter is a capital). A word in
    lower case that starts the title or follows a colon is protected as well:
    sentence case (pandoc's, BibLaTeX's) would capitalise it."""
    paired = _partnered(title)
    out: list[str] = []
    position = 0
    for match in _WORD.finditer(title):
        word = match.group()
        out.append(_encode_span(title, position, match.start(), paired))
        capitals = [char.isupper() for char in word]
        if position == 0:
            protect = any(capitals[1:]) or word[0].islower()
        else:
            starts = _SENTENCE_END.search(title, 0, match.start()) is not None
            protect = any(capitals) or (starts and word[0].islower())
        out.append(f"{{{word}}}" if protect else word)
        position = match.end()
    out.append(_encode_span(title, position, len(title), paired))
    return "".join(out)


def _name(name: str) -> str:
    """One author as BibTeX reads it; a name with a comma or the word "and"
    is braced, so it stays one name."""
    latex = encode(name)
    return f"{{{latex}}}" if "," in name or _AND.search(name) else latex


def _url(url: str) -> str:
    """URLs are read verbatim (url package, BibLaTeX): only what would break
    the entry (braces, backslashes, spaces, non-ASCII) is percent-encoded."""
    return quote(url, safe=_URL_SAFE)


def _date(day: dt.date) -> str:
    return day.isoformat()


@register("bibtex", "bib", "BibTeX (@misc entries)")
def render(items: Sequence[ExportItem], options: Options) -> str:
    library = bibtexparser.Library()
    for item, key in citation_keys(items):
        meta = item.meta
        title = file_text(item.paper.title)
        fields: list[model.Field] = []
        if meta.authors:
            names = [_name(file_text(n)) for n in meta.authors]
            if meta.author_count and meta.author_count > len(names):
                names.append("others")
            fields.append(model.Field("author", " and ".join(names)))
        else:
            # BibTeX sorts by author, else by `key`; without either it warns.
            fields.append(model.Field("key", encode(ascii_text(title) or item.paper.id)))
        fields.append(model.Field("title", title_latex(title)))
        how = "" if meta.arxiv_id else SOURCE
        day = item.published
        if not day and item.listed:
            # BibLaTeX needs a date: without the paper's own, the day it was
            # listed, said in words that every style prints.
            day = item.listed
            how = f"{SOURCE}, listed {_date(day)}"
        if day:
            fields.append(model.Field("date", _date(day)))
            fields.append(model.Field("year", str(day.year)))
        if meta.arxiv_id:
            fields.append(model.Field("eprint", encode(meta.arxiv_id)))
            fields.append(model.Field("archivePrefix", "arXiv"))
        if how:
            fields.append(model.Field("howpublished", how))
        fields.append(model.Field("url", _url(item.url)))
        if item.abstract:
            fields.append(model.Field("abstract", encode(file_text(item.abstract))))
        if item.state.note:
            fields.append(model.Field("annote", encode(file_text(item.state.note))))
        library.add(model.Entry("misc", key, fields))
    return str(bibtexparser.write_string(library))
