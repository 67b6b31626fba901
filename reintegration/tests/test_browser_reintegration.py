"""On a phone: a Thanh Lâm officer registers a returning person, records a loan and a status
"has a job, stable"; a member of Thanh Lâm's steering committee sees the employment rate change on
the counts page and never the person's name."""

from datetime import timedelta

import pytest
from django.utils import timezone

import conftest
from basecurity.testing.browser import log_in
from communes.models import Role
from reintegration.models import Person, Status, SupportAction
from reintegration.tests.factories import make_person

pytestmark = pytest.mark.browser

NAME = "Hoàng Văn Trở Về"


def employment_rate(page, base) -> str:
    page.goto(f"{base}/reintegration/counts/")
    return page.locator("#counts-table tr[data-unit='06976'] td.employment-rate").inner_text().strip()


def test_officer_registers_a_person_and_the_committee_sees_the_rate_change(live_server, units, browser_page):
    from playwright.sync_api import expect

    page = browser_page
    base = live_server.url
    thanh_lam = units["06976"]
    conftest.make_user("canbo_thanhlam", Role.COMMUNE_OFFICER, thanh_lam)
    conftest.make_user("bcd_thanhlam", Role.COMMUNE_COMMITTEE, thanh_lam)
    # Someone already under management, without a job: the rate starts at 0 %.
    earlier = make_person(thanh_lam, ref="TL-2020-01", full_name="Người Đã Có Hồ Sơ")
    today = timezone.localdate()

    log_in(page, base, "bcd_thanhlam")
    before = employment_rate(page, base)
    assert before.startswith("0"), before

    log_in(page, base, "canbo_thanhlam")
    page.goto(f"{base}/reintegration/")
    page.locator("#new-record").click()
    page.select_option("select[name=unit]", value=str(thanh_lam.pk))
    page.select_option("select[name=village]", label="Thôn Đồng Thầm (Xã Thanh Lâm)")
    page.fill("input[name=ref]", "TL-2024-07")
    page.fill("input[name=full_name]", NAME)
    page.fill("input[name=date_of_birth]", "1994-05-12")
    page.select_option("select[name=sex]", value="M")
    page.fill("input[name=ethnicity]", "Dao")
    page.fill("input[name=citizen_id]", "022094001234")
    page.select_option("select[name=category]", value="completed_sentence")
    page.fill("input[name=offence]", "Đánh bạc (Điều 321 BLHS)")
    page.fill("input[name=returned_on]", "2024-01-15")
    page.fill("input[name=management_start]", "2024-01-15")
    page.locator("#person-form button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text(NAME)

    page.locator("#open-support").click()
    page.fill("input[name='support-date']", (today - timedelta(days=60)).isoformat())
    page.select_option("select[name='support-kind']", value="loan")
    page.fill("textarea[name='support-description']", "Hỗ trợ làm hồ sơ vay vốn mở cửa hàng sửa xe máy.")
    page.fill("input[name='support-loan_amount_vnd']", "50000000")
    page.fill("input[name='support-lender']", "Ngân hàng Chính sách xã hội huyện Ba Chẽ")
    page.locator("#support-form button[type=submit]").click()
    expect(page.locator("#timeline")).to_contain_text("Ngân hàng Chính sách xã hội huyện Ba Chẽ")

    page.locator("#open-status").click()
    page.fill("input[name='status-as_of']", (today - timedelta(days=7)).isoformat())
    page.check("input[name='status-has_job']")
    page.check("input[name='status-stable_life']")
    page.fill("input[name='status-occupation']", "Sửa chữa xe máy")
    page.locator("#status-form button[type=submit]").click()
    expect(page.locator("#timeline li").first).to_contain_text("Sửa chữa xe máy")

    person = Person.objects.get(ref="TL-2024-07")
    assert SupportAction.objects.get(person=person).loan_amount_vnd == 50_000_000
    status = Status.objects.get(person=person)
    assert (status.has_job, status.stable_life) == (True, True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    log_in(page, base, "bcd_thanhlam")
    after = employment_rate(page, base)
    assert after != before and after.startswith("50"), after  # 1 of 2 persons under management
    assert NAME not in page.content() and earlier.full_name not in page.content()
    assert "TL-2024-07" not in page.content()
    response = page.goto(f"{base}/reintegration/{person.pk}/")
    assert response.status == 404
    assert NAME not in page.content()
    assert not [e for e in page.errors if "Content Security Policy" in e], page.errors
