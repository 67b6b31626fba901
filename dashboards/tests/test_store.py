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


def test_only_units_whose_rows_would_change_are_compared_and_written(store, units, django_user_model, commune_a):
    """The digest of each unit's stored rows sets the unchanged units aside: a run with nothing new
    sends no row to compare, one new record sends its commune and the district only; every unit's
    figures still point at the last run."""
    user = django_user_model.objects.create_user("recorder", password="x")
    Incident.objects.bulk_create([f.incident(commune_a, user) for _ in range(3)])
    engine.recompute(2021, YEAR_END, scope_code="202")
    sent = []
    write = storing._store_in_sql if store == "postgresql" else storing._store_compared

    def recording(year, key, snapshots, figures, now, run):
        sent.append(sorted({row[0] for row in figures}))
        return write(year, key, snapshots, figures, now, run)

    name = "_store_in_sql" if store == "postgresql" else "_store_compared"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(storing, name, recording)
        if store == "orm":
            patch.setattr(storing, "_store_in_sql", recording)
        quiet = engine.recompute(2021, YEAR_END, scope_code="202")
        assert sent == [] and quiet.rows_changed == 0
        assert UnitFigures.objects.filter(run=quiet).count() == 9

        f.incident(commune_a, user).save()
        one = engine.recompute(2021, YEAR_END, scope_code="202")
    district = UnitFigures.objects.get(unit__code="202").unit_id
    assert sent == [sorted([commune_a.id, district])]
    assert one.rows_changed == 4 and UnitFigures.objects.filter(run=one).count() == 9
    assert Snapshot.objects.get(unit=commune_a, target="crime_reduction").result["current"] == 4


def test_a_change_of_the_rules_output_reaches_every_snapshot(store, units, monkeypatch):
    """The digest is of what the rules produced, not of the figures alone: when the code that judges
    changes (a new release), the next run rewrites the results it changes even though no record did."""
    engine.recompute(2021, YEAR_END, scope_code="202")
    judge = engine.judge

    def judged_with_a_note(figures, thresholds):
        results = judge(figures, thresholds)
        results["crime_reduction"] = {**results["crime_reduction"], "note": "rules v2"}
        return results

    monkeypatch.setattr(engine, "judge", judged_with_a_note)
    run = engine.recompute(2021, YEAR_END, scope_code="202")
    assert run.rows_changed == 9
    assert set(Snapshot.objects.filter(target="crime_reduction").values_list("result__note", flat=True)) == {"rules v2"}


def test_figures_without_a_digest_are_compared_in_full(store, units):
    """Rows stored before the digest existed (or edited by hand) carry none: they are compared and
    written like new ones, and nothing is counted when they hold the same figures."""
    engine.recompute(2021, YEAR_END, scope_code="202")
    UnitFigures.objects.update(digest="")
    run = engine.recompute(2021, YEAR_END, scope_code="202")
    assert run.rows_changed == 0
    assert "" not in set(UnitFigures.objects.values_list("digest", flat=True))
