"""The period lock on every write path of records: services, pages, admin; exceptions; the automatic lock."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse

from communes.locks import ensure_unlocked, lock_reason
from incidents import services as incident_services
from incidents.models import Incident
from incidents.tests import factories
from reintegration import services as reintegration_services
from reintegration.models import SupportKind
from reintegration.tests.factories import make_person

from .helpers import IN_DECEMBER, IN_NOVEMBER, TODAY, grant_exception, lock_november, make_incident

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("november_28")]

LOCKED = "is locked: its report was approved on"


def test_message_names_the_period_the_unit_and_the_way_out(commune_a):
    lock_november(commune_a)
    with pytest.raises(ValidationError) as error:
        ensure_unlocked(commune_a, IN_NOVEMBER)
    message = error.value.messages[0]
    assert message == (
        "The period 15/10/2026–14/11/2026 of Xã Kỳ Thượng is locked: its report was approved on 28/11/2026. "
        "Ask the superior level to grant an exception."
    )
    ensure_unlocked(commune_a, IN_DECEMBER)  # the next month is open
    assert lock_reason(commune_a, date(2026, 10, 14)) is None  # the day before the period


def test_lock_is_per_unit(commune_a, commune_b):
    lock_november(commune_a)
    assert lock_reason(commune_b, IN_NOVEMBER) is None


def test_a_district_lock_covers_its_communes(units, commune_a):
    lock_november(units["22"])
    assert LOCKED in lock_reason(commune_a, IN_NOVEMBER)


def test_service_create_update_delete_refused(roles, commune_a):
    officer = roles.officer_a
    open_record = make_incident(commune_a, officer, IN_DECEMBER)
    locked_record = make_incident(commune_a, officer, IN_NOVEMBER)
    lock_november(commune_a)

    with pytest.raises(ValidationError, match="is locked"):
        make_incident(commune_a, officer, IN_NOVEMBER)
    with pytest.raises(ValidationError, match="is locked"):  # the old date is locked
        incident_services.incident_update(incident=locked_record, user=officer, description="đổi")
    with pytest.raises(ValidationError, match="is locked"):  # moving a record into the locked month
        incident_services.incident_update(incident=open_record, user=officer, occurred_on=IN_NOVEMBER)
    with pytest.raises(ValidationError, match="is locked"):  # moving a record out of it
        incident_services.incident_update(
            incident=Incident.objects.get(pk=locked_record.pk), user=officer, occurred_on=IN_DECEMBER
        )
    with pytest.raises(ValidationError, match="is locked"):
        incident_services.incident_delete(
            incident=Incident.objects.get(pk=locked_record.pk), user=officer, reason="nhầm"
        )
    assert Incident.objects.get(pk=locked_record.pk).occurred_on == IN_NOVEMBER
    assert Incident.objects.filter(occurred_on=IN_NOVEMBER).count() == 1
    # The open month still takes writes.
    incident_services.incident_update(
        incident=Incident.objects.get(pk=open_record.pk), user=officer, description="vẫn sửa được"
    )


@pytest.mark.parametrize(
    ("kind", "create", "day_field"),
    [
        ("accident", "accident_create", "occurred_on"),
        ("tip", "tip_create", "received_on"),
        ("patrol", "patrol_create", "patrolled_on"),
        ("outreach", "outreach_create", "held_on"),
        ("mediation", "mediation_create", "mediated_on"),
        ("door_check", "door_check_create", "checked_on"),
    ],
)
def test_every_dated_kind_is_locked(roles, commune_a, kind, create, day_field):
    from .helpers import field_values

    lock_november(commune_a)
    builder = getattr(factories, kind)
    values = field_values(builder(commune_a, roles.officer_a, **{day_field: IN_NOVEMBER}))
    with pytest.raises(ValidationError, match="is locked"):
        getattr(incident_services, create)(user=roles.officer_a, **values)
    values[day_field] = IN_DECEMBER
    getattr(incident_services, create)(user=roles.officer_a, **values)


def test_foreigner_stay_locked_by_its_local_arrival_date(roles, commune_a):
    from .helpers import field_values

    lock_november(commune_a)
    stay = factories.stay(
        commune_a, roles.officer_a, arrived_at=factories.local(2026, 11, 14, 23, 30), declared_at=None
    )
    with pytest.raises(ValidationError, match="is locked"):
        incident_services.stay_create(user=roles.officer_a, **field_values(stay))


def test_reintegration_dated_records_are_locked(roles, commune_a):
    person = make_person(commune_a)
    reintegration_services.status_record(
        person=person, user=roles.officer_a, as_of=IN_NOVEMBER, has_job=True, stable_life=True
    )
    lock_november(commune_a)
    with pytest.raises(ValidationError, match="is locked"):
        reintegration_services.status_record(
            person=person, user=roles.officer_a, as_of=IN_NOVEMBER, has_job=False, stable_life=True
        )
    with pytest.raises(ValidationError, match="is locked"):
        reintegration_services.reoffence_record(person=person, user=roles.officer_a, date=IN_NOVEMBER)
    with pytest.raises(ValidationError, match="is locked"):
        reintegration_services.support_action_add(
            person=person, user=roles.officer_a, date=IN_NOVEMBER, kind=SupportKind.VISIT
        )
    reintegration_services.status_record(
        person=person, user=roles.officer_a, as_of=IN_DECEMBER, has_job=True, stable_life=True
    )


def test_page_post_shows_the_lock(roles, commune_a, client_for):
    record = make_incident(commune_a, roles.officer_a, IN_NOVEMBER)
    lock_november(commune_a)
    response = client_for(roles.officer_a).post(
        reverse("incidents:incident_delete", kwargs={"pk": record.pk}), {"reason": "nhập nhầm"}
    )
    assert response.status_code == 400
    assert "is locked: its report was approved on 28/11/2026" in response.content.decode()
    assert Incident.objects.filter(pk=record.pk).exists()


def test_admin_change_and_delete_refused(roles, commune_a, client_for):
    record = make_incident(commune_a, roles.officer_a, IN_NOVEMBER)
    lock_november(commune_a)
    client = client_for(roles.admin)
    change_url = reverse("admin:incidents_incident_change", args=[record.pk])
    page = client.get(change_url)
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data |= {
        "description": "sửa qua admin",
        "occurred_on": "2026-11-01",
        "category": record.category_id,
        "unit": commune_a.pk,
    }
    data = {key: (value.pk if hasattr(value, "pk") else value) for key, value in data.items()}
    response = client.post(change_url, data)
    assert response.status_code == 200  # the form again, with the error
    assert "is locked" in response.content.decode()
    record.refresh_from_db()
    assert record.description != "sửa qua admin"

    response = client.post(reverse("admin:incidents_incident_delete", args=[record.pk]), {"post": "yes"}, follow=True)
    assert "is locked" in response.content.decode()
    assert Incident.objects.filter(pk=record.pk).exists()


def test_exception_allows_writes_until_it_expires(roles, commune_a):
    lock_november(commune_a)
    grant_exception(commune_a, hours=2)
    record = make_incident(commune_a, roles.officer_a, IN_NOVEMBER)  # allowed now
    with time_machine.travel(TODAY + timedelta(hours=3), tick=False):
        with pytest.raises(ValidationError, match="is locked"):
            incident_services.incident_update(incident=record, user=roles.officer_a, description="quá hạn")


def test_exception_of_another_unit_does_not_help(roles, commune_a, commune_b):
    lock_november(commune_a)
    grant_exception(commune_b)
    with pytest.raises(ValidationError, match="is locked"):
        make_incident(commune_a, roles.officer_a, IN_NOVEMBER)


@override_settings(REPORT_AUTO_LOCK_DAYS=10)
def test_automatic_lock_after_the_month_ends(roles, commune_a):
    # November 2026 ended on 14/11; on 28/11 that is 14 days ago, more than 10.
    with pytest.raises(ValidationError) as error:
        make_incident(commune_a, roles.officer_a, IN_NOVEMBER)
    assert "it ended more than 10 days ago" in error.value.messages[0]
    make_incident(commune_a, roles.officer_a, IN_DECEMBER)
    grant_exception(commune_a)
    make_incident(commune_a, roles.officer_a, IN_NOVEMBER)


@override_settings(REPORT_AUTO_LOCK_DAYS=30)
def test_automatic_lock_waits_the_configured_days(roles, commune_a):
    make_incident(commune_a, roles.officer_a, IN_NOVEMBER)  # 14 days after the end: still open
    assert "ended more than 30 days ago" in lock_reason(commune_a, date(2026, 10, 1))


def test_reintegration_page_post_shows_the_lock(roles, commune_a, client_for):
    person = make_person(commune_a)
    lock_november(commune_a)
    response = client_for(roles.officer_a).post(
        reverse("reintegration:status_add", kwargs={"pk": person.pk}),
        {"status-as_of": "2026-11-01", "status-has_job": "on", "status-stable_life": "on"},
    )
    assert response.status_code == 400
    assert "is locked: its report was approved on 28/11/2026" in response.content.decode()
    assert not person.statuses.exists()
