"""The command line's small promises: exit codes, hints, plurals, completion."""

from __future__ import annotations

import os
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
