"""Celery tasks of the communes app (thin: they call the module that owns the work)."""

from celery import shared_task

from . import submissions


@shared_task(name="communes.purge_submission_tokens", ignore_result=True)
def purge_submission_tokens() -> int:
    """Delete the one-time form tokens older than SUBMISSION_TOKEN_DAYS (nightly, migration 0006)."""
    return submissions.tokens_purge()
