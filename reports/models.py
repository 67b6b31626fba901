"""Periodic reports of a commune to the district: draft → submitted → approved (locks the period) or returned."""

from datetime import timedelta

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from basecurity.lib import periods
from basecurity.lib.collation import vi
from communes.models import AdministrativeUnit, Level
from communes.querysets import UnitScopedQuerySet


class ReportState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved")


EDITABLE_STATES = (ReportState.DRAFT, ReportState.RETURNED)


def due_days() -> int:
    return int(getattr(settings, "REPORT_DUE_DAYS", 5))


class Report(models.Model):
    unit = models.ForeignKey(
        AdministrativeUnit, on_delete=models.PROTECT, related_name="reports", verbose_name=_("unit")
    )
    period_kind = models.CharField(_("period"), max_length=20, choices=periods.Kind.choices)
    year = models.PositiveSmallIntegerField(_("reporting year"))
    number = models.PositiveSmallIntegerField(_("number in the year"), default=1)
    start = models.DateField(_("first day"), editable=False)
    end = models.DateField(_("last day"), editable=False)
    due_on = models.DateField(_("due on"), editable=False)
    state = models.CharField(_("state"), max_length=20, choices=ReportState.choices, default=ReportState.DRAFT)

    results = models.TextField(_("results"), blank=True)
    shortcomings = models.TextField(_("shortcomings and causes"), blank=True)
    next_tasks = models.TextField(_("tasks for the next period"), blank=True)
    proposals = models.TextField(_("proposals"), blank=True)
    figures = models.JSONField(_("figures"), default=dict, blank=True, encoder=DjangoJSONEncoder, editable=False)

    document_number = models.CharField(_("document number"), max_length=50, blank=True)
    place = models.CharField(_("place"), max_length=100, blank=True)
    report_date = models.DateField(_("date of the report"), null=True, blank=True)
    recipients = models.TextField(_("recipients (Nơi nhận)"), blank=True)
    signer_rank = models.CharField(_("signer's rank"), max_length=60, blank=True, help_text=_("e.g. Thiếu tá"))
    signer_name = models.CharField(_("signer's full name"), max_length=120, blank=True)

    # The latest submission: the version the district holds and judges for timeliness. Earlier ones
    # (before a return) stay in the ReportEvent history.
    submitted_at = models.DateTimeField(_("last submitted at"), null=True, blank=True, editable=False)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    return_comment = models.TextField(_("comment of the superior level"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("saved by"),
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    history = HistoricalRecords()
    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("periodic report")
        verbose_name_plural = _("periodic reports")
        ordering = ["-end", "unit__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "period_kind", "year", "number"], name="report_one_per_unit_period"
            ),
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="report_end_after_start"),
            models.CheckConstraint(condition=Q(state__in=ReportState.values), name="report_state_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.period.label}"

    def get_absolute_url(self) -> str:
        return reverse("reports:report_detail", kwargs={"pk": self.pk})

    @property
    def period(self) -> periods.Period:
        return periods.make_period(self.period_kind, self.year, self.number)

    def set_period(self) -> None:
        period = self.period
        self.start, self.end = period.start, period.end
        self.due_on = period.end + timedelta(days=due_days())

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE_STATES

    @property
    def on_time(self) -> bool | None:
        """True when last submitted by the due date, False when late, None when never submitted."""
        if self.submitted_at is None:
            return None
        return timezone.localdate(self.submitted_at) <= self.due_on


class ReportEvent(models.Model):
    """One step of a report's workflow: who, when, from which state to which, with what comment."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events", verbose_name=_("report"))
    at = models.DateTimeField(_("at"), default=timezone.now)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    from_state = models.CharField(_("from"), max_length=20, choices=ReportState.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=20, choices=ReportState.choices)
    comment = models.TextField(_("comment"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("report event")
        verbose_name_plural = _("report events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.report_id} {self.from_state}→{self.to_state}"


# --- The four criteria groups of the model, and the yearly "an toàn về ANTT" recognition -------------


class CriteriaKind(models.TextChoices):
    MODEL_ASSESSMENT = "model_assessment", _("Grassroots security model (four criteria groups)")
    SAFE_RECOGNITION = "safe_recognition", _("Recognition “an toàn về an ninh, trật tự” (Thông tư 124/2021/TT-BCA)")


class CriteriaSet(models.Model):
    """A list of criteria in force for years `year_from`..`year_to`; items are data an administrator keeps."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=CriteriaKind.choices)
    year_from = models.PositiveSmallIntegerField(_("from year"))
    year_to = models.PositiveSmallIntegerField(_("to year"))
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("criteria set")
        verbose_name_plural = _("criteria sets")
        ordering = ["-year_from", vi("name")]
        constraints = [
            models.CheckConstraint(condition=Q(year_to__gte=F("year_from")), name="criteria_set_years_ordered")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.year_from}–{self.year_to})"

    @property
    def unit_levels(self) -> tuple[str, ...]:
        """Who is assessed: communes on the model's groups; villages and communes for the recognition."""
        if self.kind == CriteriaKind.SAFE_RECOGNITION:
            return (Level.COMMUNE, Level.VILLAGE)
        return (Level.COMMUNE,)


class CriteriaGroup(models.Model):
    criteria_set = models.ForeignKey(
        CriteriaSet, on_delete=models.CASCADE, related_name="groups", verbose_name=_("criteria set")
    )
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=300)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("criteria group")
        verbose_name_plural = _("criteria groups")
        ordering = ["criteria_set", "number"]
        constraints = [models.UniqueConstraint(fields=["criteria_set", "number"], name="criteria_group_unique_number")]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class CriteriaItem(models.Model):
    group = models.ForeignKey(CriteriaGroup, on_delete=models.CASCADE, related_name="items", verbose_name=_("group"))
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("criterion"))
    is_active = models.BooleanField(_("in use"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["group", "number"]
        constraints = [models.UniqueConstraint(fields=["group", "number"], name="criteria_item_unique_number")]

    def __str__(self) -> str:
        return f"{self.group.number}.{self.number} {self.text[:60]}"


class AssessmentState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    CONFIRMED = "confirmed", _("Confirmed")
    RETURNED = "returned", _("Returned")


class Assessment(models.Model):
    """A unit's yearly self-assessment against a criteria set, confirmed or returned by the district."""

    unit = models.ForeignKey(
        AdministrativeUnit, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("unit")
    )
    criteria_set = models.ForeignKey(
        CriteriaSet, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("criteria set")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    state = models.CharField(_("state"), max_length=20, choices=AssessmentState.choices, default=AssessmentState.DRAFT)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    return_comment = models.TextField(_("comment of the superior level"), blank=True)
    # Optimistic concurrency of the answers page: two people answering at once, the second is told.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    history = HistoricalRecords()
    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("criteria assessment")
        verbose_name_plural = _("criteria assessments")
        ordering = ["-year", "unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "criteria_set", "year"], name="assessment_one_per_unit_set_year"),
            models.CheckConstraint(condition=Q(state__in=AssessmentState.values), name="assessment_state_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.criteria_set.name} · {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("reports:assessment_detail", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.state in (AssessmentState.DRAFT, AssessmentState.RETURNED)


ATTACHMENT_EXTENSIONS = ("pdf", "jpg", "jpeg", "png", "docx", "xlsx")
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
_ZIP = b"PK\x03\x04"  # .docx and .xlsx are zip packages
ATTACHMENT_SIGNATURES = {
    "pdf": (b"%PDF",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "docx": (_ZIP,),
    "xlsx": (_ZIP,),
}


def validate_attachment(file) -> None:
    from django.core.exceptions import ValidationError

    name = (getattr(file, "name", "") or "").lower()
    extension = name.rsplit(".", 1)[-1] if "." in name else ""
    if extension not in ATTACHMENT_EXTENSIONS:
        raise ValidationError(
            _("Attach a PDF, JPG, PNG, Word (.docx) or Excel (.xlsx) file; “%(name)s” is not one."),
            params={"name": name},
        )
    if file.size > ATTACHMENT_MAX_BYTES:
        raise ValidationError(_("The file is larger than 10 MB: scan it at a lower resolution or split it."))
    # The name can lie: the first bytes must be those of the kind the name says.
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    head = file.read(8)
    file.seek(position)
    if isinstance(head, str):
        head = head.encode("latin-1", "replace")
    if not head.startswith(ATTACHMENT_SIGNATURES[extension]):
        raise ValidationError(
            _("“%(name)s” is not really a %(kind)s file: its content is of another kind."),
            params={"name": name, "kind": extension.upper()},
        )


class AssessmentAnswer(models.Model):
    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="answers", verbose_name=_("assessment")
    )
    item = models.ForeignKey(
        CriteriaItem, on_delete=models.PROTECT, related_name="answers", verbose_name=_("criterion")
    )
    met = models.BooleanField(_("met"), default=False)
    evidence = models.TextField(_("evidence"), blank=True)
    attachment = models.FileField(
        _("attached file"), upload_to="criteria/%Y/", blank=True, validators=[validate_attachment]
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["item__group__number", "item__number"]
        constraints = [models.UniqueConstraint(fields=["assessment", "item"], name="answer_one_per_item")]

    def __str__(self) -> str:
        return f"{self.item} · {'✓' if self.met else '✗'}"
