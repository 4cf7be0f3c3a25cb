"""Query text -> ranked paper IDs, stored papers, and highlight spans.

Whoosh's query language over title (boosted) and abstract: `title:`,
`abstract:`, "phrases", AND/OR/NOT, wildcards and fuzzy terms (`word~`).
Every string a person can type gives results or a QueryError, and no query
is allowed to get expensive: wildcards and fuzzy terms are expanded here,
bounded to their most common words, and every step runs against a time
budget. A search that runs out of time returns what it found so far and
says so (`partial`).
"""

from __future__ import annotations

import heapq
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import whoosh.index
from whoosh import query as wq
from whoosh.collectors import Collector, WrappingCollector
from whoosh.qparser import FuzzyTermPlugin, MultifieldParser
from whoosh.qparser.common import QueryParserError
from whoosh.reading import IndexReader
from whoosh.searching import Searcher

from .errors import IndexReadError, QueryError
from .generations import Snapshot
from .index import make_schema, paper_from_fields, take_snapshot
from .models import Paper
from .text import clean_text
from .views import Sort

SEARCH_FIELDS = ("title", "abstract")
MAX_QUERY_CHARS = 1_000
# A wildcard or fuzzy term stands for at most this many words (the most
# common ones): `pro*` over 100k papers would otherwise take minutes.
MAX_EXPANSION = 64
MAX_FUZZY = 2
# Seconds a search may take (expanding wildcards and fuzzy terms, then
# collecting hits) before it returns what it has found; and the "did you
# mean" step. Generous for a normal query, which takes well under a second
# on 100k papers (docs/benchmarks.md).
SEARCH_BUDGET = 3.0
SUGGEST_BUDGET = 1.0
# No real word is longer: a longer one gets no suggestion and no fuzzy scan.
MAX_WORD = 40
_MINUS = re.compile(r"(?<![\w:\-])-(?=[\w\"(])")
_FIELD_ALONE = re.compile(r"(?<!\S)(\w+):(?=\s|$)")
_TOKEN_SPLIT = re.compile(r"\s+")


class Budget:
    """A deadline for one search (None: no limit)."""

    def __init__(self, seconds: float | None) -> None:
        self.deadline = time.monotonic() + seconds if seconds is not None else float("inf")
        self.ran_out = False

    def over(self) -> bool:
        if not self.ran_out and time.monotonic() > self.deadline:
            self.ran_out = True
        return self.ran_out

    def share(self, fraction: float) -> Budget:
        """A budget ending `fraction` of the way from now to this deadline."""
        part = Budget(None)
        if self.deadline != float("inf"):
            now = time.monotonic()
            part.deadline = now + max(0.0, self.deadline - now) * fraction
        return part


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    """A query ready to run, with what was changed to keep it cheap."""

    text: str
    query: wq.Query
    notices: tuple[str, ...]
    partial: bool = False  # a word list was cut short by the time budget
    note_words: tuple[str, ...] = ()  # the query's `note:` texts, highlighted in notes

    @property
    def is_everything(self) -> bool:
        return isinstance(self.query, wq.Every)

    def terms(self) -> dict[str, set[str]]:
        """Analysed terms by field, for highlighting."""
        found: dict[str, set[str]] = {}
        for field, text in self.query.iter_all_terms(phrases=True):
            value = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
            found.setdefault(field, set()).add(value)
        return found


def _parser() -> MultifieldParser:
    parser = MultifieldParser(list(SEARCH_FIELDS), make_schema(), fieldboosts={"title": 2.0})
    parser.add_plugin(FuzzyTermPlugin())
    return parser


_PARSER = _parser()
_SCHEMA = make_schema()
_PARSER_LOCK = threading.Lock()


def prepare_text(text: str) -> tuple[str, list[str]]:
    """Clean raw input: no control characters, bounded length."""
    notices: list[str] = []
    text = clean_text(re.sub(r"[\x00-\x1f\x7f-\x9f]", " ", text))
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS]
        notices.append(f"query cut to its first {MAX_QUERY_CHARS} characters")
    # `title:` with nothing after it searches nothing; drop the dangling field.
    text = _FIELD_ALONE.sub(" ", text).strip()
    # `-word` (and `-"a phrase"`, `-(a OR b)`) excludes, as in web search
    # engines; Whoosh's default syntax only knows `NOT word`. A hyphen inside
    # a word (`key-value`) is left alone.
    text = _MINUS.sub("NOT ", text)
    return text, notices


def parse_query(text: str, searcher: Searcher | None = None, budget: Budget | None = None) -> ParsedQuery:
    """Parse query text; with a searcher, expand wildcards and fuzzy terms
    against the index, bounded in count and time. Raises QueryError with a
    readable message."""
    cleaned, notices = prepare_text(text)
    if not cleaned or cleaned in {"*", "*:*"}:
        return ParsedQuery(text, wq.Every(), tuple(notices))
    try:
        with _PARSER_LOCK:
            parsed = _PARSER.parse(cleaned)
    except QueryParserError as error:
        raise QueryError(f"cannot read the query {cleaned!r}: {error}") from error
    except Exception as error:  # noqa: BLE001 - whoosh raises assorted errors on odd input
        raise QueryError(f"cannot read the query {cleaned!r}: {error}") from error
    if parsed is wq.NullQuery:
        raise QueryError(f"nothing to search for in {cleaned!r} (only common words or symbols?)")
    partial = False
    if searcher is not None:
        budget = budget or Budget(None)
        parsed = _bound_expansions(parsed, searcher.reader(), notices, budget)
        partial = budget.ran_out
        if partial:
            _notice(notices, "the search ran out of time expanding wildcards or fuzzy words: used those found so far")
    return ParsedQuery(text, parsed, tuple(notices), partial)


def _bound_expansions(node: wq.Query, reader: IndexReader, notices: list[str], budget: Budget) -> wq.Query:
    if isinstance(node, wq.FuzzyTerm) and node.maxdist > MAX_FUZZY:
        node = node.copy()
        node.maxdist = MAX_FUZZY
        _notice(notices, f"fuzzy terms allow at most {MAX_FUZZY} edits")
    if isinstance(node, wq.MultiTerm) and not isinstance(node, wq.Every):
        field = node.field()
        words, many = _expand(node, reader, field, budget)
        if many:
            label = getattr(node, "text", str(node))
            _notice(notices, f"{label!r} matches many words; searched its {MAX_EXPANSION} most common")
        if not words:
            return wq.NullQuery
        return wq.Or([wq.Term(field, w, boost=node.boost) for w in words])
    if node.is_leaf():
        return node
    return node.apply(lambda child: _bound_expansions(child, reader, notices, budget))


def _expand(node: wq.MultiTerm, reader: IndexReader, field: str, budget: Budget) -> tuple[list[str], bool]:
    """The words a wildcard, prefix, range or fuzzy term stands for: at most
    MAX_EXPANSION (closest, then most common first), found before the budget
    runs out. Also says whether more words matched than were kept."""
    best: list[tuple[int, int, str]] = []  # a heap of (-distance, frequency, word): worst on top
    matched = 0
    for distance, word in _candidates(node, reader, field, budget):
        matched += 1
        entry = (-distance, reader.doc_frequency(field, word), word)
        if len(best) < MAX_EXPANSION:
            heapq.heappush(best, entry)
        elif entry > best[0]:
            heapq.heapreplace(best, entry)
    return [word for _distance, _freq, word in sorted(best, reverse=True)], matched > MAX_EXPANSION


def _candidates(node: wq.MultiTerm, reader: IndexReader, field: str, budget: Budget) -> Iterator[tuple[int, str]]:
    """(edit distance, word) for each word of the field the node matches;
    stops when the budget runs out (checked every few hundred words)."""
    if field not in reader.schema:
        return
    if isinstance(node, wq.FuzzyTerm):
        text = str(node.text)
        if len(text) > MAX_WORD:
            return
        prefix = text[: node.prefixlength]
        for number, raw in enumerate(reader.expand_prefix(field, prefix)):
            if number % 256 == 0 and budget.over():
                return
            word = _as_str(raw)
            distance = edits_within(text, word, int(node.maxdist))
            if distance is not None:
                yield distance, word
        return
    if isinstance(node, (wq.Wildcard, wq.Prefix)):
        text = str(node.text)
        if isinstance(node, wq.Prefix):
            prefix, pattern = text, None
        else:
            prefix = re.split(r"[*?]", text, maxsplit=1)[0]
            pattern = re.compile(_glob_regex(text), re.DOTALL)
        for number, raw in enumerate(reader.expand_prefix(field, prefix)):
            if number % 256 == 0 and budget.over():
                return
            word = _as_str(raw)
            if pattern is None or pattern.fullmatch(word):
                yield 0, word
        return
    # Ranges and other expanding terms: Whoosh's own expansion, watched.
    for number, (_field, raw) in enumerate(node.expanded_terms(reader)):
        if number % 256 == 0 and budget.over():
            return
        yield 0, _as_str(raw)


def _glob_regex(pattern: str) -> str:
    return "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)


def edits_within(a: str, b: str, limit: int) -> int | None:
    """The Damerau-Levenshtein distance of a and b (adjacent swaps count
    one), if it is at most `limit`; else None. Gives up as soon as a row
    of the table passes the limit."""
    if abs(len(a) - len(b)) > limit:
        return None
    if a == b:
        return 0
    before: list[int] | None = None
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        char = a[i - 1]
        current = [i] + [0] * len(b)
        lowest = i
        for j in range(1, len(b) + 1):
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char != b[j - 1]))
            if before is not None and j > 1 and char == b[j - 2] and a[i - 2] == b[j - 1]:
                value = min(value, before[j - 2] + 1)
            current[j] = value
            lowest = min(lowest, value)
        if lowest > limit:
            return None
        before, previous = previous, current
    return previous[-1] if previous[-1] <= limit else None


def _notice(notices: list[str], text: str) -> None:
    if text not in notices:
        notices.append(text)


class IdMap:
    """Document number <-> paper ID, and every paper newest first, for one
    index generation (shared by threads). Read from the generation's file
    (`generations.py`) when there is one, else from the index's columns."""

    def __init__(self, searcher: Searcher | None = None, snapshot: Snapshot | None = None) -> None:
        if snapshot is None:
            if searcher is None:
                raise TypeError("IdMap needs a searcher or a snapshot")
            reader = searcher.reader()
            generation = reader.generation()
            snapshot = take_snapshot(reader, generation if generation is not None else -1)
            self.from_file = False
        else:
            self.from_file = True
        self.snapshot = snapshot
        self.ids: list[str] = snapshot.ids
        self._docnums: dict[str, int] | None = None

    @property
    def docnums(self) -> dict[str, int]:
        """Paper ID -> document number, built when first asked for (29 ms at 100k)."""
        if self._docnums is None:
            self._docnums = {pid: number for number, pid in enumerate(self.ids) if pid}
        return self._docnums

    def newest_first(self) -> list[str]:
        """Every paper, newest first, then in the order its page listed it."""
        return self.snapshot.newest_first_ids()


def _as_str(value: Any) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


class _Deadline(WrappingCollector):  # type: ignore[misc]
    """Stops collecting hits when the budget runs out; what was collected
    stays a valid (partial) result."""

    def __init__(self, child: Collector, budget: Budget) -> None:
        super().__init__(child)
        self.budget = budget

    def collect_matches(self) -> None:
        child = self.child
        for count, number in enumerate(child.matches()):
            if count % 64 == 0 and self.budget.over():
                return
            child.collect(number)


class PaperSearcher:
    """Runs queries against one generation of the index. One instance per thread."""

    def __init__(
        self,
        index: whoosh.index.Index,
        generation: int = -1,
        shared: Callable[[int], IdMap | None] | None = None,
    ) -> None:
        """`generation`: the one on disk when the index was opened; `shared`
        finds an IdMap other threads built for the same generation."""
        self.searcher = index.searcher()
        try:
            reader_generation = self.searcher.reader().generation()
            # An index with no segments reads as Whoosh's EmptyReader, which has no generation.
            self.generation: int = reader_generation if reader_generation is not None else generation
            found = shared(self.generation) if shared is not None else None
            self.id_map = found or IdMap(self.searcher)
        except BaseException:
            self.searcher.close()
            raise

    def close(self) -> None:
        self.searcher.close()

    @property
    def total(self) -> int:
        return int(self.searcher.doc_count())

    def search(
        self, text: str, sort: Sort = Sort.RELEVANCE, limit: int | None = None, budget: Budget | None = None
    ) -> tuple[list[str], dict[str, float], ParsedQuery]:
        """IDs of matching papers, ranked, with their scores. Within the
        budget: expansions get half of it, collecting hits the rest."""
        budget = budget or Budget(None)
        try:
            parsed = parse_query(text, self.searcher, budget.share(0.5))
        except QueryError:
            raise
        except Exception as error:  # noqa: BLE001 - a damaged or replaced index
            raise IndexReadError(f"the index could not be read ({error!r})") from error
        if parsed.query is wq.NullQuery:
            return [], {}, parsed
        sortedby, reverse = sort.index_field, sort.reverse
        if sortedby is None and parsed.is_everything:
            sortedby, reverse = "order", True  # no rank without a query: newest first, in page order
        try:
            collector = _Deadline(self.searcher.collector(limit=limit, sortedby=sortedby, reverse=reverse), budget)
            self.searcher.search_with_collector(parsed.query, collector)
            docs = list(collector.results().items())
        except Exception as error:  # noqa: BLE001 - a damaged or replaced index
            raise IndexReadError(f"the index could not be read ({error!r})") from error
        ids = self.id_map.ids
        if any(number >= len(ids) for number, _score in docs):
            raise IndexReadError("the index changed while it was searched")
        ranked = [ids[number] for number, _score in docs]
        # With sortedby, Whoosh gives the sort key in place of a score.
        scores = {} if sortedby else {ids[number]: float(score or 0.0) for number, score in docs}
        if budget.ran_out and not parsed.partial:
            parsed = ParsedQuery(parsed.text, parsed.query, parsed.notices, True)
        return ranked, scores, parsed

    def papers(self, paper_ids: Iterable[str]) -> dict[str, Paper]:
        found: dict[str, Paper] = {}
        for pid in paper_ids:
            number = self.id_map.docnums.get(pid)
            if number is not None:
                found[pid] = paper_from_fields(self.searcher.stored_fields(number))
        return found

    def suggest(self, text: str, limit: int = 3, budget: Budget | None = None) -> list[str]:
        """Queries to try instead: unknown words replaced by near, real ones
        (found before the budget runs out)."""
        budget = budget or Budget(None)
        cleaned, _ = prepare_text(text)
        reader = self.searcher.reader()
        options: dict[str, list[str]] = {}
        for word in dict.fromkeys(_TOKEN_SPLIT.split(cleaned)):
            lowered = word.lower()
            if word.isalpha() and 2 < len(word) <= MAX_WORD and not reader.doc_frequency("words", lowered):
                candidates = _near_words(reader, lowered, limit, budget)
                if candidates:
                    options[word] = candidates
            if budget.over():
                break
        suggestions: list[str] = []
        for rank in range(limit):
            suggestion = cleaned
            for word, candidates in options.items():
                suggestion = suggestion.replace(word, candidates[min(rank, len(candidates) - 1)])
            if suggestion != cleaned and suggestion not in suggestions:
                suggestions.append(suggestion)
        return suggestions


def _near_words(reader: IndexReader, word: str, limit: int, budget: Budget) -> list[str]:
    """Real title words within two edits of `word`: closest, then most common."""
    if "words" not in reader.schema:
        return []
    found: list[tuple[int, int, str]] = []
    for number, raw in enumerate(reader.lexicon("words")):
        if number % 256 == 0 and budget.over():
            break
        other = _as_str(raw)
        distance = edits_within(word, other, MAX_FUZZY)
        if distance:
            found.append((distance, -reader.doc_frequency("words", other), other))
    return [other for _distance, _freq, other in sorted(found)[:limit]]


def highlight_spans(text: str, terms: Sequence[str] | set[str], field: str = "abstract") -> list[tuple[int, int]]:
    """Character spans of `text` whose analysed form is one of `terms`."""
    if not terms or not text:
        return []
    wanted = set(terms)
    analyzer = _SCHEMA[field].analyzer
    spans: list[tuple[int, int]] = []
    for token in analyzer(text, chars=True, mode="query", removestops=False):
        if token.text in wanted:
            spans.append((token.startchar, token.endchar))
    return spans


# Notes are the user's words, a few hundred at most: they are not in the
# index (a note changes without a re-index), so a query is checked against
# each note here, as if the note were one more abstract.
def analysed(text: str) -> list[str]:
    """The words of `text` as an abstract's are indexed (stemmed, lower case)."""
    return [t.text for t in _SCHEMA["abstract"].analyzer(text, mode="query", removestops=False)]


def text_matches(query: wq.Query, tokens: list[str]) -> bool:
    """Whether a text (its `analysed` words), read as an abstract, matches the
    parsed query (words, phrases, wildcards, fuzzy terms, AND/OR/NOT; `title:`
    terms never do)."""
    return _matches(query, tokens, set(tokens))


def _matches(node: wq.Query, tokens: list[str], words: set[str]) -> bool:
    if isinstance(node, wq.Every):
        return True
    if isinstance(node, wq.Not):
        return not _matches(node.query, tokens, words)
    if isinstance(node, wq.AndNot):
        return _matches(node.a, tokens, words) and not _matches(node.b, tokens, words)
    if isinstance(node, wq.AndMaybe):
        return _matches(node.a, tokens, words)
    if isinstance(node, wq.And):
        return all(_matches(child, tokens, words) for child in node.subqueries)
    if isinstance(node, wq.Or):
        return any(_matches(child, tokens, words) for child in node.subqueries)
    if getattr(node, "fieldname", None) != "abstract":
        return False
    if isinstance(node, wq.Phrase):
        wanted = [str(word) for word in node.words]
        return any(tokens[at : at + len(wanted)] == wanted for at in range(len(tokens) - len(wanted) + 1))
    if isinstance(node, wq.FuzzyTerm):
        return any(edits_within(str(node.text), word, node.maxdist) is not None for word in words)
    if isinstance(node, wq.Prefix):
        return any(word.startswith(str(node.text)) for word in words)
    if isinstance(node, wq.Wildcard):
        pattern = re.compile(_glob_regex(str(node.text)))
        return any(pattern.fullmatch(word) for word in words)
    if isinstance(node, wq.Term):
        return str(node.text) in words
    return False
