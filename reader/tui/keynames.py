"""Key names as Textual knows them, and the keys no command may take.

`reader.core.config.check_keys` validates the user's [keys] with these (the
core itself knows nothing of Textual).
"""

from __future__ import annotations

import unicodedata

from textual.keys import KEY_NAME_REPLACEMENTS, REPLACED_KEYS, Keys, key_to_character

# Keys that move around the list and the app: a command bound to one of them
# would take it away (the help screen lists them).
RESERVED_KEYS: dict[str, str] = {
    "j,down": "moving down",
    "k,up": "moving up",
    "g,home": "going to the first paper",
    "G,end": "going to the last paper",
    "pageup,pagedown": "paging",
    "escape": "going back",
    "ctrl+p": "the command palette",
    "ctrl+q,ctrl+c": "quitting",
}

_NAMED = {key.value for key in Keys}


def textual_key_name(key: str) -> str | None:
    """The name Textual gives a key ("?" is "question_mark"), or None if it has none."""
    if len(key) == 1:
        if not key.isprintable() or key.isspace():
            return None
        if key.isalnum():
            return key
        try:
            name = unicodedata.name(key).lower().replace("-", "_").replace(" ", "_")
        except ValueError:
            return None
        return KEY_NAME_REPLACEMENTS.get(name, name)
    if key in _NAMED or key_to_character(REPLACED_KEYS.get(key, key)) is not None:
        return key
    return None
