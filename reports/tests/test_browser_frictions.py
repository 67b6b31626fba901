"""Everyday frictions in a browser, on a phone (360 px) and a desktop (1366 px): a new report starts on
the month under way; approving a month still running asks to confirm the early lock; the decision on
a crime tip starts with nothing chosen; incident types are grouped; the criteria list breaks no CSP rule."""

import pytest
from django.urls import reverse
from django.utils import timezone

import conftest
from basecurity.lib import periods
from basecurity.testing.browser import log_in
from communes.models import Role
from incidents.models import CategoryGroup, CrimeTip, IncidentCategory
from reports.models import Report, ReportState

pytestmark = pytest.mark.browser

WIDTHS = [360, 1366]


@pytest.fixture
def people(units):
    # Today's work, on today's map: xã Kỳ Thượng under the province's police.
    officer = conftest.make_user("canbo_kythuong", Role.COMMUNE_OFFICER, units["06979@2025"])
    conftest.make_user("congan_tinh", Role.DISTRICT_POLICE, units["22"])
    # The live server's database is flushed after each browser test, seeded taxonomy included.
    for code, name, group in (
        ("crime.theft", "Trộm cắp tài sản", CategoryGroup.CRIME),
        ("social_evil.drug_use", "Sử dụng trái phép chất ma túy", CategoryGroup.SOCIAL_EVIL),
    ):
        IncidentCategory.objects.get_or_create(code=code, defaults={"name": name, "group": group})
    return officer


@pytest.mark.parametrize("width", WIDTHS)
def test_report_of_the_month_under_way_is_approved_only_when_confirmed(width, live_server, people, browser_page):
    from playwright.sync_api import expect

    page, base = browser_page, live_server.url
    page.set_viewport_size({"width": width, "height": 800})
    current = periods.period_of(timezone.localdate(), periods.Kind.MONTH)

    log_in(page, base, "canbo_kythuong")
    page.goto(f"{base}{reverse('reports:report_create')}")
    expect(page.locator("input[name=year]")).to_have_value(str(current.year))
    expect(page.locator("input[name=number]")).to_have_value(str(current.number))
    page.locator("#create-report").click()
    page.locator("#save-submit-report").click()
    expect(page.locator("#report-state")).to_be_visible()
    report = Report.objects.get()
    assert (report.year, report.number, report.state) == (current.year, current.number, ReportState.SUBMITTED)

    log_in(page, base, "congan_tinh")
    page.goto(f"{base}{report.get_absolute_url()}")
    expect(page.locator("#early-approval")).to_be_visible()
    page.locator("#approve-report").click()  # the box is required: nothing is sent
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED
    page.check("#confirm-early")
    page.locator("#approve-report").click()
    page.wait_for_load_state()
    report.refresh_from_db()
    assert report.state == ReportState.APPROVED
    assert not [error for error in page.errors if "Content Security Policy" in error]


@pytest.mark.parametrize("width", WIDTHS)
def test_officer_forms_start_without_a_trap(width, live_server, units, people, browser_page):
    from playwright.sync_api import expect

    page, base = browser_page, live_server.url
    page.set_viewport_size({"width": width, "height": 800})
    tip = CrimeTip(
        unit=units["06979@2025"], recorded_by=people, kind="report", received_on=timezone.localdate(), summary="Tin thử"
    )
    tip.full_clean()
    tip.save()

    log_in(page, base, "canbo_kythuong")
    page.goto(f"{base}{reverse('incidents:tip_detail', args=[tip.pk])}")
    expect(page.locator("select[name=decide-decision]")).to_have_value("")

    page.goto(f"{base}{reverse('incidents:incident_create')}")
    labels = page.locator("select[name=category] optgroup").evaluate_all("groups => groups.map(g => g.label)")
    assert len(labels) >= 2 and len(set(labels)) == len(labels)  # one <optgroup> per group of incident types
    expect(page.locator("select[name=unit]")).to_have_value(str(units["06979@2025"].pk))

    page.goto(f"{base}{reverse('reports:assessment_list')}")
    expect(page.locator("#id_year")).to_be_visible()
    assert page.errors == []  # no style refused by the Content-Security-Policy, no missing favicon


CONTRAST = """(selector) => {
  const parse = (text) => { const v = text.match(/[\\d.]+/g).map(Number); return [v.slice(0, 3), v.length > 3 ? v[3] : 1]; };
  const luminance = ([r, g, b]) => {
    const [R, G, B] = [r, g, b].map((c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * R + 0.7152 * G + 0.0722 * B;
  };
  const link = document.querySelector(selector);
  const [bar] = parse(getComputedStyle(link.closest("nav")).backgroundColor);
  const [color, alpha] = parse(getComputedStyle(link).color);
  const seen = color.map((c, i) => alpha * c + (1 - alpha) * bar[i]);  // a translucent text over the bar
  const [a, b] = [luminance(seen), luminance(bar)];
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}"""


def test_the_navigation_bar_meets_wcag_aa(live_server, people, browser_page):
    page, base = browser_page, live_server.url
    page.set_viewport_size({"width": 1366, "height": 800})
    log_in(page, base, "canbo_kythuong")
    assert page.evaluate(CONTRAST, "nav .nav-link") >= 4.5
    assert page.evaluate(CONTRAST, "nav .navbar-brand") >= 4.5
