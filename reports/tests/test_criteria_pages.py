"""The criteria assessment pages: start, answer item by item, submit, confirm or return, files, scope."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from basecurity.testing.html import text, texts
from communes.models import AdministrativeUnit, Level
from reports.models import Assessment, AssessmentAnswer, AssessmentState, CriteriaKind, CriteriaSet

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def answers_post(items, assessment, *, met=True, skip=(), **extra):
    data = {"version": assessment.version, "save": "1"}
    for key, item in items.items():
        if key in skip:
            continue
        data[f"item-{item.pk}-met"] = "met" if met else "not_met"
        data[f"item-{item.pk}-evidence"] = f"Biên bản số {item.pk}"
    return data | extra


def start(client, unit, model_set, year=2024):
    return client.post(
        reverse("reports:assessment_start"), {"unit": unit.pk, "criteria_set": model_set.pk, "year": year}
    )


def test_officer_starts_answers_with_a_file_and_submits(roles, client_for, commune_a, model_set, items):
    client = client_for(roles.officer_a)
    response = start(client, commune_a, model_set)
    assessment = Assessment.objects.get(unit=commune_a, year=2024)
    assert response.url == reverse("reports:assessment_answers", args=[assessment.pk])
    assert assessment.history.first().history_user == roles.officer_a

    page = client.get(response.url)
    assert page.status_code == 200
    assert "Tiêu chí thử 4.2" in page.text

    first = items[(1, 1)]
    data = answers_post(items, assessment, skip={(2, 2)})
    data[f"item-{first.pk}-attachment"] = SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4 hop", "application/pdf")
    response = client.post(reverse("reports:assessment_answers", args=[assessment.pk]), data)
    assert response.status_code == 302
    assert AssessmentAnswer.objects.filter(assessment=assessment).count() == 7
    answer = AssessmentAnswer.objects.get(assessment=assessment, item=first)
    assert answer.evidence == f"Biên bản số {first.pk}" and answer.attachment.name.endswith(".pdf")

    # Submitting with a criterion unanswered is refused, naming it; the state does not move.
    response = client.post(reverse("reports:assessment_submit", args=[assessment.pk]), follow=True)
    assert "not answered yet: 2.2" in response.text
    assert Assessment.objects.get(pk=assessment.pk).state == AssessmentState.DRAFT

    assessment.refresh_from_db()
    data = answers_post(items, assessment, submit="1")
    del data["save"]
    response = client.post(reverse("reports:assessment_answers", args=[assessment.pk]), data, follow=True)
    assessment.refresh_from_db()
    assert assessment.state == AssessmentState.SUBMITTED
    # Per group, not per assessment: four groups of two criteria, each met.
    assert texts(response, '//ul[@id="group-results"]//span[@class="group-score"]') == ["2/2"] * 4
    assert text(response, '//dd[@id="assessment-result"]/span[1]') == "Met"

    # The file is served to those who may read the assessment.
    download = client.get(reverse("reports:answer_file", args=[answer.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 hop"
    assert client_for(roles.district_committee).get(reverse("reports:answer_file", args=[answer.pk])).status_code == 200
    assert client_for(roles.officer_b).get(reverse("reports:answer_file", args=[answer.pk])).status_code == 404


def test_a_bad_file_refuses_the_whole_page(roles, client_for, commune_a, model_set, items):
    assessment = Assessment.objects.create(unit=commune_a, criteria_set=model_set, year=2024)
    client = client_for(roles.officer_a)
    data = answers_post(items, assessment)
    data[f"item-{items[(3, 1)].pk}-attachment"] = SimpleUploadedFile("virus.exe", b"MZ")
    response = client.post(reverse("reports:assessment_answers", args=[assessment.pk]), data)
    assert response.status_code == 200
    assert "is not one" in response.text and "Nothing was saved" in response.text
    assert "choose them again" in response.text
    # What the officer typed is still on the page; nothing was written.
    assert f"Biên bản số {items[(4, 2)].pk}" in response.text
    assert not AssessmentAnswer.objects.filter(assessment=assessment).exists()
    assert Assessment.objects.get(pk=assessment.pk).version == assessment.version


def test_two_people_answering_at_once_the_second_is_told(roles, client_for, commune_a, model_set, items):
    assessment = Assessment.objects.create(unit=commune_a, criteria_set=model_set, year=2024)
    opened_with = assessment.version
    client = client_for(roles.officer_a)
    url = reverse("reports:assessment_answers", args=[assessment.pk])
    assert client.post(url, answers_post(items, assessment, met=True)).status_code == 302

    # The second person opened the page before that save and now saves "not met" everywhere.
    data = answers_post(items, assessment, met=False) | {"version": opened_with}
    data[f"item-{items[(1, 1)].pk}-evidence"] = "Nội dung người thứ hai"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Someone else (officer_a) saved answers" in response.text
    assert "Nội dung người thứ hai" in response.text
    assert set(AssessmentAnswer.objects.filter(assessment=assessment).values_list("met", flat=True)) == {True}

    # Saving again from that page, after comparing, is deliberate and goes through.
    data["version"] = response.context["version"]
    assert client.post(url, data).status_code == 302
    assert set(AssessmentAnswer.objects.filter(assessment=assessment).values_list("met", flat=True)) == {False}


def test_district_returns_then_confirms_and_roles_are_kept(roles, client_for, commune_a, model_set, items):
    assessment = Assessment.objects.create(unit=commune_a, criteria_set=model_set, year=2024)
    for item in items.values():
        AssessmentAnswer.objects.create(assessment=assessment, item=item, met=True)
    officer = client_for(roles.officer_a)
    officer.post(reverse("reports:assessment_submit", args=[assessment.pk]))
    decide = reverse("reports:assessment_decide", args=[assessment.pk])

    # Neither the commune officer nor the district police may decide (404: not in their scope).
    assert officer.post(decide, {"decision": "confirm"}).status_code == 404
    assert client_for(roles.district_police).post(decide, {"decision": "confirm"}).status_code == 404

    district = client_for(roles.district_committee)
    page = district.get(assessment.get_absolute_url())
    assert 'id="decision-form"' in page.text
    response = district.post(decide, {"decision": "return", "comment": ""}, follow=True)
    assert "Say what the commune must fix" in response.text
    assert Assessment.objects.get(pk=assessment.pk).state == AssessmentState.SUBMITTED

    district.post(decide, {"decision": "return", "comment": "Thiếu biên bản họp"})
    assessment.refresh_from_db()
    assert assessment.state == AssessmentState.RETURNED and assessment.decided_by == roles.district_committee
    page = client_for(roles.officer_a).get(reverse("reports:assessment_answers", args=[assessment.pk]))
    assert "Thiếu biên bản họp" in page.text

    officer = client_for(roles.officer_a)
    officer.post(reverse("reports:assessment_submit", args=[assessment.pk]))
    response = client_for(roles.district_committee).post(decide, {"decision": "confirm"}, follow=True)
    assert "The assessment was confirmed" in response.text
    assessment.refresh_from_db()
    assert assessment.state == AssessmentState.CONFIRMED
    # Confirming twice is refused plainly; a confirmed assessment cannot be answered again.
    response = client_for(roles.district_committee).post(decide, {"decision": "confirm"}, follow=True)
    assert "Only a submitted assessment can be confirmed or returned; this one is confirmed" in response.text
    response = client_for(roles.officer_a).get(reverse("reports:assessment_answers", args=[assessment.pk]), follow=True)
    assert "can no longer be changed" in response.text
    steps = [step.state for step in assessment.history.order_by("history_date", "history_id")]
    assert steps[-4:] == ["submitted", "returned", "submitted", "confirmed"]
    detail = client_for(roles.officer_a).get(assessment.get_absolute_url())
    assert [row.state for row in detail.context["steps"]] == [
        "draft",
        "submitted",
        "returned",
        "submitted",
        "confirmed",
    ]


def test_start_refusals(roles, client_for, commune_a, commune_b, model_set, items):
    client = client_for(roles.officer_a)
    # Another commune is not among the choices.
    response = start(client, commune_b, model_set)
    assert response.status_code == 200 and "Select a valid choice" in response.text
    # A year outside the list's years.
    response = start(client, commune_a, model_set, year=2027)
    assert "in force from 2021 to 2025, not in 2027" in response.text
    # A village is not assessed on the model's four groups.
    village = AdministrativeUnit.objects.filter(parent=commune_a, level=Level.VILLAGE).first()
    if village is not None:
        assert "does not assess a unit like" in start(client, village, model_set).text
    assert start(client, commune_a, model_set).status_code == 302
    response = start(client, commune_a, model_set)
    assert "already has an assessment" in response.text
    assert Assessment.objects.filter(unit=commune_a).count() == 1
    # The committee of the commune reads but does not start.
    assert client_for(roles.committee_a).get(reverse("reports:assessment_start")).status_code == 404


def test_villages_are_rated_for_the_safe_recognition_with_the_loaded_list(roles, client_for, commune_a):
    village = AdministrativeUnit.objects.filter(parent=commune_a, level=Level.VILLAGE).first()
    assert village is not None, "the Ba Chẽ seed has villages"
    recognition = CriteriaSet.objects.create(
        name="Công nhận an toàn về ANTT", kind=CriteriaKind.SAFE_RECOGNITION, year_from=2024, year_to=2026
    )
    group = recognition.groups.create(number=1, name="Tiêu chuẩn thôn, bản an toàn")
    group.items.create(number=1, text="Không để xảy ra tội phạm nghiêm trọng")
    response = start(client_for(roles.officer_a), village, recognition, year=2025)
    assert response.status_code == 302
    assessment = Assessment.objects.get(unit=village)
    assert assessment.criteria_set == recognition


def test_list_shows_results_and_who_has_not_started_in_bounded_queries(
    roles, client_for, commune_a, model_set, items, units
):
    assessment = Assessment.objects.create(unit=commune_a, criteria_set=model_set, year=2024)
    for key, item in items.items():
        AssessmentAnswer.objects.create(assessment=assessment, item=item, met=key[0] != 2)
    client = client_for(roles.district_committee)
    url = reverse("reports:assessment_list") + "?year=2024"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        response = client.get(url)
    assert commune_a.name in response.text and "Not met" in response.text
    communes = AdministrativeUnit.objects.filter(level=Level.COMMUNE, path__startswith=units["202"].path)
    assert f"{communes.count() - 1} communes have not started" in response.text
    last = communes.order_by("name").last()
    for other in communes.exclude(pk__in=[commune_a.pk, last.pk]):
        Assessment.objects.create(unit=other, criteria_set=model_set, year=2024)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["results"]) == communes.count() - 1
    assert "1 commune has not started" in response.text and last.name in response.context["not_started"][0].name
    assert len(many) == len(few)
    # The commune officer sees their own commune only.
    response = client_for(roles.officer_a).get(url)
    assert [result.assessment.unit for result in response.context["results"]] == [commune_a]
