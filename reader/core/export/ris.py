"""RIS (Zotero, Mendeley, EndNote), written by rispy."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import rispy

from . import ExportItem, Options, register


class _PlainRisWriter(rispy.RisWriter):  # type: ignore[misc]
    """RIS without rispy's "1." numbering line before each record, which is
    not part of RIS and which some importers stumble on."""

    def set_header(self, count: int) -> str:
        return ""


@register("ris", "ris", "RIS (Zotero, Mendeley, EndNote)")
def render(items: Sequence[ExportItem], options: Options) -> str:
    entries: list[dict[str, Any]] = []
    for item in items:
        entry: dict[str, Any] = {
            "type_of_reference": "GEN",
            "id": item.paper.id,
            "title": item.paper.title,
            "abstract": item.abstract,
            "urls": [item.url],
        }
        if item.date:
            entry["year"] = str(item.date.year)
            entry["date"] = item.date.strftime("%Y/%m/%d")
        if item.state.note:
            entry["notes"] = [item.state.note]
        entries.append(entry)
    return str(rispy.dumps(entries, implementation=_PlainRisWriter))
