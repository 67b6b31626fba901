"""Records of a commune's security and order work (domain.md, "The work that is recorded").

Every record belongs to a commune-level unit and optionally to one of its villages, names the user
who recorded it, and keeps its audit history (django-simple-history). Deleting is a real delete
done through services.py with a reason: the history keeps the deleted row, who deleted it and why
(`history_type="-"`, `history_change_reason`), so no query anywhere has to remember to skip
"soft-deleted" rows and the dashboards' counts cannot include them by mistake.

Invariants a row can check on its own are database constraints; those that need another row (the
village belongs to the unit, the unit is commune-level) or today's date (no future dates) are
checked in `clean()`, which the services always call through `full_clean()`.
"""

from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from basecurity.lib.collation import vi
from basecurity.lib.paging import list_indexes
from communes import lineage
from communes.models import AdministrativeUnit, Level
from communes.submissions import Versioned

from . import deadlines
from .querysets import (
    BusinessInspectionQuerySet,
    ConditionalBusinessQuerySet,
    CrimeTipExtensionQuerySet,
    CrimeTipQuerySet,
    DoorToDoorCheckQuerySet,
    ForeignerStayQuerySet,
    IncidentQuerySet,
    MediationQuerySet,
    OutreachSessionQuerySet,
    PatrolQuerySet,
    TrafficAccidentQuerySet,
    WeaponSurrenderItemQuerySet,
    WeaponSurrenderQuerySet,
)


def audit_history() -> HistoricalRecords:
    """simple-history with a text change reason: a deletion's reason may be longer than 100 characters."""
    return HistoricalRecords(history_change_reason_field=models.TextField(null=True))


# --- Taxonomies (data, editable in the admin) -----------------------------------------------


class CategoryGroup(models.TextChoices):
    CRIME = "crime", _("Crime")
    SOCIAL_EVIL = "social_evil", _("Social evil")
    VIOLATION = "violation", _("Law violation")


class IncidentCategory(models.Model):
    """A category of incident; each belongs to exactly one group (seeded by migration 0002)."""

    code = models.CharField(
        _("code"),
        max_length=60,
        unique=True,
        validators=[RegexValidator(r"^[a-z_]+\.[a-z0-9_]+$", _("Use a code like crime.theft."))],
        help_text=_("Starts with the group code, e.g. crime.theft. Used in imports."),
    )
    name = models.CharField(_("name"), max_length=200)
    group = models.CharField(_("group"), max_length=20, choices=CategoryGroup.choices)
    is_active = models.BooleanField(
        _("in use"), default=True, help_text=_("Inactive categories are no longer offered.")
    )

    history = audit_history()

    class Meta:
        verbose_name = _("incident category")
        verbose_name_plural = _("incident categories")
        ordering = ["group", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(group=CategoryGroup.CRIME, code__startswith="crime.")
                | Q(group=CategoryGroup.SOCIAL_EVIL, code__startswith="social_evil.")
                | Q(group=CategoryGroup.VIOLATION, code__startswith="violation."),
                name="incident_category_code_starts_with_group",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.code and self.group and not self.code.startswith(f"{self.group}."):
            raise ValidationError({"code": _("The code must start with the group code followed by a dot.")})


class BusinessKind(models.Model):
    """A trade that needs a security-and-order certificate (karaoke, lodging, pawn, ...)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    is_active = models.BooleanField(_("in use"), default=True)

    history = audit_history()

    class Meta:
        verbose_name = _("conditional business kind")
        verbose_name_plural = _("conditional business kinds")
        ordering = [vi("name")]

    def __str__(self) -> str:
        return self.name


# --- Common parts -----------------------------------------------------------------------------


def _is_future(value) -> bool:
    if isinstance(value, datetime):
        return value > timezone.now()
    return value > timezone.localdate()


class RecordedModel(Versioned):
    """Who recorded a row and when; `no_future_fields` are refused in clean() when in the future."""

    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    no_future_fields: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def set_derived_fields(self) -> None:
        """Compute stored fields that derive from the others (before validation and on save)."""

    def full_clean(self, *args, **kwargs) -> None:
        self.set_derived_fields()
        super().full_clean(*args, **kwargs)

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        for name in self.no_future_fields:
            value = getattr(self, name)
            if value is not None and _is_future(value):
                errors[name] = _("This date is in the future.")
        if errors:
            raise ValidationError(errors)


class UnitRecord(RecordedModel):
    """A record of a commune-level unit, optionally placed in one of its villages."""

    unit = models.ForeignKey(
        AdministrativeUnit,
        on_delete=models.PROTECT,
        related_name="%(class)s_records",
        verbose_name=_("commune"),
        help_text=_("The commune, ward or town where this happened."),
    )
    village = models.ForeignKey(
        AdministrativeUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("village"),
    )

    class Meta:
        abstract = True

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        try:
            super().clean()
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        unit = self.unit if self.unit_id else None
        village = self.village if self.village_id and self.unit_id else None
        if unit is not None and unit.level != Level.COMMUNE:
            errors.setdefault("unit", []).append(_("Choose a commune, ward or town (commune level)."))
        if (
            village is not None
            and unit is not None
            and (village.parent_id != self.unit_id or village.level != Level.VILLAGE)
        ):
            errors.setdefault("village", []).append(
                _("This village does not belong to %(unit)s.") % {"unit": unit.name}
            )
        day = self.map_day()
        if self.unit_id and day is not None and not errors.get("unit"):
            # On the map of its day: a record of 2026 cannot go to a commune merged away in 2025.
            message = lineage.unit_validity_error(self.unit, day)
            if message:
                errors.setdefault("unit", []).append(message)
        if errors:
            raise ValidationError(errors)

    def map_day(self):
        """The local date that places the record on the map (its period's date field), or None."""
        field = getattr(type(self)._default_manager.get_queryset(), "date_field", "")
        value = getattr(self, field, None) if field and "__" not in field else None
        if isinstance(value, datetime):
            return timezone.localdate(value)
        return value

    @property
    def place_is_remote(self) -> bool:
        """Remote area rules apply when the village (or else the commune) is marked remote."""
        return (self.village or self.unit).is_remote


def _optional_after(field: str, earlier: str) -> Q:
    return Q(**{f"{field}__isnull": True}) | Q(**{f"{earlier}__isnull": True}) | Q(**{f"{field}__gte": F(earlier)})


def _non_negative(*fields: str) -> Q:
    condition = Q()
    for field in fields:
        condition &= Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": 0})
    return condition


# --- Incidents --------------------------------------------------------------------------------


class IncidentStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    BEING_HANDLED = "being_handled", _("Being handled")
    HANDLED = "handled", _("Handled")
    TRANSFERRED = "transferred", _("Transferred to the investigating body")


class IncidentOutcome(models.TextChoices):
    NONE = "none", _("None yet")
    ADMINISTRATIVE_FINE = "administrative_fine", _("Administrative fine")
    WARNING = "warning", _("Warning")
    PROSECUTION = "prosecution", _("Criminal prosecution")
    EDUCATION = "education", _("Education at the commune")
    NO_VIOLATION = "no_violation", _("No violation found")
    OTHER = "other", _("Other")


class Incident(UnitRecord):
    """A crime, social evil or law violation: one case ("vụ") with its number of subjects ("đối tượng")."""

    occurred_on = models.DateField(_("occurred on"))
    occurred_at_time = models.TimeField(_("time"), null=True, blank=True)
    reported_on = models.DateField(_("reported on"), null=True, blank=True)
    category = models.ForeignKey(
        IncidentCategory, on_delete=models.PROTECT, related_name="incidents", verbose_name=_("category")
    )
    subjects = models.PositiveIntegerField(
        _("subjects"), default=0, help_text=_("Number of persons involved (đối tượng).")
    )
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("handling status"), max_length=20, choices=IncidentStatus.choices, default=IncidentStatus.RECEIVED
    )
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=IncidentOutcome.choices, default=IncidentOutcome.NONE
    )
    fine_amount_vnd = models.PositiveBigIntegerField(
        _("fine (VND)"), null=True, blank=True, validators=[MinValueValidator(1)]
    )

    no_future_fields = ("occurred_on", "reported_on")

    history = audit_history()
    objects = IncidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-occurred_on", "-id"]
        indexes = list_indexes("incident", "occurred_on", include=("category",))
        constraints = [
            models.CheckConstraint(condition=Q(subjects__gte=0), name="incident_subjects_non_negative"),
            models.CheckConstraint(
                condition=_optional_after("reported_on", "occurred_on"), name="incident_reported_after_occurred"
            ),
            models.CheckConstraint(
                condition=Q(fine_amount_vnd__isnull=True)
                | Q(outcome=IncidentOutcome.ADMINISTRATIVE_FINE, fine_amount_vnd__gt=0),
                name="incident_fine_only_with_fine_outcome",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category} · {self.occurred_on:%d/%m/%Y}"

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        try:
            super().clean()
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if self.reported_on and self.occurred_on and self.reported_on < self.occurred_on:
            errors.setdefault("reported_on", []).append(_("The report date cannot be before the date it happened."))
        if self.fine_amount_vnd is not None and self.outcome != IncidentOutcome.ADMINISTRATIVE_FINE:
            errors.setdefault("fine_amount_vnd", []).append(
                _("A fine amount goes only with the outcome “administrative fine”.")
            )
        if self._state.adding and self.category_id and not self.category.is_active:
            errors.setdefault("category", []).append(_("This category is no longer in use: choose another one."))
        if errors:
            raise ValidationError(errors)


# --- Crime tips -------------------------------------------------------------------------------


class TipKind(models.TextChoices):
    DENUNCIATION = "denunciation", _("Denunciation (tố giác)")
    REPORT = "report", _("Crime report (tin báo)")
    PROSECUTION_REQUEST = "prosecution_request", _("Request to prosecute (kiến nghị khởi tố)")


class TipSource(models.TextChoices):
    CITIZEN = "citizen", _("Citizen")
    AGENCY = "agency", _("Agency or organisation")
    MEDIA = "media", _("Press and media")
    OTHER = "other", _("Other")


class TipDecision(models.TextChoices):
    PROSECUTE = "prosecute", _("Prosecute")
    NOT_PROSECUTE = "not_prosecute", _("Not prosecute")
    SUSPEND = "suspend", _("Suspend the resolution")


class CrimeTip(UnitRecord):
    """A denunciation, crime report or request to prosecute, and how it was resolved.

    `received_on` is the legal receipt date the 20-day limit counts from; `received_at` the exact
    time when known (it starts the 24/48-hour handover limit). `deadline` is stored so that
    "overdue" and "due soon" are SQL filters: the services keep it equal to
    `deadlines.tip_decision_deadline(received_on, <extensions' new deadlines>)`.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=TipKind.choices)
    received_on = models.DateField(_("received on"))
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=TipSource.choices, blank=True)
    summary = models.TextField(_("summary"))
    handed_over_at = models.DateTimeField(_("handed to the investigating body at"), null=True, blank=True)
    handover_due_at = models.DateTimeField(_("handover due at"), null=True, blank=True, editable=False)
    deadline = models.DateField(_("decision deadline"), editable=False)
    decision = models.CharField(_("decision"), max_length=20, choices=TipDecision.choices, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)

    no_future_fields = ("received_on", "received_at", "handed_over_at", "decided_on")

    history = audit_history()
    objects = CrimeTipQuerySet.as_manager()

    class Meta:
        verbose_name = _("crime tip")
        verbose_name_plural = _("crime tips")
        ordering = ["-received_on", "-id"]
        indexes = [
            *list_indexes("tip", "received_on"),
            models.Index(fields=["deadline"], name="tip_deadline"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision="", decided_on__isnull=True) | (~Q(decision="") & Q(decided_on__isnull=False)),
                name="tip_decision_with_date",
            ),
            models.CheckConstraint(
                condition=_optional_after("decided_on", "received_on"), name="tip_decided_after_received"
            ),
            models.CheckConstraint(
                condition=_optional_after("handed_over_at", "received_at"), name="tip_handed_over_after_received"
            ),
            models.CheckConstraint(condition=Q(deadline__gte=F("received_on")), name="tip_deadline_after_received"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.received_on:%d/%m/%Y}"

    def set_derived_fields(self) -> None:
        """Fill `received_on` from `received_at`, the handover deadline, and a missing deadline."""
        if self.received_at:
            self.received_on = timezone.localdate(self.received_at)
            if self.unit_id:
                self.handover_due_at = deadlines.handover_deadline(self.received_at, self.place_is_remote)
        else:
            self.handover_due_at = None
        if self.received_on and self.deadline is None:
            self.deadline = deadlines.tip_initial_deadline(self.received_on)

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        try:
            super().clean()
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if bool(self.decision) != bool(self.decided_on):
            field = "decided_on" if self.decision else "decision"
            errors.setdefault(field, []).append(_("Give both the decision and the date it was made."))
        if self.decided_on and self.received_on and self.decided_on < self.received_on:
            errors.setdefault("decided_on", []).append(_("The decision cannot be dated before the tip was received."))
        if self.handed_over_at and self.received_at and self.handed_over_at < self.received_at:
            errors.setdefault("handed_over_at", []).append(_("The handover cannot be before the tip was received."))
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self.set_derived_fields()
        super().save(*args, **kwargs)

    @property
    def handed_over_on_time(self) -> bool | None:
        if not self.received_at:
            return None
        return deadlines.handed_over_on_time(self.received_at, self.handed_over_at, self.place_is_remote)

    def urgency(self, as_of=None) -> deadlines.TipUrgency:
        return deadlines.tip_urgency(self.deadline, as_of or timezone.localdate(), self.decided_on)


class CrimeTipExtension(RecordedModel):
    """An extension of the time limit for resolving a tip (BLTTHS 2015 điều 147 khoản 2)."""

    tip = models.ForeignKey(CrimeTip, on_delete=models.CASCADE, related_name="extensions", verbose_name=_("crime tip"))
    extended_on = models.DateField(_("extended on"))
    new_deadline = models.DateField(_("new deadline"))
    reason = models.TextField(_("reason"))

    no_future_fields = ("extended_on",)

    history = audit_history()
    objects = CrimeTipExtensionQuerySet.as_manager()

    class Meta:
        verbose_name = _("crime tip extension")
        verbose_name_plural = _("crime tip extensions")
        ordering = ["tip", "new_deadline"]
        constraints = [
            models.CheckConstraint(
                condition=Q(new_deadline__gte=F("extended_on")), name="tip_extension_deadline_after_decision"
            ),
            models.UniqueConstraint(fields=["tip", "new_deadline"], name="tip_extension_unique_deadline"),
        ]

    def __str__(self) -> str:
        return f"{self.tip} → {self.new_deadline:%d/%m/%Y}"

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        try:
            super().clean()
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if self.extended_on and self.new_deadline and self.new_deadline < self.extended_on:
            errors.setdefault("new_deadline", []).append(_("The new deadline cannot be before the extension date."))
        if self.tip_id and self.extended_on and self.extended_on < self.tip.received_on:
            errors.setdefault("extended_on", []).append(_("The extension cannot be dated before the tip was received."))
        if errors:
            raise ValidationError(errors)


# --- Traffic accidents ------------------------------------------------------------------------


class TrafficAccident(UnitRecord):
    """A road traffic accident, judged on cases, deaths and injuries ("cả ba tiêu chí")."""

    occurred_on = models.DateField(_("occurred on"))
    occurred_at_time = models.TimeField(_("time"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=255, blank=True)
    vehicles = models.PositiveSmallIntegerField(_("vehicles involved"), null=True, blank=True)
    deaths = models.PositiveIntegerField(_("deaths"), default=0)
    injuries = models.PositiveIntegerField(_("injuries"), default=0)
    damage_vnd = models.PositiveBigIntegerField(_("damage (VND)"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)

    no_future_fields = ("occurred_on",)

    history = audit_history()
    objects = TrafficAccidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("traffic accident")
        verbose_name_plural = _("traffic accidents")
        ordering = ["-occurred_on", "-id"]
        indexes = list_indexes("accident", "occurred_on")
        constraints = [
            models.CheckConstraint(
                condition=_non_negative("deaths", "injuries", "vehicles", "damage_vnd"),
                name="accident_counts_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.place or self.unit} · {self.occurred_on:%d/%m/%Y}"


# --- Conditional businesses -------------------------------------------------------------------


class BusinessStatus(models.TextChoices):
    ACTIVE = "active", _("Operating")
    SUSPENDED = "suspended", _("Suspended")
    CLOSED = "closed", _("Closed")


class ConditionalBusiness(UnitRecord):
    """A business of a trade subject to security and order conditions, with its certificate."""

    kind = models.ForeignKey(BusinessKind, on_delete=models.PROTECT, related_name="businesses", verbose_name=_("kind"))
    name = models.CharField(_("name"), max_length=200)
    owner_name = models.CharField(_("owner"), max_length=120, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    security_certificate_number = models.CharField(
        _("security and order certificate number"), max_length=60, blank=True
    )
    security_certificate_date = models.DateField(_("certificate date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=BusinessStatus.choices, default=BusinessStatus.ACTIVE)

    no_future_fields = ("security_certificate_date",)

    history = audit_history()
    objects = ConditionalBusinessQuerySet.as_manager()

    class Meta:
        verbose_name = _("conditional business")
        verbose_name_plural = _("conditional businesses")
        ordering = ["unit__path", vi("name")]
        indexes = list_indexes("business", "created_at")
        constraints = [
            models.CheckConstraint(
                condition=Q(security_certificate_number="", security_certificate_date__isnull=True)
                | (~Q(security_certificate_number="") & Q(security_certificate_date__isnull=False)),
                name="business_certificate_number_with_date",
            ),
            models.UniqueConstraint(fields=["unit", "name"], name="business_unique_name_per_unit"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        try:
            super().clean()
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if self._state.adding and self.kind_id and not self.kind.is_active:
            errors.setdefault("kind", []).append(_("This kind of business is no longer in use: choose another one."))
        if bool(self.security_certificate_number) != bool(self.security_certificate_date):
            field = "security_certificate_date" if self.security_certificate_number else "security_certificate_number"
            errors.setdefault(field, []).append(_("Give both the certificate number and its date."))
        if errors:
            raise ValidationError(errors)


class InspectionKind(models.TextChoices):
    SECURITY_ORDER = "security_order", _("Security and order conditions")
    FIRE_SAFETY = "fire_safety", _("Fire prevention and fighting (PCCC)")
    COMBINED = "combined", _("Joint inspection")
    OTHER = "other", _("Other")


class InspectionResult(models.TextChoices):
    COMPLIANT = "compliant", _("Compliant")
    VIOLATIONS = "violations", _("Violations found")


class BusinessInspection(RecordedModel):
    """An inspection of a conditional business (its unit is the business's unit)."""

    business = models.ForeignKey(
        ConditionalBusiness, on_delete=models.PROTECT, related_name="inspections", verbose_name=_("business")
    )
    inspected_on = models.DateField(_("inspected on"))
    kind = models.CharField(_("kind"), max_length=20, choices=InspectionKind.choices)
    result = models.CharField(_("result"), max_length=20, choices=InspectionResult.choices)
    violations = models.TextField(_("violations"), blank=True)
    fine_vnd = models.PositiveBigIntegerField(_("fine (VND)"), null=True, blank=True, validators=[MinValueValidator(1)])

    no_future_fields = ("inspected_on",)

    history = audit_history()
    objects = BusinessInspectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("business inspection")
        verbose_name_plural = _("business inspections")
        ordering = ["-inspected_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(fine_vnd__isnull=True) | Q(result=InspectionResult.VIOLATIONS, fine_vnd__gt=0),
                name="inspection_fine_only_with_violations",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.business} · {self.inspected_on:%d/%m/%Y}"

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        try:
            super().clean()
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if self.fine_vnd is not None and self.result != InspectionResult.VIOLATIONS:
            errors.setdefault("fine_vnd", []).append(_("A fine goes only with the result “violations found”."))
        if errors:
            raise ValidationError(errors)


# --- Foreigners' stays ------------------------------------------------------------------------


class AccommodationKind(models.TextChoices):
    BUSINESS = "business", _("Lodging business")
    PRIVATE_HOME = "private_home", _("Private home")


class ForeignerStay(UnitRecord):
    """A foreigner's temporary stay and its residence declaration (12 h, 24 h in remote areas).

    `arrived_on` (local date of arrival) and `declaration_due_at` are stored for SQL filters and
    constraints; `set_derived_fields()` computes them from `arrived_at` and the place's remoteness.
    """

    full_name = models.CharField(_("full name"), max_length=120)
    nationality = models.CharField(
        _("nationality"),
        max_length=2,
        validators=[RegexValidator(r"^[A-Z]{2}$", _("Use the two-letter ISO country code, e.g. CN."))],
        help_text=_("Two-letter ISO 3166-1 code: CN, US, KR, ..."),
    )
    passport_number = models.CharField(_("passport number"), max_length=30)
    accommodation_kind = models.CharField(
        _("accommodation"), max_length=20, choices=AccommodationKind.choices, blank=True
    )
    business = models.ForeignKey(
        ConditionalBusiness,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="foreigner_stays",
        verbose_name=_("lodging business"),
    )
    host_address = models.CharField(_("host and address"), max_length=255, blank=True)
    arrived_at = models.DateTimeField(_("arrived at"))
    arrived_on = models.DateField(_("arrival date"), editable=False)
    declared_at = models.DateTimeField(_("declared at"), null=True, blank=True)
    declaration_due_at = models.DateTimeField(_("declaration due at"), editable=False)
    departed_on = models.DateField(_("departed on"), null=True, blank=True)

    no_future_fields = ("arrived_at", "declared_at", "departed_on")

    history = audit_history()
    objects = ForeignerStayQuerySet.as_manager()

    class Meta:
        verbose_name = _("foreigner's stay")
        verbose_name_plural = _("foreigners' stays")
        ordering = ["-arrived_at", "-id"]
        indexes = [
            # The figures' period (local arrival day); the list sorts on the arrival time.
            models.Index(fields=["unit", "arrived_on"], name="stay_unit_arrived"),
            *list_indexes("stay", "arrived_at"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=_optional_after("declared_at", "arrived_at"), name="stay_declared_after_arrived"
            ),
            models.CheckConstraint(
                condition=_optional_after("departed_on", "arrived_on"), name="stay_departed_after_arrived"
            ),
            models.CheckConstraint(condition=Q(nationality__regex=r"^[A-Z][A-Z]$"), name="stay_nationality_iso_code"),
            models.CheckConstraint(
                condition=Q(business__isnull=True) | Q(accommodation_kind=AccommodationKind.BUSINESS),
                name="stay_business_only_for_business_accommodation",
            ),
            models.CheckConstraint(
                condition=Q(declaration_due_at__gt=F("arrived_at")), name="stay_declaration_due_after_arrival"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.nationality})"

    def set_derived_fields(self) -> None:
        if self.arrived_at:
            self.arrived_on = timezone.localdate(self.arrived_at)
            if self.unit_id:
                self.declaration_due_at = deadlines.declaration_deadline(self.arrived_at, self.place_is_remote)

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        try:
            super().clean()
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if self.declared_at and self.arrived_at and self.declared_at < self.arrived_at:
            errors.setdefault("declared_at", []).append(_("The declaration cannot be before the arrival."))
        if self.departed_on and self.arrived_at and self.departed_on < self.arrived_on:
            errors.setdefault("departed_on", []).append(_("The departure cannot be before the arrival."))
        business = self.business if self.business_id else None
        if business is not None:
            if self.accommodation_kind != AccommodationKind.BUSINESS:
                errors.setdefault("business", []).append(
                    _("A lodging business goes with the accommodation “lodging business”.")
                )
            elif self.unit_id and business.unit_id != self.unit_id:
                errors.setdefault("business", []).append(_("This business is in another commune."))
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self.set_derived_fields()
        super().save(*args, **kwargs)

    @property
    def declared_on_time(self) -> bool:
        return deadlines.declared_on_time(self.arrived_at, self.declared_at, self.place_is_remote)


# --- Weapons surrendered ----------------------------------------------------------------------


class WeaponSurrender(UnitRecord):
    """A voluntary surrender of weapons, explosives, support tools or firecrackers."""

    surrendered_on = models.DateField(_("surrendered on"))
    surrendered_by = models.CharField(_("surrendered by"), max_length=200, blank=True, help_text=_("Optional."))
    notes = models.TextField(_("notes"), blank=True)

    no_future_fields = ("surrendered_on",)

    history = audit_history()
    objects = WeaponSurrenderQuerySet.as_manager()

    class Meta:
        verbose_name = _("weapon surrender")
        verbose_name_plural = _("weapon surrenders")
        ordering = ["-surrendered_on", "-id"]
        indexes = list_indexes("surrender", "surrendered_on")

    def __str__(self) -> str:
        return f"{self.unit} · {self.surrendered_on:%d/%m/%Y}"


class WeaponItemType(models.TextChoices):
    GUNS = "guns", _("Guns")
    AMMUNITION = "ammunition", _("Ammunition")
    EXPLOSIVES = "explosives", _("Explosives")
    SUPPORT_TOOLS = "support_tools", _("Support tools")
    FIRECRACKERS = "firecrackers", _("Firecrackers")
    SKY_LANTERNS = "sky_lanterns", _("Sky lanterns")
    OTHER = "other", _("Other")


class WeaponSurrenderItem(models.Model):
    surrender = models.ForeignKey(
        WeaponSurrender, on_delete=models.CASCADE, related_name="items", verbose_name=_("surrender")
    )
    item_type = models.CharField(_("type"), max_length=20, choices=WeaponItemType.choices)
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    description = models.CharField(
        _("description"), max_length=200, blank=True, help_text=_("e.g. hunting gun, kg of firecrackers")
    )

    history = audit_history()
    objects = WeaponSurrenderItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("surrendered item")
        verbose_name_plural = _("surrendered items")
        ordering = ["surrender", "item_type"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="weapon_item_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_item_type_display()} × {self.quantity}"


# --- Community activities ---------------------------------------------------------------------


class PatrolArea(models.TextChoices):
    MINERAL_SITE = "mineral_site", _("Sand, stone or gravel site")
    FOREST = "forest", _("Forest")
    RESIDENTIAL = "residential", _("Residential area")
    ROAD = "road", _("Road")
    RIVER = "river", _("River or stream")
    OTHER = "other", _("Other")


class Patrol(UnitRecord):
    patrolled_on = models.DateField(_("date"))
    forces = models.CharField(_("forces"), max_length=255, help_text=_("e.g. Công an xã, dân quân, tổ tự quản"))
    participants = models.PositiveIntegerField(_("participants"), null=True, blank=True)
    area_kind = models.CharField(_("kind of area"), max_length=20, choices=PatrolArea.choices)
    area = models.CharField(_("area"), max_length=255, blank=True)
    results = models.TextField(_("results"), blank=True)

    no_future_fields = ("patrolled_on",)

    history = audit_history()
    objects = PatrolQuerySet.as_manager()

    class Meta:
        verbose_name = _("patrol")
        verbose_name_plural = _("patrols")
        ordering = ["-patrolled_on", "-id"]
        indexes = list_indexes("patrol", "patrolled_on")
        constraints = [
            models.CheckConstraint(condition=_non_negative("participants"), name="patrol_participants_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.get_area_kind_display()} · {self.patrolled_on:%d/%m/%Y}"


class OutreachSession(UnitRecord):
    """A legal-education session (tuyên truyền, phổ biến giáo dục pháp luật)."""

    held_on = models.DateField(_("date"))
    topic = models.CharField(_("topic"), max_length=255)
    attendees = models.PositiveIntegerField(_("attendees"), default=0)
    notes = models.TextField(_("notes"), blank=True)

    no_future_fields = ("held_on",)

    history = audit_history()
    objects = OutreachSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("legal-education session")
        verbose_name_plural = _("legal-education sessions")
        ordering = ["-held_on", "-id"]
        indexes = list_indexes("outreach", "held_on")
        constraints = [
            models.CheckConstraint(condition=Q(attendees__gte=0), name="outreach_attendees_non_negative"),
        ]

    def __str__(self) -> str:
        return self.topic


class MediationOutcome(models.TextChoices):
    RECONCILED = "reconciled", _("Reconciled")
    NOT_RECONCILED = "not_reconciled", _("Not reconciled")
    ONGOING = "ongoing", _("Ongoing")
    REFERRED = "referred", _("Referred to the authorities")


class Mediation(UnitRecord):
    """A mediation of a dispute within the community (hòa giải ở cơ sở)."""

    mediated_on = models.DateField(_("date"))
    parties = models.CharField(_("parties"), max_length=255)
    subject = models.TextField(_("subject of the dispute"))
    outcome = models.CharField(_("outcome"), max_length=20, choices=MediationOutcome.choices)

    no_future_fields = ("mediated_on",)

    history = audit_history()
    objects = MediationQuerySet.as_manager()

    class Meta:
        verbose_name = _("mediation")
        verbose_name_plural = _("mediations")
        ordering = ["-mediated_on", "-id"]
        indexes = list_indexes("mediation", "mediated_on")

    def __str__(self) -> str:
        return f"{self.parties} · {self.mediated_on:%d/%m/%Y}"


class DoorToDoorCheck(UnitRecord):
    """A door-to-door check of households (residence, weapons, fire safety ...)."""

    checked_on = models.DateField(_("date"))
    households_checked = models.PositiveIntegerField(_("households checked"))
    violations_found = models.PositiveIntegerField(_("violations found"), default=0)
    findings = models.TextField(_("findings"), blank=True)

    no_future_fields = ("checked_on",)

    history = audit_history()
    objects = DoorToDoorCheckQuerySet.as_manager()

    class Meta:
        verbose_name = _("door-to-door check")
        verbose_name_plural = _("door-to-door checks")
        ordering = ["-checked_on", "-id"]
        indexes = list_indexes("door_check", "checked_on")
        constraints = [
            models.CheckConstraint(
                condition=Q(households_checked__gte=0, violations_found__gte=0), name="door_check_counts_non_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.checked_on:%d/%m/%Y}"
