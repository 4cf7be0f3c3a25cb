"""Editing a note in the user's own editor ($VISUAL / $EDITOR).

The text goes to a draft file in a private folder of the data dir (0700),
not the shared temp folder, beside a small record of which paper it is for.
While papers waits for the editor it holds a lock on that record. A draft
whose lock nobody holds was left by a papers that was killed meanwhile: the
next start saves it into the note (keeping both texts if the note changed
since), so an edit is never lost and no copy of a note lingers.

Whatever the editor does (fails to start, exits with an error, crashes,
deletes the file, writes another encoding) ends in a text or a PapersError
with one line to show; the edited text is kept in the draft until it is
saved in the store.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import secrets
import shlex
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import PapersError
from .note_file import note_file_name, with_header, without_header
from .store import NoteSave, Store

DRAFT_SUFFIX = ".md"
RECORD_SUFFIX = ".json"


def editor_command() -> list[str]:
    """$VISUAL, else $EDITOR, else a common editor found on PATH."""
    for variable in ("VISUAL", "EDITOR"):
        chosen = os.environ.get(variable, "")
        if not chosen.strip():
            continue
        try:
            command = shlex.split(chosen)
        except ValueError as error:
            raise PapersError(
                f"${variable} is not a command line ({chosen!r}: {str(error).lower()}); fix it, e.g. {variable}=nano"
            ) from None
        if command:
            return command
    for fallback in ("nano", "vi"):
        if shutil.which(fallback):
            return [fallback]
    raise PapersError("no editor found: set $EDITOR (for example EDITOR=nano)")


@dataclass(frozen=True, slots=True)
class Edited:
    """What came back from the editor."""

    text: str
    changed: bool
    notice: str = ""  # something the user should know (the text was not UTF-8)


def with_final_newline(text: str) -> str:
    """Editors expect a last line that ends; an edit appended to a note must
    not join its last line."""
    return text if not text or text.endswith("\n") else text + "\n"


def decode(data: bytes) -> tuple[str, str]:
    """The editor's bytes as text, and a notice if they were not UTF-8.

    Every byte string is Latin-1, so an editor in a Latin-1 locale loses
    nothing; a BOM some editors add is dropped.
    """
    try:
        return without_header(data.decode("utf-8-sig")), ""
    except UnicodeDecodeError:
        return without_header(data.decode("latin-1")), "the editor saved text that is not UTF-8; it was read as Latin-1"


class Draft:
    """One edit in progress: the draft file and its locked record."""

    def __init__(self, folder: Path, paper_id: str, title: str, text: str, base: dt.datetime | None) -> None:
        self.folder = folder
        self.original = with_final_newline(text)
        self.saved = False
        self.failed = ""
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            os.chmod(folder, 0o700)
            # Named after the paper, so the editor's title bar says which note it is.
            stem = f"{note_file_name(title)}-{_safe(paper_id)}-{secrets.token_hex(3)}"
            self.path = folder / f"{stem}{DRAFT_SUFFIX}"
            self.record = folder / f"{stem}{RECORD_SUFFIX}"
            self._lock = os.open(self.record, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600)
            fcntl.flock(self._lock, fcntl.LOCK_EX)
            payload = {
                "paper_id": paper_id,
                "title": title,
                "base": base.isoformat() if base else None,
                "original": self.original,
            }
            os.write(self._lock, json.dumps(payload, ensure_ascii=False).encode("utf-8"))
            fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(with_header(title, self.original))
        except OSError as error:
            raise PapersError(f"{folder}: cannot write the draft for the editor ({error.strerror})") from error

    def edit(self, command: list[str], what: str) -> Edited:
        """Run the editor on the draft; raises PapersError saying what went
        wrong and where the text is kept if it changed."""
        try:
            result = subprocess.run([*command, str(self.path)], check=False)
        except OSError as error:
            raise PapersError(
                f"cannot start the editor {command[0]!r} ({error.strerror}); set $VISUAL or $EDITOR. "
                f"{what[:1].upper()}{what[1:]} was not changed"
            ) from None
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            raise PapersError(f"the editor removed the file it was given; {what} was not changed") from None
        except OSError as error:
            raise PapersError(f"cannot read the editor's file ({error.strerror}); {what} was not changed") from None
        text, notice = decode(data)
        changed = text != self.original
        if result.returncode != 0:
            how = (
                f"was stopped by signal {-result.returncode}"
                if result.returncode < 0
                else f"exited with status {result.returncode}"
            )
            if changed:
                self.failed = how
                raise PapersError(
                    f"the editor {how}; {what} was not changed. Your text is kept in {self.path}"
                ) from None
            raise PapersError(f"the editor {how}; {what} was not changed") from None
        return Edited(text, changed, notice)

    def close(self) -> None:
        """Remove the draft unless it holds text that is not saved anywhere."""
        keep = not self.saved and self._differs()
        if keep and self.failed:
            # Kept for the user, not for recovery: they chose not to save it.
            with contextlib.suppress(OSError):
                self.record.unlink()
        elif not keep:
            for leftover in (self.path, self.record):
                with contextlib.suppress(OSError):
                    leftover.unlink()
        os.close(self._lock)

    def _differs(self) -> bool:
        try:
            return decode(self.path.read_bytes())[0] != self.original
        except OSError:
            return False


@contextlib.contextmanager
def note_draft(folder: Path, paper_id: str, title: str, text: str, base: dt.datetime | None) -> Iterator[Draft]:
    """A draft for one edit; set `draft.saved` once the store has the text."""
    draft = Draft(folder, paper_id, title, text, base)
    try:
        yield draft
    finally:
        draft.close()


@dataclass(frozen=True, slots=True)
class NoteEdit:
    """What editing a note did: `saved` is None when the text came back unchanged."""

    saved: NoteSave | None
    notice: str = ""


def edit_note(
    store: Store,
    folder: Path,
    paper_id: str,
    title: str,
    suspend: Callable[[], contextlib.AbstractContextManager[object]] = contextlib.nullcontext,
) -> NoteEdit:
    """Edit a paper's note in the user's editor and save it.

    `suspend` hands the terminal to the editor (the app's suspend). No error
    ever leaves its block: a screen that never resumes would ignore every
    key. Raises PapersError with one line to show.
    """
    what = f"the note on {title!r}"
    command = editor_command()  # a wrong $EDITOR is said before the screen goes
    current = store.note(paper_id)
    with note_draft(
        folder, paper_id, title, current.text if current else "", current.updated_at if current else None
    ) as draft:
        edited: Edited | None = None
        problem: PapersError | None = None
        try:
            with suspend():
                try:
                    edited = draft.edit(command, what)
                except PapersError as error:
                    problem = error
                except Exception as error:  # noqa: BLE001 - reported once the screen is back
                    problem = PapersError(f"the editor could not be run ({error}); {what} was not changed")
        except Exception as error:  # noqa: BLE001 - the terminal could not be handed over or back
            problem = problem or PapersError(f"cannot hand the terminal to the editor ({error})")
        if problem is not None:
            raise problem
        assert edited is not None
        if not edited.changed:
            return NoteEdit(None, edited.notice)
        base = current.updated_at if current else None
        try:
            saved = store.save_note(paper_id, title, edited.text, base, check_base=True)
        except PapersError as error:
            raise PapersError(
                f"{error}. Your text is kept in {draft.path}; papers saves it at its next start"
            ) from None
        draft.saved = True
        return NoteEdit(saved, edited.notice)


def _safe(paper_id: str) -> str:
    return "".join(c for c in paper_id if c.isalnum())[:32] or "paper"


def recover_drafts(folder: Path, open_store: Callable[[], Store]) -> list[str]:
    """Save drafts left by a papers that was killed while its editor was
    open; returns a line per draft recovered (or that could not be). The
    store is only opened if there is a draft to look at."""
    messages: list[str] = []
    try:
        records = sorted(p for p in folder.iterdir() if p.suffix == RECORD_SUFFIX)
    except OSError:
        return messages
    for record in records:
        try:
            fd = os.open(record, os.O_RDWR)
        except OSError:
            continue
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                continue  # its papers is still waiting for the editor
            message = _recover_one(record, open_store)
            if message:
                messages.append(message)
        finally:
            os.close(fd)
    return messages


def _recover_one(record: Path, open_store: Callable[[], Store]) -> str:
    draft = record.with_suffix(DRAFT_SUFFIX)
    try:
        info = json.loads(record.read_text(encoding="utf-8"))
        paper_id, title, original = info["paper_id"], info["title"], info["original"]
        base = dt.datetime.fromisoformat(info["base"]) if info["base"] else None
        if not (isinstance(paper_id, str) and isinstance(title, str) and isinstance(original, str)):
            raise TypeError("wrong types")
    except (OSError, ValueError, KeyError, TypeError):
        return f"{draft}: a draft papers cannot match to a note; it was left there"
    try:
        text, _notice = decode(draft.read_bytes())
    except FileNotFoundError:
        text = original
    except OSError as error:
        return f"{draft}: cannot read a draft left by an earlier papers ({error.strerror})"
    if text != original:
        store = open_store()
        current = store.note(paper_id)
        if current is None or current.text != text:
            saved = store.save_note(paper_id, title, text, base, check_base=True)
            both = " (the note had changed meanwhile: both texts were kept)" if saved.merged else ""
            message = f"recovered the note on {title!r} from an editor papers was closed under{both}"
        else:
            message = ""
    else:
        message = ""
    for leftover in (draft, record):
        with contextlib.suppress(OSError):
            leftover.unlink()
    return message
