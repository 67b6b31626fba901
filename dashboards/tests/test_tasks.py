"""Celery tasks: in-process runs, fan-out, the nightly schedule, retries, and the debounced recompute on save."""

from contextlib import contextmanager
from datetime import date
from unittest import mock

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import OperationalError, transaction
from django_celery_beat.models import PeriodicTask

from communes.models import AdministrativeUnit
from dashboards import engine, tasks
from dashboards.models import ComputationRun, Snapshot
from incidents.models import Incident
from incidents.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user("recorder", password="x")


def test_eager_task_creates_snapshots(units, user, commune_a):
    Incident.objects.bulk_create([f.incident(commune_a, user) for _ in range(3)])
    run = ComputationRun.objects.create(year=2021)
    result = tasks.recompute_targets.delay(2021, "2021-12-14", "202", run.pk).get()
    assert result["state"] == "finished" and result["run_id"] == run.pk and result["as_of"] == "2021-12-14"
    assert Snapshot.objects.filter(unit=commune_a, target="crime_reduction").get().result["current"] == 3
    assert Snapshot.objects.filter(unit__code="202").count() == 8
    run.refresh_from_db()
    assert run.state == ComputationRun.State.FINISHED and run.rows_changed == 9 * 9


def test_retry_is_configured_with_backoff_far_below_the_visibility_timeout():
    task = tasks.recompute_targets
    assert OperationalError in task.autoretry_for
    assert task.retry_backoff and task.max_retries == 5 and task.acks_late
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert task.retry_backoff_max * 10 < visibility


def test_a_database_error_is_retried(units, monkeypatch):
    calls = []
    real = engine.recompute

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real(*args, **kwargs)

    monkeypatch.setattr(engine, "recompute", flaky)
    # apply(throw=False): run in-process as a worker would, retrying instead of raising at once.
    result = tasks.recompute_targets.apply(args=[2021, "2021-12-14", "06976"], throw=False).get()
    assert len(calls) == 2 and result["state"] == "finished"


def test_small_scope_is_one_task(units):
    with mock.patch.object(tasks.recompute_targets, "delay") as delay:
        assert tasks.recompute_scope(2021) == {"tasks": 1}
    delay.assert_called_once_with(2021, "2021-12-14", None)


def test_large_scope_fans_out_per_district_then_parents(units, user, commune_a, settings):
    settings.DASHBOARDS_FAN_OUT_COMMUNES = 2
    other = AdministrativeUnit.objects.create(code="203", name="Huyện Thử", kind="huyen", parent=units["22"])
    far = AdministrativeUnit.objects.create(code="07000", name="Xã Thử", kind="xa", parent=other)
    Incident.objects.bulk_create([f.incident(commune_a, user), f.incident(far, user), f.incident(far, user)])
    # A task per district of 2021 (Ba Chẽ, the test's, and TP Hạ Long and Tiên Yên that the seed knows
    # as the homes of Ba Chẽ's out-of-area predecessors), then one for the province.
    assert tasks.recompute_scope(2021) == {"tasks": 5}
    province = Snapshot.objects.get(unit__code="22", target="crime_reduction")
    assert province.result["current"] == 3
    full = engine.compute(2021)
    stored = {(row.unit.code, row.target): row.result for row in Snapshot.objects.select_related("unit")}
    assert stored == {
        (entry["code"], code): result for entry in full["units"] for code, result in entry["targets"].items()
    }


def test_nightly_schedule_recomputes_current_and_previous_year():
    periodic = PeriodicTask.objects.get(task="dashboards.recompute_nightly")
    assert periodic.enabled and periodic.crontab.hour == "1"
    with mock.patch.object(tasks.recompute_scope, "delay") as delay:
        years = tasks.recompute_nightly()["years"]
    assert [call.args for call in delay.call_args_list] == [(years[0],), (years[1],)]
    assert years[0] == years[1] + 1


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


@pytest.fixture
def recompute_on_save(settings):
    settings.DASHBOARDS_RECOMPUTE_ON_SAVE = True
    settings.DASHBOARDS_RECOMPUTE_DEBOUNCE = 60  # as with a broker
    cache.clear()
    yield
    cache.clear()


def test_many_saves_enqueue_one_task_per_year_and_district(
    units, user, commune_a, commune_b, recompute_on_save, committed
):
    with mock.patch.object(tasks.recompute_targets, "apply_async") as apply_async:
        with committed():
            for day in (date(2021, 3, 1), date(2021, 4, 1), date(2021, 5, 1)):
                for unit in (commune_a, commune_b):
                    f.incident(unit, user, occurred_on=day).save()
        with committed():
            f.accident(commune_a, user, occurred_on=date(2021, 6, 1)).save()
            Incident.objects.filter(unit=commune_b).first().delete()
    # A 2021 record changes 2021 (current period) and 2022 (its previous period): one task each
    # for the province (its code names one unit in every year, unlike district 202, ended in 2025),
    # whatever the number of saves, run after the debounce window.
    assert apply_async.call_count == 2
    calls = sorted(call.kwargs["kwargs"]["year"] for call in apply_async.call_args_list)
    assert calls == [2021, 2022]
    for call in apply_async.call_args_list:
        assert call.kwargs["kwargs"]["scope_code"] == "22" and call.kwargs["countdown"] == 60


def test_a_rolled_back_save_schedules_nothing(units, user, commune_a, recompute_on_save, committed):
    with mock.patch.object(tasks.recompute_targets, "apply_async") as apply_async:
        with committed():
            try:
                with transaction.atomic():
                    f.incident(commune_a, user).save()
                    raise RuntimeError
            except RuntimeError:
                pass
        assert apply_async.call_count == 0
        with committed():
            f.incident(commune_a, user).save()
        assert apply_async.call_count == 2


def test_saves_do_not_enqueue_when_turned_off(units, user, commune_a, django_capture_on_commit_callbacks):
    assert settings.DASHBOARDS_RECOMPUTE_ON_SAVE is False  # settings_test.py
    with mock.patch.object(tasks.recompute_targets, "apply_async") as apply_async:
        with django_capture_on_commit_callbacks(execute=True):
            f.incident(commune_a, user).save()
    assert apply_async.call_count == 0


def test_eager_recompute_after_a_save_stores_the_district_and_parents(
    units, user, commune_a, recompute_on_save, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        f.incident(commune_a, user, occurred_on=date(2025, 3, 1)).save()
    # Thanh Lâm ended on 30/06/2025: its record counts for xã Kỳ Thượng, listed at the year's end.
    snapshot = Snapshot.objects.get(unit=units["06979@2025"], target="crime_reduction", year=2025)
    assert snapshot.result["current"] == 1
    assert Snapshot.objects.filter(unit__code="22", year=2025).count() == 8  # parents rebuilt too


def test_without_a_window_each_transaction_enqueues_once_per_year_and_district(
    units, user, commune_a, commune_b, recompute_on_save, settings, committed
):
    settings.DASHBOARDS_RECOMPUTE_DEBOUNCE = 0  # no broker: in-process, at once
    with mock.patch.object(tasks.recompute_targets, "apply_async") as apply_async:
        with committed():
            with transaction.atomic():  # e.g. an import of many records
                for unit in (commune_a, commune_b, commune_a):
                    f.incident(unit, user).save()
        assert apply_async.call_count == 2  # 2021 and 2022, district 202
        with committed():
            f.incident(commune_a, user).save()
        assert apply_async.call_count == 4  # the next commit is recomputed too: figures stay fresh
    assert all(call.kwargs["countdown"] == 0 for call in apply_async.call_args_list)
