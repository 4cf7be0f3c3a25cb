"""CSL-JSON, what Pandoc, Zotero and citeproc read."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from . import ExportItem, Options, register
from .bibtex import citation_key


@register("csljson", "json", "CSL-JSON (Pandoc, Zotero)")
def render(items: Sequence[ExportItem], options: Options) -> str:
    records: list[dict[str, Any]] = []
    for item in items:
        record: dict[str, Any] = {
            "id": citation_key(item),
            "type": "article",
            "title": item.paper.title,
            "abstract": item.abstract,
            "URL": item.url,
            "publisher": "Hugging Face Daily Papers",
        }
        if item.date:
            record["issued"] = {"date-parts": [[item.date.year, item.date.month, item.date.day]]}
        if item.state.note:
            record["note"] = item.state.note
        records.append(record)
    return json.dumps(records, ensure_ascii=False, indent=2) + "\n"
