"""Celery tasks of the communes app: thin, they call the module that owns the work.

Imports (communes/jobs.py), taking a job id, safe to deliver twice:
- `import_validate(job_id)`: check the job's file, nothing written.
- `import_write(job_id)`: write a confirmed job's file, all or nothing.
- `purge_import_files()`: hourly (migration 0007): remove the files of unconfirmed jobs, fail stuck ones.
A task records its own failure on the job (the user sees it and retries), so none is retried here.

- `purge_submission_tokens()`: nightly (migration 0011): delete the one-time form tokens older than
  SUBMISSION_TOKEN_DAYS (communes/submissions.py).
"""

from celery import shared_task

from . import jobs, submissions


@shared_task(name="communes.import_validate", acks_late=True, ignore_result=True)  # type: ignore[untyped-decorator]  # celery has no types
def import_validate(job_id: int) -> None:
    jobs.validate(job_id)


@shared_task(name="communes.import_write", acks_late=True, ignore_result=True)  # type: ignore[untyped-decorator]  # celery has no types
def import_write(job_id: int) -> None:
    jobs.write(job_id)


@shared_task(name="communes.purge_import_files", ignore_result=True)  # type: ignore[untyped-decorator]  # celery has no types
def purge_import_files() -> dict[str, int]:
    return jobs.purge()


@shared_task(name="communes.purge_submission_tokens", ignore_result=True)  # type: ignore[untyped-decorator]  # celery has no types
def purge_submission_tokens() -> int:
    """Delete the one-time form tokens older than SUBMISSION_TOKEN_DAYS (nightly, migration 0011)."""
    return submissions.tokens_purge()
