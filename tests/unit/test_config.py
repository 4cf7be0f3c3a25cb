"""config.toml: every wrong setting is named exactly and left out; nothing
in it stops the program. Keys are checked with Textual's own key names."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.core.config import Config, check_keys, check_theme
from reader.tui.commands import MAIN_COMMANDS
from reader.tui.keynames import RESERVED_KEYS, textual_key_name

DEFAULTS = {command.id: command.key for command in MAIN_COMMANDS}


def load(tmp_path: Path, text: str | bytes) -> Config:
    path = tmp_path / "config.toml"
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return Config.load(path)


def keys(config: Config) -> tuple[dict[str, str], list[str]]:
    return check_keys(config, DEFAULTS, RESERVED_KEYS, textual_key_name)


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("notakey", "'notakey' is not a key name"),
        (",", "has an empty key"),
        ("ctrl+", 'has no key after "+"'),
        ("x y", "'x y' is not one key"),
        ("", "is empty"),
        ("hyperdrive+s", "'hyperdrive' is not a modifier"),
        ("x,,y", "has an empty key"),
    ],
)
def test_a_key_that_is_not_a_key(tmp_path: Path, value: str, reason: str) -> None:
    accepted, problems = keys(load(tmp_path, f'[keys]\nstar = "{value}"\n'))
    assert accepted == {}
    assert len(problems) == 1 and reason in problems[0]
    assert problems[0].startswith(f"{tmp_path / 'config.toml'}: [keys] star = ") and "kept 's'" in problems[0]


@pytest.mark.parametrize(
    ("binding", "taken"),
    [
        ('star = "q"', "'q' is already the key of 'quit'"),
        ('star = "x"', "'x' is already the key of 'export'"),
        ('search = "j"', "'j' is already moving down"),
        ('note = "k"', "'k' is already moving up"),
        ('help = "ctrl+p"', "'ctrl+p' is already the command palette"),
        ('export = "escape"', "'escape' is already going back"),
        ('star = "G"', "'G' is already going to the last paper"),
        ('star = "?"', "'question_mark' is already the key of 'help'"),
        ('star = "a"\nnote = "a"', "'a' is already the key of 'star'"),
    ],
)
def test_a_key_taken_from_another_command_or_from_moving(tmp_path: Path, binding: str, taken: str) -> None:
    accepted, problems = keys(load(tmp_path, f"[keys]\n{binding}\n"))
    assert len(problems) == 1 and taken in problems[0], problems
    assert len(accepted) == binding.count("\n")  # the first of two may keep its key


def test_keys_that_are_fine_are_kept(tmp_path: Path) -> None:
    config = load(tmp_path, '[keys]\nstar = "x,ctrl+s"\nexport = "e"\nnote = "?"\nhelp = "f1"\nquit = "ctrl+x"\n')
    accepted, problems = keys(config)
    assert problems == []
    assert accepted == {
        "star": "x,ctrl+s",
        "export": "e",
        "note": "question_mark",
        "help": "f1",
        "quit": "ctrl+x",
    }


def test_swapping_two_keys_works_but_a_rejected_one_takes_its_default_back(tmp_path: Path) -> None:
    assert keys(load(tmp_path, '[keys]\nstar = "n"\nnote = "s"\n')) == ({"star": "n", "note": "s"}, [])
    # note cannot have q, so it keeps n: then star cannot have n either.
    accepted, problems = keys(load(tmp_path, '[keys]\nstar = "n"\nnote = "q"\n'))
    assert accepted == {}
    assert len(problems) == 2


def test_unknown_commands_settings_types_and_themes(tmp_path: Path) -> None:
    config = load(tmp_path, 'theme = 5\ncolour = "red"\n[keys]\nstarr = "z"\nnote = 7\n')
    accepted, problems = keys(config)
    everything = config.problems + problems
    assert len(everything) == 4, everything
    assert any("theme must be a theme name in quotes" in p for p in everything)
    assert any("unknown setting 'colour'" in p for p in everything)
    assert any("'starr' is not a command (commands: search, open, star" in p for p in everything)
    assert any("[keys] note must be a key in quotes" in p and "got a number" in p for p in everything)
    assert accepted == {}
    chosen, problem = check_theme("nrod", {"nord", "textual-dark"}, "config.toml")
    assert (
        chosen is None and problem == "config.toml: theme 'nrod' is not a theme (themes: nord, textual-dark); ignored"
    )
    assert check_theme("nord", {"nord"}, "config.toml") == ("nord", None)


@pytest.mark.parametrize("text", [b"[keys\nstar = 's'", b"\xff\xfe", b"keys = 5\n"])
def test_a_config_that_cannot_be_read_is_the_default_with_a_problem(tmp_path: Path, text: bytes) -> None:
    config = load(tmp_path, text)
    assert config.keys == {} and config.theme is None
    assert len(config.problems) == 1 and str(tmp_path / "config.toml") in config.problems[0]
