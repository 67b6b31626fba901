"""Wide tables read on a 360 px phone: the page never scrolls sideways, the table does, and its first
column (the unit) stays in view — the targets overview and the reintegration counts (issue 13)."""

import pytest
from django.urls import reverse

import conftest
from communes.models import Role
from reports.tests.test_browser_reports import log_in

pytestmark = pytest.mark.browser

# After the table's wrapper is scrolled to its right end: how far the first cell of the first body row
# sits from the wrapper's left edge (0 when it sticks), and whether the table is wider than the wrapper.
STICKY = """(table) => {
  const wrapper = table.closest('.table-responsive');
  wrapper.scrollLeft = wrapper.scrollWidth;
  const cell = table.querySelector('tbody tr > :first-child');
  return {offset: Math.abs(cell.getBoundingClientRect().left - wrapper.getBoundingClientRect().left),
          scrolls: wrapper.scrollWidth > wrapper.clientWidth, scrolled: wrapper.scrollLeft > 0};
}"""


@pytest.mark.parametrize("width", [360, 1366])
def test_overview_and_counts_read_on_a_phone(width, live_server, units, browser_page):  # noqa: F811
    page, base = browser_page, live_server.url
    conftest.reseed_reference_data()  # the live server's database is flushed after each browser test
    conftest.make_user("congan_tinh", Role.DISTRICT_POLICE, units["22"])
    page.set_viewport_size({"width": width, "height": 800})
    log_in(page, base, "congan_tinh")
    for url, table in (
        (reverse("dashboards:unit_overview", args=[units["22"].pk]), "#overview-table"),
        (reverse("reintegration:counts"), "#counts-table"),
    ):
        page.goto(f"{base}{url}")
        assert page.locator(f"{table} tbody tr").count() >= 2, url
        assert page.evaluate("document.scrollingElement.scrollWidth <= innerWidth"), url
        found = page.locator(table).evaluate(STICKY)
        if width == 360:
            assert found["scrolls"] and found["scrolled"], url  # too wide for a phone: the table scrolls ...
        assert found["offset"] < 1, url  # ... and the unit's name stays at its left edge
    assert page.errors == []
