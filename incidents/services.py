"""Every write of the incidents app: atomic, validated with full_clean(), attributed to a user.

Each record kind has `<kind>_create(*, user, **fields)`, `<kind>_update(*, <kind>, user, **fields)`
and `<kind>_delete(*, <kind>, user, reason)`. `fields` are model field names (a ModelForm's
`cleaned_data` fits); an update with no fields saves an instance the caller already changed (a bound
ModelForm's `form.instance`). Crime tips add `tip_hand_over`, `tip_extend` and `tip_decide`.

- The user must hold RECORDS_WRITE on the record's unit (and, on update, on the unit it had before):
  otherwise PermissionDenied. Pages check the same thing earlier through communes/permissions.py;
  this is the safety net for imports and scripts.
- New rows get `recorded_by = user`; every change and deletion is attributed to `user` in the
  audit history (`history_user`).
- Deletion is a real delete that needs a reason: the history keeps the last state of the row with
  `history_type="-"`, the user and `history_change_reason = reason`.
- Invalid data raises django.core.exceptions.ValidationError (a dict by field) and writes nothing.
- An update given `version` (the version its form was opened with) raises
  communes.submissions.StaleEdit when the record was saved since; nothing is written.
- A record dated in a locked period of its unit (communes/locks.py: approved report, automatic lock)
  cannot be created, changed or deleted: ValidationError with the reason. An update is checked on
  the stored date and on the new one.
"""

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from basecurity.lib import history
from communes.locks import ensure_record_unlocked
from communes.models import AdministrativeUnit
from communes.permissions import Capability, can
from communes.record_kinds import lock_paths
from communes.submissions import ensure_current

from . import deadlines
from .models import (
    BusinessInspection,
    ConditionalBusiness,
    CrimeTip,
    CrimeTipExtension,
    DoorToDoorCheck,
    ForeignerStay,
    Incident,
    Mediation,
    OutreachSession,
    Patrol,
    TrafficAccident,
    WeaponSurrender,
    WeaponSurrenderItem,
)

M = TypeVar("M", bound=models.Model)


# --- Shared mechanics -------------------------------------------------------------------------


def _unit_of(instance: models.Model) -> AdministrativeUnit | None:
    """The commune a record belongs to, for the permission check."""
    if isinstance(instance, BusinessInspection):
        return instance.business.unit if instance.business_id else None
    if isinstance(instance, CrimeTipExtension):
        return instance.tip.unit
    return instance.unit if instance.unit_id else None


def _ensure_unlocked(instance: models.Model) -> None:
    """Refuse a write in a locked period; the unit and day paths are the record's declaration
    (records.py). Conditional businesses are a register, not dated events: never locked."""
    paths = lock_paths(type(instance))
    if paths:
        ensure_record_unlocked(instance, unit_path=paths[0], day_path=paths[1])


def _require_write(user, unit: AdministrativeUnit | None) -> None:
    if unit is not None and not can(user, Capability.RECORDS_WRITE, unit):
        raise PermissionDenied(_("You cannot record data for %(unit)s.") % {"unit": unit.name})


def _save(instance: M, *, user, reason: str = "") -> M:
    """Validate, check the user's right on the record's unit, save with history attribution."""
    instance.full_clean()
    _require_write(user, _unit_of(instance))
    _ensure_unlocked(instance)
    history.attribute(instance, user, reason or None)
    instance.save()
    return instance


def _create(model: type[M], *, user, fields: Mapping) -> M:
    instance = model(**fields)
    if hasattr(instance, "recorded_by_id"):
        instance.recorded_by = user
    return _save(instance, user=user)


def _update(instance: M, *, user, fields: Mapping, reason: str = "") -> M:
    fields = dict(fields)
    version = fields.pop("version", None)
    if instance.pk:
        # The stored row, locked: StaleEdit if it changed since the form was opened (`version`).
        # The unit it had in the database: moving a record out of another commune is a write on
        # that commune too.
        before = ensure_current(instance, version)
        _require_write(user, _unit_of(before))
        _ensure_unlocked(before)
    for name, value in fields.items():
        setattr(instance, name, value)
    return _save(instance, user=user, reason=reason)


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for deleting this record.")})
    return reason


def _delete(instance: models.Model, *, user, reason: str, children: Iterable[models.Model] = ()) -> None:
    """Delete with a reason; `children` (rows that cascade) are deleted first, each with the reason."""
    reason = _clean_reason(reason)
    _require_write(user, _unit_of(instance))
    _ensure_unlocked(instance)
    for row in [*children, instance]:
        history.attribute(row, user, reason)
        try:
            row.delete()
        except ProtectedError as error:
            raise ValidationError(
                _(
                    "This record cannot be deleted while other records refer to it (%(count)d); delete or change those first."
                )
                % {"count": len(error.protected_objects)},
                code="protected",
            ) from error


# --- Incidents --------------------------------------------------------------------------------


@transaction.atomic
def incident_create(*, user, **fields) -> Incident:
    return _create(Incident, user=user, fields=fields)


@transaction.atomic
def incident_update(*, incident: Incident, user, **fields) -> Incident:
    return _update(incident, user=user, fields=fields)


@transaction.atomic
def incident_delete(*, incident: Incident, user, reason: str) -> None:
    _delete(incident, user=user, reason=reason)


# --- Traffic accidents ------------------------------------------------------------------------


@transaction.atomic
def accident_create(*, user, **fields) -> TrafficAccident:
    return _create(TrafficAccident, user=user, fields=fields)


@transaction.atomic
def accident_update(*, accident: TrafficAccident, user, **fields) -> TrafficAccident:
    return _update(accident, user=user, fields=fields)


@transaction.atomic
def accident_delete(*, accident: TrafficAccident, user, reason: str) -> None:
    _delete(accident, user=user, reason=reason)


# --- Crime tips -------------------------------------------------------------------------------


def _extension_deadlines(tip: CrimeTip) -> list[date]:
    return list(tip.extensions.order_by("new_deadline").values_list("new_deadline", flat=True)) if tip.pk else []


@transaction.atomic
def tip_create(*, user, **fields) -> CrimeTip:
    """Record a received tip; its decision deadline starts at receipt + 20 days (BLTTHS điều 147)."""
    fields.pop("deadline", None)
    return _create(CrimeTip, user=user, fields=fields)


@transaction.atomic
def tip_update(*, tip: CrimeTip, user, **fields) -> CrimeTip:
    """Change a tip; a changed receipt date moves the deadline, and its extensions must still be lawful."""
    fields.pop("deadline", None)
    version = fields.pop("version", None)
    for name, value in fields.items():
        setattr(tip, name, value)
    tip.set_derived_fields()
    extensions = _extension_deadlines(tip)
    if tip.received_on:
        for number, new_deadline in enumerate(extensions):
            try:
                deadlines.validate_extension(tip.received_on, extensions[:number], new_deadline)
            except ValidationError as error:
                raise ValidationError(
                    {
                        "received_on": _(
                            "With this receipt date an extension already granted is no longer lawful: %(error)s"
                        )
                        % {"error": " ".join(error.messages)}
                    }
                ) from error
        tip.deadline = deadlines.tip_decision_deadline(tip.received_on, extensions)
    return _update(tip, user=user, fields={"version": version})


@transaction.atomic
def tip_delete(*, tip: CrimeTip, user, reason: str) -> None:
    _delete(tip, user=user, reason=reason, children=list(tip.extensions.all()))


@transaction.atomic
def tip_hand_over(*, tip: CrimeTip, user, handed_over_at: datetime, version: int | None = None) -> CrimeTip:
    """Record when the tip was handed to the investigating body (due in 24 h / 48 h, TTLT 01/2017).

    `version`: the tip's version the page was opened with (StaleEdit when it was saved since)."""
    return _update(tip, user=user, fields={"handed_over_at": handed_over_at, "version": version})


@transaction.atomic
def tip_extend(
    *, tip: CrimeTip, user, new_deadline: date, reason: str, extended_on: date | None = None
) -> CrimeTipExtension:
    """Extend the time limit for the decision (BLTTHS 2015 điều 147 khoản 2).

    Refused when the tip is decided, past receipt + 2 months for the first extension, past
    receipt + 4 months in all, or for a third extension (deadlines.validate_extension).
    """
    tip = CrimeTip.objects.select_for_update().get(pk=tip.pk)
    _require_write(user, tip.unit)
    if tip.decided_on:
        raise ValidationError({"new_deadline": _("This tip already has a decision: it cannot be extended.")})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the extension.")})
    try:
        deadlines.validate_extension(tip.received_on, _extension_deadlines(tip), new_deadline)
    except ValidationError as error:
        raise ValidationError({"new_deadline": error.messages}) from error
    extension = CrimeTipExtension(
        tip=tip,
        extended_on=extended_on or timezone.localdate(),
        new_deadline=new_deadline,
        reason=reason,
        recorded_by=user,
    )
    _save(extension, user=user)
    tip.deadline = new_deadline
    _save(
        tip,
        user=user,
        reason=_("Extended to %(deadline)s: %(reason)s")
        % {"deadline": date_format(new_deadline, "SHORT_DATE_FORMAT"), "reason": reason},
    )
    return extension


@transaction.atomic
def tip_extension_delete(*, extension: CrimeTipExtension, user, reason: str) -> CrimeTip:
    """Remove an extension entered by mistake; the tip's deadline falls back to the remaining ones."""
    tip = CrimeTip.objects.select_for_update().get(pk=extension.tip_id)
    _delete(extension, user=user, reason=reason)
    tip.deadline = deadlines.tip_decision_deadline(tip.received_on, _extension_deadlines(tip))
    return _save(tip, user=user, reason=reason)


@transaction.atomic
def tip_decide(*, tip: CrimeTip, user, decision: str, decided_on: date, version: int | None = None) -> CrimeTip:
    """Record the decision (prosecute / not prosecute / suspend) and its date, not before receipt.

    `version`: the tip's version the page was opened with (StaleEdit when it was saved since)."""
    return _update(tip, user=user, fields={"decision": decision, "decided_on": decided_on, "version": version})


# --- Foreigners' stays ------------------------------------------------------------------------


@transaction.atomic
def stay_create(*, user, **fields) -> ForeignerStay:
    return _create(ForeignerStay, user=user, fields=fields)


@transaction.atomic
def stay_update(*, stay: ForeignerStay, user, **fields) -> ForeignerStay:
    return _update(stay, user=user, fields=fields)


@transaction.atomic
def stay_delete(*, stay: ForeignerStay, user, reason: str) -> None:
    _delete(stay, user=user, reason=reason)


# --- Conditional businesses and inspections ---------------------------------------------------


@transaction.atomic
def business_create(*, user, **fields) -> ConditionalBusiness:
    return _create(ConditionalBusiness, user=user, fields=fields)


@transaction.atomic
def business_update(*, business: ConditionalBusiness, user, **fields) -> ConditionalBusiness:
    return _update(business, user=user, fields=fields)


@transaction.atomic
def business_delete(*, business: ConditionalBusiness, user, reason: str) -> None:
    """Refused (ValidationError) while inspections or foreigners' stays refer to the business."""
    _delete(business, user=user, reason=reason)


@transaction.atomic
def inspection_create(*, user, **fields) -> BusinessInspection:
    return _create(BusinessInspection, user=user, fields=fields)


@transaction.atomic
def inspection_update(*, inspection: BusinessInspection, user, **fields) -> BusinessInspection:
    return _update(inspection, user=user, fields=fields)


@transaction.atomic
def inspection_delete(*, inspection: BusinessInspection, user, reason: str) -> None:
    _delete(inspection, user=user, reason=reason)


# --- Weapon surrenders ------------------------------------------------------------------------


def _replace_items(surrender: WeaponSurrender, items: Iterable[Mapping], *, user, reason: str) -> None:
    items = list(items)
    if not items:
        raise ValidationError({"items": _("List at least one surrendered item.")})
    for old in surrender.items.all():
        history.attribute(old, user, reason)
        old.delete()
    errors: dict[str, Any] = {}
    for index, item in enumerate(items, start=1):
        row = WeaponSurrenderItem(surrender=surrender, **item)
        try:
            row.full_clean()
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                errors.setdefault("items", []).extend(
                    _("Item %(number)d, %(field)s: %(message)s") % {"number": index, "field": field, "message": m}
                    for m in messages
                )
            continue
        history.attribute(row, user)
        row.save()
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def surrender_create(*, user, items: Iterable[Mapping], **fields) -> WeaponSurrender:
    """Record a surrender with its items: `items` are mappings of item_type, quantity, description."""
    surrender = _create(WeaponSurrender, user=user, fields=fields)
    _replace_items(surrender, items, user=user, reason="")
    return surrender


@transaction.atomic
def surrender_update(
    *, surrender: WeaponSurrender, user, items: Iterable[Mapping] | None = None, **fields
) -> WeaponSurrender:
    """Change a surrender; when `items` is given it replaces the item list."""
    surrender = _update(surrender, user=user, fields=fields)
    if items is not None:
        _replace_items(surrender, items, user=user, reason=_("Item list replaced"))
    return surrender


@transaction.atomic
def surrender_delete(*, surrender: WeaponSurrender, user, reason: str) -> None:
    _delete(surrender, user=user, reason=reason, children=list(surrender.items.all()))


# --- Community activities ---------------------------------------------------------------------


@transaction.atomic
def patrol_create(*, user, **fields) -> Patrol:
    return _create(Patrol, user=user, fields=fields)


@transaction.atomic
def patrol_update(*, patrol: Patrol, user, **fields) -> Patrol:
    return _update(patrol, user=user, fields=fields)


@transaction.atomic
def patrol_delete(*, patrol: Patrol, user, reason: str) -> None:
    _delete(patrol, user=user, reason=reason)


@transaction.atomic
def outreach_create(*, user, **fields) -> OutreachSession:
    return _create(OutreachSession, user=user, fields=fields)


@transaction.atomic
def outreach_update(*, outreach: OutreachSession, user, **fields) -> OutreachSession:
    return _update(outreach, user=user, fields=fields)


@transaction.atomic
def outreach_delete(*, outreach: OutreachSession, user, reason: str) -> None:
    _delete(outreach, user=user, reason=reason)


@transaction.atomic
def mediation_create(*, user, **fields) -> Mediation:
    return _create(Mediation, user=user, fields=fields)


@transaction.atomic
def mediation_update(*, mediation: Mediation, user, **fields) -> Mediation:
    return _update(mediation, user=user, fields=fields)


@transaction.atomic
def mediation_delete(*, mediation: Mediation, user, reason: str) -> None:
    _delete(mediation, user=user, reason=reason)


@transaction.atomic
def door_check_create(*, user, **fields) -> DoorToDoorCheck:
    return _create(DoorToDoorCheck, user=user, fields=fields)


@transaction.atomic
def door_check_update(*, door_check: DoorToDoorCheck, user, **fields) -> DoorToDoorCheck:
    return _update(door_check, user=user, fields=fields)


@transaction.atomic
def door_check_delete(*, door_check: DoorToDoorCheck, user, reason: str) -> None:
    _delete(door_check, user=user, reason=reason)
