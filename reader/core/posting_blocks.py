"""The document numbers and weights of one Whoosh 3 posting block, read
without unpickling the rest of it.

A block is the pickle (protocol 2) of `(deltas, weights, values)`, maybe
zlib-compressed (whoosh/codec/whoosh3.py, `W3PostingsWriter._write_block`).
Unpickling it whole builds a bytes object per posting for `values` (each
one a call to `_codecs.encode`: protocol 2 has no bytes opcode), which is
most of the time a first search of a common word takes at 100,000 papers
(docs/benchmarks.md, "Cold words"). Scores need only the first two parts:
they are read here from the opcodes, as arrays, and only the first bytes of
a compressed block are inflated. Anything not in the shape Whoosh writes
gives None, and the caller unpickles the block as before.
"""

from __future__ import annotations

import io
import zlib
from pickle import UnpicklingError, load, loads
from typing import Any

import numpy as np
import numpy.typing as npt

from .array_search import Postings

Ints = npt.NDArray[np.int64]
Weights = npt.NDArray[np.float32]

_PROTO_2 = b"\x80\x02"
_MARK = ord("(")
_TUPLE = ord("t")
_SMALL_TUPLE = {1: 0x85, 2: 0x86, 3: 0x87}  # TUPLE1..TUPLE3, by size
_BINPUT = ord("q")
_LONG_BINPUT = ord("r")
_NONE = ord("N")
_BINFLOAT = ord("G")
# The ints Whoosh's deltas pickle as: 1, 2 and 4 bytes.
_BININT1 = ord("K")
_BININT2 = ord("M")
_BININT = ord("J")
_ALL_BININT1 = b"K" * 4096  # more than a block holds (Whoosh writes 128)
_ALL_BINFLOAT = b"G" * 4096
# A BINFLOAT opcode and its big-endian double, as numpy reads them in one go.
_FLOAT_OPCODES = np.dtype([("opcode", "u1"), ("value", ">f8")])


def read_term(data: bytes, base: int) -> Postings:
    """The postings of one term from its blocks (`data`, read from offset
    `base` of the postings file, just after the term's header tag), with
    where each block is (to read its positions later). Each block is a
    4-byte big-endian length (negative for the last block), a pickled header
    `(size, last id, max weight, compression, min length, max length)`, then
    the block itself. ValueError if they are damaged."""
    stream = io.BytesIO(data)
    docs: list[Ints] = []
    weights: list[Weights] = []
    blocks: list[tuple[int, int, int, int]] = []
    at = 0
    while True:
        if at + 4 > len(data):
            raise ValueError(f"a posting block is cut short at offset {base + at}")
        length = int.from_bytes(data[at : at + 4], "big", signed=True)
        stream.seek(at + 4)
        try:
            size, last_id, _weight, compression, *_lengths = load(stream)
        except (UnpicklingError, EOFError, TypeError, ValueError) as error:
            raise ValueError(f"a damaged posting block header at offset {base + at}") from error
        start, end = stream.tell(), at + 4 + abs(length)
        if not 0 < size <= end - start or end > len(data):
            raise ValueError(f"a damaged posting block at offset {base + at}")
        block = data[start:end]
        found = read_block(block, size, bool(compression))
        if found is None:  # not the shape Whoosh writes today: unpickled whole
            ids, block_weights, _values = read_block_whole(block, bool(compression))
            found = np.array(ids, np.int64), _whole_weights(block_weights, size)
        if len(found[0]) != size or len(found[1]) != size:
            raise ValueError(f"a damaged posting block at offset {base + at}")
        docs.append(np.cumsum(found[0]))  # each block's deltas start again from 0
        weights.append(found[1])
        blocks.append((base + start, end - start, int(bool(compression)), last_id))
        if length < 0:
            break
        at = end
    return Postings(
        np.concatenate(docs).astype(np.int32), np.concatenate(weights), np.array(blocks, np.int64).reshape(-1, 4)
    )


def _whole_weights(weights: object, size: int) -> Weights:
    """A block's weights as Whoosh minified them: None = all 1, one float =
    all that, or one each."""
    if weights is None:
        return np.ones(size, np.float32)
    if isinstance(weights, float):
        return np.full(size, weights, np.float32)
    return np.array(weights, np.float32)


def read_block(data: bytes, size: int, compressed: bool) -> tuple[Ints, Weights] | None:
    """The block's deltas of document numbers (each block starts again from
    0) and weights, or None if the block is not in the shape read here."""
    if compressed:
        try:
            # Enough for the deltas (at most 5 bytes each) and the weights (9).
            head = zlib.decompressobj().decompress(data, 14 * size + 64)
        except zlib.error:
            return None
    else:
        head = data
    return _parse(head, size)


def read_block_whole(data: bytes, compressed: bool) -> tuple[Any, Any, Any]:
    """The block's three parts as Whoosh wrote them (values included)."""
    ids, weights, values = loads(zlib.decompress(data) if compressed else data)
    return ids, weights, values


# Protocol 2 pickles each value (bytes) as `_codecs.encode(text, "latin1")`,
# naming `_codecs.encode` once and referring to it after. Named
# `operator.concat` instead, a value unpickles as the str `text + "latin1"`:
# cheaper than encoding (a codec lookup a posting), and a str, unlike a
# slice, is not tracked by the garbage collector. A block of positions reads
# ~1.4x faster, a phrase's first screenful ~12% (docs/benchmarks.md, "One
# segment"); a phrase needs the bytes of one or two postings a block. The
# name cannot occur before the values: the ids and weights are opcodes of
# numbers, and the name holds none of their opcode bytes.
_ENCODE = b"c_codecs\nencode\n"
_CONCAT = b"c_operator\nconcat\n"
_LATIN1 = "latin1"


def read_block_values(data: bytes, compressed: bool) -> tuple[tuple[Any, ...], int]:
    """The block's values, each read as it is used by `block_value`, and
    about the memory they take."""
    raw = zlib.decompress(data) if compressed else data
    _ids, _weights, values = loads(raw.replace(_ENCODE, _CONCAT, 1))
    values = tuple(values)
    return values, len(raw) + 60 * len(values)  # a str a value, with its text


def block_value(value: Any) -> bytes:
    """A value of `read_block_values` as the bytes Whoosh wrote."""
    if isinstance(value, str) and value.endswith(_LATIN1):
        return value[: -len(_LATIN1)].encode("latin1")
    if isinstance(value, bytes):  # b"" pickles without `_codecs.encode`
        return value
    raise ValueError(f"a posting value of type {type(value).__name__}")


def _parse(head: bytes, size: int) -> tuple[Ints, Weights] | None:
    if size < 1 or not head.startswith(_PROTO_2):
        return None
    found = _deltas(head, 2, size)
    if found is None:
        return None
    deltas, end = found
    at = _skip_memo(head, end)
    weights = _weights(head, at, size) if at is not None else None
    if weights is None:
        return None
    return deltas, weights


def _deltas(head: bytes, at: int, size: int) -> tuple[Ints, int] | None:
    """The tuple of `size` small ints at `at`, and where it ends."""
    if size > 3:
        if at >= len(head) or head[at] != _MARK:
            return None
        at += 1
        first = _ints(head, at, 1)
        if first is None:
            return None
        # Most blocks of a common word: every delta after the first (the
        # block's first document) below 256, one 2-byte opcode each.
        start, end = first[1], first[1] + 2 * (size - 1)
        if end < len(head) and head[end] == _TUPLE and head[start:end:2] == _ALL_BININT1[: size - 1]:
            deltas = np.empty(size, np.int64)
            deltas[0] = first[0][0]
            deltas[1:] = np.frombuffer(head[start + 1 : end : 2], np.uint8)
            return deltas, end + 1
    found = _ints(head, at, size)
    if found is None:
        return None
    values, at = found
    closing = _TUPLE if size > 3 else _SMALL_TUPLE[size]
    if at >= len(head) or head[at] != closing:
        return None
    return np.array(values, np.int64), at + 1


def _ints(head: bytes, at: int, count: int) -> tuple[list[int], int] | None:
    """`count` ints pickled from `at` (as deltas are: 1, 2 or 4 bytes), and where they end."""
    values: list[int] = []
    append = values.append
    try:
        for _ in range(count):
            code = head[at]
            if code == _BININT1:
                append(head[at + 1])
                at += 2
            elif code == _BININT2:
                append(head[at + 1] | head[at + 2] << 8)
                at += 3
            elif code == _BININT and at + 5 <= len(head):
                append(int.from_bytes(head[at + 1 : at + 5], "little", signed=True))
                at += 5
            else:
                return None
    except IndexError:  # cut short
        return None
    return values, at


def _skip_memo(head: bytes, at: int) -> int | None:
    """Past the memo opcode the pickler writes after a tuple."""
    if at < len(head) and head[at] == _BINPUT:
        return at + 2
    if at < len(head) and head[at] == _LONG_BINPUT:
        return at + 5
    return None


def _weights(head: bytes, at: int, size: int) -> Weights | None:
    """None (all 1), one float (all that) or a tuple of `size` floats."""
    if at >= len(head):
        return None
    if head[at] == _NONE:
        return np.ones(size, np.float32)
    if head[at] == _BINFLOAT and at + 9 <= len(head) and _ends_part(head, at + 9):
        return np.full(size, np.frombuffer(head, ">f8", 1, at + 1)[0], np.float32)
    first = at + 1 if size > 3 else at
    if size > 3 and head[at] != _MARK:
        return None
    end = first + 9 * size
    closing = _TUPLE if size > 3 else _SMALL_TUPLE[size]
    if end >= len(head) or head[end] != closing or head[first:end:9] != _ALL_BINFLOAT[:size]:
        return None
    return np.frombuffer(head, _FLOAT_OPCODES, size, first)["value"].astype(np.float32)


def _ends_part(head: bytes, at: int) -> bool:
    """Whether a single float at the weights' place is the whole part: the
    values follow, not more floats of a small tuple."""
    return at < len(head) and head[at] != _BINFLOAT
