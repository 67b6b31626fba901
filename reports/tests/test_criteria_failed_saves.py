"""A criteria page whose save fails for the disk (full) or the database: the page comes back with
what the officer typed and a message (503; in English here: reports/tests/conftest.py), and no stored file is left behind (basecurity/lib/storage.py)."""

import errno
from unittest import mock

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError
from django.urls import reverse

from basecurity.testing.html import texts
from communes.submissions import failure_message
from reports.models import Assessment, AssessmentAnswer

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()]


def page_with_two_files(items, assessment) -> dict:
    data = {"version": assessment.version, "save": "1"}
    for item in items.values():
        data[f"item-{item.pk}-met"] = "met"
        data[f"item-{item.pk}-evidence"] = f"Biên bản số {item.pk}"
    for key in [(1, 1), (2, 1)]:
        data[f"item-{items[key].pk}-attachment"] = SimpleUploadedFile(
            "bien-ban.pdf", b"%PDF-1.4 hop", "application/pdf"
        )
    return data


def assert_kept_on_the_page(response, items):
    assert response.status_code == 503
    assert failure_message() in texts(response, "//div[contains(@class, 'alert')]")
    evidence = texts(response, f"//textarea[@name='item-{items[(4, 2)].pk}-evidence']")
    assert evidence == [f"Biên bản số {items[(4, 2)].pk}"]


def test_a_full_disk_on_the_second_file_keeps_the_text_and_leaves_no_file(
    roles, client_for, commune_a, model_set, items, media
):
    assessment = Assessment.objects.create(unit=commune_a, criteria_set=model_set, year=2024)
    save = FileSystemStorage._save
    calls = []

    def disk_fills_up(storage, name, content):
        calls.append(name)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        return save(storage, name, content)

    with mock.patch.object(FileSystemStorage, "_save", disk_fills_up):
        response = client_for(roles.officer_a).post(
            reverse("reports:assessment_answers", args=[assessment.pk]), page_with_two_files(items, assessment)
        )
    assert len(calls) == 2
    assert_kept_on_the_page(response, items)
    assert stored_files(media) == []
    assert not AssessmentAnswer.objects.filter(assessment=assessment).exists()


def test_a_database_failure_after_the_files_are_stored_leaves_no_file(
    roles, client_for, commune_a, model_set, items, media
):
    assessment = Assessment.objects.create(unit=commune_a, criteria_set=model_set, year=2024)
    with mock.patch("reports.criteria.services._save", side_effect=OperationalError("server closed the connection")):
        response = client_for(roles.officer_a).post(
            reverse("reports:assessment_answers", args=[assessment.pk]), page_with_two_files(items, assessment)
        )
    assert_kept_on_the_page(response, items)
    assert stored_files(media) == []
    assert not AssessmentAnswer.objects.filter(assessment=assessment).exists()
    assert Assessment.objects.get(pk=assessment.pk).version == assessment.version
