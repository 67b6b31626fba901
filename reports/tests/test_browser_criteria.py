"""The yearly criteria assessment in a browser on a phone: an officer answers item by item with a
file and submits, the district committee confirms, and the commune's dashboard shows the groups met."""

import pytest
from django.urls import reverse

import conftest
from basecurity.testing.browser import log_in
from communes.models import Role
from reports.models import Assessment, AssessmentState, CriteriaKind, CriteriaSet

pytestmark = pytest.mark.browser


def test_officer_assesses_district_confirms_dashboard_shows(live_server, units, browser_page, settings, tmp_path):
    from playwright.sync_api import expect

    settings.MEDIA_ROOT = tmp_path
    conftest.make_user("canbo_thanhlam", Role.COMMUNE_OFFICER, units["06976"])
    conftest.make_user("bcd_huyen", Role.DISTRICT_COMMITTEE, units["202"])
    # The live server's database is flushed after each browser test, the seeded set included.
    conftest.reseed_reference_data()
    criteria_set = CriteriaSet.objects.get(kind=CriteriaKind.MODEL_ASSESSMENT, year_from=2021, year_to=2025)
    for group in criteria_set.groups.all():
        group.items.create(number=1, text=f"Tiêu chí {group.number}.1")
    page, base = browser_page, live_server.url
    page.set_viewport_size({"width": 360, "height": 780})

    log_in(page, base, "canbo_thanhlam")
    page.goto(f"{base}{reverse('reports:assessment_list')}?year=2025")
    page.locator("#start-assessment").click()
    page.select_option("select[name=unit]", label="Xã Thanh Lâm")
    page.select_option("select[name=criteria_set]", label=str(criteria_set))
    page.fill("input[name=year]", "2025")
    page.locator("#create-assessment").click()
    expect(page.locator("#answers-form")).to_be_visible()
    assessment = Assessment.objects.get()
    items = {}
    for group in criteria_set.groups.all():
        item = group.items.get()
        items[group.number] = item
        page.locator(f"#id_item-{item.pk}-met_0").check()
        page.fill(f"#id_item-{item.pk}-evidence", f"Biên bản số {group.number}/BB-CAX")
    page.set_input_files(
        f"#id_item-{items[1].pk}-attachment",
        files=[{"name": "nghi-quyet.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 nghi quyet"}],
    )
    page.locator("#save-submit-answers").click()
    expect(page.locator("#assessment-state")).to_have_text("Submitted")
    assessment.refresh_from_db()
    assert assessment.state == AssessmentState.SUBMITTED
    assert assessment.answers.get(item=items[1]).attachment.read() == b"%PDF-1.4 nghi quyet"

    log_in(page, base, "bcd_huyen")
    page.goto(f"{base}{assessment.get_absolute_url()}")
    page.locator("#id_decision_0").check()
    page.locator("#decide-assessment").click()
    expect(page.locator("#assessment-state")).to_have_text("Confirmed")

    page.goto(f"{base}{reverse('dashboards:unit_detail', args=[units['06976'].pk])}?year=2025")
    expect(page.locator("#criteria-groups li")).to_have_count(4)
    expect(page.locator("#criteria-groups li .text-bg-success")).to_have_count(4)
    expect(page.locator("#criteria-history tr[data-year='2025']")).to_contain_text("Met")
    page.screenshot(path="/tmp/criteria_commune_360.png", full_page=True)
