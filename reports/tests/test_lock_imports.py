"""Imports refuse rows dated in a locked period, with the row and the column, and write nothing."""

import pytest

from reintegration.importers import PersonsImporter, StatusesImporter
from reintegration.models import Person, Status
from reintegration.tests.factories import make_person
from reintegration.tests.test_import_export import HEADER, STATUS_HEADER, csv_bytes

from .helpers import lock_november

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("november_28")]


def test_statuses_import_refuses_a_locked_date(roles, commune_a):
    make_person(commune_a, ref="TL-01")
    lock_november(commune_a)
    data = csv_bytes(STATUS_HEADER, "06979,TL-01,2026-11-20,yes,yes,", "06979,TL-01,2026-11-01,yes,yes,")
    result = StatusesImporter(user=roles.officer_a).run(data, "s.csv")
    assert [(error.row, error.column) for error in result.errors] == [(3, "as_of")]
    assert "is locked" in result.errors[0].message
    assert not Status.objects.exists()


def test_persons_import_refuses_a_reoffence_in_a_locked_period(roles, commune_a):
    lock_november(commune_a)
    row = "06979,TL-05,Bàn Văn Thử,14/03/1990,M,,completed_sentence,2020-04-02,,2026-11-01"
    result = PersonsImporter(user=roles.officer_a).run(csv_bytes(HEADER, row), "p.csv")
    assert [(error.row, error.column) for error in result.errors] == [(2, "reoffended_on")]
    assert not Person.objects.exists()


@pytest.mark.parametrize(
    ("kind", "header", "locked_row", "column"),
    [
        (
            "incidents",
            "unit_code,village,occurred_on,category,subjects,description",
            "06979,,2026-11-01,crime.theft,1,x",
            "occurred_on",
        ),
        (
            "traffic_accidents",
            "unit_code,occurred_on,deaths,injuries,description",
            "06979,2026-11-01,0,1,x",
            "occurred_on",
        ),
        (
            "crime_tips",
            "unit_code,kind,received_on,extended_until,resolved_on,decision,summary",
            "06979,denunciation,2026-11-01,,,,x",
            "received_on",
        ),
        (
            "foreigner_stays",
            "unit_code,full_name,nationality,passport_no,arrived_at,declared_at,departed_on",
            "06979,Li Wei,cn,E12345678,2026-11-01 08:00,2026-11-01 10:00,",
            "arrived_at",
        ),
    ],
)
def test_record_imports_refuse_a_locked_row_at_its_date_column(roles, commune_a, kind, header, locked_row, column):
    from incidents.importers import IMPORTERS

    lock_november(commune_a)
    result = IMPORTERS[kind](user=roles.officer_a).run(csv_bytes(header, locked_row), f"{kind}.csv")
    assert [(error.row, error.column) for error in result.errors] == [(2, column)]
    assert "is locked" in result.errors[0].message
    assert not IMPORTERS[kind].model.objects.exists() if hasattr(IMPORTERS[kind], "model") else True
