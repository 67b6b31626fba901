"""The Celery application. Broker and options come from Django settings (CELERY_* names)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "basecurity.settings")

app = Celery("basecurity")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="basecurity.health")
def health(token: str) -> str:
    """Echo a token: proves that a worker takes tasks from the broker and returns results."""
    return f"ok:{token}"
