"""Plain, frozen records shared by the core, the CLI and the app."""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Problem:
    """Something a dump held that could not be used as is, with where it was."""

    path: str
    line: int
    message: str
    severity: str = "warning"  # "warning": part skipped; "error": whole file skipped

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


@dataclass(frozen=True, slots=True)
class PaperMeta:
    """What a save tells about a paper beyond its title and abstract.

    Every field is optional: the bundled samples carry none of it, the JSON
    API carries most of it. Empty strings and None mean "the save did not say".
    """

    authors: tuple[str, ...] = ()
    author_count: int | None = None
    organization: str = ""
    submitted_by: str = ""
    published: dt.date | None = None  # the paper's own date, never the page's
    arxiv_id: str = ""
    github: str = ""
    project_page: str = ""
    upvotes: int | None = None
    comments: int | None = None
    summary: str = ""  # the site's one-paragraph AI summary

    @property
    def arxiv_url(self) -> str:
        return f"https://arxiv.org/abs/{self.arxiv_id}" if self.arxiv_id else ""

    def filled_from(self, other: PaperMeta) -> PaperMeta:
        """These fields, with the ones this lacks taken from `other`."""
        values = {}
        for name in self.__slots__:
            mine = getattr(self, name)
            values[name] = mine if mine not in (None, "", ()) else getattr(other, name)
        return PaperMeta(**values)

    def to_dict(self) -> dict[str, object]:
        """The fields a save gave (JSON-ready); the empty ones are left out."""
        data: dict[str, object] = {}
        for name in self.__slots__:
            value = getattr(self, name)
            if value in (None, "", ()):
                continue
            if isinstance(value, dt.date):
                value = value.isoformat()
            elif isinstance(value, tuple):
                value = list(value)
            data[name] = value
        return data

    @classmethod
    def from_dict(cls, data: object) -> PaperMeta:
        """Back from `to_dict`; anything malformed is left out, never raised."""
        if not isinstance(data, dict) or not data:
            return NO_META
        values: dict[str, object] = {}
        for name in ("organization", "submitted_by", "arxiv_id", "github", "project_page", "summary"):
            if isinstance(data.get(name), str):
                values[name] = data[name]
        for name in ("author_count", "upvotes", "comments"):
            if isinstance(data.get(name), int) and not isinstance(data.get(name), bool):
                values[name] = data[name]
        authors = data.get("authors")
        if isinstance(authors, list):
            values["authors"] = tuple(str(author) for author in authors)
        published = data.get("published")
        if isinstance(published, str):
            with contextlib.suppress(ValueError):
                values["published"] = dt.date.fromisoformat(published)
        return cls(**values)  # type: ignore[arg-type]


NO_META = PaperMeta()


@dataclass(frozen=True, slots=True)
class Entry:
    """One title + abstract pair as it stands in one dump."""

    paper_id: str
    title: str
    abstract: str
    line: int
    meta: PaperMeta = NO_META


@dataclass(frozen=True, slots=True)
class DumpAppearance:
    """One dump a paper appeared in."""

    path: str
    date: dt.date | None
    line: int = 0  # where the paper stood in it: the page's order


@dataclass(frozen=True, slots=True)
class Paper:
    """A paper as the index holds it: merged over every dump it appeared in."""

    id: str
    title: str
    abstract: str
    dumps: tuple[DumpAppearance, ...]
    meta: PaperMeta = NO_META

    @property
    def newest_date(self) -> dt.date | None:
        dates = [d.date for d in self.dumps if d.date is not None]
        return max(dates) if dates else None


@dataclass(frozen=True, slots=True)
class UserState:
    """What the user did with one paper (from the user store)."""

    paper_id: str
    title: str = ""
    starred_at: dt.datetime | None = None
    note: str = ""
    note_updated_at: dt.datetime | None = None
    seen_at: dt.datetime | None = None

    @property
    def starred(self) -> bool:
        return self.starred_at is not None


@dataclass(frozen=True, slots=True)
class SearchResult:
    """Paper IDs matching a query, best (or sorted) first."""

    query: str
    ids: tuple[str, ...]
    total_in_library: int
    notices: tuple[str, ...] = ()
    scores: dict[str, float] = field(default_factory=dict)
    # The search ran out of its time budget: `ids` are the papers found so far.
    partial: bool = False
    # How many papers match, when `ids` are only the first of them (a
    # keystroke's first screenful): an estimate unless `exact`.
    count: int | None = None
    exact: bool = True

    @property
    def matched(self) -> int:
        """How many papers match (estimated when not `exact`)."""
        return len(self.ids) if self.count is None else self.count


@dataclass(frozen=True, slots=True)
class IndexReport:
    """What one indexing run did."""

    dumps_read: int = 0
    dumps_unchanged: int = 0
    dumps_removed: int = 0
    entries: int = 0
    added: int = 0
    updated: int = 0
    removed: int = 0
    papers_total: int = 0
    rebuilt_because: str = ""
    problems: tuple[Problem, ...] = ()
    repaired: int = 0  # papers the index lacked or held twice, fixed by this run

    def summary(self) -> str:
        """One line for humans: what was read, skipped and changed."""
        if self.dumps_read and not (self.dumps_unchanged or self.dumps_removed):
            papers, entries = plural(self.papers_total, "paper"), plural(self.entries, "entry")
            parts = [f"{papers} from {entries} in {plural(self.dumps_read, 'dump')}"]
        else:
            parts = [
                f"read {plural(self.entries, 'entry')} from {plural(self.dumps_read, 'dump')}",
                f"{plural(self.papers_total, 'paper')} in all",
            ]
        parts.append(f"{plural(self.dumps_unchanged, 'dump')} unchanged")
        if self.dumps_removed:
            parts.append(f"{plural(self.dumps_removed, 'dump')} gone")
        parts.append(f"{self.added} added, {self.updated} updated, {self.removed} removed")
        if self.repaired:
            parts.append(f"{self.repaired} repaired (the index did not match the dumps)")
        problems = sum(1 for p in self.problems if p.severity != "info")
        parts.append(plural(problems, "problem"))
        if len(self.problems) > problems:
            parts.append(plural(len(self.problems) - problems, "note"))
        return "; ".join(parts)


def plural(count: int, noun: str) -> str:
    """`1 dump`, `2 dumps`, `1 entry`, `0 entries`."""
    if count == 1:
        return f"{count} {noun}"
    return f"{count} {noun[:-1]}ies" if noun.endswith("y") else f"{count} {noun}s"
