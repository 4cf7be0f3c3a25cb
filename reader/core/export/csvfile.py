"""CSV with fixed columns, safe to open in a spreadsheet.

Columns: id, title, date, dumps, starred_at, note, url, abstract. A cell
that starts with =, +, -, @, tab or CR gets a leading apostrophe, so a
spreadsheet shows it as text instead of running it as a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from . import ExportItem, Options, register

COLUMNS = ("id", "title", "date", "dumps", "starred_at", "note", "url", "abstract")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe(cell: str) -> str:
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


@register("csv", "csv", "CSV (spreadsheets)")
def render(items: Sequence[ExportItem], options: Options) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for item in items:
        state = item.state
        row = (
            item.paper.id,
            item.paper.title,
            item.date.isoformat() if item.date else "",
            "; ".join(d.path for d in item.paper.dumps),
            state.starred_at.isoformat() if state.starred_at else "",
            state.note,
            item.url,
            item.abstract,
        )
        writer.writerow([safe(cell) for cell in row])
    return out.getvalue()
