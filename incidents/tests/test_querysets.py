"""Reads: periods, scope by unit subtree, and the aggregations the dashboards build on (in SQL)."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from basecurity.lib.periods import reporting_year
from incidents.models import CrimeTip, ForeignerStay, Incident, TrafficAccident

from . import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(roles):
    return roles.officer_a


def add_incidents(unit, user, code, subjects_list, day=date(2021, 3, 1)):
    Incident.objects.bulk_create(
        [f.incident(unit, user, category=f.category(code), subjects=s, occurred_on=day) for s in subjects_list]
    )


def test_counts_by_group_in_one_query(units, commune_a, commune_b, officer, django_assert_num_queries):
    add_incidents(commune_a, officer, "crime.theft", [1, 2])
    add_incidents(commune_a, officer, "crime.drugs", [3])
    add_incidents(commune_a, officer, "violation.minerals", [0])
    add_incidents(commune_b, officer, "crime.fraud", [2])
    add_incidents(commune_b, officer, "social_evil.drug_use", [1, 1])
    with django_assert_num_queries(1):  # one GROUP BY unit, group
        rows = list(Incident.objects.within(units["202"]).counts_by_group())
    by_key = {(row["unit"], row["category__group"]): (row["cases"], row["subjects"]) for row in rows}
    assert by_key == {
        (commune_a.pk, "crime"): (3, 6),
        (commune_a.pk, "violation"): (1, 0),
        (commune_b.pk, "crime"): (1, 2),
        (commune_b.pk, "social_evil"): (2, 2),
    }


def test_district_totals_sum_its_communes(units, commune_a, commune_b, officer):
    add_incidents(commune_a, officer, "crime.theft", [1, 2])
    add_incidents(commune_b, officer, "crime.robbery", [4])
    add_incidents(units["06979"], officer, "crime.other", [1])
    # A record of another district is outside Ba Chẽ's subtree.
    other_district = units["202"].__class__.objects.create(
        code="999", name="Huyện khác", kind="huyen", parent=units["22"]
    )
    other_commune = units["202"].__class__.objects.create(
        code="99999", name="Xã khác", kind="xa", parent=other_district
    )
    add_incidents(other_commune, officer, "crime.theft", [5])
    totals = {
        row["category__group"]: (row["cases"], row["subjects"])
        for row in Incident.objects.within(units["202"]).totals_by_group()
    }
    assert totals == {"crime": (4, 8)}
    per_unit = Incident.objects.within(units["202"]).of_group("crime").counts_by_group()
    assert sum(row["cases"] for row in per_unit) == 4
    assert Incident.objects.within(commune_a).count() == 2
    assert Incident.objects.count() == 5


def test_in_period_includes_both_ends(commune_a, officer):
    for day in (date(2020, 12, 14), date(2020, 12, 15), date(2021, 12, 14), date(2021, 12, 15)):
        add_incidents(commune_a, officer, "crime.theft", [1], day=day)
    year_2021 = Incident.objects.in_period(date(2020, 12, 15), date(2021, 12, 14))
    assert sorted(year_2021.values_list("occurred_on", flat=True)) == [date(2020, 12, 15), date(2021, 12, 14)]


def test_records_of_a_village_count_for_its_commune(units, commune_a, officer):
    Incident.objects.bulk_create([f.incident(commune_a, officer, village=units["06976-01"])])
    assert Incident.objects.within(commune_a).in_village(units["06976-01"]).count() == 1


def test_traffic_totals(units, commune_a, commune_b, officer):
    TrafficAccident.objects.bulk_create(
        [
            f.accident(commune_a, officer, deaths=1, injuries=0),
            f.accident(commune_a, officer, deaths=0, injuries=2),
            f.accident(commune_b, officer, deaths=0, injuries=1),
        ]
    )
    assert TrafficAccident.objects.within(units["202"]).totals() == {"cases": 3, "deaths": 1, "injuries": 3}
    assert TrafficAccident.objects.none().totals() == {"cases": 0, "deaths": 0, "injuries": 0}
    rows = {row["unit"]: row for row in TrafficAccident.objects.totals_by_unit()}
    assert (rows[commune_a.pk]["cases"], rows[commune_a.pk]["injuries"]) == (2, 2)


def make_tip(unit, user, received_on, decided_on=None, deadline=None):
    tip = f.tip(unit, user, received_on=received_on, decision="prosecute" if decided_on else "", decided_on=decided_on)
    tip.deadline = deadline
    tip.save()
    return tip


def test_overdue_and_due_soon_lists(commune_a, officer):
    as_of = date(2021, 6, 30)
    overdue = make_tip(commune_a, officer, date(2021, 6, 1))  # deadline 21/06
    on_deadline = make_tip(commune_a, officer, date(2021, 6, 10))  # deadline 30/06: due today
    in_five_days = make_tip(commune_a, officer, date(2021, 6, 15))  # deadline 05/07
    in_six_days = make_tip(commune_a, officer, date(2021, 6, 16))  # deadline 06/07
    decided = make_tip(commune_a, officer, date(2021, 6, 1), decided_on=date(2021, 6, 20))
    decided_later = make_tip(commune_a, officer, date(2021, 5, 1), decided_on=date(2021, 7, 5))  # overdue on 30/06
    tips = CrimeTip.objects.within(commune_a)
    assert set(tips.overdue(as_of)) == {overdue, decided_later}
    assert set(tips.due_within(5, as_of)) == {on_deadline, in_five_days}
    assert list(tips.needing_attention(5, as_of)) == [decided_later, overdue, on_deadline, in_five_days]
    assert in_six_days not in tips.needing_attention(5, as_of)
    assert set(tips.resolved(as_of)) == {decided}
    assert tips.unresolved(as_of).count() == 5


def test_tips_on_time_counts_follow_targets_md(commune_a, officer, django_assert_num_queries):
    as_of = date(2021, 6, 30)
    make_tip(commune_a, officer, date(2021, 6, 1), decided_on=date(2021, 6, 21))  # on the deadline: on time
    make_tip(commune_a, officer, date(2021, 5, 1), decided_on=date(2021, 5, 22))  # a day late
    make_tip(commune_a, officer, date(2021, 5, 1))  # overdue, unresolved
    make_tip(commune_a, officer, date(2021, 6, 20))  # pending: not judged
    make_tip(commune_a, officer, date(2021, 3, 1), deadline=date(2021, 5, 1), decided_on=date(2021, 4, 30))  # extended
    make_tip(commune_a, officer, date(2021, 6, 15), decided_on=date(2021, 7, 2))  # decided after as_of, still pending
    with django_assert_num_queries(1):
        [row] = list(CrimeTip.objects.within(commune_a).on_time_counts(as_of))
    assert (row["judged"], row["on_time"]) == (4, 2)


def test_handover_overdue(commune_b, officer):
    now = timezone.now()
    late = f.tip(commune_b, officer, received_at=now - timedelta(hours=25))
    late.save()
    fresh = f.tip(commune_b, officer, received_at=now - timedelta(hours=23))
    fresh.save()
    handed = f.tip(commune_b, officer, received_at=now - timedelta(hours=30), handed_over_at=now - timedelta(hours=10))
    handed.save()
    assert list(CrimeTip.objects.handover_overdue(now)) == [late]


def test_declaration_counts(commune_a, commune_b, officer):
    arrived = f.local(2021, 3, 1, 8, 0)
    stays = [
        f.stay(commune_a, officer, declared_at=arrived + timedelta(hours=24)),  # remote: exactly on time
        f.stay(commune_a, officer, declared_at=arrived + timedelta(hours=24, seconds=1)),
        f.stay(commune_a, officer),  # never declared
        f.stay(commune_b, officer, declared_at=arrived + timedelta(hours=12)),
        f.stay(commune_b, officer, declared_at=arrived + timedelta(hours=13)),
    ]
    for stay in stays:
        stay.save()
    rows = {row["unit"]: (row["stays"], row["on_time"]) for row in ForeignerStay.objects.declaration_counts()}
    assert rows == {commune_a.pk: (3, 1), commune_b.pk: (2, 1)}
    assert ForeignerStay.objects.late_or_undeclared().count() == 3
    assert ForeignerStay.objects.declared_on_time().count() == 2


def test_stay_belongs_to_the_period_of_its_local_arrival_date(commune_a, officer):
    # 00:30 on 15/12/2020 in Vietnam is 14/12 17:30 UTC: it belongs to reporting year 2021.
    f.stay(commune_a, officer, arrived_at=f.local(2020, 12, 15, 0, 30)).save()
    assert ForeignerStay.objects.in_period(date(2020, 12, 15), date(2021, 12, 14)).count() == 1


def test_in_period_accepts_a_reporting_period(commune_a, officer):
    for day in (date(2020, 12, 14), date(2020, 12, 15)):
        add_incidents(commune_a, officer, "crime.theft", [1], day=day)
    assert list(Incident.objects.in_period(reporting_year(2021)).values_list("occurred_on", flat=True)) == [
        date(2020, 12, 15)
    ]
