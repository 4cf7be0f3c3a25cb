"""The dump parser on the real samples and on crafted files."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from reader.core.dumps import find_dump_files, parse_date_line, parse_dump
from reader.core.text import paper_id
from tests.conftest import SAMPLES

HEADER = (
    "new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\n"
    "Daily Papers\n\nby AK and the research community\n\n"
)
ABSTRACT = ("We study a problem that matters. " * 12).strip()  # ~390 characters: long enough to read as an abstract


def write(path: Path, text: str | bytes) -> Path:
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8", newline="")
    else:
        path.write_bytes(text)
    return path


def messages(parsed: object) -> list[str]:
    """The problems reported, but the note that the file's time dated the save."""
    return [str(p) for p in parsed.problems if "by the file's time" not in p.message]  # type: ignore[attr-defined]


def test_sample_dumps_give_the_documented_counts() -> None:
    first, second = (parse_dump(p) for p in sorted(SAMPLES.glob("*.txt")))
    assert (len(first.entries), len(second.entries)) == (106, 88)
    assert [p for p in first.problems + second.problems if p.severity != "info"] == []
    assert [p.message for p in first.problems] == [f"no date on the page: dated {first.date} by the file's time"]
    ids = [e.paper_id for e in first.entries + second.entries]
    assert len(set(ids)) == 160
    assert len(set(e.paper_id for e in first.entries) & set(e.paper_id for e in second.entries)) == 34
    assert second.date is not None and (second.date.month, second.date.day) == (3, 14)
    assert (
        first.entries[0].title == "Beyond Inference: Performance Analysis of DNN Server Overheads for Computer Vision"
    )
    assert first.entries[0].abstract.startswith("Deep neural network (DNN) inference")


def test_headers_are_skipped_and_lines_are_reported(tmp_path: Path) -> None:
    dump = write(tmp_path / "d.txt", HEADER + f"Mar 14\n\nA Title\n\n{ABSTRACT}\n\nLonely Title\n")
    parsed = parse_dump(dump)
    # A title whose abstract is missing is still a paper, kept without one and reported.
    assert [(e.title, bool(e.abstract)) for e in parsed.entries] == [("A Title", True), ("Lonely Title", False)]
    assert parsed.entries[0].line == 13
    assert messages(parsed) == [f"{dump}:17: title with no abstract (cut off?); kept without one: 'Lonely Title'"]


def test_crlf_bom_and_stray_spaces(tmp_path: Path) -> None:
    text = "\ufeff" + HEADER.replace("\n", "\r\n") + f"  Spaced   Title  \r\n \r\n\t{ABSTRACT}  \r\n"
    parsed = parse_dump(write(tmp_path / "d.txt", text.encode("utf-8")))
    assert [(e.title, e.abstract) for e in parsed.entries] == [("Spaced Title", ABSTRACT)]
    assert [p.severity for p in parsed.problems] == ["info"]  # dated by the file's time


def test_lone_cr_line_endings(tmp_path: Path) -> None:
    parsed = parse_dump(write(tmp_path / "d.txt", f"Old Mac Title\r\r{ABSTRACT}\r".encode()))
    assert [e.title for e in parsed.entries] == ["Old Mac Title"]


def test_latin1_is_decoded_and_reported(tmp_path: Path) -> None:
    text = f"Caf\xe9 R\xe9sum\xe9 Networks\n\n{ABSTRACT} na\xefve\n".encode("latin-1")
    parsed = parse_dump(write(tmp_path / "d.txt", text))
    assert parsed.entries[0].title == "Café Résumé Networks"
    assert parsed.entries[0].abstract.endswith("naïve")
    assert parsed.encoding == "windows-1252"
    assert any(":1: not valid UTF-8" in m for m in messages(parsed))


def test_utf16_with_bom(tmp_path: Path) -> None:
    parsed = parse_dump(write(tmp_path / "d.txt", f"Wide Title\r\n\r\n{ABSTRACT}\r\n".encode("utf-16")))
    assert [e.title for e in parsed.entries] == ["Wide Title"]


def test_two_titles_in_a_row(tmp_path: Path) -> None:
    dump = write(tmp_path / "d.txt", f"First Title\n\nSecond Title\n\n{ABSTRACT}\n\nThird One\n\n{ABSTRACT}\n")
    parsed = parse_dump(dump)
    # Titles are never paired with titles: the first is a paper with no abstract.
    assert [(e.title, bool(e.abstract)) for e in parsed.entries] == [
        ("First Title", False),
        ("Second Title", True),
        ("Third One", True),
    ]
    assert f"{dump}:1: title with no abstract (cut off?); kept without one: 'First Title'" in messages(parsed)


def test_paragraph_without_title(tmp_path: Path) -> None:
    dump = write(tmp_path / "d.txt", HEADER + f"{ABSTRACT}\n\nSome Title\n\n{ABSTRACT}\n")
    parsed = parse_dump(dump)
    assert [e.title for e in parsed.entries] == ["Some Title"]
    assert messages(parsed) == [f"{dump}:11: paragraph with no title before it; skipped"]


def test_empty_binary_html_and_header_only_files(tmp_path: Path) -> None:
    empty = parse_dump(write(tmp_path / "empty.txt", b""))
    binary = parse_dump(write(tmp_path / "bin.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00"))
    html = parse_dump(write(tmp_path / "page.txt", "<!DOCTYPE html><html><body>hi</body></html>"))
    headers = parse_dump(write(tmp_path / "headers.txt", HEADER))
    assert [m.split(": ", 1)[1] for m in messages(empty)] == ["empty file"]
    assert "binary file" in messages(binary)[0]
    assert "HTML page" in messages(html)[0]
    assert "no papers found" in messages(headers)[0]
    for parsed in (empty, binary, html, headers):
        assert parsed.entries == []


def test_wrapped_paragraphs_are_joined(tmp_path: Path) -> None:
    wrapped = "\n".join(ABSTRACT[i : i + 70] for i in range(0, len(ABSTRACT), 70))
    parsed = parse_dump(write(tmp_path / "d.txt", f"A Long Title That\nWraps Onto Two Lines\n\n{wrapped}\n"))
    assert parsed.entries[0].title == "A Long Title That Wraps Onto Two Lines"
    assert len(parsed.entries[0].abstract) >= len(ABSTRACT) - 10


def test_no_blank_lines_between_paragraphs(tmp_path: Path) -> None:
    parsed = parse_dump(write(tmp_path / "d.txt", f"Title One\n{ABSTRACT}\nTitle Two\n{ABSTRACT}\n"))
    assert [e.title for e in parsed.entries] == ["Title One", "Title Two"]


def test_escape_sequences_are_neutralised(tmp_path: Path) -> None:
    parsed = parse_dump(write(tmp_path / "d.txt", f"Red \x1b[31mAlert\x1b]0;pwned\x07 [bold]x[/]\n\n{ABSTRACT}\n"))
    title = parsed.entries[0].title
    assert "\x1b" not in title and "\x07" not in title
    assert title == "Red \u241b[31mAlert\u241b]0;pwned\u2407 [bold]x[/]"


def test_parsing_never_writes(tmp_path: Path) -> None:
    dump = write(tmp_path / "d.txt", f"Some Title\n\n{ABSTRACT}\n")
    os.utime(dump, (1_000_000_000, 1_000_000_000))
    before = (dump.read_bytes(), dump.stat().st_mtime_ns)
    parse_dump(dump)
    assert (dump.read_bytes(), dump.stat().st_mtime_ns) == before


def test_dates() -> None:
    today = dt.date(2025, 1, 10)
    # Without a year: the latest such date not after the file's time.
    assert parse_date_line("Mar 14", today) == (dt.date(2024, 3, 14), False)
    assert parse_date_line("Jan 9", today) == (dt.date(2025, 1, 9), False)
    assert parse_date_line("Jan 10", today) == (dt.date(2025, 1, 10), False)
    assert parse_date_line("Jan 11", today) == (dt.date(2024, 1, 11), False)
    assert parse_date_line("Feb 29", today) == (dt.date(2024, 2, 29), False)
    assert parse_date_line("March 14, 2023", today) == (dt.date(2023, 3, 14), True)
    assert parse_date_line("2024-02-29", today) == (dt.date(2024, 2, 29), True)
    assert parse_date_line("Marching 14", today) == (None, False)
    assert parse_date_line("Feb 30", today) == (None, False)


def test_date_from_file_name(tmp_path: Path) -> None:
    parsed = parse_dump(write(tmp_path / "daily-2024-03-14.txt", f"Mar 14\n\nSome Title\n\n{ABSTRACT}\n"))
    assert parsed.date == dt.date(2024, 3, 14)


def test_folders_are_walked_in_name_order_once(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "b").mkdir(parents=True)
    (root / "a").mkdir()
    write(root / "b" / "1.txt", "x")
    write(root / "a" / "2.txt", "x")
    write(root / "0.txt", "x")
    write(root / "notes.pdf", "x")
    write(root / ".hidden.txt", "x")
    (root / "b" / "loop").symlink_to(root)
    files, problems = find_dump_files([root, root / "0.txt"])
    assert [str(f.relative_to(root)) for f in files] == ["0.txt", "a/2.txt", "b/1.txt"]
    assert [p.message for p in problems] == ["ignored 1 file(s) that are not .txt, .md, .markdown, .json: notes.pdf"]


def test_missing_location_is_reported(tmp_path: Path) -> None:
    files, problems = find_dump_files([tmp_path / "nope"])
    assert files == [] and "no such file or folder" in str(problems[0])


def test_same_title_in_other_case_and_spacing_has_one_id() -> None:
    assert paper_id("Attention Is All You Need") == paper_id("  attention is   ALL you need.")
    assert paper_id("Ｆｕｌｌ Width") == paper_id("full width")
    assert paper_id("Attention Is All You Need") != paper_id("Attention Is Not All You Need")
