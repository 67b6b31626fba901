"""Pages that have nothing to show yet say what to do next (issue 13): the reports, the criteria
assessments, the consolidated report and a commune's criteria section without a criteria list.
(Checked in English, as every test of reports/tests: the Vietnamese is the catalog's.)"""

import pytest
from django.urls import reverse
from django.utils import timezone

from basecurity.lib import periods
from basecurity.testing.html import text
from reports.models import CriteriaSet


def empty_state(client, url_name: str, params=None) -> str:
    return text(client.get(reverse(url_name), params), "//*[@id='empty-state']")


@pytest.mark.todays_map
def test_reports_list_says_how_to_start_or_where_to_look(roles, client_for):
    assert "Press “New report”" in empty_state(client_for(roles.officer_a), "reports:report_list")
    superior = client_for(roles.district_police)
    assert "“Who has reported” lists the reports due" in empty_state(superior, "reports:report_list")
    assert empty_state(superior, "reports:report_list", {"state": "approved"}) == "No report in this state."


@pytest.mark.todays_map
def test_criteria_assessments_say_who_starts_them(roles, client_for):
    assert "Press “New assessment”" in empty_state(client_for(roles.officer_a), "reports:assessment_list")
    superior = client_for(roles.district_police)
    assert "each commune starts its own" in empty_state(superior, "reports:assessment_list")


@pytest.mark.todays_map
def test_a_dashboard_without_a_criteria_list_says_what_the_administrator_loads(roles, client_for, commune_a):
    CriteriaSet.objects.all().delete()
    page = client_for(roles.officer_a).get(reverse("dashboards:unit_detail", args=[commune_a.pk]))
    assert "the administrator adds it in the administration" in text(page, "//*[@id='criteria-empty']")


@pytest.mark.todays_map
def test_the_consolidated_report_says_when_reports_show(roles, client_for, units):
    month = periods.period_of(timezone.localdate(), periods.Kind.MONTH)
    query = {"district": units["22"].pk, "period_kind": "month", "year": month.year, "number": month.number}
    page = empty_state(client_for(roles.district_police), "reports:district_report", query)
    assert "once the superior level approves it" in page
