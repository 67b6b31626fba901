"""communes/permissions.py: the one module that says who sees what."""

from datetime import date

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.http import Http404

from communes.models import AdministrativeUnit, Assignment, Role, SelfManagementTeam, SteeringCommittee
from communes.permissions import (
    Capability,
    can,
    capabilities_of,
    get_scoped_or_404,
    has_capability,
    require,
    scope,
    scope_label,
    units_with,
)
from conftest import make_user

from .factories import make_team, village_of

C = Capability


@pytest.fixture
def teams(commune_a, commune_b):
    return {
        "a": make_team(village_of(commune_a), name="Tổ A"),
        "b": make_team(village_of(commune_b), name="Tổ B"),
    }


def _names(queryset):
    return set(queryset.values_list("name", flat=True))


def test_scope_keeps_each_commune_officer_in_their_commune(roles, teams):
    assert _names(scope(SelfManagementTeam.objects.all(), roles.officer_a, C.ORGANISATION_WRITE)) == {"Tổ A"}
    assert _names(scope(SelfManagementTeam.objects.all(), roles.officer_b, C.ORGANISATION_WRITE)) == {"Tổ B"}


def test_scope_gives_the_district_every_commune_but_only_for_its_capabilities(roles, teams):
    assert _names(scope(SelfManagementTeam.objects.all(), roles.district_police, C.ORGANISATION_READ)) == {
        "Tổ A",
        "Tổ B",
    }
    assert not scope(SelfManagementTeam.objects.all(), roles.district_police, C.ORGANISATION_WRITE).exists()
    assert not scope(SelfManagementTeam.objects.all(), roles.district_committee, C.PERSONS_READ).exists()


def test_commune_committee_reads_organisation_never_persons(roles, commune_a, commune_b):
    user = roles.committee_a
    assert can(user, C.ORGANISATION_READ, commune_a)
    assert not can(user, C.ORGANISATION_READ, commune_b)
    assert not can(user, C.ORGANISATION_WRITE, commune_a)
    assert not can(user, C.PERSONS_READ, commune_a)
    assert not can(user, C.RECORDS_READ, commune_a)
    assert can(user, C.RECORD_COUNTS, commune_a)


def test_can_covers_the_unit_and_everything_below_it(roles, units, commune_a, commune_b):
    officer = roles.officer_a
    assert can(officer, C.RECORDS_WRITE, commune_a)
    assert can(officer, C.RECORDS_WRITE, village_of(commune_a))
    assert not can(officer, C.RECORDS_WRITE, commune_b)
    assert not can(officer, C.RECORDS_WRITE, village_of(commune_b))
    assert not can(officer, C.RECORDS_READ, units["202"]), "a commune role does not reach up to the district"
    assert can(roles.district_police, C.PERSONS_READ, village_of(commune_b))
    assert not can(roles.district_police, C.PERSONS_READ, units["22"])


def test_can_does_not_confuse_codes_sharing_a_prefix(db, units):
    """Path prefixes end with "/": a unit coded 069701 is not inside 06970."""
    lookalike = AdministrativeUnit(code="069701", name="Xã giả", kind="xa", parent=units["202"])
    lookalike.full_clean()
    lookalike.save()
    officer_b = make_user("officer_b2", Role.COMMUNE_OFFICER, units["06970"])
    assert not can(officer_b, C.RECORDS_READ, lookalike)
    assert lookalike not in units_with(officer_b, C.RECORDS_READ)


def test_units_with_is_the_subtree(roles, commune_a):
    units = units_with(roles.officer_a, C.ORGANISATION_WRITE)
    assert set(units.values_list("code", flat=True)) == {"06976", "06976-01"}
    assert units_with(roles.committee_a, C.ORGANISATION_WRITE).count() == 0
    district = units_with(roles.district_police, C.RECORDS_READ)
    # The 8 communes of 2021 and Lương Minh, formed from two of them on 1/11/2024.
    assert district.filter(level="commune").count() == 9
    assert not district.filter(level="province").exists()


def test_superuser_sees_and_may_do_everything(roles, teams, commune_b):
    admin = roles.admin
    assert capabilities_of(admin) == set(Capability)
    assert can(admin, C.PERSONS_WRITE, commune_b)
    assert scope(SelfManagementTeam.objects.all(), admin, C.ORGANISATION_WRITE).count() == 2
    assert units_with(admin, C.RECORDS_WRITE).count() == AdministrativeUnit.objects.count()


def test_user_without_assignment_sees_nothing(roles, teams, commune_a):
    outsider = roles.outsider
    assert capabilities_of(outsider) == set()
    assert not has_capability(outsider, C.ORGANISATION_READ)
    assert not can(outsider, C.ORGANISATION_READ, commune_a)
    assert not scope(SelfManagementTeam.objects.all(), outsider, C.ORGANISATION_READ).exists()
    assert not units_with(outsider, C.ORGANISATION_READ).exists()
    with pytest.raises(Http404):
        require(outsider, C.ORGANISATION_READ)


def test_anonymous_user_sees_nothing(teams, commune_a):
    anonymous = AnonymousUser()
    assert not can(anonymous, C.ORGANISATION_READ, commune_a)
    assert not scope(SelfManagementTeam.objects.all(), anonymous, C.ORGANISATION_READ).exists()
    assert not units_with(anonymous, C.ORGANISATION_READ).exists()


def test_get_scoped_or_404_and_require(roles, teams, commune_a, commune_b):
    found = get_scoped_or_404(SelfManagementTeam.objects.all(), roles.officer_a, C.ORGANISATION_READ, pk=teams["a"].pk)
    assert found == teams["a"]
    with pytest.raises(Http404):
        get_scoped_or_404(SelfManagementTeam.objects.all(), roles.officer_a, C.ORGANISATION_READ, pk=teams["b"].pk)
    require(roles.officer_a, C.ORGANISATION_WRITE, commune_a)
    with pytest.raises(Http404):
        require(roles.officer_a, C.ORGANISATION_WRITE, commune_b)


def test_province_level_assignment_after_2025_covers_communes_directly_under_the_province(db, units):
    """From 1/7/2025 there is no district: a province-level role plays its part."""
    province = units["22"]
    commune = AdministrativeUnit(
        code="07000", name="Xã Ba Chẽ (2025)", kind="xa", parent=province, valid_from=date(2025, 7, 1)
    )
    commune.full_clean()
    commune.save()
    village = AdministrativeUnit(code="07000-01", name="Thôn Làng Mới", kind="thon", parent=commune)
    village.full_clean()
    village.save()
    committee = SteeringCommittee.objects.create(unit=commune, name="BCĐ xã Ba Chẽ (2025)")
    team = make_team(village, name="Tổ Làng Mới")

    member = make_user("bcd_tinh")
    assignment = Assignment(user=member, role=Role.DISTRICT_COMMITTEE, unit=province)
    assignment.full_clean()  # a province-level unit is accepted for the district's roles
    assignment.save()

    assert can(member, C.ORGANISATION_CONFIRM, commune)
    assert can(member, C.ORGANISATION_READ, village)
    assert not can(member, C.PERSONS_READ, commune)
    assert scope(SteeringCommittee.objects.all(), member, C.ORGANISATION_READ).filter(pk=committee.pk).exists()
    assert scope(SelfManagementTeam.objects.all(), member, C.ORGANISATION_READ).filter(pk=team.pk).exists()
    assert commune in units_with(member, C.DASHBOARD)
    # The pre-2025 district's officers do not reach the new commune.
    assert not can(make_user("cah", Role.DISTRICT_POLICE, units["202"]), C.RECORDS_READ, commune)


def test_role_level_is_enforced(db, units, commune_a):
    user = make_user("wrong_level")
    for role, unit in [(Role.COMMUNE_OFFICER, units["202"]), (Role.DISTRICT_POLICE, commune_a)]:
        with pytest.raises(ValidationError) as error:
            Assignment(user=user, role=role, unit=unit).full_clean()
        assert list(error.value.message_dict) == ["unit"]


def test_assignments_are_read_once_per_user_object(roles, commune_a, commune_b, django_assert_num_queries):
    user = roles.officer_a
    with django_assert_num_queries(1):  # the user's assignments with their units
        can(user, C.ORGANISATION_READ, commune_a)
        can(user, C.ORGANISATION_READ, commune_b)
        capabilities_of(user)


def test_an_exports_scope_names_the_units_in_vietnamese_order(units):
    """Đ sorts right after D, not after Z: Xã Đạp Thanh before Xã Thanh Lâm."""
    officer = make_user("two_communes", Role.COMMUNE_OFFICER, units["06976"])  # Thanh Lâm
    Assignment.objects.create(user=officer, role=Role.COMMUNE_OFFICER, unit=units["06979"])  # Đạp Thanh
    assert scope_label(officer, Capability.RECORDS_READ) == "Xã Đạp Thanh, Xã Thanh Lâm"
