"""BibTeX `@misc` entries, written by bibtexparser.

LaTeX's special characters are encoded by pylatexenc (through bibtexparser's
LatexEncodingMiddleware); other Unicode is kept as UTF-8, which BibLaTeX,
biber and reference managers read.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import bibtexparser
from bibtexparser import model
from bibtexparser.middlewares import LatexEncodingMiddleware
from pylatexenc.latexencode import RULE_DICT, UnicodeToLatexConversionRule, UnicodeToLatexEncoder

from . import ExportItem, Options, register

_SPECIALS = {
    ord("\\"): r"\textbackslash{}",
    ord("{"): r"\{",
    ord("}"): r"\}",
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
_WORD = re.compile(r"[A-Za-z0-9]+")
_STOP = {"a", "an", "the", "on", "of", "in", "for", "to", "and", "with", "is", "are", "via"}


def citation_key(item: ExportItem) -> str:
    """Stable and valid: first real title word, year, and the paper ID's start."""
    words = [w.lower() for w in _WORD.findall(item.paper.title)]
    word = next((w for w in words if w not in _STOP), "paper")[:20]
    year = str(item.date.year) if item.date else ""
    return f"{word}{year}_{item.paper.id[:6]}"


@register("bibtex", "bib", "BibTeX (@misc entries)")
def render(items: Sequence[ExportItem], options: Options) -> str:
    library = bibtexparser.Library()
    used: set[str] = set()
    urls: dict[str, str] = {}
    for item in items:
        key = citation_key(item)
        if key in used:  # two IDs with the same start: take the whole ID
            key = f"{key[: key.rindex('_')]}_{item.paper.id}"
        used.add(key)
        urls[key] = item.url
        fields = [
            model.Field("title", item.paper.title),
            model.Field("abstract", item.abstract),
            model.Field("howpublished", "Hugging Face Daily Papers"),
        ]
        if item.date:
            fields.append(model.Field("year", str(item.date.year)))
        if item.state.note:
            fields.append(model.Field("note", item.state.note))
        library.add(model.Entry("misc", key, fields))
    library = LatexEncodingMiddleware(encoder=_ENCODER).transform(library)
    for entry in library.entries:
        # URLs are read verbatim (url package, biblatex): not LaTeX-encoded.
        entry.set_field(model.Field("url", urls[entry.key]))
    return str(bibtexparser.write_string(library))
