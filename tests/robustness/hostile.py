"""Hostile and odd dumps, built by the tests themselves."""

from __future__ import annotations

import codecs
import os
from pathlib import Path

ABSTRACT = "We describe a dependable method and measure it carefully on many tasks. " * 5
WEIRD_TITLE = "Weird [bold]Markup[/] [link=https://x.invalid]l[/link] [@click=app.quit]q[/] \x1b[31mRed\x1b]0;pwn\x07"
WEIRD_ABSTRACT = (
    "Zero\u200bwidth, right\u202eto\u202cleft, emoji 🧪🚀, CJK 漢字かな한국어, "
    "and an escape \x1b[2J that must not clear the screen. " + ABSTRACT
)


def build_hostile_folder(root: Path) -> dict[str, Path]:
    """Every kind of bad input in one folder (next to good papers)."""
    root.mkdir(parents=True, exist_ok=True)
    files = {
        "empty": root / "empty.txt",
        "headers": root / "headers_only.txt",
        "binary": root / "binary.txt",
        "latin1": root / "latin1.txt",
        "bom_crlf": root / "bom_crlf.txt",
        "long_line": root / "long_line.txt",
        "dangling": root / "dangling_title.txt",
        "two_titles": root / "two_titles.txt",
        "weird": root / "weird.txt",
        "html": root / "saved_as_html.txt",
    }
    files["empty"].write_bytes(b"")
    files["headers"].write_text("new\n\nSubscribe\n\nDaily Papers\n\nby AK and the research community\n\nMar 14\n")
    files["binary"].write_bytes(bytes(range(256)) * 64)
    files["latin1"].write_bytes(f"Caf\xe9 Networks For R\xe9sum\xe9s\n\n{ABSTRACT}\n".encode("latin-1"))
    files["bom_crlf"].write_bytes(codecs.BOM_UTF8 + f"Windows Saved Paper\r\n\r\n{ABSTRACT}\r\n".encode())
    files["long_line"].write_text("x" * 10_000_000 + f"\n\nAfter The Long Line\n\n{ABSTRACT}\n")
    files["dangling"].write_text(f"Good Dangling Neighbour\n\n{ABSTRACT}\n\nA Title Left Alone\n")
    files["two_titles"].write_text(f"First Orphan Title\n\nSecond Real Title\n\n{ABSTRACT}\n")
    files["weird"].write_text(f"{WEIRD_TITLE}\n\n{WEIRD_ABSTRACT}\n", encoding="utf-8")
    files["html"].write_text("<!DOCTYPE html><html><body>Daily Papers</body></html>")
    (root / "notes.pdf").write_bytes(b"%PDF-1.4")
    (root / "loop").symlink_to(root)
    (root / "dangling_link.txt").symlink_to(root / "does-not-exist.txt")
    os.mkfifo(root / "a_fifo.txt")
    return files
