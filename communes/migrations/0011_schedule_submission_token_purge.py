"""Schedule the nightly purge of old one-time form tokens (communes.purge_submission_tokens)."""

from django.db import migrations

PURGE_TASK_NAME = "Delete old one-time form tokens"


def seed(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    schedule, _created = CrontabSchedule.objects.get_or_create(
        minute="45", hour="2", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Ho_Chi_Minh"
    )
    PeriodicTask.objects.update_or_create(
        name=PURGE_TASK_NAME,
        defaults={
            "task": "communes.purge_submission_tokens",
            "crontab": schedule,
            "args": "[]",
            "kwargs": "{}",
            "enabled": True,
        },
    )


def unseed(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=PURGE_TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("communes", "0010_steering_committee_names"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
