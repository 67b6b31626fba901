"""Figures across the map's changes (docs/units.md, "Figures across a change"), computed by the engine
and checked against counts made by hand from the records placed on the units of their day."""

from datetime import date

import pytest

from communes import register
from communes.models import AdministrativeUnit, Transfer, UnitLineage
from dashboards import engine
from incidents.models import Incident
from incidents.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def recorder(roles):
    return roles.admin


def theft(unit, user, day, village=None, subjects=1):
    record = f.incident(unit, user, occurred_on=day, village=village, subjects=subjects)
    record.full_clean()
    record.save()
    return record


def entry(document, code):
    found = [unit for unit in document["units"] if unit["code"] == code]
    assert len(found) == 1, [unit["code"] for unit in document["units"]]
    return found[0]


def test_ky_thuong_of_2026_folds_thanh_lam_and_dap_thanh_and_marks_the_uncovered_part(units, recorder):
    # 2025 (previous period of 2026): two thefts in Thanh Lâm and one in Đạp Thanh before 1/7/2025,
    # one in Kỳ Thượng after; 2026: one in Kỳ Thượng.
    theft(units["06976"], recorder, date(2025, 1, 10))
    theft(units["06976"], recorder, date(2025, 3, 5))
    theft(units["06979"], recorder, date(2025, 5, 20))
    theft(units["06979@2025"], recorder, date(2025, 9, 1))
    theft(units["06979@2025"], recorder, date(2026, 2, 1))
    document = engine.compute(2026, date(2026, 12, 1), "06979")
    ky_thuong = entry(document, "06979")
    assert ky_thuong["name"] == "Xã Kỳ Thượng"
    assert (ky_thuong["counts"]["crime_cases"], ky_thuong["previous_counts"]["crime_cases"]) == (1, 4)
    assert ky_thuong["valid_from"] == "2025-07-01" and ky_thuong["valid_until"] is None
    assert {fold["name"] for fold in ky_thuong["folds"]} == {"Xã Thanh Lâm", "Xã Đạp Thanh", "Xã Kỳ Thượng"}
    assert ky_thuong["complete"] is False
    assert ky_thuong["missing"] == [
        {"code": "07033", "name": "Xã Kỳ Thượng", "from": "2024-12-15", "until": "2025-06-30"}
    ]
    # The first theft of 2026 is not "up from zero": the baseline holds Thanh Lâm's and Đạp Thanh's.
    assert ky_thuong["targets"]["crime_reduction"]["status"] == "met"


def test_an_as_of_date_inside_an_ended_units_life_shows_the_map_as_it_was(units, recorder):
    theft(units["06985"], recorder, date(2024, 3, 1))  # Lương Mông, previous period of 2025
    theft(units["06991"], recorder, date(2024, 4, 1), subjects=2)  # Minh Cầm
    theft(units["06985@2024"], recorder, date(2025, 2, 1))  # Lương Minh of 2024
    theft(units["06976"], recorder, date(2025, 2, 2))
    document = engine.compute(2025, date(2025, 6, 30), "202")
    assert [unit["code"] for unit in document["units"]] == [
        "202",
        "06970",
        "06973",
        "06976",
        "06979",
        "06982",
        "06985",
        "06988",
    ]
    luong_minh = entry(document, "06985")
    assert luong_minh["name"] == "Xã Lương Minh" and luong_minh["valid_from"] == "2024-11-01"
    assert {fold["name"] for fold in luong_minh["folds"]} == {"Xã Lương Mông", "Xã Minh Cầm"}
    assert (luong_minh["counts"]["crime_cases"], luong_minh["previous_counts"]["crime_cases"]) == (1, 2)
    assert luong_minh["previous_counts"]["crime_subjects"] == 3
    district = entry(document, "202")
    assert (district["counts"]["crime_cases"], district["previous_counts"]["crime_cases"]) == (2, 2)
    assert district["complete"] is True


def test_the_province_counts_every_record_once_whatever_the_unit_of_its_day(units, recorder):
    days = [
        (units["06976"], date(2025, 1, 10)),
        (units["06985"], date(2024, 12, 20)),  # Lương Mông had ended: refused below
        (units["06970"], date(2025, 6, 30)),
        (units["06970@2025"], date(2025, 7, 1)),
        (units["06985@2025"], date(2026, 1, 5)),
        (units["06979@2025"], date(2026, 6, 1)),
    ]
    saved = 0
    for unit, day in days:
        if unit.is_valid_on(day):
            theft(unit, recorder, day)
            saved += 1
    document = engine.compute(2026, date(2026, 12, 1), "22")
    province = entry(document, "22")
    assert province["counts"]["crime_cases"] + province["previous_counts"]["crime_cases"] == saved == 5
    listed = {unit["code"] for unit in document["units"]}
    assert "202" not in listed and "06976" not in listed  # units valid on the as-of date only
    assert len([unit for unit in document["units"] if unit["level"] == "commune"]) == 54


def test_a_part_without_villages_goes_to_the_successor_that_kept_the_code(units, recorder):
    hai_lang = AdministrativeUnit.objects.get(code="06886", valid_until=register.LAST_OLD_DAY)
    hai_lang.covered_from = date(2020, 12, 15)
    hai_lang.save()
    theft(hai_lang, recorder, date(2025, 3, 1))
    document = engine.compute(2026, date(2026, 12, 1), "22")
    ba_che, new_hai_lang = entry(document, "06970"), entry(document, "06886")
    assert ba_che["previous_counts"]["crime_cases"] == 0
    assert new_hai_lang["previous_counts"]["crime_cases"] == 1
    # Ba Chẽ's baseline lacks its share of Hải Lạng: said, whatever Hải Lạng's coverage.
    assert {"code": "06886", "name": "Xã Hải Lạng", "from": "2024-12-15", "until": "2025-06-30"} in ba_che["missing"]


def test_a_part_with_villages_takes_the_records_of_the_villages_that_moved(units, recorder):
    hai_lang = AdministrativeUnit.objects.get(code="06886", valid_until=register.LAST_OLD_DAY)
    moved = AdministrativeUnit.objects.create(
        code="06886-05", name="Thôn Khe Cát", kind="thon", parent=hai_lang, valid_until=date(2025, 6, 30)
    )
    stayed = AdministrativeUnit.objects.create(
        code="06886-01", name="Thôn Đồng Dình", kind="thon", parent=hai_lang, valid_until=date(2025, 6, 30)
    )
    row = UnitLineage.objects.get(predecessor=hai_lang, successor=units["06970@2025"])
    row.villages.add(moved)
    theft(hai_lang, recorder, date(2025, 3, 1), village=moved)
    theft(hai_lang, recorder, date(2025, 3, 2), village=stayed)
    theft(hai_lang, recorder, date(2025, 3, 3))
    document = engine.compute(2026, date(2026, 12, 1), "22")
    assert entry(document, "06970")["previous_counts"]["crime_cases"] == 1  # Khe Cát's
    assert entry(document, "06886")["previous_counts"]["crime_cases"] == 2  # the rest stays with the code
    assert row.transfer == Transfer.PART


def test_coverage_stretches_are_named_in_officials_words(units):
    document = engine.compute(2026, date(2026, 12, 1), "06985")
    luong_minh = entry(document, "06985")
    assert luong_minh["missing"] == [
        {"code": "07036", "name": "Xã Đồng Sơn", "from": "2024-12-15", "until": "2025-06-30"}
    ]
    scope = engine.load_scope("06985", date(2026, 12, 1), engine.spans(engine.window(2026, date(2026, 12, 1))))
    from communes import lineage

    note = lineage.incomplete_note(scope.fold.missing[scope.root.pk], "vi", scope.root)
    assert note == "so sánh chưa đầy đủ: thiếu số liệu của xã Đồng Sơn (TP Hạ Long cũ) từ 15/12/2024 đến 30/6/2025"


def test_the_first_year_of_coverage_is_complete_and_the_year_before_is_not(units):
    complete = entry(engine.compute(2022, date(2022, 12, 14), "06976"), "06976")
    assert complete["complete"] is True and complete["folds"] == []
    first = entry(engine.compute(2021, date(2021, 12, 14), "06976"), "06976")
    assert first["missing"] == [{"code": "06976", "name": "Xã Thanh Lâm", "from": "2019-12-15", "until": "2020-12-14"}]


def test_a_record_dated_after_its_unit_ended_is_refused_naming_the_successor(units, recorder):
    record = f.incident(units["06976"], recorder, occurred_on=date(2025, 7, 1))
    with pytest.raises(Exception) as error:
        record.full_clean()
    assert "Kỳ Thượng" in str(error.value)
    assert not Incident.objects.exists()


def test_a_merger_saved_in_admin_recomputes_the_successor(units, roles, client_for, settings):
    """A lineage row added by an administrator marks the successor's years dirty in the outbox."""
    from dashboards.models import RecomputeRequest

    settings.DASHBOARDS_RECOMPUTE_ON_SAVE = True
    settings.CELERY_TASK_ALWAYS_EAGER = False  # only the outbox rows: no in-process drain here
    from communes import services

    services.lineage_saved(successor_ids=[units["06979@2025"].pk], since=date(2025, 7, 1))
    years = set(RecomputeRequest.objects.filter(unit=units["06979@2025"]).values_list("year", flat=True))
    assert {2025, 2026} <= years
