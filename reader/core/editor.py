"""Editing text in the user's own editor ($VISUAL / $EDITOR)."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import tempfile
from pathlib import Path

from .errors import PapersError


def editor_command() -> list[str]:
    """$VISUAL, else $EDITOR, else a common editor found on PATH."""
    chosen = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if chosen:
        return shlex.split(chosen)
    for fallback in ("nano", "vi"):
        if shutil.which(fallback):
            return [fallback]
    raise PapersError("no editor found: set $EDITOR (for example EDITOR=nano)")


def edit_text(text: str, what: str, file_name: str = "note") -> str:
    """Let the user edit `text` in their editor; returns the edited text.

    The temp file is private (mkstemp creates it 0600), ends with
    `file_name` (the editor shows it), and is removed after.
    """
    command = editor_command()
    fd, name = tempfile.mkstemp(prefix="papers-", suffix=f"-{file_name}.md")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        try:
            result = subprocess.run([*command, name], check=False)
        except OSError as error:
            raise PapersError(f"cannot start the editor {command[0]!r}: {error.strerror}") from error
        if result.returncode != 0:
            raise PapersError(f"the editor exited with status {result.returncode}; {what} was not changed")
        return Path(name).read_text(encoding="utf-8")
    finally:
        os.unlink(name)
