"""The BibTeX export in the programs that read BibTeX files: biber (BibLaTeX's
backend) validating the data model, classic BibTeX with its plain style,
and bibtexparser 1.x (scripts still use it; the app writes with 2.x)."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from pylatexenc.latex2text import LatexNodes2Text

from tests.tools.cases import MARKERS, TORTURE
from tests.tools.conftest import BIBTEXPARSER1, require, run, tool
from tests.tools.readback import decoded

TITLES = [title for title, _, _, _ in TORTURE]
NOTES = {title: note for title, note, _, _ in TORTURE if note}
# The one paper with no date at all: its dump is gone and its save said nothing.
DATELESS = [title for title, _, meta, in_dump in TORTURE if not in_dump and not meta.published]


def latex_text(latex: str) -> str:
    return decoded(LatexNodes2Text().latex_to_text(latex))


def test_biber_validates_the_data_model(exports: dict[str, Path], tmp_path: Path) -> None:
    biber = tool("biber", "biber")
    output = tmp_path / "checked.bib"
    done = run([biber, "--tool", "--validate-datamodel", "--output-file", str(output), str(exports["bibtex"])])
    assert done.returncode == 0, done.stdout + done.stderr
    log = done.stdout + done.stderr
    assert "ERROR" not in log, log
    warnings = [line for line in log.splitlines() if line.startswith("WARN")]
    # BibLaTeX wants a date on every entry; only a paper nobody dated lacks one.
    assert len(warnings) == len(DATELESS) and all("one of 'date, year' must be defined" in w for w in warnings), log
    assert output.read_text(encoding="utf-8").count("@MISC{") == len(TORTURE)


def test_bibtex_plain_style_without_a_warning(exports: dict[str, Path], tmp_path: Path) -> None:
    """BibTeX reads only the .aux file: this one is what LaTeX writes for
    `\\nocite{*}`, `\\bibliographystyle{plain}` and `\\bibliography{torture}`."""
    bibtex = tool("bibtex", "texlive-binaries texlive-base")
    (tmp_path / "torture.bib").write_bytes(exports["bibtex"].read_bytes())
    (tmp_path / "paper.aux").write_text("\\citation{*}\n\\bibstyle{plain}\n\\bibdata{torture}\n", encoding="utf-8")
    done = run([bibtex, "paper"], cwd=tmp_path)
    log = (tmp_path / "paper.blg").read_text(encoding="utf-8", errors="replace")
    assert done.returncode == 0 and "Warning--" not in log and "error" not in log.lower(), done.stdout + log
    bbl = (tmp_path / "paper.bbl").read_text(encoding="utf-8")
    items = bbl.split("\\bibitem")[1:]
    assert len(items) == len(TORTURE)
    assert [m for m in MARKERS if m in bbl] == []  # the note (annote) is not printed
    printed = [" ".join(latex_text(item.split("\n", 1)[1].replace("\\newblock", "")).split()) for item in items]
    for title in TITLES:
        # plain lower-cases titles but for braced words: every capital survives.
        assert any(" ".join(title.split()) in text for text in printed), title


@pytest.fixture(scope="module")
def bibtexparser1() -> Path:
    """bibtexparser 1.x in a folder of its own (the app depends on 2.x)."""
    if not (BIBTEXPARSER1 / "bibtexparser").is_dir():
        pip = [sys.executable, "-m", "pip", "install", "--quiet", "--no-warn-conflicts", "--target"]
        done = run([*pip, str(BIBTEXPARSER1), "bibtexparser>=1.4,<2"])
        require(done.returncode == 0, "bibtexparser 1.x", f"pip could not install it: {done.stderr[-500:]}")
    return BIBTEXPARSER1


_READ_WITH_1X = """
import json, sys
import bibtexparser
assert bibtexparser.__version__.startswith("1."), bibtexparser.__version__
with open(sys.argv[1], encoding="utf-8") as handle:
    database = bibtexparser.load(handle)
print(json.dumps(database.entries))
"""


def test_bibtexparser_1_reads_every_entry(exports: dict[str, Path], bibtexparser1: Path) -> None:
    done = run([sys.executable, "-c", _READ_WITH_1X, str(exports["bibtex"])], pythonpath=bibtexparser1)
    assert done.returncode == 0, done.stderr
    entries = json.loads(done.stdout)
    assert len(entries) == len(TORTURE)  # none dropped (1.x drops an entry it cannot read, silently)
    titles = sorted(latex_text(e["title"]) for e in entries)
    assert titles == sorted(TITLES)
    notes = {latex_text(e["title"]): latex_text(e["annote"]) for e in entries if "annote" in e}
    # 1.x drops the spaces that start a line (in BibTeX they mean nothing).
    assert notes == {title: re.sub(r"\n[ \t]+", "\n", note) for title, note in NOTES.items()}
    assert all(re.fullmatch(r"[a-z0-9_]+", e["ID"]) for e in entries)
