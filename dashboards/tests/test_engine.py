"""The metric engine (dashboards/engine.py) checked rule by rule, at the edges of targets.md."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from communes.models import AdministrativeUnit
from dashboards import engine
from dashboards.engine import COUNT_KEYS, EngineError, compute
from dashboards.models import TargetDefinition
from incidents.models import CrimeTip, Incident, TrafficAccident
from incidents.tests import factories as f
from reintegration.models import Category
from reintegration.tests.factories import make_person, make_reoffence, make_status

pytestmark = pytest.mark.django_db

YEAR_END = date(2021, 12, 14)


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user("recorder", password="x")


def add_incidents(unit, user, n, day=date(2021, 3, 1), code="crime.theft", subjects=1):
    Incident.objects.bulk_create(
        [f.incident(unit, user, category=f.category(code), subjects=subjects, occurred_on=day) for _ in range(n)]
    )


def unit_entry(document, code):
    matches = [entry for entry in document["units"] if entry["code"] == code]
    assert len(matches) == 1
    return matches[0]


def target(document, code, name):
    return unit_entry(document, code)["targets"][name]


# --- Document shape --------------------------------------------------------------------------


def test_document_has_exactly_the_keys_of_targets_md(units):
    document = compute(2021)
    assert list(document) == ["year", "as_of", "period", "previous_period", "units"]
    assert document["year"] == 2021
    assert document["as_of"] == "2021-12-14"  # a closed year defaults to its last day
    assert document["period"] == {"start": "2020-12-15", "end": "2021-12-14"}
    assert document["previous_period"] == {"start": "2019-12-15", "end": "2020-12-14"}
    entry = unit_entry(document, "06976")
    assert list(entry) == [
        "code",
        "name",
        "level",
        "valid_from",
        "valid_until",
        "folds",
        "complete",
        "missing",
        "counts",
        "previous_counts",
        "targets",
    ]
    assert (entry["valid_from"], entry["valid_until"], entry["folds"]) == (None, "2025-06-30", [])
    assert entry["name"] == "Xã Thanh Lâm" and entry["level"] == "commune"
    assert list(entry["counts"]) == list(COUNT_KEYS) == list(entry["previous_counts"])
    assert list(entry["targets"]) == [
        "crime_reduction",
        "social_evil_reduction",
        "violation_reduction",
        "tips_on_time",
        "foreigners_declared",
        "reintegration_employment",
        "reoffending",
        "traffic_reduction",
    ]


def test_every_unit_of_the_scope_once_parents_included_villages_not(units):
    codes = [entry["code"] for entry in compute(2021)["units"]]
    assert len(codes) == len(set(codes))
    # The units valid on the as-of date (14/12/2021): not the map of 2025, not Lương Minh of 2024.
    expected = set(
        AdministrativeUnit.objects.exclude(level="village").valid_on(date(2021, 12, 14)).values_list("code", flat=True)
    )
    assert set(codes) == expected and {"22", "202", "06976", "06970"} <= expected
    assert codes[0] == "22" and codes.index("202") < codes.index("06976")  # tree order: parents first
    assert [entry["code"] for entry in compute(2021, scope_code="202")["units"]][0] == "202"
    assert [entry["code"] for entry in compute(2021, scope_code="06976")["units"]] == ["06976"]


def test_bad_requests_give_clear_errors(units):
    with pytest.raises(EngineError, match="99999"):
        compute(2021, scope_code="99999")
    with pytest.raises(EngineError, match="Thôn Đồng Thầm"):
        compute(2021, scope_code="06976-01")
    with pytest.raises(EngineError, match="14/12/2020"):
        compute(2021, as_of=date(2020, 12, 14))


def test_as_of_after_the_year_end_is_the_year_end(units):
    assert compute(2021, as_of=date(2022, 3, 1))["as_of"] == "2021-12-14"


# --- Reductions ------------------------------------------------------------------------------


def test_reduction_of_exactly_seven_percent_is_met(units, user, commune_a, commune_b):
    add_incidents(commune_a, user, 100, day=date(2020, 3, 1))
    add_incidents(commune_a, user, 93)
    add_incidents(commune_b, user, 100, day=date(2020, 3, 1))
    add_incidents(commune_b, user, 94)
    document = compute(2021, as_of=YEAR_END)
    assert target(document, "06976", "crime_reduction") == {
        "current": 93,
        "previous": 100,
        "change_pct": -7.0,
        "z": -0.71,
        "significant": False,
        "status": "met",
    }
    assert target(document, "06970", "crime_reduction")["status"] == "missed"


def test_previous_zero(units, user, commune_a, commune_b):
    add_incidents(commune_b, user, 1)
    document = compute(2021, as_of=YEAR_END)
    zero = target(document, "06976", "crime_reduction")
    assert zero["status"] == "met" and zero["change_pct"] is None and zero["current"] == zero["previous"] == 0
    up = target(document, "06970", "crime_reduction")
    assert up["status"] == "missed" and up["change_pct"] is None


def test_groups_and_subjects_are_counted_separately(units, user, commune_a):
    add_incidents(commune_a, user, 2, code="crime.theft", subjects=3)
    add_incidents(commune_a, user, 1, code="social_evil.drug_use", subjects=2)
    add_incidents(commune_a, user, 4, code="violation.minerals", subjects=0, day=date(2020, 6, 1))
    entry = unit_entry(compute(2021, as_of=YEAR_END), "06976")
    assert entry["counts"] | {} == {
        "crime_cases": 2,
        "crime_subjects": 6,
        "social_evil_cases": 1,
        "social_evil_subjects": 2,
        "violation_cases": 0,
        "violation_subjects": 0,
        "traffic_cases": 0,
        "traffic_deaths": 0,
        "traffic_injuries": 0,
    }
    assert entry["previous_counts"]["violation_cases"] == 4
    assert entry["targets"]["violation_reduction"]["status"] == "met"  # 4 -> 0


def test_year_boundaries_15_and_14_december(units, user, commune_a):
    add_incidents(commune_a, user, 1, day=date(2020, 12, 14))  # last day of 2020: previous period
    add_incidents(commune_a, user, 2, day=date(2020, 12, 15))  # first day of 2021
    add_incidents(commune_a, user, 4, day=date(2021, 12, 14))  # last day of 2021
    add_incidents(commune_a, user, 8, day=date(2021, 12, 15))  # first day of 2022
    entry = unit_entry(compute(2021, as_of=YEAR_END), "06976")
    assert entry["counts"]["crime_cases"] == 6
    assert entry["previous_counts"]["crime_cases"] == 1


def test_unfinished_year_is_cut_at_as_of_and_previous_at_the_same_day(units, user, commune_a):
    add_incidents(commune_a, user, 1, day=date(2021, 6, 1))
    add_incidents(commune_a, user, 2, day=date(2021, 6, 2))  # after as-of
    add_incidents(commune_a, user, 4, day=date(2020, 6, 1))
    add_incidents(commune_a, user, 8, day=date(2020, 6, 2))  # after the previous cut
    document = compute(2021, as_of=date(2021, 6, 1))
    assert document["period"] == {"start": "2020-12-15", "end": "2021-06-01"}
    assert document["previous_period"] == {"start": "2019-12-15", "end": "2020-06-01"}
    entry = unit_entry(document, "06976")
    assert (entry["counts"]["crime_cases"], entry["previous_counts"]["crime_cases"]) == (1, 4)


def test_leap_day_as_of_cuts_the_previous_period_on_28_february(units, user, commune_a):
    add_incidents(commune_a, user, 1, day=date(2023, 2, 28))  # in the previous cut period
    add_incidents(commune_a, user, 2, day=date(2023, 3, 1))  # after it
    add_incidents(commune_a, user, 4, day=date(2024, 2, 29))
    document = compute(2024, as_of=date(2024, 2, 29))
    assert document["period"] == {"start": "2023-12-15", "end": "2024-02-29"}
    assert document["previous_period"] == {"start": "2022-12-15", "end": "2023-02-28"}
    entry = unit_entry(document, "06976")
    assert (entry["counts"]["crime_cases"], entry["previous_counts"]["crime_cases"]) == (4, 1)


def test_traffic_three_criteria(units, user, commune_a, commune_b):
    TrafficAccident.objects.bulk_create(
        [
            f.accident(commune_a, user, occurred_on=date(2020, 5, 1), deaths=1, injuries=2),
            f.accident(commune_a, user, occurred_on=date(2020, 6, 1), deaths=0, injuries=0),
            f.accident(commune_a, user, occurred_on=date(2021, 5, 1), deaths=0, injuries=2),
        ]
    )
    document = compute(2021, as_of=YEAR_END)
    assert target(document, "06976", "traffic_reduction") == {
        "current": {"cases": 1, "deaths": 0, "injuries": 2},
        "previous": {"cases": 2, "deaths": 1, "injuries": 2},
        "status": "missed",  # injuries did not fall
    }
    assert target(document, "06970", "traffic_reduction")["status"] == "met"  # 0 = 0 on all three
    assert unit_entry(document, "06976")["counts"]["traffic_injuries"] == 2


# --- Tips ------------------------------------------------------------------------------------


def add_tip(unit, user, received_on, decided_on=None):
    tip = f.tip(unit, user, received_on=received_on)
    if decided_on:
        tip.decision, tip.decided_on = "prosecute", decided_on
    tip.save()
    return tip


def test_tips_pending_overdue_and_on_the_deadline_day(units, user, commune_a):
    add_tip(commune_a, user, date(2021, 3, 1), decided_on=date(2021, 3, 21))  # on the deadline day: on time
    add_tip(commune_a, user, date(2021, 3, 1), decided_on=date(2021, 3, 22))  # one day late
    add_tip(commune_a, user, date(2021, 3, 1))  # undecided, deadline 21/3
    add_tip(commune_a, user, date(2021, 5, 1))  # undecided, deadline 21/5
    on_deadline = target(compute(2021, as_of=date(2021, 3, 21)), "06976", "tips_on_time")
    # On 21/3: the first is decided on time; the second (decided later) and the third are still
    # pending on their deadline day; the fourth is pending.
    assert on_deadline == {"numerator": 1, "denominator": 1, "rate": 100.0, "status": "met"}
    next_day = target(compute(2021, as_of=date(2021, 3, 22)), "06976", "tips_on_time")
    assert next_day == {"numerator": 1, "denominator": 3, "rate": 33.33, "status": "missed"}
    year_end = target(compute(2021, as_of=YEAR_END), "06976", "tips_on_time")
    assert (year_end["numerator"], year_end["denominator"]) == (1, 4)


def test_a_tip_extended_to_the_working_day_after_a_holiday_is_judged_by_that_day(units, user, commune_a):
    # Received 1/3/2021, extended to 4/5/2021: 2 months end on a holiday, art. 134 moves the limit
    # to the next working day (incidents/deadlines.py); a decision that day is on time.
    tip = add_tip(commune_a, user, date(2021, 3, 1), decided_on=date(2021, 5, 4))
    tip.deadline = date(2021, 5, 4)
    tip.save()
    assert target(compute(2021, as_of=date(2021, 5, 5)), "06976", "tips_on_time")["numerator"] == 1


def test_tip_resolved_after_as_of_is_judged_as_it_stood(units, user, commune_a):
    add_tip(commune_a, user, date(2021, 3, 1), decided_on=date(2021, 3, 10))
    early = target(compute(2021, as_of=date(2021, 3, 5)), "06976", "tips_on_time")
    assert early == {"numerator": 0, "denominator": 0, "rate": None, "status": "no_data"}  # pending on 5/3
    late_tip = add_tip(commune_a, user, date(2021, 3, 1), decided_on=date(2021, 4, 1))
    assert late_tip.deadline == date(2021, 3, 21)
    as_of_25 = target(compute(2021, as_of=date(2021, 3, 25)), "06976", "tips_on_time")
    # On 25/3 the second tip was overdue (decided only on 1/4): judged, not on time.
    assert (as_of_25["numerator"], as_of_25["denominator"]) == (1, 2)


def test_tip_belongs_to_the_year_it_was_received(units, user, commune_a):
    add_tip(commune_a, user, date(2020, 12, 14), decided_on=date(2020, 12, 20))
    add_tip(commune_a, user, date(2020, 12, 15), decided_on=date(2020, 12, 20))
    result = target(compute(2021, as_of=YEAR_END), "06976", "tips_on_time")
    assert (result["numerator"], result["denominator"]) == (1, 1)


# --- Foreigners ------------------------------------------------------------------------------


def add_stay(unit, user, arrived_at, hours=None, **fields):
    stay = f.stay(unit, user, arrived_at=arrived_at, **fields)
    if hours is not None:
        stay.declared_at = arrived_at + timedelta(hours=hours)
    stay.save()
    return stay


def test_foreigners_12_hours_exactly_on_time_and_24_hours_remote(units, user, commune_a, commune_b):
    assert commune_a.is_remote and not commune_b.is_remote
    arrival = f.local(2021, 3, 1, 8, 0)
    add_stay(commune_b, user, arrival, hours=12)  # exactly 12 h: on time
    add_stay(commune_b, user, arrival, hours=12 + 1 / 3600)  # one second late
    add_stay(commune_b, user, arrival)  # never declared
    add_stay(commune_a, user, arrival, hours=24)  # remote: exactly 24 h on time
    add_stay(commune_a, user, arrival, hours=24 + 1 / 60)  # remote: a minute late
    document = compute(2021, as_of=YEAR_END)
    assert target(document, "06970", "foreigners_declared") == {
        "numerator": 1,
        "denominator": 3,
        "rate": 33.33,
        "status": "missed",
    }
    assert target(document, "06976", "foreigners_declared")["numerator"] == 1
    assert target(document, "06976", "foreigners_declared")["denominator"] == 2
    assert target(document, "06979", "foreigners_declared")["status"] == "no_data"


def test_stay_belongs_to_the_period_of_its_local_arrival_date(units, user, commune_b):
    add_stay(commune_b, user, f.local(2021, 12, 14, 23, 30), hours=1)  # local 14/12: year 2021
    add_stay(commune_b, user, f.local(2021, 12, 15, 0, 10), hours=1)  # local 15/12: year 2022
    result = target(compute(2021, as_of=YEAR_END), "06970", "foreigners_declared")
    assert (result["numerator"], result["denominator"]) == (1, 1)


# --- Reintegration ---------------------------------------------------------------------------


def test_reoffending_cohort_and_strict_ten_percent(units, commune_a, commune_b):
    # Thanh Lâm: 10 in the cohort, one reoffends in P -> 10 %, not below 10 %: missed.
    people = [make_person(commune_a, returned_on=date(2020, 1, 1)) for _ in range(10)]
    make_reoffence(people[0], date(2021, 2, 1))
    make_reoffence(people[1], date(2020, 12, 14))  # before P: not counted
    # Not in the cohort: suspended sentence, returned after P, management ended before P.
    make_person(commune_a, category=Category.SUSPENDED_SENTENCE, returned_on=date(2020, 1, 1))
    make_person(commune_a, returned_on=date(2019, 1, 1), management_end=date(2020, 12, 14))
    make_person(commune_a, returned_on=date(2021, 12, 15))
    # Town: 11 in the cohort (management ending on the first day of P still counts), one reoffends.
    town = [make_person(commune_b, returned_on=date(2020, 1, 1)) for _ in range(10)]
    town.append(make_person(commune_b, returned_on=date(2019, 1, 1), management_end=date(2020, 12, 15)))
    make_reoffence(town[0], date(2021, 12, 14))
    document = compute(2021, as_of=YEAR_END)
    assert target(document, "06976", "reoffending") == {
        "numerator": 1,
        "denominator": 10,
        "rate": 10.0,
        "status": "missed",
    }
    assert target(document, "06970", "reoffending") == {
        "numerator": 1,
        "denominator": 11,
        "rate": 9.09,
        "status": "met",
    }
    district = target(document, "202", "reoffending")
    assert (district["numerator"], district["denominator"], district["status"]) == (2, 21, "met")


def test_employment_latest_status_on_the_last_day_and_ten_points(units, commune_a, commune_b):
    # Thanh Lâm: previous year 1 of 4 employed (25 %), this year 3 of 4 (75 %): met.
    people = [make_person(commune_a, returned_on=date(2019, 6, 1)) for _ in range(4)]
    make_status(people[0], date(2020, 1, 1))
    make_status(people[1], date(2020, 1, 1), has_job=False)
    make_status(people[1], date(2021, 1, 1))
    make_status(people[2], date(2021, 12, 14))  # on the last day of P: counts
    make_status(people[3], date(2021, 12, 15))  # after P: not counted
    make_status(people[0], date(2021, 5, 1), stable_life=False)
    make_status(people[0], date(2021, 6, 1))
    # Town: no one under management a year earlier -> no baseline.
    make_status(make_person(commune_b, returned_on=date(2021, 1, 1)), date(2021, 2, 1))
    document = compute(2021, as_of=YEAR_END)
    assert target(document, "06976", "reintegration_employment") == {
        "numerator": 3,
        "denominator": 4,
        "rate": 75.0,
        "previous_rate": 25.0,
        "status": "met",
    }
    assert target(document, "06970", "reintegration_employment") == {
        "numerator": 1,
        "denominator": 1,
        "rate": 100.0,
        "previous_rate": None,
        "status": "no_baseline",
    }
    assert target(document, "06979", "reintegration_employment")["status"] == "no_data"
    # The district: 4 of 5 now, 1 of 4 before (summed populations, not averaged rates).
    assert target(document, "202", "reintegration_employment") == {
        "numerator": 4,
        "denominator": 5,
        "rate": 80.0,
        "previous_rate": 25.0,
        "status": "met",
    }


def test_employment_population_on_the_as_of_day_for_an_unfinished_year(units, commune_a):
    person = make_person(commune_a, returned_on=date(2020, 1, 1), management_end=date(2021, 6, 30))
    make_status(person, date(2020, 2, 1))
    before_end = target(compute(2021, as_of=date(2021, 6, 30)), "06976", "reintegration_employment")
    assert (before_end["numerator"], before_end["denominator"], before_end["previous_rate"]) == (1, 1, 100.0)
    after_end = target(compute(2021, as_of=date(2021, 7, 1)), "06976", "reintegration_employment")
    assert after_end["denominator"] == 0 and after_end["status"] == "no_data"


# --- Parents ---------------------------------------------------------------------------------


def test_parents_sum_their_children_counts_and_numerators(units, user, commune_a, commune_b):
    add_incidents(commune_a, user, 3, subjects=2)
    add_incidents(commune_b, user, 2, subjects=1, code="social_evil.drug_use")
    add_incidents(units["06979"], user, 5, day=date(2020, 8, 1))
    add_tip(commune_a, user, date(2021, 3, 1), decided_on=date(2021, 3, 5))  # 1 of 1
    for _ in range(3):
        add_tip(commune_b, user, date(2021, 3, 1))  # 0 of 3 (overdue at year end)
    document = compute(2021, as_of=YEAR_END)
    communes = [entry for entry in document["units"] if entry["level"] == "commune"]
    district, province = unit_entry(document, "202"), unit_entry(document, "22")
    for key in COUNT_KEYS:
        assert district["counts"][key] == sum(entry["counts"][key] for entry in communes)
        assert district["previous_counts"][key] == sum(entry["previous_counts"][key] for entry in communes)
    assert province["counts"] == district["counts"] and province["previous_counts"] == district["previous_counts"]
    assert district["counts"]["crime_subjects"] == 6 and district["previous_counts"]["crime_cases"] == 5
    # 1 of 4 = 25 %, not the mean of 100 % and 0 %.
    assert district["targets"]["tips_on_time"] == {"numerator": 1, "denominator": 4, "rate": 25.0, "status": "missed"}


# --- Thresholds ------------------------------------------------------------------------------


def test_custom_threshold_per_unit_ancestor_and_year_fallback(units, user, commune_a, commune_b):
    for unit in (commune_a, commune_b):
        add_incidents(unit, user, 100, day=date(2020, 3, 1))
        add_incidents(unit, user, 93)
    TargetDefinition.objects.create(
        code="crime_reduction",
        group="crime_and_order",
        rule="reduction",
        year=2021,
        unit=commune_a,
        threshold=Decimal("8"),
    )
    document = compute(2021, as_of=YEAR_END)
    assert target(document, "06976", "crime_reduction")["status"] == "missed"  # 7 % < 8 % for Thanh Lâm
    assert target(document, "06970", "crime_reduction")["status"] == "met"  # default 7 %
    # A district row applies to its communes without a row of their own.
    TargetDefinition.objects.create(
        code="crime_reduction",
        group="crime_and_order",
        rule="reduction",
        year=2021,
        unit=units["202"],
        threshold=Decimal("7.5"),
    )
    document = compute(2021, as_of=YEAR_END)
    assert target(document, "06970", "crime_reduction")["status"] == "missed"
    assert target(document, "06976", "crime_reduction")["status"] == "missed"
    assert engine.Thresholds(2021).for_unit("crime_reduction", commune_a.path) == Decimal("8")
    assert engine.Thresholds(2021).for_unit("crime_reduction", units["06979"].path) == Decimal("7.5")
    # A year without definitions uses the latest earlier year's.
    TargetDefinition.objects.filter(code="reoffending", year=2025, unit=None).update(threshold=Decimal("12"))
    assert engine.Thresholds(2027).for_unit("reoffending", commune_a.path) == Decimal("12")
    assert engine.Thresholds(2023).for_unit("reoffending", commune_a.path) == Decimal("10")


def test_seeded_definitions_cover_2021_to_2025():
    rows = TargetDefinition.objects.filter(unit=None)
    assert rows.count() == 8 * 5
    assert set(rows.values_list("year", flat=True)) == {2021, 2022, 2023, 2024, 2025}
    assert rows.get(code="crime_reduction", year=2023).threshold == 7
    assert rows.get(code="reintegration_employment", year=2023).threshold == 10
    assert rows.get(code="reoffending", year=2023).threshold == 10


# --- Cost ------------------------------------------------------------------------------------


def build_tree(prefix: str, communes: int, user) -> AdministrativeUnit:
    province = AdministrativeUnit.objects.create(code=prefix, name=f"Tỉnh {prefix}", kind="tinh")
    district = AdministrativeUnit.objects.create(code=f"{prefix}1", name="Huyện Thử", kind="huyen", parent=province)
    made = [
        AdministrativeUnit(
            code=f"{prefix}1{i:03d}",
            name=f"Xã {i}",
            kind="xa",
            parent=district,
            path=f"{district.path}{prefix}1{i:03d}/",
            level="commune",
        )
        for i in range(communes)
    ]
    AdministrativeUnit.objects.bulk_create(made)
    made = list(AdministrativeUnit.objects.filter(parent=district))
    Incident.objects.bulk_create([f.incident(unit, user, occurred_on=date(2021, 3, 1)) for unit in made])
    Incident.objects.bulk_create([f.incident(unit, user, occurred_on=date(2020, 3, 1)) for unit in made])
    CrimeTip.objects.bulk_create(
        [f.tip(unit, user, received_on=date(2021, 3, 1), deadline=date(2021, 3, 21)) for unit in made]
    )
    for unit in made[:2]:
        add_stay(unit, user, f.local(2021, 3, 1, 8, 0), hours=1)
        make_status(make_person(unit, returned_on=date(2020, 1, 1)), date(2020, 2, 1))
    return province


def count_queries(scope_code):
    with CaptureQueriesContext(connection) as context:
        document = compute(2021, as_of=YEAR_END, scope_code=scope_code)
    return len(context.captured_queries), document


def test_queries_do_not_grow_with_communes(user):
    small, small_doc = count_queries(build_tree("91", 8, user).code)
    large, large_doc = count_queries(build_tree("92", 60, user).code)
    assert len(small_doc["units"]) == 10 and len(large_doc["units"]) == 62
    assert unit_entry(large_doc, "92")["counts"]["crime_cases"] == 60
    assert target(large_doc, "921", "tips_on_time")["denominator"] == 60
    # scope root, units, the lineage (with the villages a part transfer names) and the units whose
    # records may fold in, definitions, and one query per record type (incidents, accidents, tips,
    # stays, persons): the same for 8 and for 60 communes.
    assert small == large <= 11


def test_narrative_lines(units, user, commune_a):
    add_incidents(commune_a, user, 12, day=date(2020, 3, 1), subjects=1)
    add_incidents(commune_a, user, 10, subjects=1)
    add_incidents(commune_a, user, 1, subjects=3, code="violation.minerals")
    document = compute(2021, as_of=YEAR_END)
    entry = unit_entry(document, "06976")
    assert engine.narrative(entry, 2021) == "So với cùng kỳ năm 2020, xã Thanh Lâm giảm 01 vụ, tăng 01 đối tượng."
    assert engine.narratives(document, "en")["06976"].startswith(
        "Compared with the same period of 2020, Thanh Lâm commune"
    )
