"""Text clean-up and the paper identity rule."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_NON_ALNUM = re.compile(r"[\W_]+", re.UNICODE)
# C0/C1 controls (but tab and newline) become visible symbols: an escape
# sequence in a dump must never reach the terminal as one.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")


def _visible_control(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # U+2400 block: ␀ ␁ ... ␛ ...
    if code == 0x7F:
        return "\u2421"  # ␡
    return "\ufffd"


def clean_text(text: str) -> str:
    """Make dump text safe to show and store: controls visible, spaces single."""
    text = _CONTROL.sub(_visible_control, text)
    return _SPACES.sub(" ", text).strip()


def printable(text: str) -> str:
    """Any string from outside (a file name, a note, a restored title) as it
    may reach a terminal: controls shown as symbols, undecodable bytes of a
    file name (surrogate escapes) as U+FFFD. Tabs and newlines are kept."""
    return _SURROGATE.sub("\ufffd", _CONTROL.sub(_visible_control, text))


def normalise_title(title: str) -> str:
    """NFKC, casefolded, runs of non-alphanumerics collapsed to one space."""
    folded = unicodedata.normalize("NFKC", title).casefold()
    return _NON_ALNUM.sub(" ", folded).strip()


def paper_id(title: str) -> str:
    """The stable ID of a paper: 12 hex digits of a hash of its normalised title.

    The same title (in any case or spacing) gives the same ID in every dump,
    on every machine, after every rebuild.
    """
    key = normalise_title(title) or title.strip()
    return hashlib.blake2b(key.encode("utf-8"), digest_size=6).hexdigest()
