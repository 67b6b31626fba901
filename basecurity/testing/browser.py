"""Browser tests (pytest -m browser): Debian's Chromium driven by Playwright. The `browser_page`
fixture is in the root conftest.py; these are the steps the journeys share."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # Playwright is imported by the browser tests only
    from playwright.sync_api import Page

PASSWORD = "Mật-khẩu-thử-nghiệm-2026"  # conftest.make_user's
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def log_in(page: Page, base: str, username: str) -> None:
    """Log in as `username` on the live server at `base` (any earlier session is dropped first)."""
    page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form[action='/accounts/login/'] button[type=submit]").click()
    page.wait_for_load_state()
