"""Fixtures of the dashboards' tests."""

from datetime import date

import pytest

import conftest
from communes.models import Role
from incidents.models import Incident, TrafficAccident
from incidents.tests import factories as f


@pytest.fixture
def records(units, django_user_model):
    # Live-server tests flush the database after each test, seeded rows included: put them back.
    conftest.reseed_reference_data()
    user = django_user_model.objects.create_user("recorder", password="x")
    thanh_lam, town = units["06976"], units["06970"]
    Incident.objects.bulk_create(
        [f.incident(thanh_lam, user, occurred_on=date(2020, 3, 1), subjects=2) for _ in range(12)]
        + [f.incident(thanh_lam, user, occurred_on=date(2021, 3, 1)) for _ in range(10)]
        + [
            f.incident(town, user, occurred_on=date(2021, 5, 20), category=f.category("social_evil.gambling"))
            for _ in range(3)
        ]
    )
    TrafficAccident.objects.bulk_create(
        [
            f.accident(thanh_lam, user, occurred_on=date(2020, 8, 1), deaths=1, injuries=2),
            f.accident(thanh_lam, user, occurred_on=date(2021, 8, 1)),
        ]
    )
    conftest.make_user("bcd_huyen", Role.DISTRICT_COMMITTEE, units["202"])
    return units
