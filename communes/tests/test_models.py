"""AdministrativeUnit and committee/team invariants, in clean() and in the database."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from communes.models import AdministrativeUnit, CommitteeMember, SelfManagementTeam, TeamMember, UnitLineage
from communes.services import unit_save

from .factories import make_committee, make_team, village_of


def _db_refuses(callable_):
    with pytest.raises(IntegrityError), transaction.atomic():
        callable_()


def test_kind_must_match_level_in_the_database(units, commune_a):
    # save() derives the level from the kind, so only a direct update can break the pair.
    _db_refuses(lambda: AdministrativeUnit.objects.filter(pk=commune_a.pk).update(kind="thon"))
    _db_refuses(lambda: AdministrativeUnit.objects.filter(pk=commune_a.pk).update(level="village"))
    _db_refuses(
        lambda: AdministrativeUnit.objects.bulk_create(
            [AdministrativeUnit(code="X1", name="Sai", kind="huyen", level="commune", path="/X1/")]
        )
    )
    commune_a.refresh_from_db()
    assert (commune_a.kind, commune_a.level) == ("xa", "commune")


def test_other_unit_constraints_in_the_database(units, commune_a, commune_b):
    _db_refuses(
        lambda: AdministrativeUnit.objects.filter(pk=commune_a.pk).update(
            valid_from=date(2024, 1, 1), valid_until=date(2023, 1, 1)
        )
    )
    _db_refuses(lambda: UnitLineage.objects.create(predecessor=commune_a, successor=commune_a, date=date(2025, 7, 1)))
    _db_refuses(  # a code in force names one unit of a level
        lambda: AdministrativeUnit.objects.create(code="06979", name="Xã trùng", kind="xa", parent=units["22"])
    )
    _db_refuses(lambda: AdministrativeUnit.objects.filter(pk=commune_a.pk).update(ethnic_minority_share=120))
    _db_refuses(lambda: AdministrativeUnit.objects.filter(pk=commune_a.pk).update(parent=commune_a))


def test_clean_refuses_a_commune_under_a_village(units, commune_a):
    unit = AdministrativeUnit(code="99999", name="Xã sai chỗ", kind="xa", parent=village_of(commune_a))
    with pytest.raises(ValidationError) as error:
        unit.full_clean()
    assert "parent" in error.value.message_dict


def test_clean_refuses_a_parentless_commune_and_a_province_under_a_province(units, commune_a):
    with pytest.raises(ValidationError) as error:
        AdministrativeUnit(code="99998", name="Xã mồ côi", kind="xa").full_clean()
    assert "parent" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        AdministrativeUnit(code="99997", name="Tỉnh con", kind="tinh", parent=units["22"]).full_clean()
    assert "parent" in error.value.message_dict


def test_a_lineage_row_joins_units_of_one_level_and_a_predecessor_that_ended_before(units):
    # Nghị quyết 1199/NQ-UBTVQH15: Minh Cầm and Lương Mông passed whole into Lương Minh on 1/11/2024.
    luong_minh = units["06985@2024"]
    assert set(luong_minh.formations.values_list("predecessor__name", flat=True)) == {"Xã Lương Mông", "Xã Minh Cầm"}
    wrong_level = UnitLineage(predecessor=units["202"], successor=luong_minh, date=date(2024, 11, 1))
    with pytest.raises(ValidationError) as error:
        wrong_level.full_clean()
    assert "successor" in error.value.message_dict
    still_alive = UnitLineage(predecessor=units["06976"], successor=luong_minh, date=date(2024, 11, 1))
    with pytest.raises(ValidationError) as error:
        still_alive.full_clean()
    assert "date" in error.value.message_dict
    twice = UnitLineage(predecessor=units["06991"], successor=units["06979@2025"], date=date(2025, 7, 1))
    with pytest.raises(ValidationError) as error:  # passed whole into Lương Minh already
        twice.full_clean()
    assert "transfer" in error.value.message_dict


def test_valid_until_cannot_precede_valid_from(units, commune_a):
    commune_a.valid_from = date(2020, 1, 1)
    commune_a.valid_until = date(2019, 1, 1)
    with pytest.raises(ValidationError) as error:
        commune_a.full_clean()
    assert "valid_until" in error.value.message_dict


def _paths(prefix):
    return dict(AdministrativeUnit.objects.filter(code__startswith=prefix).values_list("code", "path"))


def test_renumbering_a_district_rewrites_every_path_below_it(units):
    district = units["202"]
    district.code = "202X"
    unit_save(unit=district)
    assert AdministrativeUnit.objects.get(code="202X").path == "/22/202X/"
    assert AdministrativeUnit.objects.get(code="06976").path == "/22/202X/06976/"
    assert AdministrativeUnit.objects.get(code="06976-01", valid_until__lt=date(2025, 7, 1)).path == (
        "/22/202X/06976/06976-01/"
    )
    assert not AdministrativeUnit.objects.filter(path__contains="/202/").exists()


def test_moving_a_commune_directly_under_the_province_rewrites_its_villages(units, commune_a):
    """1/7/2025: districts abolished, communes hang from the province."""
    team = make_team(village_of(commune_a), name="Tổ Đồng Thầm")
    commune_a.parent = units["22"]
    unit_save(unit=commune_a)
    assert AdministrativeUnit.objects.get(code="06976").path == "/22/06976/"
    village_paths = _paths("06976-")
    assert len(village_paths) == 1
    assert all(path == f"/22/06976/{code}/" for code, path in village_paths.items())
    # The other communes did not move, and records follow their village.
    assert units["06970-02"].path == "/22/202/06970/06970-02/"
    assert SelfManagementTeam.objects.within(AdministrativeUnit.objects.get(code="06976")).get() == team
    assert not SelfManagementTeam.objects.within(units["202"]).exists()


def test_unit_save_validates(units, commune_a):
    commune_a.parent = village_of(units["06970"])
    with pytest.raises(ValidationError):
        unit_save(unit=commune_a)
    assert AdministrativeUnit.objects.get(code="06976").path == "/22/202/06976/"


def test_committee_member_dates(units, commune_a):
    committee = make_committee(commune_a, name="BCĐ thử ngày")
    member = CommitteeMember(committee=committee, full_name="A", joined_on=date(2022, 1, 1), left_on=date(2021, 1, 1))
    with pytest.raises(ValidationError) as error:
        member.full_clean()
    assert "left_on" in error.value.message_dict
    _db_refuses(member.save)
    CommitteeMember(
        committee=committee, full_name="B", joined_on=date(2022, 1, 1), left_on=date(2022, 1, 1)
    ).full_clean()


def test_team_member_and_team_dates(units, commune_a):
    team = make_team(village_of(commune_a), name="Tổ thử ngày")
    member = TeamMember(team=team, full_name="A", joined_on=date(2022, 1, 1), left_on=date(2021, 12, 31))
    with pytest.raises(ValidationError) as error:
        member.full_clean()
    assert "left_on" in error.value.message_dict
    _db_refuses(member.save)

    team.dissolved_on = date(2021, 1, 1)  # founded 1/8/2021
    with pytest.raises(ValidationError) as error:
        team.full_clean()
    assert "dissolved_on" in error.value.message_dict
    _db_refuses(team.save)


def test_team_must_sit_in_a_village_and_committee_not_in_one(units, commune_a):
    with pytest.raises(ValidationError) as error:
        SelfManagementTeam(village=commune_a, kind="to_lien_gia", name="Tổ ở xã").full_clean()
    assert "village" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        make_committee(village_of(commune_a), name="BCĐ thôn")
    assert "unit" in error.value.message_dict
