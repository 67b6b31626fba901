"""Shared fixtures: Ba Chẽ's real units and the role matrix every scope test uses.

officer_a works in Thanh Lâm (commune A), officer_b in the town (commune B); committee_a sits on
Thanh Lâm's steering committee; district_police and district_committee work at Ba Chẽ district;
admin is a superuser; outsider has an account and no assignment.
"""

import importlib
import os
import shutil
import threading
import uuid
from dataclasses import dataclass

import pytest
from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.core.files.storage import storages
from django.db.backends.signals import connection_created
from django.utils import translation

from basecurity.testing import services
from basecurity.testing.browser import CHROMIUM_ARGS
from communes import seed
from communes.management.commands.seed_ba_che import load_committees, load_demo_villages, load_units, seeded_units
from communes.models import AdministrativeUnit, Assignment, Role

REQUIRE_SERVICES = os.environ.get("BASECURITY_REQUIRE_SERVICES") == "1"


def reseed_reference_data() -> None:
    """Put back the rows the data migrations seed (taxonomies, target definitions, criteria groups).

    Transactional tests (live server, real worker) empty the database after each test, seeded rows
    included; the migrations' own seed functions are idempotent, so calling them again is safe.
    """
    for module in (
        "incidents.migrations.0002_seed_taxonomies",
        "dashboards.migrations.0002_seed_targets_and_schedule",
        "dashboards.migrations.0004_schedule_outbox_drain",
        "communes.migrations.0007_schedule_import_purge",
        "communes.migrations.0011_schedule_submission_token_purge",
        "reports.migrations.0003_seed_model_criteria_groups",
    ):
        importlib.import_module(module).seed(django_apps, None)


def seed_map() -> None:
    """Quảng Ninh's register with Ba Chẽ's history, the demo villages and the committees (1-2 s)."""
    units = load_units()
    load_demo_villages(units)
    load_committees(units)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The map is loaded once per test database: every test runs in a transaction rolled back after
    it, so the units stay. Transactional tests (live server, real worker) empty the tables: the
    `units` fixture loads the map again when it finds them empty."""
    with django_db_blocker.unblock():
        seed_map()


@pytest.fixture
def units(db) -> dict[str, AdministrativeUnit]:
    """Ba Chẽ's units by key ("06976": Thanh Lâm of 2021, "06979@2025": xã Kỳ Thượng, "202": the
    district, villages by code): communes.management.commands.seed_ba_che.SeedUnits."""
    if not AdministrativeUnit.objects.filter(code=seed.DISTRICT_CODE).exists():
        seed_map()
    return seeded_units()


def on_todays_map(request) -> bool:
    """Tests marked `todays_map` record today's work: on the map of 1/7/2025 (docs/units.md)."""
    return request.node.get_closest_marker("todays_map") is not None


@pytest.fixture
def commune_a(request, units) -> AdministrativeUnit:
    # Xã Thanh Lâm (remote) of 2021, or xã Kỳ Thượng, its successor since 1/7/2025 (remote too)
    return units["06979@2025"] if on_todays_map(request) else units["06976"]


@pytest.fixture
def commune_b(request, units) -> AdministrativeUnit:
    # Thị trấn Ba Chẽ of 2021, or xã Ba Chẽ, its successor since 1/7/2025
    return units["06970@2025"] if on_todays_map(request) else units["06970"]


@dataclass
class RoleMatrix:
    officer_a: object
    officer_b: object
    committee_a: object
    district_police: object
    district_committee: object
    admin: object
    outsider: object

    def items(self):
        return vars(self).items()


def make_user(username, role=None, unit=None, **extra):
    user = get_user_model().objects.create_user(username=username, password="Mật-khẩu-thử-nghiệm-2026", **extra)
    if role:
        Assignment.objects.create(user=user, role=role, unit=unit)
    return user


def role_matrix(commune_a, commune_b, superior) -> RoleMatrix:
    return RoleMatrix(
        officer_a=make_user("officer_a", Role.COMMUNE_OFFICER, commune_a),
        officer_b=make_user("officer_b", Role.COMMUNE_OFFICER, commune_b),
        committee_a=make_user("committee_a", Role.COMMUNE_COMMITTEE, commune_a),
        district_police=make_user("district_police", Role.DISTRICT_POLICE, superior),
        district_committee=make_user("district_committee", Role.DISTRICT_COMMITTEE, superior),
        admin=make_user("admin", is_superuser=True, is_staff=True),
        outsider=make_user("outsider"),
    )


@pytest.fixture
def roles(request, units) -> RoleMatrix:
    """The seats of the map of 2021 (Thanh Lâm, the town, district 202): most tests record the
    model's first years. Tests marked `todays_map` get the seats of the map of 1/7/2025."""
    if on_todays_map(request):
        return role_matrix(units["06979@2025"], units["06970@2025"], units["22"])
    return role_matrix(units["06976"], units["06970"], units["202"])


@pytest.fixture
def english():
    """Messages in English (the msgids) inside the test; pages follow their own language cookie."""
    with translation.override("en"):
        yield


@pytest.fixture
def client_for(client):
    """A test client logged in as the given user (force_login bypasses the lockout backend)."""

    def login(user):
        client.force_login(user)
        return client

    return login


def chromium_path() -> str | None:
    return shutil.which("chromium") or (os.path.exists("/usr/bin/chromium") and "/usr/bin/chromium") or None


def soffice_path() -> str | None:
    """LibreOffice, which renders the .docx documents to PDF in the `documents` tests."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def skip_or_fail(reason: str):
    """Skip a test whose outside service is missing; in CI (services required) fail instead."""
    if REQUIRE_SERVICES:
        pytest.fail(reason)
    pytest.skip(reason)


# --- Outside services: a browser, a Celery worker ---------------------------------------------


@pytest.fixture
def browser_page(request, monkeypatch):
    """A Chromium page on a phone's screen (360 × 740, vi-VN); `page.errors` collects the console's errors.
    A test may ask for a browser of another language: parametrize("browser_page", ["en-US"], indirect=True)."""
    executable = chromium_path()
    if not executable:
        skip_or_fail("Chromium is not installed (/usr/bin/chromium)")
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


@pytest.fixture
def celery_worker_process():
    """`celery worker` against the test Redis in a subprocess; stopped after the test."""
    if not services.redis_is_up():
        skip_or_fail(f"Redis is not reachable at {services.BROKER_URL}")
    worker = services.start_worker(services.celery_env())
    yield worker
    services.stop(worker)


# --- The suite on any day -----------------------------------------------------------------------
# `pytest --today=2028-02-29T10:00+07:00` runs every test with the clock moved to that moment (and
# running on from it): CI runs the date-sensitive tests on days that break careless date code (the
# 14th and 15th of a month, 1 January, 29 February, 14/15 December, midnight in Asia/Ho_Chi_Minh).
# A test that moves the clock itself (time_machine.travel) still wins inside its own block.


def pytest_addoption(parser):
    parser.addoption("--today", default=None, help="run the tests as if now were this ISO date-time")


@pytest.fixture(autouse=True)
def _frozen_today(request):
    moment = request.config.getoption("--today")
    if not moment:
        yield
        return
    import time_machine

    with time_machine.travel(moment, tick=True):
        yield


# --- A real Celery worker -------------------------------------------------------------------------


@pytest.fixture
def worker_on_test_database(transactional_db):
    """A `celery worker` subprocess on the test database, taking tasks from its own queue (yielded)."""
    if not services.redis_is_up():
        skip_or_fail(f"Redis is not reachable at {services.BROKER_URL}")
    database_url = services.shared_database_url()
    if database_url is None:
        pytest.skip("The test database is in memory (SQLite): a worker process cannot share it; run on PostgreSQL.")
    queue = f"dashboards-test-{uuid.uuid4().hex}"  # no other worker on this Redis takes our task
    # Uploaded import files wait in the test's folder (communes/jobs.py): the worker reads them there.
    env = services.celery_env(
        DATABASE_URL=database_url,
        DATABASE_CONN_MAX_AGE="0",
        IMPORT_FILES_ROOT=str(storages["imports"].location),
    )
    worker = services.start_worker(env, queue)
    yield queue
    services.stop(worker)
