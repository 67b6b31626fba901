"""Writes of the reintegration app, and the access log of personal data.

Every write is atomic, validated with full_clean() and attributed to the acting user in the
change history (simple_history reads `_history_user`; inside a request the middleware would too,
but imports and commands have no request). Callers check permissions (communes/permissions.py)
before calling; these functions only guard the data.

Support actions, statuses and reoffences are dated events: one dated in a locked period of the
person's unit (communes/locks.py) is refused with a ValidationError giving the reason, and so is a
change that moves a stored one out of a locked period. The person register itself is not locked.
"""

import logging
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from basecurity.lib import history
from communes.locks import ensure_record_unlocked
from communes.permissions import Capability, can, root_units
from communes.record_kinds import lock_paths
from communes.submissions import VERSION_FIELD, ensure_current

from .models import (
    DUPLICATE_CITIZEN_ID_MESSAGE,
    Person,
    PersonTransfer,
    ReadAction,
    ReadLog,
    Reoffence,
    Status,
    SupportAction,
)
from .validators import mask_citizen_id

security_log = logging.getLogger("basecurity.security")

# An import that finds more known citizen IDs than this (or this share of its IDs) is a probe of
# the register, not a commune's own list: refused whole, without saying which IDs are known.
PROBE_MIN_HITS = 2
PROBE_MAX_HITS = 5
PROBE_MAX_SHARE = 0.2

PERSON_FIELDS = (
    "unit",
    "village",
    "ref",
    "full_name",
    "date_of_birth",
    "sex",
    "ethnicity",
    "citizen_id",
    "category",
    "offence",
    "sentence",
    "returned_on",
    "management_start",
    "management_end",
    "assigned_officer",
    "mentor_name",
    "notes",
)


def _ensure_unlocked(instance: Model) -> None:
    """Refuse a write in a locked period (communes/locks.py); unit and day as records.py declares them."""
    paths = lock_paths(type(instance))
    if paths is None:
        return
    unit_path, day_path = paths
    if instance.pk:
        stored = type(instance).objects.select_related("person__unit").filter(pk=instance.pk).first()
        if stored is not None:
            ensure_record_unlocked(stored, unit_path=unit_path, day_path=day_path)
    ensure_record_unlocked(instance, unit_path=unit_path, day_path=day_path)


def _save(instance: Model, user) -> Model:
    instance.full_clean()
    _ensure_unlocked(instance)
    history.attribute(instance, user)
    instance.save()
    return instance


def _check_fields(fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise TypeError(f"Unknown person fields: {', '.join(sorted(unknown))}")


@transaction.atomic
def person_create(*, user, **fields: Any) -> Person:
    """Register a person; `fields` are Person's editable fields (unit, ref, full_name, ...)."""
    _check_fields(fields)
    return _save(Person(**fields), user)


@transaction.atomic
def person_update(*, person: Person, user, version: int | None = None, **fields: Any) -> Person:
    """Change a person's record; given `version` (the one its form was opened with), StaleEdit when
    someone saved it since (nothing is written)."""
    _check_fields(fields)
    ensure_current(person, version)
    for name, value in fields.items():
        setattr(person, name, value)
    return _save(person, user)


@transaction.atomic
def support_action_add(
    *,
    person: Person,
    user,
    date: date,
    kind: str,
    description: str = "",
    result: str = "",
    loan_amount_vnd: int | None = None,
    lender: str = "",
) -> SupportAction:
    action = SupportAction(
        person=person,
        date=date,
        kind=kind,
        description=description,
        result=result,
        loan_amount_vnd=loan_amount_vnd,
        lender=lender,
    )
    return _save(action, user)


@transaction.atomic
def status_record(
    *,
    person: Person,
    user,
    as_of: date,
    has_job: bool,
    stable_life: bool,
    occupation: str = "",
    income_band: str = "",
    note: str = "",
) -> Status:
    """Record the person's situation as of a date; a second record for the same date replaces
    the first (the change stays in the history), so re-importing a status file is harmless."""
    status = Status.objects.select_for_update().filter(person=person, as_of=as_of).first() or Status(
        person=person, as_of=as_of
    )
    status.has_job = has_job
    status.stable_life = stable_life
    status.occupation = occupation
    status.income_band = income_band
    status.note = note
    return _save(status, user)


@transaction.atomic
def reoffence_record(*, person: Person, user, date: date, description: str = "", incident=None) -> Reoffence:
    reoffence = Reoffence(person=person, date=date, description=description)
    if incident is not None:
        reoffence.incident = incident
    return _save(reoffence, user)


# --- access log --------------------------------------------------------------------------------


def _person_label(person: Person) -> str:
    return f"{person.unit.code}/{person.ref} {person.full_name}"


def _reader(user):
    """The logged-in user, or None (a management command run without --user)."""
    return user if user is not None and user.is_authenticated else None


def log_person_read(*, user, person: Person, what: str, action: str = ReadAction.VIEW) -> ReadLog:
    """Record that `user` saw `what` of `person`'s data (a page view, an export, a report)."""
    reader = _reader(user)
    return ReadLog.objects.create(
        person=person,
        person_label=_person_label(person),
        user=reader,
        username=reader.get_username() if reader else "",
        action=action,
        detail=what,
    )


def log_persons_listed(*, user, persons, what: str) -> ReadLog | None:
    """One entry for a page that lists persons (a list, "needs attention", an admin list), naming
    each person shown; the subject-access report finds it by the person's label."""
    persons = list(persons)
    if not persons:
        return None
    reader = _reader(user)
    return ReadLog.objects.create(
        person=persons[0] if len(persons) == 1 else None,
        person_label=ngettext("%(count)d person", "%(count)d persons", len(persons)) % {"count": len(persons)},
        user=reader,
        username=reader.get_username() if reader else "",
        action=ReadAction.VIEW,
        detail=f"{what}: " + "; ".join(_person_label(person) for person in persons),
    )


def duplicate_citizen_id_message(user, existing: Person) -> str:
    """The error for a citizen ID already recorded for `existing`: who it is only for a user who
    may read that person (communes/permissions.py); otherwise nothing of the other record."""
    if user is None or can(user, Capability.PERSONS_READ, existing.unit):
        return _("This citizen ID number is already recorded for %(person)s (%(unit)s, file %(ref)s).") % {
            "person": existing.full_name,
            "unit": existing.unit.name,
            "ref": existing.ref,
        }
    return str(DUPLICATE_CITIZEN_ID_MESSAGE)


def _lookup_log(reader, citizen_id: str, existing: Person | None, via: str, now) -> ReadLog:
    masked = mask_citizen_id(citizen_id)
    return ReadLog(
        person=existing,
        person_label=_person_label(existing) if existing else f"CCCD {masked}",
        user=reader,
        username=reader.get_username() if reader else "",
        at=now,
        action=ReadAction.LOOKUP,
        detail=f"lookup by citizen ID {masked} ({via}): {'found' if existing else 'not found'}",
    )


def citizen_id_lookup(*, user, citizen_ids, via: str, exclude_pk: int | None = None) -> dict[str, Person]:
    """The persons already recorded with these citizen IDs ({id: person}, one query); every ID
    asked is written to the read log with who asked and through what (form, import, search)."""
    ids = sorted({citizen_id for citizen_id in citizen_ids if citizen_id})
    if not ids:
        return {}
    found = {
        person.citizen_id: person
        for person in Person.objects.filter(citizen_id__in=ids).exclude(pk=exclude_pk).select_related("unit")
    }
    reader, now = _reader(user), timezone.now()
    ReadLog.objects.bulk_create(
        [_lookup_log(reader, citizen_id, found.get(citizen_id), via, now) for citizen_id in ids]
    )
    return found


def is_citizen_id_probe(hits: int, asked: int) -> bool:
    """Whether an import finding `hits` known IDs among `asked` is refused whole as a probe."""
    return hits > PROBE_MAX_HITS or (hits >= PROBE_MIN_HITS and hits > PROBE_MAX_SHARE * asked)


def flag_citizen_id_probe(*, user, hits: int, asked: int, filename: str) -> ReadLog:
    """Log a refused import that matched many known citizen IDs, for the district (and the server log)."""
    reader = _reader(user)
    units = ", ".join(sorted(str(unit) for unit in _user_units(reader))) or "-"
    detail = (
        f"import of “{filename}” refused: {hits} of its {asked} citizen IDs are already recorded "
        f"(user's units: {units}); for the district police to review"
    )
    security_log.warning("Citizen ID probe: user %s, %s", reader.get_username() if reader else "-", detail)
    return ReadLog.objects.create(
        person=None,
        person_label=f"{hits} citizen IDs",
        user=reader,
        username=reader.get_username() if reader else "",
        action=ReadAction.PROBE,
        detail=detail,
    )


def _user_units(user):
    if user is None:
        return []
    return root_units(user, Capability.PERSONS_WRITE)


def log_persons_export(*, user, persons, what: str) -> int:
    """Record one export row per person of `persons` (a queryset or a list); returns the count."""
    if hasattr(persons, "select_related"):
        persons = persons.select_related("unit")
    now = timezone.now()
    reader = _reader(user)
    rows = [
        ReadLog(
            person=person,
            person_label=_person_label(person),
            user=reader,
            username=reader.get_username() if reader else "",
            at=now,
            action=ReadAction.EXPORT,
            detail=what,
        )
        for person in persons
    ]
    ReadLog.objects.bulk_create(rows)
    return len(rows)


# --- the data subject's right of access ---------------------------------------------------------


def _field_values(instance: Model, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    """Every concrete field of `instance` as {name: value}, with choices shown as their label
    and foreign keys as their text, so the person can read it. `version` (a save counter for the
    pages, communes/submissions.py) is not about the person and is left out."""
    values: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if field.name in exclude or field.name == VERSION_FIELD:
            continue
        if field.is_relation:
            related = getattr(instance, field.name)
            values[field.name] = str(related) if related is not None else None
        elif field.choices:
            raw = getattr(instance, field.attname)
            values[field.name] = str(getattr(instance, f"get_{field.name}_display")()) if raw else raw
        else:
            values[field.name] = getattr(instance, field.attname)
    return values


def _history_entries(history_queryset, model_label: str) -> list[dict[str, Any]]:
    entries = []
    records = list(history_queryset.select_related("history_user").order_by("history_date", "history_id"))
    previous_by_id: dict[int, Any] = {}
    for record in records:
        previous = previous_by_id.get(record.id)
        changes = []
        if previous is not None:
            delta = record.diff_against(previous, excluded_fields=[VERSION_FIELD])
            changes = [{"field": c.field, "old": c.old, "new": c.new} for c in delta.changes]
        entries.append(
            {
                "record": model_label,
                "record_id": record.id,
                "at": timezone.localtime(record.history_date),
                "type": {"+": "created", "~": "changed", "-": "deleted"}[record.history_type],
                "by": record.history_user.get_username() if record.history_user else None,
                "changed_fields": changes,
            }
        )
        previous_by_id[record.id] = record
    return entries


def person_subject_access_report(*, person: Person) -> dict[str, Any]:
    """Everything the system holds on `person` (right of access, Nghị định 13/2023/NĐ-CP art. 9
    and Law 91/2025/QH15): the record, its support actions, statuses, reoffences, the history of
    every change with who made it, and the log of who read the data."""
    changes = (
        _history_entries(Person.history.filter(id=person.pk), "person")
        + _history_entries(SupportAction.history.filter(person_id=person.pk), "support_action")
        + _history_entries(Status.history.filter(person_id=person.pk), "status")
        + _history_entries(Reoffence.history.filter(person_id=person.pk), "reoffence")
    )
    changes.sort(key=lambda entry: entry["at"])
    return {
        "generated_at": timezone.localtime(),
        "person": _field_values(person),
        "support_actions": [
            _field_values(a, exclude=("person",)) for a in person.support_actions.order_by("date", "pk")
        ],
        "statuses": [_field_values(s, exclude=("person",)) for s in person.statuses.order_by("as_of")],
        "reoffences": [_field_values(r, exclude=("person",)) for r in person.reoffences.order_by("date", "pk")],
        "history": changes,
        "read_log": [
            {
                "at": timezone.localtime(log.at),
                "by": log.username or None,
                "action": str(log.get_action_display()),
                "detail": log.detail,
            }
            for log in ReadLog.objects.filter(
                Q(person=person) | Q(person__isnull=True, detail__contains=_person_label(person))
            ).order_by("at", "pk")
        ],
    }


@transaction.atomic
def person_subject_access_export(*, person: Person, user=None, requested_by: str = "") -> dict[str, Any]:
    """Build the subject-access report and log that it was produced (the log entry itself is
    not in this report: it is written after the report is gathered)."""
    report = person_subject_access_report(person=person)
    log_person_read(
        user=user,
        person=person,
        what="subject access report (all data held)" + (f"; requested by {requested_by}" if requested_by else ""),
        action=ReadAction.SUBJECT_ACCESS,
    )
    return report


@transaction.atomic
def person_transfer(*, person: Person, to_unit, day: date, user=None, reason: str = "") -> PersonTransfer:
    """Move a person's file to another commune from `day`, with its whole history (never a copy): the
    person keeps its row, a transfer event says where it was managed before. The village is kept when
    the new commune has one of the same name."""
    if to_unit.pk == person.unit_id:
        raise ValidationError(_("The person is already managed by %(unit)s.") % {"unit": to_unit.name})
    if not to_unit.is_valid_on(day):
        raise ValidationError(
            _("%(unit)s did not exist on %(day)s.") % {"unit": to_unit.name, "day": f"{day:%d/%m/%Y}"}
        )
    transfer = PersonTransfer(
        person=person, from_unit=person.unit, to_unit=to_unit, date=day, reason=reason, recorded_by=user
    )
    transfer.full_clean()
    history.attribute(transfer, user)
    transfer.save()
    village_name = person.village.name if person.village_id else None
    person.unit = to_unit
    person.village = to_unit.children.filter(name=village_name).first() if village_name else None
    history.attribute(person, user, reason or None)
    person.save(update_fields=["unit", "village"])
    return transfer


def persons_follow_their_commune(sender, *, unit, successor, day, user=None, **kwargs) -> dict:
    """communes.services.unit_hand_over: the persons managed by a commune that passed into another move
    with it (one transfer event each; a person already moved is left alone)."""
    moved = 0
    for person in Person.objects.filter(unit=unit).select_related("village", "unit"):
        person_transfer(
            person=person,
            to_unit=successor,
            day=day,
            user=user,
            reason=_("%(unit)s merged into %(successor)s") % {"unit": unit.name, "successor": successor.name},
        )
        moved += 1
    return {"persons": moved}
