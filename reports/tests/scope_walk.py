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


def assessment_of_commune_b(commune_b):
    from reports.models import Assessment, CriteriaSet

    criteria_set = CriteriaSet.objects.get(kind="model_assessment", year_from=2021, year_to=2025)
    return Assessment.objects.get_or_create(unit=commune_b, criteria_set=criteria_set, year=2024)[0]


def answer_of_commune_b(commune_b):
    from django.core.files.base import ContentFile

    from reports.models import AssessmentAnswer, CriteriaItem

    assessment = assessment_of_commune_b(commune_b)
    item = CriteriaItem.objects.get_or_create(
        group=assessment.criteria_set.groups.get(number=1), number=1, defaults={"text": "Tiêu chí thử 1.1"}
    )[0]
    answer, created = AssessmentAnswer.objects.get_or_create(assessment=assessment, item=item)
    if created or not answer.attachment:
        answer.attachment.save("bien-ban.pdf", ContentFile(b"%PDF-1.4 test"))
    return answer


OBJECT_OF_COMMUNE_B |= {
    f"reports:assessment_{action}": assessment_of_commune_b for action in ("detail", "answers", "submit", "decide")
} | {"reports:answer_file": answer_of_commune_b}


def lock_exception_of_commune_b(commune_b):
    from datetime import date, timedelta

    from django.utils import timezone

    from communes.models import LockException

    return LockException.objects.get_or_create(
        unit=commune_b,
        start=date(2021, 1, 15),
        end=date(2021, 2, 14),
        defaults={"valid_until": timezone.now() + timedelta(days=1), "reason": "sửa số liệu (thử)"},
    )[0]


OBJECT_OF_COMMUNE_B |= {"reports:lock_exception_revoke": lock_exception_of_commune_b}
