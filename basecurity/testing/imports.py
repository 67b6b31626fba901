"""The import pages' flow in tests: upload → the check runs → confirm → the write runs.

The jobs are sent when their transaction commits (communes/jobs.py); a test's transaction never
commits, so these helpers run the commit callbacks of each request (the tasks run in-process, as
with `make run`: CELERY_TASK_ALWAYS_EAGER without a broker)."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from communes.models import ImportJob


def post_running_jobs(client, url: str, data: dict | None = None, **extra):
    """POST `url`, then run what the request queued for after its commit (the tasks)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(url, data or {}, **extra)


def upload(client, kind: str, data: bytes, name: str = "file.csv", **fields):
    """Upload a file on imports:start and let its check run: the response (a redirect to the job)."""
    return post_running_jobs(
        client, reverse("imports:start", args=[kind]), {"file": SimpleUploadedFile(name, data), **fields}
    )


def confirm(client, job: ImportJob):
    """Confirm a checked job and let it write: the response (a redirect to the job)."""
    return post_running_jobs(client, reverse("imports:confirm", args=[job.pk]))


def import_file(client, kind: str, data: bytes, name: str = "file.csv") -> ImportJob:
    """Upload, check, confirm (when the check passed) and write: the job as it ends."""
    upload(client, kind, data, name)
    job = ImportJob.objects.order_by("-pk").first()
    assert job is not None, "the upload made no import job"
    if job.state == ImportJob.State.AWAITING:
        confirm(client, job)
        job.refresh_from_db()
    return job
