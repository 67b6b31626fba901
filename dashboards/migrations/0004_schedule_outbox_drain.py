"""Schedule the drain of the recomputation outbox (dashboards.drain_recompute_outbox) every 2 minutes."""

from django.db import migrations

DRAIN_TASK_NAME = "Drain the recomputation outbox (records changed)"


def seed(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    schedule, _created = IntervalSchedule.objects.get_or_create(every=2, period="minutes")
    PeriodicTask.objects.update_or_create(
        name=DRAIN_TASK_NAME,
        defaults={
            "task": "dashboards.drain_recompute_outbox",
            "interval": schedule,
            "args": "[]",
            "kwargs": "{}",
            "enabled": True,
            # Not worth queueing twice: a drain left waiting longer than its period is dropped.
            "expire_seconds": 110,
        },
    )


def unseed(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=DRAIN_TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("dashboards", "0003_recompute_request_outbox"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
