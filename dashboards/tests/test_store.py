"""Storing a computation (dashboards/store.py): the same rows and the same "rows changed" count whichever
way the rows are compared and written (PostgreSQL: in SQL, one statement per table from a JSON array;
other databases: in Python, then bulk_create), every unit's figures pointing at the last run, and a
threshold that changed alone written but not counted."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from dashboards import engine
from dashboards import store as storing
from dashboards.models import ComputationRun, Snapshot, TargetDefinition, UnitFigures
from incidents.models import Incident
from incidents.tests import factories as f

pytestmark = pytest.mark.django_db

YEAR_END = date(2021, 12, 14)


@pytest.fixture(params=["orm", "postgresql"])
def store(request, monkeypatch):
    """Force one way of writing the rows; the PostgreSQL one only where the tests run on PostgreSQL."""
    if request.param == "postgresql" and connection.vendor != "postgresql":
        pytest.skip("The JSON upsert is PostgreSQL's; run the suite with DATABASE_URL=postgres://...")
    if request.param == "orm":  # on PostgreSQL too
        monkeypatch.setattr(storing, "_store_in_sql", storing._store_compared)
    return request.param


def stored_rows():
    return sorted(
        Snapshot.objects.values_list("unit__code", "target", "year", "as_of", "status", "threshold", "result")
    ), sorted(UnitFigures.objects.values_list("unit__code", "year", "as_of", "counts", "previous_counts", "components"))


def test_runs_store_the_same_rows_and_count_the_same_changes(store, units, django_user_model, commune_a):
    user = django_user_model.objects.create_user("recorder", password="x")
    Incident.objects.bulk_create([f.incident(commune_a, user, occurred_on=date(2020, 3, 1)) for _ in range(12)])
    Incident.objects.bulk_create([f.incident(commune_a, user) for _ in range(10)])
    listed = 9  # Ba Chẽ district and its 8 communes

    first = engine.recompute(2021, YEAR_END, scope_code="202")
    assert first.rows_changed == listed * 9  # all new: 8 snapshots and the figures of each unit
    document = engine.compute(2021, YEAR_END, scope_code="202")
    snapshots, figures = stored_rows()
    assert len(snapshots) == listed * 8 and len(figures) == listed
    for entry in document["units"]:
        stored = {row[1]: row for row in snapshots if row[0] == entry["code"]}
        assert {code: row[6] for code, row in stored.items()} == entry["targets"]
        assert {code: row[4] for code, row in stored.items()} == {
            code: result["status"] for code, result in entry["targets"].items()
        }
        assert stored["crime_reduction"][5] == Decimal("7") and stored["tips_on_time"][5] is None
        assert next(row for row in figures if row[0] == entry["code"])[3] == entry["counts"]

    before = stored_rows()
    first_marks = dict(Snapshot.objects.values_list("id", "computed_at"))
    first_figures = dict(UnitFigures.objects.values_list("id", "computed_at"))
    second = engine.recompute(2021, YEAR_END, scope_code="202")
    assert second.rows_changed == 0 and stored_rows() == before
    # The figures of every unit point at the last run and carry its time, changed or not (the pages'
    # "computed at"); an unchanged snapshot keeps the run and time of its last change.
    assert UnitFigures.objects.filter(run=second).count() == listed
    assert all(UnitFigures.objects.get(pk=pk).computed_at > at for pk, at in first_figures.items())
    assert Snapshot.objects.filter(run=first).count() == listed * 8
    assert dict(Snapshot.objects.values_list("id", "computed_at")) == first_marks

    f.incident(commune_a, user).save()  # 11 crimes now: Thanh Lâm and the district change
    third = engine.recompute(2021, YEAR_END, scope_code="202")
    assert third.rows_changed == 4
    assert sorted(Snapshot.objects.filter(run=third).values_list("unit__code", "target")) == [
        ("06976", "crime_reduction"),
        ("202", "crime_reduction"),
    ]
    assert Snapshot.objects.get(unit=commune_a, target="crime_reduction").result["current"] == 11

    # A threshold that changes alone: 11 against 12 is a fall of 8.3 %, met at 7 % and at 8 %. The
    # stored threshold follows, but the result and status did not change, so nothing is counted.
    TargetDefinition.objects.create(
        code="crime_reduction", group="crime_and_order", rule="reduction", year=2021, unit=commune_a, threshold=8
    )
    fourth = engine.recompute(2021, YEAR_END, scope_code="202")
    assert fourth.rows_changed == 0
    snapshot = Snapshot.objects.get(unit=commune_a, target="crime_reduction")
    assert snapshot.threshold == Decimal("8") and snapshot.status == "met" and snapshot.run_id == fourth.pk
    assert ComputationRun.objects.get(pk=fourth.pk).rows_changed == 0


def test_other_periods_and_units_are_left_alone(store, units):
    engine.recompute(2021, date(2021, 6, 1), scope_code="06976")
    kept = stored_rows()
    run = engine.recompute(2021, date(2021, 6, 2), scope_code="06970")
    assert run.rows_changed == 9
    snapshots, figures = stored_rows()
    assert all(row in snapshots for row in kept[0]) and all(row in figures for row in kept[1])
    assert Snapshot.objects.filter(run=run).count() == 8
    assert set(Snapshot.objects.filter(run=run).values_list("unit__code", "as_of")) == {("06970", date(2021, 6, 2))}
