"""The map across its changes (docs/units.md): the register, codes by date, lineage, coverage, seats."""

import csv
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db.models import F

from communes import lineage, register, services, villages
from communes.models import AdministrativeUnit, Assignment, Level, Role, Transfer, UnitKind, UnitLineage

pytestmark = pytest.mark.django_db

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"


def commune(code: str, day: date) -> AdministrativeUnit:
    return AdministrativeUnit.objects.at(code, day, level=Level.COMMUNE)


# --- The register ---------------------------------------------------------------------------------


def test_quang_ninh_of_2025_has_54_communes_under_the_province(units):
    province = units["22"]
    today = date(2026, 12, 1)
    communes = AdministrativeUnit.objects.valid_on(today).filter(parent=province, level=Level.COMMUNE)
    assert Counter(communes.values_list("kind", flat=True)) == {"xa": 22, "phuong": 30, "dac_khu": 2}
    assert not AdministrativeUnit.objects.valid_on(today).filter(level=Level.DISTRICT, path__startswith=province.path)
    # Before 1/7/2025 the province had districts, Ba Chẽ's among them, with 7 communes after the 2024 merger.
    assert AdministrativeUnit.objects.valid_on(date(2025, 6, 30)).get(code="202").name == "Huyện Ba Chẽ"
    assert AdministrativeUnit.objects.valid_on(date(2025, 6, 30)).filter(parent=units["202"]).count() == 7
    assert AdministrativeUnit.objects.valid_on(date(2024, 6, 30)).filter(parent=units["202"]).count() == 8


@pytest.mark.skipif(not SHARED.exists(), reason="the shared reference data is not beside the repository")
def test_the_whole_register_matches_the_official_list_and_loads_twice_the_same(db):
    call_command("load_units", "--all", verbosity=0)
    communes = AdministrativeUnit.objects.filter(level=Level.COMMUNE, valid_from=register.REFORM_DAY)
    with (SHARED / "communes-2025.csv").open(encoding="utf-8") as handle:
        official = {row["code"]: (row["name"], row["kind"], row["province_code"]) for row in csv.DictReader(handle)}
    loaded = {unit.code: (unit.name, unit.kind, unit.parent.code) for unit in communes.select_related("parent")}
    assert loaded == official
    assert Counter(kind for _name, kind, _province in loaded.values()) == {"xa": 2621, "phuong": 687, "dac_khu": 13}
    assert AdministrativeUnit.objects.filter(level=Level.PROVINCE).count() == 34
    counts = (AdministrativeUnit.objects.count(), UnitLineage.objects.count())
    call_command("load_units", "--all", verbosity=0)
    assert (AdministrativeUnit.objects.count(), UnitLineage.objects.count()) == counts


@pytest.mark.skipif(not SHARED.exists(), reason="the shared reference data is not beside the repository")
def test_quang_ninh_lineage_matches_the_conversion_table(units):
    call_command("load_units", "--province", "22", verbosity=0)  # seed_ba_che holds Ba Chẽ's part only
    with (SHARED / "quang-ninh-2025-conversion.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    loaded = {
        (row.predecessor.code, row.successor.code, row.transfer)
        for row in UnitLineage.objects.filter(date=register.REFORM_DAY).select_related("predecessor", "successor")
    }
    expected = {(row["old_code"], row["new_code"], "part" if row["transfer"] == "part" else "whole") for row in rows}
    assert loaded == expected


def test_an_unknown_province_is_refused(db):
    with pytest.raises(Exception, match="99"):
        call_command("load_units", "--province", "99", verbosity=0)


# --- Codes by date ----------------------------------------------------------------------------------


def test_a_code_names_a_unit_only_with_a_day(units):
    assert commune("06970", date(2025, 3, 10)).name == "Thị trấn Ba Chẽ"
    assert commune("06970", date(2026, 3, 10)).name == "Xã Ba Chẽ"
    assert commune("06985", date(2024, 3, 1)).name == "Xã Lương Mông"
    assert commune("06985", date(2025, 3, 1)) == units["06985@2024"]
    assert commune("06985", date(2026, 3, 1)) == units["06985@2025"]
    assert commune("06991", date(2025, 3, 1)) is None  # out of use since 1/11/2024
    # Paths stay distinct where a code was reused under the same parent.
    assert units["06985"].path != units["06985@2024"].path


def test_a_code_cannot_name_two_units_of_a_level_on_one_day(units):
    clash = AdministrativeUnit(
        code="06976",
        name="Xã trùng mã",
        kind=UnitKind.COMMUNE,
        parent=units["202"],
        valid_from=date(2024, 1, 1),
        valid_until=date(2024, 12, 31),
    )
    with pytest.raises(ValidationError) as error:
        clash.full_clean()
    assert "code" in error.value.message_dict


# --- Lineage and history -----------------------------------------------------------------------------


def test_the_history_of_a_unit_names_what_it_was_formed_from_and_what_it_became(units):
    lines = lineage.history_lines(units["06979@2025"], "vi")
    assert lines == ["Thành lập ngày 01/7/2025 từ xã Thanh Lâm, xã Đạp Thanh, xã Kỳ Thượng (TP Hạ Long cũ)."]
    assert lineage.history_lines(units["06976"], "vi") == ["Hợp nhất vào xã Kỳ Thượng ngày 01/7/2025."]
    assert (
        lineage.history_lines(units["06985@2024"], "en")[0] == "Formed on 01/11/2024 from Xã Lương Mông, Xã Minh Cầm."
    )


def test_the_history_path_reaches_every_predecessor_transitively(units):
    sources = AdministrativeUnit.objects.lineage_sources([units["06985@2025"]]).filter(level=Level.COMMUNE)
    assert set(sources.values_list("name", flat=True)) == {
        "Xã Lương Minh",  # of 2025 and of 2024
        "Xã Lương Mông",
        "Xã Minh Cầm",
        "Xã Đồng Sơn",  # TP Hạ Long's, passed whole
    }
    # A part transfer whose successor did not keep the code brings no records: Hải Lạng is not Ba Chẽ's.
    ba_che = AdministrativeUnit.objects.lineage_sources([units["06970@2025"]]).filter(level=Level.COMMUNE)
    assert "Xã Hải Lạng" not in set(ba_che.values_list("name", flat=True))


def test_refused_record_names_the_successor(units):
    message = lineage.unit_validity_error(units["06976"], date(2026, 3, 1))
    assert "Xã Kỳ Thượng" in message or "xã Kỳ Thượng" in message
    assert "01/7/2025" in message
    assert lineage.unit_validity_error(units["06976"], date(2025, 6, 30)) is None
    assert "Lương Mông" in lineage.unit_validity_error(units["06985@2024"], date(2024, 10, 1))


# --- Villages from a file ------------------------------------------------------------------------------


def test_villages_load_from_a_file_all_or_nothing(units):
    good = "commune_code,code,name,kind\n06979,06979-09,Thôn Khe Lào,thon\n"
    bad = good + "06979,06979-10,,thon\n07999,07999-01,Bản Lạ,ban\n"
    result = villages.villages_load(bad.encode(), "thon.csv")
    assert {(error.row, error.column) for error in result.errors} == {(3, "name"), (4, "commune_code")}
    assert not AdministrativeUnit.objects.filter(code="06979-09").exists()
    result = villages.villages_load(good.encode(), "thon.csv")
    assert result.ok and result.created == 1
    village = AdministrativeUnit.objects.get(code="06979-09")
    assert village.parent == units["06979@2025"] and village.level == Level.VILLAGE
    assert village.history_path.startswith(units["06979@2025"].history_path)
    assert villages.villages_load(good.encode(), "thon.csv").updated == 1  # loading twice changes nothing


def test_no_placeholder_villages_are_seeded(units):
    assert not AdministrativeUnit.objects.filter(name__startswith="Thôn chưa rõ tên").exists()


# --- Seats -------------------------------------------------------------------------------------------


def test_a_superior_seat_sits_at_a_province_and_an_ended_communes_seats_move_in_one_step(units):
    from conftest import make_user

    officer = make_user("officer_tl", Role.COMMUNE_OFFICER, units["06976"])
    make_user("tinh", Role.DISTRICT_POLICE, units["22"])  # a province seat is accepted
    moved = services.unit_hand_over(unit=units["06976"])
    assert moved["assignments"] == 1
    seats = Assignment.objects.filter(user=officer).order_by(F("unit__valid_from").asc(nulls_first=True))
    assert [(seat.unit, seat.starts_on, seat.ends_on) for seat in seats] == [
        (units["06976"], None, date(2025, 6, 30)),
        (units["06979@2025"], date(2025, 7, 1), None),
    ]
    with pytest.raises(ValidationError):  # a unit that passed in parts: one by one
        services.unit_hand_over(unit=AdministrativeUnit.objects.get(code="06886", valid_until=register.LAST_OLD_DAY))


def test_a_part_transfer_names_its_villages(units):
    hai_lang = AdministrativeUnit.objects.get(code="06886", valid_until=register.LAST_OLD_DAY)
    row = UnitLineage.objects.get(predecessor=hai_lang, successor=units["06970@2025"])
    assert row.transfer == Transfer.PART and not row.villages.exists()
