"""Report.submitted_at becomes the latest submission (it was the first), so timeliness judges the
version the district received. Reports resubmitted after a return take the time of their last
"submitted" event; the first submission stays in the events."""

from django.db import migrations, models
from django.db.models import Exists, OuterRef, Subquery


def _submitted_at_from_events(apps, *, latest: bool) -> None:
    Report = apps.get_model("reports", "Report")
    ReportEvent = apps.get_model("reports", "ReportEvent")
    submissions = ReportEvent.objects.filter(report=OuterRef("pk"), to_state="submitted")
    order = ("-at", "-id") if latest else ("at", "id")
    Report.objects.filter(Exists(submissions)).update(
        submitted_at=Subquery(submissions.order_by(*order).values("at")[:1])
    )


def latest_submission(apps, schema_editor):
    _submitted_at_from_events(apps, latest=True)


def first_submission(apps, schema_editor):
    _submitted_at_from_events(apps, latest=False)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0004_assessment_version"),
    ]

    operations = [
        migrations.AlterField(
            model_name="historicalreport",
            name="submitted_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="last submitted at"),
        ),
        migrations.AlterField(
            model_name="report",
            name="submitted_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="last submitted at"),
        ),
        migrations.RunPython(latest_submission, first_submission),
    ]
