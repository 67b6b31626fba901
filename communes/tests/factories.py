"""Small factories for communes tests: valid rows in a given unit, saved through the services."""

from datetime import date

from communes.models import (
    AdministrativeUnit,
    CommitteeMember,
    SelfManagementTeam,
    SteeringCommittee,
    TeamKind,
    TeamMember,
)


def village_of(commune: AdministrativeUnit) -> AdministrativeUnit:
    village = commune.children.order_by("code").first()
    assert village is not None, f"{commune} has no village"
    return village


def another_village(commune: AdministrativeUnit, name: str = "Thôn Khe Lầy (thử)") -> AdministrativeUnit:
    """A second village of `commune` (the seeded ones are the article's only), living as long as it."""
    number = commune.children.count() + 1
    village = AdministrativeUnit(code=f"{commune.code}-{number:02d}", name=name, kind="thon", parent=commune)
    village.full_clean()
    village.save()
    return village


def make_team(village: AdministrativeUnit, name: str = "Tổ tự quản thử", **fields) -> SelfManagementTeam:
    fields.setdefault("kind", TeamKind.PEOPLES_SELF_MANAGEMENT)
    fields.setdefault("founded_on", date(2021, 8, 1))
    team = SelfManagementTeam(village=village, name=name, **fields)
    team.full_clean()
    team.save()
    TeamMember.objects.create(team=team, full_name="Thành viên thử")
    return team


def make_committee(unit: AdministrativeUnit, name: str = "BCĐ thử", **fields) -> SteeringCommittee:
    committee = SteeringCommittee(unit=unit, name=name, **fields)
    committee.full_clean()
    committee.save()
    CommitteeMember.objects.create(committee=committee, full_name="Thành viên thử")
    return committee
