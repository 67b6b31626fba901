"""Small factories for reintegration tests: valid rows saved through the models' validation."""

from datetime import date
from itertools import count

from reintegration.models import Category, Person, Reoffence, Sex, Status, SupportAction, SupportKind

_refs = count(1)


def make_person(unit, **fields) -> Person:
    """A valid person of `unit` (a commune-level unit); `fields` override the defaults."""
    fields.setdefault("ref", f"HS-{next(_refs):04d}")
    fields.setdefault("full_name", "Nguyễn Văn Thử")
    fields.setdefault("date_of_birth", date(1990, 1, 1))
    fields.setdefault("sex", Sex.MALE)
    fields.setdefault("category", Category.COMPLETED_SENTENCE)
    fields.setdefault("offence", "Trộm cắp tài sản")
    fields.setdefault("returned_on", date(2020, 6, 1))
    fields.setdefault("management_start", fields["returned_on"])
    person = Person(unit=unit, **fields)
    person.full_clean()
    person.save()
    return person


def make_status(person, as_of, has_job=True, stable_life=True, **fields) -> Status:
    status = Status(person=person, as_of=as_of, has_job=has_job, stable_life=stable_life, **fields)
    status.full_clean()
    status.save()
    return status


def make_support(person, day, kind=SupportKind.VISIT, **fields) -> SupportAction:
    action = SupportAction(person=person, date=day, kind=kind, **fields)
    action.full_clean()
    action.save()
    return action


def make_reoffence(person, day, **fields) -> Reoffence:
    reoffence = Reoffence(person=person, date=day, **fields)
    reoffence.full_clean()
    reoffence.save()
    return reoffence
