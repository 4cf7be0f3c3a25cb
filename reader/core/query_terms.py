"""The query words that speak of the user's work, not of the text.

`is:starred`, `is:seen`, `is:unseen`, `is:new`, `is:repeat`, `has:note`,
`note:WORD`, `dump:NAME`, `date:2024-03-14`, `date:2024-03-01..2024-03-14`
and `upvotes:>50` are taken out of the query text before it reaches the
search engine, and become filters (reader/core/views.py) over its results.
Each may be negated with `-` or `NOT`. What is left is an ordinary search.
"""

from __future__ import annotations

import datetime as dt
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import triage
from .errors import QueryError
from .models import Paper
from .views import FILTERS, Facts, Filter

_TOKEN = re.compile(r'(?:[^\s"]|"[^"]*"?)+')
_TERM = re.compile(r"(?P<neg>-)?(?P<key>is|has|note|dump|date|upvotes):(?P<value>.+)", re.IGNORECASE)
_COMPARE = re.compile(r"(>=|<=|>|<|=)?(\d+)$")
_OPERATORS: dict[str, Callable[[int, int], bool]] = {
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
    "=": operator.eq,
}

# Every filter word, with an example (the README and the in-app help list these).
EXAMPLES: tuple[tuple[str, str], ...] = (
    ("is:starred", "papers you starred"),
    ("is:seen / is:unseen", "papers you have (not) seen"),
    ("is:new", "arrived since your last visit, not yet decided on"),
    ("is:repeat", "appeared on more than one day"),
    ("has:note", "papers with a note"),
    ("note:cache", "notes holding a word"),
    ("dump:2024-03-14", "from dumps whose file name holds the text"),
    ("date:2024-03-14", "in a dump of that day (or 2024-03-01..2024-03-14)"),
    ("upvotes:>50", "upvotes compared (>, >=, <, <=, =; saves with upvotes)"),
    ("-has:note, NOT is:seen", "the opposite of any filter"),
)


@dataclass(frozen=True, slots=True)
class QueryTerms:
    """A query split into its search words and its filters."""

    words: str
    filters: tuple[Filter, ...] = ()
    note_words: tuple[str, ...] = ()  # what `note:` asks for (not `-note:`), to highlight in notes


def split_terms(text: str) -> QueryTerms:
    """Take the filter words out of `text`; an unknown one is a QueryError."""
    tokens = _TOKEN.findall(text)
    words: list[str] = []
    filters: list[Filter] = []
    note_words: list[str] = []
    negate_next = False
    for index, token in enumerate(tokens):
        match = _TERM.fullmatch(token)
        if token == "NOT" and index + 1 < len(tokens) and _TERM.fullmatch(tokens[index + 1]):
            negate_next = True
            continue
        if match is None:
            words.append(token)
            continue
        made = _filter(match["key"].lower(), _unquote(match["value"]), token)
        if bool(match["neg"]) != negate_next:
            made = negated(made)
        elif match["key"].lower() == "note":
            note_words.append(_unquote(match["value"]))
        negate_next = False
        filters.append(made)
    return QueryTerms(" ".join(words), tuple(filters), tuple(note_words))


def negated(chosen: Filter) -> Filter:
    """The papers `chosen` leaves out."""
    keep, keep_paper = chosen.keep, chosen.keep_paper

    def keep_not(facts: Facts) -> Callable[[str], bool]:
        test = keep(facts) if keep else None
        return lambda pid: test is None or not test(pid)

    def paper_not(facts: Facts) -> Callable[[Paper], bool]:
        test = keep_paper(facts) if keep_paper else None
        return lambda paper: test is None or not test(paper)

    both = keep is not None and keep_paper is not None
    if both:
        raise QueryError(f"{chosen.term!r} cannot be negated")  # no built-in term is both
    return Filter(
        f"-{chosen.name}",
        f"not {chosen.label}",
        keep_not if keep is not None else None,
        f"-{chosen.term}",
        keep_paper=paper_not if keep_paper is not None else None,
    )


def _unquote(value: str) -> str:
    return value[1:-1] if len(value) >= 2 and value[0] == value[-1] == '"' else value.strip('"')


def _filter(key: str, value: str, token: str) -> Filter:
    lowered = value.lower()
    if key == "is" and lowered in _IS:
        return _IS[lowered]
    if key == "has" and lowered in ("note", "notes"):
        return _HAS_NOTE
    if key == "note":
        return _note_holds(value, token)
    if key == "dump":
        return _dump_named(value, token)
    if key == "date":
        return _dated(value, token)
    if key == "upvotes":
        return _upvotes(value, token)
    registered = next((f for f in FILTERS.values() if f.term and f.term.lower() == token.lower()), None)
    if registered is not None:
        return registered  # a filter registered in reader/core/views.py with a term of its own
    choices = ", ".join(f"is:{name}" for name in _IS) + ", has:note"
    raise QueryError(f"unknown filter {token!r}; choose from {choices}, note:, dump:, date:, upvotes:")


def _starred(facts: Facts) -> Callable[[str], bool]:
    return facts.marks.starred().__contains__


def _seen(facts: Facts) -> Callable[[str], bool]:
    return facts.marks.seen().__contains__


def _unseen(facts: Facts) -> Callable[[str], bool]:
    seen = facts.marks.seen()
    return lambda pid: pid not in seen


def _new(facts: Facts) -> Callable[[str], bool]:
    return facts.new().__contains__


def _noted(facts: Facts) -> Callable[[str], bool]:
    return facts.marks.noted().__contains__


_IS: dict[str, Filter] = {
    "starred": Filter("is:starred", "starred", _starred, "is:starred", kept=lambda facts: facts.marks.starred()),
    "seen": Filter("is:seen", "seen", _seen, "is:seen"),
    "unseen": Filter("is:unseen", "not seen", _unseen, "is:unseen"),
    "new": Filter("is:new", "new", _new, "is:new"),
    "repeat": Filter("is:repeat", "repeats", None, "is:repeat", keep_paper=lambda facts: triage.is_repeat),
}
_HAS_NOTE = Filter("has:note", "with notes", _noted, "has:note", kept=lambda facts: facts.marks.noted())


def _note_holds(value: str, token: str) -> Filter:
    wanted = value.casefold()
    if not wanted:
        raise QueryError(f"{token!r}: give a word after note:")

    def keep(facts: Facts) -> Callable[[str], bool]:
        notes = getattr(facts.marks, "notes", None)
        texts = {n.paper_id: n.text.casefold() for n in notes()} if callable(notes) else {}
        return lambda pid: wanted in texts.get(pid, "")

    return Filter(token, f"note holds {value}", keep, token)


def _dump_named(value: str, token: str) -> Filter:
    wanted = value.casefold()
    if not wanted:
        raise QueryError(f"{token!r}: give (part of) a dump's file name after dump:")

    def test(paper: Paper) -> bool:
        return any(wanted in Path(d.path).name.casefold() for d in paper.dumps)

    return Filter(token, f"dump {value}", None, token, keep_paper=lambda facts: test)


def _dated(value: str, token: str) -> Filter:
    first_text, _, last_text = value.partition("..")
    try:
        first = dt.date.fromisoformat(first_text) if first_text else dt.date.min
        last = dt.date.fromisoformat(last_text) if last_text else (dt.date.max if ".." in value else first)
    except ValueError:
        raise QueryError(f"{token!r}: write a day as 2024-03-14, or a range as 2024-03-01..2024-03-14") from None
    if last < first:
        first, last = last, first

    def test(paper: Paper) -> bool:
        return any(d.date is not None and first <= d.date <= last for d in paper.dumps)

    return Filter(token, f"dated {value}", None, token, keep_paper=lambda facts: test)


def _upvotes(value: str, token: str) -> Filter:
    low, dots, high = value.partition("..")
    compare: Callable[[int], bool]
    if dots and low.isdigit() and high.isdigit():
        lowest, highest = int(low), int(high)
        compare = lambda count: lowest <= count <= highest  # noqa: E731
    else:
        match = _COMPARE.fullmatch(value)
        if match is None:
            raise QueryError(f"{token!r}: write upvotes:>50, upvotes:<=10, upvotes:=3 or upvotes:10..50")
        op, limit = _OPERATORS[match[1] or "="], int(match[2])
        compare = lambda count: op(count, limit)  # noqa: E731

    def test(paper: Paper) -> bool:
        return paper.meta.upvotes is not None and compare(paper.meta.upvotes)

    return Filter(token, f"upvotes {value}", None, token, keep_paper=lambda facts: test)
