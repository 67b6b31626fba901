"""Model invariants: each database constraint refuses a bad row (IntegrityError, even when the
application is bypassed), and clean() explains the same mistakes to the officer."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F

from incidents.models import (
    CrimeTipExtension,
    IncidentCategory,
    IncidentOutcome,
    InspectionResult,
    TipDecision,
)

from . import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def officer(roles):
    return roles.officer_a


def _refused(queryset, **changes):
    """The database refuses `changes` on the rows of `queryset` (an UPDATE bypasses clean())."""
    with pytest.raises(IntegrityError), transaction.atomic():
        queryset.update(**changes)


def _saved(instance):
    instance.save()
    return type(instance).objects.filter(pk=instance.pk)


# --- Database constraints ---------------------------------------------------------------------


def test_category_code_must_start_with_its_group():
    theft = IncidentCategory.objects.filter(code="crime.theft")
    _refused(theft, group="violation")
    with pytest.raises(IntegrityError), transaction.atomic():
        IncidentCategory.objects.create(code="crime.new", name="x", group="social_evil")


def test_seeded_taxonomy_matches_the_import_format():
    assert IncidentCategory.objects.count() == 22
    assert IncidentCategory.objects.get(code="violation.minerals").name == "Tài nguyên, khoáng sản (cát, đá, sỏi)"
    assert set(IncidentCategory.objects.filter(group="social_evil").values_list("code", flat=True)) == {
        "social_evil.gambling",
        "social_evil.drug_use",
        "social_evil.prostitution",
        "social_evil.other",
    }


def test_incident_constraints(commune_a, officer):
    rows = _saved(f.incident(commune_a, officer))
    _refused(rows, subjects=-1)
    _refused(rows, reported_on=date(2021, 2, 28))  # before occurred_on 01/03/2021
    _refused(rows, fine_amount_vnd=1_500_000)  # outcome is "none"
    _refused(rows, outcome=IncidentOutcome.ADMINISTRATIVE_FINE, fine_amount_vnd=0)
    rows.update(outcome=IncidentOutcome.ADMINISTRATIVE_FINE, fine_amount_vnd=1_500_000)  # allowed
    rows.update(reported_on=date(2021, 3, 1))  # same day allowed


def test_tip_constraints(commune_a, officer):
    rows = _saved(f.tip(commune_a, officer, received_at=f.local(2021, 3, 1, 9, 0)))
    _refused(rows, decision=TipDecision.PROSECUTE)  # without a date
    _refused(rows, decided_on=date(2021, 3, 5))  # a date without a decision
    _refused(rows, decision=TipDecision.PROSECUTE, decided_on=date(2021, 2, 28))  # before receipt
    _refused(rows, handed_over_at=f.local(2021, 3, 1, 8, 59))
    _refused(rows, deadline=date(2021, 2, 28))
    rows.update(decision=TipDecision.PROSECUTE, decided_on=date(2021, 3, 1))  # same day allowed


def test_tip_extension_constraints(commune_a, officer):
    tip = f.tip(commune_a, officer)
    tip.save()
    extension = CrimeTipExtension.objects.create(
        tip=tip, extended_on=date(2021, 3, 15), new_deadline=date(2021, 4, 15), reason="Phức tạp", recorded_by=officer
    )
    _refused(CrimeTipExtension.objects.filter(pk=extension.pk), new_deadline=date(2021, 3, 14))
    with pytest.raises(IntegrityError), transaction.atomic():
        CrimeTipExtension.objects.create(
            tip=tip, extended_on=date(2021, 3, 16), new_deadline=date(2021, 4, 15), reason="Trùng", recorded_by=officer
        )


def test_accident_constraints(commune_a, officer):
    rows = _saved(f.accident(commune_a, officer))
    for field in ("deaths", "injuries", "vehicles", "damage_vnd"):
        _refused(rows, **{field: -1})


def test_business_and_inspection_constraints(commune_a, officer):
    business = f.business(commune_a, officer)
    business.save()
    rows = type(business).objects.filter(pk=business.pk)
    _refused(rows, security_certificate_number="12/GCN")  # number without a date
    _refused(rows, security_certificate_date=date(2020, 5, 1))  # date without a number
    rows.update(security_certificate_number="12/GCN", security_certificate_date=date(2020, 5, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        f.business(commune_a, officer).save()  # same name in the same commune
    inspections = _saved(f.inspection(business, officer))
    _refused(inspections, fine_vnd=2_000_000)  # compliant: no fine
    _refused(inspections, result=InspectionResult.VIOLATIONS, fine_vnd=0)
    inspections.update(result=InspectionResult.VIOLATIONS, fine_vnd=2_000_000)


def test_stay_constraints(commune_a, officer):
    rows = _saved(f.stay(commune_a, officer))
    _refused(rows, declared_at=f.local(2021, 3, 1, 7, 59))
    _refused(rows, departed_on=date(2021, 2, 28))
    _refused(rows, nationality="cn")
    _refused(rows, nationality="C1")
    _refused(rows, declaration_due_at=F("arrived_at"))
    business = f.business(commune_a, officer)
    business.save()
    _refused(rows, business=business)  # the accommodation is a private home
    rows.update(accommodation_kind="business", business=business)
    rows.update(declared_at=F("arrived_at"), departed_on=date(2021, 3, 1))


def test_count_constraints_of_the_other_records(commune_a, officer):
    surrender = f.surrender(commune_a, officer)
    surrender.save()
    _refused(_saved(f.surrender_item(surrender)), quantity=0)
    _refused(_saved(f.patrol(commune_a, officer)), participants=-1)
    _refused(_saved(f.outreach(commune_a, officer)), attendees=-1)
    door_checks = _saved(f.door_check(commune_a, officer))
    _refused(door_checks, households_checked=-1)
    _refused(door_checks, violations_found=-1)


# --- clean(): messages at the field -----------------------------------------------------------


def _errors(instance) -> dict:
    with pytest.raises(ValidationError) as error:
        instance.full_clean()
    return error.value.message_dict


def test_valid_records_pass_full_clean(commune_a, officer):
    for instance in (
        f.incident(commune_a, officer),
        f.tip(commune_a, officer),
        f.accident(commune_a, officer),
        f.stay(commune_a, officer),
        f.patrol(commune_a, officer),
        f.outreach(commune_a, officer),
        f.mediation(commune_a, officer),
        f.door_check(commune_a, officer),
    ):
        instance.full_clean()


def test_village_of_another_unit_is_refused(units, commune_a, officer):
    town_quarter = units["06970-02"]
    errors = _errors(f.incident(commune_a, officer, village=town_quarter))
    assert errors["village"] == ["This village does not belong to Xã Thanh Lâm."]
    f.incident(commune_a, officer, village=units["06976-01"]).full_clean()


def test_unit_must_be_commune_level(units, officer):
    assert "unit" in _errors(f.incident(units["202"], officer))
    assert "unit" in _errors(f.patrol(units["06976-01"], officer))


@time_machine.travel("2021-06-10 10:00 +0700", tick=False)
def test_future_dates_are_refused(commune_a, officer):
    tomorrow = date(2021, 6, 11)
    assert _errors(f.incident(commune_a, officer, occurred_on=tomorrow))["occurred_on"] == [
        "This date is in the future."
    ]
    f.incident(commune_a, officer, occurred_on=date(2021, 6, 10)).full_clean()  # today is fine
    assert "arrived_at" in _errors(f.stay(commune_a, officer, arrived_at=f.local(2021, 6, 10, 10, 1)))
    f.stay(commune_a, officer, arrived_at=f.local(2021, 6, 10, 9, 59)).full_clean()
    assert "decided_on" in _errors(f.tip(commune_a, officer, decision="suspend", decided_on=tomorrow))


def test_incident_messages(commune_a, officer):
    errors = _errors(f.incident(commune_a, officer, reported_on=date(2021, 2, 1), fine_amount_vnd=500_000))
    assert errors["reported_on"] == ["The report date cannot be before the date it happened."]
    assert errors["fine_amount_vnd"] == ["A fine amount goes only with the outcome “administrative fine”."]
    f.incident(commune_a, officer, outcome=IncidentOutcome.ADMINISTRATIVE_FINE, fine_amount_vnd=500_000).full_clean()


def test_tip_messages(commune_a, officer):
    errors = _errors(f.tip(commune_a, officer, decision="prosecute", decided_on=date(2021, 2, 20)))
    assert errors["decided_on"] == ["The decision cannot be dated before the tip was received."]
    assert _errors(f.tip(commune_a, officer, decision="prosecute"))["decided_on"] == [
        "Give both the decision and the date it was made."
    ]
    assert "decision" in _errors(f.tip(commune_a, officer, decided_on=date(2021, 3, 2)))


def test_tip_received_at_sets_the_local_receipt_date_and_handover(commune_a, officer):
    # 23:30 on 1 March in Vietnam is still 1 March locally (16:30 UTC).
    tip = f.tip(commune_a, officer, received_on=None, received_at=f.local(2021, 3, 1, 23, 30))
    tip.full_clean()
    assert tip.received_on == date(2021, 3, 1)
    assert tip.deadline == date(2021, 3, 21)
    assert tip.handover_due_at == f.local(2021, 3, 3, 23, 30)  # Thanh Lâm is remote: 48 h


def test_stay_messages_and_on_time(units, commune_a, commune_b, officer):
    errors = _errors(f.stay(commune_a, officer, declared_at=f.local(2021, 3, 1, 7, 0), departed_on=date(2021, 2, 1)))
    assert errors["declared_at"] == ["The declaration cannot be before the arrival."]
    assert errors["departed_on"] == ["The departure cannot be before the arrival."]
    assert "nationality" in _errors(f.stay(commune_a, officer, nationality="China"))
    # Remote commune: 24 h; the town: 12 h (exactly the limit is on time).
    remote = f.stay(commune_a, officer, declared_at=f.local(2021, 3, 2, 8, 0))
    remote.full_clean()
    assert remote.declared_on_time
    town = f.stay(commune_b, officer, declared_at=f.local(2021, 3, 1, 20, 0))
    town.full_clean()
    assert town.declared_on_time
    town.declared_at += timedelta(seconds=1)
    assert not town.declared_on_time


def test_stay_business_must_be_a_lodging_of_the_same_commune(commune_a, commune_b, officer):
    lodging = f.business(commune_b, officer)
    lodging.save()
    errors = _errors(f.stay(commune_a, officer, accommodation_kind="business", business=lodging))
    assert errors["business"] == ["This business is in another commune."]
    assert "business" in _errors(f.stay(commune_b, officer, business=lodging))  # private home


def test_inspection_and_business_messages(commune_a, officer):
    business = f.business(commune_a, officer, security_certificate_number="05/GCN")
    assert _errors(business)["security_certificate_date"] == ["Give both the certificate number and its date."]
    business.security_certificate_date = date(2020, 1, 1)
    business.save()
    errors = _errors(f.inspection(business, officer, fine_vnd=1_000_000))
    assert errors["fine_vnd"] == ["A fine goes only with the result “violations found”."]


def test_category_clean_message():
    errors = _errors(IncidentCategory(code="crime.x", name="x", group="violation"))
    assert "code" in errors


def test_inactive_category_is_refused_for_new_incidents_only(commune_a, officer):
    IncidentCategory.objects.filter(code="crime.other").update(is_active=False)
    new = f.incident(commune_a, officer, category=f.category("crime.other"))
    assert _errors(new)["category"] == ["This category is no longer in use: choose another one."]
    new.save()  # recorded before the category was retired
    new.refresh_from_db()
    new.full_clean()
