"""The paginator of the list pages (basecurity/lib/paging.py): the count stops at the cap, pages
stay within it, and a list page says "more than …" instead of an exact count."""

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from basecurity.lib import paging
from basecurity.testing.html import text
from incidents.models import Incident
from incidents.tests import factories as f

pytestmark = pytest.mark.django_db


def incidents(commune, user, count: int) -> None:
    first = date(2021, 1, 1)
    Incident.objects.bulk_create(f.incident(commune, user, occurred_on=first + timedelta(days=n)) for n in range(count))


def page_of(queryset, number, *, per_page=3, cap=5):
    request = RequestFactory().get("/", {"page": number})
    with CaptureQueriesContext(connection) as queries:
        page = paging.paginate(request, queryset, per_page, cap=cap)
        rows = list(page)
    return page, rows, [query["sql"] for query in queries]


def test_the_count_stops_at_the_cap(commune_a, roles):
    incidents(commune_a, roles.officer_a, 8)
    page, rows, sql = page_of(Incident.objects.order_by("-occurred_on", "-id"), 1)
    assert (page.paginator.count, page.paginator.capped, page.paginator.num_pages) == (5, True, 2)
    [count_sql] = [query for query in sql if "COUNT(" in query.upper()]
    assert "LIMIT 6" in count_sql.upper()  # counts cap + 1 rows at most, never the whole table
    assert [row.occurred_on for row in rows] == [date(2021, 1, 8), date(2021, 1, 7), date(2021, 1, 6)]


def test_a_page_beyond_the_cap_shows_the_last_page_within_it(commune_a, roles):
    incidents(commune_a, roles.officer_a, 8)
    page, rows, _sql = page_of(Incident.objects.order_by("-occurred_on", "-id"), 40)
    assert page.number == 2
    # The rows 4 and 5 of the list (cap 5): the 3 older ones are reached by narrowing the filters.
    assert [row.occurred_on for row in rows] == [date(2021, 1, 5), date(2021, 1, 4)]


def test_below_the_cap_the_count_is_exact(commune_a, roles):
    incidents(commune_a, roles.officer_a, 4)
    page, _rows, _sql = page_of(Incident.objects.order_by("-occurred_on", "-id"), "x")
    assert (page.number, page.paginator.count, page.paginator.capped) == (1, 4, False)


def test_the_cap_itself_is_not_capped(commune_a, roles):
    incidents(commune_a, roles.officer_a, 5)
    page, _rows, _sql = page_of(Incident.objects.all(), 1)
    assert (page.paginator.count, page.paginator.capped) == (5, False)


def test_a_list_page_says_more_than_the_cap_and_how_to_see_the_others(
    roles, client_for, commune_a, monkeypatch, client
):
    monkeypatch.setattr(paging, "COUNT_CAP", 30)
    incidents(commune_a, roles.officer_a, 31)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    officer = client_for(roles.officer_a)
    first = officer.get(reverse("incidents:incident_list"))
    assert text(first, "//*[@id='record-count']") == "More than 30 records"
    assert text(first, "//nav//span[@class='page-link']") == "Page 1 of 2+"
    last = officer.get(reverse("incidents:incident_list"), {"page": 9})
    assert len(last.context["page"]) == 5  # rows 26 to 30
    assert "narrow the filters" in text(last, "//*[@id='paging-capped']")


def test_a_later_page_reads_its_ids_first_then_its_rows(commune_a, roles):
    """Pages after the first: the ids of the page (the list's order, no join), then those rows with
    their relations; the rows are those of slicing the list."""
    incidents(commune_a, roles.officer_a, 8)
    listed = Incident.objects.select_related("unit", "village", "category").order_by("-occurred_on", "-id")
    page, rows, sql = page_of(listed, 2, cap=100)
    assert [row.pk for row in rows] == [row.pk for row in listed[3:6]]
    [ids_sql] = [query for query in sql if "OFFSET 3" in query.upper()]
    assert "JOIN" not in ids_sql.upper() and "LIMIT 3" in ids_sql.upper()
    [rows_sql] = [query for query in sql if "JOIN" in query.upper()]
    assert "OFFSET" not in rows_sql.upper() and all(str(row.pk) in rows_sql for row in rows)
    first, first_rows, first_sql = page_of(listed, 1, cap=100)
    assert [row.pk for row in first_rows] == [row.pk for row in listed[:3]]
    assert not any("OFFSET" in query.upper() for query in first_sql)  # the first page in one query
