"""The period lock in Django admin: bulk and single deletes, and the rows of inline formsets.

A refusal is an admin error message (or a form error) naming the locked period and unit, and nothing
is written: never a 403 page.
"""

import pytest
from django.contrib.messages import ERROR, SUCCESS, get_messages
from django.test import override_settings
from django.urls import reverse

from incidents.models import Incident
from reintegration.models import Person, SupportAction
from reintegration.tests.factories import make_person, make_support

from .admin_forms import change_form_data, inline_rows
from .helpers import IN_DECEMBER, IN_NOVEMBER, lock_november, make_incident

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("november_28")]

LOCK_MESSAGE = (
    "The period 15/10/2026–14/11/2026 of Xã Kỳ Thượng is locked: its report was approved on 28/11/2026. "
    "Ask the superior level to grant an exception."
)


def messages_of(response) -> list[tuple[int, str]]:
    return [(message.level, message.message) for message in get_messages(response.wsgi_request)]


# --- "Delete selected" and the delete page -----------------------------------------------------------


@pytest.mark.parametrize("step", ["confirmation page", "confirmed"])
def test_bulk_delete_with_a_locked_record_deletes_nothing(roles, commune_a, client_for, step):
    locked = make_incident(commune_a, roles.officer_a, IN_NOVEMBER)
    open_one = make_incident(commune_a, roles.officer_a, IN_DECEMBER)
    lock_november(commune_a)
    changelist = reverse("admin:incidents_incident_changelist")
    data = {"action": "delete_selected", "_selected_action": [locked.pk, open_one.pk]}
    if step == "confirmed":
        data["post"] = "yes"

    response = client_for(roles.admin).post(changelist, data)

    assert response.status_code == 302
    assert response["Location"] == changelist
    assert messages_of(response) == [
        (ERROR, f"Nothing was deleted: 1 of the selected records is dated in a locked period. {LOCK_MESSAGE}")
    ]
    assert Incident.objects.filter(pk__in=[locked.pk, open_one.pk]).count() == 2  # all or nothing


def test_bulk_delete_names_each_locked_period_once(roles, units, commune_a, commune_b, client_for):
    records = [make_incident(commune_a, roles.officer_a, IN_NOVEMBER) for _ in range(2)]
    records.append(make_incident(commune_b, roles.officer_b, IN_NOVEMBER))
    lock_november(commune_a)
    lock_november(commune_b)
    response = client_for(roles.admin).post(
        reverse("admin:incidents_incident_changelist"),
        {"action": "delete_selected", "_selected_action": [record.pk for record in records], "post": "yes"},
    )
    [(level, text)] = messages_of(response)
    assert level == ERROR
    assert text.startswith("Nothing was deleted: 3 of the selected records are dated in a locked period. ")
    assert text.count("of Xã Kỳ Thượng is locked") == 1 and text.count("of Xã Ba Chẽ is locked") == 1
    assert Incident.objects.count() == 3


def test_bulk_delete_of_open_records_still_works(roles, commune_a, client_for):
    lock_november(commune_a)
    records = [make_incident(commune_a, roles.officer_a, IN_DECEMBER) for _ in range(2)]
    response = client_for(roles.admin).post(
        reverse("admin:incidents_incident_changelist"),
        {"action": "delete_selected", "_selected_action": [record.pk for record in records], "post": "yes"},
    )
    assert response.status_code == 302
    assert messages_of(response) == [(SUCCESS, "Successfully deleted 2 incidents.")]
    assert not Incident.objects.exists()


def test_bulk_delete_of_dated_rows_of_a_person(roles, commune_a, client_for):
    """The same refusal for the reintegration admins (lock paths through the person)."""
    person = make_person(commune_a)
    action = make_support(person, IN_NOVEMBER)
    lock_november(commune_a)
    response = client_for(roles.admin).post(
        reverse("admin:reintegration_supportaction_changelist"),
        {"action": "delete_selected", "_selected_action": [action.pk], "post": "yes"},
    )
    assert response.status_code == 302
    [(level, text)] = messages_of(response)
    assert level == ERROR and LOCK_MESSAGE in text
    assert SupportAction.objects.filter(pk=action.pk).exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_delete_page_of_a_locked_record_goes_back_with_the_reason(roles, commune_a, client_for, method):
    record = make_incident(commune_a, roles.officer_a, IN_NOVEMBER)
    lock_november(commune_a)
    client = client_for(roles.admin)
    url = reverse("admin:incidents_incident_delete", args=[record.pk])
    response = client.get(url) if method == "get" else client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:incidents_incident_change", args=[record.pk])
    assert messages_of(response) == [(ERROR, LOCK_MESSAGE)]
    assert Incident.objects.filter(pk=record.pk).exists()


# --- Inline rows: the dated records of a person (the person register itself is not locked) ---------------


@pytest.fixture
def person_page(roles, commune_a, client_for):
    """A person with a support action in the locked November and one in the open December."""
    person = make_person(commune_a)
    locked = make_support(person, IN_NOVEMBER, description="tháng khóa")
    open_one = make_support(person, IN_DECEMBER, description="tháng mở")
    lock_november(commune_a)
    client = client_for(roles.admin)
    url = reverse("admin:reintegration_person_change", args=[person.pk])
    data = change_form_data(client.get(url), "person")
    rows = {int(pk): index for index, pk in inline_rows(data, "support_actions").items()}
    return client, url, data, person, rows[locked.pk], rows[open_one.pk], locked, open_one


def _refused(response, person, locked, open_one):
    assert response.status_code == 200  # the form again
    page = response.content.decode()
    assert "Please correct the error" in page
    assert LOCK_MESSAGE in page
    # Nothing was saved: neither the person's change nor any row.
    assert Person.objects.get(pk=person.pk).full_name == "Nguyễn Văn Thử"
    assert set(SupportAction.objects.filter(person=person).values_list("pk", "description")) == {
        (locked.pk, "tháng khóa"),
        (open_one.pk, "tháng mở"),
    }


def test_deleting_an_inline_row_in_a_locked_period_is_refused(person_page):
    client, url, data, person, locked_row, _open_row, locked, open_one = person_page
    data |= {"full_name": "Tên mới", f"support_actions-{locked_row}-DELETE": "on"}
    response = client.post(url, data)
    _refused(response, person, locked, open_one)
    assert response.content.decode().count(LOCK_MESSAGE) == 1  # above the rows, not repeated on the row


def test_changing_an_inline_row_in_a_locked_period_is_refused(person_page):
    client, url, data, person, locked_row, open_row, locked, open_one = person_page
    data |= {"full_name": "Tên mới", f"support_actions-{locked_row}-description": "sửa"}
    _refused(client.post(url, data), person, locked, open_one)
    # Moving an open row into the locked period is refused too.
    data = change_form_data(client.get(url), "person")
    data |= {"full_name": "Tên mới", f"support_actions-{open_row}-date": "01/11/2026"}
    _refused(client.post(url, data), person, locked, open_one)


def test_adding_an_inline_row_in_a_locked_period_is_refused(person_page):
    client, url, data, person, _locked_row, _open_row, locked, open_one = person_page
    new = data["support_actions-TOTAL_FORMS"]
    data |= {
        "full_name": "Tên mới",
        "support_actions-TOTAL_FORMS": str(int(new) + 1),
        f"support_actions-{new}-date": "01/11/2026",
        f"support_actions-{new}-kind": "visit",
        f"support_actions-{new}-person": str(person.pk),
    }
    _refused(client.post(url, data), person, locked, open_one)


def test_untouched_locked_rows_do_not_block_the_person_or_open_rows(person_page):
    client, url, data, person, _locked_row, open_row, locked, open_one = person_page
    data |= {"full_name": "Tên mới", f"support_actions-{open_row}-DELETE": "on"}
    response = client.post(url, data)
    assert response.status_code == 302, [line for line in response.content.decode().splitlines() if "error" in line]
    assert Person.objects.get(pk=person.pk).full_name == "Tên mới"
    assert list(SupportAction.objects.filter(person=person).values_list("pk", flat=True)) == [locked.pk]


@override_settings(REPORT_AUTO_LOCK_DAYS=30)
def test_person_with_old_records_stays_editable_under_the_automatic_lock(roles, commune_a, client_for):
    """With the production setting every month older than 30 days is locked: old rows must not freeze the person."""
    person = make_person(commune_a)
    make_support(person, IN_NOVEMBER.replace(year=2024))
    client = client_for(roles.admin)
    url = reverse("admin:reintegration_person_change", args=[person.pk])
    data = change_form_data(client.get(url), "person") | {"full_name": "Tên mới"}
    assert client.post(url, data).status_code == 302
    assert Person.objects.get(pk=person.pk).full_name == "Tên mới"


# --- Deleting a person deletes their dated rows --------------------------------------------------------


@pytest.mark.parametrize("how", ["delete page", "delete selected"])
def test_a_person_with_a_locked_support_action_is_not_deleted(roles, commune_a, client_for, how):
    person = make_person(commune_a)
    make_support(person, IN_NOVEMBER)
    free = make_person(commune_a)
    make_support(free, IN_DECEMBER)
    lock_november(commune_a)
    client = client_for(roles.admin)
    if how == "delete page":
        response = client.post(reverse("admin:reintegration_person_delete", args=[person.pk]), {"post": "yes"})
    else:
        response = client.post(
            reverse("admin:reintegration_person_changelist"),
            {"action": "delete_selected", "_selected_action": [person.pk, free.pk], "post": "yes"},
        )
    assert response.status_code == 302
    [(level, text)] = messages_of(response)
    assert level == ERROR and text.startswith("Nothing was deleted: support actions") and LOCK_MESSAGE in text
    assert Person.objects.filter(pk__in=[person.pk, free.pk]).count() == 2
    assert SupportAction.objects.filter(person=person).exists()
    # A person whose rows are all in open periods is deleted as before.
    client.post(reverse("admin:reintegration_person_delete", args=[free.pk]), {"post": "yes"})
    assert not Person.objects.filter(pk=free.pk).exists()
