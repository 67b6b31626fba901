"""Names sorted as Vietnamese: Đ after D (not after Z), tones in the dictionaries' order, on both databases."""

import pytest
from django.urls import reverse

from basecurity.lib.collation import vi, vi_key
from basecurity.testing.html import texts
from incidents.models import BusinessKind

NAMES = ["Zung", "Em", "Đức", "Dũng", "Bình", "Ánh", "Anh", "Ạnh", "Ư", "Uyên", "Ơn", "Ôn", "ăn", "Ân"]
DICTIONARY = ["Anh", "Ánh", "Ạnh", "ăn", "Ân", "Bình", "Dũng", "Đức", "Em", "Ôn", "Ơn", "Uyên", "Ư", "Zung"]


def test_the_python_key_sorts_as_a_vietnamese_dictionary():
    assert sorted(NAMES, key=vi_key) == DICTIONARY


@pytest.mark.django_db
def test_the_database_sorts_names_as_vietnamese():
    BusinessKind.objects.bulk_create(BusinessKind(code=f"test-{i}", name=name) for i, name in enumerate(NAMES))
    ours = BusinessKind.objects.filter(code__startswith="test-")
    # the model's own ordering and an explicit one, on SQLite (a registered function) and PostgreSQL (ICU)
    assert [kind.name for kind in ours] == DICTIONARY
    assert list(ours.order_by(vi("name").desc()).values_list("name", flat=True)) == DICTIONARY[::-1]


def test_the_communes_of_a_page_are_listed_in_vietnamese_order(roles, client_for):
    page = client_for(roles.district_police).get(reverse("reintegration:counts"))
    names = texts(page, "//table[@id='counts-table']/tbody/tr/td[1]")
    assert len(names) > 3 and names == sorted(names, key=vi_key)
    # Ba Chẽ's own: the communes spelled with Đ come before Lương Minh, not after the rest of the alphabet
    assert names.index("Xã Đạp Thanh") < names.index("Xã Đồn Đạc") < names.index("Xã Lương Minh")
