"""/healthz (liveness: the process answers), /readyz (readiness: the database and the broker
answer, else 503 naming what failed) and the Vietnamese 500 and 503 pages."""

import time
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import RequestFactory
from django.urls import reverse
from django.views.defaults import server_error

from basecurity.testing.html import text, tree
from basecurity.testing.services import BROKER_URL, broker_at, redis_is_up
from conftest import skip_or_fail

pytestmark = pytest.mark.django_db


def test_healthz_is_cheap(client, django_assert_num_queries):
    with django_assert_num_queries(1), broker_at("redis://127.0.0.1:1/0"):  # the broker is not asked
        response = client.get(reverse("healthz"))
    assert response.status_code == 200 and response.content == b"ok"


def test_healthz_answers_503_not_500_when_the_database_is_down(client):
    with mock.patch("basecurity.views.connection.cursor", side_effect=OperationalError("could not connect")):
        response = client.get(reverse("healthz"))
    assert response.status_code == 503


def test_readyz_without_a_broker_checks_the_database(client):
    response = client.get(reverse("readyz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "database": "ok", "broker": "in-process"}


def test_readyz_answers_503_fast_when_the_broker_is_down(client):
    with broker_at("redis://127.0.0.1:1/0"):  # nothing listens on port 1
        started = time.monotonic()
        response = client.get(reverse("readyz"))
        elapsed = time.monotonic() - started
    assert response.status_code == 503 and elapsed < 2
    assert response.json() == {"status": "unavailable", "database": "ok", "broker": "unavailable"}


def test_readyz_answers_503_when_the_database_is_down(client):
    with mock.patch("basecurity.views.connection.cursor", side_effect=OperationalError("could not connect")):
        response = client.get(reverse("readyz"))
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


@pytest.mark.services
def test_readyz_with_a_live_broker(client):
    if not redis_is_up():
        skip_or_fail(f"Redis is not reachable at {BROKER_URL}")
    with broker_at(BROKER_URL):
        response = client.get(reverse("readyz"))
    assert response.status_code == 200 and response.json()["broker"] == "ok"


def test_the_500_page_is_vietnamese_and_renders_without_request_context(client, roles):
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    page = response.content.decode()
    assert text(page, "//h1") == "Lỗi máy chủ"
    assert "/static/css/app.css" in tree(page).xpath("//link/@href")[-1]
    client.raise_request_exception = False
    client.force_login(roles.officer_a)
    with mock.patch("basecurity.views.root_units", side_effect=ValueError("a bug")):
        response = client.get(reverse("home"))
    assert response.status_code == 500 and text(response, "//h1") == "Lỗi máy chủ"


def test_a_database_outage_in_a_view_answers_the_503_page(client, roles):
    client.raise_request_exception = False
    client.force_login(roles.officer_a)
    with mock.patch("basecurity.views.root_units", side_effect=OperationalError("server closed the connection")):
        response = client.get(reverse("home"))
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert text(response, "//h1") == "Dịch vụ tạm thời không khả dụng"


def test_a_database_outage_while_reading_the_session_answers_the_503_page(client, roles):
    client.raise_request_exception = False
    client.force_login(roles.officer_a)
    with mock.patch(
        "django.contrib.sessions.backends.db.SessionStore.load", side_effect=OperationalError("could not connect")
    ):
        response = client.get(reverse("home"))
    assert response.status_code == 503
    assert text(response, "//h1") == "Dịch vụ tạm thời không khả dụng"
