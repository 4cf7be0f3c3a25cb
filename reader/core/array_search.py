"""Relevance search over posting arrays: BM25F scores computed with numpy.

Whoosh scores a query one posting at a time in Python: at 100,000 papers
`model` alone is ~120,000 postings, a quarter of a second per keystroke
(docs/benchmarks.md). Here a query's terms are read as arrays (document
numbers and term frequencies, decoded once per segment and kept in a
`PostingCache`), and scored, combined and ranked a whole array at a time.
The scores are Whoosh's BM25F, from the same constants (`TermStats`), so the
ranking is the one Whoosh gives (tests/unit/test_array_search.py compares
them); sums of many terms may differ from Whoosh's in the last bits, because
Whoosh adds them up in an order of its own.

This module knows no Whoosh: `reader/core/search.py` turns a parsed query
into a `Plan` and gives each segment as a `Segment` that reads postings.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

import numpy as np
import numpy.typing as npt

Docs = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Key = TypeVar("Key")
Value = TypeVar("Value")


# plans: the queries this module answers ------------------------------------------------
@dataclass(frozen=True, slots=True)
class TermPlan:
    field: str
    text: str
    boost: float = 1.0


@dataclass(frozen=True, slots=True)
class PhrasePlan:
    """Words in a row (positions one apart), scored as the sum of their terms."""

    field: str
    words: tuple[str, ...]
    boost: float = 1.0


@dataclass(frozen=True, slots=True)
class AnyOf:
    parts: tuple[Plan, ...]
    boost: float = 1.0


@dataclass(frozen=True, slots=True)
class AllOf:
    parts: tuple[Plan, ...]
    boost: float = 1.0
    # Papers matching none of these (`NOT word` inside an AND); each adds
    # `without_weight` to the score, as Whoosh's inverse matcher does.
    without: tuple[Plan, ...] = ()
    without_weight: float = 1.0


@dataclass(frozen=True, slots=True)
class Without:
    """Papers of `kept` that `dropped` does not match, scored by `kept`."""

    kept: Plan
    dropped: Plan
    boost: float = 1.0


@dataclass(frozen=True, slots=True)
class AlsoMaybe:
    """Papers of `required`, scored more when `optional` matches too."""

    required: Plan
    optional: Plan
    boost: float = 1.0


@dataclass(frozen=True, slots=True)
class Nothing:
    """A query that matches no paper (a word the parser dropped whole)."""


Plan = TermPlan | PhrasePlan | AnyOf | AllOf | Without | AlsoMaybe | Nothing


def has_phrase(plan: Plan) -> bool:
    if isinstance(plan, PhrasePlan):
        return True
    if isinstance(plan, (AnyOf, AllOf)):
        extra = plan.without if isinstance(plan, AllOf) else ()
        return any(has_phrase(part) for part in (*plan.parts, *extra))
    if isinstance(plan, Without):
        return has_phrase(plan.kept) or has_phrase(plan.dropped)
    if isinstance(plan, AlsoMaybe):
        return has_phrase(plan.required) or has_phrase(plan.optional)
    return False


# what a segment gives --------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class TermStats:
    """The BM25F constants of one term, from the whole index (as Whoosh's scorer has them)."""

    idf: float
    avgfl: float
    B: float
    K1: float


@dataclass(frozen=True, slots=True)
class Postings:
    """A term's postings in one segment, as kept in memory (4 + 4 bytes each)."""

    docs: npt.NDArray[np.int32]  # ascending document numbers within the segment
    weights: npt.NDArray[np.float32]  # the term's frequency in each
    # Where the segment's reader finds each block of them again (for
    # positions), one row a block, its last document in the last column.
    blocks: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros((0, 4), np.int64))

    @property
    def nbytes(self) -> int:
        return int(self.docs.nbytes + self.weights.nbytes + self.blocks.nbytes)


EMPTY = Postings(np.zeros(0, np.int32), np.zeros(0, np.float32))


class Segment(Protocol):
    """One segment of the index, as this module reads it."""

    size: int  # documents, deleted ones included

    def postings(self, field: str, text: str) -> Postings: ...

    def lengths(self, field: str) -> Floats: ...

    def live(self) -> npt.NDArray[np.bool_] | None: ...  # None: nothing deleted

    def stats(self, field: str, text: str) -> TermStats: ...

    def positions(self, field: str, text: str, docs: Sequence[int]) -> dict[int, list[int]]: ...


# scored documents ------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Scored:
    """Documents of one segment (ascending) with their scores."""

    docs: Docs
    scores: Floats


_NONE = Scored(np.zeros(0, np.int64), np.zeros(0, np.float64))


def evaluate(plan: Plan, segment: Segment, check_phrases: bool) -> Scored:
    """The documents of a segment a plan matches, with their scores. With
    `check_phrases` False, a phrase matches every document holding all its
    words (candidates: `rank` checks the ones it keeps)."""
    scored = _evaluate(plan, segment, check_phrases)
    live = segment.live()
    if live is None or not len(scored.docs):
        return scored
    keep = live[scored.docs]
    return Scored(scored.docs[keep], scored.scores[keep])


def _evaluate(plan: Plan, segment: Segment, check: bool) -> Scored:
    if isinstance(plan, TermPlan):
        return _boosted(_term(plan.field, plan.text, segment), plan.boost)
    if isinstance(plan, PhrasePlan):
        return _boosted(_phrase(plan, segment, check), plan.boost)
    if isinstance(plan, AnyOf):
        return _boosted(_union([_evaluate(part, segment, check) for part in plan.parts]), plan.boost)
    if isinstance(plan, AllOf):
        found = _intersection([_evaluate(part, segment, check) for part in plan.parts])
        for dropped in plan.without:
            found = _minus(found, _evaluate(dropped, segment, True).docs)
            found = Scored(found.docs, found.scores + plan.without_weight)
        return _boosted(found, plan.boost)
    if isinstance(plan, Without):
        excluded = _evaluate(plan.dropped, segment, True).docs
        return _boosted(_minus(_evaluate(plan.kept, segment, check), excluded), plan.boost)
    if isinstance(plan, AlsoMaybe):
        required = _evaluate(plan.required, segment, check)
        optional = _evaluate(plan.optional, segment, True)
        both, at_required, at_optional = np.intersect1d(
            required.docs, optional.docs, assume_unique=True, return_indices=True
        )
        scores = required.scores.copy()
        scores[at_required] += optional.scores[at_optional]
        return _boosted(Scored(required.docs, scores), plan.boost)
    return _NONE


def _term(field: str, text: str, segment: Segment) -> Scored:
    found = segment.postings(field, text)
    if not len(found.docs):
        return _NONE
    stats = segment.stats(field, text)
    docs = found.docs.astype(np.int64)
    lengths = segment.lengths(field)[docs]
    tf = found.weights.astype(np.float64)  # kept as float32, as Whoosh stores them; scored in float64 as Whoosh does
    # Whoosh's bm25() (whoosh/scoring.py), term for term, in float64.
    scores = stats.idf * ((tf * (stats.K1 + 1)) / (tf + stats.K1 * ((1 - stats.B) + stats.B * lengths / stats.avgfl)))
    return Scored(docs, scores)


def _boosted(scored: Scored, boost: float) -> Scored:
    return scored if boost == 1.0 else Scored(scored.docs, scored.scores * boost)


DENSE_UNION = 16  # postings per document number past which a union counts instead of sorting


def _union(parts: list[Scored]) -> Scored:
    parts = [part for part in parts if len(part.docs)]
    if not parts:
        return _NONE
    if len(parts) == 1:
        return parts[0]
    docs = np.concatenate([part.docs for part in parts])
    scores = np.concatenate([part.scores for part in parts])
    # bincount adds each document's scores in the parts' order.
    size = int(docs.max()) + 1
    if len(docs) * DENSE_UNION > size:
        # Many postings (a wildcard's terms): counted over every document
        # number, not sorted (np.unique's sort was ~25 ms of `comp*` at 100k).
        sums = np.bincount(docs, weights=scores, minlength=size)
        found = np.flatnonzero(np.bincount(docs, minlength=size))
        return Scored(found, sums[found].astype(np.float64, copy=False))
    found, where = np.unique(docs, return_inverse=True)
    return Scored(found, np.bincount(where, weights=scores, minlength=len(found)).astype(np.float64, copy=False))


def _intersection(parts: list[Scored]) -> Scored:
    if not parts or any(not len(part.docs) for part in parts):
        return _NONE
    docs, scores = parts[0].docs, parts[0].scores
    for part in parts[1:]:
        mine, theirs = _common(docs, part.docs)
        docs, scores = docs[mine], scores[mine] + part.scores[theirs]
    return Scored(docs, scores)


def _common(docs: Docs, others: Docs) -> tuple[Docs, Docs]:
    """Where the documents two ascending arrays share are, in each: the
    shorter one looked up in the longer (np.intersect1d sorts both
    together: 3x slower for three common words at 100k papers)."""
    if len(docs) > len(others):
        theirs, mine = _common(others, docs)
        return mine, theirs
    at = np.minimum(np.searchsorted(others, docs), len(others) - 1)
    held = others[at] == docs
    return np.flatnonzero(held), at[held]


def _minus(scored: Scored, dropped: Docs) -> Scored:
    if not len(dropped) or not len(scored.docs):
        return scored
    keep = ~np.isin(scored.docs, dropped, assume_unique=True)
    return Scored(scored.docs[keep], scored.scores[keep])


def _phrase(plan: PhrasePlan, segment: Segment, check: bool) -> Scored:
    found = _intersection([_term(plan.field, word, segment) for word in plan.words])
    if not check or not len(found.docs):
        return found
    keep = in_a_row(plan, segment, found.docs.tolist())
    mask = np.isin(found.docs, np.fromiter(keep, np.int64, len(keep)), assume_unique=True)
    return Scored(found.docs[mask], found.scores[mask])


def in_a_row(plan: PhrasePlan, segment: Segment, docs: Sequence[int]) -> set[int]:
    """Which of `docs` (ascending) hold the phrase's words at consecutive positions."""
    if not docs:
        return set()
    found: list[dict[int, list[int]]] = [segment.positions(plan.field, word, docs) for word in plan.words]
    kept: set[int] = set()
    for doc in docs:
        lists = [positions.get(doc) for positions in found]
        if any(not positions for positions in lists):
            continue
        starts = set(lists[0] or ())
        for step, positions in enumerate(lists[1:], start=1):
            starts &= {position - step for position in positions or ()}
            if not starts:
                break
        if starts:
            kept.add(doc)
    return kept


# ranking ---------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Ranked:
    """The best documents (global numbers, best first) with their scores,
    and how many documents match: exact, or estimated (phrases not all checked)."""

    docs: list[tuple[int, float]]
    count: int
    exact: bool


def rank(
    plan: Plan,
    segments: Sequence[tuple[Segment, int]],
    limit: int | None,
    over: Callable[[], bool] = lambda: False,
) -> Ranked:
    """Score a plan over every segment (with its document offset) and keep
    the best `limit` (all when None), ordered as Whoosh orders hits: higher
    score first, then lower document number. A plan with phrases checks its
    phrases only for the documents it keeps (`limit`), in rounds."""
    phrases = has_phrase(plan) and limit is not None
    parts: list[tuple[Segment, int, Scored]] = []
    for segment, offset in segments:
        if over():
            break
        parts.append((segment, offset, evaluate(plan, segment, check_phrases=not phrases)))
    docs = np.concatenate([scored.docs + offset for _segment, offset, scored in parts]) if parts else _NONE.docs
    scores = np.concatenate([scored.scores for _s, _o, scored in parts]) if parts else _NONE.scores
    if not phrases:
        return Ranked(_best(docs, scores, limit), len(docs), True)
    assert limit is not None
    return _checked_best(plan, parts, docs, scores, limit, over)


def _best(docs: Docs, scores: Floats, limit: int | None) -> list[tuple[int, float]]:
    order = np.lexsort((docs, -scores)) if limit is None else _leading(docs, scores, limit)[:limit]
    return list(zip(docs[order].tolist(), scores[order].tolist(), strict=True))


def _checked_best(
    plan: Plan,
    parts: list[tuple[Segment, int, Scored]],
    docs: Docs,
    scores: Floats,
    limit: int,
    over: Callable[[], bool],
) -> Ranked:
    """The best `limit` documents of a plan with phrases. Unchecked, a
    document scores at least what it truly scores (a phrase that does not
    hold only takes its words' scores away), so candidates are checked best
    first, in rounds, until `limit` checked ones score above every candidate
    left. The count is the candidates times the share of checked ones that
    held (exact when all were checked)."""
    order = _leading(docs, scores, 4 * limit)  # more are ordered if the checks get that far
    kept: list[tuple[float, int]] = []  # (-score, document): sorted, the best first
    checked = 0
    bounds = [offset for _segment, offset, _scored in parts]
    while checked < len(docs) and not over():
        size = max(16, (limit - len(kept)) * 5 // 4)
        if len(order) < min(checked + size, len(docs)):
            order = _leading(docs, scores, 4 * (checked + size))
        if len(kept) >= limit and -kept[limit - 1][0] > scores[order[checked]]:
            break
        batch = order[checked : checked + size]
        checked += len(batch)
        kept.extend((-score, doc) for doc, score in _rescored(plan, parts, bounds, docs[batch]).items())
        kept.sort()
    held = [(doc, -negative) for negative, doc in kept]
    if checked >= len(docs):
        return Ranked(held[:limit], len(held), True)
    share = len(held) / checked if checked else 0.0
    return Ranked(held[:limit], max(len(held), round(share * len(docs))), False)


def _leading(docs: Docs, scores: Floats, count: int) -> Docs:
    """The positions of the best `count` documents (with any tied with the
    last), best first: a prefix of the order of them all (sorting every
    candidate of three common words took ~5 ms at 100k papers)."""
    if count < len(scores):
        cut = np.partition(scores, len(scores) - count)[len(scores) - count]
        some = np.flatnonzero(scores >= cut)
        return some[np.lexsort((docs[some], -scores[some]))]
    return np.lexsort((docs, -scores))


def _rescored(plan: Plan, parts: list[tuple[Segment, int, Scored]], bounds: list[int], docs: Docs) -> dict[int, float]:
    """The true scores of the candidates (global numbers) that match the plan, phrases checked."""
    found: dict[int, float] = {}
    ends = [*bounds[1:], None]
    for (segment, offset, _scored), end in zip(parts, ends, strict=True):
        mine = docs[docs >= offset] if end is None else docs[(docs >= offset) & (docs < end)]
        if len(mine):
            scored = _evaluate(plan, _Only(segment, np.sort(mine - offset)), check=True)
            found.update(zip((scored.docs + offset).tolist(), scored.scores.tolist(), strict=True))
    return found


class _Only:
    """A segment seen through some of its documents (ascending): a plan's
    postings narrowed to them, so a phrase is checked for those only."""

    def __init__(self, segment: Segment, docs: Docs) -> None:
        self.segment = segment
        self.docs = docs
        self.size = segment.size

    def postings(self, field: str, text: str) -> Postings:
        found = self.segment.postings(field, text)
        at = np.searchsorted(found.docs, self.docs)
        inside = at < len(found.docs)
        at = at[inside][found.docs[at[inside]] == self.docs[inside]]
        return Postings(found.docs[at], found.weights[at])

    def lengths(self, field: str) -> Floats:
        return self.segment.lengths(field)

    def live(self) -> npt.NDArray[np.bool_] | None:
        return self.segment.live()

    def stats(self, field: str, text: str) -> TermStats:
        return self.segment.stats(field, text)

    def positions(self, field: str, text: str, docs: Sequence[int]) -> dict[int, list[int]]:
        return self.segment.positions(field, text, docs)


def count(plan: Plan, segments: Sequence[Segment], over: Callable[[], bool] = lambda: False) -> list[Docs]:
    """Every segment's matching documents, phrases checked."""
    found: list[Docs] = []
    for segment in segments:
        if over():
            break
        found.append(evaluate(plan, segment, check_phrases=True).docs)
    return found


# decoded postings, kept between searches -----------------------------------------------
class SizedCache(Generic[Key, Value]):
    """Values by key, the least recently used dropped past `max_bytes` (as
    `size` counts them). Shared by threads; a value is read outside the lock."""

    def __init__(self, max_bytes: int, size: Callable[[Value], int]) -> None:
        self.max_bytes = max_bytes
        self.bytes = 0
        self._size = size
        self._kept: OrderedDict[Key, tuple[Value, int]] = OrderedDict()
        self._lock = threading.Lock()

    def __contains__(self, key: object) -> bool:
        with self._lock:
            return key in self._kept

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()
            self.bytes = 0

    def get(self, key: Key, read: Callable[[], Value]) -> Value:
        with self._lock:
            found = self._kept.get(key)
            if found is not None:
                self._kept.move_to_end(key)
                return found[0]
        value = read()
        size = self._size(value)
        with self._lock:
            if key not in self._kept and size <= self.max_bytes:
                self._kept[key] = (value, size)
                self.bytes += size
                while self.bytes > self.max_bytes:
                    _key, (_dropped, dropped_size) = self._kept.popitem(last=False)
                    self.bytes -= dropped_size
        return value


class PostingCache(SizedCache[tuple[str, str, str], Postings]):
    """Decoded postings by (segment, field, term). Segments never change, so
    what is kept stays right for every generation that holds the segment."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(max_bytes, lambda postings: postings.nbytes)
