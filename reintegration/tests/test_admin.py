import pytest
from django.urls import reverse

from reintegration import services
from reintegration.models import ReadAction, ReadLog

from .factories import make_person

pytestmark = pytest.mark.django_db


def test_admin_person_page_is_logged_and_links_to_its_read_log(roles, commune_a, client_for):
    person = make_person(commune_a)
    client = client_for(roles.admin)
    response = client.get(reverse("admin:reintegration_person_change", args=[person.pk]))
    assert response.status_code == 200
    entry = ReadLog.objects.get()
    assert (entry.person, entry.user, entry.action) == (person, roles.admin, ReadAction.VIEW)
    assert f"?person__id__exact={person.pk}" in response.content.decode()


def test_read_log_admin_lists_who_read_one_person_and_is_read_only(roles, commune_a, client_for):
    read, other = make_person(commune_a), make_person(commune_a)
    services.log_person_read(user=roles.officer_a, person=read, what="person page")
    services.log_person_read(user=roles.district_police, person=other, what="person page")
    client = client_for(roles.admin)
    response = client.get(reverse("admin:reintegration_readlog_changelist") + f"?person__id__exact={read.pk}")
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == list(ReadLog.objects.filter(person=read))
    assert client.get(reverse("admin:reintegration_readlog_add")).status_code == 403
    entry = ReadLog.objects.filter(person=read).get()
    assert (
        client.post(reverse("admin:reintegration_readlog_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403
    )
    assert ReadLog.objects.count() == 2


def test_admin_person_list_masks_citizen_ids(roles, commune_a, client_for):
    make_person(commune_a, citizen_id="022090001234")
    response = client_for(roles.admin).get(reverse("admin:reintegration_person_changelist"))
    content = response.content.decode()
    assert "••••••••1234" in content and "022090001234" not in content
