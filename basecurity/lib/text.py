"""Text hygiene shared by every form and import (issue 12).

`clean_text` puts text in Unicode NFC (so "Nguyễn" typed with combining marks matches the
precomposed one a search or a uniqueness rule compares with) and removes the characters a reader
cannot see: zero-width spaces and joiners, the word joiner, the byte-order mark, and the
bidirectional controls that can make a name or a number display in another order than stored
(the "Trojan source" trick). Line breaks and tabs stay.
"""

from __future__ import annotations

import re
import unicodedata

INVISIBLE = re.compile(
    "["
    "\u200b-\u200d"  # zero-width space, non-joiner, joiner
    "\u2060"  # word joiner
    "\ufeff"  # zero-width no-break space (byte-order mark)
    "\u200e\u200f"  # left-to-right and right-to-left marks
    "\u202a-\u202e"  # bidi embeddings and overrides
    "\u2066-\u2069"  # bidi isolates
    "]"
)


def clean_text(value: str) -> str:
    """NFC, without zero-width and bidirectional control characters."""
    return unicodedata.normalize("NFC", INVISIBLE.sub("", value))
