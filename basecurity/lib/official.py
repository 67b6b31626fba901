"""The fixed formulas of an administrative document (Nghị định 30/2020/NĐ-CP, Phụ lục I).

- The date line: "Ba Chẽ, ngày 05 tháng 6 năm 2026". The decree writes a leading zero for days under
  10 and for months 1 and 2 only ("tháng 01", "tháng 02", but "tháng 6", "tháng 12").
- The police body of a unit by its kind: the words of its name line, its head's title and the symbol
  after the number ("Số: 25/BC-CAX"). A kind this table does not know (a new one) falls back on the
  level's usual kind, so a document is always produced.
- The superior police body of a unit, named by its parent unit ("Công an huyện Ba Chẽ" while districts
  existed, "Công an tỉnh Quảng Ninh" for a commune directly under its province since 1/7/2025).

Plain data about units (their `name`, `kind`, `level` and `parent`): no model is imported here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

BLANK_DATE = "ngày ... tháng ... năm ..."


# An AdministrativeUnit, or any object with its name, kind, level and parent (no model is imported here).
Unit = Any


def date_words(day: date | None) -> str:
    """ "ngày 05 tháng 6 năm 2026" (Nghị định 30/2020/NĐ-CP, Phụ lục I, mục II.4)."""
    if day is None:
        return BLANK_DATE
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def short_date(day: date) -> str:
    """ "01/7/2025", "05/02/2026": a date inside a sentence, with the same leading zeros as the date line."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{day.day:02d}/{month}/{day.year}"


def place_and_date(place: str, day: date | None) -> str:
    """ "Ba Chẽ, ngày 05 tháng 6 năm 2026"."""
    return f"{place}, {date_words(day)}"


@dataclass(frozen=True)
class PoliceKind:
    words: str  # the kind as written in the body's name: "XÃ"
    symbol: str  # the body's abbreviation in a document's number: "CAX"


POLICE_KINDS = {
    "tinh": PoliceKind("TỈNH", "CAT"),
    "thanh_pho_tw": PoliceKind("THÀNH PHỐ", "CATP"),
    "huyen": PoliceKind("HUYỆN", "CAH"),
    "thi_xa": PoliceKind("THỊ XÃ", "CATX"),
    "thanh_pho": PoliceKind("THÀNH PHỐ", "CATP"),
    "quan": PoliceKind("QUẬN", "CAQ"),
    "xa": PoliceKind("XÃ", "CAX"),
    "phuong": PoliceKind("PHƯỜNG", "CAP"),
    "thi_tran": PoliceKind("THỊ TRẤN", "CATT"),
    "dac_khu": PoliceKind("ĐẶC KHU", "CAĐK"),
}
# The usual kind of a level, for a kind not in the table.
LEVEL_FALLBACK = {"province": "tinh", "district": "huyen", "commune": "xa", "village": "xa"}

# The words that start a unit's name ("Xã Thanh Lâm"), longest first so that "Thị xã" is not read as "Xã".
_NAME_KINDS = sorted(
    ("Tỉnh", "Thành phố", "Huyện", "Thị xã", "Quận", "Xã", "Phường", "Thị trấn", "Đặc khu"), key=len, reverse=True
)


def police_kind(unit: Unit) -> PoliceKind:
    return POLICE_KINDS.get(unit.kind) or POLICE_KINDS[LEVEL_FALLBACK.get(unit.level, "xa")]


def _with_kind(unit: Unit) -> str:
    """The unit's name with its kind word: "Xã Thanh Lâm"; a bare name gets the kind's word."""
    name = " ".join(unit.name.split())
    if any(name.casefold().startswith(word.casefold() + " ") for word in _NAME_KINDS):
        return name
    return f"{police_kind(unit).words.capitalize()} {name}"


def police_body(unit: Unit) -> str:
    """ "CÔNG AN XÃ THANH LÂM"."""
    return f"CÔNG AN {_with_kind(unit).upper()}"


def police_head(unit: Unit) -> str:
    """The head's title in a signature block: "TRƯỞNG CÔNG AN THỊ TRẤN"."""
    return f"TRƯỞNG CÔNG AN {police_kind(unit).words}"


def report_symbol(unit: Unit) -> str:
    """ "BC-CAX": a report (BC) of the unit's police."""
    return f"BC-{police_kind(unit).symbol}"


def number_only(value: str) -> str:
    """What the officer typed, without a symbol they added: "25/BC-CAX" → "25"."""
    return (value or "").split("/", 1)[0].strip()


def number_line(unit: Unit, number: str = "") -> str:
    """ "Số: 25/BC-CAX", dots for a number not yet given."""
    return f"Số: {number_only(number) or '........'}/{report_symbol(unit)}"


def mid_sentence(unit: Unit) -> str:
    """ "huyện Ba Chẽ", "tỉnh Quảng Ninh", "Thị trấn Ba Chẽ" (a town keeps its capital, as officials write it)."""
    name = _with_kind(unit)
    return name if name.startswith(("Thị trấn", "Thành phố")) else name[0].lower() + name[1:]


def superior_police(unit: Unit) -> str:
    """The police body above the unit, as written in "Nơi nhận": "Công an huyện Ba Chẽ"."""
    parent = unit.parent
    return f"Công an {mid_sentence(parent)}" if parent else ""


def local_authorities(unit: Unit) -> str:
    """The unit's own Party committee and People's Committee: "Đảng ủy, UBND xã"."""
    return f"Đảng ủy, UBND {police_kind(unit).words.lower()}"


def police_recipients(unit: Unit) -> list[str]:
    """ "Nơi nhận" of a police report: the superior police, the local authorities, the archive."""
    lines = [f"- {superior_police(unit)} (để b/c);"] if unit.parent else []
    if unit.level == "commune":
        lines.append(f"- {local_authorities(unit)} (để b/c);")
    lines.append("- Lưu: VT.")
    return lines
