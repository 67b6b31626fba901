import pytest
from django.urls import reverse


@pytest.mark.parametrize("name", ["officer_a", "committee_a", "district_police", "district_committee"])
def test_every_role_reaches_its_unit_from_home(roles, client_for, name):
    client = client_for(getattr(roles, name))
    response = client.get(reverse("home"), follow=True)
    assert response.status_code == 200
    assert response.redirect_chain, "home sends each role to its unit"


def test_officer_pages_render(roles, client_for, commune_a):
    client = client_for(roles.officer_a)
    for url in [
        reverse("communes:committee_list"),
        reverse("communes:team_list"),
        reverse("communes:team_create"),
        reverse("communes:committee_create"),
        commune_a.get_absolute_url(),
    ]:
        assert client.get(url).status_code == 200, url
