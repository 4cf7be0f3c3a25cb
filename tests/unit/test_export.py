"""Exports: golden files for every format, and round trips of the torture set
(tests/tools/cases.py) through the parsers a script would use (bibtexparser,
rispy, json, csv, a CommonMark renderer). The real tools (pandoc, biber,
bibtex, bibtexparser 1.x) are in tests/tools."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
from pathlib import Path

import bibtexparser
import jsonschema
import pytest
import rispy
from bibtexparser.middlewares import LatexDecodingMiddleware
from markdown_it import MarkdownIt

from reader.cli import paper_json
from reader.core.export import FORMAT_NAMES, FORMATS, ExportItem, Options, Scope, format_names, get_format
from reader.core.export.csljson import csl_name
from reader.core.export.keys import citation_key
from reader.core.export.ris import NEWLINE, note_text
from reader.core.library import Library
from reader.core.models import DumpAppearance, Paper, PaperMeta, UserState
from reader.core.store import Note
from reader.core.views import Sort
from tests.tools.cases import LISTED, MARKERS, TORTURE, torture_items
from tests.tools.readback import blank_lines_merged, decoded, quote_text, read_html, trailing_spaces_dropped

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "docs" / "export-schema.json").read_text(encoding="utf-8"))
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
WHEN = dt.datetime(2024, 3, 21, 9, 30, tzinfo=dt.UTC)
NOTES = {
    "title:hopper": "cite in chapter 2",
    "title:a^2ats": "=SUM(A1:A9) looks like a formula",
    "title:scbench": "-1 and @me: more spreadsheet bait",
}
GONE_TITLE = "A Paper Whose Dump Was Removed {and 50% & #2}"


@pytest.fixture
def starred(library: Library, dumps: Path) -> Library:
    """Four starred papers with notes, from the sample dumps; one lost its dump."""
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


def torture(name: str) -> str:
    return get_format(name).render(torture_items(), Options())


def check_golden(text: str, golden: Path) -> None:
    if UPDATE:
        golden.write_bytes(text.encode("utf-8"))
    assert text == golden.read_bytes().decode("utf-8"), f"differs from {golden} (UPDATE_GOLDEN=1 to accept)"


def notes() -> dict[str, str]:
    """Title -> note of the torture set (papers without a note left out)."""
    return {title: note for title, note, _, _ in TORTURE if note}


def test_registry_matches_the_static_names() -> None:
    assert sorted(format_names()) == sorted(FORMAT_NAMES) == sorted(FORMATS)


@pytest.mark.parametrize("name", FORMAT_NAMES)
def test_golden(starred: Library, dumps: Path, name: str) -> None:
    check_golden(render(starred, name, dumps), GOLDEN / f"starred.{name}.{FORMATS[name].extension}")


@pytest.mark.parametrize("name", FORMAT_NAMES)
def test_golden_torture_set(name: str) -> None:
    check_golden(torture(name), GOLDEN / f"torture.{name}.{FORMATS[name].extension}")


def test_a_missing_abstract_is_left_out(starred: Library, dumps: Path) -> None:
    """The paper whose dump is gone has no abstract in any format, and no sentence standing in for one."""
    texts = {name: render(starred, name, dumps) for name in FORMAT_NAMES}
    assert all("not available" not in text for text in texts.values())
    bib = bibtexparser.parse_string(texts["bibtex"])
    gone = next(e for e in bib.entries if "Removed" in e["title"])
    assert "abstract" not in gone.fields_dict and "annote" in gone.fields_dict
    ris = next(e for e in rispy.loads(texts["ris"], newline=NEWLINE) if "Removed" in e["title"])
    assert "abstract" not in ris
    csl = next(r for r in json.loads(texts["csljson"]) if "Removed" in r["title"])
    assert "abstract" not in csl
    record = next(p for p in json.loads(texts["json"])["papers"] if "Removed" in p["title"])
    assert record["abstract"] is None and record["in_index"] is False
    row = next(r for r in csv.DictReader(io.StringIO(texts["csv"].removeprefix("\ufeff"))) if "Removed" in r["title"])
    assert row["abstract"] == ""


def test_bibtex_reads_back_with_bibtexparser_2() -> None:
    parsed = bibtexparser.parse_string(torture("bibtex"), append_middleware=[LatexDecodingMiddleware()])
    assert parsed.failed_blocks == [] and len(parsed.entries) == len(TORTURE)
    assert {decoded(e["title"]): decoded(e["annote"]) for e in parsed.entries if "annote" in e} == notes()
    assert all("note" not in e.fields_dict for e in parsed.entries)
    keys = [entry.key for entry in parsed.entries]
    assert len(set(keys)) == len(keys) and all(k.isascii() and k.replace("_", "").isalnum() for k in keys)
    hopper = next(e for e in parsed.entries if "Hopper" in e["title"])
    assert hopper["author"] == "Weile Luo and Ruibo Fan and José Müller and Ludwig van Beethoven and others"
    assert (hopper["eprint"], hopper["archivePrefix"]) == ("2402.13499", "arXiv")
    assert hopper["url"] == "https://arxiv.org/abs/2402.13499"


def test_bibtex_titles_are_case_protected_and_dates_say_what_they_are() -> None:
    entries = {e.key: e for e in bibtexparser.parse_string(torture("bibtex")).entries}
    hopper = next(e for k, e in entries.items() if k.startswith("benchmarking"))
    assert hopper["title"] == "Benchmarking and {Dissecting} the {NVIDIA} {Hopper} {GPU} {Architecture}"
    vattention = next(e for k, e in entries.items() if k.startswith("vattention"))
    assert vattention["title"].startswith("{vAttention}: {Dynamic}")
    gpt = next(e for k, e in entries.items() if k.startswith("gpt"))
    assert gpt["title"].startswith("{gpt}-oss-120b \\& gpt-oss-20b {Model}")  # sentence case would capitalise it
    crnn = next(e for k, e in entries.items() if k.startswith("crnn2015"))
    assert (crnn["date"], crnn["year"]) == ("2015-07-21", "2015") and "howpublished" not in crnn.fields_dict
    undated = next(e for k, e in entries.items() if k.startswith("cache"))
    assert (undated["date"], undated["howpublished"]) == ("2026-03-14", "Hugging Face Daily Papers, listed 2026-03-14")
    assert undated["key"].startswith("Cache-Craft")  # BibTeX sorts by author, else key
    gone = next(e for k, e in entries.items() if k.startswith("paper_"))
    assert "date" not in gone.fields_dict  # no date known at all


def test_citation_keys_are_ascii_transliterations() -> None:
    item = torture_items()[4]
    assert item.paper.title.startswith("Café") and citation_key(item).startswith("cafe2026_")
    cjk = ExportItem(Paper("0123456789ab", "中文 😀", "", ()), UserState("0123456789ab"))
    assert citation_key(cjk) == "paper_012345"


def test_ris_reads_back_with_rispy() -> None:
    text = torture("ris")
    assert text.count("\r\n") == text.count("\n") and "\r\r" not in text  # CRLF everywhere, nothing else
    entries = rispy.loads(text, newline=NEWLINE)
    assert len(entries) == len(TORTURE)
    assert all(e["type_of_reference"] == "MANSCPT" for e in entries)
    got = {e["title"]: note_text(e["notes"][0]) for e in entries if "notes" in e}
    assert got == {title: blank_lines_merged(note) for title, note in notes().items()}
    assert all(len(e.get("notes", [])) <= 1 for e in entries)  # one note stays one note
    crnn = next(e for e in entries if e["title"].startswith("CRNN"))
    assert (crnn["year"], crnn["date"], crnn["authors"][0]) == ("2015", "2015/07/21/", "Baoguang Shi")
    undated = next(e for e in entries if e["title"].startswith("Cache-Craft"))
    assert undated["access_date"] == "2026/03/14/" and "year" not in undated


def test_ris_note_is_one_line_of_zotero_note_html() -> None:
    lines = torture("ris").split("\r\n")
    (note,) = [line for line in lines if line.startswith("N1  - ") and "PRIVATE3" in line]
    assert note == "N1  - <p>line one<br/>ER  - <br/>TY  - JOUR<br/>AU  - Not An Author<br/>last line PRIVATE3</p>"
    (script,) = [line for line in lines if "PRIVATE4" in line]
    assert "&lt;script&gt;" in script and "<script>" not in script and "</p><p>second paragraph" in script


def test_csljson_keeps_the_note_out_of_printed_variables() -> None:
    records = json.loads(torture("csljson"))
    assert {r["title"]: r["custom"]["note"] for r in records if "custom" in r} == notes()
    assert all("note" not in r and "annote" not in r for r in records)
    assert all(r["type"] == "article" and r["id"] for r in records)
    crnn = next(r for r in records if r["title"].startswith("CRNN"))
    assert crnn["issued"] == {"date-parts": [[2015, 7, 21]]} and "accessed" not in crnn
    assert crnn["author"][0] == {"family": "Shi", "given": "Baoguang"} and crnn["number"] == "arXiv:1507.05717"
    undated = next(r for r in records if r["title"].startswith("Cache-Craft"))
    assert undated["accessed"] == {"date-parts": [[2026, 3, 14]]} and "issued" not in undated


def test_csl_names() -> None:
    beethoven = {"family": "Beethoven", "given": "Ludwig", "non-dropping-particle": "van"}
    assert csl_name("Ludwig van Beethoven") == beethoven
    assert csl_name("OpenAI") == {"literal": "OpenAI"}


def test_json_matches_the_schema_and_keeps_every_field() -> None:
    data = json.loads(torture("json"))
    jsonschema.validate(data, SCHEMA, cls=jsonschema.Draft202012Validator)
    papers = data["papers"]
    assert {p["title"]: p["note"] for p in papers} == {title: note or None for title, note, _, _ in TORTURE}
    crnn = next(p for p in papers if p["title"].startswith("CRNN"))
    assert (crnn["published"], crnn["listed"], crnn["arxiv_id"]) == ("2015-07-21", LISTED.isoformat(), "1507.05717")
    assert "seen_at" in crnn and "date" not in crnn


def test_json_export_and_search_json_share_the_schema(starred: Library) -> None:
    """`search --json` prints a list of these records, `show --json` one (see reader/cli.py)."""
    (pid,) = starred.search("title:hopper").ids
    paper, state = starred.paper(pid), starred.state(pid)
    record = paper_json(paper, state, 1.5)
    jsonschema.validate([record], SCHEMA, cls=jsonschema.Draft202012Validator)
    jsonschema.validate(paper_json(paper, state), SCHEMA, cls=jsonschema.Draft202012Validator)
    exported = json.loads(starred.export("json")[0])["papers"]
    in_export = next(p for p in exported if p["id"] == pid)
    assert {k: v for k, v in record.items() if k not in ("version", "score")} == in_export


def test_csv_has_a_bom_and_guards_formulas() -> None:
    raw = torture("csv").encode("utf-8")
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel and LibreOffice then read UTF-8
    text = raw.decode("utf-8-sig")
    assert "\r\n" in text
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert list(rows[0])[:5] == ["id", "title", "authors", "published", "listed"]
    got = {row["title"]: row["note"] for row in rows}
    for title, note in notes().items():
        guarded = "'" + note if note[:1] in {"=", "+", "-", "@"} else note
        assert got[title] == guarded
    crnn = next(r for r in rows if r["title"].startswith("CRNN"))
    assert (crnn["published"], crnn["listed"]) == ("2015-07-21", "2026-03-14")


def markdown_html(text: str) -> str:
    return str(MarkdownIt("commonmark").render(text))


def test_markdown_renders_as_typed_in_commonmark() -> None:
    text = torture("markdown")
    tokens = MarkdownIt("commonmark").parse(text)
    assert not [t for t in tokens if t.type.startswith("html") or t.type in ("code_block", "fence", "hr")]
    page = read_html(markdown_html(text))
    assert page.headings == [title for title, _, _, _ in TORTURE]  # one heading per paper, titles as typed
    assert page.tags <= {"h1", "h2", "p", "a", "ul", "li", "code", "blockquote", "br"}
    assert [quote_text(q) for q in page.quotes] == [
        trailing_spaces_dropped(blank_lines_merged(note)) for _, note, _, _ in TORTURE if note
    ]


def test_markdown_titles_stay_readable() -> None:
    text = torture("markdown")
    assert "## [Cache-Craft: Managing Chunk-Caches for Efficient Retrieval-Augmented Generation](<" in text
    assert "[gpt-oss-120b & gpt-oss-20b Model Card]" in text
    assert "- Published: 2015-07-21" in text and "- Listed in Daily Papers: 2026-03-14" in text


def test_markdown_keeps_indentation_and_escapes_line_starts() -> None:
    page = read_html(markdown_html(get_format("markdown").render([noted("  two\n\tthree\n1) four\n#5")], Options())))
    assert page.quotes == ["\u00a0\u00a0two\n\u00a0\u00a0\u00a0\u00a0three\n1) four\n#5"]


def noted(note: str) -> ExportItem:
    paper = Paper("0123456789ab", "A Title", "An abstract.", (DumpAppearance("/d/x.txt", LISTED),), PaperMeta())
    return ExportItem(paper, UserState(paper.id, paper.title, note=note))


@pytest.mark.parametrize("name", ["bibtex", "ris", "markdown", "csv"])
def test_text_formats_carry_no_terminal_controls(name: str) -> None:
    text = get_format(name).render([noted("bell \x07 escape \x1b[31m red\r\nnext")], Options())
    assert "\x1b" not in text and "\x07" not in text


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
    check_golden(text.replace(str(dumps.resolve()), "<dumps>"), GOLDEN / "starred.markdown-by-date.md")
    assert text.index("## 2024-03-20") < text.index("## Undated")


def test_markers_are_in_every_note() -> None:
    """The tool tests look for these words to see whether a style printed a note."""
    assert [m for m in MARKERS if any(m in note for note in notes().values())] == MARKERS
