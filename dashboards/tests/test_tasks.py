"""Celery tasks: in-process runs, fan-out, the nightly schedule, retries (the outbox: test_outbox.py)."""

from unittest import mock

import pytest
from django.conf import settings
from django.db import OperationalError
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


def test_retry_is_configured_with_backoff_below_the_visibility_timeout():
    task = tasks.recompute_targets
    assert OperationalError in task.autoretry_for
    assert task.retry_backoff and task.max_retries == 5 and task.acks_late and task.ignore_result
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert task.retry_backoff_max < visibility


def test_a_killed_workers_task_comes_back_in_minutes_not_hours():
    """The visibility timeout is the longest task (its hard time limit) plus a margin."""
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert settings.CELERY_TASK_TIME_LIMIT < visibility <= settings.CELERY_TASK_TIME_LIMIT + 10 * 60
    assert visibility < 30 * 60
    assert settings.CELERY_TASK_ACKS_LATE and settings.CELERY_TASK_REJECT_ON_WORKER_LOST


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
