"""The daily papers JSON API (`/api/daily_papers?date=YYYY-MM-DD`), saved.

An array of items, one line or pretty-printed, saved as `.json` or `.txt`:
`{paper: {id, title, summary, authors: [{name}], publishedAt,
submittedOnDailyAt, upvotes, ai_summary, githubRepo, projectPage,
organization}, title, summary, numComments, submittedBy, …}`. A single
paper object (`/api/papers/ID`) and JSON Lines are read too.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

from ..models import Entry, PaperMeta
from ..text import clean_text, paper_id
from .cards import _better, _join
from .prose import title_problem
from .result import ParsedDump

# A saved API answer is a few hundred kilobytes; this is far beyond any.
MAX_JSON_BYTES = 256 * 1024 * 1024
_ARXIV_ID = re.compile(r"^\d{4}\.\d{4,5}(?:v\d+)?$")


def read_json(path: Path, parsed: ParsedDump, text: str | None = None) -> None:
    """Entries of a saved API answer; a clear report for any other JSON."""
    parsed.shape = "json"
    if text is None:
        if path.stat().st_size > MAX_JSON_BYTES:
            parsed.report(0, f"JSON of over {MAX_JSON_BYTES // 2**20} MB: too big for a daily papers answer", "error")
            return
        raw = path.read_bytes()
        text = raw.decode("utf-8-sig", errors="replace")
    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError as error:
        data = _json_lines(text)
        if data is None:
            parsed.report(error.lineno, f"JSON, but it could not be read: {error.msg} (column {error.colno})", "error")
            return
    except RecursionError:
        parsed.report(0, "JSON nested too deeply to be a daily papers answer", "error")
        return
    items = _items(data)
    if items is None:
        parsed.report(1, f"JSON, but not the daily papers API ({_describe(data)})", "error")
        return
    entries: dict[str, tuple[int, Entry]] = {}
    days: Counter[dt.date] = Counter()
    skipped = 0
    for item in items:
        paper = _paper(item)
        title = clean_text(_text(item.get("title")) or _text(paper.get("title")))
        if title_problem(title):
            skipped += 1
            continue
        abstract = _abstract(_text(paper.get("summary")) or _text(item.get("summary")))
        day = _day(paper.get("submittedOnDailyAt")) or _day(item.get("submittedOnDailyAt"))
        if day is not None:
            days[day] += 1
        entry = Entry(paper_id(title), title, abstract, len(entries) + 1, _meta(item, paper))
        known = entries.get(entry.paper_id)
        entries[entry.paper_id] = (len(entries), entry) if known is None else (known[0], _better(known[1], entry))
    parsed.entries.extend(entry for _, entry in sorted(entries.values(), key=lambda pair: pair[0]))
    if skipped:
        parsed.report(0, f"{skipped} items of the JSON had no usable title; skipped")
    if days:
        parsed.date = max(days.most_common(), key=lambda pair: (pair[1], pair[0]))[0]
        parsed.date_source = "json"
    missing = sum(1 for entry in parsed.entries if not entry.abstract)
    if missing:
        parsed.report(0, f"{missing} papers in the JSON have no abstract; kept without one", "info")


def _json_lines(text: str) -> list[Any] | None:
    items = []
    for line in text.splitlines():
        if line.strip():
            try:
                items.append(json.loads(line))
            except (json.JSONDecodeError, RecursionError):
                return None
    return items or None


def _items(data: Any) -> list[dict[str, Any]] | None:
    """The paper items of an API answer, or None if this is other JSON."""
    if isinstance(data, dict):
        for wrapper in ("papers", "dailyPapers", "daily_papers", "items", "results", "data"):
            if isinstance(data.get(wrapper), list):
                return _items(data[wrapper])
        data = [data]
    if not isinstance(data, list) or not data:
        return None
    items = [item for item in data if isinstance(item, dict) and _is_paper(item)]
    if not items or len(items) < len(data) / 2:
        return None
    return items


def _paper(item: dict[str, Any]) -> dict[str, Any]:
    """The `paper` object of an item (the item itself for a bare paper)."""
    inner = item.get("paper")
    return inner if isinstance(inner, dict) else item


def _is_paper(item: dict[str, Any]) -> bool:
    paper = _paper(item)
    has_title = isinstance(item.get("title"), str) or isinstance(paper.get("title"), str)
    return has_title and any(name in paper or name in item for name in ("summary", "authors", "id", "upvotes"))


def _describe(data: Any) -> str:
    if isinstance(data, list):
        if not data:
            return "an empty list"
        first = data[0]
        if isinstance(first, dict):
            keys = ", ".join(list(first)[:4])
            return f"a list of {len(data)} objects with keys {keys}"
        return f"a list of {len(data)} {type(first).__name__} values"
    if isinstance(data, dict):
        return "an object with keys " + ", ".join(list(data)[:5])
    return f"a single {type(data).__name__} value"


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _abstract(text: str) -> str:
    """The API keeps arXiv's line breaks: join them like a wrapped paragraph."""
    lines = [clean_text(line) for line in text.splitlines()]
    return clean_text(_join(line for line in lines if line))


def _day(value: Any) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _name(value: Any, *keys: str) -> str:
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        for name in keys:
            if isinstance(value.get(name), str) and value[name].strip():
                return clean_text(value[name])
    return ""


def _meta(item: dict[str, Any], paper: dict[str, Any]) -> PaperMeta:
    authors = tuple(
        name
        for author in paper.get("authors") or item.get("authors") or []
        if (name := _name(author, "name", "fullname"))
    )
    arxiv = _text(paper.get("id")) or _text(item.get("id"))
    submitter = item.get("submittedBy") or paper.get("submittedOnDailyBy") or item.get("submittedOnDailyBy")
    organization = paper.get("organization") or item.get("organization")
    comments = _int(item.get("numComments"))
    if comments is None:
        comments = _int(paper.get("numComments"))
    return PaperMeta(
        authors=authors,
        author_count=len(authors) or None,
        organization=_name(organization, "fullname", "name"),
        submitted_by=_name(submitter, "user", "name", "fullname"),
        published=_day(paper.get("publishedAt")) or _day(item.get("publishedAt")),
        arxiv_id=arxiv if _ARXIV_ID.match(arxiv) else "",
        github=_text(paper.get("githubRepo")).strip(),
        project_page=_text(paper.get("projectPage")).strip(),
        upvotes=_int(paper.get("upvotes")) if _int(paper.get("upvotes")) is not None else _int(item.get("upvotes")),
        comments=comments,
        summary=clean_text(_text(paper.get("ai_summary")) or _text(item.get("ai_summary"))),
    )
