"""Dates read dd/mm/yyyy and times hh:mm (24 h) in a browser whose language is English, on a phone
(360 px) and a desktop (1366 px): typed on the number pad, picked in the calendar, saved as meant."""

from datetime import time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

import conftest
from communes.models import Role
from incidents.models import CategoryGroup, Incident, IncidentCategory
from reports.tests.test_browser_reports import log_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("browser_page", ["en-US"], indirect=True)
@pytest.mark.parametrize("width", [360, 1366])
def test_an_english_browser_types_and_picks_dates_as_dd_mm_yyyy(width, live_server, units, browser_page):  # noqa: F811
    from playwright.sync_api import expect

    page, base = browser_page, live_server.url
    page.set_viewport_size({"width": width, "height": 800})
    conftest.make_user("canbo_kythuong", Role.COMMUNE_OFFICER, units["06979@2025"])
    IncidentCategory.objects.get_or_create(
        code="crime.theft", defaults={"name": "Trộm cắp tài sản", "group": CategoryGroup.CRIME}
    )
    today = timezone.localdate()
    day = max(today - timedelta(days=2), units["06979@2025"].valid_from)
    assert page.evaluate("navigator.language") == "en-US"

    log_in(page, base, "canbo_kythuong")
    page.goto(f"{base}{reverse('incidents:incident_create')}")
    occurred, reported, at = (
        page.locator(f"input[name={name}]") for name in ("occurred_on", "reported_on", "occurred_at_time")
    )
    expect(occurred).to_have_attribute("placeholder", "dd/mm/yyyy")
    expect(at).to_have_attribute("placeholder", "hh:mm")
    # Digits typed on a phone's number pad get their separators.
    occurred.press_sequentially(day.strftime("%d%m%Y"))
    expect(occurred).to_have_value(day.strftime("%d/%m/%Y"))
    at.press_sequentially("1430")
    expect(at).to_have_value("14:30")
    # The calendar opens inside the screen and writes the day it shows as dd/mm/yyyy.
    reported.click()
    calendar = page.locator(".flatpickr-calendar.open")
    expect(calendar).to_be_visible()
    box = calendar.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    calendar.locator(".flatpickr-day.today").click()
    expect(reported).to_have_value(today.strftime("%d/%m/%Y"))

    page.select_option("select[name=category]", label="Trộm cắp tài sản")
    page.fill("input[name=subjects]", "1")
    page.fill("textarea[name=description]", "Trộm 01 xe đạp")
    page.locator("#record-form button[type=submit]").click()
    expect(page.locator("#record-fields")).to_contain_text("Trộm 01 xe đạp")
    incident = Incident.objects.get()
    assert (incident.occurred_on, incident.reported_on, incident.occurred_at_time) == (day, today, time(14, 30))

    # The edit form shows the saved dates the same way.
    page.goto(f"{base}{reverse('incidents:incident_update', args=[incident.pk])}")
    expect(page.locator("input[name=occurred_on]")).to_have_value(day.strftime("%d/%m/%Y"))
    expect(page.locator("input[name=occurred_at_time]")).to_have_value("14:30")
    assert page.evaluate("document.scrollingElement.scrollWidth <= innerWidth")
    assert page.errors == []
