"""Administrative units, steering committees, self-management teams and users' assignments."""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from basecurity.lib.collation import vi

from .querysets import (
    AdministrativeUnitQuerySet,
    AssignmentQuerySet,
    UnitScopedQuerySet,
)
from .submissions import Versioned


class Level(models.TextChoices):
    PROVINCE = "province", _("Province level")
    DISTRICT = "district", _("District level")
    COMMUNE = "commune", _("Commune level")
    VILLAGE = "village", _("Village level")


# Rank of each level: a parent always has a smaller rank than its child. The district level is
# optional (abolished on 1/7/2025), so a commune may sit directly under a province.
LEVEL_RANK: dict[str, int] = {Level.PROVINCE: 1, Level.DISTRICT: 2, Level.COMMUNE: 3, Level.VILLAGE: 4}


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
    SPECIAL_ZONE = "dac_khu", _("Special zone (đặc khu)")
    VILLAGE = "thon", _("Village (thôn)")
    QUARTER = "khu_pho", _("Urban quarter (khu phố)")
    HAMLET = "ban", _("Hamlet (bản)")
    RESIDENTIAL_GROUP = "to_dan_pho", _("Residential group")


KIND_LEVEL: dict[str, str] = {
    UnitKind.PROVINCE: Level.PROVINCE,
    UnitKind.CITY: Level.PROVINCE,
    UnitKind.DISTRICT: Level.DISTRICT,
    UnitKind.TOWN_DISTRICT: Level.DISTRICT,
    UnitKind.PROVINCIAL_CITY: Level.DISTRICT,
    UnitKind.URBAN_DISTRICT: Level.DISTRICT,
    UnitKind.COMMUNE: Level.COMMUNE,
    UnitKind.WARD: Level.COMMUNE,
    UnitKind.TOWNSHIP: Level.COMMUNE,
    UnitKind.SPECIAL_ZONE: Level.COMMUNE,
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

    Units live on a changing map (docs/units.md): each has a validity interval, and a code names a
    unit only together with a day (06970 was Thị trấn Ba Chẽ until 30/06/2025, xã Ba Chẽ since), so
    `AdministrativeUnit.objects.at(code, day)` is how a code is resolved everywhere.

    `path` holds the path segments of the unit's ancestors and its own ("/22/202/06976/"); a unit
    that started on a known day carries it in its segment ("/22/06979@20250701/"), so two units that
    share a code under the same parent (06985: Lương Mông, then Lương Minh) keep distinct paths.
    "This unit and everything below it" is one indexed prefix match whatever the depth.

    `history_path` does the same along the lineage: the segments of the unit's heirs, the latest
    first, then its own ("/8/3/" for Thanh Lâm, folded into Kỳ Thượng 8). A successor's users read
    its predecessors' records with one prefix match, no query of the lineage at request time
    (communes.services.history_paths_rebuild keeps it right when the lineage changes).
    """

    code = models.CharField(_("official code"), max_length=20, db_index=True)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, editable=False)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("parent unit")
    )
    path = models.CharField(_("path in the tree"), max_length=255, editable=False, db_index=True, default="")
    history_path = models.CharField(
        _("path along the lineage"), max_length=255, editable=False, db_index=True, default=""
    )
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
    valid_from = models.DateField(
        _("valid from"), null=True, blank=True, help_text=_("Empty: in force since before any record.")
    )
    valid_until = models.DateField(
        _("valid until"), null=True, blank=True, help_text=_("The last day of the unit; empty: still in force.")
    )
    covered_from = models.DateField(
        _("records held from"),
        null=True,
        blank=True,
        help_text=_(
            "The first day whose records this deployment holds for the unit; empty: never covered (the unit "
            "is known from the register, its records are kept elsewhere)."
        ),
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
            models.CheckConstraint(condition=~Q(parent=F("id")), name="unit_not_own_parent"),
            # A code names one unit of a level on any day: one in force, one per start day; overlaps
            # of ended units are refused by clean() (an interval rule SQL checks cannot state portably).
            models.UniqueConstraint(
                fields=["level", "code"], condition=Q(valid_until__isnull=True), name="unit_code_unique_in_force"
            ),
            models.UniqueConstraint(fields=["level", "code", "valid_from"], name="unit_code_unique_per_start"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("communes:unit_detail", args=[self.pk])

    @property
    def path_segment(self) -> str:
        return f"{self.code}@{self.valid_from:%Y%m%d}" if self.valid_from else self.code

    def is_valid_on(self, day) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until
        )

    def clean(self) -> None:
        self.level = KIND_LEVEL.get(self.kind, self.level)
        errors: dict[str, Any] = {}
        if self.parent_id:
            parent = self.parent
            # A unit lives within its parent's life: open dates take the parent's (a village of a
            # commune that ended on 30/06/2025 ended with it).
            if self.valid_from is None and parent.valid_from is not None:
                self.valid_from = parent.valid_from
            if self.valid_until is None and parent.valid_until is not None:
                self.valid_until = parent.valid_until
            if LEVEL_RANK[parent.level] >= LEVEL_RANK[self.level]:
                errors["parent"] = _("A %(level)s unit cannot be placed under a %(parent_level)s unit.") % {
                    "level": Level(self.level).label.lower(),
                    "parent_level": Level(parent.level).label.lower(),
                }
            elif self.pk and self.path and parent.path.startswith(self.path):
                errors["parent"] = _("A unit cannot be placed under one of its own sub-units.")
            elif not self._within(parent):
                errors["parent"] = _("The parent unit did not exist for the whole life of this unit.")
        elif self.level != Level.PROVINCE:
            errors["parent"] = _("Only a province-level unit can have no parent.")
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            errors["valid_until"] = _("The end date cannot be before the start date.")
        elif self.code and self.level:
            clash = self._overlapping_same_code()
            if clash is not None:
                errors["code"] = _("The code %(code)s already names %(name)s on some of these days.") % {
                    "code": self.code,
                    "name": clash.name,
                }
        if errors:
            raise ValidationError(errors)

    def _within(self, parent: "AdministrativeUnit") -> bool:
        starts_inside = parent.valid_from is None or (
            self.valid_from is not None and self.valid_from >= parent.valid_from
        )
        ends_inside = parent.valid_until is None or (
            self.valid_until is not None and self.valid_until <= parent.valid_until
        )
        return starts_inside and ends_inside

    def _overlapping_same_code(self) -> "AdministrativeUnit | None":
        others = AdministrativeUnit.objects.filter(level=self.level, code=self.code).exclude(pk=self.pk)
        if self.valid_until:
            others = others.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=self.valid_until))
        if self.valid_from:
            others = others.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=self.valid_from))
        return others.first()

    def save(self, *args, **kwargs):
        # Level and path derive from this row and its parent only; moving or renumbering a unit
        # with descendants goes through services.unit_save, which rewrites their paths.
        self.level = KIND_LEVEL[self.kind]
        self.path = (self.parent.path if self.parent_id else "/") + f"{self.path_segment}/"
        super().save(*args, **kwargs)
        if not self.history_path:  # no lineage yet: its own history (a village's under its commune's)
            base = self.parent.history_path if self.level == Level.VILLAGE and self.parent_id else "/"
            self.history_path = f"{base}{self.pk}/"
            AdministrativeUnit.objects.filter(pk=self.pk).update(history_path=self.history_path)

    @property
    def kind_word(self) -> str:
        """The kind as written before a name in running text: "xã", "phường", "thị trấn", "đặc khu"..."""
        return KIND_WORDS.get(self.kind, "")


# How officials write each kind before a name (Vietnamese in both languages: these are names).
KIND_WORDS: dict[str, str] = {
    UnitKind.PROVINCE: "tỉnh",
    UnitKind.CITY: "thành phố",
    UnitKind.DISTRICT: "huyện",
    UnitKind.TOWN_DISTRICT: "thị xã",
    UnitKind.PROVINCIAL_CITY: "thành phố",
    UnitKind.URBAN_DISTRICT: "quận",
    UnitKind.COMMUNE: "xã",
    UnitKind.WARD: "phường",
    UnitKind.TOWNSHIP: "thị trấn",
    UnitKind.SPECIAL_ZONE: "đặc khu",
    UnitKind.VILLAGE: "thôn",
    UnitKind.QUARTER: "khu",
    UnitKind.HAMLET: "bản",
    UnitKind.RESIDENTIAL_GROUP: "tổ dân phố",
}


class Transfer(models.TextChoices):
    WHOLE = "whole", _("whole")
    PART = "part", _("part")


class UnitLineage(models.Model):
    """Predecessor P passed to successor S on `date`, whole or in part (docs/units.md).

    A part transfer may name the villages that moved; where it does not, the share is unknown and
    P's records fold into the successor that kept P's code, if any.
    """

    predecessor = models.ForeignKey(
        AdministrativeUnit, on_delete=models.PROTECT, related_name="successions", verbose_name=_("predecessor")
    )
    successor = models.ForeignKey(
        AdministrativeUnit, on_delete=models.PROTECT, related_name="formations", verbose_name=_("successor")
    )
    date = models.DateField(_("date of the change"))
    transfer = models.CharField(_("transfer"), max_length=5, choices=Transfer.choices, default=Transfer.WHOLE)
    villages = models.ManyToManyField(
        AdministrativeUnit,
        blank=True,
        related_name="village_transfers",
        verbose_name=_("villages moved"),
        help_text=_("For a part transfer: the villages of the predecessor that moved to the successor."),
    )
    legal_basis = models.CharField(_("legal basis"), max_length=200, blank=True)

    history = HistoricalRecords(m2m_fields=[villages])

    class Meta:
        verbose_name = _("unit lineage")
        verbose_name_plural = _("unit lineage")
        ordering = ["date", "successor__code", "predecessor__code"]
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="lineage_unique_pair"),
            models.CheckConstraint(condition=~Q(predecessor=F("successor")), name="lineage_not_to_itself"),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor} ({self.date:%d/%m/%Y})"

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.predecessor_id and self.successor_id:
            if self.predecessor.level != self.successor.level:
                errors["successor"] = _("A unit passes to a unit of the same level.")
            if self.date and self.predecessor.valid_until and self.predecessor.valid_until >= self.date:
                errors["date"] = _("The predecessor must end before the day of the change.")
            if self.date and self.successor.valid_from and self.successor.valid_from > self.date:
                errors["date"] = _("The successor must exist on the day of the change.")
            if self.transfer == Transfer.WHOLE and self.pk is None:
                other = UnitLineage.objects.filter(predecessor_id=self.predecessor_id, transfer=Transfer.WHOLE)
                if other.exists():
                    errors["transfer"] = _("A unit passes whole to one successor only.")
        if errors:
            raise ValidationError(errors)


class SteeringCommittee(Versioned):
    """Ban Chỉ đạo of the grassroots security model at a district or commune-level unit."""

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
        ordering = ["unit__path", vi("name")]
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="committee_unique_name_per_unit"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("communes:committee_detail", args=[self.pk])

    def clean(self) -> None:
        if self.unit_id and self.unit.level == Level.VILLAGE:
            raise ValidationError({"unit": _("Steering committees are set up at a commune or a level above it.")})


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
    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("committee member")
        verbose_name_plural = _("committee members")
        ordering = ["committee", "committee_role", vi("full_name")]
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
    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("self-management team")
        verbose_name_plural = _("self-management teams")
        ordering = ["village__path", vi("name")]
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
        errors: dict[str, Any] = {}
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
    objects = UnitScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["team", vi("full_name")]
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
    """Kinds of seats. The superior seats sit at a commune's parent: a district before 1/7/2025, the
    province since (the stored values keep their first names: "district_*" is the superior seat)."""

    COMMUNE_OFFICER = "commune_officer", _("Commune police officer")
    COMMUNE_COMMITTEE = "commune_committee", _("Commune steering committee member")
    DISTRICT_POLICE = "district_police", _("Superior police (district or province)")
    DISTRICT_COMMITTEE = "district_committee", _("Superior steering committee member (district or province)")


# The level a role's unit must be at; after 2025 a province-level unit plays the district's part.
ROLE_LEVELS: dict[str, set[str]] = {
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
    starts_on = models.DateField(_("from"), null=True, blank=True)
    ends_on = models.DateField(_("until"), null=True, blank=True, help_text=_("Empty: still holds the seat."))

    history = HistoricalRecords()
    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "unit"], name="assignment_unique_user_role_unit"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(starts_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="assignment_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.unit}"

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.unit_id and self.role and self.unit.level not in ROLE_LEVELS[self.role]:
            errors["unit"] = _("This role is assigned at another level of unit.")
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The end date cannot be before the start date.")
        if errors:
            raise ValidationError(errors)


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


def import_files_storage():
    """Where uploaded files wait for their import job: settings.STORAGES["imports"], never served."""
    from django.core.files.storage import storages

    return storages["imports"]


class ImportJob(models.Model):
    """One import of a file through the pages, run as background jobs (communes/jobs.py).

    queued → checking the rows → refused (row errors) or awaiting confirmation → writing (all or
    nothing) → done; failed when a job could not run (broker down, a crash, not confirmed in time),
    which the user may retry while the file is kept. Only its user sees it."""

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        VALIDATING = "validating", _("checking the rows")
        INVALID = "invalid", _("refused: the file has errors")
        AWAITING = "awaiting", _("awaiting confirmation")
        WRITING = "writing", _("writing")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    RUNNING = (State.QUEUED, State.VALIDATING, State.WRITING)
    FINISHED = (State.INVALID, State.DONE, State.FAILED)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_jobs", verbose_name=_("user")
    )
    unit = models.ForeignKey(
        AdministrativeUnit,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("unit"),
        help_text=_("The highest unit where the user could import this kind when uploading."),
    )
    kind = models.CharField(_("kind"), max_length=50)
    filename = models.CharField(_("file name"), max_length=255)
    file = models.FileField(_("stored file"), storage=import_files_storage, upload_to="%Y/%m/", blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.QUEUED)
    done = models.PositiveIntegerField(_("rows done"), default=0)
    total = models.PositiveIntegerField(_("rows in all"), default=0)
    row_errors = models.JSONField(_("row errors"), default=list, blank=True)  # [[row, column, message]], capped
    error_count = models.PositiveIntegerField(_("number of errors"), default=0)
    summary = models.JSONField(_("summary"), default=dict, blank=True)  # {"rows": n, "units": [[name, n]]}
    written = models.PositiveIntegerField(_("records written"), default=0)
    message = models.TextField(_("message"), blank=True)
    imported_file = models.ForeignKey(
        ImportedFile,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("imported file"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["done", "total"])

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["queued", "validating", "invalid", "awaiting", "writing", "done", "failed"]),
                name="import_job_state",
            ),
            models.CheckConstraint(
                condition=Q(finished_at__isnull=True) | Q(state__in=["invalid", "done", "failed"]),
                name="import_job_finished_only_when_finished",
            ),
        ]
        indexes = [models.Index(fields=["user", "-created_at"], name="import_job_user_recent")]

    def __str__(self) -> str:
        return f"{self.kind} · {self.filename}"

    def get_absolute_url(self) -> str:
        return reverse("imports:job", args=[self.pk])

    @property
    def running(self) -> bool:
        return self.state in self.RUNNING
