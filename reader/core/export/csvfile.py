"""CSV with fixed columns, for spreadsheets.

- UTF-8 with a byte order mark: without it Excel and LibreOffice take the file
  for Latin-1 (`CafÃ©`). Python's `encoding="utf-8-sig"` and pandas read it.
- Rows end in CRLF (RFC 4180); a line break inside a note stays in its cell.
- A cell that starts with =, +, -, @, tab or CR gets a leading apostrophe, so
  a spreadsheet shows it as text instead of running it as a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from . import ExportItem, Options, file_text, register

COLUMNS = (
    "id",
    "title",
    "authors",
    "published",
    "listed",
    "arxiv_id",
    "url",
    "starred_at",
    "note",
    "dumps",
    "abstract",
)
BOM = "\ufeff"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe(cell: str) -> str:
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


@register("csv", "csv", "CSV (spreadsheets)")
def render(items: Sequence[ExportItem], options: Options) -> str:
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for item in items:
        state = item.state
        row = (
            item.paper.id,
            item.paper.title,
            "; ".join(item.meta.authors),
            item.published.isoformat() if item.published else "",
            item.listed.isoformat() if item.listed else "",
            item.meta.arxiv_id,
            item.url,
            state.starred_at.isoformat() if state.starred_at else "",
            state.note,
            "; ".join(d.path for d in item.paper.dumps),
            item.abstract,
        )
        writer.writerow([safe(file_text(cell)) for cell in row])
    return out.getvalue()
