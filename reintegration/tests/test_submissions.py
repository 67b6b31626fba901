"""Persons and what is recorded on their page: a form posted twice makes one row, a save from a
stale edit form is refused and can be reapplied, a database failure keeps what the officer typed
(communes/submissions.py)."""

import pytest
from django.urls import reverse

from basecurity.testing import submissions
from basecurity.testing.html import form_values
from reintegration.models import Person, Reoffence, Status, SupportAction

from .factories import make_person

pytestmark = pytest.mark.django_db


def person_pages() -> submissions.Pages:
    return submissions.Pages(
        create_url=reverse("reintegration:person_create"),
        edit_url=lambda person: reverse("reintegration:person_update", args=[person.pk]),
        detail_url=lambda person: reverse("reintegration:person_detail", args=[person.pk]),
        records=Person.objects.all,
        text_field="notes",
        create_data=lambda values: values | {"ref": ["HS-MOI-01"], "citizen_id": [""]},
    )


def test_a_person_form_posted_twice_registers_one_person(roles, client_for, commune_a):
    submissions.assert_created_once(client_for(roles.officer_a), person_pages(), make_person(commune_a))


def test_a_save_from_a_stale_person_form_is_refused_and_can_be_reapplied(roles, commune_a):
    submissions.assert_stale_edit_refused(roles.officer_a, person_pages(), make_person(commune_a))


def test_a_database_failure_keeps_what_was_typed_about_the_person(roles, commune_a):
    submissions.assert_database_failure_keeps_the_text(
        roles.officer_a, person_pages(), make_person(commune_a), "reintegration.services.person_update"
    )


# What the person's page records: the form's id, filled values (prefixed), the model.
PAGE_FORMS = {
    "support": ("support-form", {"support-date": "2020-08-12", "support-kind": "visit"}, SupportAction),
    "status": ("status-form", {"status-as_of": "2021-06-30", "status-has_job": "on"}, Status),
    "reoffence": ("reoffence-form", {"reoffence-date": "2021-09-20", "reoffence-description": "Trộm cắp"}, Reoffence),
}


@pytest.mark.parametrize("what", list(PAGE_FORMS))
def test_a_form_of_the_person_page_posted_twice_records_once(what, roles, commune_a):
    person = make_person(commune_a)
    form_id, filled, model = PAGE_FORMS[what]
    client = submissions.logged_in(roles.officer_a)
    page = client.get(reverse("reintegration:person_detail", args=[person.pk]))
    data = form_values(page, f"//form[@id='{form_id}']") | filled
    assert data[f"{what}-submission_token"][0]
    url = reverse(f"reintegration:{what}_add", args=[person.pk])
    first = client.post(url, data)
    assert first.status_code == 302
    client.get(first["Location"])
    second = client.post(url, data, follow=True)
    assert model.objects.filter(person=person).count() == 1
    assert second.redirect_chain[-1][0] == reverse("reintegration:person_detail", args=[person.pk])
    assert submissions.message_texts(second)[0].startswith("Đã lưu")
