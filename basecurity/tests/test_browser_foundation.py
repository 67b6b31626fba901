"""The first journey on a phone: a Thanh Lâm officer logs in, records a team, sees it, logs out."""

import re
import threading

import pytest
from django.db.backends.signals import connection_created

import conftest
from communes.models import Role, SelfManagementTeam

pytestmark = pytest.mark.browser

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOT = "/tmp/team_list.png"


@pytest.fixture
def browser_page(request, monkeypatch):
    executable = conftest.chromium_path()
    if not executable:
        conftest.skip_or_fail("Chromium is not installed (/usr/bin/chromium)")
    # Playwright's sync API runs an event loop in this thread; Django's ORM must still be usable.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    # Playwright's greenlets switch context variables, so an ORM call in the test body may open a
    # connection that pytest-django cannot see; it is closed here, or PostgreSQL refuses to drop
    # the test database ("being accessed by other users").
    opened = []

    def remember(sender, connection, **kwargs):
        opened.append(connection)

    connection_created.connect(remember)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            # A test may ask for the browser of another language: parametrize("browser_page", ["en-US"], indirect=True)
            locale = getattr(request, "param", "vi-VN")
            context = browser.new_context(viewport={"width": 360, "height": 740}, locale=locale)
            page = context.new_page()
            page.set_default_timeout(15_000)
            errors = []
            page.on("console", lambda message: message.type == "error" and errors.append(message.text))
            page.errors = errors
            yield page
            context.close()
            browser.close()
    finally:
        connection_created.disconnect(remember)
        for connection in opened:
            if connection._thread_ident == threading.get_ident():  # the live server closes its own
                connection.close()


def test_officer_records_a_team_on_a_phone(live_server, units, browser_page):
    from playwright.sync_api import expect

    conftest.make_user("canbo_thanhlam", Role.COMMUNE_OFFICER, units["06976"])
    page = browser_page
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/")
    assert page.locator("html").get_attribute("lang") == "vi"

    page.fill("input[name=username]", "canbo_thanhlam")
    page.fill("input[name=password]", "Mật-khẩu-thử-nghiệm-2026")
    page.locator("form[action='/accounts/login/'] button[type=submit]").click()
    # One unit: home sends the officer to Thanh Lâm's page.
    expect(page.locator("h1")).to_contain_text("Xã Thanh Lâm")

    page.goto(f"{live_server.url}/units/teams/")
    page.locator("a[href='/units/teams/new/']").first.click()
    page.select_option("select[name=village]", label="Thôn Đồng Thầm (Xã Thanh Lâm)")
    page.select_option("select[name=kind]", value="to_nhan_dan")
    page.fill("input[name=name]", "Tổ nhân dân tự quản về ANTT Thôn Đồng Thầm")
    page.fill("input[name=leader_name]", "Hoàng Văn An")
    page.fill("input[name=founded_on]", "2021-08-01")
    page.fill("input[name='members-0-full_name']", "Lý Thị Bình")
    page.locator("form button[type=submit].btn-primary").click()

    expect(page.locator("h1")).to_have_text("Tổ nhân dân tự quản về ANTT Thôn Đồng Thầm")
    expect(page.locator("main")).to_contain_text("01/08/2021")
    team = SelfManagementTeam.objects.get()
    assert team.village.name == "Thôn Đồng Thầm"
    assert list(team.members.values_list("full_name", flat=True)) == ["Lý Thị Bình"]

    page.goto(f"{live_server.url}/units/teams/")
    row = page.locator("#team-table tbody tr").first
    expect(row).to_contain_text("Tổ nhân dân tự quản về ANTT Thôn Đồng Thầm")
    expect(row).to_contain_text("Thôn Đồng Thầm")
    # Nothing wider than the phone: the table scrolls inside its own box, the page does not.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=SCREENSHOT, full_page=True)

    # Log out through the collapsed menu, as on a phone.
    page.locator("button.navbar-toggler").click()
    expect(page.locator("#mainnav")).to_have_class(re.compile(r"\bshow\b"))  # the menu finished opening
    page.locator("button.dropdown-toggle", has_text="canbo_thanhlam").click()  # the user's menu
    expect(page.locator("#logout-button")).to_be_visible()
    page.locator("#logout-button").click()
    expect(page).to_have_url(f"{live_server.url}/accounts/login/")
    page.goto(f"{live_server.url}/units/teams/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/units/teams/")
    assert not [e for e in page.errors if "Content Security Policy" in e], page.errors
