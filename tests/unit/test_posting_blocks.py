"""Posting blocks read as arrays (reader/core/posting_blocks.py) give what
Whoosh's own matchers read: for every shape of block Whoosh writes, and for
pickles of every shape the parser may meet."""

from __future__ import annotations

import pickle
import zlib
from pathlib import Path

import numpy as np
import pytest
import whoosh.index
from whoosh.fields import TEXT, Schema
from whoosh.matching import FilterMatcher

from reader.core import posting_blocks
from reader.core.search import read_postings

# Words and the documents (of 3,000) that hold them, and how often.
WORDS: dict[str, tuple[range | list[int], int | None]] = {
    "every": (range(3000), 1),  # weights all 1: pickled as None
    "twice": (range(0, 3000, 2), 2),  # all the same: one float
    "often": (range(0, 3000, 3), None),  # one weight each
    "rare": (range(5, 3000, 701), 1),  # deltas past 255: 2-byte ints
    "alone": ([2999], 1),  # one posting
    "three": ([7, 8, 2000], None),  # a block of three
}


def _text(number: int) -> str:
    words: list[str] = []
    for word, (docs, times) in WORDS.items():
        if number in docs:
            words += [word] * (times or 1 + number % 4)
    return " ".join(words) or "filler"


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("blocks")
    index = whoosh.index.create_in(str(folder), Schema(body=TEXT))
    with index.writer() as writer:
        for number in range(3000):
            writer.add_document(body=_text(number))
    with index.writer() as writer:  # deleted papers are read too (a live mask drops them)
        writer.delete_document(4)
    return folder


@pytest.mark.parametrize("word", sorted(WORDS))
def test_a_terms_postings_are_whooshs(index_dir: Path, word: str) -> None:
    index = whoosh.index.open_dir(str(index_dir))
    with index.reader() as reader:
        (leaf, _offset), *_ = reader.leaf_readers()
        found = read_postings(leaf, "body", word)
        matcher = leaf.postings("body", word)
        if isinstance(matcher, FilterMatcher):
            matcher = matcher.child
        docs: list[int] = []
        weights: list[float] = []
        while matcher.is_active():
            docs.append(matcher.id())
            weights.append(matcher.weight())
            matcher.next()
    assert found.docs.tolist() == docs
    assert found.weights.tolist() == pytest.approx(weights, abs=0)
    assert len(docs) == len(WORDS[word][0])


def test_an_absent_word_has_no_postings(index_dir: Path) -> None:
    index = whoosh.index.open_dir(str(index_dir))
    with index.reader() as reader:
        (leaf, _offset), *_ = reader.leaf_readers()
        assert len(read_postings(leaf, "body", "nowhere").docs) == 0


def _pickled(deltas: list[int], weights: object, values: object) -> bytes:
    return pickle.dumps((tuple(deltas), weights, values), 2)


SHAPES = [
    ([3], None, (b"\x01",)),
    ([3, 1], 2.0, (b"\x01", b"\x02")),
    ([300, 1, 2], (1.0, 2.0, 3.0), (b"a", b"b", b"c")),
    ([70000, 1, 2, 3], (1.0, 2.0, 3.0, 4.5), (b"a", b"b", b"c", b"d")),
    ([0] + [1] * 127, None, tuple(bytes([n % 7]) for n in range(128))),
    ([400] + [1, 256, 3] * 40, tuple(float(n % 5 + 1) for n in range(121)), tuple(b"x" for _ in range(121))),
    ([5, 6, 7, 8, 9], 3.0, None),
    ([5, 6], (2.0, 1.0), b"abcd"),
]


@pytest.mark.parametrize("compressed", [False, True])
@pytest.mark.parametrize(("deltas", "weights", "values"), SHAPES)
def test_a_block_reads_as_unpickling_it_does(
    deltas: list[int], weights: object, values: object, compressed: bool
) -> None:
    data = _pickled(deltas, weights, values)
    if compressed:
        data = zlib.compress(data)
    found = posting_blocks.read_block(data, len(deltas), compressed)
    assert found is not None
    read_deltas, read_weights = found
    assert read_deltas.tolist() == deltas
    size = len(deltas)
    if weights is None:
        expected = [1.0] * size
    elif isinstance(weights, float):
        expected = [weights] * size
    else:
        assert isinstance(weights, tuple)
        expected = list(weights)
    assert read_weights.tolist() == expected


def test_a_block_of_another_shape_is_left_to_unpickling() -> None:
    assert posting_blocks.read_block(pickle.dumps(([1, 2, 3, 4], None, None), 4), 4, False) is None
    assert posting_blocks.read_block(_pickled([1, 2, 3, 4], None, None)[:6], 4, False) is None
    assert posting_blocks.read_block(b"not zlib", 4, True) is None


def test_damaged_blocks_are_an_error_not_a_wrong_answer() -> None:
    with pytest.raises(ValueError, match="offset 100"):
        posting_blocks.read_term(b"\x00\x00\x00\x10garbage", 100)
    with pytest.raises(ValueError, match="cut short"):
        posting_blocks.read_term(b"\x00\x00", 100)


def test_weights_are_float32_as_whoosh_keeps_them() -> None:
    found = posting_blocks.read_block(_pickled([1, 2], (0.1, 0.2), None), 2, False)
    assert found is not None
    assert found[1].dtype == np.float32


VALUES = [
    (b"\x01",),
    tuple(bytes([n % 256, 200, 255]) for n in range(128)),  # bytes past 127: two UTF-8 bytes in the pickle
    (b"", b"a", b""),  # b"" pickles without `_codecs.encode`
    (b"c_codecs\nencode\n", b"\x00\x00\x00\x01\x80\x02]q\x00K\x90a."),  # the name itself, and a pickled position
    [b"x" * 300, b"y"],  # Whoosh 3 writes a list
]


@pytest.mark.parametrize("compressed", [False, True])
@pytest.mark.parametrize("values", VALUES)
def test_a_blocks_values_read_as_unpickling_them_does(
    values: tuple[bytes, ...] | list[bytes], compressed: bool
) -> None:
    data = _pickled(list(range(len(values))), None, values)
    if compressed:
        data = zlib.compress(data)
    read, size = posting_blocks.read_block_values(data, compressed)
    assert [posting_blocks.block_value(value) for value in read] == list(values)
    assert size >= sum(map(len, values))


def test_a_value_of_another_type_is_an_error() -> None:
    read, _size = posting_blocks.read_block_values(_pickled([1, 2], None, (1, 2)), False)
    with pytest.raises(ValueError, match="int"):
        posting_blocks.block_value(read[0])
