"""Every read of personal data is logged and never cached (issue 12): the edit page, the list and
"needs attention" (one entry per page view naming the persons shown), the admin's lists, change,
history and autocomplete pages of persons and their rows; the subject-access report includes the
list entries; every page a signed-in user gets is `Cache-Control: no-store`."""

from datetime import date

import pytest
from django.urls import reverse

from reintegration import services
from reintegration.models import ReadLog

from .factories import make_person, make_status, make_support

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(commune_a):
    return make_person(commune_a, ref="TL-01", full_name="Bàn Văn Sáng", citizen_id="022090001234")


def only_entry(**filters):
    [entry] = ReadLog.objects.filter(**filters)
    return entry


def test_the_edit_page_is_a_read(roles, client_for, person):
    client_for(roles.officer_a).get(reverse("reintegration:person_update", args=[person.pk]))
    entry = only_entry(person=person)
    assert entry.user == roles.officer_a and "edit page" in entry.detail


def test_the_needs_attention_page_names_the_persons_shown(roles, client_for, commune_a, person):
    other = make_person(commune_a, ref="TL-02", full_name="Lý Văn Tài")
    response = client_for(roles.officer_a).get(reverse("reintegration:needs_attention"))
    shown = {p.full_name for p in response.context["page"]}
    entry = only_entry(user=roles.officer_a)
    assert entry.detail.startswith("needs attention page 1")
    assert all(name in entry.detail for name in shown)
    assert other.full_name in shown or not shown


def test_the_subject_access_report_includes_the_list_views(roles, client_for, person):
    client_for(roles.officer_a).get(reverse("reintegration:person_list"))
    report = services.person_subject_access_report(person=person)
    assert [entry["by"] for entry in report["read_log"]] == ["officer_a"]
    assert "person list page 1" in report["read_log"][0]["detail"]


@pytest.mark.parametrize("model", ["person", "supportaction", "status"])
def test_admin_lists_change_and_history_pages_are_reads(model, roles, client_for, person):
    rows = {
        "person": person,
        "supportaction": make_support(person, date(2021, 1, 5)),
        "status": make_status(person, date(2021, 1, 5)),
    }
    obj = rows[model]
    client = client_for(roles.admin)
    for name, args in [("changelist", []), ("change", [obj.pk]), ("history", [obj.pk])]:
        ReadLog.objects.all().delete()
        response = client.get(reverse(f"admin:reintegration_{model}_{name}", args=args))
        assert response.status_code == 200
        entry = only_entry(user=roles.admin)
        assert person.full_name in entry.person_label + entry.detail or entry.person == person, name


def test_admin_autocomplete_of_persons_is_a_read(roles, client_for, person, commune_a):
    response = client_for(roles.admin).get(
        reverse("admin:autocomplete"),
        {"term": "Bàn", "app_label": "reintegration", "model_name": "supportaction", "field_name": "person"},
    )
    assert response.status_code == 200 and response.json()["results"]
    entry = only_entry(user=roles.admin)
    assert "autocomplete" in entry.detail and person.full_name in entry.detail


def test_pages_exports_and_admin_pages_are_never_stored(roles, client_for, person):
    client = client_for(roles.officer_a)
    for url in [
        reverse("reintegration:person_detail", args=[person.pk]),
        reverse("reintegration:person_update", args=[person.pk]),
        reverse("reintegration:person_list"),
        reverse("reintegration:needs_attention"),
        reverse("export", args=["person", "csv"]),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"], url
    admin_page = client_for(roles.admin).get(reverse("admin:reintegration_person_change", args=[person.pk]))
    assert "no-store" in admin_page["Cache-Control"]
