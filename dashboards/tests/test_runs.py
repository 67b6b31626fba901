"""Computation runs never stay "queued" or "started" for ever: failed on a publication error and in
the task's on_failure, shown failed past their time limit (the Recompute button works again),
taken over by a redelivered task, and retried by an administrator from the run's page."""

import time
from datetime import date
from unittest import mock

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from basecurity.testing.html import tree
from basecurity.testing.services import broker_at
from dashboards import tasks
from dashboards.models import ComputationRun

pytestmark = pytest.mark.django_db

YEAR = 2021


def attributes(page, xpath: str) -> list[str]:
    return [str(value) for value in tree(page).xpath(xpath)]


def recompute_button(page) -> list[str]:
    """The disabled attribute of the Recompute button ([] when it can be clicked)."""
    return attributes(page, '//form[@id="recompute-form"]//button/@disabled')


def test_a_publication_error_fails_the_run_and_frees_the_button(
    units, roles, client_for, django_capture_on_commit_callbacks
):
    district = units["202"]
    client = client_for(roles.district_committee)
    with mock.patch.object(tasks.recompute_targets, "apply_async", side_effect=BrokerError("Connection refused")):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("dashboards:recompute", args=[district.pk]), {"year": YEAR})
    assert response.status_code == 302
    run = ComputationRun.objects.get()
    assert run.state == ComputationRun.State.FAILED and "Connection refused" in run.error
    page = client.get(response.url)
    assert recompute_button(page) == []  # enabled
    assert attributes(page, '//*[@id="run-status"]/@class')[0].split()[-1] == "text-bg-danger"


def test_a_task_that_fails_for_good_fails_its_run(units):
    run = ComputationRun.objects.create(year=YEAR, scope=units["202"])
    with mock.patch("dashboards.engine.recompute", side_effect=ValueError("broken")):
        result = tasks.recompute_targets.apply(args=[YEAR, None, None, run.pk], throw=False)
    assert result.failed()
    run.refresh_from_db()
    assert run.state == ComputationRun.State.FAILED and "broken" in run.error


def test_retries_exhausted_fail_the_run(units, monkeypatch):
    from django.db import OperationalError

    run = ComputationRun.objects.create(year=YEAR, scope=units["202"])
    monkeypatch.setattr("dashboards.engine.recompute", mock.Mock(side_effect=OperationalError("database down")))
    monkeypatch.setattr(tasks.recompute_targets, "max_retries", 0)
    result = tasks.recompute_targets.apply(args=[YEAR, None, None, run.pk], throw=False)
    assert result.failed()
    run.refresh_from_db()
    assert run.state == ComputationRun.State.FAILED


def test_an_overdue_run_is_shown_failed_and_the_button_works_again(units, roles, client_for):
    district = units["202"]
    client = client_for(roles.district_committee)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        run = ComputationRun.objects.create(year=YEAR, scope=district, state=ComputationRun.State.STARTED)
        run.started_at = start
        run.save()
    url = reverse("dashboards:unit_overview", args=[district.pk]) + f"?year={YEAR}"
    with time_machine.travel(start + ComputationRun.time_limit() / 2, tick=False):
        assert recompute_button(client.get(url)) == ["disabled"]
    with time_machine.travel(start + ComputationRun.time_limit() + timezone.timedelta(seconds=1), tick=False):
        page = client.get(url)
        assert recompute_button(page) == []
        status = client.get(reverse("dashboards:run_status", args=[run.pk])).json()
    assert status["state"] == "failed" and status["done"] and status["failed"] and status["message"]


def test_a_redelivered_task_takes_over_the_run_of_its_first_delivery(units):
    """A fan-out part (no run given) whose worker died after it began: the second delivery, with
    the same task id, finishes the run the first one left "started"."""
    first = tasks.recompute_targets.apply(args=[YEAR, "2021-12-14", "202"], task_id="part-1")
    assert first.get()["state"] == "finished"
    ComputationRun.objects.filter(task_id="part-1").update(state=ComputationRun.State.STARTED, finished_at=None)
    again = tasks.recompute_targets.apply(args=[YEAR, "2021-12-14", "202"], task_id="part-1").get()
    assert ComputationRun.objects.filter(task_id="part-1").count() == 1
    assert ComputationRun.objects.get(task_id="part-1").state == ComputationRun.State.FINISHED
    assert again["run_id"] == first.get()["run_id"]


def test_an_administrator_retries_a_failed_run_from_its_page(
    units, roles, client_for, django_capture_on_commit_callbacks
):
    run = ComputationRun.objects.create(
        year=YEAR, as_of=date(2021, 12, 14), scope=units["202"], state=ComputationRun.State.FAILED
    )
    client = client_for(roles.admin)
    page = client.get(reverse("admin:dashboards_computationrun_change", args=[run.pk]))
    assert attributes(page, '//form[@id="retry-run-form"]/@action') == [
        reverse("admin:dashboards_computationrun_retry", args=[run.pk])
    ]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:dashboards_computationrun_retry", args=[run.pk]))
    again = ComputationRun.objects.exclude(pk=run.pk).get()
    assert response.url == reverse("admin:dashboards_computationrun_change", args=[again.pk])
    assert again.state == ComputationRun.State.FINISHED and again.requested_by == roles.admin
    assert (again.year, again.as_of, again.scope) == (run.year, run.as_of, run.scope)


def test_the_retry_action_of_the_run_list(units, roles, client_for, django_capture_on_commit_callbacks):
    runs = [ComputationRun.objects.create(year=YEAR, scope=units["202"], state="failed") for _ in range(2)]
    with django_capture_on_commit_callbacks(execute=True):
        client_for(roles.admin).post(
            reverse("admin:dashboards_computationrun_changelist"),
            {"action": "retry_runs", "_selected_action": [run.pk for run in runs]},
        )
    assert ComputationRun.objects.filter(state=ComputationRun.State.FINISHED).count() == 2


def test_only_administrators_retry(units, roles, client_for, django_user_model):
    run = ComputationRun.objects.create(year=YEAR, scope=units["202"], state="failed")
    response = client_for(roles.district_committee).post(
        reverse("admin:dashboards_computationrun_retry", args=[run.pk])
    )
    assert response.status_code == 302 and "/login/" in response.url  # not staff: the admin's login
    staff = django_user_model.objects.create_user("staff", password="x", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_computationrun"))
    client = client_for(staff)
    assert client.post(reverse("admin:dashboards_computationrun_retry", args=[run.pk])).status_code == 403
    page = client.get(reverse("admin:dashboards_computationrun_change", args=[run.pk]))
    assert page.status_code == 200 and attributes(page, '//form[@id="retry-run-form"]/@action') == []
    assert ComputationRun.objects.count() == 1


def test_a_publication_with_the_broker_unreachable_gives_up_within_a_second(units, settings):
    """The Recompute button's publication against a broker that refuses connections."""
    run = ComputationRun.objects.create(year=YEAR, scope=units["202"])
    with broker_at("redis://127.0.0.1:1/0"):  # nothing listens on port 1
        started = time.monotonic()
        assert tasks.enqueue_run(run) is False
        elapsed = time.monotonic() - started
    assert elapsed < 1.5
    run.refresh_from_db()
    assert run.state == ComputationRun.State.FAILED
