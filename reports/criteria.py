"""Criteria assessments: answers, the workflow (submit, confirm, return) and the results.

A group is met when it has criteria in use and every one of them is answered "met"; the assessment
is met overall only when every group of its set is met (the model's four groups).
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from communes.permissions import Capability, can

from .models import Assessment, AssessmentAnswer, AssessmentState, CriteriaGroup


@dataclass
class GroupResult:
    group: CriteriaGroup
    items: int
    met_items: int

    @property
    def met(self) -> bool:
        return self.items > 0 and self.met_items == self.items


@dataclass
class AssessmentResult:
    assessment: Assessment
    groups: list[GroupResult]

    @property
    def met(self) -> bool:
        return bool(self.groups) and all(group.met for group in self.groups)


def results(assessment: Assessment) -> AssessmentResult:
    """Per group: criteria in use and how many are answered met (one query)."""
    groups = (
        CriteriaGroup.objects.filter(criteria_set=assessment.criteria_set_id)
        .annotate(
            item_count=Count("items", filter=Q(items__is_active=True), distinct=True),
            met_count=Count(
                "items__answers",
                filter=Q(items__is_active=True, items__answers__assessment=assessment, items__answers__met=True),
                distinct=True,
            ),
        )
        .order_by("number")
    )
    return AssessmentResult(assessment, [GroupResult(group, group.item_count, group.met_count) for group in groups])


@transaction.atomic
def answer_save(
    *, assessment: Assessment, user, item, met: bool, evidence: str = "", attachment=None
) -> AssessmentAnswer:
    assessment = Assessment.objects.select_for_update(of=("self",)).select_related("unit").get(pk=assessment.pk)
    if not can(user, Capability.ORGANISATION_WRITE, assessment.unit):
        raise PermissionDenied(_("You cannot assess %(unit)s.") % {"unit": assessment.unit.name})
    if assessment.state not in (AssessmentState.DRAFT, AssessmentState.RETURNED):
        raise ValidationError(_("This assessment was submitted: it can no longer be changed."))
    if item.group.criteria_set_id != assessment.criteria_set_id:
        raise ValidationError({"item": _("This criterion belongs to another criteria list.")})
    answer = AssessmentAnswer.objects.filter(assessment=assessment, item=item).first() or AssessmentAnswer(
        assessment=assessment, item=item
    )
    answer.met, answer.evidence = met, evidence
    if attachment is not None:
        answer.attachment = attachment
    answer.full_clean()
    answer._history_user = user
    answer.save()
    return answer


@transaction.atomic
def assessment_submit(*, assessment: Assessment, user) -> Assessment:
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if not can(user, Capability.ORGANISATION_WRITE, assessment.unit):
        raise PermissionDenied(_("You cannot assess %(unit)s.") % {"unit": assessment.unit.name})
    if assessment.state not in (AssessmentState.DRAFT, AssessmentState.RETURNED):
        raise ValidationError(_("This assessment was already submitted."))
    assessment.state, assessment.submitted_at = AssessmentState.SUBMITTED, timezone.now()
    assessment._history_user = user
    assessment.save()
    return assessment


@transaction.atomic
def assessment_decide(*, assessment: Assessment, user, confirm: bool, comment: str = "") -> Assessment:
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if not can(user, Capability.ORGANISATION_CONFIRM, assessment.unit):
        raise PermissionDenied(
            _("Only the district can confirm or return the assessment of %(unit)s.") % {"unit": assessment.unit.name}
        )
    if assessment.state != AssessmentState.SUBMITTED:
        raise ValidationError(_("Only a submitted assessment can be confirmed or returned."))
    if not confirm and not comment.strip():
        raise ValidationError({"comment": _("Say what the commune must fix before it submits again.")})
    assessment.state = AssessmentState.CONFIRMED if confirm else AssessmentState.RETURNED
    assessment.decided_at, assessment.decided_by, assessment.return_comment = timezone.now(), user, comment.strip()
    assessment._history_user = user
    assessment.save()
    return assessment


def unit_history(unit) -> list[AssessmentResult]:
    """The unit's assessments of every year, newest first, each with its results."""
    return [
        results(assessment)
        for assessment in Assessment.objects.filter(unit=unit).select_related("criteria_set").order_by("-year")
    ]
