"""Administrative units, steering committees, self-management teams and users' assignments."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .querysets import (
    AdministrativeUnitQuerySet,
    AssignmentQuerySet,
    CommitteeMemberQuerySet,
    TeamMemberQuerySet,
    UnitScopedQuerySet,
    VillageScopedQuerySet,
)
from .submissions import Versioned


class Level(models.TextChoices):
    PROVINCE = "province", _("Province level")
    DISTRICT = "district", _("District level")
    COMMUNE = "commune", _("Commune level")
    VILLAGE = "village", _("Village level")


# Rank of each level: a parent always has a smaller rank than its child. The district level is
# optional (abolished on 1/7/2025), so a commune may sit directly under a province.
LEVEL_RANK = {Level.PROVINCE: 1, Level.DISTRICT: 2, Level.COMMUNE: 3, Level.VILLAGE: 4}


class UnitKind(models.TextChoices):
    PROVINCE = "tinh", _("Province")
    CITY = "thanh_pho_tw", _("Centrally-run city")
    DISTRICT = "huyen", _("District")
    TOWN_DISTRICT = "thi_xa", _("District-level town")
    PROVINCIAL_CITY = "thanh_pho", _("Provincial city")
    URBAN_DISTRICT = "quan", _("Urban district")
    COMMUNE = "xa", _("Commune")
    WARD = "phuong", _("Ward")
    TOWNSHIP = "thi_tran", _("Township")
    VILLAGE = "thon", _("Village (thôn)")
    QUARTER = "khu_pho", _("Urban quarter (khu phố)")
    HAMLET = "ban", _("Hamlet (bản)")
    RESIDENTIAL_GROUP = "to_dan_pho", _("Residential group")


KIND_LEVEL = {
    UnitKind.PROVINCE: Level.PROVINCE,
    UnitKind.CITY: Level.PROVINCE,
    UnitKind.DISTRICT: Level.DISTRICT,
    UnitKind.TOWN_DISTRICT: Level.DISTRICT,
    UnitKind.PROVINCIAL_CITY: Level.DISTRICT,
    UnitKind.URBAN_DISTRICT: Level.DISTRICT,
    UnitKind.COMMUNE: Level.COMMUNE,
    UnitKind.WARD: Level.COMMUNE,
    UnitKind.TOWNSHIP: Level.COMMUNE,
    UnitKind.VILLAGE: Level.VILLAGE,
    UnitKind.QUARTER: Level.VILLAGE,
    UnitKind.HAMLET: Level.VILLAGE,
    UnitKind.RESIDENTIAL_GROUP: Level.VILLAGE,
}


def _kind_matches_level() -> Q:
    by_level: dict[str, list[str]] = {}
    for kind, level in KIND_LEVEL.items():
        by_level.setdefault(level, []).append(kind)
    condition = Q()
    for level, kinds in by_level.items():
        condition |= Q(level=level, kind__in=kinds)
    return condition


class AdministrativeUnit(models.Model):
    """A unit of the administrative tree: province, district, commune-level or village-level.

    `path` holds the codes of the unit's ancestors and its own ("/22/202/06976/"), so "this unit
    and everything below it" is one indexed prefix match whatever the depth.
    """

    code = models.CharField(_("official code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, editable=False)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent unit")
    )
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    households = models.PositiveIntegerField(_("households"), null=True, blank=True)
    ethnic_minority_share = models.DecimalField(
        _("ethnic minority share (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    is_remote = models.BooleanField(
        _("remote area (vùng sâu, vùng xa)"),
        default=False,
        help_text=_("Remote units have longer legal deadlines (48 h for tips, 24 h for foreigners' declarations)."),
    )
    is_placeholder = models.BooleanField(
        _("placeholder name"),
        default=False,
        help_text=_("The real name is not known yet: an administrator should rename it."),
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_units",
        verbose_name=_("merged into"),
    )

    history = HistoricalRecords()
    objects = AdministrativeUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        ordering = ["path", "code"]
        constraints = [
            models.CheckConstraint(condition=_kind_matches_level(), name="unit_kind_matches_level"),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_until__gte=F("valid_from")),
                name="unit_valid_until_after_from",
            ),
            models.CheckConstraint(
                condition=Q(ethnic_minority_share__isnull=True)
                | Q(ethnic_minority_share__gte=0, ethnic_minority_share__lte=100),
                name="unit_ethnic_share_is_percentage",
            ),
            models.CheckConstraint(
                condition=Q(merged_into__isnull=True) | Q(valid_until__isnull=False),
                name="unit_merged_has_end_date",
            ),
            models.CheckConstraint(condition=~Q(parent=F("id")), name="unit_not_own_parent"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("communes:unit_detail", args=[self.pk])

    def clean(self) -> None:
        self.level = KIND_LEVEL.get(self.kind, self.level)
        errors = {}
        if self.parent_id:
            parent = self.parent
            if LEVEL_RANK[parent.level] >= LEVEL_RANK[self.level]:
                errors["parent"] = _("A %(level)s unit cannot be placed under a %(parent_level)s unit.") % {
                    "level": Level(self.level).label.lower(),
                    "parent_level": Level(parent.level).label.lower(),
                }
            elif self.pk and parent.path.startswith(self.path):
                errors["parent"] = _("A unit cannot be placed under one of its own sub-units.")
        elif self.level != Level.PROVINCE:
            errors["parent"] = _("Only a province-level unit can have no parent.")
        if self.merged_into_id and self.merged_into_id == self.pk:
            errors["merged_into"] = _("A unit cannot be merged into itself.")
        if self.merged_into_id and not self.valid_until:
            errors["valid_until"] = _("A merged unit needs the date it ceased to exist.")
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            errors["valid_until"] = _("The end date cannot be before the start date.")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        # Level and path derive from this row and its parent only; moving or renumbering a unit
        # with descendants goes through services.unit_save, which rewrites their paths.
        self.level = KIND_LEVEL[self.kind]
        self.path = (self.parent.path if self.parent_id else "/") + f"{self.code}/"
        super().save(*args, **kwargs)

    @property
    def is_commune_level(self) -> bool:
        return self.level == Level.COMMUNE

    @property
    def is_village_level(self) -> bool:
        return self.level == Level.VILLAGE


class SteeringCommittee(Versioned):
    """Ban chỉ đạo of the grassroots security model at a district or commune-level unit."""

    unit = models.ForeignKey(
        AdministrativeUnit, on_delete=models.PROTECT, related_name="steering_committees", verbose_name=_("unit")
    )
    name = models.CharField(_("name"), max_length=200)
    decision_number = models.CharField(_("founding decision number"), max_length=60, blank=True)
    decision_date = models.DateField(_("founding decision date"), null=True, blank=True)
    launched_on = models.DateField(
        _("launch and commitment signing date"),
        null=True,
        blank=True,
        help_text=_("Ra mắt và ký cam kết triển khai thực hiện mô hình."),
    )
    notes = models.TextField(_("notes"), blank=True)

    history = HistoricalRecords()
    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("steering committee")
        verbose_name_plural = _("steering committees")
        ordering = ["unit__path", "name"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="committee_unique_name_per_unit"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("communes:committee_detail", args=[self.pk])

    def clean(self) -> None:
        if self.unit_id and self.unit.level == Level.VILLAGE:
            raise ValidationError({"unit": _("Steering committees are set up at district or commune level.")})


class CommitteeRole(models.TextChoices):
    HEAD = "head", _("Head (Trưởng ban)")
    DEPUTY = "deputy", _("Deputy head (Phó ban)")
    STANDING = "standing", _("Standing member (Thường trực)")
    MEMBER = "member", _("Member (Thành viên)")


class CommitteeMember(models.Model):
    committee = models.ForeignKey(
        SteeringCommittee, on_delete=models.CASCADE, related_name="members", verbose_name=_("steering committee")
    )
    full_name = models.CharField(_("full name"), max_length=120)
    position = models.CharField(_("position"), max_length=200, blank=True, help_text=_("e.g. Bí thư Huyện ủy"))
    committee_role = models.CharField(
        _("role in the committee"), max_length=10, choices=CommitteeRole.choices, default=CommitteeRole.MEMBER
    )
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)

    history = HistoricalRecords()
    objects = CommitteeMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("committee member")
        verbose_name_plural = _("committee members")
        ordering = ["committee", "committee_role", "full_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(joined_on__isnull=True) | Q(left_on__gte=F("joined_on")),
                name="committee_member_left_after_joined",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def clean(self) -> None:
        if self.joined_on and self.left_on and self.left_on < self.joined_on:
            raise ValidationError({"left_on": _("The leaving date cannot be before the joining date.")})


class TeamKind(models.TextChoices):
    PEOPLES_SELF_MANAGEMENT = "to_nhan_dan", _("People's self-management team for security and order")
    INTER_HOUSEHOLD = "to_lien_gia", _("Inter-household self-management team")
    OTHER = "other", _("Other")


class SelfManagementTeam(Versioned):
    """Tổ nhân dân tự quản về ANTT, tổ liên gia tự quản, ... at village level."""

    village = models.ForeignKey(
        AdministrativeUnit, on_delete=models.PROTECT, related_name="teams", verbose_name=_("village")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=TeamKind.choices)
    name = models.CharField(_("name"), max_length=200)
    leader_name = models.CharField(_("leader"), max_length=120, blank=True)
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)
    activity_notes = models.TextField(_("activity notes"), blank=True)

    history = HistoricalRecords()
    objects = VillageScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("self-management team")
        verbose_name_plural = _("self-management teams")
        ordering = ["village__path", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(dissolved_on__isnull=True)
                | Q(founded_on__isnull=True)
                | Q(dissolved_on__gte=F("founded_on")),
                name="team_dissolved_after_founded",
            ),
            models.UniqueConstraint(fields=["village", "name"], name="team_unique_name_per_village"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("communes:team_detail", args=[self.pk])

    def clean(self) -> None:
        errors = {}
        if self.village_id and self.village.level != Level.VILLAGE:
            errors["village"] = _("Choose a village-level unit (thôn, khu phố, bản).")
        if self.founded_on and self.dissolved_on and self.dissolved_on < self.founded_on:
            errors["dissolved_on"] = _("The dissolution date cannot be before the founding date.")
        if errors:
            raise ValidationError(errors)


class TeamMember(models.Model):
    team = models.ForeignKey(
        SelfManagementTeam, on_delete=models.CASCADE, related_name="members", verbose_name=_("team")
    )
    full_name = models.CharField(_("full name"), max_length=120)
    role = models.CharField(_("role in the team"), max_length=120, blank=True)
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)

    history = HistoricalRecords()
    objects = TeamMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["team", "full_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(joined_on__isnull=True) | Q(left_on__gte=F("joined_on")),
                name="team_member_left_after_joined",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def clean(self) -> None:
        if self.joined_on and self.left_on and self.left_on < self.joined_on:
            raise ValidationError({"left_on": _("The leaving date cannot be before the joining date.")})


class Role(models.TextChoices):
    COMMUNE_OFFICER = "commune_officer", _("Commune police officer")
    COMMUNE_COMMITTEE = "commune_committee", _("Commune steering committee member")
    DISTRICT_POLICE = "district_police", _("District police")
    DISTRICT_COMMITTEE = "district_committee", _("District steering committee member")


# The level a role's unit must be at; after 2025 a province-level unit plays the district's part.
ROLE_LEVELS = {
    Role.COMMUNE_OFFICER: {Level.COMMUNE},
    Role.COMMUNE_COMMITTEE: {Level.COMMUNE},
    Role.DISTRICT_POLICE: {Level.DISTRICT, Level.PROVINCE},
    Role.DISTRICT_COMMITTEE: {Level.DISTRICT, Level.PROVINCE},
}


class Assignment(models.Model):
    """A user's role at a unit: the user may act in that role on the unit and every unit below it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    unit = models.ForeignKey(
        AdministrativeUnit, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("unit")
    )

    history = HistoricalRecords()
    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "unit"], name="assignment_unique_user_role_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.unit}"

    def clean(self) -> None:
        if self.unit_id and self.role and self.unit.level not in ROLE_LEVELS[self.role]:
            raise ValidationError({"unit": _("This role is assigned at another level of unit.")})


class ImportedFile(models.Model):
    """A file imported by basecurity/lib/tabular.py: the sha256 of its rows (tabular.content_fingerprint;
    of its bytes for files imported before) lets the same content be refused twice."""

    sha256 = models.CharField(_("fingerprint (sha256)"), max_length=64, unique=True)
    kind = models.CharField(_("kind"), max_length=50)
    filename = models.CharField(_("file name"), max_length=255, blank=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("imported by"),
    )
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("imported file")
        verbose_name_plural = _("imported files")
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return f"{self.kind} · {self.filename}"


class SubmissionToken(models.Model):
    """The one-time token of a create form, kept with what that submission created
    (communes/submissions.py): the same form sent twice finds it and creates nothing more.

    The unique token is written in the same transaction as the record, so two concurrent posts of
    one form cannot both succeed."""

    token = models.UUIDField(_("token"), unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.CASCADE, related_name="+", verbose_name=_("kind of record")
    )
    object_id = models.PositiveBigIntegerField(_("record"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("submission token")
        verbose_name_plural = _("submission tokens")

    def __str__(self) -> str:
        return str(self.token)

    @property
    def target(self) -> models.Model | None:
        """What the submission created (None if it has been deleted since)."""
        return self.content_type.model_class()._base_manager.filter(pk=self.object_id).first()


# --- Period locks (communes/locks.py reads them; reports/services.py writes them on approval) ---


class PeriodLock(models.Model):
    """Days `start`..`end` of a unit whose records can no longer be created, changed or deleted.

    Written when the district approves the unit's report for the period (`source_report_id` is that
    report's id: a plain number, so communes depends on no app above it).
    """

    unit = models.ForeignKey(
        AdministrativeUnit, on_delete=models.CASCADE, related_name="period_locks", verbose_name=_("unit")
    )
    start = models.DateField(_("first day"))
    end = models.DateField(_("last day"))
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    locked_at = models.DateTimeField(_("locked at"))
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("locked by"),
    )
    source_report_id = models.PositiveIntegerField(_("report number in the system"), null=True, blank=True)

    history = HistoricalRecords()
    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("period lock")
        verbose_name_plural = _("period locks")
        ordering = ["unit__path", "-start"]
        constraints = [models.CheckConstraint(condition=Q(end__gte=F("start")), name="period_lock_end_after_start")]
        indexes = [models.Index(fields=["unit", "start", "end"], name="period_lock_unit_days")]

    def __str__(self) -> str:
        return f"{self.unit} · {self.start:%d/%m/%Y}–{self.end:%d/%m/%Y}"

    def clean(self):
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("The last day cannot be before the first day.")})


class LockException(models.Model):
    """Permission, until `valid_until`, to write records of `unit` dated `start`..`end` despite a lock."""

    unit = models.ForeignKey(
        AdministrativeUnit, on_delete=models.CASCADE, related_name="lock_exceptions", verbose_name=_("unit")
    )
    start = models.DateField(_("first day"))
    end = models.DateField(_("last day"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("granted by"),
    )
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)
    valid_until = models.DateTimeField(_("valid until"))
    reason = models.CharField(_("reason"), max_length=300)

    history = HistoricalRecords()
    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("lock exception")
        verbose_name_plural = _("lock exceptions")
        ordering = ["-valid_until"]
        constraints = [models.CheckConstraint(condition=Q(end__gte=F("start")), name="lock_exception_end_after_start")]

    def __str__(self) -> str:
        return f"{self.unit} · {self.start:%d/%m/%Y}–{self.end:%d/%m/%Y}"

    def clean(self):
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("The last day cannot be before the first day.")})
