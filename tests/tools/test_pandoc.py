"""pandoc 3.x reads our BibTeX, RIS and CSL-JSON, cites every paper without
printing a private note (its default style, ACL, the APA and Chicago
annotated bibliographies), and renders the Markdown as typed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.tools.cases import MARKERS, TORTURE
from tests.tools.conftest import csl_style, run
from tests.tools.readback import (
    blank_lines_merged,
    quote_text,
    read_html,
    trailing_spaces_dropped,
    typeset_quotes,
    unsmart,
)

READERS = {"bibtex": "bibtex", "ris": "ris", "csljson": "csljson"}
STYLES = [
    None,  # pandoc's default, Chicago author-date
    "association-for-computational-linguistics",
    "apa-annotated-bibliography",
    "chicago-annotated-bibliography",
]
TITLES = [title for title, _, _, _ in TORTURE]
NOCITE = '---\nnocite: "@*"\n---\n'


def references(pandoc: str, path: Path, reader: str) -> list[dict[str, object]]:
    done = run([pandoc, "--from", reader, "--to", "csljson", str(path)])
    assert done.returncode == 0, done.stderr
    records: list[dict[str, object]] = json.loads(done.stdout)
    return records


@pytest.mark.parametrize("name", READERS)
def test_pandoc_reads_every_paper_and_title_back(pandoc: str, exports: dict[str, Path], name: str) -> None:
    records = references(pandoc, exports[name], READERS[name])
    assert len(records) == len(TORTURE)
    # pandoc typesets ' as ’ in BibTeX (LaTeX) and CSL-JSON (CSL rich text): the one documented change.
    expected = TITLES if name == "ris" else [typeset_quotes(t) for t in TITLES]
    assert sorted(str(r["title"]) for r in records) == sorted(expected)
    keys = {r["id"] for r in records}
    assert keys == {r["id"] for r in references(pandoc, exports["csljson"], "csljson")}  # one key in every format
    crnn = next(r for r in records if str(r["title"]).startswith("CRNN"))
    assert crnn["issued"] == {"date-parts": [[2015, 7, 21] if name != "ris" else [2015]]}  # pandoc's RIS reads PY only
    assert crnn["author"] == [
        {"family": "Shi", "given": "Baoguang"},
        {"family": "Bai", "given": "Xiang"},
        {"family": "Yao", "given": "Cong"},
    ]


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("name", READERS)
def test_no_style_prints_a_private_note(pandoc: str, exports: dict[str, Path], name: str, style: str | None) -> None:
    command = [pandoc, "--from", "markdown", "--to", "html", "--citeproc", "--bibliography", str(exports[name])]
    if style:
        command += ["--csl", str(csl_style(style))]
    done = run(command, stdin=NOCITE)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count('class="csl-entry"') == len(TORTURE), done.stdout
    printed = [marker for marker in MARKERS if marker in done.stdout]
    assert printed == [], f"{style or 'default style'} printed notes {printed}"


@pytest.mark.parametrize("reader", ["markdown", "gfm", "commonmark"])
def test_markdown_renders_as_typed(pandoc: str, exports: dict[str, Path], reader: str) -> None:
    done = run([pandoc, "--from", reader, "--to", "html", "--wrap=none", str(exports["markdown"])])
    assert done.returncode == 0, done.stderr
    page = read_html(done.stdout)
    # pandoc's own Markdown has `smart` on: it typesets quotes and dashes, nothing else.
    typed = unsmart if reader == "markdown" else str
    assert [typed(h) for h in page.headings] == TITLES  # one heading per paper
    assert page.comments == [] and "script" not in page.tags
    assert page.tags <= {"h1", "h2", "p", "a", "ul", "li", "code", "blockquote", "br"}
    notes = [trailing_spaces_dropped(blank_lines_merged(note)) for _, note, _, _ in TORTURE if note]
    assert [typed(quote_text(q)) for q in page.quotes] == [typed(n) for n in notes]
