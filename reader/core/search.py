"""Query text -> ranked paper IDs, stored papers, and highlight spans.

Whoosh's query language over title (boosted) and abstract: `title:`,
`abstract:`, "phrases", AND/OR/NOT, wildcards and fuzzy terms (`word~`).
Every string a person can type gives results or a QueryError, and no query
is allowed to get expensive: wildcards and fuzzy terms are expanded here
from the index's vocabulary (`vocabulary.py`: words as typed, not stems),
bounded to their most common words, and every step runs against a time
budget. A search that runs out of time returns what it found so far and
says so (`partial`).

The keystroke path asks for the first screenful only (`limit`): Whoosh then
skips blocks of postings that cannot reach the top, and the number of hits
is an estimate until `count` (or a search without a limit) gives the exact
one. While the user is still typing (`typing`), the last word stands for its
most frequent completions, so `specu` already finds speculative decoding.
"""

from __future__ import annotations

import contextlib
import hashlib
import heapq
import math
import os
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import whoosh.index
from whoosh import query as wq
from whoosh.analysis import STOP_WORDS
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, WHOOSH3_HEADER_MAGIC, W3TermsReader
from whoosh.collectors import Collector, WrappingCollector
from whoosh.columns import NumericColumn
from whoosh.matching import FilterMatcher
from whoosh.qparser import FuzzyTermPlugin, MultifieldParser
from whoosh.qparser.common import QueryParserError
from whoosh.reading import IndexReader, TermNotFound
from whoosh.scoring import BM25F
from whoosh.searching import Searcher
from whoosh.util.numeric import byte_to_length

from . import array_search, posting_blocks
from .array_search import AllOf, AlsoMaybe, AnyOf, Nothing, PhrasePlan, Plan, Postings, TermPlan, TermStats, Without
from .budget import Budget
from .errors import IndexReadError, QueryError
from .generations import Snapshot
from .index import make_schema, paper_from_fields, take_snapshot
from .models import Paper
from .text import clean_text
from .views import Sort
from .vocabulary import Vocabulary, load_vocabulary, merged_counts, save_vocabulary, vocabulary_path

SEARCH_FIELDS = ("title", "abstract")
MAX_QUERY_CHARS = 1_000
# A wildcard or fuzzy term stands for at most this many words (the most
# common ones): `pro*` over 100k papers would otherwise take minutes.
MAX_EXPANSION = 64
MAX_FUZZY = 2
# No real word is longer: a longer one gets no suggestion and no fuzzy scan.
MAX_WORD = 40
# A half-typed last word stands for this many of its most frequent
# completions, once it has this many letters (shorter ones are searched as
# typed: `s` would stand for the most common words of the library).
COMPLETIONS = 8
# A wildcard's or half-typed word's union of at least this many terms, found
# in this share of papers in all, is read as one array (`_PreloadedOr`).
PRELOADED_MIN_TERMS = 4
PRELOADED_SHARE = 0.1
MIN_COMPLETION = 3
# A query of more terms than this is scored in full even for a screenful:
# Whoosh's block-quality skipping over a union of many terms costs more than
# it saves (`comp*` at 100k: 10.8 s with a limit, 3.7 s without;
# docs/benchmarks.md, "Top screenful vs all hits").
MAX_LIMITED_TERMS = 24
# A word as Whoosh's default tokenizer sees one (`RegexTokenizer`).
_WORD = re.compile(r"\w+(?:\.?\w+)*")
_MINUS = re.compile(r"(?<![\w:\-])-(?=[\w\"(])")
_FIELD_ALONE = re.compile(r"(?<!\S)(\w+):(?=\s|$)")
_TOKEN_SPLIT = re.compile(r"\s+")
# The last word of a query, when it is a plain word (not a field, a phrase's, a wildcard or a fuzzy term).
_LAST_WORD = re.compile(r"(?:^|(?<=[\s(]))([^\W_][\w']*)$")
_FUZZY_WORD = re.compile(r"(?<![\w:])(?:\w+:)?([^\W_][\w']*)~")
_PREFIX_WORD = re.compile(r"(?<![\w:])(?:\w+:)?([^\W_][\w']*)\*(?![\w*?])")
_OPERATORS = frozenset({"AND", "OR", "NOT", "TO", "ANDNOT", "ANDMAYBE"})


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


def half_typed_word(text: str) -> str:
    """The last word of cleaned query text if it may be a word still being
    typed (a plain word of MIN_COMPLETION letters or more, outside a phrase,
    at the very end); else ''."""
    found = _LAST_WORD.search(text)
    if found is None or text.count('"') % 2:
        return ""
    word = found.group(1)
    if len(word) < MIN_COMPLETION or word in _OPERATORS or len(word) > MAX_WORD:
        return ""
    return word


def parse_query(
    text: str,
    searcher: Searcher | None = None,
    budget: Budget | None = None,
    vocabulary: Vocabulary | None = None,
    typing: bool = False,
) -> ParsedQuery:
    """Parse query text. With a vocabulary, wildcards, fuzzy terms and (when
    `typing`) the half-typed last word become the words they stand for,
    bounded in count and time; with a searcher, so do ranges and terms of
    fields the vocabulary does not cover. Raises QueryError with a readable
    message."""
    cleaned, notices = prepare_text(text)
    if not cleaned or cleaned in {"*", "*:*"}:
        return ParsedQuery(text, wq.Every(), tuple(notices))
    completing = half_typed_word(cleaned) if typing and vocabulary is not None else ""
    if completing:
        cleaned = f"{cleaned}*"
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
    if searcher is not None or vocabulary is not None:
        budget = budget or Budget(None)
        expander = _Expander(
            searcher.reader() if searcher is not None else None,
            vocabulary,
            _typed_words(cleaned, _FUZZY_WORD),
            _typed_words(cleaned, _PREFIX_WORD),
            completing.lower(),
            notices,
            budget,
        )
        parsed = expander.bound(parsed)
        partial = budget.ran_out
        if partial:
            _notice(notices, "the search ran out of time expanding wildcards or fuzzy words: used those found so far")
    return ParsedQuery(text, parsed, tuple(notices), partial)


def _typed_words(text: str, pattern: re.Pattern[str]) -> dict[tuple[str, str], str]:
    """(field, analysed text) -> the word as typed, for each fuzzy term or
    prefix: the parser stems `speculatve~` and `cache*` (`cach`), the
    vocabulary holds words as typed."""
    found: dict[tuple[str, str], str] = {}
    for match in pattern.finditer(text):
        word = match.group(1).lower()
        for field in SEARCH_FIELDS:
            for analysed in analysed_words(field, word):
                found.setdefault((field, analysed), word)
    return found


def analysed_words(field: str, word: str) -> list[str]:
    """What the field's analyzer makes of a word (its stem; nothing for a stop word)."""
    analyzer = _SCHEMA[field].analyzer
    return [token.text for token in analyzer(word, mode="query")]


class _Expander:
    """Replaces each wildcard, fuzzy term and half-typed word of a query by
    the words it stands for (an OR of terms), bounded to the most common."""

    def __init__(
        self,
        reader: IndexReader | None,
        vocabulary: Vocabulary | None,
        fuzzy_words: dict[tuple[str, str], str],
        prefix_words: dict[tuple[str, str], str],
        completing: str,
        notices: list[str],
        budget: Budget,
    ) -> None:
        self.reader = reader
        self.vocabulary = vocabulary
        self.fuzzy_words = fuzzy_words
        self.prefix_words = prefix_words
        self.completing = completing
        self.notices = notices
        self.budget = budget

    def bound(self, node: wq.Query) -> wq.Query:
        if isinstance(node, wq.FuzzyTerm) and node.maxdist > MAX_FUZZY:
            node = node.copy()
            node.maxdist = MAX_FUZZY
            _notice(self.notices, f"fuzzy terms allow at most {MAX_FUZZY} edits")
        if isinstance(node, wq.MultiTerm) and not isinstance(node, wq.Every):
            field = node.field()
            common = False
            if self.vocabulary is not None and field in SEARCH_FIELDS and isinstance(node, _FROM_VOCABULARY):
                terms, many, common = self._from_vocabulary(node, field, self.vocabulary)
            elif self.reader is not None:
                terms, many = _expand(node, self.reader, field, self.budget)
            else:
                return node
            if many:
                label = getattr(node, "text", str(node))
                _notice(self.notices, f"{label!r} matches many words; searched its {MAX_EXPANSION} most common")
            if not terms:
                return wq.NullQuery
            union = [wq.Term(field, term, boost=node.boost) for term in terms]
            return _PreloadedOr(union) if common and len(union) >= PRELOADED_MIN_TERMS else wq.Or(union)
        if node.is_leaf():
            return node
        return node.apply(self.bound)

    def _from_vocabulary(self, node: wq.MultiTerm, field: str, vocabulary: Vocabulary) -> tuple[list[str], bool, bool]:
        """The field's terms (stems) of the words the node stands for,
        whether more words matched than were kept, and whether the words are
        common (a wildcard's or a completion's, in PRELOADED_SHARE of the
        papers in all). Nothing once the budget has run out (each look-up
        takes milliseconds: checked between them)."""
        text = str(node.text)
        if self.budget.over():
            return [], False, False
        if isinstance(node, wq.FuzzyTerm):
            typed = self.fuzzy_words.get((field, text), text)
            if len(typed) > MAX_WORD:
                return [], False, False
            words = [word for word, _edits in vocabulary.near(typed, int(node.maxdist))]
            return _field_terms(field, words, MAX_EXPANSION), False, False
        if isinstance(node, wq.Prefix):
            prefix, pattern = self.prefix_words.get((field, text), text), None
            if prefix == self.completing:
                # A word the library has no completion of stays itself (a note may hold it).
                completions = _completions(vocabulary, prefix) or [prefix]
                return _field_terms(field, completions, COMPLETIONS), False, _common(vocabulary, completions)
        else:
            prefix = re.split(r"[*?]", text, maxsplit=1)[0]
            pattern = re.compile(_glob_regex(text), re.DOTALL)
        words, matched = vocabulary.matching(prefix, pattern, MAX_EXPANSION)
        return _field_terms(field, words, MAX_EXPANSION), matched > MAX_EXPANSION, _common(vocabulary, words)


_FROM_VOCABULARY = (wq.FuzzyTerm, wq.Prefix, wq.Wildcard)


def _common(vocabulary: Vocabulary, words: Sequence[str]) -> bool:
    if vocabulary.papers <= 0:  # not known: Whoosh's own choice
        return False
    return sum(vocabulary.count(word) for word in words) >= PRELOADED_SHARE * vocabulary.papers


class _PreloadedOr(wq.Or):  # type: ignore[misc]
    """A union Whoosh reads term by term into an array of the segment's
    scores, instead of walking a tree of unions one posting at a time.
    Whoosh picks it only for segments of 5,000 papers or fewer; for a
    union of many common terms it is 2-3x faster in big segments too
    (`comp*` 2.9 -> 1.1 s, `spe` 0.7 -> 0.25 s at 100k: docs/benchmarks.md).
    Not for fuzzy terms nor rare ones: the array costs a pass over the
    segment, and those are answered by skipping blocks."""

    matcher_type = wq.Or.ARRAY_MATCHER


def _completions(vocabulary: Vocabulary, prefix: str) -> list[str]:
    """The words a half-typed word stands for: its most frequent
    completions. A prefix that is itself a common word (`model`, `cache`)
    keeps only completions at least a quarter as common: each rarer one
    would cost a term to score for few papers the user likely meant."""
    words = vocabulary.complete(prefix, COMPLETIONS)
    own = vocabulary.count(prefix)
    return [word for word in words if word == prefix or 4 * vocabulary.count(word) >= own]


def _field_terms(field: str, words: Iterable[str], limit: int) -> list[str]:
    """The distinct terms of a field for some words, in their order (many words share a stem)."""
    terms: dict[str, None] = {}
    for word in words:
        for term in analysed_words(field, word):
            terms.setdefault(term, None)
        if len(terms) >= limit:
            break
    return list(terms)[:limit]


def _expand(node: wq.MultiTerm, reader: IndexReader, field: str, budget: Budget) -> tuple[list[str], bool]:
    """The words a wildcard, prefix, range or fuzzy term of a field without
    a vocabulary stands for: at most MAX_EXPANSION (closest, then most
    common first), found before the budget runs out. Also says whether more
    words matched than were kept."""
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


# the vocabulary of an index generation ----------------------------------------------
def vocabulary_folder(index_dir: Path) -> Path:
    """Beside the index folder (a rebuild that deletes the index leaves it,
    but its files are named after the segments they describe)."""
    return index_dir.parent / "vocabulary"


def vocabulary_key(reader: IndexReader) -> int:
    """Names one generation of one index: its segments' IDs (a rebuilt
    index starts counting generations again, with new segments)."""
    names = sorted(_segment_id(leaf) for leaf, _offset in reader.leaf_readers())
    return int.from_bytes(hashlib.blake2b("\n".join(names).encode(), digest_size=6).digest(), "big")


def _segment_id(leaf: IndexReader) -> str:
    segment = getattr(leaf, "segment", None)
    return str(segment().segment_id()) if callable(segment) else ""


def read_vocabulary(reader: IndexReader, folder: Path | None = None) -> Vocabulary:
    """The words of every paper in the index, as typed, with the number of
    papers holding each: added up over the index's segments. A segment's
    words are read from its stored titles and abstracts once, when `folder`
    keeps them (segments never change: a commit reads only its new ones)."""
    if reader.doc_count_all() == 0:
        return Vocabulary()
    parts = [_segment_words(leaf, folder) for leaf, _offset in reader.leaf_readers()]
    if len(parts) == 1:
        return parts[0]
    return Vocabulary(merged_counts(zip(part.words, part.counts, strict=True) for part in parts), reader.doc_count())


def _segment_words(leaf: IndexReader, folder: Path | None) -> Vocabulary:
    name = _segment_id(leaf)
    key = _segment_key(leaf)
    kept = load_vocabulary(folder / "segments", key) if folder is not None and name else None
    if kept is not None and folder is not None:
        with contextlib.suppress(OSError):
            os.utime(vocabulary_path(folder / "segments", key))  # in use: among the newest, kept
        return kept
    words = Vocabulary(_stored_words(leaf), papers=leaf.doc_count())
    if folder is not None and name:
        with contextlib.suppress(OSError):
            save_vocabulary(folder / "segments", key, words, keep=SEGMENT_FILES)
    return words


def _stored_words(leaf: IndexReader) -> Counter[str]:
    """A segment's words counted over its live papers' stored titles and
    abstracts: ~100 us a paper, most of it the regular expression (10 s for
    100k papers). A merged segment's words are added up instead
    (`words_to_merge`)."""
    counts: Counter[str] = Counter()
    live = (
        leaf.all_stored_fields()
        if not leaf.has_deletions()
        else (leaf.stored_fields(n) for n in range(leaf.doc_count_all()) if not leaf.is_deleted(n))
    )
    for fields in live:
        counts.update(_paper_words(fields))
    return counts


def _paper_words(fields: dict[str, Any]) -> set[str]:
    return typed_words(f"{fields.get('title', '')} {fields.get('abstract', '')}")


def _segment_key(leaf: IndexReader) -> int:
    return _key_of_segment(_segment_id(leaf))


def _key_of_segment(segment_id: str) -> int:
    return int.from_bytes(hashlib.blake2b(f"segment {segment_id}".encode(), digest_size=6).digest(), "big")


# A background merge (reader/core/index.py `merge_segments`) writes the
# merged segment's word list as the sum of the lists of the segments it
# replaces, so nobody reads the merged papers' text again.
def words_to_merge(leaf: IndexReader, index_dir: Path) -> Counter[str]:
    """The words of a segment a merge is about to replace, to add up into
    the merged segment's list, so that the sum counts exactly its live
    papers. A kept list counts the papers live when it was read (its
    `papers`) and is not told of deletions since: when it was read before
    any, the deleted papers' words are taken out (a few papers); when it was
    read between two, or there is none, the segment's text is read again (a
    merge takes small segments only: milliseconds). Papers deleted while
    the merge runs are taken out by `unmerge_words`."""
    kept = load_vocabulary(vocabulary_folder(index_dir) / "segments", _segment_key(leaf))
    if kept is None or kept.papers not in (leaf.doc_count(), leaf.doc_count_all()):
        return _stored_words(leaf)
    counts = Counter(dict(zip(kept.words, kept.counts, strict=True)))
    if kept.papers != leaf.doc_count():
        unmerge_words(counts, leaf, (number for number in range(leaf.doc_count_all()) if leaf.is_deleted(number)))
    return counts


def unmerge_words(counts: Counter[str], leaf: IndexReader, numbers: Iterable[int]) -> None:
    """Take the words of papers `numbers` of `leaf` (deleted after
    `words_to_merge` read it) out of `counts`."""
    for number in numbers:
        counts.subtract(_paper_words(leaf.stored_fields(number)))
    for word in [word for word, count in counts.items() if count <= 0]:
        del counts[word]


def save_merged_words(index_dir: Path, segment_id: str, counts: Counter[str], papers: int) -> None:
    """Keep the word list of a merged segment, before the generation that
    holds it is committed (a search of it then never reads its text).
    Best effort: without it, the segment's text is read when needed."""
    with contextlib.suppress(OSError):
        save_vocabulary(
            vocabulary_folder(index_dir) / "segments",
            _key_of_segment(segment_id),
            Vocabulary(counts, papers),
            keep=SEGMENT_FILES,
        )


def typed_words(text: str) -> set[str]:
    """The distinct words of a text as the vocabulary holds them: what
    Whoosh's StandardAnalyzer makes of it (lower case, no stop words, two
    letters or more), by one regular expression (~20 times faster)."""
    words = set(_WORD.findall(text.lower()))
    words -= STOP_WORDS
    return {word for word in words if len(word) > 1}


# Per-segment word lists kept (an index has a few to a few dozen segments).
SEGMENT_FILES = 64


def save_index_vocabulary(index: whoosh.index.Index, index_dir: Path) -> None:
    """Write the vocabulary of the index's newest generation beside it (after
    a commit: a search then loads it in milliseconds). Best effort: without
    the file, a search reads the words from the index itself."""
    folder = vocabulary_folder(index_dir)
    with contextlib.suppress(OSError), index.reader() as reader:
        save_vocabulary(folder, vocabulary_key(reader), read_vocabulary(reader, folder))
        # The word lists of segments merged away are not needed again.
        live = {vocabulary_path(folder / "segments", _segment_key(leaf)).name for leaf, _ in reader.leaf_readers()}
        for stale in (folder / "segments").glob("vocabulary-*.bin"):
            if stale.name not in live:
                stale.unlink(missing_ok=True)


def index_vocabulary(reader: IndexReader, index_dir: Path | None) -> Vocabulary:
    """The vocabulary written for this generation; else read from the index
    (0.6 s at 100k papers) and written for the next reader. A generation
    committed by another path than the indexer's batches (a repair, a
    merge killed before it wrote the file) gets its file so."""
    if index_dir is None:
        return read_vocabulary(reader)
    key = vocabulary_key(reader)
    found = load_vocabulary(vocabulary_folder(index_dir), key)
    if found is None:
        found = read_vocabulary(reader, vocabulary_folder(index_dir))
        with contextlib.suppress(OSError):
            save_vocabulary(vocabulary_folder(index_dir), key, found)
    return found


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


@dataclass(frozen=True, slots=True)
class Hits:
    """What a search found: IDs in order, their scores (ranked searches),
    and how many papers match (exact, or estimated when only the first
    `limit` were asked for)."""

    ids: list[str]
    scores: dict[str, float]
    parsed: ParsedQuery
    count: int
    exact: bool


def estimate_count(node: wq.Query, reader: IndexReader, total: int) -> float:
    """How many papers a query matches, guessed from its terms' document
    frequencies as if words fell into papers independently (no postings read)."""
    if total <= 0:
        return 0.0
    if isinstance(node, wq.Every):
        return float(total)
    if node is wq.NullQuery:
        return 0.0
    if isinstance(node, wq.Term):
        return float(min(total, reader.doc_frequency(node.fieldname, node.text)))
    if isinstance(node, (wq.Phrase, wq.Ordered, wq.Sequence)):
        parts = (
            [float(min(total, reader.doc_frequency(node.fieldname, word))) for word in node.words]
            if isinstance(node, wq.Phrase)
            else [estimate_count(child, reader, total) for child in node.children()]
        )
        share = 1.0
        for part in parts:
            share *= part / total
        return total * share * 0.5  # in order and adjacent: fewer than all of them anywhere
    if isinstance(node, wq.Not):
        return total - estimate_count(node.query, reader, total)
    children = list(node.children())
    if not children:
        return float(min(total, node.estimate_size(reader)))
    parts = [estimate_count(child, reader, total) / total for child in children]
    if isinstance(node, wq.Or):
        missing = 1.0
        for part in parts:
            missing *= 1.0 - min(1.0, part)
        return total * (1.0 - missing)
    if isinstance(node, wq.AndNot):
        return total * parts[0] * (1.0 - min(1.0, parts[1]))
    if isinstance(node, wq.AndMaybe):
        return total * parts[0]
    share = 1.0  # And, and anything else that narrows
    for part in parts:
        share *= min(1.0, part)
    return total * share


def _term_count(node: wq.Query) -> int:
    return sum(1 for _ in node.leaves()) if not node.is_leaf() else 1


def _matching(node: wq.Query, searcher: Searcher) -> set[int]:
    """The documents of one segment a query matches, as a set: unions and
    intersections of each term's postings read in blocks, three to five
    times faster than walking Whoosh's matcher tree one document at a time."""
    if isinstance(node, wq.Term):
        return set(node.matcher(searcher).all_ids())
    if isinstance(node, wq.Or) and not node.minmatch:
        found: set[int] = set()
        for child in node.children():
            found |= _matching(child, searcher)
        return found
    if isinstance(node, wq.And):
        parts = sorted((_matching(child, searcher) for child in node.children()), key=len)
        return set.intersection(*parts) if parts else set()
    if isinstance(node, wq.AndNot):
        return _matching(node.a, searcher) - _matching(node.b, searcher)
    if isinstance(node, wq.AndMaybe):
        return _matching(node.a, searcher)
    return set(node.docs(searcher))  # phrases, NOT alone, the rest: Whoosh's own walk


def lengths_in_memory(reader: IndexReader) -> None:
    """Keep each segment's field lengths of the searched fields in memory.

    BM25 reads the title and abstract length of every hit it scores. Whoosh,
    without mmap (`open_storage` in index.py), reads each one with a seek and
    a one-byte read: 40% of the CPU of a common word's search at 100k papers
    (docs/benchmarks.md). A length column is one byte a paper; its bytes,
    read once, answer the same lookups (a paper past the column's end has
    length 0, as Whoosh reads it). A Whoosh whose readers are built otherwise
    is left as it is."""
    for leaf, _offset in reader.leaf_readers():
        perdoc = getattr(leaf, "_perdoc", None)
        cache = getattr(perdoc, "_readers", None)
        documents = getattr(perdoc, "_doccount", None)
        if perdoc is None or not isinstance(cache, dict) or not isinstance(documents, int):
            continue
        for field in SEARCH_FIELDS:
            name = f"_{field}_len"
            column = perdoc._cached_reader(name, LENGTHS_COLUMN)
            if not isinstance(column, NumericColumn.Reader) or column._fixedlen != 1 or column._default != 0:
                continue
            data = bytes(column._dbfile.get(column._basepos, column._count))
            cache[name] = data + bytes(max(0, documents - len(data)))


# scoring with arrays (reader/core/array_search.py) -------------------------------------
# Decoded postings kept between searches: 8 bytes a posting, so ~8 million
# postings, the common words of a 100,000-paper library.
POSTING_CACHE = array_search.PostingCache(64 * 1024 * 1024)
# The background warm-up (`PaperSearcher.warm`): words in at least this share
# of papers, at most this much of the cache (the rest is for what is typed).
# At 100k papers: 90 words, ~31 MB, ~2 s (docs/benchmarks.md, "Cold words").
WARM_SHARE = 0.25
WARM_BYTES = 32 * 1024 * 1024
# Decoded blocks of positions, by (segment, field, term, block): typing a
# phrase checks the same best papers again at every key.
BlockValues = tuple[tuple[Any, ...], int]  # posting_blocks.read_block_values: a block's values, their size
BLOCK_VALUES: array_search.SizedCache[tuple[str, str, str, int], BlockValues] = array_search.SizedCache(
    16 * 1024 * 1024, lambda values_and_size: values_and_size[1]
)
# Whoosh's field length byte -> length (whoosh/util/numeric.py).
_LENGTHS = np.array([byte_to_length(code) or 0 for code in range(256)], np.float64)


def query_plan(node: wq.Query) -> Plan | None:
    """The query as array_search answers it; None when some part of it is
    one only Whoosh answers (a range, a field other than title and abstract,
    a phrase with slop, NOT alone...)."""
    if node is wq.NullQuery:
        return Nothing()
    boost = float(node.boost)
    if type(node) is wq.Term and node.fieldname in SEARCH_FIELDS:
        return TermPlan(node.fieldname, _as_str(node.text), boost)
    if type(node) is wq.Phrase and node.fieldname in SEARCH_FIELDS and node.slop == 1 and node.words:
        return PhrasePlan(node.fieldname, tuple(_as_str(word) for word in node.words), boost)
    if isinstance(node, wq.Or) and not node.minmatch and not node.scale:
        parts = _plans(node.subqueries)
        return AnyOf(tuple(parts), boost) if parts is not None else None
    if type(node) is wq.And:
        kept = _plans([child for child in node.subqueries if not isinstance(child, wq.Not)])
        dropped = _plans([child.query for child in node.subqueries if isinstance(child, wq.Not)])
        return AllOf(tuple(kept), boost, tuple(dropped)) if kept and dropped is not None else None
    if type(node) is wq.AndNot:
        kept_plan, dropped_plan = query_plan(node.a), query_plan(node.b)
        return Without(kept_plan, dropped_plan, boost) if kept_plan and dropped_plan else None
    if type(node) is wq.AndMaybe:
        required, optional = query_plan(node.a), query_plan(node.b)
        return AlsoMaybe(required, optional, boost) if required and optional else None
    return None


def _plans(nodes: Iterable[wq.Query]) -> list[Plan] | None:
    """The plans of some queries; None unless every one has one."""
    found = [query_plan(node) for node in nodes]
    return [plan for plan in found if plan is not None] if all(plan is not None for plan in found) else None


class _ArraySegment:
    """One segment of a searcher, read as array_search reads it."""

    def __init__(self, leaf: IndexReader, postfile: Any, stats: _SearcherStats) -> None:
        self.leaf = leaf
        self.postfile = postfile
        self.size = int(leaf.doc_count_all())
        self._stats = stats
        self.name = _segment_id(leaf)  # random and never reused: names the postings in the cache
        self._lengths: dict[str, array_search.Floats] = {}
        self._live: np.ndarray[Any, np.dtype[np.bool_]] | None = None

    def postings(self, field: str, text: str) -> Postings:
        # A term the segment lacks is kept too (as nothing): asking the segment costs more.
        return POSTING_CACHE.get((self.name, field, text), lambda: read_postings(self.leaf, field, text))

    def lengths(self, field: str) -> array_search.Floats:
        found = self._lengths.get(field)
        if found is None:
            found = self._lengths[field] = _field_lengths(self.leaf, field, self.size)
        return found

    def live(self) -> np.ndarray[Any, np.dtype[np.bool_]] | None:
        if self._live is None and self.leaf.has_deletions():
            deleted = getattr(self.leaf, "deleted_docs_set", None)
            if not isinstance(deleted, frozenset):
                deleted = [number for number in range(self.size) if self.leaf.is_deleted(number)]
            self._live = np.ones(self.size, np.bool_)
            self._live[np.fromiter(deleted, np.int64, len(deleted))] = False
        return self._live

    def stats(self, field: str, text: str) -> TermStats:
        return self._stats.get(field, text)

    def positions(self, field: str, text: str, docs: Sequence[int]) -> dict[int, list[int]]:
        """Each of `docs` (ascending) holding the term: its positions in the field."""
        held = self.postings(field, text)
        if not docs or not len(held.docs):
            return {}
        if len(held.blocks):
            decode = self.leaf.schema[field].format.decoder("positions")
            return {
                doc: decode(value)
                for doc, value in _block_values(self.postfile, (self.name, field, text), held, docs).items()
            }
        # Postings inlined in the term info (see read_postings) are read through a matcher.
        matcher = _every_posting(self.leaf, field, text)
        found: dict[int, list[int]] = {}
        for doc in docs:
            if not matcher.is_active():
                break
            matcher.skip_to(doc)
            if matcher.is_active() and matcher.id() == doc:
                found[doc] = list(matcher.value_as("positions"))
        return found


def _postings_file(leaf: IndexReader) -> Any:
    """The segment's postings file; None unless its terms are Whoosh 3's."""
    terms = getattr(leaf, "_terms", None)
    return getattr(terms, "_postfile", None) if isinstance(terms, W3TermsReader) else None


def _block_values(postfile: Any, term: tuple[str, str, str], held: Postings, docs: Sequence[int]) -> dict[int, bytes]:
    """The encoded values (positions) of the term in those of `docs`
    (ascending) that hold it, reading only the blocks that hold them, each
    kept in `BLOCK_VALUES` (typing a phrase reads the same blocks again)."""
    wanted = np.asarray(docs, np.int64)
    at = np.searchsorted(held.docs, wanted)
    inside = at < len(held.docs)
    inside[inside] = held.docs[at[inside]] == wanted[inside]
    wanted, at = wanted[inside], at[inside]
    block_of = np.searchsorted(held.blocks[:, 3], wanted)  # the first block whose last document is not before
    # Where each block starts among the term's postings.
    starts = np.concatenate(([0], np.searchsorted(held.docs, held.blocks[:-1, 3], side="right")))
    found: dict[int, bytes] = {}
    for block in np.unique(block_of).tolist():
        offset, length, compressed, _last = held.blocks[block].tolist()

        def read(offset: int = offset, length: int = length, compressed: int = compressed) -> BlockValues:
            return posting_blocks.read_block_values(postfile.get(offset, length), bool(compressed))

        values, _size = BLOCK_VALUES.get((*term, block), read)
        mine = block_of == block
        for doc, index in zip(wanted[mine].tolist(), (at[mine] - starts[block]).tolist(), strict=True):
            found[doc] = posting_blocks.block_value(values[index])
    return found


def _every_posting(leaf: IndexReader, field: str, text: str) -> Any:
    """A term's matcher over its postings, deleted documents included
    (array_search drops those with the segment's live mask)."""
    matcher = leaf.postings(field, text)
    return matcher.child if isinstance(matcher, FilterMatcher) else matcher


def read_postings(leaf: IndexReader, field: str, text: str) -> Postings:
    """A term's documents and frequencies in a Whoosh 3 segment (one
    `_postings_file` finds), deleted ones included. Its blocks are read in
    one go and decoded as arrays (posting_blocks.py), not posting by posting
    through a matcher: ~3x faster for a common word (docs/benchmarks.md,
    "Cold words")."""
    try:
        info = leaf.term_info(field, text)
    except TermNotFound:
        return array_search.EMPTY
    # Postings inlined in the term info (a codec option whoosh3 cannot write:
    # its W3PostingsWriter calls a missing `set_inline`) go through a matcher.
    if not info.is_inlined():
        offset, length = info.extent()
        if isinstance(length, tuple):  # whoosh3 3.54's W3TermInfo keeps its extent's length as a 1-tuple
            (length,) = length
        data = _postings_file(leaf).get(offset, length)
        if data[:4] != WHOOSH3_HEADER_MAGIC:
            raise ValueError(f"no postings at offset {offset} for {field}:{text}")
        return posting_blocks.read_term(data[4:], offset + 4)
    matcher = _every_posting(leaf, field, text)
    docs: list[int] = []
    weights_read: list[float] = []
    while matcher.is_active():
        docs.append(matcher.id())
        weights_read.append(matcher.weight())
        matcher.next()
    return Postings(np.array(docs, np.int32), np.array(weights_read, np.float32))


def _field_lengths(leaf: IndexReader, field: str, size: int) -> array_search.Floats:
    """A segment's field length of each document, as BM25 reads it."""
    perdoc = getattr(leaf, "_perdoc", None)
    held = getattr(perdoc, "_readers", {}).get(f"_{field}_len") if perdoc is not None else None
    if isinstance(held, bytes) and len(held) >= size:  # from lengths_in_memory
        return _LENGTHS[np.frombuffer(held, np.uint8, size)]
    return np.array([leaf.doc_field_length(number, field, 0) or 0 for number in range(size)], np.float64)


class _SearcherStats:
    """What Whoosh's BM25F scorer (whoosh/scoring.py, `BM25FScorer`) takes
    from the whole index for a term, worked out as it does, but with the
    document frequency counted from the postings the search reads anyway:
    Whoosh's scorer looks the term up again in every segment (twice)."""

    def __init__(self, searcher: Searcher) -> None:
        self.searcher = searcher
        self.segments: list[_ArraySegment] = []
        self._known: dict[tuple[str, str], TermStats] = {}

    def get(self, field: str, text: str) -> TermStats:
        found = self._known.get((field, text))
        if found is None:
            searcher, weighting = self.searcher, self.searcher.weighting
            frequency = sum(len(segment.postings(field, text).docs) for segment in self.segments)
            found = self._known[(field, text)] = TermStats(
                idf=math.log(searcher.doc_count_all() / (frequency + 1)) + 1,
                avgfl=searcher.avg_field_length(field) or 1,
                B=weighting._field_B.get(field, weighting.B),
                K1=weighting.K1,
            )
        return found


def array_segments(searcher: Searcher) -> list[tuple[_ArraySegment, int]] | None:
    """The searcher's segments with their document offsets, for array_search
    (for as long as the searcher is open: what they learn is kept); None when
    its weighting is not Whoosh's BM25F (the scores would differ) or a
    segment is not Whoosh 3's (an index with none: nothing to find)."""
    leaves = [(leaf, _postings_file(leaf), offset) for leaf, offset in searcher.reader().leaf_readers()]
    if type(searcher.weighting) is not BM25F or any(postfile is None for _leaf, postfile, _offset in leaves):
        return None
    stats = _SearcherStats(searcher)
    found = [(_ArraySegment(leaf, postfile, stats), offset) for leaf, postfile, offset in leaves]
    stats.segments = [segment for segment, _offset in found]
    return found


class PaperSearcher:
    """Runs queries against one generation of the index. One instance per thread."""

    def __init__(
        self,
        index: whoosh.index.Index,
        generation: int = -1,
        shared: Callable[[int], IdMap | None] | None = None,
        shared_vocabulary: Callable[[int, Callable[[], Vocabulary]], Vocabulary] | None = None,
    ) -> None:
        """`generation`: the one on disk when the index was opened; `shared`
        and `shared_vocabulary` find what other threads built for the same
        generation."""
        self.searcher = index.searcher()
        folder = getattr(index.storage, "folder", None)
        self.index_dir = Path(folder) if folder else None
        self._shared_vocabulary = shared_vocabulary
        self._vocabulary: Vocabulary | None = None
        self._segments: list[tuple[_ArraySegment, int]] | None | bool = False  # False: not made yet
        try:
            reader_generation = self.searcher.reader().generation()
            # An index with no segments reads as Whoosh's EmptyReader, which has no generation.
            self.generation: int = reader_generation if reader_generation is not None else generation
            found = shared(self.generation) if shared is not None else None
            self.id_map = found or IdMap(self.searcher)
            lengths_in_memory(self.searcher.reader())
        except BaseException:
            self.searcher.close()
            raise

    def close(self) -> None:
        self.searcher.close()

    @property
    def total(self) -> int:
        return int(self.searcher.doc_count())

    @property
    def vocabulary(self) -> Vocabulary:
        """This generation's words (from the file written at commit, else the index)."""
        if self._vocabulary is None:
            reader, folder = self.searcher.reader(), self.index_dir

            def build() -> Vocabulary:
                return index_vocabulary(reader, folder)

            shared = self._shared_vocabulary
            self._vocabulary = shared(self.generation, build) if shared is not None else build()
        return self._vocabulary

    @property
    def segments(self) -> list[tuple[_ArraySegment, int]] | None:
        """The segments as array_search reads them (None: only Whoosh scores here)."""
        if self._segments is False:
            self._segments = array_segments(self.searcher)
        return self._segments  # type: ignore[return-value]

    def parse(self, text: str, budget: Budget | None = None, typing: bool = False) -> ParsedQuery:
        """The query as it runs here; IndexReadError if the index cannot be read."""
        try:
            return parse_query(text, self.searcher, budget, self.vocabulary, typing)
        except QueryError:
            raise
        except Exception as error:  # noqa: BLE001 - a damaged or replaced index
            raise IndexReadError(f"the index could not be read ({error!r})") from error

    def search(
        self,
        text: str,
        sort: Sort = Sort.RELEVANCE,
        limit: int | None = None,
        budget: Budget | None = None,
        typing: bool = False,
    ) -> Hits:
        """Matching papers, ranked (or sorted by an index field), with their
        scores; only the first `limit` of them when given (the count is then
        an estimate unless fewer matched). Within the budget: expansions get
        half of it, collecting hits the rest."""
        budget = budget or Budget(None)
        parsed = self.parse(text, budget.share(0.5), typing)
        if parsed.query is wq.NullQuery:
            return Hits([], {}, parsed, 0, True)
        sortedby, reverse = sort.index_field, sort.reverse
        if sortedby is None and parsed.is_everything:
            sortedby, reverse = "order", True  # no rank without a query: newest first, in page order
        plan = query_plan(parsed.query) if sortedby is None else None
        try:
            if plan is not None and self.segments is not None:
                best = array_search.rank(plan, self.segments, limit, budget.over)
                docs, count, exact = best.docs, best.count, best.exact and not budget.ran_out
            else:
                docs, count, exact = self._whoosh_hits(parsed, sortedby, reverse, limit, budget)
        except Exception as error:  # noqa: BLE001 - a damaged or replaced index
            raise IndexReadError(f"the index could not be read ({error!r})") from error
        ids = self.id_map.ids
        if any(number >= len(ids) for number, _score in docs):
            raise IndexReadError("the index changed while it was searched")
        if parsed.is_everything and not budget.ran_out:
            count, exact = self.total, True
        elif not exact and plan is None:
            guess = estimate_count(parsed.query, self.searcher.reader(), self.total)
            count = max(len(docs), min(self.total, round(guess)))
        ranked = [ids[number] for number, _score in docs]
        # With sortedby, Whoosh gives the sort key in place of a score.
        scores = {} if sortedby else {ids[number]: float(score or 0.0) for number, score in docs}
        if budget.ran_out and not parsed.partial:
            parsed = ParsedQuery(parsed.text, parsed.query, parsed.notices, True)
        return Hits(ranked, scores, parsed, count, exact)

    def _whoosh_hits(
        self, parsed: ParsedQuery, sortedby: str | None, reverse: bool, limit: int | None, budget: Budget
    ) -> tuple[list[tuple[int, Any]], int, bool]:
        """Whoosh's own search: hits (with scores, or sort keys when sorted),
        how many matched, and whether that count is exact."""
        # A limit only for queries of few terms (MAX_LIMITED_TERMS); the
        # others are scored in full and cut here.
        collect = limit if limit is not None and _term_count(parsed.query) <= MAX_LIMITED_TERMS else None
        collector = _Deadline(self.searcher.collector(limit=collect, sortedby=sortedby, reverse=reverse), budget)
        self.searcher.search_with_collector(parsed.query, collector)
        docs = list(collector.results().items())
        exact = limit is None or len(docs) < limit or (collect is None and not budget.ran_out)
        return (docs if limit is None else docs[:limit]), len(docs), exact

    def count(
        self, text: str, budget: Budget | None = None, typing: bool = False, among: Iterable[str] = ()
    ) -> tuple[int, set[str]]:
        """The exact number of papers a query matches (no scoring, no
        sorting), and which of the papers `among` it matches."""
        budget = budget or Budget(None)
        parsed = self.parse(text, budget.share(0.5), typing)
        wanted = {self.id_map.docnums[pid]: pid for pid in among if pid in self.id_map.docnums}
        if parsed.query is wq.NullQuery:
            return 0, set()
        if parsed.is_everything:
            return self.total, set(wanted.values())
        plan = query_plan(parsed.query)
        try:
            if plan is not None and self.segments is not None:
                return self._array_count(plan, wanted, budget)
            total, found = 0, set()
            for leaf, offset in self.searcher.subsearchers or [(self.searcher, 0)]:
                docs = _matching(parsed.query, leaf)
                total += len(docs)
                found |= {pid for number, pid in wanted.items() if number - offset in docs}
            return total, found
        except Exception as error:  # noqa: BLE001 - a damaged or replaced index
            raise IndexReadError(f"the index could not be read ({error!r})") from error

    def _array_count(self, plan: Plan, wanted: dict[int, str], budget: Budget) -> tuple[int, set[str]]:
        segments = self.segments or []
        found = array_search.count(plan, [segment for segment, _offset in segments], budget.over)
        # `found` stops at the segment the budget ran out in.
        numbers = [docs + offset for docs, (_segment, offset) in zip(found, segments, strict=False)]
        hit: list[int] = []
        if wanted and numbers:
            hit = np.intersect1d(np.concatenate(numbers), np.fromiter(wanted, np.int64)).tolist()
        return sum(len(docs) for docs in found), {wanted[number] for number in hit}

    def warm(self, stop: Callable[[], bool] = lambda: False) -> int:
        """Read the postings of the library's most common words (in at least
        `WARM_SHARE` of its papers, most common first, `WARM_BYTES` at most)
        into the posting cache, so that a first search for them needs no
        reading: the app does this in the background after its first screen.
        Returns the bytes of postings held for them (read now or kept from
        before); stops early when `stop()` says so."""
        segments = self.segments
        if segments is None:
            return 0
        vocabulary = self.vocabulary
        least = max(2, WARM_SHARE * (vocabulary.papers if vocabulary.papers > 0 else self.total))
        common = sorted(
            (count, word) for word, count in zip(vocabulary.words, vocabulary.counts, strict=True) if count >= least
        )
        read, seen = 0, set()
        for _count, word in reversed(common):
            for field in SEARCH_FIELDS:
                for term in analysed_words(field, word):
                    if (field, term) in seen:
                        continue
                    seen.add((field, term))
                    if stop() or read >= WARM_BYTES:
                        return read
                    read += sum(segment.postings(field, term).nbytes for segment, _offset in segments)
                    time.sleep(0)  # a keystroke's search, or the UI, takes the interpreter first
        return read

    def papers(self, paper_ids: Iterable[str]) -> dict[str, Paper]:
        found: dict[str, Paper] = {}
        for pid in paper_ids:
            number = self.id_map.docnums.get(pid)
            if number is not None:
                found[pid] = paper_from_fields(self.searcher.stored_fields(number))
        return found

    def suggest(self, text: str, limit: int = 3, budget: Budget | None = None, typing: bool = False) -> list[str]:
        """Queries to try instead: words the library does not have replaced
        by near, real ones (closest, then most common). While `typing`, never
        the last word if more letters can still make it a word of the library."""
        budget = budget or Budget(None)
        cleaned, _ = prepare_text(text)
        vocabulary = self.vocabulary
        unfinished = half_typed_word(cleaned) if typing else ""
        words = _TOKEN_SPLIT.split(cleaned)
        if unfinished and words and words[-1] == unfinished and vocabulary.complete(unfinished.lower(), 1):
            words = words[:-1]
        options: dict[str, list[str]] = {}
        for word in dict.fromkeys(words):
            if budget.over():
                break
            lowered = word.lower()
            if word.isalpha() and 2 < len(word) <= MAX_WORD and lowered not in vocabulary:
                candidates = [near for near, _edits in vocabulary.near(lowered, MAX_FUZZY, limit)]
                if candidates:
                    options[word] = candidates
        suggestions: list[str] = []
        for rank in range(limit):
            suggestion = cleaned
            for word, candidates in options.items():
                suggestion = re.sub(
                    rf"(?<!\w){re.escape(word)}(?!\w)", candidates[min(rank, len(candidates) - 1)], suggestion
                )
            if suggestion != cleaned and suggestion not in suggestions:
                suggestions.append(suggestion)
        return suggestions


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
