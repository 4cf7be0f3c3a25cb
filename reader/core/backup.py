"""The user's own data as versioned JSON: back it up, restore (merge) it.

This is how a user moves to a second machine or keeps a copy in a sync
folder. Restoring merges: stars and seen marks are unioned, the newer edit
of a note wins, nothing is deleted.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from .errors import PapersError
from .store import Note, Store, now

KIND = "papers-backup"
T = TypeVar("T")
VERSION = 1


def backup_json(store: Store) -> str:
    """Everything in the store, with times."""
    return rows_json(store.star_rows(), store.notes(), store.seen_rows())


def rows_json(
    stars: list[tuple[str, str, dt.datetime]], notes: list[Note], seen: list[tuple[str, str, dt.datetime]]
) -> str:
    """A backup of these rows (from a store, or salvaged from a damaged one)."""
    payload = {
        "kind": KIND,
        "version": VERSION,
        "created_at": now().isoformat(),
        "stars": [
            {"id": pid, "title": title, "starred_at": at.isoformat()}
            for pid, title, at in sorted(stars, key=lambda star: star[2])
        ],
        "notes": [
            {
                "id": n.paper_id,
                "title": n.title,
                "text": n.text,
                "created_at": n.created_at.isoformat(),
                "updated_at": n.updated_at.isoformat(),
            }
            for n in sorted(notes, key=lambda n: n.updated_at)
        ],
        "seen": [
            {"id": pid, "title": title, "seen_at": at.isoformat()}
            for pid, title, at in sorted(seen, key=lambda mark: mark[2])
        ],
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


class _Source:
    """The backup's text, to say on which line a wrong value stands."""

    def __init__(self, name: str, text: str) -> None:
        self.name = name
        self.text = text
        self._lines: dict[tuple[str | int, ...], int] | None = None

    def line_of(self, *path: str | int) -> int | None:
        """The line of the value at `path` (keys and indexes from the top),
        else of the nearest value around it."""
        if self._lines is None:
            self._lines = _value_lines(self.text)
        for end in range(len(path), -1, -1):
            if path[:end] in self._lines:
                return self._lines[path[:end]]
        return None

    def where(self, line: int | None, path: str) -> str:
        return f"{self.name}:{line}: {path}" if line else f"{self.name}: {path}"


_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)


def _value_lines(text: str, depth: int = 3) -> dict[tuple[str | int, ...], int]:
    """Lines of the lists, objects and keyed values of `text`, by their path,
    down to `depth` levels. A scan of brackets, not a parse: it works on any
    nesting, and only runs when a backup is wrong."""
    lines: dict[tuple[str | int, ...], int] = {}
    frames: list[list[str | int]] = []  # per open bracket: its kind, then the current key or index
    key: str | int = ""
    line = 1
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\n":
            line += 1
        elif char == '"':
            match = _STRING.match(text, index)
            if match is None:
                break
            try:
                key = json.loads(match.group())
            except ValueError:
                key = ""
            line += match.group().count("\n")
            index = match.end()
            continue
        elif char in "[{":
            path = tuple(frame[1] for frame in frames)
            if len(path) <= depth:
                lines.setdefault(path, line)
            frames.append([char, 0 if char == "[" else ""])
        elif char in "]}" and frames:
            frames.pop()
        elif char == ":" and frames and frames[-1][0] == "{":
            frames[-1][1] = key
            path = tuple(frame[1] for frame in frames)
            if len(path) <= depth:
                lines.setdefault(path, line)
        elif char == "," and frames and frames[-1][0] == "[":
            frames[-1][1] = int(frames[-1][1]) + 1
        index += 1
    return lines


def _nesting_line(text: str, limit: int = 64) -> int:
    """The line where brackets (outside strings) first nest deeper than `limit`."""
    depth = 0
    in_string = escaped = False
    for index, char in enumerate(text):
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return text.count("\n", 0, index) + 1
        elif char in "]}":
            depth -= 1
    return 1


class _WrongField(Exception):
    """A field of one record is wrong (the caller adds where it stands)."""


def _time(record: dict[str, Any], key: str) -> dt.datetime:
    value = record.get(key)
    if not isinstance(value, str):
        raise _WrongField(f'{key!r} must be a time like "2024-03-14T09:30:00+00:00", not {_shown(value)}')
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise _WrongField(f"{key!r} is not a time: {value!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _text(record: dict[str, Any], key: str) -> str:
    value = record.get(key)
    if not isinstance(value, str):
        raise _WrongField(f"{key!r} must be text, not {_shown(value)}")
    return value


def _shown(value: Any) -> str:
    kinds = {dict: "an object", list: "a list", str: "text", bool: "true/false", type(None): "missing or null"}
    return kinds.get(type(value), "a number")


def _mark(record: dict[str, Any], key: str) -> tuple[str, str, dt.datetime]:
    return _text(record, "id"), _text(record, "title"), _time(record, key)


def _note(record: dict[str, Any]) -> Note:
    return Note(
        _text(record, "id"),
        _text(record, "title"),
        _text(record, "text"),
        _time(record, "created_at"),
        _time(record, "updated_at"),
    )


def _records(data: dict[str, Any], key: str, source: _Source) -> list[dict[str, Any]]:
    """The records of one section; a section or record of the wrong shape is
    an error naming its line."""
    section = data.get(key, [])
    if not isinstance(section, list):
        line = source.line_of(key)
        raise PapersError(
            source.where(line, f"{key!r} must be a list of records, not {_shown(section)}; nothing was restored")
        )
    for index, record in enumerate(section):
        if not isinstance(record, dict):
            line = source.line_of(key, index)
            raise PapersError(
                source.where(
                    line, f"{key}[{index}] must be a record {{...}}, not {_shown(record)}; nothing was restored"
                )
            )
    return section


def _convert(data: dict[str, Any], key: str, source: _Source, convert: Callable[[dict[str, Any]], T]) -> list[T]:
    converted = []
    for index, record in enumerate(_records(data, key, source)):
        try:
            converted.append(convert(record))
        except _WrongField as error:
            where = source.where(source.line_of(key, index), f"{key}[{index}]")
            raise PapersError(f"{where}: {error}; nothing was restored") from None
    return converted


def restore_json(store: Store, text: str, source_name: str) -> RestoreReport:
    """Check a whole backup first, then merge it in one transaction."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise PapersError(f"{source_name}:{error.lineno}: not valid JSON ({error.msg}); nothing was restored") from None
    except RecursionError:
        raise PapersError(
            f"{source_name}:{_nesting_line(text)}: lists or objects nested too deeply for a papers backup; "
            "nothing was restored"
        ) from None
    if not isinstance(data, dict) or data.get("kind") != KIND:
        raise PapersError(f"{source_name}: not a papers backup (made by `papers backup`); nothing was restored")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or not 1 <= version <= VERSION:
        raise PapersError(
            f"{source_name}: backup version {version!r} is not one this papers knows (1 to {VERSION}); "
            "nothing was restored"
        )
    source = _Source(source_name, text)
    stars = _convert(data, "stars", source, lambda record: _mark(record, "starred_at"))
    seen = _convert(data, "seen", source, lambda record: _mark(record, "seen_at"))
    notes = _convert(data, "notes", source, _note)
    counts = store.merge(stars, notes, seen)
    return RestoreReport(counts["stars"], counts["notes"], counts["notes_kept"], counts["seen"])
