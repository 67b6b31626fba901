"""Imports refuse rows dated in a locked period, with the row and the column, and write nothing."""

import pytest
import time_machine

from reintegration.importers import PersonsImporter, StatusesImporter
from reintegration.models import Person, Status
from reintegration.tests.factories import make_person
from reintegration.tests.test_import_export import HEADER, STATUS_HEADER, csv_bytes

from .helpers import TODAY, lock_november

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def november_28():
    with time_machine.travel(TODAY, tick=False):
        yield


def test_statuses_import_refuses_a_locked_date(roles, commune_a):
    make_person(commune_a, ref="TL-01")
    lock_november(commune_a)
    data = csv_bytes(STATUS_HEADER, "06976,TL-01,2026-11-20,yes,yes,", "06976,TL-01,2026-11-01,yes,yes,")
    result = StatusesImporter(user=roles.officer_a).run(data, "s.csv")
    assert [(error.row, error.column) for error in result.errors] == [(3, "as_of")]
    assert "is locked" in result.errors[0].message
    assert not Status.objects.exists()


def test_persons_import_refuses_a_reoffence_in_a_locked_period(roles, commune_a):
    lock_november(commune_a)
    row = "06976,TL-05,Bàn Văn Thử,14/03/1990,M,,completed_sentence,2020-04-02,,2026-11-01"
    result = PersonsImporter(user=roles.officer_a).run(csv_bytes(HEADER, row), "p.csv")
    assert [(error.row, error.column) for error in result.errors] == [(2, "reoffended_on")]
    assert not Person.objects.exists()
