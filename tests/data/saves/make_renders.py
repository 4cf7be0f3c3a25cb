"""Make the text-browser renders kept beside this script (needs lynx, w3m,
pandoc and html2text: `apt-get install lynx w3m pandoc html2text`).

    .venv/bin/python -m tests.data.saves.make_renders
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.saves_builder import cards, html_page

HERE = Path(__file__).parent
COMMANDS = {
    "lynx.txt": ["lynx", "-dump", "-force_html", "-display_charset=utf-8"],
    "w3m.txt": ["w3m", "-dump", "-T", "text/html", "-cols", "80"],
    "pandoc.txt": ["pandoc", "-f", "html", "-t", "plain"],
    "html2text.txt": ["html2text", "-utf8"],
}


def main() -> None:
    page = HERE / "page.html"
    page.write_text(html_page(cards(8)), encoding="utf-8")
    for name, command in COMMANDS.items():
        output = subprocess.run([*command, str(page)], capture_output=True, check=True).stdout
        (HERE / name).write_bytes(output)
    page.unlink()


if __name__ == "__main__":
    main()
