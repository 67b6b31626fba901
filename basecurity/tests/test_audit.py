"""Audit trail: every change made through a page is recorded with the user who made it."""

from django.urls import reverse

from communes.models import CommitteeMember, SteeringCommittee


def committee_form(committee, **changes):
    data = {
        "unit": committee.unit_id,
        "name": committee.name,
        "decision_number": committee.decision_number,
        "decision_date": "",
        "launched_on": "",
        "notes": committee.notes,
        "members-TOTAL_FORMS": "1",
        "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "1000",
        "members-0-full_name": "",
        "members-0-committee_role": "member",
    }
    data.update(changes)
    return data


def test_a_change_through_a_page_records_the_user(roles, client_for, commune_a):
    committee = SteeringCommittee.objects.get(unit=commune_a)
    client = client_for(roles.officer_a)
    response = client.post(
        reverse("communes:committee_update", args=[committee.pk]),
        committee_form(committee, decision_number="27/QĐ-UBND", **{"members-0-full_name": "Triệu Thị Dung"}),
    )
    assert response.status_code == 302

    latest = committee.history.latest()
    assert latest.history_type == "~"
    assert latest.decision_number == "27/QĐ-UBND"
    assert latest.history_user == roles.officer_a
    # The seed's row has no user (it was not made through a page).
    assert committee.history.earliest().history_user is None
    member = CommitteeMember.objects.get(full_name="Triệu Thị Dung")
    assert member.history.get().history_user == roles.officer_a

    # The record's own page shows who changed it.
    detail = client.get(committee.get_absolute_url())
    assert detail.context["history"][0].history_user == roles.officer_a
    assert "officer_a" in detail.text


def test_admin_history_page_shows_the_change(roles, client_for, commune_a):
    committee = SteeringCommittee.objects.get(unit=commune_a)
    client_for(roles.officer_a).post(
        reverse("communes:committee_update", args=[committee.pk]),
        committee_form(committee, decision_number="27/QĐ-UBND"),
    )
    admin = client_for(roles.admin)
    response = admin.get(reverse("admin:communes_steeringcommittee_history", args=[committee.pk]))
    assert response.status_code == 200
    assert "officer_a" in response.text
    latest = committee.history.latest()
    detail_url = reverse("admin:communes_steeringcommittee_simple_history", args=[committee.pk, latest.history_id])
    assert detail_url in response.text
    assert "27/QĐ-UBND" in admin.get(detail_url).text


def test_a_refused_write_leaves_no_history(roles, client_for, commune_a):
    committee = SteeringCommittee.objects.get(unit=commune_a)
    before = committee.history.count()
    response = client_for(roles.committee_a).post(
        reverse("communes:committee_update", args=[committee.pk]), committee_form(committee, name="Đổi tên")
    )
    assert response.status_code == 404
    assert committee.history.count() == before
