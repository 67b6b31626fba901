"""Fictional criteria assessments for the demo.

The criteria list (`demo_criteria.csv`) is an illustration written from the article's wording
(shared/seed), not the official text: a real deployment loads the official list in Django admin
(Criteria sets → the set → "Load criteria from a file"). It is loaded only into a set that has no
criteria yet. Thanh Lâm's assessments of 2023 and 2024 are confirmed by the district, its 2025
assessment is submitted; the town's 2025 assessment is a draft. Idempotent.
"""

from pathlib import Path

from django.utils import timezone

from .criteria.loader import load_criteria
from .models import Assessment, AssessmentAnswer, AssessmentState, CriteriaItem, CriteriaKind, CriteriaSet

DEMO_LIST = Path(__file__).with_name("demo_criteria.csv")
# unit code, year, state, criteria answered "not met" (group, number)
ASSESSMENTS = [
    ("06976", 2023, AssessmentState.CONFIRMED, {(3, 2)}),
    ("06976", 2024, AssessmentState.CONFIRMED, set()),
    ("06976", 2025, AssessmentState.SUBMITTED, set()),
    ("06970", 2025, AssessmentState.DRAFT, {(2, 3)}),
]


def load(units) -> None:
    criteria_set = CriteriaSet.objects.filter(kind=CriteriaKind.MODEL_ASSESSMENT, year_from=2021, year_to=2025).first()
    if criteria_set is None:
        return
    if not CriteriaItem.objects.filter(group__criteria_set=criteria_set).exists():
        load_criteria(criteria_set, DEMO_LIST.read_bytes(), DEMO_LIST.name)
    items = list(CriteriaItem.objects.filter(group__criteria_set=criteria_set, is_active=True).select_related("group"))
    for code, year, state, not_met in ASSESSMENTS:
        unit = units.get(code)
        if unit is None or Assessment.objects.filter(unit=unit, criteria_set=criteria_set, year=year).exists():
            continue
        now = timezone.now()
        assessment = Assessment.objects.create(
            unit=unit,
            criteria_set=criteria_set,
            year=year,
            state=state,
            submitted_at=now if state != AssessmentState.DRAFT else None,
            decided_at=now if state == AssessmentState.CONFIRMED else None,
        )
        AssessmentAnswer.objects.bulk_create(
            AssessmentAnswer(
                assessment=assessment,
                item=item,
                met=(item.group.number, item.number) not in not_met,
                evidence="Báo cáo tổng kết năm (demo)",
            )
            for item in items
        )
