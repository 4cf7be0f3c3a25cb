"""The user's own data as versioned JSON: back it up, restore (merge) it.

This is how a user moves to a second machine or keeps a copy in a sync
folder. Restoring merges: stars and seen marks are unioned, the newer edit
of a note wins, nothing is deleted.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from .errors import PapersError
from .store import Note, Store, now

KIND = "papers-backup"
VERSION = 1


def backup_json(store: Store) -> str:
    """Everything in the store, with times."""
    payload = {
        "kind": KIND,
        "version": VERSION,
        "created_at": now().isoformat(),
        "stars": [{"id": pid, "title": title, "starred_at": at.isoformat()} for pid, title, at in store.star_rows()],
        "notes": [
            {
                "id": n.paper_id,
                "title": n.title,
                "text": n.text,
                "created_at": n.created_at.isoformat(),
                "updated_at": n.updated_at.isoformat(),
            }
            for n in sorted(store.notes(), key=lambda n: n.updated_at)
        ],
        "seen": [{"id": pid, "title": title, "seen_at": at.isoformat()} for pid, title, at in store.seen_rows()],
    }
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


@dataclass(frozen=True, slots=True)
class RestoreReport:
    stars_added: int
    notes_written: int
    notes_kept: int
    seen_added: int

    def summary(self) -> str:
        return (
            f"{self.stars_added} stars added, {self.notes_written} notes restored "
            f"({self.notes_kept} kept as they were: same or newer here), {self.seen_added} seen marks added"
        )


def _time(value: Any, where: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(str(value))
    except ValueError:
        raise PapersError(f"{where}: not a time: {value!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _text(record: dict[str, Any], key: str, where: str) -> str:
    value = record.get(key)
    if not isinstance(value, str):
        raise PapersError(f"{where}: {key!r} must be text")
    return value


def restore_json(store: Store, text: str, source: str) -> RestoreReport:
    """Check a whole backup first, then merge it in one transaction."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise PapersError(f"{source}:{error.lineno}: not valid JSON ({error.msg}); nothing was restored") from None
    if not isinstance(data, dict) or data.get("kind") != KIND:
        raise PapersError(f"{source}: not a papers backup (made by `papers backup`); nothing was restored")
    version = data.get("version")
    if not isinstance(version, int) or version > VERSION:
        raise PapersError(f"{source}: backup version {version!r} is newer than this papers knows ({VERSION})")
    stars, seen, notes = [], [], []
    for index, record in enumerate(data.get("stars", [])):
        where = f"{source}: stars[{index}]"
        stars.append(
            (_text(record, "id", where), _text(record, "title", where), _time(record.get("starred_at"), where))
        )
    for index, record in enumerate(data.get("seen", [])):
        where = f"{source}: seen[{index}]"
        seen.append((_text(record, "id", where), _text(record, "title", where), _time(record.get("seen_at"), where)))
    for index, record in enumerate(data.get("notes", [])):
        where = f"{source}: notes[{index}]"
        notes.append(
            Note(
                _text(record, "id", where),
                _text(record, "title", where),
                _text(record, "text", where),
                _time(record.get("created_at"), where),
                _time(record.get("updated_at"), where),
            )
        )
    counts = store.merge(stars, notes, seen)
    return RestoreReport(counts["stars"], counts["notes"], counts["notes_kept"], counts["seen"])
