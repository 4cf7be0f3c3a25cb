"""Shell completion and the man page, both generated from the CLI's parser.

Completion is argcomplete's: the shell script it prints calls `papers` back
with `_ARGCOMPLETE` set, so the completion always matches the installed
parser (commands, options, choices) in bash, zsh and fish alike.
"""

from __future__ import annotations

import argparse
import os

from . import __version__

SHELLS = ("bash", "zsh", "fish")


def complete_if_asked(parser: argparse.ArgumentParser) -> None:
    """Answer a shell's completion request and exit; otherwise return at once.

    argcomplete is imported only when a shell asks, so a normal start pays nothing.
    """
    if "_ARGCOMPLETE" in os.environ:
        import argcomplete

        argcomplete.autocomplete(parser)


def completion_script(shell: str, prog: str = "papers") -> str:
    """The script to source in `shell` for `prog`'s completion."""
    from argcomplete.shell_integration import shellcode

    return shellcode([prog], shell=shell)


def man_page(parser: argparse.ArgumentParser) -> str:
    """The man page (troff) for every command and option of `parser`."""
    from argparse_manpage.manpage import Manpage

    data = {
        "project_name": "papers",
        "version": __version__,
        "manual_title": "papers manual",
        "manual_section": "1",
        "description": "keyboard-first terminal reader for saved Hugging Face Daily Papers pages",
    }
    return str(Manpage(parser, _data=data))
