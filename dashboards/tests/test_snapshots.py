"""Stored results: one Snapshot per (unit, target, period, as-of), replaced atomically, and the run record."""

from datetime import date

import pytest

from communes.models import AdministrativeUnit
from dashboards import engine
from dashboards.models import ComputationRun, Snapshot, UnitFigures
from incidents.models import Incident
from incidents.tests import factories as f

pytestmark = pytest.mark.django_db

YEAR_END = date(2021, 12, 14)


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user("recorder", password="x")


def rows():
    return sorted(
        Snapshot.objects.values_list("unit__code", "target", "period_start", "period_end", "as_of", "status", "result")
    ), sorted(UnitFigures.objects.values_list("unit__code", "as_of", "counts", "previous_counts", "components"))


def test_recompute_stores_the_document_and_is_idempotent(units, user, commune_a):
    Incident.objects.bulk_create([f.incident(commune_a, user, occurred_on=date(2020, 3, 1)) for _ in range(12)])
    Incident.objects.bulk_create([f.incident(commune_a, user) for _ in range(10)])
    first = engine.recompute(2021, YEAR_END)
    listed = len(engine.compute(2021, YEAR_END)["units"])
    assert first.state == ComputationRun.State.FINISHED
    assert first.as_of == YEAR_END and first.started_at <= first.finished_at and first.duration is not None
    assert Snapshot.objects.count() == listed * 8 and UnitFigures.objects.count() == listed
    assert first.rows_changed == listed * 9
    snapshot = Snapshot.objects.get(unit=commune_a, target="crime_reduction")
    assert (snapshot.period_start, snapshot.period_end, snapshot.as_of) == (date(2020, 12, 15), YEAR_END, YEAR_END)
    assert snapshot.result["current"] == 10 and snapshot.result["previous"] == 12 and snapshot.status == "met"
    assert snapshot.threshold == 7
    before = rows()
    second = engine.recompute(2021, YEAR_END)
    assert rows() == before
    assert second.rows_changed == 0 and second.state == ComputationRun.State.FINISHED
    # The figures of every unit (what pages show "computed at" from) point at the last run; a
    # snapshot keeps the run that last changed it.
    assert UnitFigures.objects.filter(run=second).count() == listed
    assert not Snapshot.objects.filter(run=second).exists()
    assert Snapshot.objects.filter(run=first).count() == listed * 8
    f.incident(commune_a, user).save()
    third = engine.recompute(2021, YEAR_END)
    changed = Snapshot.objects.filter(run=third)
    assert set(changed.values_list("target", flat=True)) == {"crime_reduction"}
    assert third.rows_changed == 2 * changed.count()  # each unit whose crime figure changed: snapshot and figures


def test_a_change_is_counted_and_replaces_the_rows(units, user, commune_a):
    engine.recompute(2021, YEAR_END, scope_code="202")
    f.incident(commune_a, user).save()
    run = engine.recompute(2021, YEAR_END, scope_code="202")
    # Thanh Lâm and the district: crime_reduction changes (0 -> 1 case) and their figures.
    assert run.rows_changed == 4
    assert Snapshot.objects.filter(target="crime_reduction", unit=commune_a).get().result["current"] == 1
    assert Snapshot.objects.filter(unit__code="202").count() == 8


def test_scope_recompute_touches_only_its_units(units):
    engine.recompute(2021, YEAR_END, scope_code="06976")
    assert set(Snapshot.objects.values_list("unit__code", flat=True)) == {"06976"}


def test_unfinished_year_snapshots_are_keyed_by_as_of(units):
    engine.recompute(2021, date(2021, 6, 1), scope_code="06976")
    engine.recompute(2021, date(2021, 6, 2), scope_code="06976")
    assert sorted(set(Snapshot.objects.values_list("period_end", "as_of"))) == [
        (date(2021, 6, 1), date(2021, 6, 1)),
        (date(2021, 6, 2), date(2021, 6, 2)),
    ]


def test_parents_rebuilt_from_stored_district_figures_equal_a_full_computation(units, user, commune_a, commune_b):
    Incident.objects.bulk_create([f.incident(commune_a, user), f.incident(commune_b, user, subjects=4)])
    # Each district of 2021 computed on its own (the fan-out): Ba Chẽ and the two of the out-of-area
    # predecessors the seed knows (TP Hạ Long, huyện Tiên Yên).
    for district in AdministrativeUnit.objects.filter(level="district").valid_on(YEAR_END):
        engine.recompute(2021, YEAR_END, scope_code=district.code)
    assert not Snapshot.objects.filter(unit__code="22").exists()
    assert engine.recompute_parents(2021, YEAR_END) == 1
    stored = {row.target: row.result for row in Snapshot.objects.filter(unit__code="22")}
    full = next(entry for entry in engine.compute(2021, YEAR_END)["units"] if entry["code"] == "22")
    assert stored == full["targets"]
    assert UnitFigures.objects.get(unit__code="22").counts == full["counts"]


def test_parents_not_rebuilt_when_a_district_has_no_figures(units):
    assert engine.recompute_parents(2021, YEAR_END) == 0


def test_a_failing_run_is_recorded_as_failed(units, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(engine, "run_computation", broken)
    run = ComputationRun.objects.create(year=2021)
    with pytest.raises(RuntimeError):
        engine.recompute(2021, YEAR_END, run=run)
    run.refresh_from_db()
    assert run.state == ComputationRun.State.FAILED
    assert "database went away" in run.error and run.finished_at is not None
    assert not Snapshot.objects.exists()


def test_unknown_unit_fails_the_run(units):
    with pytest.raises(engine.EngineError):
        engine.recompute(2021, YEAR_END, scope_code="99999")
    assert ComputationRun.objects.get().state == ComputationRun.State.FAILED
