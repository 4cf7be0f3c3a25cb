"""Links for a paper: the first URL in its abstract, else a title search."""

from __future__ import annotations

import re
from urllib.parse import quote_plus

from .models import Paper

URL = re.compile(r"https?://[^\s<>\"'\]\[)(]+[^\s<>\"'\]\[)(.,;:!?]")
SEARCH = "https://huggingface.co/papers?q={query}"


def urls(text: str) -> list[tuple[int, int, str]]:
    """Spans and targets of the web links in a text."""
    return [(m.start(), m.end(), m.group()) for m in URL.finditer(text)]


def paper_url(paper: Paper) -> str:
    """Where to read the paper: its own link if the abstract has one,
    else a Hugging Face papers search for its title."""
    found = urls(paper.abstract)
    return found[0][2] if found else SEARCH.format(query=quote_plus(paper.title))
