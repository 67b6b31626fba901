"""manage.py compute_targets: the JSON of targets.md on stdout and nothing else; a readable table."""

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from dashboards import engine
from dashboards.models import Snapshot
from incidents.models import Incident
from incidents.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(units, django_user_model, commune_a):
    user = django_user_model.objects.create_user("recorder", password="x")
    Incident.objects.bulk_create(
        [f.incident(commune_a, user, occurred_on=date(2020, 3, 1), subjects=2) for _ in range(12)]
    )
    Incident.objects.bulk_create([f.incident(commune_a, user) for _ in range(10)])
    return units


def run(*args) -> str:
    out = StringIO()
    call_command("compute_targets", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_json_is_exactly_the_document(data):
    output = run("--year", "2021", "--format", "json")
    assert json.loads(output) == engine.compute(2021)
    assert "Xã Thanh Lâm" in output  # ensure_ascii=False: Vietnamese letters as they are
    document = json.loads(run("--year", "2021", "--as-of", "2021-06-01", "--unit", "06976", "--format", "json"))
    assert document == engine.compute(2021, date(2021, 6, 1), "06976")
    assert [entry["code"] for entry in document["units"]] == ["06976"]
    assert document["units"][0]["counts"]["crime_cases"] == 10


def test_table_is_readable(data):
    output = run("--year", "2021", "--unit", "202")
    assert "Targets 2021" in output and "2020-12-15 .. 2021-12-14" in output
    assert "06976    Xã Thanh Lâm (commune)" in output
    assert "So với cùng kỳ năm 2020, xã Thanh Lâm giảm 02 vụ, 14 đối tượng." in output
    assert "crime      10 vs 12 (-16.7%~) met" in output


def test_store_records_snapshots(data):
    json.loads(run("--year", "2021", "--unit", "06976", "--format", "json", "--store"))
    assert Snapshot.objects.filter(unit__code="06976").count() == 8


@pytest.mark.parametrize(
    "args, message",
    [
        (["--year", "2021", "--unit", "99999"], "99999"),
        (["--year", "2021", "--as-of", "14/12/2021"], "YYYY-MM-DD"),
        (["--year", "2021", "--as-of", "2020-01-01"], "01/01/2020"),
    ],
)
def test_bad_arguments_give_a_command_error(data, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
