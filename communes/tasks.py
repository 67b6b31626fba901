"""Celery tasks of the imports (communes/jobs.py): thin, taking a job id, safe to deliver twice.

- `import_validate(job_id)`: check the job's file, nothing written.
- `import_write(job_id)`: write a confirmed job's file, all or nothing.
- `purge_import_files()`: hourly (migration 0006): remove the files of unconfirmed jobs, fail stuck ones.

A task records its own failure on the job (the user sees it and retries), so none is retried here.
"""

from celery import shared_task

from . import jobs


@shared_task(name="communes.import_validate", acks_late=True, ignore_result=True)  # type: ignore[untyped-decorator]  # celery has no types
def import_validate(job_id: int) -> None:
    jobs.validate(job_id)


@shared_task(name="communes.import_write", acks_late=True, ignore_result=True)  # type: ignore[untyped-decorator]  # celery has no types
def import_write(job_id: int) -> None:
    jobs.write(job_id)


@shared_task(name="communes.purge_import_files", ignore_result=True)  # type: ignore[untyped-decorator]  # celery has no types
def purge_import_files() -> dict[str, int]:
    return jobs.purge()
