"""The wording review (docs/wording.md): the Vietnamese catalog holds none of the variants the review
replaced, so pages, documents, admin and messages say each thing as the law and the officials write it."""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings

CATALOG = Path(settings.BASE_DIR) / "locale" / "vi" / "LC_MESSAGES" / "django.po"

# The "today" column of docs/wording.md, as patterns (a variant is fine inside the term that replaced it).
REPLACED = {
    "Ban chỉ đạo": r"Ban chỉ đạo",
    "tố giác, tin báo về tội phạm": r"tố giác, tin báo",
    "Gia hạn thời hạn giải quyết": r"Gia hạn thời hạn giải quyết",
    "Tổng thời hạn gia hạn tối đa đến 04 tháng": r"gia hạn tối đa đến 04 tháng",
    "Dashboard": r"Dashboard",
    "Tái phạm (for the target)": r"Tái phạm(?! tội)",
    "người tái hòa nhập cộng đồng": r"tái hòa nhập cộng đồng",
    "CCHT": r"\bCCHT\b",
    "Menu": r"\bMenu\b",
    "Thường trực": r"(?<!Ủy viên )Thường trực",
    "bạn": r"(?i)\bbạn\b",
    "Gửi lên huyện, Ý kiến của cấp huyện": r"cấp huyện|lên huyện",
    "Ngày này chưa đến (ở tương lai).": r"chưa đến \(ở tương lai\)",
}


def translations():
    for entry in polib.pofile(str(CATALOG)):
        for text in [entry.msgstr, *entry.msgstr_plural.values()]:
            if text:
                yield entry.msgid, text


@pytest.mark.parametrize("variant", REPLACED)
def test_the_catalog_has_none_of_the_replaced_variants(variant):
    found = [(msgid, text) for msgid, text in translations() if re.search(REPLACED[variant], text)]
    assert found == []


def test_the_terms_of_the_law_are_used():
    texts = dict(translations())
    assert texts["steering committee"] == "Ban Chỉ đạo"
    assert texts["Crime tips"] == "Tin báo, tố giác về tội phạm và kiến nghị khởi tố"
    assert texts["Extend the time limit"] == "Gia hạn giải quyết"
    assert texts["Welcome,"] == "Chào đồng chí,"
