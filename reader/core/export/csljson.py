"""CSL-JSON, what pandoc (`--citeproc`), Zotero and citeproc read.

Records are `article`, CSL's type for preprints. The private note is in
`custom.note`: CSL keeps `custom` for data that has no CSL variable, and no
style prints it, while `note` is printed by annotated-bibliography styles
(APA's, Chicago's) and many others (ACL's), and `annote` by a few more.
Without a published date there is no `issued`: the day the paper was listed
is `accessed`, which styles print as "Accessed ..." or "Retrieved ...".
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from . import ExportItem, Options, register
from .bibtex import SOURCE
from .keys import citation_keys

# Name particles that stay with the family name ("van Gogh"): CSL's
# non-dropping particle.
_PARTICLES = {"van", "von", "de", "der", "den", "del", "della", "di", "da", "du", "dos", "das", "le", "la", "ter"}


def csl_name(name: str) -> dict[str, str]:
    """A "First Last" author as a CSL name; one word stays a literal."""
    words = name.split()
    if len(words) < 2:
        return {"literal": name.strip()}
    family = [words.pop()]
    particles: list[str] = []
    while len(words) > 1 and words[-1] in _PARTICLES:
        particles.insert(0, words.pop())
    result = {"family": " ".join(family), "given": " ".join(words)}
    if particles:
        result["non-dropping-particle"] = " ".join(particles)
    return result


def _date(day: dt.date) -> dict[str, list[list[int]]]:
    return {"date-parts": [[day.year, day.month, day.day]]}


@register("csljson", "json", "CSL-JSON (Pandoc, Zotero)")
def render(items: Sequence[ExportItem], options: Options) -> str:
    records: list[dict[str, Any]] = []
    for item, key in citation_keys(items):
        meta = item.meta
        record: dict[str, Any] = {"id": key, "type": "article", "title": item.paper.title}
        if meta.authors:
            record["author"] = [csl_name(name) for name in meta.authors]
        if item.published:
            record["issued"] = _date(item.published)
        elif item.listed:
            record["accessed"] = _date(item.listed)
        if meta.arxiv_id:
            record["publisher"] = "arXiv"
            record["number"] = f"arXiv:{meta.arxiv_id}"
        record["source"] = SOURCE
        record["URL"] = item.url
        if item.abstract:
            record["abstract"] = item.abstract
        if item.state.note:
            record["custom"] = {"note": item.state.note}
        records.append(record)
    return json.dumps(records, ensure_ascii=False, indent=2) + "\n"
