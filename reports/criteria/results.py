"""Results of criteria assessments (reads): a group is met when it has criteria in use and every one
of them is answered "met"; the assessment is met overall only when every group of its set is met.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Count, Q

from ..models import (
    Assessment,
    AssessmentAnswer,
    CriteriaGroup,
    CriteriaItem,
    CriteriaKind,
)


@dataclass
class GroupResult:
    group: CriteriaGroup
    items: int
    met_items: int
    answered: int = 0

    @property
    def met(self) -> bool:
        return self.items > 0 and self.met_items == self.items


@dataclass
class AssessmentResult:
    assessment: Assessment
    groups: list[GroupResult] = field(default_factory=list)

    @property
    def met(self) -> bool:
        return bool(self.groups) and all(group.met for group in self.groups)

    @property
    def items(self) -> int:
        return sum(group.items for group in self.groups)

    @property
    def answered(self) -> int:
        return sum(group.answered for group in self.groups)


def results_of(assessments: Sequence[Assessment]) -> dict[int, AssessmentResult]:
    """Results of many assessments in two queries, whatever their number (dashboards list a district)."""
    if not assessments:
        return {}
    groups_by_set: dict[int, list[CriteriaGroup]] = defaultdict(list)
    for group in (
        CriteriaGroup.objects.filter(criteria_set__in={a.criteria_set_id for a in assessments})
        .annotate(item_count=Count("items", filter=Q(items__is_active=True)))
        .order_by("criteria_set", "number")
    ):
        groups_by_set[group.criteria_set_id].append(group)
    answered: dict[tuple[int, int], tuple[int, int]] = {
        (row["assessment"], row["item__group"]): (row["answered"], row["met"])
        for row in AssessmentAnswer.objects.filter(assessment__in=[a.pk for a in assessments], item__is_active=True)
        .values("assessment", "item__group")
        .annotate(answered=Count("id"), met=Count("id", filter=Q(met=True)))
    }
    results = {}
    for assessment in assessments:
        groups = []
        for group in groups_by_set[assessment.criteria_set_id]:
            answered_count, met_count = answered.get((assessment.pk, group.pk), (0, 0))
            groups.append(GroupResult(group, group.item_count, met_count, answered_count))
        results[assessment.pk] = AssessmentResult(assessment, groups)
    return results


def results(assessment: Assessment) -> AssessmentResult:
    return results_of([assessment])[assessment.pk]


def unit_history(unit, kind: str = CriteriaKind.MODEL_ASSESSMENT) -> list[AssessmentResult]:
    """The unit's assessments of every year, newest first, each with its results (three queries)."""
    assessments = list(
        Assessment.objects.filter(unit=unit, criteria_set__kind=kind).select_related("criteria_set").order_by("-year")
    )
    found = results_of(assessments)
    return [found[assessment.pk] for assessment in assessments]


def units_results(units: Iterable, year: int, kind: str = CriteriaKind.MODEL_ASSESSMENT) -> dict[int, AssessmentResult]:
    """The assessment of `year` of each of `units` that has one, by unit id (three queries)."""
    assessments = list(
        Assessment.objects.filter(unit__in=[unit.pk for unit in units], year=year, criteria_set__kind=kind)
        .select_related("criteria_set")
        .order_by("unit", "-criteria_set__year_from")
    )
    found = results_of(assessments)
    by_unit: dict[int, AssessmentResult] = {}
    for assessment in assessments:
        by_unit.setdefault(assessment.unit_id, found[assessment.pk])
    return by_unit


def unanswered_items(assessment: Assessment) -> list[CriteriaItem]:
    return list(
        CriteriaItem.objects.filter(group__criteria_set=assessment.criteria_set_id, is_active=True)
        .exclude(answers__assessment=assessment)
        .select_related("group")
        .order_by("group__number", "number")
    )


def state_history(assessment: Assessment) -> list:
    """The workflow steps (state changes) of the assessment, oldest first, with user and time."""
    steps, previous = [], None
    for record in assessment.history.select_related("history_user").order_by("history_date", "history_id"):
        if record.state != previous:
            steps.append(record)
            previous = record.state
    return steps
