"""The cohorts of targets.md, on their boundaries. Period P = 15/12/2020 – 14/12/2021."""

from datetime import date

import pytest

from basecurity.lib import periods
from reintegration.models import Category, Person
from reintegration.querysets import months_before

from .factories import make_person, make_reoffence, make_status, make_support

pytestmark = pytest.mark.django_db

START, END = date(2020, 12, 15), date(2021, 12, 14)


def pks(queryset):
    return set(queryset.values_list("pk", flat=True))


# --- reoffending -----------------------------------------------------------------------------


def test_returned_on_the_last_day_of_the_period_is_in_the_cohort(commune_a):
    person = make_person(commune_a, returned_on=END, management_start=END)
    assert pks(Person.objects.reoffending_cohort(START, END)) == {person.pk}


def test_returned_after_the_period_is_not(commune_a):
    make_person(commune_a, returned_on=date(2021, 12, 15), management_start=date(2021, 12, 15))
    assert not Person.objects.reoffending_cohort(START, END).exists()


def test_management_ended_the_day_before_the_period_is_not_in_the_cohort(commune_a):
    make_person(commune_a, management_end=date(2020, 12, 14))
    assert not Person.objects.reoffending_cohort(START, END).exists()


def test_management_ended_on_the_first_day_of_the_period_is(commune_a):
    person = make_person(commune_a, management_end=START)
    assert pks(Person.objects.reoffending_cohort(START, END)) == {person.pk}


@pytest.mark.parametrize(
    "category, counted",
    [
        (Category.COMPLETED_SENTENCE, True),
        (Category.SPECIAL_AMNESTY, True),
        (Category.CONDITIONAL_RELEASE, True),
        (Category.SUSPENDED_SENTENCE, False),
        (Category.NON_CUSTODIAL, False),
    ],
)
def test_only_served_or_amnestied_categories_are_in_the_cohort(commune_a, category, counted):
    make_person(commune_a, category=category)
    assert Person.objects.reoffending_cohort(START, END).exists() is counted


def test_reoffence_in_period_counts_once_and_outside_does_not(commune_a):
    inside = make_person(commune_a)
    make_reoffence(inside, START)
    make_reoffence(inside, END)  # two reoffences: still one person
    before = make_person(commune_a)
    make_reoffence(before, date(2020, 12, 14))
    assert pks(Person.objects.reoffending_cohort(START, END).with_reoffence_in(START, END)) == {inside.pk}


def test_reoffence_before_the_return_is_not_counted(commune_a):
    # The model refuses such a row; an old row written before the rule must still not count.
    person = make_person(commune_a, returned_on=date(2021, 3, 1), management_start=date(2021, 3, 1))
    make_reoffence(person, date(2021, 3, 1)).__class__.objects.filter(person=person).update(date=date(2021, 2, 1))
    assert not Person.objects.with_reoffence_in(START, END).exists()


def test_reoffending_counts_by_unit(commune_a, commune_b, django_assert_num_queries):
    for n in range(3):
        person = make_person(commune_a)
        if n == 0:
            make_reoffence(person, date(2021, 5, 1))
    make_person(commune_b)
    make_person(commune_b, category=Category.SUSPENDED_SENTENCE)  # not in the cohort
    with django_assert_num_queries(1):  # one GROUP BY query with an EXISTS per row
        rows = {row["unit"]: row for row in Person.objects.reoffending_counts_by_unit(START, END)}
    assert rows[commune_a.pk] == {"unit": commune_a.pk, "cohort": 3, "reoffended": 1}
    assert rows[commune_b.pk] == {"unit": commune_b.pk, "cohort": 1, "reoffended": 0}


# --- employment ------------------------------------------------------------------------------


def test_under_management_on_the_last_day(commune_a):
    returned_last_day = make_person(commune_a, returned_on=END, management_start=END)
    ended_last_day = make_person(commune_a, management_end=END)
    make_person(commune_a, management_end=date(2021, 12, 13))  # ended the day before
    make_person(commune_a, returned_on=date(2021, 12, 15), management_start=date(2021, 12, 15))
    assert pks(Person.objects.under_management_on(END)) == {returned_last_day.pk, ended_last_day.pk}


def test_latest_status_wins(commune_a):
    worse_later = make_person(commune_a)
    make_status(worse_later, date(2021, 1, 1), has_job=True, stable_life=True)
    make_status(worse_later, date(2021, 6, 1), has_job=False, stable_life=True)
    better_later = make_person(commune_a)
    make_status(better_later, date(2021, 1, 1), has_job=False, stable_life=False)
    make_status(better_later, date(2021, 6, 1), has_job=True, stable_life=True)
    assert pks(Person.objects.employed_on(END)) == {better_later.pk}


def test_status_after_the_day_is_ignored(commune_a):
    person = make_person(commune_a)
    make_status(person, date(2021, 1, 1), has_job=False, stable_life=False)
    make_status(person, date(2021, 12, 15), has_job=True, stable_life=True)
    assert not Person.objects.employed_on(END).exists()
    assert Person.objects.employed_on(date(2021, 12, 15)).exists()


def test_status_on_the_day_counts(commune_a):
    person = make_person(commune_a)
    make_status(person, END)
    assert pks(Person.objects.employed_on(END)) == {person.pk}


def test_job_without_stable_life_is_not_employed(commune_a):
    make_status(make_person(commune_a), date(2021, 1, 1), has_job=True, stable_life=False)
    make_status(make_person(commune_a), date(2021, 1, 1), has_job=False, stable_life=True)
    make_person(commune_a)  # no status at all
    assert not Person.objects.employed_on(END).exists()


def test_employment_counts_by_unit(commune_a, commune_b, django_assert_num_queries):
    employed = make_person(commune_a, category=Category.SUSPENDED_SENTENCE)  # any category counts
    make_status(employed, date(2021, 1, 1))
    make_status(make_person(commune_a), date(2021, 1, 1), has_job=False)
    make_person(commune_a, management_end=date(2021, 12, 13))  # not in the population
    make_person(commune_b)
    with django_assert_num_queries(1):  # one GROUP BY query with two correlated subqueries
        rows = {row["unit"]: row for row in Person.objects.employment_counts_by_unit(END)}
    assert rows[commune_a.pk] == {"unit": commune_a.pk, "population": 2, "employed": 1}
    assert rows[commune_b.pk] == {"unit": commune_b.pk, "population": 1, "employed": 0}


def test_rates_by_unit_in_the_units_order_with_none_for_nobody(units, commune_a, commune_b, django_assert_num_queries):
    for n in range(3):
        person = make_person(commune_a)
        make_status(person, date(2021, 1, 1), has_job=n == 0)
        if n < 2:
            make_reoffence(person, date(2021, 5, 1))
    empty = units["06973"]
    with django_assert_num_queries(2):  # the employment and the reoffending GROUP BY queries
        rows = Person.objects.rates_by_unit([empty, commune_a], periods.reporting_year(2021))
    assert [row["unit"] for row in rows] == [empty, commune_a]
    assert {key: rows[0][key] for key in ("population", "employment_rate", "cohort", "reoffending_rate")} == {
        "population": 0,
        "employment_rate": None,
        "cohort": 0,
        "reoffending_rate": None,
    }
    assert (rows[1]["employed"], rows[1]["population"], rows[1]["employment_rate"]) == (1, 3, 33.3)
    assert (rows[1]["reoffended"], rows[1]["cohort"], rows[1]["reoffending_rate"]) == (2, 3, 66.7)


def test_counts_within_a_unit_sum_its_communes(units, commune_a, commune_b):
    make_person(commune_a)
    make_person(commune_b)
    make_person(units["06973"])
    assert Person.objects.within(units["202"]).reoffending_cohort(START, END).count() == 3
    assert Person.objects.within(commune_a).reoffending_cohort(START, END).count() == 1


# --- needs attention -------------------------------------------------------------------------

TODAY = date(2021, 12, 1)


def test_needs_attention_reasons(commune_a):
    cared_for = make_person(commune_a)
    make_status(cared_for, date(2021, 6, 2))  # within 6 months
    make_support(cared_for, date(2021, 9, 2))  # within 3 months
    no_status = make_person(commune_a)
    make_status(no_status, date(2021, 6, 1))  # exactly 6 months ago: overdue
    make_support(no_status, date(2021, 11, 1))
    no_support = make_person(commune_a)
    make_status(no_support, date(2021, 11, 1))
    make_support(no_support, date(2021, 9, 1))  # exactly 3 months ago: overdue
    ending = make_person(commune_a, management_end=date(2021, 12, 31))
    make_status(ending, date(2021, 11, 1))
    make_support(ending, date(2021, 11, 1))
    rows = {p.pk: p for p in Person.objects.needs_attention(TODAY)}
    assert set(rows) == {no_status.pk, no_support.pk, ending.pk}
    assert (rows[no_status.pk].status_overdue, rows[no_status.pk].support_overdue) == (True, False)
    assert (rows[no_support.pk].status_overdue, rows[no_support.pk].support_overdue) == (False, True)
    assert rows[ending.pk].management_ending is True


def test_recent_return_is_not_yet_overdue_and_ended_management_is_not_listed(commune_a):
    make_person(commune_a, returned_on=date(2021, 11, 1), management_start=date(2021, 11, 1))
    make_person(commune_a, management_end=date(2021, 11, 30))
    ending_beyond_30_days = make_person(commune_a, management_end=date(2022, 1, 1))
    make_status(ending_beyond_30_days, date(2021, 11, 1))
    make_support(ending_beyond_30_days, date(2021, 11, 1))
    assert not Person.objects.needs_attention(TODAY).exists()


def test_person_without_any_record_is_overdue_on_both(commune_a):
    person = make_person(commune_a)
    row = Person.objects.needs_attention(TODAY).get()
    assert row.pk == person.pk and row.status_overdue and row.support_overdue and not row.management_ending


def test_months_before_clamps_to_month_end():
    assert months_before(date(2021, 8, 31), 6) == date(2021, 2, 28)
    assert months_before(date(2021, 3, 15), 3) == date(2020, 12, 15)


def test_with_latest_status_annotates_the_list(commune_a, django_assert_num_queries):
    person = make_person(commune_a)
    make_status(person, date(2021, 1, 1), has_job=False, stable_life=True)
    make_status(person, date(2021, 6, 1), has_job=True, stable_life=False)
    make_person(commune_a)
    with django_assert_num_queries(1):  # persons with three correlated subqueries
        rows = {p.pk: p for p in Person.objects.with_latest_status(END)}
    assert (
        rows[person.pk].latest_status_as_of,
        rows[person.pk].latest_has_job,
        rows[person.pk].latest_stable_life,
    ) == (
        date(2021, 6, 1),
        True,
        False,
    )
    assert [p.latest_status_as_of for p in rows.values() if p.pk != person.pk] == [None]
