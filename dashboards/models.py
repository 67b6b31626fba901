"""Target definitions (data, per year and unit), computed snapshots and computation runs."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from communes.models import AdministrativeUnit


class TargetCode(models.TextChoices):
    CRIME_REDUCTION = "crime_reduction", _("Crimes down")
    SOCIAL_EVIL_REDUCTION = "social_evil_reduction", _("Social evils down")
    VIOLATION_REDUCTION = "violation_reduction", _("Law violations down")
    TIPS_ON_TIME = "tips_on_time", _("Crime tips resolved in time")
    FOREIGNERS_DECLARED = "foreigners_declared", _("Foreigners declared on time")
    REINTEGRATION_EMPLOYMENT = "reintegration_employment", _("Reintegrated persons with a job and a stable life")
    REOFFENDING = "reoffending", _("Reoffending")
    TRAFFIC_REDUCTION = "traffic_reduction", _("Traffic accidents down on all three criteria")


class TargetGroup(models.TextChoices):
    CRIME_AND_ORDER = "crime_and_order", _("Crimes, social evils and violations")
    TIPS = "tips", _("Crime tips and denunciations")
    FOREIGNERS = "foreigners", _("Foreigners' residence")
    REINTEGRATION = "reintegration", _("Reintegration")
    TRAFFIC = "traffic", _("Traffic safety")


class Rule(models.TextChoices):
    REDUCTION = "reduction", _("Down by at least the threshold (%)")
    ALL = "all", _("All of them (100%)")
    POINTS_UP = "points_up", _("Rate up by at least the threshold (percentage points)")
    BELOW = "below", _("Rate strictly below the threshold (%)")
    ALL_THREE_DOWN = "all_three_down", _("Each of cases, deaths and injuries down")


class TargetDefinition(models.Model):
    """A yearly target. unit = None is the default for every unit; a unit's own row overrides it."""

    code = models.CharField(_("target"), max_length=40, choices=TargetCode.choices)
    group = models.CharField(_("group"), max_length=20, choices=TargetGroup.choices)
    rule = models.CharField(_("rule"), max_length=20, choices=Rule.choices)
    threshold = models.DecimalField(_("threshold"), max_digits=6, decimal_places=2, default=0)
    year = models.PositiveIntegerField(_("year"))
    unit = models.ForeignKey(
        AdministrativeUnit,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="target_definitions",
        verbose_name=_("unit"),
        help_text=_("Leave empty for the default of every unit."),
    )
    description = models.CharField(_("description"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("target definition")
        verbose_name_plural = _("target definitions")
        ordering = ["year", "code", "unit"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "year"], condition=Q(unit__isnull=True), name="target_default_unique_per_year"
            ),
            models.UniqueConstraint(
                fields=["code", "year", "unit"], condition=Q(unit__isnull=False), name="target_unit_unique_per_year"
            ),
            models.CheckConstraint(condition=Q(threshold__gte=0, threshold__lte=100), name="target_threshold_0_100"),
        ]

    def __str__(self) -> str:
        return f"{self.get_code_display()} {self.year}"


class ComputationRun(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Done")
        FAILED = "failed", _("Failed")

    year = models.PositiveIntegerField(_("year"))
    as_of = models.DateField(_("as of"))
    scope = models.ForeignKey(
        AdministrativeUnit, on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("scope")
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    requested_by = models.ForeignKey(
        "auth.User", on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("requested by")
    )
    queued_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    rows_changed = models.PositiveIntegerField(_("rows changed"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("computation run")
        verbose_name_plural = _("computation runs")
        ordering = ["-queued_at"]

    def __str__(self) -> str:
        return f"{self.year} @ {self.as_of} ({self.get_state_display()})"

    @property
    def duration(self):
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None


class Snapshot(models.Model):
    """One computed target for one unit, period and as-of date (the figures pages show)."""

    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.CASCADE, related_name="snapshots")
    target = models.CharField(max_length=40, choices=TargetCode.choices)
    year = models.PositiveIntegerField()
    period_start = models.DateField()
    period_end = models.DateField()
    as_of = models.DateField()
    status = models.CharField(max_length=12)
    result = models.JSONField()
    computed_at = models.DateTimeField()
    run = models.ForeignKey(ComputationRun, on_delete=models.SET_NULL, null=True, blank=True)

    class Meta:
        verbose_name = _("target snapshot")
        verbose_name_plural = _("target snapshots")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "target", "period_start", "period_end", "as_of"], name="snapshot_unique_per_period"
            ),
        ]
        indexes = [models.Index(fields=["year", "as_of"])]


class UnitFigures(models.Model):
    """The nine counts of a unit for a period and its previous period, as computed."""

    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.CASCADE, related_name="figures")
    year = models.PositiveIntegerField()
    period_start = models.DateField()
    period_end = models.DateField()
    as_of = models.DateField()
    counts = models.JSONField()
    previous_counts = models.JSONField()
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("unit figures")
        verbose_name_plural = _("unit figures")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "period_start", "period_end", "as_of"], name="figures_unique_per_period"
            ),
        ]
