"""Schedule `communes.purge_import_files` every hour (communes/jobs.py: files of unconfirmed jobs, stuck jobs)."""

from django.db import migrations

PURGE_TASK_NAME = "Remove the files of unconfirmed imports"


def seed(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    schedule, _created = IntervalSchedule.objects.get_or_create(every=1, period="hours")
    PeriodicTask.objects.update_or_create(
        name=PURGE_TASK_NAME,
        defaults={
            "task": "communes.purge_import_files",
            "interval": schedule,
            "args": "[]",
            "kwargs": "{}",
            "enabled": True,
            "expire_seconds": 3000,
        },
    )


def unseed(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=PURGE_TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("communes", "0006_import_jobs"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
