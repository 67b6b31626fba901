"""The reports app's URLs for communes/tests/test_scope_walk.py: the commune-B report of each pk."""

from reports.models import Report


def report_of_commune_b(commune_b):
    report = Report.objects.filter(unit=commune_b, period_kind="month", year=2026, number=11).first()
    if report is None:
        report = Report(unit=commune_b, period_kind="month", year=2026, number=11)
        report.set_period()
        report.save()
    return report


OBJECT_OF_COMMUNE_B = {
    f"reports:report_{action}": report_of_commune_b
    for action in ("detail", "update", "submit", "refresh", "approve", "return", "docx", "print")
}
