"""How a list of papers is narrowed (filters) and ordered (sorts).

A filter or a sort is one object: a name (for `--filter` / `--sort` and
scripts), a label (for people), and its rule over paper IDs. The command
line, the app (its `f` and `S` keys, the status line) and the exporters all
read the registries below, so a new filter or sort is one object added here
(or registered by a plug-in or a test) and nothing else.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import ClassVar, Protocol

from .errors import PapersError
from .models import Paper


class Marks(Protocol):
    """What the user did, by paper ID (the user store is one)."""

    def starred(self) -> Mapping[str, dt.datetime]: ...

    def noted(self) -> AbstractSet[str]: ...

    def seen(self) -> AbstractSet[str]: ...


PaperLookup = Callable[[Sequence[str]], Mapping[str, Paper]]


@dataclass(frozen=True, slots=True)
class Facts:
    """What a filter or a sort may look at: the user's marks, and papers by ID
    (from the index, or the title the store kept for a paper whose dumps are gone)."""

    marks: Marks
    papers: PaperLookup
    # The papers that are new since the user's last visit (reader/core/triage.py).
    new: Callable[[], AbstractSet[str]] = frozenset


@dataclass(frozen=True, slots=True, eq=False)
class Filter:
    """A subset of the library a list can be narrowed to."""

    ALL: ClassVar[Filter]
    STARRED: ClassVar[Filter]
    NOTED: ClassVar[Filter]
    UNSEEN: ClassVar[Filter]

    name: str
    label: str  # "Showing starred", "filter: starred"
    # Given the facts once, a test for one paper ID; None keeps every paper.
    keep: Callable[[Facts], Callable[[str], bool]] | None
    # How the query language will say it once it reads is:/has: terms.
    term: str = ""
    # Papers this filter lists even when their dumps are gone (the user kept them).
    kept: Callable[[Facts], Iterable[str]] | None = None
    # A test that needs the paper itself (its dumps, dates, upvotes): papers are
    # read in batches. A paper no longer in any dump fails it.
    keep_paper: Callable[[Facts], Callable[[Paper], bool]] | None = None

    def narrow(self, ids: Sequence[str], facts: Facts) -> list[str]:
        """The IDs this filter keeps, in their order."""
        kept = list(ids)
        if self.keep is not None:
            keep = self.keep(facts)
            kept = [pid for pid in kept if keep(pid)]
        if self.keep_paper is not None:
            test = self.keep_paper(facts)
            passing: list[str] = []
            for start in range(0, len(kept), _BATCH):
                chunk = kept[start : start + _BATCH]
                papers = facts.papers(chunk)
                passing.extend(pid for pid in chunk if pid in papers and test(papers[pid]))
            kept = passing
        return kept


@dataclass(frozen=True, slots=True, eq=False)
class Sort:
    """An order a list can take, in a search and in an export alike."""

    RELEVANCE: ClassVar[Sort]
    DATE: ClassVar[Sort]
    TITLE: ClassVar[Sort]
    STARRED: ClassVar[Sort]
    UPVOTES: ClassVar[Sort]

    name: str
    label: str  # "sort: dump date"
    help: str
    # Reorders IDs (stable: ties keep the order they came in). None keeps the
    # list's own order: search rank, or newest star or note first.
    order: Callable[[list[str], Facts], list[str]] | None = None
    # A sortable index field: a search lets the index sort (fast on 100k papers).
    index_field: str | None = None
    reverse: bool = False
    aliases: tuple[str, ...] = ()

    def arrange(self, ids: Sequence[str], facts: Facts) -> list[str]:
        return list(ids) if self.order is None else self.order(list(ids), facts)


_BATCH = 1_000
FILTERS: dict[str, Filter] = {}
SORTS: dict[str, Sort] = {}


def register_filter(new: Filter) -> Filter:
    """Make a filter known everywhere; registration order is the app's cycle order."""
    FILTERS[new.name] = new
    return new


def register_sort(new: Sort) -> Sort:
    """Make a sort known everywhere; registration order is the app's cycle order."""
    SORTS[new.name] = new
    return new


def filter_named(name: str) -> Filter:
    try:
        return FILTERS[name]
    except KeyError:
        raise PapersError(f"unknown filter {name!r}; choose from {', '.join(FILTERS)}") from None


def sort_named(name: str) -> Sort:
    for sort in SORTS.values():
        if name == sort.name or name in sort.aliases:
            return sort
    raise PapersError(f"unknown sort {name!r}; choose from {', '.join(sort_names())}")


def sort_names() -> list[str]:
    """Every name a sort answers to (aliases too), for argument parsers."""
    return [name for sort in SORTS.values() for name in (sort.name, *sort.aliases)]


# the built-in filters --------------------------------------------------------
def _starred(facts: Facts) -> Callable[[str], bool]:
    return facts.marks.starred().__contains__


def _noted(facts: Facts) -> Callable[[str], bool]:
    return facts.marks.noted().__contains__


def _unseen(facts: Facts) -> Callable[[str], bool]:
    seen = facts.marks.seen()
    return lambda pid: pid not in seen


Filter.ALL = register_filter(Filter("all", "all papers", None))
Filter.STARRED = register_filter(
    Filter("starred", "starred", _starred, "is:starred", kept=lambda facts: facts.marks.starred())
)
Filter.NOTED = register_filter(
    Filter("noted", "with notes", _noted, "has:note", kept=lambda facts: facts.marks.noted())
)
Filter.UNSEEN = register_filter(Filter("unseen", "not seen", _unseen, "is:unseen"))


# the built-in sorts -----------------------------------------------------------
def _by_date(ids: list[str], facts: Facts) -> list[str]:
    papers = facts.papers(ids)

    def newest(pid: str) -> dt.date:
        paper = papers.get(pid)
        return (paper.newest_date if paper else None) or dt.date.min

    return sorted(ids, key=newest, reverse=True)


def _by_title(ids: list[str], facts: Facts) -> list[str]:
    papers = facts.papers(ids)
    return sorted(ids, key=lambda pid: papers[pid].title.casefold() if pid in papers else "")


def _by_upvotes(ids: list[str], facts: Facts) -> list[str]:
    papers = facts.papers(ids)

    def upvotes(pid: str) -> int:
        paper = papers.get(pid)
        return paper.meta.upvotes if paper and paper.meta.upvotes is not None else -1

    return sorted(ids, key=upvotes, reverse=True)


def _by_star(ids: list[str], facts: Facts) -> list[str]:
    starred = facts.marks.starred()
    far_past = dt.datetime.min.replace(tzinfo=dt.UTC)
    return sorted(ids, key=lambda pid: starred.get(pid, far_past), reverse=True)


Sort.RELEVANCE = register_sort(
    Sort(
        "relevance",
        "relevance",
        "search rank (newest first without a query); exports: newest star or note first",
        aliases=("natural",),
    )
)
# "order" is the newest dump date, then the page's own order within that day.
Sort.DATE = register_sort(Sort("date", "dump date", "newest dump first", _by_date, "order", reverse=True))
Sort.TITLE = register_sort(Sort("title", "title", "by title, A to Z", _by_title, "title_sort"))
Sort.STARRED = register_sort(Sort("starred", "starred time", "newest star first, then the rest", _by_star))
Sort.UPVOTES = register_sort(
    Sort(
        "upvotes",
        "upvotes",
        "most upvoted first (papers from saves without upvotes last)",
        _by_upvotes,
        "upvotes",
        True,
    )
)
