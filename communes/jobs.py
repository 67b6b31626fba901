"""Imports as background jobs (ImportJob): the request stores the file and enqueues, workers do the rest.

    upload (import_views.start) ─ job_start: the file stored, the job QUEUED, `import_validate` sent
    validate ─ VALIDATING: the importer's check(), progress in the row; INVALID (row errors, the
               file removed) or AWAITING confirmation (counts)
    confirm  ─ job_confirm: WRITING, `import_write` sent
    write    ─ in one transaction holding the job's row: check() again (locks and records may have
               changed since), commit() all or nothing; DONE (the file removed) or INVALID
    purge    ─ hourly (`communes.purge_import_files`): files of unconfirmed jobs after
               IMPORT_CONFIRM_HOURS, jobs stuck longer than IMPORT_JOB_TIME_LIMIT failed

Enqueueing happens after the job's row commits (`transaction.on_commit`); when the broker does not
answer the job is FAILED with a message and the user retries it (`job_retry`) once it is back.
Each step takes the job's row with `SELECT ... FOR UPDATE` and checks its state first, so a task
delivered twice (acks_late, a killed worker) does nothing the second time; a redelivered
validation simply runs again. Without a broker (CELERY_TASK_ALWAYS_EAGER: `make run`, the tests)
the tasks run in-process after the commit and the job page shows their result at once.
"""

from __future__ import annotations

import functools
import logging
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import PurePath
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from basecurity.lib import tabular
from basecurity.lib.tabular import RowError

from .imports import REGISTRY, ImportKind
from .models import ImportJob
from .permissions import root_units

if TYPE_CHECKING:
    from django.contrib.auth.models import User

logger = logging.getLogger(__name__)

MAX_STORED_ERRORS = 1000  # row errors kept on a job (the count says how many there were)
State = ImportJob.State


# --- the request's side ---------------------------------------------------------------------------


def job_start(*, user: User, kind: ImportKind, upload: UploadedFile[bytes]) -> ImportJob:
    """Store the uploaded file and queue its validation (sent once this transaction commits)."""
    if upload.name is None or upload.size is None:  # a form's uploaded file always has both
        raise ValueError("The uploaded file has no name or no size.")
    roots = root_units(user, kind.capability)
    job = ImportJob(
        user=user,
        unit=min(roots, key=lambda unit: len(unit.path)) if roots else None,
        kind=kind.key,
        filename=PurePath(upload.name).name[:255],
        size=upload.size,
    )
    # The stored name is random: the user's file name is only shown.
    job.file.save(f"{uuid.uuid4().hex}{PurePath(upload.name).suffix.lower()[:5]}", upload, save=False)
    job.full_clean(exclude=["file"])
    job.save()
    transaction.on_commit(lambda: enqueue(job.pk, "validate"))
    return job


def job_confirm(*, job: ImportJob) -> bool:
    """The user confirms a validated file: queue its writing. False when it is not awaiting confirmation."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job.state != State.AWAITING:
            return False
        job.state, job.confirmed_at, job.done = State.WRITING, timezone.now(), 0
        job.save()
    transaction.on_commit(lambda: enqueue(job.pk, "write"))
    return True


def job_retry(*, job: ImportJob) -> bool:
    """Run a failed job again from its last step (checking, or writing once confirmed), if its file is kept."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job.state != State.FAILED or not job.file:
            return False
        job.state = State.WRITING if job.confirmed_at else State.QUEUED
        job.message, job.finished_at, job.done = "", None, 0
        job.save()
    transaction.on_commit(lambda: enqueue(job.pk, "write" if job.confirmed_at else "validate"))
    return True


def enqueue(job_id: int, step: str) -> bool:
    """Send the task of `step` ("validate" or "write"); a broker that does not answer fails the job
    with a message (the user retries it). True if sent."""
    from . import tasks

    task = tasks.import_validate if step == "validate" else tasks.import_write
    try:
        task.apply_async(args=[job_id])
    except Exception as error:  # the broker's errors; in-process, the task has recorded its own failure
        logger.exception("Import job %s: the %s task was not sent", job_id, step)
        _fail(job_id, _("The import could not be started: the task service did not answer. Try again."), error)
        return False
    return True


# --- the workers' side ------------------------------------------------------------------------------


def validate(job_id: int) -> None:
    """Check the job's file (nothing written): row errors, or the counts to confirm."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.state not in (State.QUEUED, State.VALIDATING):
            return  # done already (a second delivery)
        job.state = State.VALIDATING
        job.save()
    importer = _importer(job, progress=_progress_in_row(job.pk))
    try:
        checked = importer.check(_read(job), job.filename)
    except Exception as error:  # a bug or a lost disk: the job says so, the user may retry
        _fail(job.pk, _("The file could not be checked because of an error on the server."), error)
        return
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job_id)
        if job.state != State.VALIDATING:
            return
        job.total = job.done = checked.rows
        if checked.ok:
            job.state, job.summary = State.AWAITING, checked.summary
            job.save()
        else:
            _finish(job, State.INVALID, errors=checked.errors)


def write(job_id: int) -> None:
    """Write the confirmed file, all or nothing. The job's row stays locked for the whole write,
    so a second delivery waits and then finds the job finished; the validation is run again first,
    inside the transaction (a period locked or the same file imported since the confirmation)."""
    try:
        with transaction.atomic():
            job = ImportJob.objects.select_for_update().filter(pk=job_id).first()
            if job is None or job.state != State.WRITING:
                return
            importer = _importer(job, progress=_progress_in_cache(job.pk))
            result = importer.commit(importer.check(_read(job), job.filename))
            if result.ok:
                job.written, job.imported_file = result.written, result.imported_file
                _finish(job, State.DONE)
            else:
                _finish(job, State.INVALID, errors=result.errors)
    except Exception as error:  # rolled back: nothing written; the job says so, the user may retry
        _fail(job_id, _("Nothing was written: the import stopped because of an error on the server."), error)
    finally:
        cache.delete(_progress_key(job_id))


def purge(now: datetime | None = None) -> dict[str, int]:
    """Remove the files of jobs not confirmed in IMPORT_CONFIRM_HOURS (the job fails), fail the jobs
    stuck longer than IMPORT_JOB_TIME_LIMIT, and remove any file a finished job still has."""
    now = now or timezone.now()
    unconfirmed = ImportJob.objects.filter(
        state=State.AWAITING, created_at__lt=now - timedelta(hours=settings.IMPORT_CONFIRM_HOURS)
    )
    stuck = ImportJob.objects.filter(
        state__in=ImportJob.RUNNING, created_at__lt=now - timedelta(seconds=settings.IMPORT_JOB_TIME_LIMIT)
    )
    expired = _fail_all(
        unconfirmed,
        _("Not confirmed within %(hours)d hours: the file was removed. Upload it again to import it.")
        % {"hours": settings.IMPORT_CONFIRM_HOURS},
        remove_file=True,
    )
    stalled = _fail_all(stuck, _("The import did not finish in time. Try again."), remove_file=False)
    leftovers = 0
    for job in ImportJob.objects.filter(state__in=ImportJob.FINISHED).exclude(file=""):
        if job.state == State.FAILED and job.finished_at and job.finished_at > now - _retention():
            continue  # a failed job keeps its file for a retry, until the retention period ends
        _remove_file(job)
        leftovers += 1
    return {"expired": expired, "stalled": stalled, "files_removed": leftovers}


# --- helpers ----------------------------------------------------------------------------------------


def _importer(job: ImportJob, *, progress: tabular.Progress) -> tabular.Importer:
    return REGISTRY[job.kind].importer(user=job.user, progress=progress)


def _read(job: ImportJob) -> bytes:
    with job.file.open("rb") as stored:
        data: bytes = stored.read()
    return data


def _progress_in_row(job_id: int) -> tabular.Progress:
    """Validation runs outside a transaction: its progress is written to the job's row."""

    def report(_phase: str, done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job_id).update(done=done, total=total)

    return report


def _progress_key(job_id: int) -> str:
    return f"import-job-progress:{job_id}"


def _progress_in_cache(job_id: int) -> tabular.Progress:
    """The write runs in one transaction, invisible to the job page until it commits: its progress
    goes to the cache (shared by the web and the workers with a Redis CACHE_URL; otherwise the page
    shows the job writing, without numbers)."""

    def report(phase: str, done: int, total: int) -> None:
        cache.set(_progress_key(job_id), (phase, done, total), timeout=settings.IMPORT_JOB_TIME_LIMIT)

    return report


def progress_of(job: ImportJob) -> tuple[str, int, int] | None:
    """(phase, done, total) of a running job, or None when unknown."""
    if job.state == State.WRITING:
        progress: tuple[str, int, int] | None = cache.get(_progress_key(job.pk))
        return progress
    if job.state == State.VALIDATING and job.total:
        return ("validating", job.done, job.total)
    return None


def _finish(job: ImportJob, state: str, *, errors: Sequence[RowError] = ()) -> None:
    job.state, job.finished_at = state, timezone.now()
    if errors:
        job.error_count = len(errors)
        job.row_errors = [[error.row, error.column, error.message] for error in errors[:MAX_STORED_ERRORS]]
    job.save()
    if state != State.FAILED:  # a failed job keeps its file for a retry
        transaction.on_commit(lambda: _remove_file(job))


def _fail(job_id: int, message: str, error: Exception | None = None) -> None:
    """Mark a job failed (a fresh transaction: the one that failed has rolled back)."""
    if error is not None:
        logger.error("Import job %s failed", job_id, exc_info=error)
    _fail_all(ImportJob.objects.filter(pk=job_id).exclude(state__in=ImportJob.FINISHED), message, remove_file=False)


def _fail_all(jobs: QuerySet[ImportJob], message: str, *, remove_file: bool) -> int:
    failed = 0
    for job_id in jobs.values_list("pk", flat=True):
        with transaction.atomic():
            locked = ImportJob.objects.filter(pk=job_id).exclude(state__in=ImportJob.FINISHED)
            if connection.features.has_select_for_update_skip_locked:
                locked = locked.select_for_update(skip_locked=True)  # a job being written is left alone
            else:
                locked = locked.select_for_update()
            job = locked.first()
            if job is None:
                continue
            job.message = message
            job.state, job.finished_at = State.FAILED, timezone.now()
            job.save()
            if remove_file:
                transaction.on_commit(functools.partial(_remove_file, job))
            failed += 1
    return failed


def _remove_file(job: ImportJob) -> None:
    if job.file:
        job.file.delete(save=False)
        ImportJob.objects.filter(pk=job.pk).update(file="")


def _retention() -> timedelta:
    return timedelta(hours=settings.IMPORT_CONFIRM_HOURS)
