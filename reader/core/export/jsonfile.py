"""JSON: every field, for scripts."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from . import ExportItem, Options, register

VERSION = 1


@register("json", "json", "JSON (every field)")
def render(items: Sequence[ExportItem], options: Options) -> str:
    papers: list[dict[str, Any]] = []
    for item in items:
        state = item.state
        papers.append(
            {
                "id": item.paper.id,
                "title": item.paper.title,
                "abstract": item.paper.abstract or None,
                "url": item.url,
                "date": item.date.isoformat() if item.date else None,
                "dumps": [{"path": d.path, "date": d.date.isoformat() if d.date else None} for d in item.paper.dumps],
                "starred_at": state.starred_at.isoformat() if state.starred_at else None,
                "note": state.note,
                "note_updated_at": state.note_updated_at.isoformat() if state.note_updated_at else None,
            }
        )
    return json.dumps({"version": VERSION, "papers": papers}, ensure_ascii=False, indent=2) + "\n"
