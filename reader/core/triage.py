"""What is new and what repeats: the bookkeeping of the morning triage.

A paper's dumps (the catalog keeps them all, with their dates) say when it
first appeared and when it came again. Whether it is *new* is the user's
history, kept in the user store (visits, and the papers each visit found),
so rebuilding the index never makes an old paper new again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from pathlib import Path
from typing import Protocol

from .models import DumpAppearance, Paper
from .store import Visit


def days(paper: Paper) -> list[dt.date]:
    """The distinct days the paper's dumps carry, oldest first (several files
    of one day, or one page saved twice, are one day)."""
    return sorted({d.date for d in paper.dumps if d.date is not None})


def first_seen(paper: Paper) -> DumpAppearance | None:
    """The dump the paper first appeared in (the oldest dated one, else any)."""
    if not paper.dumps:
        return None
    return min(paper.dumps, key=lambda d: (d.date is None, d.date or dt.date.max, d.path))


def is_repeat(paper: Paper) -> bool:
    """The paper came back on a later day than it first appeared."""
    return len(days(paper)) > 1


def appearance_line(paper: Paper) -> str:
    """ "first seen Mar 12 · again Mar 13, Mar 14" (empty when no dump has a date)."""
    found = days(paper)
    if not found:
        return ""
    line = f"first seen {_day(found[0])}"
    if len(found) > 1:
        line += " · again " + ", ".join(_day(day) for day in found[1:])
    return line


def new_ids(
    library_ids: Iterable[str], known_before: AbstractSet[str], decided: AbstractSet[str], first_visit: bool
) -> set[str]:
    """Papers in the library that no earlier visit knew and the user has not
    decided on (starred, seen, noted). On the very first visit nothing is new:
    the whole library is where the user starts from."""
    if first_visit:
        return set()
    return {pid for pid in library_ids if pid not in known_before and pid not in decided}


def new_first(ids: Sequence[str], new: AbstractSet[str]) -> tuple[str, ...]:
    """The new papers first, each part in its own order: the morning view
    opens on what arrived since the last visit, in the page's order."""
    return (*(pid for pid in ids if pid in new), *(pid for pid in ids if pid not in new))


class NewCounter(Protocol):
    def new_ids(self, among: Iterable[str] | None = None) -> set[str]: ...

    def last_visit(self) -> Visit | None: ...


def new_summary(library: NewCounter, among: Iterable[str] | None = None) -> str:
    """ "3 new since Mar 13 09:12" (empty before there was a visit to count
    from); `among`: the library's papers, when the caller has them already."""
    visit = library.last_visit()
    if visit is None or visit.since_at is None:
        return ""
    return f"{len(library.new_ids(among))} new since {visit.since_at.astimezone():%b %d %H:%M}"


def dump_days(catalog_path: Path) -> list[dt.date]:
    """Every day a dump was saved for, oldest first (from the catalog: no dump is read)."""
    if not catalog_path.exists():
        return []
    from .catalog import Catalog

    catalog = Catalog(catalog_path)
    try:
        return sorted({record.date for record in catalog.dumps().values() if record.date is not None})
    finally:
        catalog.close()


def step_day(days: Sequence[dt.date], current: dt.date | None, step: int) -> dt.date | None:
    """The day `step` days of dumps away from `current` (-1: the one before);
    from no day, the newest. None past either end."""
    if not days:
        return None
    if current is None:
        return days[-1]
    if step < 0:
        earlier = [day for day in days if day < current]
        return earlier[step] if len(earlier) >= -step else None
    later = [day for day in days if day > current]
    return later[step - 1] if len(later) >= step else None


def day_summary(day: dt.date, papers: Iterable[Paper], new: AbstractSet[str]) -> str:
    """ "2024-03-14: 23 papers, 4 new, 7 repeats" for the list of one day."""
    listed = list(papers)
    repeats = sum(1 for paper in listed if is_repeat(paper))
    fresh = sum(1 for paper in listed if paper.id in new)
    return f"day {day.isoformat()}: {len(listed)} papers, {fresh} new, {repeats} repeats"


def _day(day: dt.date) -> str:
    return f"{day:%b} {day.day}, {day.year}" if day.year != dt.date.today().year else f"{day:%b} {day.day}"
