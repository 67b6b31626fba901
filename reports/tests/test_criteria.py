"""The four criteria groups: seeded names, results per group and overall, attachments, workflow by role."""

from functools import partial

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from reports.criteria import results, services
from reports.models import ATTACHMENT_MAX_BYTES, Assessment, AssessmentState, CriteriaItem

pytestmark = pytest.mark.django_db


def test_migration_seeds_the_four_groups_without_items(model_set):
    assert list(model_set.groups.values_list("number", "name")) == [
        (1, "Công tác lãnh đạo, chỉ đạo"),
        (2, "Công tác an ninh, trật tự"),
        (3, "Xây dựng phong trào Toàn dân bảo vệ an ninh Tổ quốc"),
        (4, "Xây dựng lực lượng An ninh cơ sở"),
    ]
    assert not CriteriaItem.objects.exists()


def test_results_per_group_and_overall(roles, commune_a, model_set, items):
    assessment = Assessment.objects.create(unit=commune_a, criteria_set=model_set, year=2024)
    for key, item in items.items():
        services.answer_save(
            assessment=assessment, user=roles.officer_a, item=item, met=key != (3, 2), evidence="Biên bản"
        )
    result = results.results(assessment)
    assert [(group.group.number, group.met_items, group.items, group.met) for group in result.groups] == [
        (1, 2, 2, True),
        (2, 2, 2, True),
        (3, 1, 2, False),
        (4, 2, 2, True),
    ]
    assert not result.met
    services.answer_save(assessment=assessment, user=roles.officer_a, item=items[(3, 2)], met=True)
    assert results.results(assessment).met
    # A group without items cannot be met, so the whole assessment is not.
    CriteriaItem.objects.filter(group__number=4).update(is_active=False)
    assert not results.results(assessment).met


def test_attachment_type_and_size(roles, commune_a, model_set, items, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    assessment = Assessment.objects.create(unit=commune_a, criteria_set=model_set, year=2024)
    item = items[(1, 1)]
    answer = partial(services.answer_save, assessment=assessment, user=roles.officer_a, item=item, met=True)
    for name, content, refusal in (
        ("virus.exe", b"MZ", "not one"),
        ("bien-ban.pdf", b"MZ\x90\x00 a program renamed", "not really a PDF file"),
    ):
        with pytest.raises(ValidationError, match=refusal):
            answer(attachment=SimpleUploadedFile(name, content))
    for name, content in (("anh.jpg", b"\xff\xd8\xff\xe0 JFIF"), ("bang.xlsx", b"PK\x03\x04 zip")):
        answer(attachment=SimpleUploadedFile(name, content))
    big = SimpleUploadedFile("bien-ban.pdf", b"0" * (ATTACHMENT_MAX_BYTES + 1))
    with pytest.raises(ValidationError, match="larger than 10 MB"):
        answer(attachment=big)


def test_workflow_by_role(roles, commune_a, model_set, items, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    assessment = Assessment.objects.create(unit=commune_a, criteria_set=model_set, year=2024)
    with pytest.raises(PermissionDenied):
        services.answer_save(assessment=assessment, user=roles.officer_b, item=items[(1, 1)], met=True)
    services.answer_save(
        assessment=assessment,
        user=roles.officer_a,
        item=items[(1, 1)],
        met=True,
        attachment=SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4"),
    )
    with pytest.raises(ValidationError, match=r"not answered yet: 1\.2, 2\.1, 2\.2, 3\.1, 3\.2, 4\.1, 4\.2"):
        services.assessment_submit(assessment=assessment, user=roles.officer_a)
    for key, item in items.items():
        if key != (1, 1):
            services.answer_save(assessment=assessment, user=roles.officer_a, item=item, met=True)
    services.assessment_submit(assessment=assessment, user=roles.officer_a)
    with pytest.raises(ValidationError, match="already submitted"):
        services.assessment_submit(assessment=assessment, user=roles.officer_a)
    with pytest.raises(ValidationError):
        services.answer_save(assessment=assessment, user=roles.officer_a, item=items[(1, 2)], met=True)
    with pytest.raises(PermissionDenied):
        services.assessment_decide(assessment=assessment, user=roles.officer_a, confirm=True)
    with pytest.raises(ValidationError):
        services.assessment_decide(assessment=assessment, user=roles.district_committee, confirm=False)
    services.assessment_decide(
        assessment=assessment, user=roles.district_committee, confirm=False, comment="Thiếu minh chứng"
    )
    assert Assessment.objects.get(pk=assessment.pk).state == AssessmentState.RETURNED
    services.assessment_submit(assessment=assessment, user=roles.officer_a)
    services.assessment_decide(assessment=assessment, user=roles.district_committee, confirm=True)
    assert Assessment.objects.get(pk=assessment.pk).state == AssessmentState.CONFIRMED


def test_unit_history_lists_each_year_newest_first(roles, commune_a, model_set, items):
    for year in (2023, 2024):
        Assessment.objects.create(unit=commune_a, criteria_set=model_set, year=year)
    history = results.unit_history(commune_a)
    assert [result.assessment.year for result in history] == [2024, 2023]
    security = history[0].groups[1]
    assert (security.group.name, security.met_items, security.items) == ("Công tác an ninh, trật tự", 0, 2)
