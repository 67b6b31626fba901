"""Persons being reintegrated into the community ("tái hòa nhập cộng đồng"), their support, their
situation over time, and reoffending (targets.md: `reoffending`, `reintegration_employment`).

These records are sensitive personal data (Nghị định 13/2023/NĐ-CP art. 2(4); Law 91/2025/QH15):
only the roles of communes/permissions.py holding PERSONS_READ see them, and every read of a
person's page or export is written to ReadLog.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from basecurity.lib.paging import list_indexes
from communes.models import AdministrativeUnit, Level
from communes.submissions import Versioned

from .querysets import PersonQuerySet, PersonRecordQuerySet, ReadLogQuerySet
from .validators import CITIZEN_ID_PATTERN, citizen_id_errors, mask_citizen_id

# A citizen ID already recorded, told to a user who may not read the other record: nothing of it.
DUPLICATE_CITIZEN_ID_MESSAGE = _(
    "This citizen ID number cannot be registered here: ask the district police to check it."
)


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class Category(models.TextChoices):
    COMPLETED_SENTENCE = "completed_sentence", _("Completed prison sentence (chấp hành xong án phạt tù)")
    SPECIAL_AMNESTY = "special_amnesty", _("Special amnesty (đặc xá)")
    CONDITIONAL_RELEASE = "conditional_release", _("Conditional early release (tha tù trước thời hạn có điều kiện)")
    SUSPENDED_SENTENCE = "suspended_sentence", _("Suspended sentence (án treo)")
    NON_CUSTODIAL = "non_custodial", _("Non-custodial reform (cải tạo không giam giữ)")


# Persons who served a sentence or were amnestied: the population of the reoffending target
# (targets.md, `reoffending`). Suspended and non-custodial sentences are not in it.
REOFFENDING_CATEGORIES = (Category.COMPLETED_SENTENCE, Category.SPECIAL_AMNESTY, Category.CONDITIONAL_RELEASE)


def _not_in_future(value, field: str, errors: dict) -> None:
    if value and value > timezone.localdate():
        errors.setdefault(field, []).append(ValidationError(_("This date is in the future."), code="future_date"))


class Person(Versioned):
    """A person the commune manages and helps after a sentence (or under a non-custodial one)."""

    unit = models.ForeignKey(
        AdministrativeUnit,
        on_delete=models.PROTECT,
        related_name="reintegration_persons",
        verbose_name=_("commune"),
        help_text=_("The commune-level unit that manages the person."),
    )
    village = models.ForeignKey(
        AdministrativeUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reintegration_residents",
        verbose_name=_("village"),
    )
    ref = models.CharField(_("file number"), max_length=30, help_text=_("The commune's file number for the person."))
    full_name = models.CharField(_("full name"), max_length=120)
    date_of_birth = models.DateField(_("date of birth"))
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    ethnicity = models.CharField(_("ethnicity"), max_length=60, blank=True)
    citizen_id = models.CharField(
        _("citizen ID number"),
        max_length=12,
        null=True,
        blank=True,
        help_text=_("12 digits (số định danh cá nhân / CCCD); leave empty if unknown."),
    )
    category = models.CharField(_("category"), max_length=30, choices=Category.choices)
    offence = models.CharField(_("offence"), max_length=255)
    sentence = models.CharField(_("sentence"), max_length=255, blank=True)
    returned_on = models.DateField(_("returned to the locality on"))
    management_start = models.DateField(_("management start"))
    management_end = models.DateField(
        _("management end"), null=True, blank=True, help_text=_("May be a planned date in the future.")
    )
    assigned_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reintegration_persons",
        verbose_name=_("assigned officer"),
    )
    mentor_name = models.CharField(
        _("mentor"), max_length=120, blank=True, help_text=_("The person or family helping.")
    )
    notes = models.TextField(_("notes"), blank=True)

    history = HistoricalRecords()
    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("reintegrated person")
        verbose_name_plural = _("reintegrated persons")
        ordering = ["unit__path", "ref"]
        indexes = list_indexes("person", "returned_on")
        constraints = [
            models.UniqueConstraint(fields=["unit", "ref"], name="person_unique_ref_per_unit"),
            models.UniqueConstraint(
                fields=["citizen_id"],
                condition=Q(citizen_id__isnull=False),
                name="person_unique_citizen_id",
                # Says nothing of the other record (its unit, its name): services.citizen_id_check
                # tells users who may read it, and logs the lookup.
                violation_error_message=DUPLICATE_CITIZEN_ID_MESSAGE,
            ),
            models.CheckConstraint(
                condition=Q(citizen_id__isnull=True) | Q(citizen_id__regex=CITIZEN_ID_PATTERN),
                name="person_citizen_id_12_digits",
            ),
            models.CheckConstraint(condition=Q(category__in=Category.values), name="person_category_valid"),
            models.CheckConstraint(condition=Q(sex__in=Sex.values), name="person_sex_valid"),
            models.CheckConstraint(
                condition=Q(returned_on__gte=F("date_of_birth")), name="person_returned_after_birth"
            ),
            models.CheckConstraint(
                condition=Q(management_end__isnull=True) | Q(management_end__gte=F("management_start")),
                name="person_management_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ref} · {self.full_name}"

    @property
    def masked_citizen_id(self) -> str:
        return mask_citizen_id(self.citizen_id)

    def clean(self) -> None:
        if self.citizen_id == "":
            self.citizen_id = None
        errors: dict[str, list] = {}
        unit = self.unit if self.unit_id else None
        village = self.village if self.village_id else None
        if unit is not None and unit.level != Level.COMMUNE:
            errors["unit"] = [_("Choose a commune-level unit (xã, phường, thị trấn).")]
        if village is not None:
            if village.level != Level.VILLAGE:
                errors["village"] = [_("Choose a village-level unit (thôn, khu phố, bản).")]
            elif self.unit_id and village.parent_id != self.unit_id:
                errors["village"] = [
                    _("%(village)s does not belong to %(unit)s.") % {"village": self.village, "unit": self.unit}
                ]
        if self.citizen_id:
            id_errors = citizen_id_errors(self.citizen_id, date_of_birth=self.date_of_birth, sex=self.sex)
            if id_errors:
                errors["citizen_id"] = id_errors
        for field in ("date_of_birth", "returned_on", "management_start"):
            _not_in_future(getattr(self, field), field, errors)
        if self.date_of_birth and self.returned_on and self.returned_on < self.date_of_birth:
            errors.setdefault("returned_on", []).append(_("The return date cannot be before the date of birth."))
        if self.management_start and self.management_end and self.management_end < self.management_start:
            errors.setdefault("management_end", []).append(_("The end of management cannot be before its start."))
        if errors:
            raise ValidationError(errors)


class SupportKind(models.TextChoices):
    VISIT = "visit", _("Visit")
    COUNSELLING = "counselling", _("Counselling")
    VOCATIONAL_TRAINING = "vocational_training", _("Vocational training")
    LOAN = "loan", _("Loan")
    JOB_REFERRAL = "job_referral", _("Job referral")
    OTHER = "other", _("Other")


class SupportAction(models.Model):
    """Help given to a person: a visit, counselling, training, a loan, a job referral."""

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="support_actions", verbose_name=_("person")
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=30, choices=SupportKind.choices)
    description = models.TextField(_("description"), blank=True)
    result = models.TextField(_("result"), blank=True)
    loan_amount_vnd = models.BigIntegerField(
        _("loan amount (VND)"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    lender = models.CharField(
        _("lender"), max_length=200, blank=True, help_text=_("e.g. Ngân hàng Chính sách xã hội (Social Policy Bank)")
    )

    history = HistoricalRecords()
    objects = PersonRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("support action")
        verbose_name_plural = _("support actions")
        ordering = ["person", "-date", "-pk"]
        constraints = [
            # A loan has its amount and lender; any other kind of support has neither.
            models.CheckConstraint(
                condition=Q(kind=SupportKind.LOAN, loan_amount_vnd__isnull=False) & ~Q(lender="")
                | ~Q(kind=SupportKind.LOAN) & Q(loan_amount_vnd__isnull=True, lender=""),
                name="support_loan_fields_only_with_loan",
            ),
            models.CheckConstraint(
                condition=Q(loan_amount_vnd__isnull=True) | Q(loan_amount_vnd__gte=0),
                name="support_loan_amount_not_negative",
            ),
            models.CheckConstraint(condition=Q(kind__in=SupportKind.values), name="support_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.date:%d/%m/%Y}"

    def clean(self) -> None:
        errors: dict[str, list] = {}
        _not_in_future(self.date, "date", errors)
        if self.kind == SupportKind.LOAN:
            if self.loan_amount_vnd is None:
                errors["loan_amount_vnd"] = [_("Enter the amount of the loan.")]
            if not self.lender:
                errors["lender"] = [_("Enter the lender, e.g. Ngân hàng Chính sách xã hội.")]
        elif self.kind:
            if self.loan_amount_vnd is not None:
                errors["loan_amount_vnd"] = [_("A loan amount is only recorded for a loan.")]
            if self.lender:
                errors["lender"] = [_("A lender is only recorded for a loan.")]
        if errors:
            raise ValidationError(errors)


class IncomeBand(models.TextChoices):
    NONE = "none", _("No income")
    UNDER_2M = "under_2m", _("Under 2 million VND a month")
    FROM_2M_TO_5M = "2m_5m", _("2 to 5 million VND a month")
    FROM_5M_TO_10M = "5m_10m", _("5 to 10 million VND a month")
    OVER_10M = "over_10m", _("Over 10 million VND a month")


class Status(models.Model):
    """The person's situation as of a date; the latest one on or before a day is their situation
    on that day (targets.md, `reintegration_employment`)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="statuses", verbose_name=_("person"))
    as_of = models.DateField(_("as of"))
    has_job = models.BooleanField(_("has a job"))
    stable_life = models.BooleanField(_("stable life"))
    occupation = models.CharField(_("occupation"), max_length=200, blank=True)
    income_band = models.CharField(_("income"), max_length=10, choices=IncomeBand.choices, blank=True)
    note = models.TextField(_("note"), blank=True)

    history = HistoricalRecords()
    objects = PersonRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("status")
        verbose_name_plural = _("statuses")
        ordering = ["person", "-as_of"]
        constraints = [
            models.UniqueConstraint(fields=["person", "as_of"], name="status_unique_per_person_and_day"),
            models.CheckConstraint(
                condition=Q(income_band="") | Q(income_band__in=IncomeBand.values), name="status_income_band_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} · {self.as_of:%d/%m/%Y}"

    def clean(self) -> None:
        errors: dict[str, list] = {}
        _not_in_future(self.as_of, "as_of", errors)
        if self.as_of and self.person_id and self.as_of < self.person.returned_on:
            errors.setdefault("as_of", []).append(
                _("A status cannot be dated before the person's return (%(date)s).")
                % {"date": f"{self.person.returned_on:%d/%m/%Y}"}
            )
        if errors:
            raise ValidationError(errors)


class Reoffence(models.Model):
    """A new offence by the person after their return (targets.md, `reoffending`)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="reoffences", verbose_name=_("person"))
    date = models.DateField(_("date of the offence"))
    incident = models.ForeignKey(
        "incidents.Incident",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reoffences",
        verbose_name=_("incident"),
        help_text=_("The incident record of the new offence, if it was recorded."),
    )
    description = models.TextField(_("description"), blank=True)

    history = HistoricalRecords()
    objects = PersonRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("reoffence")
        verbose_name_plural = _("reoffences")
        ordering = ["person", "-date"]

    def __str__(self) -> str:
        return f"{self.person_id} · {self.date:%d/%m/%Y}"

    def clean(self) -> None:
        errors: dict[str, list] = {}
        _not_in_future(self.date, "date", errors)
        if self.date and self.person_id and self.date < self.person.returned_on:
            errors.setdefault("date", []).append(
                _("A reoffence cannot be dated before the person's return (%(date)s).")
                % {"date": f"{self.person.returned_on:%d/%m/%Y}"}
            )
        if errors:
            raise ValidationError(errors)


class ReadAction(models.TextChoices):
    VIEW = "view", _("Viewed")
    EXPORT = "export", _("Exported")
    SUBJECT_ACCESS = "subject_access", _("Subject access report")
    LOOKUP = "lookup", _("Looked up by citizen ID")
    PROBE = "probe", _("Import refused: many known citizen IDs (for the superior level)")


class PersonTransfer(models.Model):
    """The person's file passed from one commune to another (a merger of communes, or a move), with its
    whole history: the person keeps one row; this event says where it was managed before `date`."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="transfers", verbose_name=_("person"))
    from_unit = models.ForeignKey(
        AdministrativeUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("from commune")
    )
    to_unit = models.ForeignKey(
        AdministrativeUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("to commune")
    )
    date = models.DateField(_("date"), help_text=_("The first day the new commune manages the person."))
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("transfer of a person's file")
        verbose_name_plural = _("transfers of persons' files")
        ordering = ["person", "date"]
        constraints = [
            models.UniqueConstraint(fields=["person", "date"], name="person_transfer_one_a_day"),
            models.CheckConstraint(condition=~Q(from_unit=F("to_unit")), name="person_transfer_moves"),
        ]
        indexes = [models.Index(fields=["person", "date"], name="person_transfer_by_date")]

    def __str__(self) -> str:
        return f"{self.person} · {self.from_unit} → {self.to_unit} ({self.date:%d/%m/%Y})"


class ReadLog(models.Model):
    """Who read which person's data, when, and what they saw (the access log the law asks for).

    Append-only: rows are written by services.log_person_read / log_persons_export and never
    changed, so they carry no change history. `person_label` keeps the reader's view of who it was
    even after the person's record is deleted; `username` likewise for the user.
    """

    person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="read_log", verbose_name=_("person")
    )
    person_label = models.CharField(_("person (as read)"), max_length=200)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reintegration_reads",
        verbose_name=_("user"),
    )
    username = models.CharField(_("username"), max_length=150, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    action = models.CharField(_("action"), max_length=20, choices=ReadAction.choices)
    detail = models.TextField(_("what was seen"), blank=True)

    objects = ReadLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("personal data read")
        verbose_name_plural = _("personal data reads")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["person", "-at"], name="readlog_person_at")]
        constraints = [models.CheckConstraint(condition=Q(action__in=ReadAction.values), name="readlog_action_valid")]

    def __str__(self) -> str:
        return f"{self.username or '-'} · {self.get_action_display()} · {self.person_label}"
