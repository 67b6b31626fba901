"""Each rule that can be a database constraint is one (bypassing validation still fails), and
each rule validated in clean() gives a clear message on the right field."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from reintegration.models import Person, Reoffence, Status, SupportAction, SupportKind

from .factories import make_person, make_status

pytestmark = pytest.mark.django_db


def _violates(callable_):
    with pytest.raises(IntegrityError), transaction.atomic():
        callable_()


def test_duplicate_ref_in_same_unit_is_refused_by_the_database(commune_a):
    make_person(commune_a, ref="TL-01")
    _violates(lambda: Person.objects.create(**_raw(commune_a, ref="TL-01")))


def test_same_ref_in_another_unit_is_fine(commune_a, commune_b):
    make_person(commune_a, ref="01")
    make_person(commune_b, ref="01")


def test_duplicate_ref_gives_a_validation_message(commune_a):
    make_person(commune_a, ref="TL-01")
    with pytest.raises(ValidationError) as raised:
        make_person(commune_a, ref="TL-01")
    assert "__all__" in raised.value.message_dict


def test_duplicate_citizen_id_is_refused(commune_a, commune_b):
    make_person(commune_a, citizen_id="022090001234")
    _violates(lambda: Person.objects.create(**_raw(commune_b, ref="x", citizen_id="022090001234")))


def test_several_persons_without_citizen_id(commune_a):
    make_person(commune_a, citizen_id=None)
    make_person(commune_a, citizen_id="")  # a blank form field is stored as "no number"
    assert Person.objects.filter(citizen_id__isnull=True).count() == 2


@pytest.mark.parametrize("value", ["02209000123", "02209000123A", ""])
def test_citizen_id_not_12_digits_is_refused_by_the_database(commune_a, value):
    _violates(lambda: Person.objects.create(**_raw(commune_a, citizen_id=value)))


def test_return_before_birth_is_refused_by_the_database(commune_a):
    _violates(lambda: Person.objects.create(**_raw(commune_a, returned_on=date(1989, 12, 31))))


def test_management_end_before_start_is_refused_by_the_database(commune_a):
    _violates(lambda: Person.objects.create(**_raw(commune_a, management_end=date(2020, 5, 31))))


def test_loan_without_amount_is_refused_by_the_database(commune_a):
    person = make_person(commune_a)
    _violates(
        lambda: SupportAction.objects.create(
            person=person, date=date(2021, 1, 1), kind=SupportKind.LOAN, lender="NHCSXH"
        )
    )


def test_loan_without_lender_is_refused_by_the_database(commune_a):
    person = make_person(commune_a)
    _violates(
        lambda: SupportAction.objects.create(
            person=person, date=date(2021, 1, 1), kind=SupportKind.LOAN, loan_amount_vnd=1
        )
    )


def test_loan_fields_on_a_visit_are_refused_by_the_database(commune_a):
    person = make_person(commune_a)
    _violates(
        lambda: SupportAction.objects.create(
            person=person, date=date(2021, 1, 1), kind=SupportKind.VISIT, loan_amount_vnd=1_000_000
        )
    )
    _violates(
        lambda: SupportAction.objects.create(person=person, date=date(2021, 1, 1), kind=SupportKind.VISIT, lender="X")
    )


def test_negative_loan_is_refused_by_the_database(commune_a):
    person = make_person(commune_a)
    _violates(
        lambda: SupportAction.objects.create(
            person=person, date=date(2021, 1, 1), kind=SupportKind.LOAN, loan_amount_vnd=-1, lender="NHCSXH"
        )
    )


def test_a_loan_with_amount_and_lender_is_stored(commune_a):
    person = make_person(commune_a)
    action = SupportAction(
        person=person, date=date(2021, 1, 1), kind=SupportKind.LOAN, loan_amount_vnd=50_000_000, lender="NHCSXH"
    )
    action.full_clean()
    action.save()
    assert SupportAction.objects.get().loan_amount_vnd == 50_000_000


def test_two_statuses_on_one_day_are_refused_by_the_database(commune_a):
    person = make_person(commune_a)
    make_status(person, date(2021, 1, 1))
    _violates(lambda: Status.objects.create(person=person, as_of=date(2021, 1, 1), has_job=False, stable_life=False))


# --- clean() -----------------------------------------------------------------------------------


def _errors(instance) -> dict:
    with pytest.raises(ValidationError) as raised:
        instance.full_clean()
    return raised.value.message_dict


def test_citizen_id_contradicting_birth_year_is_explained(commune_a):
    errors = _errors(Person(**_raw(commune_a, citizen_id="022290001234")))
    assert "2090" in errors["citizen_id"][0] and "1990" in errors["citizen_id"][0]


def test_citizen_id_contradicting_sex(commune_a):
    errors = _errors(Person(**_raw(commune_a, citizen_id="022190001234")))  # 1 = woman, 1900s
    assert list(errors) == ["citizen_id"]


def test_village_of_another_commune_is_refused(commune_a, commune_b):
    errors = _errors(Person(**_raw(commune_a, village=commune_b.children.first())))
    assert "village" in errors


def test_unit_must_be_a_commune(units):
    errors = _errors(Person(**_raw(units["202"])))
    assert "unit" in errors


def test_future_dates_are_refused(commune_a):
    tomorrow = timezone.localdate() + timedelta(days=1)
    errors = _errors(Person(**_raw(commune_a, returned_on=tomorrow, management_start=tomorrow)))
    assert {"returned_on", "management_start"} <= set(errors)
    person = make_person(commune_a)
    assert "as_of" in _errors(Status(person=person, as_of=tomorrow, has_job=True, stable_life=True))
    assert "date" in _errors(Reoffence(person=person, date=tomorrow))
    assert "date" in _errors(SupportAction(person=person, date=tomorrow, kind=SupportKind.VISIT))


def test_planned_management_end_may_be_in_the_future(commune_a):
    make_person(commune_a, management_end=timezone.localdate() + timedelta(days=200))


def test_reoffence_before_return_is_refused(commune_a):
    person = make_person(commune_a, returned_on=date(2020, 6, 1))
    errors = _errors(Reoffence(person=person, date=date(2020, 5, 31)))
    assert "01/06/2020" in errors["date"][0]


def test_status_before_return_is_refused(commune_a):
    person = make_person(commune_a, returned_on=date(2020, 6, 1))
    assert "as_of" in _errors(Status(person=person, as_of=date(2020, 5, 31), has_job=True, stable_life=True))


def test_loan_without_amount_or_lender_is_explained(commune_a):
    person = make_person(commune_a)
    errors = _errors(SupportAction(person=person, date=date(2021, 1, 1), kind=SupportKind.LOAN))
    assert {"loan_amount_vnd", "lender"} <= set(errors)


def _raw(unit, **fields) -> dict:
    values = {
        "unit": unit,
        "ref": "R-1",
        "full_name": "Nguyễn Văn Thử",
        "date_of_birth": date(1990, 1, 1),
        "sex": "M",
        "category": "completed_sentence",
        "offence": "Trộm cắp tài sản",
        "returned_on": date(2020, 6, 1),
        "management_start": date(2020, 6, 1),
    }
    values.update(fields)
    return values


def test_reoffence_keeps_its_row_when_the_linked_incident_is_deleted(roles, commune_a):
    from incidents.models import Incident, IncidentCategory

    incident = Incident.objects.create(
        unit=commune_a,
        category=IncidentCategory.objects.get(code="crime.theft"),
        occurred_on=date(2021, 9, 20),
        subjects=1,
        recorded_by=roles.officer_a,
    )
    reoffence = Reoffence(person=make_person(commune_a), date=date(2021, 9, 20), incident=incident)
    reoffence.full_clean()
    reoffence.save()
    assert list(incident.reoffences.all()) == [reoffence]
    incident.delete()
    reoffence.refresh_from_db()
    assert reoffence.incident is None


@pytest.mark.parametrize("field, value", [("category", "probation"), ("sex", "X")])
def test_unknown_choice_is_refused_by_the_database(commune_a, field, value):
    _violates(lambda: Person.objects.create(**_raw(commune_a, **{field: value})))


def test_unknown_support_kind_and_income_band_are_refused_by_the_database(commune_a):
    person = make_person(commune_a)
    _violates(lambda: SupportAction.objects.create(person=person, date=date(2021, 1, 1), kind="gift"))
    _violates(
        lambda: Status.objects.create(
            person=person, as_of=date(2021, 1, 1), has_job=True, stable_life=True, income_band="rich"
        )
    )
