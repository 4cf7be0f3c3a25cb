"""The command line's small promises: exit codes, hints, plurals, completion."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from reader.core.locations import Locations
from tests.e2e.test_cli import PAPERS, papers


def test_a_mistyped_command_suggests_the_right_one() -> None:
    result = papers("serach", "kv")
    assert result.returncode == 2
    assert "did you mean `papers search`?" in result.stderr
    assert "no such file or folder" not in result.stderr


def test_an_unknown_export_format_is_bad_usage() -> None:
    result = papers("export", "-f", "nope")
    assert result.returncode == 2
    assert "invalid choice: 'nope'" in result.stderr


def test_version_works_after_the_command() -> None:
    for args in (("--version",), ("search", "--version"), ("stats", "--version")):
        result = papers(*args)
        assert result.returncode == 0 and result.stdout.startswith("papers "), args


def test_a_short_id_prefix_says_how_long_it_must_be(dumps: Path) -> None:
    assert papers("index", str(dumps)).returncode == 0
    result = papers("show", "fe")
    assert result.returncode == 1
    assert "an ID prefix needs at least 4 characters" in result.stderr


def test_search_says_how_many_match_beyond_the_limit(dumps: Path) -> None:
    assert papers("index", str(dumps)).returncode == 0
    everything = papers("search", "llm", "--limit", "0").stdout.splitlines()
    assert len(everything) > 20
    limited = papers("search", "llm")
    assert len(limited.stdout.splitlines()) == 20
    assert f"20 of {len(everything)} (use --limit 0 for all)" in limited.stderr
    few = papers("search", "llm", "--limit", str(len(everything)))
    assert "use --limit 0" not in few.stderr


def test_indexing_a_folder_without_dumps_changes_nothing(dumps: Path, tmp_path: Path) -> None:
    assert papers("index", str(dumps)).returncode == 0
    empty = tmp_path / "empty"
    empty.mkdir()
    result = papers("index", str(empty))
    assert result.returncode == 1
    assert "no dumps found" in result.stderr and "nothing was remembered" in result.stderr
    listed = papers("folders").stdout.splitlines()
    assert listed == [str(dumps.resolve())]
    assert "160 papers" in papers("stats").stdout.replace("papers: 160", "160 papers")


def test_plurals_in_the_index_summary_and_export(tmp_path: Path) -> None:
    one = tmp_path / "one"
    one.mkdir()
    (one / "2024-03-14.txt").write_text(
        "Mar 14\n\nA Single Paper About Caches\n\n"
        "We study caches in depth. The results show that caches help a great deal in practice.\n",
        encoding="utf-8",
    )
    result = papers("index", str(one))
    assert result.returncode == 0, result.stderr
    assert "1 paper from 1 entry in 1 dump" in result.stderr
    assert "0 problems" in result.stderr
    paper_id = papers("search", "caches").stdout.split()[1]
    assert papers("star", paper_id).returncode == 0
    exported = papers("export")
    assert "exported 1 paper (starred)" in exported.stderr


def test_stats_does_not_create_the_store(isolated_dirs: Locations) -> None:
    result = papers("stats")
    assert result.returncode == 0, result.stderr
    assert not isolated_dirs.store_path.exists()


def test_completion_scripts_and_completions(tmp_path: Path) -> None:
    for shell in ("bash", "zsh", "fish"):
        script = papers("completion", shell)
        assert script.returncode == 0 and "papers" in script.stdout, shell
    # What the shell asks when the user types `papers se<TAB>`: argcomplete's
    # protocol answers on file descriptor 8.
    env = dict(os.environ, _ARGCOMPLETE="1", COMP_LINE="papers se", COMP_POINT="9", _ARGCOMPLETE_IFS="\n")
    reply = tmp_path / "reply"
    with reply.open("w") as out:
        done = subprocess.run(
            ["bash", "-c", f'"{PAPERS}" 8>&1 9>/dev/null'], env=env, stdout=out, stderr=subprocess.DEVNULL, timeout=60
        )
    assert done.returncode == 0
    assert "search" in reply.read_text().split()


def test_the_man_page_lists_every_command() -> None:
    page = papers("manpage")
    assert page.returncode == 0 and page.stdout.startswith(".TH PAPERS")
    for command in ("index", "search", "export", "folders", "completion"):
        assert command in page.stdout


def test_progress_is_only_the_summary_when_stderr_is_not_a_terminal(dumps: Path) -> None:
    result = papers("index", str(dumps))
    assert result.returncode == 0
    lines = result.stderr.splitlines()
    assert not any(line.startswith(("scanning", "reading dumps", "indexing papers", "saving")) for line in lines)
    assert "160 papers from 194 entries in 2 dumps" in lines[-1]


def test_progress_on_a_terminal_follows_its_width(dumps: Path) -> None:
    import fcntl
    import pty
    import struct
    import termios

    primary, secondary = pty.openpty()
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 60, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}  # the terminal's own size
    process = subprocess.Popen(
        [PAPERS, "index", str(dumps)], stdin=secondary, stdout=secondary, stderr=secondary, env=env
    )
    os.close(secondary)
    output = b""
    while True:
        try:
            chunk = os.read(primary, 4096)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
    assert process.wait(timeout=120) == 0
    os.close(primary)
    text = output.decode("utf-8", "replace")
    assert "saving" in text  # the bar was drawn
    drawn = [part for line in text.split("\r\n") for part in line.split("\r")]
    # Each redraw of the bar fits in 60 columns (escape sequences aside).
    plain = [re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", part) for part in drawn]
    too_wide = [part for part in plain if ("saving" in part or "reading" in part) and len(part) > 60]
    assert not too_wide, too_wide
    assert "160 papers from 194 entries in 2 dumps" in text
