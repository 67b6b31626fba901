"""Logging in: Vietnamese first, lockout that a forged header cannot dodge, session limits."""

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import make_user

PASSWORD = "Mật-khẩu-thử-nghiệm-2026"  # conftest.make_user's password


def login(client, username, password=PASSWORD, **headers):
    return client.post(reverse("login"), {"username": username, "password": password}, **headers)


def is_login_redirect(response) -> bool:
    return response.status_code == 302 and urlsplit(response["Location"]).path == reverse("login")


def test_login_page_is_in_vietnamese(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert '<html lang="vi">' in response.text


def test_language_switch_to_english(client, db):
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    page = client.get(reverse("login"))
    assert '<html lang="en">' in page.text
    assert "Log in" in page.text
    client.post(reverse("set_language"), {"language": "vi", "next": reverse("login")})
    assert '<html lang="vi">' in client.get(reverse("login")).text


def test_correct_password_logs_in(client, roles):
    response = login(client, "officer_a")
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.session["_auth_user_id"] == str(roles.officer_a.pk)


def test_five_failures_lock_the_account_even_for_the_right_password(client, roles):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = login(client, "officer_a", "sai-mat-khau")
        assert response.status_code == 200 and response.context["form"].errors
    assert login(client, "officer_a", "sai-mat-khau").status_code == 429  # the 5th failure locks

    response = login(client, "officer_a")
    assert response.status_code == 429
    assert "registration/lockout.html" in [template.name for template in response.templates]
    assert "_auth_user_id" not in client.session
    # The address is locked too: another account from it waits for the cool-off.
    assert login(client, "officer_b").status_code == 429
    # Another address may still log in to another account.
    assert login(client, "officer_b", REMOTE_ADDR="198.51.100.20").status_code == 302


def test_one_user_name_is_locked_after_failures_from_many_addresses(client, roles):
    for n in range(settings.AXES_FAILURE_LIMIT):
        login(client, "officer_a", "sai-mat-khau", REMOTE_ADDR=f"198.51.100.{n}")
    assert login(client, "officer_a", REMOTE_ADDR="198.51.100.99").status_code == 429
    assert "_auth_user_id" not in client.session


def test_one_address_is_locked_after_failures_on_many_user_names(client, roles):
    for n in range(settings.AXES_FAILURE_LIMIT):
        login(client, f"khong-co-{n}", "sai-mat-khau", REMOTE_ADDR="198.51.100.7")
    assert login(client, "officer_a", REMOTE_ADDR="198.51.100.7").status_code == 429
    assert login(client, "officer_a", REMOTE_ADDR="198.51.100.8").status_code == 302


def test_forged_proxy_headers_do_not_give_fresh_tries(client, roles):
    for n in range(settings.AXES_FAILURE_LIMIT):
        login(
            client,
            "officer_a",
            "sai-mat-khau",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
            HTTP_X_REAL_IP=f"198.51.100.{n}",
        )
    response = login(client, "officer_a", HTTP_X_FORWARDED_FOR="203.0.113.99", HTTP_X_REAL_IP="198.51.100.99")
    assert response.status_code == 429
    assert "registration/lockout.html" in [template.name for template in response.templates]
    assert "_auth_user_id" not in client.session


def test_session_limits_are_configured():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_RENEW_AFTER == 60
    assert settings.SESSION_ABSOLUTE_LIFETIME == timedelta(hours=12)


START = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # 08:00 in Ba Chẽ


def test_idle_session_expires_after_30_minutes(client, roles):
    page = reverse("communes:team_list")
    with time_machine.travel(START, tick=False) as traveller:
        assert login(client, "officer_a").status_code == 302
        traveller.shift(timedelta(minutes=29))
        assert client.get(page).status_code == 200  # renews the idle timer
        traveller.shift(timedelta(minutes=29))
        assert client.get(page).status_code == 200
        traveller.shift(timedelta(minutes=31))
        assert is_login_redirect(client.get(page))


def test_a_session_is_saved_at_most_once_a_minute(client, roles):
    """Pages within a minute of the last renewal do not write the session (one UPDATE fewer per
    page); the first one after it renews the idle limit, cookie included."""
    page = reverse("communes:team_list")
    with time_machine.travel(START, tick=False) as traveller:
        assert login(client, "officer_a").status_code == 302
        traveller.shift(timedelta(seconds=30))
        with CaptureQueriesContext(connection) as queries:
            response = client.get(page)
        assert response.status_code == 200 and settings.SESSION_COOKIE_NAME not in response.cookies
        assert not [query for query in queries if query["sql"].startswith("UPDATE")]
        traveller.shift(timedelta(seconds=31))
        response = client.get(page)
        assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 30 * 60
        traveller.shift(timedelta(minutes=29, seconds=59))  # 29:59 after that renewal, 30:30 after the page before
        assert client.get(page).status_code == 200


def test_active_session_ends_after_12_hours(client, roles):
    page = reverse("communes:team_list")
    with time_machine.travel(START, tick=False) as traveller:
        assert login(client, "officer_a").status_code == 302
        for _ in range(12 * 3):  # a request every 20 minutes: never idle
            traveller.shift(timedelta(minutes=20))
            assert client.get(page).status_code == 200
        traveller.shift(timedelta(minutes=1))  # 12 h 01 min after login
        response = client.get(page)
        assert is_login_redirect(response)
        assert "_auth_user_id" not in client.session
        # The user logs in again and works normally.
        assert login(client, "officer_a").status_code == 302
        assert client.get(page).status_code == 200


@pytest.mark.parametrize("weak", ["12345678", "officer_a1234", "password123"])
def test_password_change_rejects_a_weak_password(client, roles, weak):
    login(client, "officer_a")
    assert client.get(reverse("password_change")).status_code == 200
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": weak, "new_password2": weak},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]
    roles.officer_a.refresh_from_db()
    assert roles.officer_a.check_password(PASSWORD)


def test_password_change_works(client, roles):
    login(client, "officer_a")
    new = "Thanh-Lâm-an-ninh-2026!"
    response = client.post(
        reverse("password_change"), {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302 and response["Location"] == reverse("password_change_done")
    assert client.get(reverse("password_change_done")).status_code == 200  # still logged in
    roles.officer_a.refresh_from_db()
    assert roles.officer_a.check_password(new)
    client.post(reverse("logout"))
    assert login(client, "officer_a").status_code == 200  # the old password is refused
    assert login(client, "officer_a", new).status_code == 302


def test_logout_needs_post_and_lands_on_login(client, roles):
    login(client, "officer_a")
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response["Location"] == reverse("login")
    assert is_login_redirect(client.get(reverse("communes:team_list")))


def test_inactive_user_cannot_log_in(client, db):
    make_user("nghi_viec", is_active=False)
    assert login(client, "nghi_viec").status_code == 200


def test_behind_a_trusted_proxy_only_the_proxys_entry_counts(client, roles, settings):
    """TRUSTED_PROXY_COUNT=1 (nginx appends the address it saw): entries the client wrote are ignored."""
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(settings.AXES_FAILURE_LIMIT):
        login(client, "officer_a", "sai-mat-khau", HTTP_X_FORWARDED_FOR=f"10.9.9.{n}, 203.0.113.7")
    # The same client behind the proxy stays locked, whatever it puts in front, for every account.
    assert login(client, "officer_b", HTTP_X_FORWARDED_FOR="10.9.9.99, 203.0.113.7").status_code == 429
    # Another client behind the same proxy (another address seen by nginx) is not: the proxy's
    # own address (REMOTE_ADDR, the same for everyone) is not what is locked.
    assert login(client, "officer_b", HTTP_X_FORWARDED_FOR="203.0.113.8").status_code == 302


def test_behind_a_proxy_many_names_from_one_client_lock_that_client_only(client, roles, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for n in range(settings.AXES_FAILURE_LIMIT):
        login(client, f"khong-co-{n}", "sai-mat-khau", HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy)
    assert login(client, "officer_a", HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy).status_code == 429
    assert login(client, "officer_a", HTTP_X_FORWARDED_FOR="203.0.113.9", **proxy).status_code == 302


def test_pages_are_vietnamese_even_for_an_english_browser(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.headers["Content-Language"] == "vi"
    assert '<html lang="vi">' in response.content.decode()


def test_the_language_switch_overrides_the_default(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="vi")
    assert response.headers["Content-Language"] == "en"
