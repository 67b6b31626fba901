"""Builders of valid records for tests: each returns an unsaved instance (call .save() or a service).

Keyword arguments override the defaults; `unit` is a commune-level unit, `user` the recorder.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from incidents import models

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """An aware datetime in Asia/Ho_Chi_Minh: local(2021, 6, 1, 8, 30)."""
    return datetime(year, month, day, hour, minute, tzinfo=HCM)


def category(code: str = "crime.theft") -> models.IncidentCategory:
    return models.IncidentCategory.objects.get(code=code)


def incident(unit, user, **fields) -> models.Incident:
    values = {"unit": unit, "recorded_by": user, "occurred_on": date(2021, 3, 1), "category": category(), "subjects": 1}
    return models.Incident(**(values | fields))


def tip(unit, user, **fields) -> models.CrimeTip:
    values = {
        "unit": unit,
        "recorded_by": user,
        "kind": models.TipKind.DENUNCIATION,
        "received_on": date(2021, 3, 1),
        "summary": "Tố giác trộm cắp (thử nghiệm)",
    }
    return models.CrimeTip(**(values | fields))


def accident(unit, user, **fields) -> models.TrafficAccident:
    values = {"unit": unit, "recorded_by": user, "occurred_on": date(2021, 3, 1), "deaths": 0, "injuries": 1}
    return models.TrafficAccident(**(values | fields))


def business(unit, user, **fields) -> models.ConditionalBusiness:
    values = {
        "unit": unit,
        "recorded_by": user,
        "kind": models.BusinessKind.objects.get(code="lodging"),
        "name": "Nhà nghỉ Thử Nghiệm",
    }
    return models.ConditionalBusiness(**(values | fields))


def inspection(business, user, **fields) -> models.BusinessInspection:
    values = {
        "business": business,
        "recorded_by": user,
        "inspected_on": date(2021, 3, 1),
        "kind": models.InspectionKind.FIRE_SAFETY,
        "result": models.InspectionResult.COMPLIANT,
    }
    return models.BusinessInspection(**(values | fields))


def stay(unit, user, **fields) -> models.ForeignerStay:
    values = {
        "unit": unit,
        "recorded_by": user,
        "full_name": "Test Person",
        "nationality": "CN",
        "passport_number": "E00000001",
        "accommodation_kind": models.AccommodationKind.PRIVATE_HOME,
        "arrived_at": local(2021, 3, 1, 8, 0),
    }
    return models.ForeignerStay(**(values | fields))


def surrender(unit, user, **fields) -> models.WeaponSurrender:
    values = {"unit": unit, "recorded_by": user, "surrendered_on": date(2021, 3, 1)}
    return models.WeaponSurrender(**(values | fields))


def surrender_item(surrender, **fields) -> models.WeaponSurrenderItem:
    return models.WeaponSurrenderItem(**({"surrender": surrender, "item_type": "firecrackers", "quantity": 3} | fields))


def patrol(unit, user, **fields) -> models.Patrol:
    values = {
        "unit": unit,
        "recorded_by": user,
        "patrolled_on": date(2021, 3, 1),
        "forces": "Công an xã",
        "area_kind": models.PatrolArea.MINERAL_SITE,
    }
    return models.Patrol(**(values | fields))


def outreach(unit, user, **fields) -> models.OutreachSession:
    values = {"unit": unit, "recorded_by": user, "held_on": date(2021, 3, 1), "topic": "Luật Cư trú", "attendees": 40}
    return models.OutreachSession(**(values | fields))


def mediation(unit, user, **fields) -> models.Mediation:
    values = {
        "unit": unit,
        "recorded_by": user,
        "mediated_on": date(2021, 3, 1),
        "parties": "Hai hộ gia đình",
        "subject": "Tranh chấp ranh giới đất",
        "outcome": models.MediationOutcome.RECONCILED,
    }
    return models.Mediation(**(values | fields))


def door_check(unit, user, **fields) -> models.DoorToDoorCheck:
    values = {"unit": unit, "recorded_by": user, "checked_on": date(2021, 3, 1), "households_checked": 25}
    return models.DoorToDoorCheck(**(values | fields))


# --- One saved record of each kind in a commune (the URL scope walk, view tests) ----------------

BUILDERS = {
    "incident": incident,
    "tip": tip,
    "accident": accident,
    "stay": stay,
    "business": business,
    "surrender": surrender,
    "patrol": patrol,
    "outreach": outreach,
    "mediation": mediation,
    "doorcheck": door_check,
}


def recorder():
    from django.contrib.auth import get_user_model

    user, _created = get_user_model().objects.get_or_create(username="recorder")
    return user


def record_in(kind: str, commune):
    """The record of `kind` in `commune` (made and saved on first use), e.g. record_in("tip", b)."""
    model = BUILDERS[kind](commune, recorder()).__class__
    existing = model._default_manager.filter(unit=commune).first()
    if existing:
        return existing
    record = BUILDERS[kind](commune, recorder())
    record.full_clean()
    record.save()
    if kind == "surrender":
        surrender_item(record).save()
    return record


def inspection_in(commune) -> models.BusinessInspection:
    found = models.BusinessInspection.objects.filter(business__unit=commune).first()
    if found:
        return found
    row = inspection(record_in("business", commune), recorder())
    row.save()
    return row


def extension_in(commune):
    from incidents.models import CrimeTipExtension

    found = CrimeTipExtension.objects.filter(tip__unit=commune).first()
    if found:
        return found
    tip_b = record_in("tip", commune)
    return CrimeTipExtension.objects.create(
        tip=tip_b,
        extended_on=tip_b.received_on,
        new_deadline=tip_b.deadline.replace(day=28),
        reason="Phức tạp",
        recorded_by=recorder(),
    )
