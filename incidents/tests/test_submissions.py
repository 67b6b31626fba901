"""Every kind of record (kinds.KINDS) and business inspections: a create form posted twice makes one
record, a save from a stale edit form is refused and can be reapplied, a database failure keeps
what the officer typed (communes/submissions.py)."""

from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from basecurity.testing.html import form_values, texts, tree
from basecurity.testing.submissions import (
    Pages,
    assert_created_once,
    assert_database_failure_keeps_the_text,
    assert_stale_edit_refused,
    logged_in,
    message_texts,
    new_record_data,
)
from communes import submissions
from communes.models import SubmissionToken
from incidents.models import BusinessInspection, CrimeTipExtension, Incident
from incidents.records import KINDS

from . import factories as f

pytestmark = pytest.mark.django_db

# A text field of each kind's form, changed by the two officers of the stale-edit scenario.
TEXT_FIELDS = {
    "incident": "description",
    "tip": "summary",
    "accident": "description",
    "stay": "host_address",
    "business": "owner_name",
    "surrender": "notes",
    "patrol": "results",
    "outreach": "notes",
    "mediation": "subject",
    "doorcheck": "findings",
}


def _new_surrender_items(values: dict) -> dict:
    """The edit form's item rows become the create form's first row (without the stored ids)."""
    return {
        name: value
        for name, value in values.items()
        if not name.startswith("items-") or name[len("items-0-") :] in {"item_type", "quantity", "description"}
    } | {"items-INITIAL_FORMS": ["0"]}


CREATE_DATA = {
    "business": lambda values: values | {"name": ["Nhà nghỉ mới mở"]},
    "surrender": _new_surrender_items,
}


def record_pages(kind: str) -> Pages:
    def url(name, *args):
        return reverse(f"incidents:{kind}_{name}", args=args)

    return Pages(
        create_url=url("create"),
        edit_url=lambda record: url("update", record.pk),
        detail_url=lambda record: url("detail", record.pk),
        records=KINDS[kind].model._default_manager.all,
        text_field=TEXT_FIELDS[kind],
        create_data=CREATE_DATA.get(kind, lambda values: values),
    )


def inspection_pages(business) -> Pages:
    return Pages(
        create_url=reverse("incidents:inspection_create", args=[business.pk]),
        edit_url=lambda inspection: reverse("incidents:inspection_update", args=[inspection.pk]),
        detail_url=lambda inspection: reverse("incidents:business_detail", args=[business.pk]),
        records=BusinessInspection.objects.all,
        text_field="violations",
    )


def test_every_kind_has_a_text_field_for_the_scenarios():
    assert set(TEXT_FIELDS) == set(KINDS)


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_create_form_posted_twice_makes_one_record(kind, roles, client_for, commune_a):
    assert_created_once(client_for(roles.officer_a), record_pages(kind), f.record_in(kind, commune_a))


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_save_from_a_stale_edit_form_is_refused_and_can_be_reapplied(kind, roles, commune_a):
    assert_stale_edit_refused(roles.officer_a, record_pages(kind), f.record_in(kind, commune_a))


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_database_failure_during_the_save_keeps_the_officers_text(kind, roles, commune_a):
    assert_database_failure_keeps_the_text(
        roles.officer_a,
        record_pages(kind),
        f.record_in(kind, commune_a),
        f"incidents.services.{KINDS[kind].service}_update",
    )


def test_an_inspection_form_posted_twice_makes_one_inspection(roles, client_for, commune_a):
    inspection = f.inspection_in(commune_a)
    assert_created_once(client_for(roles.officer_a), inspection_pages(inspection.business), inspection)


def test_a_stale_inspection_edit_is_refused_and_can_be_reapplied(roles, commune_a):
    inspection = f.inspection_in(commune_a)
    assert_stale_edit_refused(roles.officer_a, inspection_pages(inspection.business), inspection)


def test_a_save_by_a_tip_action_makes_an_edit_form_opened_before_it_stale(roles, client_for, commune_a):
    """A save through another page (the tip's hand-over) counts too: it would be overwritten otherwise."""
    tip = f.record_in("tip", commune_a)
    client = client_for(roles.officer_a)
    edit = form_values(client.get(reverse("incidents:tip_update", args=[tip.pk])), "//main//form[@method='post']")
    handover = client.post(
        reverse("incidents:tip_hand_over", args=[tip.pk]), {"handover-handed_over_at": "2021-03-02T10:00"}
    )
    assert handover.status_code == 302, texts(handover, "//*[contains(@class, 'invalid-feedback')]")
    response = client.post(reverse("incidents:tip_update", args=[tip.pk]), edit)
    assert response.status_code == 409
    tip.refresh_from_db()
    assert tip.handed_over_at is not None


def _tip_action_forms(client, tip) -> tuple[dict, dict]:
    """The hand-over and decision forms of the tip's page, as shown."""
    page = client.get(reverse("incidents:tip_detail", args=[tip.pk]))
    return form_values(page, "//form[@id='handover-form']"), form_values(page, "//form[@id='decide-form']")


def test_a_stale_hand_over_is_refused_and_overwrites_nothing(roles, commune_a):
    tip = f.record_in("tip", commune_a)
    mine, theirs = logged_in(roles.officer_a), logged_in(roles.officer_a)
    handover, _decide = _tip_action_forms(mine, tip)
    assert handover["handover-version"] == [str(tip.version)]
    their_handover, _decide = _tip_action_forms(theirs, tip)
    saved = theirs.post(
        reverse("incidents:tip_hand_over", args=[tip.pk]),
        their_handover | {"handover-handed_over_at": "2021-03-02T10:00"},
    )
    assert saved.status_code == 302
    tip.refresh_from_db()
    their_time, their_version = tip.handed_over_at, tip.version

    response = mine.post(
        reverse("incidents:tip_hand_over", args=[tip.pk]), handover | {"handover-handed_over_at": "2021-03-03T08:00"}
    )
    assert response.status_code == 409
    tip.refresh_from_db()
    assert (tip.handed_over_at, tip.version) == (their_time, their_version)
    assert texts(response, "//*[@id='stale-edit']/p")  # the message says someone saved it meanwhile
    row = "//table[@id='stale-versions']//tr[td]"
    assert texts(response, f"{row}/td[@class='stale-mine']") == ["08:00 03/03/2021"]
    assert texts(response, f"{row}/td[@class='stale-saved']") == ["10:00 02/03/2021"]


def test_a_stale_decision_is_refused_and_can_be_reapplied(roles, commune_a):
    tip = f.record_in("tip", commune_a)
    mine, theirs = logged_in(roles.officer_a), logged_in(roles.officer_a)
    _handover, decide = _tip_action_forms(mine, tip)
    # Someone records the hand-over meanwhile (a save of the tip): the decision form is now stale.
    their_handover, _decide = _tip_action_forms(theirs, tip)
    assert (
        theirs.post(
            reverse("incidents:tip_hand_over", args=[tip.pk]),
            their_handover | {"handover-handed_over_at": "2021-03-02T10:00"},
        ).status_code
        == 302
    )
    decided_on = tip.received_on.isoformat()
    data = decide | {"decide-decision": "prosecute", "decide-decided_on": decided_on}

    response = mine.post(reverse("incidents:tip_decide", args=[tip.pk]), data)
    assert response.status_code == 409
    tip.refresh_from_db()
    assert (tip.decision, tip.decided_on) == ("", None)
    # The form shown again holds the stored version: sending it applies the decision deliberately.
    again = form_values(response, "//form[@id='decide-form']")
    assert again["decide-version"] == [str(tip.version)]
    assert again["decide-decision"] == ["prosecute"]
    assert mine.post(reverse("incidents:tip_decide", args=[tip.pk]), again).status_code == 302
    tip.refresh_from_db()
    assert tip.decision == "prosecute"


@pytest.mark.todays_map  # today's work: on the map of 1/7/2025
def test_an_extension_form_posted_twice_extends_once(roles, commune_a):
    today = timezone.localdate()
    tip = f.tip(commune_a, roles.officer_a, received_on=today - timedelta(days=10), received_at=None)
    tip.save()
    client = logged_in(roles.officer_a)
    page = client.get(reverse("incidents:tip_detail", args=[tip.pk]))
    data = form_values(page, "//form[@id='extend-form']") | {
        "extend-new_deadline": (today + timedelta(days=30)).isoformat(),
        "extend-reason": "Phức tạp",
    }
    assert data["extend-submission_token"][0]
    url = reverse("incidents:tip_extend", args=[tip.pk])
    first = client.post(url, data)
    assert first.status_code == 302
    client.get(first["Location"])
    second = client.post(url, data, follow=True)
    assert CrimeTipExtension.objects.filter(tip=tip).count() == 1
    assert message_texts(second)[0].startswith("Đã lưu")


def test_two_posts_of_one_form_racing_past_the_check_still_make_one(roles, client_for, commune_a):
    """Both posts find no earlier token (they arrive together): the unique token in the database lets
    only the first one's transaction commit; the second answers with the first's record."""
    pages = record_pages("incident")
    client = client_for(roles.officer_a)
    data = new_record_data(client, pages, f.record_in("incident", commune_a))
    first = client.post(pages.create_url, data)
    assert first.status_code == 302
    real = submissions.already_created
    racing = [True]

    def not_seen_yet(request):
        return None if racing and racing.pop() else real(request)

    with mock.patch.object(submissions, "already_created", not_seen_yet):
        second = client.post(pages.create_url, data)
    assert second.status_code == 302 and second["Location"] == first["Location"]
    assert Incident.objects.count() == 2  # the one the test started from and the one posted
    assert SubmissionToken.objects.count() == 1


def test_every_page_loads_the_script_that_disables_a_sending_forms_buttons(roles, client_for, commune_a):
    page = client_for(roles.officer_a).get(reverse("incidents:incident_create"))
    sources = tree(page).xpath("//script/@src")
    assert any(source.endswith("js/submit-once.js") for source in sources)
    assert "button.disabled = true" in (Path(settings.BASE_DIR) / "static/js/submit-once.js").read_text()
