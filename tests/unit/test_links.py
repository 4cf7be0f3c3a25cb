"""Links found in abstracts, and where `o` sends the reader."""

from __future__ import annotations

import datetime as dt

from reader.core.links import code_url, hf_url, paper_url, urls
from reader.core.models import DumpAppearance, Paper, PaperMeta


def make_paper(abstract: str, meta: PaperMeta | None = None) -> Paper:
    dumps = (DumpAppearance("d.txt", dt.date(2024, 3, 14)),)
    return Paper("abcdef012345", "Attention Is All You Need", abstract, dumps, meta or PaperMeta())


def test_balanced_parentheses_stay_in_the_link() -> None:
    text = "Code: https://en.wikipedia.org/wiki/X_(y). More text."
    assert [url for _, _, url in urls(text)] == ["https://en.wikipedia.org/wiki/X_(y)"]


def test_www_links_are_found_and_prose_file_names_are_not() -> None:
    text = "See www.example.com/demo, train.py and arXiv.org for details."
    assert [url for _, _, url in urls(text)] == ["http://www.example.com/demo"]


def test_trailing_punctuation_is_not_part_of_the_link() -> None:
    text = "Available at https://github.com/org/repo."
    [(start, end, url)] = urls(text)
    assert url == "https://github.com/org/repo"
    assert text[start:end] == url


def test_paper_url_prefers_arxiv_metadata_over_the_code_link() -> None:
    paper = make_paper("Code at https://github.com/org/repo.", PaperMeta(arxiv_id="2403.01234"))
    assert paper_url(paper) == "https://arxiv.org/abs/2403.01234"
    assert hf_url(paper) == "https://huggingface.co/papers/2403.01234"
    assert code_url(paper) == "https://github.com/org/repo"


def test_paper_url_uses_an_arxiv_link_in_the_abstract() -> None:
    paper = make_paper("Code at https://github.com/org/repo and paper at https://arxiv.org/abs/2401.00001v2.")
    assert paper_url(paper) == "https://arxiv.org/abs/2401.00001v2"


def test_a_code_link_is_never_the_paper_link() -> None:
    paper = make_paper("Code at https://github.com/org/repo.")
    assert paper_url(paper) == "https://huggingface.co/papers?q=Attention+Is+All+You+Need"
    assert code_url(paper) == "https://github.com/org/repo"
    assert code_url(make_paper("No links here.")) == ""


def test_github_metadata_is_the_code_link() -> None:
    paper = make_paper("No links.", PaperMeta(github="https://github.com/meta/repo"))
    assert code_url(paper) == "https://github.com/meta/repo"
