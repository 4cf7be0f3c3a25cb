"""Exports: golden files for every format, and round trips through
independent parsers (bibtexparser, rispy, json, csv)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
from pathlib import Path

import bibtexparser
import pytest
import rispy
from bibtexparser.middlewares import LatexDecodingMiddleware

from reader.core.export import FORMAT_NAMES, FORMATS, Options, Scope, format_names
from reader.core.library import Library
from reader.core.store import Note
from reader.core.views import Sort

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
WHEN = dt.datetime(2024, 3, 21, 9, 30, tzinfo=dt.UTC)
TRICKY_NOTE = (
    'He said "wow", then: commas, semicolons;\nnew lines,\n{braces} and } alone, 100% & #1 \\ back\\slash, '
    "ünïcödé 中文 😀, [bold]markup[/] [@click=app.quit]x[/]"
)
NOTES = {
    "title:hopper": TRICKY_NOTE,
    "title:a^2ats": "=SUM(A1:A9) looks like a formula",
    "title:scbench": "-1 and @me: more spreadsheet bait",
}
GONE_TITLE = "A Paper Whose Dump Was Removed {and 50% & #2}"


@pytest.fixture
def starred(library: Library, dumps: Path) -> Library:
    """Four starred papers with notes; one of them lost its dump."""
    gone = dumps / "zz_gone.txt"
    gone.write_text(f"{GONE_TITLE}\n\n" + "An abstract long enough to be one. " * 10, encoding="utf-8")
    library.index()
    store = library.store
    for minutes, query in enumerate([*NOTES, f'title:"{GONE_TITLE.split("{")[0].strip()}"']):
        (pid,) = library.search(query).ids
        title = library.paper(pid).title
        store.merge([(pid, title, WHEN + dt.timedelta(minutes=minutes))], [], [])
        note = NOTES.get(query, "kept after its dump went")
        store.merge([], [Note(pid, title, note, WHEN, WHEN + dt.timedelta(minutes=minutes))], [])
    gone.unlink()
    library.index()
    return library


def render(library: Library, name: str, dumps: Path) -> str:
    text, count = library.export(name, Scope.STARRED)
    assert count == 4
    return text.replace(str(dumps.resolve()), "<dumps>")


def test_registry_matches_the_static_names() -> None:
    assert sorted(format_names()) == sorted(FORMAT_NAMES) == sorted(FORMATS)


@pytest.mark.parametrize("name", FORMAT_NAMES)
def test_golden(starred: Library, dumps: Path, name: str) -> None:
    text = render(starred, name, dumps)
    golden = GOLDEN / f"starred.{name}.{FORMATS[name].extension}"
    if UPDATE:
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8"), f"differs from {golden} (UPDATE_GOLDEN=1 to accept)"


def expected(library: Library) -> dict[str, str]:
    return {item.paper.title: item.state.note for item in library.export_items()}


def test_bibtex_round_trip(starred: Library, dumps: Path) -> None:
    parsed = bibtexparser.parse_string(render(starred, "bibtex", dumps), append_middleware=[LatexDecodingMiddleware()])
    assert parsed.failed_blocks == []
    keys = [entry.key for entry in parsed.entries]
    assert len(set(keys)) == 4 and all(k.replace("_", "").isalnum() for k in keys)
    # pylatexenc decodes \textasciicircum to U+02C6 (a modifier letter), not ^.
    got = {e["title"].replace("\u02c6", "^"): e.fields_dict["note"].value for e in parsed.entries}
    assert got == expected(starred)
    gone = next(e for e in parsed.entries if e["title"] == GONE_TITLE)
    assert "not available" in gone["abstract"]
    assert all(e["url"].startswith("https://") and "\\" not in e["url"] for e in parsed.entries)


def test_ris_round_trip(starred: Library, dumps: Path) -> None:
    entries = rispy.loads(render(starred, "ris", dumps))
    assert {e["title"]: "\n".join(e["notes"]) for e in entries} == expected(starred)


def test_csljson_round_trip(starred: Library, dumps: Path) -> None:
    records = json.loads(render(starred, "csljson", dumps))
    assert {r["title"]: r["note"] for r in records} == expected(starred)
    assert all(r["type"] == "article" and r["id"] for r in records)


def test_json_round_trip(starred: Library, dumps: Path) -> None:
    papers = json.loads(render(starred, "json", dumps))["papers"]
    assert {p["title"]: p["note"] for p in papers} == expected(starred)
    assert next(p for p in papers if p["title"] == GONE_TITLE)["abstract"] is None


def test_csv_round_trip_and_formula_guard(starred: Library, dumps: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(render(starred, "csv", dumps))))
    assert list(rows[0]) == ["id", "title", "date", "dumps", "starred_at", "note", "url", "abstract"]
    got = {row["title"]: row["note"] for row in rows}
    for title, note in expected(starred).items():
        guarded = "'" + note if note[:1] in {"=", "+", "-", "@"} else note
        assert got[title] == guarded


def test_scopes(starred: Library) -> None:
    assert len(starred.export_items(Scope.NOTED)) == 4
    results = starred.export_items(Scope.RESULTS, "kv cache")
    assert len(results) == 14
    assert [i.paper.id for i in results] == list(starred.search("kv cache").ids)


def test_order_and_markdown_grouped_by_date(starred: Library, dumps: Path) -> None:
    by_title = [i.paper.title for i in starred.export_items(sort=Sort.TITLE)]
    assert by_title == sorted(by_title, key=str.casefold)
    natural = [i.paper.title for i in starred.export_items()]
    assert natural[0] == GONE_TITLE  # the newest star first
    text, _ = starred.export("markdown", options=Options(Sort.TITLE, group_by_date=True))
    text = text.replace(str(dumps.resolve()), "<dumps>")
    golden = GOLDEN / "starred.markdown-by-date.md"
    if UPDATE:
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")
    assert text.index("## 2024-03-20") < text.index("## Undated")
