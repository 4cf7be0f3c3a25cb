"""What a piece of page text looks like: a title, an abstract, a summary, junk."""

from __future__ import annotations

import re

_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]?(?:\s+(?=[A-Z0-9(\"“'‘])|$)")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_ENDS_IN_URL = re.compile(r"(?:https?://|www\.)\S+$", re.I)
_LETTER = re.compile(r"[^\W\d_]")
_ALNUM = re.compile(r"[^\W_]")
_CAPITAL = re.compile(r"[A-Z0-9\u00c0-\u00de\u0391-\u03a9\u0410-\u042f]")
_CUT = ("…", "...", "[…]", "(…)")
_COMPLETE_END = (".", "!", "?", ")", "]", '"', "”", "'", "’", "}")


def sentences(text: str) -> int:
    return len(_SENTENCE_END.findall(text))


def words(text: str) -> int:
    return len(text.split())


def _real_words(text: str) -> int:
    """Words holding a letter or a digit (a control character shown as a
    symbol, or a dash, is not a word of a title)."""
    return sum(1 for word in text.split() if _ALNUM.search(word))


def is_cut(text: str) -> bool:
    """An abstract that obviously stops short: an ellipsis, or no final stop."""
    stripped = text.rstrip()
    return stripped.endswith(_CUT) or not stripped.endswith(_COMPLETE_END)


def abstract_rank(text: str) -> int:
    """How good an abstract is: 0 none, 1 cut short, 2 complete."""
    if not text.strip():
        return 0
    return 1 if is_cut(text) else 2


def looks_like_abstract(text: str) -> bool:
    """Two sentences or more, or a long text, or one cut short."""
    if len(text) < 80 or words(text) < 12:
        return False
    return sentences(text) >= 2 or len(text) >= 400 or text.rstrip().endswith(_CUT)


def looks_like_summary(text: str) -> bool:
    """One sentence about a paper (the site's AI summary on trending cards)."""
    return words(text) >= 8 and len(text) < 400 and text.rstrip().endswith(".") and sentences(text) <= 1


def title_problem(text: str) -> str:
    """Why this cannot be a paper's title ('' when it can)."""
    if not _LETTER.search(text):
        return "no letters"
    if len(text) > 300:
        return "too long for a title"
    if _real_words(text) < 2 and not (_CJK.search(text) and len(text) >= 4):
        return "a single word"
    if not _CAPITAL.search(text) and not _CJK.search(text):
        return "no capital letter"
    if _ENDS_IN_URL.search(text):
        return "ends in a web address"
    if words(text) > 40 or (len(text) > 120 and text.rstrip().endswith(".") and sentences(text) >= 2):
        return "reads like a paragraph"
    return ""


def looks_like_title(text: str) -> bool:
    return not title_problem(text) and not (len(text) > 150 and sentences(text) >= 2)


def title_cased(text: str) -> bool:
    """Most longer words capitalised, as titles are and sentences are not."""
    long_words = [word.strip("()[]{}\"'“”:,;.") for word in text.split()]
    long_words = [word for word in long_words if len(word) > 3]
    if len(long_words) < 2:
        return False
    capitals = sum(1 for word in long_words if word[0].isupper() or word[0].isdigit())
    return capitals / len(long_words) >= 0.7
