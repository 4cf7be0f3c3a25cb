"""Citation keys, shared by BibTeX, RIS (`ID`) and CSL-JSON (`id`), so one
paper is cited by the same key whichever file a tool reads.

A key is the first real word of the title in ASCII, the year, and the start of
the paper ID: `cafe2024_3f1c2a`. The year is the published year when the save
said it, else the year the paper was first listed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

from . import ExportItem

# Letters that Unicode does not decompose into an ASCII base letter.
_LETTERS = str.maketrans(
    {
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ø": "o",
        "Ø": "O",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "Ð": "D",
        "þ": "th",
        "Þ": "Th",
        "ł": "l",
        "Ł": "L",
        "ı": "i",
    }
)
_WORD = re.compile(r"[A-Za-z0-9]+")
_STOP = {"a", "an", "the", "on", "of", "in", "for", "to", "and", "with", "is", "are", "via"}


def ascii_text(text: str) -> str:
    """Latin letters without their accents (`Café` gives `Cafe`); other
    scripts have no ASCII spelling here and are dropped."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LETTERS))
    return decomposed.encode("ascii", "ignore").decode("ascii")


def citation_key(item: ExportItem) -> str:
    """Stable and valid in every format: ASCII letters, digits and `_`."""
    words = [w.lower() for w in _WORD.findall(ascii_text(item.paper.title))]
    word = next((w for w in words if w not in _STOP), "paper")[:20]
    day = item.published or item.listed
    year = str(day.year) if day else ""
    return f"{word}{year}_{item.paper.id[:6]}"


def citation_keys(items: Sequence[ExportItem]) -> Iterable[tuple[ExportItem, str]]:
    """Each item with its key; two IDs that start alike get the whole ID."""
    used: set[str] = set()
    for item in items:
        key = citation_key(item)
        if key in used:
            key = f"{key[: key.rindex('_')]}_{item.paper.id}"
        used.add(key)
        yield item, key
