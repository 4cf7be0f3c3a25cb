"""Links for a paper: its page, its code, and the web links in its text."""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING
from urllib.parse import quote_plus

from .models import Paper

if TYPE_CHECKING:
    from linkify_it import LinkifyIt

SEARCH = "https://huggingface.co/papers?q={query}"
HF_PAPER = "https://huggingface.co/papers/{arxiv_id}"
_ARXIV_ABS = re.compile(r"^https?://(?:www\.)?arxiv\.org/(?:abs|pdf)/", re.IGNORECASE)
_CODE_HOSTS = re.compile(r"^https?://(?:www\.)?(?:github\.com|gitlab\.com|huggingface\.co/spaces)/", re.IGNORECASE)


@functools.cache
def _linkify() -> LinkifyIt:
    """linkify-it knows the real URL grammar (balanced parentheses, trailing
    punctuation, TLDs), which a regex gets wrong: `…/x_(y)` or `www.` links.
    Built at first use: its patterns take a while to compile, after the first screen."""
    from linkify_it import LinkifyIt

    return LinkifyIt()


def _wanted(text: str, schema: str) -> bool:
    # Web links only. A link without a scheme is kept when it is plainly one
    # (`www.…` or a host with a path): `model.py` or `arXiv.org` in prose is not.
    if schema:
        return schema in ("http:", "https:")
    return text.lower().startswith("www.") or "/" in text


# linkify-it looks at every word for a bare domain: 2.7 s for a 1 MB note.
# Only a line with a "/" or "www." can hold a link kept here.
_MAYBE_LINK = re.compile(r"/|www\.", re.IGNORECASE)


def urls(text: str) -> list[tuple[int, int, str]]:
    """Spans and targets of the web links in a text."""
    found: list[tuple[int, int, str]] = []
    line_end = -1
    for hint in _MAYBE_LINK.finditer(text):
        if hint.start() < line_end:
            continue  # this line was looked at
        line_start = text.rfind("\n", 0, hint.start()) + 1
        line_end = text.find("\n", hint.end())
        line_end = len(text) if line_end < 0 else line_end
        for m in _linkify().match(text[line_start:line_end]) or []:
            if _wanted(m.raw, m.schema):
                found.append((line_start + m.index, line_start + m.last_index, m.url))
    return found


def code_url(paper: Paper) -> str:
    """The paper's code repository, from the save's metadata or its abstract ("" if none)."""
    if paper.meta.github:
        return paper.meta.github
    return next((url for _, _, url in urls(paper.abstract) if _CODE_HOSTS.match(url)), "")


def paper_url(paper: Paper) -> str:
    """Where to read the paper itself: its arXiv page (from the save's
    metadata or an arXiv link in the abstract), else its Hugging Face page,
    else a Hugging Face papers search for its title. Never its code link."""
    if paper.meta.arxiv_url:
        return paper.meta.arxiv_url
    arxiv = next((url for _, _, url in urls(paper.abstract) if _ARXIV_ABS.match(url)), "")
    return arxiv or SEARCH.format(query=quote_plus(paper.title))


def hf_url(paper: Paper) -> str:
    """The paper's Hugging Face page when its arXiv ID is known, else a title search."""
    if paper.meta.arxiv_id:
        return HF_PAPER.format(arxiv_id=paper.meta.arxiv_id)
    return SEARCH.format(query=quote_plus(paper.title))
