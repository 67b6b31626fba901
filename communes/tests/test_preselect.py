"""Forms preselect the officer's only commune (persons, steering committees), as the record forms do."""

import pytest
from django.urls import reverse

from basecurity.testing.html import tree

pytestmark = pytest.mark.django_db


def _selected(page, name: str) -> list[str]:
    return tree(page).xpath(f"//select[@name='{name}']/option[@selected]/@value")


@pytest.mark.parametrize("url", ["reintegration:person_create", "communes:committee_create"])
def test_the_officers_only_commune_is_preselected(url, roles, client_for, commune_a):
    page = client_for(roles.officer_a).get(reverse(url))
    assert page.status_code == 200
    assert _selected(page, "unit") == [str(commune_a.pk)]


def test_a_district_user_chooses(roles, client_for):
    page = client_for(roles.district_police).get(reverse("reintegration:person_create"))
    assert _selected(page, "unit") == []
