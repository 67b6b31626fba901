"""The recomputation outbox: a record change writes a (unit, year) row in its own transaction; the
beat task drains it, one recomputation per (district, year), claimed so that two drains never
publish the same row, and nothing is lost when the broker is down."""

from contextlib import contextmanager
from datetime import date, timedelta
from unittest import mock

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone
from django_celery_beat.models import PeriodicTask
from kombu.exceptions import OperationalError as BrokerError

from communes.models import AdministrativeUnit
from dashboards import outbox, tasks
from dashboards.models import ComputationRun, RecomputeRequest, Snapshot
from incidents.models import Incident
from incidents.tests import factories as f
from reintegration.tests.factories import make_person, make_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user("recorder", password="x")


@pytest.fixture
def recompute_on_save(settings):
    settings.DASHBOARDS_RECOMPUTE_ON_SAVE = True


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run the on-commit callbacks of the block, then forget them, as a real commit does (the test's
    own transaction never commits, so Django would otherwise keep them in its list)."""

    @contextmanager
    def block():
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            yield callbacks
        transaction.get_connection().run_on_commit.clear()

    return block


def dirty() -> set[tuple[str, int]]:
    return set(RecomputeRequest.objects.values_list("unit__code", "year"))


def test_saves_write_one_row_per_unit_and_year(units, user, commune_a, commune_b, recompute_on_save):
    with mock.patch.object(tasks.recompute_targets, "apply_async") as apply_async:
        with transaction.atomic():  # e.g. an import of many records
            for day in (date(2021, 3, 1), date(2021, 4, 1)):
                for unit in (commune_a, commune_b):
                    f.incident(unit, user, occurred_on=day).save()
        f.accident(commune_a, user, occurred_on=date(2021, 6, 1)).save()
        Incident.objects.filter(unit=commune_b).first().delete()
    # A 2021 record changes 2021 (current period) and 2022 (its previous period); nothing is
    # published by a save.
    assert dirty() == {("06976", 2021), ("06976", 2022), ("06970", 2021), ("06970", 2022)}
    assert apply_async.call_count == 0
    assert RecomputeRequest.objects.get(unit=commune_a, year=2021).unit_id == commune_a.pk  # keyed by id


def test_a_rolled_back_save_leaves_no_row(units, user, commune_a, recompute_on_save):
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            f.incident(commune_a, user).save()
            assert dirty()  # written in the record's transaction
            raise RuntimeError
    assert not dirty()


def test_saves_write_nothing_when_turned_off(units, user, commune_a, settings):
    assert settings.DASHBOARDS_RECOMPUTE_ON_SAVE is False  # settings_test.py
    f.incident(commune_a, user).save()
    assert not dirty()


def test_moving_a_record_marks_its_old_unit_and_year_too(units, user, commune_a, recompute_on_save):
    other = AdministrativeUnit.objects.create(code="203", name="Huyện Thử", kind="huyen", parent=units["22"])
    far = AdministrativeUnit.objects.create(code="07000", name="Xã Thử", kind="xa", parent=other)
    incident = f.incident(commune_a, user, occurred_on=date(2021, 3, 1))
    incident.save()
    RecomputeRequest.objects.all().delete()
    incident.unit, incident.occurred_on = far, date(2023, 3, 1)
    incident.save()
    assert dirty() == {("06976", 2021), ("06976", 2022), ("07000", 2023), ("07000", 2024)}


def test_a_person_deleted_with_statuses_marks_the_unit_without_error(units, commune_a, recompute_on_save):
    person = make_person(commune_a)
    make_status(person, date(2021, 6, 1))
    RecomputeRequest.objects.all().delete()
    person.delete()  # the statuses go first, their person still readable
    assert ("06976", 2021) in dirty()


def test_the_drain_publishes_one_task_per_province_and_year(units, user, commune_a, commune_b, recompute_on_save):
    for unit in (commune_a, commune_b):
        f.incident(unit, user, occurred_on=date(2021, 3, 1)).save()
    with mock.patch.object(tasks.recompute_targets, "apply_async") as apply_async:
        assert tasks.drain_recompute_outbox() == {"rows": 4, "published": 2, "failed": 0}
    province = units["22"]  # a scope that exists in every year (district 202 ended on 30/06/2025)
    sent = sorted(
        (call.kwargs["kwargs"]["scope_id"], call.kwargs["kwargs"]["year"]) for call in apply_async.call_args_list
    )
    assert sent == [(province.pk, 2021), (province.pk, 2022)]
    # Claimed, not deleted: the rows stay until the recomputation has run.
    assert RecomputeRequest.objects.exclude(claim_token="").count() == 4
    with mock.patch.object(tasks.recompute_targets, "apply_async") as again:
        assert tasks.drain_recompute_outbox()["rows"] == 0  # a second drain takes nothing
    assert again.call_count == 0
    for call in apply_async.call_args_list:
        tasks.recompute_targets.apply(kwargs=call.kwargs["kwargs"]).get()
    assert not dirty()
    assert Snapshot.objects.get(unit=commune_a, target="crime_reduction", year=2021).result["current"] == 1
    assert Snapshot.objects.filter(unit__code="22", year=2021).count() == 8  # parents rebuilt too


def test_two_drains_never_claim_the_same_row(units, user, commune_a, recompute_on_save):
    f.incident(commune_a, user).save()
    first_token, first = outbox.claim()
    second_token, second = outbox.claim()
    assert len(first) == 2 and second == [] and first_token != second_token


def test_a_drain_racing_another_takes_only_what_is_still_free(units, user, commune_a, monkeypatch, recompute_on_save):
    """The compare-and-swap: rows another drain claimed between this drain's read and its update
    are not taken again (on SQLite, where nothing locks them)."""
    f.incident(commune_a, user).save()
    real = outbox._candidates
    other = {}

    def racing(free):
        ids = real(free)
        monkeypatch.setattr(outbox, "_candidates", real)
        other["token"], other["rows"] = outbox.claim()  # the other drain, in between
        return ids

    monkeypatch.setattr(outbox, "_candidates", racing)
    token, rows = outbox.claim()
    assert rows == [] and len(other["rows"]) == 2
    assert set(RecomputeRequest.objects.values_list("claim_token", flat=True)) == {other["token"]}


def test_with_the_broker_down_the_rows_stay_for_the_next_drain(units, user, commune_a, recompute_on_save):
    f.incident(commune_a, user).save()
    with mock.patch.object(tasks.recompute_targets, "apply_async", side_effect=BrokerError("Connection refused")):
        assert tasks.drain_recompute_outbox() == {"rows": 2, "published": 0, "failed": 2}
    assert RecomputeRequest.objects.filter(claim_token="").count() == 2  # released
    with mock.patch.object(tasks.recompute_targets, "apply_async") as apply_async:
        assert tasks.drain_recompute_outbox()["published"] == 2
    assert apply_async.call_count == 2


def test_with_a_broker_only_its_errors_are_kept_for_the_next_drain(units, user, commune_a, recompute_on_save):
    """With a real broker, a publication error is the broker's; any other error is a bug, raised."""
    f.incident(commune_a, user).save()
    conf = tasks.current_app.conf
    eager, conf.task_always_eager = conf.task_always_eager, False
    try:
        with mock.patch.object(tasks.recompute_targets, "apply_async", side_effect=BrokerError("Connection refused")):
            assert tasks.drain_recompute_outbox()["failed"] == 2
        with mock.patch.object(tasks.recompute_targets, "apply_async", side_effect=TypeError("not serialisable")):
            with pytest.raises(TypeError):
                tasks.drain_recompute_outbox()
    finally:
        conf.task_always_eager = eager


def test_a_change_after_the_claim_keeps_its_row(units, user, commune_a, recompute_on_save):
    f.incident(commune_a, user).save()
    with mock.patch.object(tasks.recompute_targets, "apply_async") as apply_async:
        tasks.drain_recompute_outbox()
    f.incident(commune_a, user).save()  # after the claim: its recomputation may not see it
    for call in apply_async.call_args_list:
        tasks.recompute_targets.apply(kwargs=call.kwargs["kwargs"]).get()
    assert dirty() == {("06976", 2021), ("06976", 2022)}
    assert not RecomputeRequest.objects.exclude(claim_token="").exists()  # free for the next drain


def test_a_claim_whose_task_never_ran_is_taken_again_after_the_time_limit(units, user, commune_a, recompute_on_save):
    f.incident(commune_a, user).save()
    with mock.patch.object(tasks.recompute_targets, "apply_async"):  # published, then lost
        tasks.drain_recompute_outbox()
    later = timezone.now() + ComputationRun.time_limit() + timedelta(minutes=1)
    with time_machine.travel(later, tick=False), mock.patch.object(tasks.recompute_targets, "apply_async") as again:
        assert tasks.drain_recompute_outbox()["published"] == 2
    assert again.call_count == 2


def test_in_process_each_commit_updates_the_figures(units, user, commune_a, recompute_on_save, committed):
    """Without a broker (make run, tests) the outbox drains at once after the commit."""
    with committed():
        f.incident(commune_a, user, occurred_on=date(2025, 3, 1)).save()
    # Thanh Lâm ended on 30/06/2025: its record counts for xã Kỳ Thượng, listed at the year's end.
    ky_thuong = units["06979@2025"]
    snapshot = Snapshot.objects.get(unit=ky_thuong, target="crime_reduction", year=2025)
    assert snapshot.result["current"] == 1
    assert Snapshot.objects.filter(unit__code="22", year=2025).count() == 8  # parents rebuilt too
    assert not dirty()
    with committed() as callbacks:
        with transaction.atomic():
            for _ in range(3):
                f.incident(commune_a, user, occurred_on=date(2025, 3, 1)).save()
    assert len(callbacks) == 1  # one drain per transaction
    assert Snapshot.objects.get(unit=ky_thuong, target="crime_reduction", year=2025).result["current"] == 4


def test_a_failing_in_process_recompute_keeps_the_rows_and_the_save(
    units, user, commune_a, recompute_on_save, committed
):
    with mock.patch("dashboards.engine.run_computation", side_effect=ValueError("boom")), committed():
        f.incident(commune_a, user, occurred_on=date(2025, 3, 1)).save()
    assert Incident.objects.count() == 1
    assert dirty() == {("06976", 2025), ("06976", 2026)} and not RecomputeRequest.objects.exclude(claim_token="")
    assert ComputationRun.objects.filter(state=ComputationRun.State.FAILED).exists()


def test_scopes_are_found_by_parent_links(units, commune_a):
    village = AdministrativeUnit.objects.create(code="0697601", name="Thôn Thử", kind="thon", parent=commune_a)
    district, province = units["202"], units["22"]
    assert outbox.scopes_of([commune_a.pk, village.pk, district.pk, province.pk]) == {
        commune_a.pk: province.pk,
        village.pk: province.pk,
        district.pk: province.pk,
        province.pk: province.pk,
    }


def test_the_drain_is_scheduled_every_two_minutes():
    periodic = PeriodicTask.objects.get(task="dashboards.drain_recompute_outbox")
    assert periodic.enabled and periodic.interval.every == 2 and periodic.interval.period == "minutes"


def test_an_import_marks_the_units_and_years_of_its_records(roles, commune_a, recompute_on_save):
    """Imports write records in bulk (no post_save): the importer's signal marks them."""
    from incidents.tests.test_import_export import GOOD, HEADERS, csv_bytes, run

    assert run("incidents", roles.officer_a, csv_bytes(HEADERS["incidents"], *GOOD["incidents"])).ok
    years = {year for _code, year in dirty()}
    assert {code for code, _year in dirty()} == {"06976"} and years
    assert years == {
        y for day in Incident.objects.values_list("occurred_on", flat=True) for y in outbox.years_touched(day)
    }
