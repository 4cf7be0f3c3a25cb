"""Every string a person can type gives results or a clear QueryError."""

from __future__ import annotations

import shutil

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.core.errors import QueryError
from reader.core.library import Library
from reader.core.locations import Locations
from tests.conftest import SAMPLES

QUERY_ALPHABET = st.sampled_from(
    list("abcxyz kv cache \"'()[]{}*?~^:+-!&|\\/<>=@#%\x00\x1b\t\n") + ["AND", "OR", "NOT", "TO", "title:", "abstract:"]
)


@pytest.fixture(scope="module")
def shared_library(tmp_path_factory: pytest.TempPathFactory) -> Library:
    root = tmp_path_factory.mktemp("queries")
    shutil.copytree(SAMPLES, root / "dumps")
    library = Library(Locations(root / "data", root / "cache", root / "config"))
    library.index([root / "dumps"])
    return library


def run(library: Library, text: str) -> None:
    try:
        result = library.search(text)
    except QueryError as error:
        assert str(error) and "Traceback" not in str(error)
        return
    assert all(len(pid) == 12 for pid in result.ids)


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=60))
def test_random_text(shared_library: Library, text: str) -> None:
    run(shared_library, text)


@settings(max_examples=300, deadline=None)
@given(parts=st.lists(QUERY_ALPHABET, max_size=25))
def test_query_syntax_soup(shared_library: Library, parts: list[str]) -> None:
    run(shared_library, "".join(parts))


@pytest.mark.parametrize(
    "text",
    [
        '"',
        '"kv cache',
        "(kv",
        "kv)",
        "[a TO",
        "{a TO b",
        "title:",
        "abstract:",
        "*",
        "?",
        "~",
        "kv~9",
        "*:*",
        "x" * 100_000,
        "\x00\x01\x02",
        "\x1b[31m",
        "title:(",
        "NOT",
        "a AND OR b",
        "ü" * 500,
        "🧪",
        "^",
        "kv^",
        "kv^abc",
        "-",
        "+",
        "!!",
        "\\",
        "'",
        "title:*",
        "*a*b*c*",
        "a" * 300 + "*",
        # The slow ones on 143,000 papers, each now bounded by the search budget.
        "*e*",
        "a*",
        "qwertyuiopasdfghjklzxcvbnmqwertyuiopasdfghjkl",
        "x" * 990 + "~2",
        " ".join(f"w{n}abcdefgh~2" for n in range(20)),
        "title:[a TO z]",
    ],
)
def test_named_oddities(shared_library: Library, text: str) -> None:
    run(shared_library, text)


@pytest.mark.parametrize("budget", [0.0, 0.01])
@settings(max_examples=100, deadline=None)
@given(parts=st.lists(QUERY_ALPHABET, max_size=25))
def test_any_query_cut_by_its_budget_still_answers(shared_library: Library, budget: float, parts: list[str]) -> None:
    """Wherever the budget runs out (expanding, collecting), the answer is a
    valid (partial) result or a QueryError, never a failure."""
    text = "".join(parts)
    try:
        result = shared_library.search(text, budget=budget)
    except QueryError as error:
        assert str(error)
        return
    assert all(len(pid) == 12 for pid in result.ids)
    assert result.partial or not any("out of time" in notice for notice in result.notices)
