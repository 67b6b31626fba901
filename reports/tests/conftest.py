import pytest
import time_machine
from django.utils import translation

from .helpers import TODAY


@pytest.fixture(autouse=True)
def english(settings):
    """Messages are checked in English (the msgids); pages are asked for in English too."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def november_28():
    """The clock at 28/11/2026 09:00 (helpers.TODAY): reporting month 11/2026 has ended; its report is due."""
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def model_set():
    from reports.models import CriteriaSet

    return CriteriaSet.objects.get(kind="model_assessment", year_from=2021, year_to=2025)


@pytest.fixture
def items(model_set):
    """Two criteria in each of the four groups, by (group, number) (test texts: the real ones are loaded
    by an administrator)."""
    from reports.models import CriteriaItem

    return {
        (group.number, number): CriteriaItem.objects.create(
            group=group, number=number, text=f"Tiêu chí thử {group.number}.{number}"
        )
        for group in model_set.groups.all()
        for number in (1, 2)
    }


# Reports are tried in November 2026, on the map of 1/7/2025 (communes under the province); criteria
# assessments for 2024 and 2025, on the map of those years (Thanh Lâm, the town, district 202).
def pytest_collection_modifyitems(items):
    for item in items:
        if "reports/tests/" in str(item.fspath) and "criteria" not in item.module.__name__:
            item.add_marker(pytest.mark.todays_map)
