"""The criteria results on the dashboards: a commune's groups and past years, a district's communes."""

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communes.models import AdministrativeUnit, Level
from reports import dashboard_sections
from reports.models import Assessment, AssessmentAnswer, AssessmentState

pytestmark = pytest.mark.django_db


def assess(unit, model_set, items, year, *, failing_groups=(), state=AssessmentState.CONFIRMED):
    assessment = Assessment.objects.create(unit=unit, criteria_set=model_set, year=year, state=state)
    AssessmentAnswer.objects.bulk_create(
        AssessmentAnswer(assessment=assessment, item=item, met=item.group.number not in failing_groups)
        for item in items.values()
    )
    return assessment


def page(client, name, unit, year):
    return client.get(reverse(f"dashboards:{name}", args=[unit.pk]) + f"?year={year}")


def test_commune_page_shows_the_groups_of_the_year_and_past_years(roles, client_for, commune_a, model_set, items):
    assess(commune_a, model_set, items, 2023)
    assess(commune_a, model_set, items, 2024, failing_groups={3})
    client = client_for(roles.committee_a)
    response = page(client, "unit_detail", commune_a, 2024)
    assert response.status_code == 200
    groups = response.context["sections"]
    assert groups.count('<li class="list-group-item') == 4
    assert 'data-group="3"><span>3. Xây dựng phong trào Toàn dân bảo vệ an ninh Tổ quốc<' in groups
    assert groups.count("2/2") >= 3 and "0/2" in groups  # group 3: no criterion met
    assert 'data-year="2024"' in groups and 'data-year="2023"' in groups
    assert groups.index('data-year="2024"') < groups.index('data-year="2023"')

    # A year without an assessment: the four groups, not assessed yet.
    response = page(client, "unit_detail", commune_a, 2022)
    assert response.context["sections"].count("not assessed yet") == 4


def test_district_overview_lists_each_commune_and_province_overview_tallies(
    roles, client_for, units, commune_a, commune_b, model_set, items
):
    assess(commune_a, model_set, items, 2024)
    assess(commune_b, model_set, items, 2024, failing_groups={1}, state=AssessmentState.SUBMITTED)
    response = page(client_for(roles.district_committee), "unit_overview", units["202"], 2024)
    section = response.context["sections"]
    assert 'id="criteria-overview-table"' in section
    row_a = section[section.index(f'data-unit="{commune_a.code}"') :]
    row_a = row_a[: row_a.index("</tr>")]
    assert row_a.count("Met") == 5 and "Confirmed" in row_a
    row_b = section[section.index(f'data-unit="{commune_b.code}"') :]
    row_b = row_b[: row_b.index("</tr>")]
    assert "Not met" in row_b and "Submitted" in row_b
    communes = AdministrativeUnit.objects.filter(level=Level.COMMUNE, path__startswith=units["202"].path).count()
    assert section.count("not assessed yet") == communes - 2

    province = client_for(roles.admin).get(reverse("dashboards:unit_overview", args=[units["22"].pk]) + "?year=2024")
    tally = province.context["sections"]
    district_row = tally[tally.index('data-unit="202"') :]
    cells = [cell.split(">")[-1] for cell in district_row[: district_row.index("</tr>")].split("</td>")[:-1]]
    assert cells == [str(communes), "1", "1", "1"]  # communes, awaiting, confirmed, confirmed and met


def test_overview_section_runs_the_same_queries_for_few_and_many_assessments(roles, units, model_set, items):
    communes = list(AdministrativeUnit.objects.filter(level=Level.COMMUNE, path__startswith=units["202"].path))
    request = RequestFactory().get("/")
    request.user = roles.district_committee
    assess(communes[0], model_set, items, 2024)
    dashboard_sections.overview_section(request, units["202"], 2024)  # reads the user's roles once
    with CaptureQueriesContext(connection) as few:
        dashboard_sections.overview_section(request, units["202"], 2024)
    for commune in communes[1:]:
        assess(commune, model_set, items, 2024)
    with CaptureQueriesContext(connection) as many:
        html = dashboard_sections.overview_section(request, units["202"], 2024)
    assert "not assessed yet" not in html
    assert len(many) == len(few) <= 6


def test_sections_follow_the_scope(roles, commune_a, commune_b, model_set, items):
    request = RequestFactory().get("/")
    request.user = roles.committee_a
    assess(commune_b, model_set, items, 2024)
    assert dashboard_sections.unit_section(request, commune_b, 2024) == ""
    assert "criteria-groups" in dashboard_sections.unit_section(request, commune_a, 2024)
