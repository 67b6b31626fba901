"""Names sorted as Vietnamese dictionaries sort them: Đ after D (not after Z), Ă and Â after A, Ơ after
Ô, Ư after U, and the tones in the order ngang, huyền, hỏi, ngã, sắc, nặng, compared only when the
letters are the same ("Anh" < "Ánh" < "Bình").

One collation name, `vi_icu`, serves both databases: on PostgreSQL it is the ICU collation for
vi-VN (created by communes/migrations/0008_vietnamese_collation.py); on SQLite `install()` registers a
function of the same name that compares with `vi_key`, the same rules written in Python (CLDR's
Vietnamese tailoring: letters first, then tones, then case). Order name lists with `vi("name")`.
"""

import unicodedata
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created
from django.db.models.functions import Collate

COLLATION = "vi_icu"

_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER = {letter: 2000 + index for index, letter in enumerate(_ALPHABET)}
# Marks that make another letter (a → ă, â; o → ô, ơ; u → ư; e → ê) ...
_SHAPE = {"\u0306": "breve", "\u0302": "circumflex", "\u031b": "horn"}
_SHAPED = {
    ("a", "breve"): "ă",
    ("a", "circumflex"): "â",
    ("e", "circumflex"): "ê",
    ("o", "circumflex"): "ô",
    ("o", "horn"): "ơ",
    ("u", "horn"): "ư",
}
# ... and the tones, compared after the letters, in the dictionaries' order.
_TONE = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


def _primary(char: str) -> int:
    if char in _LETTER:
        return _LETTER[char]
    if char.isspace():
        return 1
    if char.isdigit():
        return 1000 + int(unicodedata.digit(char, 0))
    if char.isalpha():
        return 3000 + ord(char)
    return 10 + ord(char) % 900  # punctuation and symbols: after spaces, before digits


# The key of a text: its letters' primary weights, their tones, their case.
SortKey = tuple[tuple[int, ...], tuple[int, ...], tuple[bool, ...]]


def vi_key(text: str) -> SortKey:
    """A sort key: letters, then tones, then case (lowercase first), as ICU's Vietnamese collation."""
    letters: list[tuple[str, int, bool]] = []
    for char in unicodedata.normalize("NFD", text or ""):
        if unicodedata.combining(char) and letters:
            base, tone, upper = letters[-1]
            if char in _TONE:
                letters[-1] = (base, _TONE[char], upper)
            elif char in _SHAPE:
                letters[-1] = (_SHAPED.get((base, _SHAPE[char]), base), tone, upper)
            continue
        lower = char.lower()
        letters.append((lower, 0, char != lower))
    return (
        tuple(_primary(base) for base, _, _ in letters),
        tuple(tone for _, tone, _ in letters),
        tuple(upper for _, _, upper in letters),
    )


def vi(field: str) -> Collate:
    """An ordering expression: `field` in the Vietnamese collation (on both databases)."""
    return Collate(field, COLLATION)


def _compare(left: str | None, right: str | None) -> int:
    a, b = vi_key(left or ""), vi_key(right or "")
    return (a > b) - (a < b)


def _register(sender: object, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_collation(COLLATION, _compare)


def install() -> None:
    connection_created.connect(_register, dispatch_uid="basecurity.collation")
