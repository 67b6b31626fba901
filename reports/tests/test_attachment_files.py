"""Attached files follow their answers (issue 12): a replaced, cleared or deleted attachment is
removed from storage once the change commits (kept when it rolls back); files are never cached."""

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from reports.models import Assessment, AssessmentAnswer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def post_answers(client, assessment, items, **files):
    assessment.refresh_from_db()
    data = {"version": assessment.version, "save": "1"}
    for item in items.values():
        data[f"item-{item.pk}-met"] = "met"
        data[f"item-{item.pk}-evidence"] = "Biên bản"
    for key, value in files.items():
        data[f"item-{items[(1, 1)].pk}-{key}"] = value
    response = client.post(reverse("reports:assessment_answers", args=[assessment.pk]), data)
    assert response.status_code == 302
    return AssessmentAnswer.objects.get(assessment=assessment, item=items[(1, 1)])


def pdf(name="bien-ban.pdf", body=b"%PDF-1.4 mot"):
    return SimpleUploadedFile(name, body, "application/pdf")


@pytest.fixture
def answered(roles, client_for, commune_a, model_set, items, django_capture_on_commit_callbacks):
    assessment = Assessment.objects.create(unit=commune_a, criteria_set=model_set, year=2024)
    client = client_for(roles.officer_a)
    with django_capture_on_commit_callbacks(execute=True):
        answer = post_answers(client, assessment, items, attachment=pdf())
    assert default_storage.exists(answer.attachment.name)
    return client, assessment, answer


def test_a_replaced_file_is_removed(answered, items, django_capture_on_commit_callbacks):
    client, assessment, answer = answered
    old = answer.attachment.name
    with django_capture_on_commit_callbacks(execute=True):
        answer = post_answers(client, assessment, items, attachment=pdf("moi.pdf", b"%PDF-1.4 hai"))
    assert answer.attachment.name != old
    assert default_storage.exists(answer.attachment.name)
    assert not default_storage.exists(old)


def test_a_cleared_file_is_removed(answered, items, django_capture_on_commit_callbacks):
    client, assessment, answer = answered
    old = answer.attachment.name
    with django_capture_on_commit_callbacks(execute=True):
        answer = post_answers(client, assessment, items, **{"attachment-clear": "on"})
    assert not answer.attachment
    assert not default_storage.exists(old)


def test_a_deleted_answer_takes_its_file(answered, django_capture_on_commit_callbacks):
    _client, assessment, answer = answered
    name = answer.attachment.name
    with django_capture_on_commit_callbacks(execute=True):
        assessment.delete()
    assert not default_storage.exists(name)


def test_a_change_rolled_back_keeps_the_file(answered):
    _client, _assessment, answer = answered
    name = answer.attachment.name
    with pytest.raises(RuntimeError), transaction.atomic():
        answer.attachment = None
        answer.save()
        raise RuntimeError
    assert default_storage.exists(name)


def test_a_file_is_never_cached(answered):
    client, _assessment, answer = answered
    response = client.get(reverse("reports:answer_file", args=[answer.pk]))
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
