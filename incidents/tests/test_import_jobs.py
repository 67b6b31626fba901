"""Imports as background jobs (communes/jobs.py, issue 12): the request stores and queues only, the
check and the write run as tasks, the job page follows them; only its user sees a job; a broker that
does not answer leaves a job the user retries; files do not outlive their jobs; the command shows
its progress; a real worker runs a job end to end."""

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from kombu.exceptions import OperationalError as BrokerDown

from basecurity.testing.html import table_rows, texts
from basecurity.testing.imports import confirm, post_running_jobs, upload
from communes import jobs, tasks
from communes.models import ImportJob, PeriodLock
from incidents.models import Incident

pytestmark = pytest.mark.django_db

HEADER = "unit_code,village,occurred_on,category,subjects,description"
ROWS = ["06976,Thôn Đồng Thầm,2021-03-15,crime.theft,2,Trộm cắp xe máy", "06976,,15/04/2021,violation.minerals,0,Cát"]


def csv_bytes(*lines) -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


GOOD = csv_bytes(HEADER, *ROWS)


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


def state(page) -> str:
    return texts(page, "//*[@id='import-state']/@data-state")[0]


def job_page(client, job):
    return client.get(reverse("imports:job", args=[job.pk]))


def test_the_request_only_stores_the_file_and_queues_the_check(roles, client_for, commune_a, monkeypatch):
    sent = []
    monkeypatch.setattr(tasks.import_validate, "apply_async", lambda args: sent.append(args))  # a broker, no worker
    client = client_for(roles.officer_a)
    response = upload(client, "incidents", GOOD, "book.csv")
    job = ImportJob.objects.get()
    assert sent == [[job.pk]]
    assert (job.state, job.filename, job.size, job.unit) == ("queued", "book.csv", len(GOOD), commune_a)
    assert job.file.name.endswith(".csv") and "book" not in job.file.name  # stored under a random name
    with job.file.open("rb") as stored:
        assert stored.read() == GOOD
    page = client.get(response["Location"])
    assert state(page) == "queued"
    # The page reloads itself while the job runs and shows an indeterminate bar until rows are counted.
    assert texts(page, "//meta[@http-equiv='refresh']/@content") == ["2"]
    assert texts(page, "//progress[@id='import-progress']")
    assert not Incident.objects.exists()


def test_the_check_reports_progress_and_the_counts_to_confirm(roles, client_for, commune_a, monkeypatch):
    seen = []
    original = jobs._progress_in_row

    def spy(job_id):
        report = original(job_id)

        def recorded(phase, done, total):
            report(phase, done, total)
            seen.append((phase, *ImportJob.objects.values_list("done", "total").get(pk=job_id)))

        return recorded

    monkeypatch.setattr(jobs, "_progress_in_row", spy)
    client = client_for(roles.officer_a)
    upload(client, "incidents", GOOD)
    job = ImportJob.objects.get()
    assert seen[0] == ("validating", 0, 2) and seen[-1] == ("validating", 2, 2)
    page = job_page(client, job)
    assert state(page) == "awaiting" and not texts(page, "//meta[@http-equiv='refresh']")
    assert table_rows(page, "import-counts") == [["Xã Thanh Lâm", "2"]]
    assert texts(page, "//*[@id='import-ready']") == [
        "The file was checked: 2 records can be imported. Nothing is written until you confirm."
    ]


def test_a_running_write_shows_its_progress_from_the_cache(roles, client_for, commune_a):
    client = client_for(roles.officer_a)
    upload(client, "incidents", GOOD)
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(state="writing")
    jobs._progress_in_cache(job.pk)("writing", 1, 2)
    page = job_page(client, job)
    assert texts(page, "//progress[@id='import-progress']/@value") == ["1"]
    assert "Writing: 1 of 2 records." in texts(page, "//div[@id='import-running']/p")


def test_a_job_is_its_users_only(roles, client_for, commune_a):
    upload(client_for(roles.officer_a), "incidents", GOOD)
    job = ImportJob.objects.get()
    for who in ("officer_b", "district_police", "admin"):
        other = client_for(getattr(roles, who))
        assert job_page(other, job).status_code == 404, who
        assert other.post(reverse("imports:confirm", args=[job.pk])).status_code == 404, who
        assert other.post(reverse("imports:retry", args=[job.pk])).status_code == 404, who
        assert not texts(other.get(reverse("imports:list")), "//table[@id='import-jobs']//a")
    job.refresh_from_db()
    assert job.state == "awaiting" and not Incident.objects.exists()
    mine = client_for(roles.officer_a).get(reverse("imports:list"))
    assert table_rows(mine, "import-jobs")[0][0] == "file.csv"


def test_confirming_twice_or_a_task_delivered_twice_writes_once(roles, client_for, commune_a):
    client = client_for(roles.officer_a)
    upload(client, "incidents", GOOD)
    job = ImportJob.objects.get()
    confirm(client, job)
    confirm(client, job)  # the button pressed again: "not awaiting confirmation any more"
    jobs.write(job.pk)  # a second delivery of the write task
    job.refresh_from_db()
    assert (job.state, job.written, job.imported_file.rows) == ("done", 2, 2)
    assert Incident.objects.count() == 2 and Incident.history.count() == 2


def test_the_write_checks_again_a_period_locked_after_the_check(roles, client_for, commune_a):
    client = client_for(roles.officer_a)
    upload(client, "incidents", GOOD)
    job = ImportJob.objects.get()
    PeriodLock.objects.create(
        unit=commune_a,
        start=timezone.datetime(2021, 3, 1).date(),
        end=timezone.datetime(2021, 3, 31).date(),
        locked_at=timezone.now(),
    )
    confirm(client, job)
    job.refresh_from_db()
    assert job.state == "invalid" and not Incident.objects.exists()
    assert [row[:2] for row in job.row_errors] == [[2, "occurred_on"]]
    assert not job.file  # a finished job's file is removed


def test_row_errors_are_capped_with_their_count(roles, client_for, commune_a, monkeypatch):
    monkeypatch.setattr(jobs, "MAX_STORED_ERRORS", 2)
    client = client_for(roles.officer_a)
    bad = [f"06976,,2021-03-{day:02d},crime.nope,1,x" for day in range(1, 6)]
    upload(client, "incidents", csv_bytes(HEADER, *bad))
    job = ImportJob.objects.get()
    page = job_page(client, job)
    assert job.error_count == 5 and len(table_rows(page, "import-errors")) == 2
    assert texts(page, "//*[@id='import-more-errors']") == ["… and 3 more problems."]
    assert "5 problems were found" in texts(page, "//*[@id='import-refused']")[0]


def test_a_broker_that_does_not_answer_leaves_a_failed_job_to_retry(roles, client_for, commune_a, monkeypatch):
    def down(args):
        raise BrokerDown("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.import_validate, "apply_async", down)
    client = client_for(roles.officer_a)
    response = upload(client, "incidents", GOOD)
    assert response.status_code == 302  # the upload itself is kept
    job = ImportJob.objects.get()
    page = job_page(client, job)
    assert state(page) == "failed" and "did not answer" in texts(page, "//*[@id='import-failed']")[0]
    assert texts(page, "//form[@id='import-retry']/@action") == [reverse("imports:retry", args=[job.pk])]
    monkeypatch.undo()  # the broker is back
    post_running_jobs(client, reverse("imports:retry", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == "awaiting" and job.message == "" and job.finished_at is None
    confirm(client, job)
    assert Incident.objects.count() == 2


def test_the_history_of_a_job_keeps_its_states(roles, client_for, commune_a):
    client = client_for(roles.officer_a)
    upload(client, "incidents", GOOD)
    job = ImportJob.objects.get()
    confirm(client, job)
    states = list(job.history.order_by("history_date", "history_id").values_list("state", flat=True))
    assert states == ["queued", "validating", "awaiting", "writing", "done"]


def test_files_are_removed_when_jobs_finish_or_wait_too_long(roles, client_for, commune_a):
    client = client_for(roles.officer_a)
    upload(client, "incidents", GOOD, "a.csv")
    done = ImportJob.objects.get()
    stored = done.file.path
    confirm(client, done)
    done.refresh_from_db()
    assert not done.file and not __import__("os").path.exists(stored)

    upload(client, "incidents", csv_bytes(HEADER, ROWS[0].replace("Trộm", "Cướp")), "b.csv")
    waiting = ImportJob.objects.get(filename="b.csv")
    assert jobs.purge() == {"expired": 0, "stalled": 0, "files_removed": 0}
    later = timezone.now() + timedelta(hours=settings.IMPORT_CONFIRM_HOURS, minutes=1)
    assert jobs.purge(now=later)["expired"] == 1
    waiting.refresh_from_db()
    assert waiting.state == "failed" and not waiting.file and "Not confirmed within 24 hours" in waiting.message
    page = job_page(client, waiting)
    assert texts(page, "//*[@id='import-retry']") == []  # nothing to retry without the file


def test_a_stuck_job_is_failed_and_can_be_retried(roles, client_for, commune_a, monkeypatch):
    monkeypatch.setattr(tasks.import_validate, "apply_async", lambda args: None)  # sent, never run
    client = client_for(roles.officer_a)
    upload(client, "incidents", GOOD)
    job = ImportJob.objects.get()
    later = timezone.now() + timedelta(seconds=settings.IMPORT_JOB_TIME_LIMIT + 1)
    assert jobs.purge(now=later)["stalled"] == 1
    job.refresh_from_db()
    assert job.state == "failed" and job.file
    monkeypatch.undo()
    post_running_jobs(client, reverse("imports:retry", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == "awaiting"


def test_the_upload_refuses_a_file_above_the_one_size_limit(roles, client_for, commune_a, monkeypatch):
    from basecurity.lib import tabular

    monkeypatch.setattr(tabular, "MAX_FILE_BYTES", 10)
    client = client_for(roles.officer_a)
    response = client.post(reverse("imports:start", args=["incidents"]), {"file": SimpleUploadedFile("a.csv", GOOD)})
    assert response.status_code == 400 and not ImportJob.objects.exists()
    assert "larger than" in " ".join(texts(response, "//*[contains(@class, 'invalid-feedback')]"))


def test_the_command_prints_a_progress_line(tmp_path, roles, commune_a, capsys):
    path = tmp_path / "book.csv"
    path.write_bytes(GOOD)
    call_command("import_records", "incidents", str(path), "--user", "officer_a")
    out = capsys.readouterr()
    assert "Checking rows: 2 / 2" in out.err and "Writing records: 2 / 2" in out.err
    assert "2 records created." in out.out
    assert not ImportJob.objects.exists()  # the command needs no job


# --- a real worker --------------------------------------------------------------------------------


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_checks_and_writes_an_import_job(
    worker_on_test_database, roles, client_for, commune_a, monkeypatch
):
    from celery import Celery

    from basecurity.testing.services import BROKER_URL
    from conftest import reseed_reference_data

    reseed_reference_data()
    broker = Celery("test-client", broker=BROKER_URL)
    # The pages send the tasks to the worker's queue (the test process itself has no broker).
    monkeypatch.setattr(
        jobs,
        "enqueue",
        lambda job_id, step: broker.send_task(f"communes.import_{step}", args=[job_id], queue=worker_on_test_database),
    )
    client = client_for(roles.officer_a)
    response = client.post(reverse("imports:start", args=["incidents"]), {"file": SimpleUploadedFile("w.csv", GOOD)})
    job = ImportJob.objects.get()
    assert response["Location"] == job.get_absolute_url()

    def wait_for(expected):
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.state not in ImportJob.RUNNING:
                return job.state
            time.sleep(0.3)
        return job.state

    assert wait_for("awaiting") == "awaiting", job.message
    assert not Incident.objects.exists()
    client.post(reverse("imports:confirm", args=[job.pk]))
    assert wait_for("done") == "done", job.message
    assert job.written == 2 and Incident.objects.count() == 2 and not job.file
    assert Incident.history.filter(history_user=roles.officer_a).count() == 2
