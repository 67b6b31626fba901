"""The communes app's record kinds (communes/record_kinds.py): steering committees and
self-management teams, and where their members' rows belong."""

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from basecurity.lib.collation import vi
from basecurity.lib.tabular import Column, field_column

from .models import CommitteeMember, Level, SelfManagementTeam, SteeringCommittee, TeamMember
from .record_kinds import ORGANISATION, Export, ListColumn, MenuEntry, Placement, RecordKind, place, register

ORGANISATION_LEVELS = (Level.PROVINCE, Level.DISTRICT, Level.COMMUNE)
MEMBERS = Column(_("Members"), lambda organisation: organisation.member_count)


def _with_member_count(organisations):
    """The members still in office, counted in the list's query (no query per row)."""
    return organisations.annotate(member_count=Count("members", filter=Q(members__left_on__isnull=True)))


def _fields(model, *names: str) -> list[Column]:
    return [field_column(model, name) for name in names]


register(
    RecordKind(
        key="committee",
        model=SteeringCommittee,
        url_prefix="communes:committee",
        access=ORGANISATION,
        columns=(
            ListColumn("name", link=True),
            ListColumn("unit", _("Unit"), "records/cells/unit.html"),
            ListColumn("decision_number", _("Founding decision"), "records/cells/committee_decision.html"),
            ListColumn("member_count", _("Members")),
        ),
        search_fields=("name", "decision_number", "unit__name"),
        unit_levels=ORGANISATION_LEVELS,
        unit_label=_("Unit"),
        village_filter=False,
        related=("unit",),
        prepare=_with_member_count,
        ordering=("unit__path", vi("name")),
        exports={
            "": Export(
                people=[
                    Column(_("Unit"), lambda committee: committee.unit.name),
                    *_fields(SteeringCommittee, "name", "decision_number", "decision_date", "launched_on"),
                    MEMBERS,
                    field_column(SteeringCommittee, "notes"),
                ],
                name="steering_committees",
            )
        },
        menu=MenuEntry("organisation", _("Steering committees"), order=10),
        icon="bi-diagram-3",
        create_label=_("New steering committee"),
    ),
    RecordKind(
        key="team",
        model=SelfManagementTeam,
        url_prefix="communes:team",
        access=ORGANISATION,
        place=Placement(unit="village"),
        columns=(
            ListColumn("name", template="records/cells/team_name.html", link=True),
            "kind",
            ListColumn("village", _("Village"), "records/cells/team_village.html"),
            "leader_name",
            ListColumn("member_count", _("Members")),
        ),
        search_fields=("name", "leader_name", "village__name"),
        unit_levels=ORGANISATION_LEVELS,
        unit_label=_("Unit"),
        village_filter=False,
        related=("village", "village__parent"),
        prepare=_with_member_count,
        ordering=("village__path", vi("name")),
        exports={
            "": Export(
                people=[
                    Column(_("Commune"), lambda team: team.village.parent.name),
                    Column(_("Village"), lambda team: team.village.name),
                    *_fields(SelfManagementTeam, "kind", "name", "leader_name", "founded_on", "dissolved_on"),
                    MEMBERS,
                ],
                name="self_management_teams",
            )
        },
        menu=MenuEntry("organisation", _("Self-management teams"), order=20),
        icon="bi-people-fill",
        create_label=_("New team"),
    ),
)
place(CommitteeMember, Placement(unit="committee__unit"))
place(TeamMember, Placement(unit="team__village"))
