"""The paper record of the JSON export, `papers search --json` and
`papers show --json`: one shape, versioned, described by
docs/export-schema.json (and docs/export-schema.md).

A value the app does not have is `null` (a list is empty); never "".
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..links import paper_url
from ..models import Paper, UserState

VERSION = 2


def _day(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _time(when: dt.datetime | None) -> str | None:
    return when.isoformat() if when else None


def paper_record(paper: Paper, state: UserState) -> dict[str, Any]:
    """Everything known about one paper and what the user did with it."""
    meta = paper.meta
    listed = [d.date for d in paper.dumps if d.date is not None]
    return {
        "id": paper.id,
        "title": paper.title,
        "authors": list(meta.authors),
        "author_count": meta.author_count,
        "published": _day(meta.published),
        "listed": _day(min(listed)) if listed else None,
        "url": paper_url(paper),
        "arxiv_id": meta.arxiv_id or None,
        "arxiv_url": meta.arxiv_url or None,
        "github": meta.github or None,
        "project_page": meta.project_page or None,
        "organization": meta.organization or None,
        "submitted_by": meta.submitted_by or None,
        "upvotes": meta.upvotes,
        "comments": meta.comments,
        "summary": meta.summary or None,
        "abstract": paper.abstract or None,
        "in_index": bool(paper.dumps),
        "dumps": [{"path": d.path, "date": _day(d.date)} for d in paper.dumps],
        "starred": state.starred,
        "starred_at": _time(state.starred_at),
        "note": state.note or None,
        "note_updated_at": _time(state.note_updated_at),
        "seen": state.seen_at is not None,
        "seen_at": _time(state.seen_at),
    }


def standalone_record(paper: Paper, state: UserState, score: float | None = None) -> dict[str, Any]:
    """A record printed on its own (`show --json`, each of `search --json`):
    it carries the schema version, and a search's relevance score."""
    record: dict[str, Any] = {"version": VERSION, **paper_record(paper, state)}
    if score is not None:
        record["score"] = round(score, 4)
    return record
