"""Seed the model's 2021-2025 targets (defaults for every unit) and the nightly recomputation.

Targets (targets.md): crimes, social evils and violations down by 7 %; every crime tip resolved in
time and every foreigner declared on time (100 %); reintegrated persons with a job and a stable
life up 10 percentage points; reoffending below 10 %; traffic accidents down on all three criteria.
The nightly django-celery-beat task recomputes the current and the previous reporting year.
"""

from decimal import Decimal

from django.db import migrations

TARGETS = [
    ("crime_reduction", "crime_and_order", "reduction", Decimal("7"), "Kéo giảm tội phạm từ 7% trở lên"),
    ("social_evil_reduction", "crime_and_order", "reduction", Decimal("7"), "Kéo giảm tệ nạn xã hội từ 7% trở lên"),
    ("violation_reduction", "crime_and_order", "reduction", Decimal("7"), "Kéo giảm vi phạm pháp luật từ 7% trở lên"),
    ("tips_on_time", "tips", "all", Decimal("100"), "Giải quyết 100% tố giác, tin báo về tội phạm đúng hạn"),
    ("foreigners_declared", "foreigners", "all", Decimal("100"), "Khai báo tạm trú 100% người nước ngoài đúng hạn"),
    ("reintegration_employment", "reintegration", "points_up", Decimal("10"),
     "Tỷ lệ người tái hòa nhập có việc làm, ổn định cuộc sống tăng 10 điểm %"),
    ("reoffending", "reintegration", "below", Decimal("10"), "Tỷ lệ tái phạm dưới 10%"),
    ("traffic_reduction", "traffic", "all_three_down", Decimal("0"), "Kéo giảm tai nạn giao thông trên cả ba tiêu chí"),
]
YEARS = range(2021, 2026)
NIGHTLY_TASK_NAME = "Recompute yearly targets (current and previous year)"


def seed(apps, schema_editor):
    TargetDefinition = apps.get_model("dashboards", "TargetDefinition")
    for year in YEARS:
        for code, group, rule, threshold, description in TARGETS:
            TargetDefinition.objects.update_or_create(
                code=code,
                year=year,
                unit=None,
                defaults={"group": group, "rule": rule, "threshold": threshold, "description": description},
            )
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    schedule, _created = CrontabSchedule.objects.get_or_create(
        minute="30", hour="1", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Ho_Chi_Minh"
    )
    PeriodicTask.objects.update_or_create(
        name=NIGHTLY_TASK_NAME,
        defaults={"task": "dashboards.recompute_nightly", "crontab": schedule, "args": "[]", "kwargs": "{}", "enabled": True},
    )


def unseed(apps, schema_editor):
    apps.get_model("dashboards", "TargetDefinition").objects.filter(unit=None, year__in=YEARS).delete()
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NIGHTLY_TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("dashboards", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
