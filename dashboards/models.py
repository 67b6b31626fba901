"""Target definitions (data, per year and unit), computed snapshots and computation runs."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from communes.models import AdministrativeUnit

from .rules import Status


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


# The model's targets (Ba Chẽ 2021-2025), seeded by migration 0002 and used when no definition
# applies at all: code -> (group, rule, threshold). targets.md, "Targets and how each is judged".
DEFAULT_TARGETS: dict[str, tuple[TargetGroup, Rule, Decimal]] = {
    TargetCode.CRIME_REDUCTION: (TargetGroup.CRIME_AND_ORDER, Rule.REDUCTION, Decimal("7")),
    TargetCode.SOCIAL_EVIL_REDUCTION: (TargetGroup.CRIME_AND_ORDER, Rule.REDUCTION, Decimal("7")),
    TargetCode.VIOLATION_REDUCTION: (TargetGroup.CRIME_AND_ORDER, Rule.REDUCTION, Decimal("7")),
    TargetCode.TIPS_ON_TIME: (TargetGroup.TIPS, Rule.ALL, Decimal("100")),
    TargetCode.FOREIGNERS_DECLARED: (TargetGroup.FOREIGNERS, Rule.ALL, Decimal("100")),
    TargetCode.REINTEGRATION_EMPLOYMENT: (TargetGroup.REINTEGRATION, Rule.POINTS_UP, Decimal("10")),
    TargetCode.REOFFENDING: (TargetGroup.REINTEGRATION, Rule.BELOW, Decimal("10")),
    TargetCode.TRAFFIC_REDUCTION: (TargetGroup.TRAFFIC, Rule.ALL_THREE_DOWN, Decimal("0")),
}


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

    history = HistoricalRecords()

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

    def clean(self) -> None:
        """The group and rule follow from the target: the engine judges each target by its own rule."""
        if self.code in DEFAULT_TARGETS:
            group, rule, _threshold = DEFAULT_TARGETS[self.code]
            errors: dict[str, Any] = {}
            if self.group and self.group != group:
                errors["group"] = _("This target belongs to the group “%(group)s”.") % {"group": group.label}
            if self.rule and self.rule != rule:
                errors["rule"] = _("This target is judged by the rule “%(rule)s”.") % {"rule": rule.label}
            if errors:
                raise ValidationError(errors)


class ComputationRun(models.Model):
    """One recomputation of the targets of a year for a scope (all units when scope is empty)."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        STARTED = "started", _("Started")
        FINISHED = "finished", _("Finished")
        FAILED = "failed", _("Failed")

    year = models.PositiveIntegerField(_("year"))
    as_of = models.DateField(
        _("as of"), null=True, blank=True, help_text=_("Empty until the run starts when not given.")
    )
    scope = models.ForeignKey(
        AdministrativeUnit, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("scope")
    )
    task_id = models.CharField(_("task id"), max_length=60, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    requested_by = models.ForeignKey(
        "auth.User", on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("requested by")
    )
    queued_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    duration = models.DurationField(_("duration"), null=True, blank=True)
    rows_changed = models.PositiveIntegerField(
        _("rows changed"), default=0, help_text=_("Snapshots and figures whose result differs from the stored one.")
    )
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("computation run")
        verbose_name_plural = _("computation runs")
        ordering = ["-queued_at"]

    def __str__(self) -> str:
        return f"{self.year} @ {self.as_of or '-'} ({self.get_state_display()})"

    @staticmethod
    def time_limit() -> timedelta:
        """How long a run may stay queued or started before it is shown as failed: the task's hard
        time limit plus the broker's visibility timeout (a task held by a dead worker comes back
        after it)."""
        return timedelta(seconds=settings.DASHBOARDS_RUN_TIME_LIMIT)

    def is_overdue(self, now=None) -> bool:
        """Queued or started for longer than its time limit: nothing will finish it any more."""
        if self.state not in (self.State.QUEUED, self.State.STARTED):
            return False
        since = self.started_at or self.queued_at
        return since is not None and (now or timezone.now()) - since > self.time_limit()

    @property
    def shown_state(self) -> str:
        """The state pages show: an overdue run is failed (and the Recompute button works again)."""
        return self.State.FAILED if self.is_overdue() else self.state

    @property
    def is_active(self) -> bool:
        return self.shown_state in (self.State.QUEUED, self.State.STARTED)

    def get_shown_state_display(self) -> str:
        return str(self.State(self.shown_state).label)


class RecomputeRequest(models.Model):
    """The transactional outbox of recomputations: "the figures of `unit` for `year` are dirty".

    Written (an upsert, one row per unit and year) in the same transaction as the record that
    changed (signals.py), drained by the beat task `dashboards.drain_recompute_outbox`
    (outbox.py): a row stays until the recomputation that covers it has run, so nothing is lost
    while the broker or the worker is down. Keyed by the unit's id, never by its code.
    """

    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.CASCADE, related_name="+", verbose_name=_("unit"))
    year = models.PositiveIntegerField(_("year"))
    requested_at = models.DateTimeField(_("requested at"))
    # Set by the drain that published the recomputation (compare-and-swap): a later change of the
    # same unit and year clears it, so the finished task deletes only rows nobody touched since.
    claim_token = models.CharField(_("claim"), max_length=32, blank=True, default="")
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("recomputation request")
        verbose_name_plural = _("recomputation requests")
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="recompute_request_unique_unit_year")]

    def __str__(self) -> str:
        return f"{self.unit_id} · {self.year}"


class Snapshot(models.Model):
    """One computed target for one unit, period and as-of date (the figures pages show)."""

    unit = models.ForeignKey(
        AdministrativeUnit, on_delete=models.CASCADE, related_name="snapshots", verbose_name=_("unit")
    )
    target = models.CharField(_("target"), max_length=40, choices=TargetCode.choices)
    year = models.PositiveIntegerField(_("year"))
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    as_of = models.DateField(_("as of"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    threshold = models.DecimalField(_("threshold"), max_digits=6, decimal_places=2, null=True, blank=True)
    result = models.JSONField(_("result"), help_text=_("The target's entry of the compute_targets JSON."))
    computed_at = models.DateTimeField(_("computed at"))
    run = models.ForeignKey(
        ComputationRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("run")
    )

    class Meta:
        verbose_name = _("target snapshot")
        verbose_name_plural = _("target snapshots")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "target", "period_start", "period_end", "as_of"], name="snapshot_unique_per_period"
            ),
        ]
        indexes = [models.Index(fields=["year", "as_of"], name="snapshot_year_as_of")]

    def __str__(self) -> str:
        return f"{self.unit_id} · {self.get_target_display()} · {self.as_of:%d/%m/%Y}"


class UnitFigures(models.Model):
    """The nine counts of a unit for a period and its previous period, as computed."""

    unit = models.ForeignKey(
        AdministrativeUnit, on_delete=models.CASCADE, related_name="figures", verbose_name=_("unit")
    )
    year = models.PositiveIntegerField(_("year"))
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    as_of = models.DateField(_("as of"))
    counts = models.JSONField(_("counts"))
    previous_counts = models.JSONField(_("previous counts"))
    # Every numerator and denominator behind the unit's targets (engine.COMPONENT_KEYS), so parent
    # units can be rebuilt by summing their children's stored figures.
    components = models.JSONField(_("components"), default=dict)
    # A fingerprint of the unit's stored rows for the period (dashboards/store.py): a run that would
    # write the same rows compares and writes nothing but the run's mark.
    digest = models.CharField(_("digest"), max_length=32, blank=True, default="", editable=False)
    computed_at = models.DateTimeField(_("computed at"))
    run = models.ForeignKey(
        ComputationRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("run")
    )

    class Meta:
        verbose_name = _("unit figures")
        verbose_name_plural = _("unit figures")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "period_start", "period_end", "as_of"], name="figures_unique_per_period"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} · {self.as_of:%d/%m/%Y}"
