"""Shared fixtures: Ba Chẽ's real units and the role matrix every scope test uses.

officer_a works in Thanh Lâm (commune A), officer_b in the town (commune B); committee_a sits on
Thanh Lâm's steering committee; district_police and district_committee work at Ba Chẽ district;
admin is a superuser; outsider has an account and no assignment.
"""

import importlib
import os
import shutil
from dataclasses import dataclass

import pytest
from django.apps import apps as django_apps
from django.contrib.auth import get_user_model

from communes.management.commands.seed_ba_che import load_committees, load_units
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
        "reports.migrations.0003_seed_model_criteria_groups",
    ):
        importlib.import_module(module).seed(django_apps, None)


@pytest.fixture
def units(db) -> dict[str, AdministrativeUnit]:
    units = load_units()
    load_committees(units)
    return units


@pytest.fixture
def commune_a(units) -> AdministrativeUnit:
    return units["06976"]  # Xã Thanh Lâm (remote)


@pytest.fixture
def commune_b(units) -> AdministrativeUnit:
    return units["06970"]  # Thị trấn Ba Chẽ


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


@pytest.fixture
def roles(units) -> RoleMatrix:
    return RoleMatrix(
        officer_a=make_user("officer_a", Role.COMMUNE_OFFICER, units["06976"]),
        officer_b=make_user("officer_b", Role.COMMUNE_OFFICER, units["06970"]),
        committee_a=make_user("committee_a", Role.COMMUNE_COMMITTEE, units["06976"]),
        district_police=make_user("district_police", Role.DISTRICT_POLICE, units["202"]),
        district_committee=make_user("district_committee", Role.DISTRICT_COMMITTEE, units["202"]),
        admin=make_user("admin", is_superuser=True, is_staff=True),
        outsider=make_user("outsider"),
    )


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
