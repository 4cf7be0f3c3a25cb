"""JSON: every field, for scripts (docs/export-schema.json)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from . import ExportItem, Options, register
from .schema import VERSION, paper_record


@register("json", "json", "JSON (every field)")
def render(items: Sequence[ExportItem], options: Options) -> str:
    papers = [paper_record(item.paper, item.state) for item in items]
    return json.dumps({"version": VERSION, "papers": papers}, ensure_ascii=False, indent=2) + "\n"
