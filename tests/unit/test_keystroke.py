"""The keystroke path (issue 11): the first screenful with an estimated
count, the half-typed last word, and the vocabulary's spelling and fuzzy
words, on the sample dumps with real Whoosh."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from reader.core.index import open_index
from reader.core.library import Library
from reader.core.locations import Locations
from reader.core.search import vocabulary_folder
from reader.core.views import Filter, Sort
from reader.core.vocabulary import Vocabulary, load_vocabulary, save_vocabulary


def words_of(library: Library, pid: str) -> set[str]:
    paper = library.paper(pid)
    return set(re.findall(r"\w+", f"{paper.title} {paper.abstract}".lower()))


def test_a_half_typed_word_finds_its_completions(library: Library) -> None:
    typed = library.search("specu", typing=True)
    assert typed.ids, "specu while typing finds the speculative-decoding papers"
    assert all(any(w.startswith("specu") for w in words_of(library, pid)) for pid in typed.ids)
    speculative = set(library.search("speculative").ids)
    assert speculative and speculative <= set(typed.ids)
    # Submitted (not typing), `specu` is a word of its own: no paper has it.
    assert library.search("specu").ids == ()


def test_only_the_last_word_is_completed(library: Library) -> None:
    both = set(library.search("speculative decod", typing=True).ids)
    assert set(library.search("speculative decoding").ids) <= both
    assert both and both <= set(library.search("speculative").ids)
    # A word before the last one is taken as typed.
    assert library.search("specu decoding", typing=True).ids == ()


def test_short_and_quoted_last_words_are_not_completed(library: Library) -> None:
    assert library.search("kv c", typing=True).ids == library.search("kv c").ids
    phrase = library.search('"speculative decoding"', typing=True)
    assert phrase.ids == library.search('"speculative decoding"').ids


def test_first_screenful_is_the_top_of_the_full_list(library: Library) -> None:
    queries = ["model", "kv cache", '"large language models"', "decodng~", "trans*", "kv -cache", "kv OR hopper"]
    for query in queries:
        full = library.search(query)
        top = library.search(query, first=5)
        assert top.ids == full.ids[:5], query
        assert top.exact == (len(full.ids) <= 5) or top.matched == len(full.ids), query
        assert library.count(query) == len(full.ids), query


def test_the_estimate_becomes_exact(library: Library) -> None:
    # Words are counted exactly with their first screenful (array_search.py).
    top = library.search("model", first=3)
    assert len(top.ids) == 3 and top.exact and top.matched == len(library.search("model").ids)
    # A phrase's first screenful checks the phrase for the papers shown only.
    phrase = library.search('"large language models"', first=3)
    assert len(phrase.ids) == 3 and not phrase.exact and phrase.matched >= 3
    exact = library.count('"large language models"')
    assert exact == len(library.search('"large language models"').ids) > 3
    everything = library.search("is:", first=10)  # every paper: listed whole
    assert len(everything.ids) == everything.matched == 160 and everything.exact
    few = library.search("hopper", first=30)
    assert few.exact and few.matched == len(few.ids) == library.count("hopper")


@pytest.mark.parametrize("sort", [Sort.DATE, Sort.TITLE, Sort.UPVOTES])
def test_a_sorted_first_screenful_is_the_top_of_the_sorted_list(library: Library, sort: Sort) -> None:
    full = library.search("model", sort)
    top = library.search("model", sort, first=7)
    assert top.ids == full.ids[:7]


def test_filters_and_memory_sorts_get_every_hit(library: Library) -> None:
    pid = library.search("model").ids[4]
    library.star(library.paper(pid))
    starred = library.search("model", filter=Filter.STARRED, first=3)
    assert starred.ids == (pid,) and starred.exact
    by_star = library.search("model", Sort.STARRED, first=3)
    assert by_star.exact and by_star.ids[0] == pid and len(by_star.ids) == library.count("model")
    assert library.count("model", Filter.STARRED) == 1


def test_a_phrase_gives_exactly_the_phrase(library: Library) -> None:
    hits = library.search('"speculative decoding"').ids
    everything = library.papers(library.search("").ids).values()
    expected = {p.id for p in everything if "speculative decoding" in f"{p.title} {p.abstract}".lower()}
    assert set(hits) == expected and expected
    assert library.search('"speculative decoding"', first=2).ids == hits[:2]


def test_fuzzy_words_come_from_words_as_typed(library: Library) -> None:
    decoding = set(library.search("decoding").ids)
    assert decoding
    # `decodng` is one letter from `decoding`, but two from its stem `decod`.
    assert set(library.search("decodng~").ids) >= decoding
    assert set(library.search("speculatve~ decodng~").ids) == set(library.search("speculative decoding").ids)


def test_suggestions_are_words_not_stems(library: Library) -> None:
    assert library.suggest("difusion")[0] == "diffusion"
    assert library.suggest("speculative decodng")[0] == "speculative decoding"
    # Never for a word still being typed (more letters can make it a word);
    # the words before it still are.
    assert library.suggest("speculative decod", typing=True) == []
    assert library.suggest("speculatve decod", typing=True) == ["speculative decod"]
    # No word starts with `decodng`: typing on cannot mend it.
    assert library.suggest("decodng", typing=True)[0] == "decoding"


def test_the_vocabulary_is_written_at_commit_and_read_back(isolated_dirs: Locations, library: Library) -> None:
    folder = vocabulary_folder(isolated_dirs.index_dir)
    files = list(folder.glob("vocabulary-*.bin"))
    assert len(files) == 1
    key = int(files[0].stem.removeprefix("vocabulary-"))
    vocabulary = load_vocabulary(folder, key)
    assert vocabulary is not None
    assert vocabulary.count("decoding") > 0 and vocabulary.count("decod") == 0  # words, not stems
    assert vocabulary.count("the") == 0  # stop words are not searched
    assert "speculative" in vocabulary.complete("specu", 8)


def test_a_damaged_vocabulary_file_is_rebuilt_from_the_index(isolated_dirs: Locations, dumps: Path) -> None:
    library = Library(isolated_dirs)
    library.index([dumps])
    for file in vocabulary_folder(isolated_dirs.index_dir).glob("vocabulary-*.bin"):
        file.write_bytes(file.read_bytes()[:100])
    fresh = Library(isolated_dirs)
    assert fresh.search("specu", typing=True).ids
    assert fresh.suggest("difusion")[0] == "diffusion"
    # ... and written again for the next reader.
    (written,) = vocabulary_folder(isolated_dirs.index_dir).glob("vocabulary-*.bin")
    assert load_vocabulary(written.parent, int(written.stem.removeprefix("vocabulary-"))) is not None


def test_vocabulary_files(tmp_path: Path) -> None:
    vocabulary = Vocabulary({"decoding": 5, "decode": 2, "speculative": 3, "spéculer": 1, "specular": 1})
    for generation in (7, 3, 9, 1):  # keys are not in the order they are written
        save_vocabulary(tmp_path, generation, vocabulary)
        os.utime(tmp_path / f"vocabulary-{generation}.bin", ns=(generation, 10**18 + len(os.listdir(tmp_path))))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["vocabulary-1.bin", "vocabulary-9.bin"]
    back = load_vocabulary(tmp_path, 1)
    assert back is not None and back.words == vocabulary.words and back.counts == vocabulary.counts
    assert load_vocabulary(tmp_path, 3) is None
    assert back.complete("spe", 2) == ["speculative", "specular"]
    assert back.complete("dec", 5) == ["decoding", "decode"]
    assert back.near("decodng") == [("decoding", 1), ("decode", 2)]
    assert back.near("sepculative", 1) == [("speculative", 1)]  # a swap is one edit
    assert Vocabulary({}).to_bytes() and load_vocabulary(tmp_path / "none", 1) is None


def test_a_new_dump_brings_its_words(isolated_dirs: Locations, library: Library, tmp_path: Path) -> None:
    extra = tmp_path / "extra"
    extra.mkdir()
    text = "Daily Papers\n\nNov 2, 2026\n\nZorblaxian Caches for Tiny Models\n\nWe study zorblaxian caches.\n"
    (extra / "extra.txt").write_text(text, encoding="utf-8")
    library.index([extra])
    assert library.search("zorbl", typing=True).ids
    assert library.suggest("zorblaxain")[0] == "zorblaxian"
    assert library.search("specu", typing=True).ids  # the words of the first commit are still there
    # One word list per live segment is kept: a commit reads only its new segments.
    kept = list((vocabulary_folder(isolated_dirs.index_dir) / "segments").glob("*.bin"))
    index = open_index(isolated_dirs.index_dir)
    assert index is not None
    with index.reader() as reader:
        assert len(kept) == len(reader.leaf_readers()) >= 2
